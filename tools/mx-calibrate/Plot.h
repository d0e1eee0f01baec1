//===- Plot.h - SVG histograms of calibration statistics --------*- C++ -*-===//
//
// Part of mx-opt (mx-calibrate --plot-dir).
//
//===----------------------------------------------------------------------===//

#ifndef MX_TOOLS_MXCALIBRATE_PLOT_H
#define MX_TOOLS_MXCALIBRATE_PLOT_H

#include "mx/Support/CalibrationTable.h"

#include "llvm/Support/Error.h"

namespace mx {

/// Writes one SVG per tensor of `table` into `dir` (created if missing):
/// the |x| histogram on a log scale and the threshold of every method
/// (percentile: `percentile`), plus index.html listing them all.
llvm::Error writeCalibrationPlots(const CalibrationTable &table,
                                  llvm::StringRef dir, double percentile);

} // namespace mx

#endif // MX_TOOLS_MXCALIBRATE_PLOT_H
