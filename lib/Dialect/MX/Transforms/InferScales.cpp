//===- InferScales.cpp - Static scales from a calibration table -----------===//
//
// Part of mx-opt. See the description of mx-infer-scales in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Calibration.h"
#include "mx/Support/CalibrationCache.h"
#include "mx/Support/CalibrationTable.h"

#include "mx/Support/Debug.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

#define DEBUG_TYPE "mx-infer-scales"

namespace mx {
#define GEN_PASS_DEF_MXINFERSCALES
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {
/// The static scale of `q` for a clipping threshold: the INT8 scale, or the
/// per-tensor f32 scale of a `tensor_scale = true` format.
float scaleFor(QuantizeOp q, double threshold) {
  FormatSpec spec = q.getQuantizedType().getSpec();
  if (spec.tensorScale)
    return tensorScaleForThreshold(threshold, spec);
  return scaleForThreshold(threshold);
}

struct MXInferScalesPass : mx::impl::MXInferScalesBase<MXInferScalesPass> {
  using Base::Base;

  void runOnOperation() override {
    Operation *root = getOperation();
    std::optional<CalibrationMethod> m = symbolizeCalibrationMethod(method);
    if (!m) {
      root->emitError() << "mx-infer-scales: unknown method '" << method
                        << "'; expected max, percentile, entropy or mse";
      return signalPassFailure();
    }
    if (table.empty()) {
      root->emitError("mx-infer-scales: give the calibration table: "
                      "--mx-infer-scales=\"table=FILE\"");
      return signalPassFailure();
    }
    // TensorRT caches and tpu-mlir tables give the scales directly (the
    // method does not apply to them).
    auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(table);
    if (!buffer) {
      root->emitError() << "mx-infer-scales: " << table
                        << ": cannot read: " << buffer.getError().message();
      return signalPassFailure();
    }
    if (detectCalibrationFileKind((*buffer)->getBuffer()) !=
        CalibrationFileKind::Json)
      return runWithScaleTable();
    llvm::Expected<CalibrationTable> stats = readCalibrationTable(table);
    if (!stats) {
      root->emitError() << "mx-infer-scales: "
                        << llvm::toString(stats.takeError());
      return signalPassFailure();
    }
    resolveAll([&](QuantizeOp q, StringRef name) -> std::optional<float> {
      auto it = stats->find(name);
      if (it == stats->end())
        return std::nullopt;
      llvm::Expected<double> threshold =
          chooseThreshold(it->second, *m, percentile);
      if (!threshold) {
        q.emitOpError() << "tensor '" << name
                        << "': " << llvm::toString(threshold.takeError());
        return NAN;
      }
      MX_DEBUG(llvm::dbgs() << name << ": threshold " << *threshold << "\n");
      return scaleFor(q, *threshold);
    });
  }

  /// Sets `static_scale` on every named quantization from `scaleOf`, which
  /// returns nullopt for a tensor missing from the table (reported here) or
  /// NaN after reporting its own error.
  void resolveAll(
      llvm::function_ref<std::optional<float>(QuantizeOp, StringRef)> scaleOf) {
    bool failedAny = false, anyNamed = false;
    getOperation()->walk([&](QuantizeOp q) {
      std::optional<StringRef> name = q.getCalibration();
      if (!name)
        return;
      anyNamed = true;
      std::optional<float> scale = scaleOf(q, *name);
      if (!scale) {
        q.emitOpError() << "tensor '" << *name << "' is not in the "
                        << "calibration table " << table
                        << " (calibrate this model, or check the names)";
        failedAny = true;
        return;
      }
      if (std::isnan(*scale)) {
        failedAny = true;
        return;
      }
      MX_DEBUG(llvm::dbgs() << *name << ": scale " << *scale << "\n");
      q.setStaticScaleAttr(FloatAttr::get(Float32Type::get(&getContext()),
                                          static_cast<double>(*scale)));
      ++numResolved;
    });
    if (failedAny)
      return signalPassFailure();
    // Not an error (nothing is wrong with the IR), but the table is unused:
    // say so rather than let dynamic scales pass for calibrated ones.
    if (!anyNamed)
      emitWarning(getOperation()->getLoc())
          << "mx-infer-scales: no quantization has a calibration name, so "
             "the table "
          << table
          << " resolves nothing (the activations are quantized "
             "dynamically; quantize them with "
             "--mx-quantize=\"... activations=static\" to use it)";
  }

  /// Resolves the quantizations from a TensorRT cache or tpu-mlir table.
  void runWithScaleTable() {
    Operation *root = getOperation();
    llvm::Expected<ScaleTable> scales = readScaleTable(table);
    if (!scales) {
      root->emitError() << "mx-infer-scales: "
                        << llvm::toString(scales.takeError());
      return signalPassFailure();
    }
    resolveAll([&](QuantizeOp q, StringRef name) -> std::optional<float> {
      const ScaleEntry *entry = scales->lookup(name);
      if (!entry)
        return std::nullopt;
      // A tensor scale comes from the entry's threshold (scale * 127 in a
      // TensorRT cache, the threshold column of a tpu-mlir table).
      if (q.getQuantizedType().getSpec().tensorScale)
        return scaleFor(q, entry->threshold);
      return entry->scale;
    });
  }
};
} // namespace
