//===- my-opt.cpp - a downstream opt tool that embeds mx ------------------===//
//
// Part of mx-opt's examples. Registers a few upstream dialects plus mx and the
// mx passes through the public entry points of mx/InitMX.h.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mx::registerMXPasses();
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::tensor::TensorDialect>();
  mx::registerMXDialect(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "downstream opt with mx\n", registry));
}
