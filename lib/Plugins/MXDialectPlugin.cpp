//===- MXDialectPlugin.cpp - mx as an mlir-opt dialect plugin -------------===//
//
// Part of mx-opt. Lets a stock mlir-opt load the mx dialect:
//   mlir-opt --load-dialect-plugin=libMXDialectPlugin.so input.mlir
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MXDialect", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mx::registerMXDialect(*registry);
          }};
}
