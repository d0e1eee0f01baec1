//===- MXObserveToRuntime.h - Lower calibration observers -------*- C++ -*-===//
//
// Part of mx-opt. mx.observe to calls of the calibration runtime
// (include/mx/Runtime/CalibrationRuntime.h).
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXOBSERVETORUNTIME_MXOBSERVETORUNTIME_H
#define MX_CONVERSION_MXOBSERVETORUNTIME_MXOBSERVETORUNTIME_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace mx {

#define GEN_PASS_DECL_CONVERTMXOBSERVETORUNTIME
#include "mx/Conversion/Passes.h.inc"

/// The C function observers call (see CalibrationRuntime.h).
inline constexpr llvm::StringLiteral kObserveFunctionName =
    "mx_calibration_observe_f32";
/// The module attribute listing the observed names; id i is element i.
inline constexpr llvm::StringLiteral kCalibrationTensorsAttrName =
    "mx.calibration_tensors";

/// Observed tensor names and their runtime ids (in order of first use).
struct ObserverIds {
  llvm::StringMap<int64_t> ids;
  std::vector<std::string> names;
  int64_t getOrAssign(llvm::StringRef name);
};

/// Adds the pattern that rewrites mx.observe into a call of
/// kObserveFunctionName (declared in the enclosing module when missing),
/// assigning ids in `ids`, which must outlive the patterns.
void populateMXObserveToRuntimePatterns(mlir::RewritePatternSet &patterns,
                                        ObserverIds &ids);

/// Reads the kCalibrationTensorsAttrName list of a lowered module.
llvm::FailureOr<std::vector<std::string>>
getCalibrationTensorNames(mlir::ModuleOp module);

} // namespace mx

#endif // MX_CONVERSION_MXOBSERVETORUNTIME_MXOBSERVETORUNTIME_H
