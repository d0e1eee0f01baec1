//===- MXPassPlugin.cpp - mx passes as an mlir-opt pass plugin ------------===//
//
// Part of mx-opt. Lets a stock mlir-opt run the mx passes:
//   mlir-opt --load-dialect-plugin=libMXDialectPlugin.so \
//            --load-pass-plugin=libMXPassPlugin.so --mx-expand-fake-quant
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"

#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MXPasses", LLVM_VERSION_STRING,
          []() { mx::registerMXPasses(); }};
}
