//===- CalibrationTable.h - Versioned JSON calibration tables ---*- C++ -*-===//
//
// Part of mx-opt. The on-disk form of calibration statistics, keyed by the
// stable tensor names that --mx-quantize writes into `calibration`. Version
// 1 (docs/Calibration.md):
//
//   {
//     "format": "mx-calibration-table",
//     "version": 1,
//     "tensors": {
//       "NAME": {"count": 512, "min": -3.1, "max": 2.9, "absmax": 3.1,
//                "non_finite": 0, "num_bins": 2048, "hist_max": 4.0,
//                "bins": [ ... num_bins counts of |x| over [0, hist_max) ... ]}
//     }
//   }
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_CALIBRATIONTABLE_H
#define MX_SUPPORT_CALIBRATIONTABLE_H

#include "mx/Support/Calibration.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mx {

inline constexpr int64_t kCalibrationTableVersion = 1;

/// Statistics of every tensor of a model, by name.
using CalibrationTable = llvm::StringMap<TensorStatistics>;

/// Parses a table; errors name the line (JSON syntax) or the tensor and
/// field (contents). `nameForErrors` prefixes the messages.
llvm::Expected<CalibrationTable>
parseCalibrationTable(llvm::StringRef text, llvm::StringRef nameForErrors);
/// Reads a table from a file.
llvm::Expected<CalibrationTable> readCalibrationTable(llvm::StringRef path);
/// The JSON text of a table (tensors in name order).
std::string printCalibrationTable(const CalibrationTable &table);

} // namespace mx

#endif // MX_SUPPORT_CALIBRATIONTABLE_H
