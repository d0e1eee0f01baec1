//===- CalibrationCache.h - TensorRT caches, tpu-mlir tables ----*- C++ -*-===//
//
// Part of mx-opt. Scale tables in the formats of other tools, so their
// calibration results carry over to mx and back (docs/Calibration.md):
//
// * TensorRT's calibration cache: a header line `TRT-<version>-<calibrator>`
//   (e.g. `TRT-8601-EntropyCalibration2`), then one `name: XXXXXXXX` line per
//   tensor, the INT8 scale as the 8 hex digits of its IEEE f32 bits.
// * tpu-mlir's calibration table: `#` comment lines, then one
//   `name threshold min max` line per tensor (separated by spaces); a
//   `#int4_th`, `#asym_op`, `#weight_scale` ... section ends the INT8 part.
//
// They hold scales or thresholds, not histograms: they are outputs of a
// calibration, not statistics to merge. No MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_CALIBRATIONCACHE_H
#define MX_SUPPORT_CALIBRATIONCACHE_H

#include "mx/Support/CalibrationTable.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mx {

/// The kind of a calibration file, from its contents.
enum class CalibrationFileKind { Json, TensorRT, TpuMlir };

/// JSON when the first non-blank character is `{`, TensorRT when the first
/// line starts with `TRT-`, tpu-mlir otherwise.
CalibrationFileKind detectCalibrationFileKind(llvm::StringRef text);

/// One tensor of a scale table.
struct ScaleEntry {
  std::string name;
  /// The symmetric INT8 scale (threshold / 127).
  float scale = 1.0f;
  /// The clipping threshold (TensorRT caches: scale * 127).
  double threshold = 127.0;
  /// Range seen in calibration (tpu-mlir tables; TensorRT: -+threshold).
  double min = -127.0, max = 127.0;
};

/// Scales of a model by tensor, in file order.
struct ScaleTable {
  /// The TensorRT header line (`TRT-8601-EntropyCalibration2`); unused for
  /// tpu-mlir tables.
  std::string header;
  std::vector<ScaleEntry> entries;

  /// The entry called `name`, or null.
  const ScaleEntry *lookup(llvm::StringRef name) const;
};

/// Parses a TensorRT calibration cache; errors name the file and line.
llvm::Expected<ScaleTable> parseTensorRTCache(llvm::StringRef text,
                                              llvm::StringRef nameForErrors);
/// Parses a tpu-mlir threshold table; errors name the file and line.
llvm::Expected<ScaleTable> parseTpuMlirTable(llvm::StringRef text,
                                             llvm::StringRef nameForErrors);
/// Either of the two, by detectCalibrationFileKind (JSON is an error).
llvm::Expected<ScaleTable> readScaleTable(llvm::StringRef path);

/// The text of a TensorRT cache (the header, or `TRT-8601-<calibrator>`
/// naming `method` when the header is empty).
std::string printTensorRTCache(const ScaleTable &table);
/// The text of a tpu-mlir table (thresholds, min, max; full precision).
std::string printTpuMlirTable(const ScaleTable &table,
                              llvm::StringRef comment = "");

/// The scales `method` chooses for every tensor of `stats`, in name order,
/// with a TensorRT header naming the calibrator (EntropyCalibration2,
/// MinMaxCalibration, or LegacyCalibration for percentile and mse).
llvm::Expected<ScaleTable>
scaleTableFromStatistics(const CalibrationTable &stats,
                         CalibrationMethod method, double percentile = 99.99);

} // namespace mx

#endif // MX_SUPPORT_CALIBRATIONCACHE_H
