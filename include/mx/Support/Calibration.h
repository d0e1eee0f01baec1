//===- Calibration.h - Post-training INT8 calibration statistics -*- C++
//-*-===//
//
// Part of mx-opt. Running per-tensor statistics collected over calibration
// batches (min/max/absmax and a histogram of |x|), and the classic ways of
// turning them into a symmetric INT8 clipping threshold: Max, Percentile,
// Entropy (TensorRT's KL-divergence calibration) and MSE. This library has no
// MLIR dependency.
//
// Histogram grid. The histogram covers [0, histMax) with `numBins` equal bins
// and `histMax` is always 0 (nothing but zeros seen yet) or the smallest power
// of two strictly greater than every |x| seen. When a larger |x| arrives the
// range doubles as often as needed and each doubling merges bins (2k, 2k+1)
// into bin k. Because every statistics object uses the same canonical grid
// (a function of absMax only), re-binning never splits a bin and is exact:
// binning a value on the fine grid and then coarsening gives the same bin as
// binning it on the coarse grid directly. Hence merging shards produces
// bit-identical bins to adding all data into one object, whether or not the
// range grows. (TensorRT and ONNX Runtime instead keep the stride and grow the
// number of bins, or re-histogram; the power-of-two grid keeps `numBins` fixed
// and the merge exact.) The price is resolution: [0, absMax] uses between
// numBins/2 and numBins of the bins.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_CALIBRATION_H
#define MX_SUPPORT_CALIBRATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace mx {

/// Running statistics of one tensor over calibration batches.
///
/// `numBins` may be set before the first `add` and must not change after it
/// (`chooseThreshold` and `merge` report an error if `bins.size()` no longer
/// matches it).
struct TensorStatistics {
  /// Smallest and largest finite value seen (+inf / -inf when none).
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  /// Largest finite |x| seen (0 when none).
  double absMax = 0;
  /// Number of finite values seen (the histogram mass).
  uint64_t count = 0;
  /// Number of NaN and +-Inf values seen; they are skipped otherwise.
  uint64_t nonFinite = 0;
  /// Number of histogram bins over [0, histMax).
  unsigned numBins = 2048;
  /// Upper edge of the histogram: 0 or a power of two > absMax (see the file
  /// comment).
  double histMax = 0;
  /// Histogram of |x|; empty until the first `add`, then `numBins` entries.
  /// Bin k counts |x| in [k * w, (k + 1) * w) with w = histMax / numBins;
  /// zeros are always in bin 0.
  std::vector<uint64_t> bins;

  /// Per-channel absolute maximum (optional; mx-calibrate --channel-axis):
  /// the axis of the observed tensor, or -1 when not recorded.
  int64_t channelAxis = -1;
  /// channelAbsMax[c] is the largest finite |x| with index c along
  /// channelAxis (0 when none); empty when not recorded.
  std::vector<double> channelAbsMax;

  /// Adds one batch of values. NaN and Inf values are counted in `nonFinite`
  /// and otherwise skipped.
  void add(llvm::ArrayRef<float> values);

  /// Updates the per-channel absolute maxima with a batch in C order, where
  /// value e belongs to channel (e / inner) % channels of axis `axis`. Fails
  /// if the axis or the number of channels differ from earlier batches.
  /// (Call `add` for the rest of the statistics.)
  llvm::Error addChannels(llvm::ArrayRef<float> values, int64_t axis,
                          int64_t channels, int64_t inner);

  /// Merges another shard into this one exactly: both histograms are
  /// coarsened to the larger (power-of-two) range and added, so the result is
  /// identical to having added both shards' values into one object; the
  /// per-channel maxima are combined by maximum. Fails if `numBins` differ,
  /// the per-channel data disagree (axis, channel count, or only one shard
  /// with values has them), or either object is inconsistent.
  llvm::Error merge(const TensorStatistics &other);

  /// Width of one bin (0 while histMax is 0).
  double getBinWidth() const { return numBins ? histMax / numBins : 0.0; }

  /// Checks the invariants above; returns an error describing the first
  /// violated one.
  llvm::Error verify() const;
};

/// How `chooseThreshold` picks the clipping threshold.
enum class CalibrationMethod { Max, Percentile, Entropy, MSE };

/// The lower-case name of a method ("max", "percentile", "entropy", "mse").
llvm::StringRef stringifyCalibrationMethod(CalibrationMethod m);
/// The inverse of stringifyCalibrationMethod.
std::optional<CalibrationMethod> symbolizeCalibrationMethod(llvm::StringRef s);

/// The clipping threshold T >= 0 a method picks for symmetric INT8 with 127
/// positive levels. With w = histMax / numBins and bins[k] the mass of
/// [k w, (k + 1) w):
///
/// - Max: absMax.
/// - Percentile: the smallest bin upper edge (k + 1) w such that at least
///   `percentile`% of the histogram mass lies in bins 0..k. Requires
///   0 < percentile <= 100; percentile 100 gives the upper edge of the bin
///   holding absMax.
/// - Entropy: TensorRT's KL-divergence calibration, as in MXNet's
///   `_get_optimal_threshold` / ONNX Runtime's `get_entropy_threshold` for a
///   one-sided |x| histogram. For every candidate i in [128, numBins]:
///   P = bins[0..i) with the outlier mass bins[i..) added to P[i-1];
///   Q = bins[0..i) (without the outliers, as in TensorRT's published
///   algorithm and MXNet/ONNX Runtime; merging P itself would make Q == P
///   and KL == 0 at i = 128) merged into 128 levels of m = i / 128 bins
///   each (the last level also takes the i - 128 m remainder bins), each
///   level's mass then spread uniformly over its bins where P != 0 (Q = 0
///   where P = 0). Both are
///   smoothed as in ONNX Runtime's `smooth_distribution` (eps = 1e-4 added
///   to the zero entries of the unnormalized counts, eps * #zeros / #nonzeros
///   subtracted from the non-zero entries; a candidate whose smoothing would
///   make an entry <= 0 is skipped), normalized, and KL(P||Q) =
///   sum P log(P / Q). The smallest i minimizing KL wins and T = i * w (the
///   upper bin edge of P's range, as ONNX Runtime returns; not TensorRT's
///   (i + 0.5) w). Requires numBins >= 128. Note the smallest possible
///   threshold is 128 w = histMax / 16 for the default 2048 bins.
/// - MSE: the bin edge T = j w, j in [1, numBins], minimizing the expected
///   squared error with each bin's mass placed at its center c:
///   sum over c <= T of mass * step^2 / 12 (uniform rounding error, step =
///   T / 127) plus sum over c > T of mass * (c - T)^2 (clipping error). The
///   smallest minimizing T wins. Being a mean over all values, a single far
///   outlier at X among N values pulls T to about X / (1 + N / (12 * 127^2)).
///
/// All methods fail on empty statistics (count == 0) or inconsistent ones,
/// and return 0 when every value seen was zero.
llvm::Expected<double> chooseThreshold(const TensorStatistics &s,
                                       CalibrationMethod m,
                                       double percentile = 99.99);

/// The INT8 scale for a threshold: threshold / 127 rounded to float, or 1 when
/// the threshold is not a positive finite number (e.g. 0). The result is
/// clamped to [smallest normal float, largest float] so it is never 0 or Inf.
float scaleForThreshold(double threshold);

struct FormatSpec;

/// The per-tensor f32 scale s_t of a `tensor_scale = true` format for a
/// threshold T (docs/Formats.md, "Two-level formats"): T / (max element *
/// 448) under E4M3 block scales (NVFP4: T / 2688), T / max element under
/// E8M0 block scales (the pre-scale of an MX format). 1 when T is not a
/// positive finite number; clamped to [smallest subnormal float, largest
/// float] (an f32 subnormal s_t is what brings a tensor near 2^-130 into
/// range), so it is never 0 or Inf.
float tensorScaleForThreshold(double threshold, const FormatSpec &spec);

} // namespace mx

#endif // MX_SUPPORT_CALIBRATION_H
