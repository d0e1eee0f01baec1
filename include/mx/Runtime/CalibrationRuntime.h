//===- CalibrationRuntime.h - Statistics collected by compiled code -*- C++
//-*-===//
//
// Part of mx-opt. The runtime side of calibration observers: compiled code
// calls mx_calibration_observe_f32 (convert-mx-observe-to-runtime lowers
// mx.observe to that call) and the active CalibrationCollector adds the
// values to the statistics of that tensor (mx/Support/Calibration.h). No
// MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef MX_RUNTIME_CALIBRATIONRUNTIME_H
#define MX_RUNTIME_CALIBRATIONRUNTIME_H

#include "mx/Support/CalibrationTable.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
/// Called by instrumented code: adds `size` values of a 1-D f32 memref
/// (`aligned + offset`, step `stride`) to the statistics of tensor `id`.
/// `axis` >= 0 also records per-channel maxima along that axis of the
/// original tensor: element e is in channel (e / inner) % channels. Without an
/// active collector it does nothing.
void mx_calibration_observe_f32(int64_t id, int64_t axis, int64_t channels,
                                int64_t inner, float *allocated, float *aligned,
                                int64_t offset, int64_t size, int64_t stride);
}

namespace mx {

/// The statistics of the observed tensors of one program; ids index `names`
/// (the module's mx.calibration_tensors list).
class CalibrationCollector {
public:
  CalibrationCollector(std::vector<std::string> names, unsigned numBins);
  ~CalibrationCollector();

  /// Makes this the collector that mx_calibration_observe_f32 updates (one
  /// at a time per process; the destructor deactivates it).
  void activate();
  void deactivate();

  /// Called through mx_calibration_observe_f32.
  void observe(int64_t id, int64_t axis, int64_t channels, int64_t inner,
               llvm::ArrayRef<float> values);

  /// The first error seen by observe (unknown id, inconsistent channels).
  llvm::Error takeError();

  /// The statistics by name, merged with those of tensors observed under
  /// the same name.
  CalibrationTable getTable() const;

  /// Number of observer calls so far.
  uint64_t getNumCalls() const { return numCalls; }

  /// The address of mx_calibration_observe_f32 for JIT symbol maps.
  static void *getObserveFunctionAddress();

private:
  std::vector<std::string> names;
  std::vector<TensorStatistics> stats;
  std::string firstError;
  uint64_t numCalls = 0;
};

} // namespace mx

#endif // MX_RUNTIME_CALIBRATIONRUNTIME_H
