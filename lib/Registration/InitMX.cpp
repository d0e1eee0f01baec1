//===- InitMX.cpp - Register the mx dialect and passes --------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"
#include "mx/Conversion/MXToGPU/MXToGPU.h"
#include "mx/Conversion/Passes.h"
#include "mx/Dialect/MX/IR/MXDialect.h"
#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Pipelines/NVVMPipeline.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"

void mx::registerMXDialect(mlir::DialectRegistry &registry) {
  registry.insert<mx::MXDialect>();
  mx::registerQuantCommutingExternalModels(registry);
  mx::registerTCGen05BufferizationModel(registry);
}

void mx::registerMXPasses() {
  mx::registerMXTransformsPasses();
  mx::registerMXConversionPasses();
  mx::registerMXPipelines();
  mx::registerMXNVVMPipeline();
}
