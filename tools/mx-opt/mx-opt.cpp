//===- mx-opt.cpp - mlir-opt with the mx dialect and passes ---------------===//
//
// Part of mx-opt. Every upstream dialect, pass and extension, plus mx.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"
#include "mx/Support/Debug.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mx::registerMXPasses();
  mx::registerDebugOptions();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mx::registerMXDialect(registry);
  // gpu-module-to-binary (--mx-lower-to-nvvm) translates kernels to LLVM IR.
  mlir::registerAllGPUToLLVMIRTranslations(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "mx-opt: MLIR optimizer with the mx quantization dialect\n",
      registry));
}
