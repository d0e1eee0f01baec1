//===- Calibration.cpp - Post-training INT8 calibration statistics --------===//
//
// Part of mx-opt. See Calibration.h for the histogram grid and the exact
// definition of every calibration method.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Calibration.h"
#include "mx/Support/Numerics.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mx;

static llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The canonical histogram range for a maximum |x| of `v` > 0: the smallest
/// power of two strictly greater than `v`.
static double canonicalHistMax(double v) {
  return std::ldexp(1.0, std::ilogb(v) + 1);
}

/// Whether `v` is 0 or a positive power of two.
static bool isZeroOrPowerOfTwo(double v) {
  if (v == 0)
    return true;
  if (!(v > 0) || !std::isfinite(v))
    return false;
  int exp;
  return std::frexp(v, &exp) == 0.5;
}

/// Merges bins (2k, 2k + 1) into bin k, `times` times.
static void coarsen(std::vector<uint64_t> &bins, unsigned times) {
  size_t n = bins.size();
  for (unsigned t = 0; t < times; ++t) {
    for (size_t k = 0; k < n; ++k) {
      uint64_t sum = 0;
      if (2 * k < n)
        sum += bins[2 * k];
      if (2 * k + 1 < n)
        sum += bins[2 * k + 1];
      bins[k] = sum;
    }
  }
}

/// The number of doublings taking power of two `from` (or 0) to `to`.
static unsigned doublingsBetween(double from, double to) {
  if (from == 0 || to <= from)
    return 0;
  return static_cast<unsigned>(std::ilogb(to) - std::ilogb(from));
}

//===----------------------------------------------------------------------===//
// TensorStatistics
//===----------------------------------------------------------------------===//

void TensorStatistics::add(llvm::ArrayRef<float> values) {
  if (bins.empty())
    bins.assign(numBins, 0);

  // Grow the range once for the whole batch.
  double batchAbsMax = 0;
  for (float v : values)
    if (std::isfinite(v))
      batchAbsMax = std::max(batchAbsMax, std::fabs(static_cast<double>(v)));
  if (batchAbsMax > 0 && batchAbsMax >= histMax) {
    double target = canonicalHistMax(batchAbsMax);
    coarsen(bins, doublingsBetween(histMax, target));
    histMax = target;
  }

  size_t n = bins.size();
  for (float v : values) {
    if (!std::isfinite(v)) {
      ++nonFinite;
      continue;
    }
    double d = v;
    double a = std::fabs(d);
    min = std::min(min, d);
    max = std::max(max, d);
    absMax = std::max(absMax, a);
    ++count;
    if (n == 0)
      continue;
    size_t idx = 0;
    if (a > 0) {
      // a / histMax is exact (division by a power of two), so this index is
      // consistent with coarsening: floor(floor(y) / 2) == floor(y / 2).
      double y = (a / histMax) * static_cast<double>(n);
      idx = std::min(static_cast<size_t>(y), n - 1);
    }
    ++bins[idx];
  }
}

llvm::Error TensorStatistics::addChannels(llvm::ArrayRef<float> values,
                                          int64_t axis, int64_t channels,
                                          int64_t inner) {
  if (axis < 0 || channels <= 0 || inner <= 0)
    return makeError(llvm::formatv("invalid per-channel layout: axis {0}, {1} "
                                   "channels, inner size {2}",
                                   axis, channels, inner));
  if (channelAbsMax.empty() && channelAxis < 0) {
    channelAxis = axis;
    channelAbsMax.assign(channels, 0.0);
  }
  if (axis != channelAxis ||
      static_cast<size_t>(channels) != channelAbsMax.size())
    return makeError(llvm::formatv(
        "per-channel statistics along axis {0} with {1} channels do not "
        "match earlier batches (axis {2}, {3} channels)",
        axis, channels, channelAxis, channelAbsMax.size()));
  for (size_t e = 0, n = values.size(); e < n; ++e) {
    float v = values[e];
    if (!std::isfinite(v))
      continue;
    size_t c = (e / static_cast<size_t>(inner)) % static_cast<size_t>(channels);
    channelAbsMax[c] =
        std::max(channelAbsMax[c], std::fabs(static_cast<double>(v)));
  }
  return llvm::Error::success();
}

llvm::Error TensorStatistics::verify() const {
  if (channelAbsMax.empty() != (channelAxis < 0))
    return makeError("per-channel statistics need both an axis and the "
                     "maxima");
  for (double m : channelAbsMax)
    if (!(m >= 0) || !std::isfinite(m) || m > absMax)
      return makeError(llvm::formatv(
          "per-channel maximum {0} is not in [0, absmax = {1}]", m, absMax));
  if (!bins.empty() && bins.size() != numBins)
    return makeError(llvm::formatv("calibration statistics have {0} bins but "
                                   "numBins is {1}",
                                   bins.size(), numBins));
  if (!isZeroOrPowerOfTwo(histMax))
    return makeError(llvm::formatv(
        "calibration histogram range {0} is not 0 or a power of two", histMax));
  if (count > 0 && absMax > 0 && !(absMax < histMax))
    return makeError(
        llvm::formatv("calibration histogram range {0} does not exceed the "
                      "largest |x| {1}",
                      histMax, absMax));
  uint64_t mass = 0;
  for (uint64_t b : bins)
    mass += b;
  if (!bins.empty() && mass != count)
    return makeError(llvm::formatv("calibration histogram holds {0} values but "
                                   "count is {1}",
                                   mass, count));
  if (count > 0 && numBins > 0 && bins.empty())
    return makeError("calibration statistics have values but no histogram");
  return llvm::Error::success();
}

llvm::Error TensorStatistics::merge(const TensorStatistics &other) {
  if (numBins != other.numBins)
    return makeError(llvm::formatv("cannot merge calibration statistics with "
                                   "{0} and {1} bins",
                                   numBins, other.numBins));
  if (llvm::Error err = verify())
    return err;
  if (llvm::Error err = other.verify())
    return err;

  // Per-channel maxima: both shards with values must have them, alike.
  bool mine = !channelAbsMax.empty(), hasTheirs = !other.channelAbsMax.empty();
  if (mine && hasTheirs) {
    if (channelAxis != other.channelAxis ||
        channelAbsMax.size() != other.channelAbsMax.size())
      return makeError(llvm::formatv(
          "cannot merge per-channel statistics along axis {0} ({1} channels) "
          "and axis {2} ({3} channels)",
          channelAxis, channelAbsMax.size(), other.channelAxis,
          other.channelAbsMax.size()));
  } else if (mine != hasTheirs && (mine ? other.count : count) > 0) {
    return makeError("cannot merge statistics with and without per-channel "
                     "maxima");
  }
  if (hasTheirs) {
    if (!mine) {
      channelAxis = other.channelAxis;
      channelAbsMax.assign(other.channelAbsMax.size(), 0.0);
    }
    for (size_t c = 0, e = channelAbsMax.size(); c < e; ++c)
      channelAbsMax[c] = std::max(channelAbsMax[c], other.channelAbsMax[c]);
  }

  nonFinite += other.nonFinite;
  if (other.count == 0 && other.bins.empty())
    return llvm::Error::success();

  double target = std::max(histMax, other.histMax);
  if (bins.empty())
    bins.assign(numBins, 0);
  coarsen(bins, doublingsBetween(histMax, target));
  std::vector<uint64_t> theirs = other.bins;
  if (theirs.empty())
    theirs.assign(numBins, 0);
  coarsen(theirs, doublingsBetween(other.histMax, target));
  for (size_t k = 0, e = bins.size(); k < e; ++k)
    bins[k] += theirs[k];
  histMax = target;

  min = std::min(min, other.min);
  max = std::max(max, other.max);
  absMax = std::max(absMax, other.absMax);
  count += other.count;
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Threshold selection
//===----------------------------------------------------------------------===//

llvm::StringRef mx::stringifyCalibrationMethod(CalibrationMethod m) {
  switch (m) {
  case CalibrationMethod::Max:
    return "max";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  }
  return "unknown";
}

std::optional<CalibrationMethod>
mx::symbolizeCalibrationMethod(llvm::StringRef s) {
  return llvm::StringSwitch<std::optional<CalibrationMethod>>(s)
      .Case("max", CalibrationMethod::Max)
      .Case("percentile", CalibrationMethod::Percentile)
      .Case("entropy", CalibrationMethod::Entropy)
      .Case("mse", CalibrationMethod::MSE)
      .Default(std::nullopt);
}

static constexpr unsigned kNumQuantizedLevels = 128;
static constexpr double kInt8MaxLevel = 127.0;

static double percentileThreshold(const TensorStatistics &s,
                                  double percentile) {
  double w = s.getBinWidth();
  double total = static_cast<double>(s.count);
  uint64_t cum = 0;
  for (size_t k = 0, e = s.bins.size(); k < e; ++k) {
    cum += s.bins[k];
    // cum / total >= percentile / 100, without dividing.
    if (static_cast<double>(cum) * 100.0 >= percentile * total)
      return static_cast<double>(k + 1) * w;
  }
  return s.histMax;
}

/// ONNX Runtime's smooth_distribution: moves `eps` of mass onto each zero
/// entry, taken evenly from the non-zero entries. Returns false if there is
/// no non-zero entry or an entry would become <= 0.
static bool smoothDistribution(std::vector<double> &p) {
  constexpr double eps = 1e-4;
  size_t numZeros = 0;
  double smallest = std::numeric_limits<double>::infinity();
  for (double v : p) {
    if (v == 0)
      ++numZeros;
    else
      smallest = std::min(smallest, v);
  }
  size_t numNonZeros = p.size() - numZeros;
  if (numNonZeros == 0)
    return false;
  double eps1 =
      eps * static_cast<double>(numZeros) / static_cast<double>(numNonZeros);
  if (!(eps1 < smallest))
    return false;
  for (double &v : p)
    v = v == 0 ? eps : v - eps1;
  return true;
}

/// KL(P||Q) of unnormalized positive vectors, after normalizing both.
static double klDivergence(llvm::ArrayRef<double> p, llvm::ArrayRef<double> q) {
  double sumP = 0, sumQ = 0;
  for (size_t k = 0, e = p.size(); k < e; ++k) {
    sumP += p[k];
    sumQ += q[k];
  }
  double kl = 0;
  for (size_t k = 0, e = p.size(); k < e; ++k) {
    double pk = p[k] / sumP, qk = q[k] / sumQ;
    if (pk > 0)
      kl += pk * std::log(pk / qk);
  }
  return kl;
}

static double entropyThreshold(const TensorStatistics &stats) {
  // The first bin holds the exact zeros of relu outputs (and of padding),
  // a spike that dominates the KL divergence and drags the threshold down
  // to a fraction of the range. As NVIDIA's pytorch-quantization does
  // (`_compute_amax_entropy`: `bins[0] = bins[1]`), it gets the count of
  // its neighbour before the search.
  TensorStatistics s = stats;
  if (s.bins.size() > 1)
    s.bins[0] = s.bins[1];
  size_t n = s.bins.size();
  double w = s.getBinWidth();
  // Bins past the last non-empty one add nothing but identical candidates;
  // still evaluate up to n like TensorRT, the tie-break keeps the smallest.
  double bestKL = std::numeric_limits<double>::infinity();
  size_t bestI = n;
  std::vector<double> p, q;
  for (size_t i = kNumQuantizedLevels; i <= n; ++i) {
    p.assign(s.bins.begin(), s.bins.begin() + i);
    for (size_t k = i; k < n; ++k)
      p[i - 1] += static_cast<double>(s.bins[k]);

    size_t merged = i / kNumQuantizedLevels;
    q.assign(i, 0.0);
    for (size_t level = 0; level < kNumQuantizedLevels; ++level) {
      size_t start = level * merged;
      size_t stop = level + 1 == kNumQuantizedLevels ? i : start + merged;
      // The level's mass comes from the histogram without the outliers
      // (as in TensorRT/MXNet/ONNX Runtime; with them Q would equal P for
      // i = 128 and KL would always be 0 there).
      double mass = 0;
      size_t nonZero = 0;
      for (size_t k = start; k < stop; ++k) {
        mass += static_cast<double>(s.bins[k]);
        nonZero += p[k] != 0;
      }
      if (nonZero == 0)
        continue;
      double share = mass / static_cast<double>(nonZero);
      for (size_t k = start; k < stop; ++k)
        if (p[k] != 0)
          q[k] = share;
    }

    if (!smoothDistribution(p) || !smoothDistribution(q))
      continue;
    double kl = klDivergence(p, q);
    if (kl < bestKL) {
      bestKL = kl;
      bestI = i;
    }
  }
  return static_cast<double>(bestI) * w;
}

static double mseThreshold(const TensorStatistics &s) {
  size_t n = s.bins.size();
  double w = s.getBinWidth();
  // Suffix sums over bins k >= j of mass, mass * c and mass * c^2 give the
  // clipping error sum mass * (c - T)^2 = S2 - 2 T S1 + T^2 S0 in O(1).
  std::vector<double> s0(n + 1, 0.0), s1(n + 1, 0.0), s2(n + 1, 0.0);
  for (size_t k = n; k-- > 0;) {
    double m = static_cast<double>(s.bins[k]);
    double c = (static_cast<double>(k) + 0.5) * w;
    s0[k] = s0[k + 1] + m;
    s1[k] = s1[k + 1] + m * c;
    s2[k] = s2[k + 1] + m * c * c;
  }
  double bestErr = std::numeric_limits<double>::infinity();
  size_t bestJ = n;
  for (size_t j = 1; j <= n; ++j) {
    double t = static_cast<double>(j) * w;
    double step = t / kInt8MaxLevel;
    // Bins 0..j-1 have centers below T = j w; bins j.. have centers above.
    double inside = s0[0] - s0[j];
    double err = inside * step * step / 12.0 +
                 std::max(0.0, s2[j] - 2.0 * t * s1[j] + t * t * s0[j]);
    if (err < bestErr) {
      bestErr = err;
      bestJ = j;
    }
  }
  return static_cast<double>(bestJ) * w;
}

llvm::Expected<double> mx::chooseThreshold(const TensorStatistics &s,
                                           CalibrationMethod m,
                                           double percentile) {
  if (llvm::Error err = s.verify())
    return std::move(err);
  if (s.count == 0)
    return makeError("calibration statistics are empty (no finite values)");
  if (m == CalibrationMethod::Percentile &&
      !(percentile > 0 && percentile <= 100))
    return makeError(llvm::formatv(
        "calibration percentile {0} is outside (0, 100]", percentile));
  if (m == CalibrationMethod::Max)
    return s.absMax;
  if (s.bins.empty() || s.numBins == 0)
    return makeError("calibration statistics have no histogram bins");
  if (m == CalibrationMethod::Entropy && s.numBins < kNumQuantizedLevels)
    return makeError(llvm::formatv("entropy calibration needs at least {0} "
                                   "histogram bins, got {1}",
                                   kNumQuantizedLevels, s.numBins));
  if (s.absMax == 0)
    return 0.0;

  switch (m) {
  case CalibrationMethod::Max:
    return s.absMax;
  case CalibrationMethod::Percentile:
    return percentileThreshold(s, percentile);
  case CalibrationMethod::Entropy:
    return entropyThreshold(s);
  case CalibrationMethod::MSE:
    return mseThreshold(s);
  }
  return makeError("unknown calibration method");
}

float mx::scaleForThreshold(double threshold) {
  if (!(threshold > 0) || !std::isfinite(threshold))
    return 1.0f;
  double scale = threshold / kInt8MaxLevel;
  scale =
      std::clamp(scale, static_cast<double>(std::numeric_limits<float>::min()),
                 static_cast<double>(std::numeric_limits<float>::max()));
  return static_cast<float>(scale);
}

float mx::tensorScaleForThreshold(double threshold, const FormatSpec &spec) {
  if (!(threshold > 0) || !std::isfinite(threshold))
    return 1.0f;
  double denom = numerics::largestElementValue(spec);
  if (spec.scale == ScaleKind::E4M3)
    denom *= 448.0;
  double scale =
      std::clamp(threshold / denom,
                 static_cast<double>(std::numeric_limits<float>::denorm_min()),
                 static_cast<double>(std::numeric_limits<float>::max()));
  return static_cast<float>(scale);
}
