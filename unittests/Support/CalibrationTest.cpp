//===- CalibrationTest.cpp - INT8 calibration statistics ------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Calibration.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace mx;

namespace {

/// Consumes `err` and returns whether it was a failure.
bool failed(llvm::Error err) {
  bool isFailure = static_cast<bool>(err);
  llvm::consumeError(std::move(err));
  return isFailure;
}

template <typename T>
bool failed(llvm::Expected<T> value) {
  return failed(value.takeError());
}

std::vector<float> gaussian(size_t n, unsigned seed, float sigma = 1.0f) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

std::vector<float> uniform(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

double trueAbsMax(const std::vector<float> &v) {
  double m = 0;
  for (float x : v)
    m = std::max(m, std::fabs(static_cast<double>(x)));
  return m;
}

double medianAbs(const std::vector<float> &v) {
  std::vector<double> a;
  for (float x : v)
    a.push_back(std::fabs(static_cast<double>(x)));
  std::sort(a.begin(), a.end());
  return a[a.size() / 2];
}

TensorStatistics collect(const std::vector<float> &v) {
  TensorStatistics s;
  s.add(v);
  return s;
}

double threshold(const TensorStatistics &s, CalibrationMethod m,
                 double percentile = 99.99) {
  llvm::Expected<double> t = chooseThreshold(s, m, percentile);
  if (!t) {
    ADD_FAILURE() << llvm::toString(t.takeError());
    return std::numeric_limits<double>::quiet_NaN();
  }
  return *t;
}

void expectSameStatistics(const TensorStatistics &a,
                          const TensorStatistics &b) {
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.absMax, b.absMax);
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.nonFinite, b.nonFinite);
  EXPECT_EQ(a.histMax, b.histMax);
  EXPECT_EQ(a.bins, b.bins);
}

TEST(CalibrationTest, RunningStatisticsAndGrid) {
  std::vector<float> v = {0.5f, -3.0f, 0.0f, 2.0f, NAN, INFINITY, -INFINITY};
  TensorStatistics s = collect(v);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.nonFinite, 3u);
  EXPECT_EQ(s.min, -3.0);
  EXPECT_EQ(s.max, 2.0);
  EXPECT_EQ(s.absMax, 3.0);
  // Smallest power of two strictly above 3.
  EXPECT_EQ(s.histMax, 4.0);
  ASSERT_EQ(s.bins.size(), 2048u);
  EXPECT_EQ(s.bins[0], 1u);    // 0
  EXPECT_EQ(s.bins[256], 1u);  // 0.5 = 256 * (4 / 2048)
  EXPECT_EQ(s.bins[1024], 1u); // 2
  EXPECT_EQ(s.bins[1536], 1u); // 3
  EXPECT_FALSE(failed(s.verify()));

  // A power of two itself moves the range up.
  TensorStatistics p = collect({4.0f});
  EXPECT_EQ(p.histMax, 8.0);
  EXPECT_EQ(p.bins[1024], 1u);
}

TEST(CalibrationTest, MaxIsTrueAbsMax) {
  std::vector<float> g = gaussian(100000, 1);
  TensorStatistics s = collect(g);
  EXPECT_EQ(threshold(s, CalibrationMethod::Max), trueAbsMax(g));
  std::vector<float> u = uniform(50000, 2);
  EXPECT_EQ(threshold(collect(u), CalibrationMethod::Max), trueAbsMax(u));
}

TEST(CalibrationTest, Percentile) {
  std::vector<float> g = gaussian(100000, 3);
  TensorStatistics s = collect(g);
  double w = s.getBinWidth();
  double edge = (std::floor(s.absMax / w) + 1) * w;
  EXPECT_DOUBLE_EQ(threshold(s, CalibrationMethod::Percentile, 100.0), edge);

  double median = medianAbs(g);
  double p50 = threshold(s, CalibrationMethod::Percentile, 50.0);
  EXPECT_GE(p50, median - 1e-12);
  EXPECT_LE(p50, median + w + 1e-12);
  // |N(0,1)| has median 0.6745.
  EXPECT_NEAR(p50, 0.6745, 0.02);

  std::vector<float> u = uniform(100000, 4);
  TensorStatistics su = collect(u);
  EXPECT_NEAR(threshold(su, CalibrationMethod::Percentile, 50.0), 0.5, 0.01);
  // Percentiles are monotone.
  EXPECT_LE(threshold(s, CalibrationMethod::Percentile, 99.0),
            threshold(s, CalibrationMethod::Percentile, 99.99));
}

TEST(CalibrationTest, EntropyAndMSEIgnoreOutlier) {
  // Enough samples that the outlier's clipping error cannot outweigh the
  // rounding error of everything else in the MSE (see MSETradeOff).
  std::vector<float> g = gaussian(2000000, 5);
  g.push_back(50.0f);
  TensorStatistics s = collect(g);
  EXPECT_EQ(s.absMax, 50.0);
  EXPECT_EQ(s.histMax, 64.0);

  double entropy = threshold(s, CalibrationMethod::Entropy);
  double mse = threshold(s, CalibrationMethod::MSE);
  // Well below the outlier and within 2x of 3-5 sigma.
  EXPECT_LT(entropy, 10.0);
  EXPECT_GT(entropy, 1.5);
  EXPECT_LT(mse, 10.0);
  EXPECT_GT(mse, 1.5);
  // Thresholds are bin edges.
  double w = s.getBinWidth();
  EXPECT_EQ(entropy / w, std::round(entropy / w));
  EXPECT_EQ(mse / w, std::round(mse / w));
}

TEST(CalibrationTest, EntropyIgnoresTheZeroSpikeOfRelu) {
  // A relu output: 70% exact zeros, the rest |N(0, 1)|. The zero spike must
  // not drag the threshold to a fraction of the range (as it does when bin
  // 0 takes part in the KL search; the digits CNN then loses 10 points of
  // accuracy): like pytorch-quantization, bin 0 takes bin 1's count.
  std::vector<float> g = gaussian(300000, 7);
  std::vector<float> relu;
  for (size_t i = 0; i < g.size(); ++i)
    relu.push_back(i % 10 < 7 ? 0.0f : std::fabs(g[i]));
  TensorStatistics s = collect(relu);
  double entropy = threshold(s, CalibrationMethod::Entropy);
  EXPECT_GT(entropy, 2.0); // beyond the 95th percentile of |N(0, 1)|
  EXPECT_LE(entropy, s.absMax + s.getBinWidth());
}

TEST(CalibrationTest, MSETradeOff) {
  // MSE is a mean over all values: one outlier at X among N values pulls the
  // threshold to about X / (1 + N / (12 * 127^2)).
  std::vector<float> g = gaussian(200000, 5);
  g.push_back(50.0f);
  TensorStatistics s = collect(g);
  double mse = threshold(s, CalibrationMethod::MSE);
  EXPECT_NEAR(mse, 50.0 / (1.0 + 200001.0 / (12.0 * 127 * 127)), 1.0);
  // Entropy only looks at the shape of the distribution.
  EXPECT_LT(threshold(s, CalibrationMethod::Entropy), 10.0);
}

TEST(CalibrationTest, UniformKeepsTheRange) {
  std::vector<float> u = uniform(100000, 6);
  TensorStatistics s = collect(u);
  // For U(-1, 1) the MSE optimum is T = 1 - T / 254, about 0.996.
  double mse = threshold(s, CalibrationMethod::MSE);
  EXPECT_GT(mse, 0.95);
  EXPECT_LE(mse, 1.0 + s.getBinWidth());
  double entropy = threshold(s, CalibrationMethod::Entropy);
  EXPECT_GT(entropy, 0.5);
  EXPECT_LE(entropy, s.histMax);
}

TEST(CalibrationTest, AllZeros) {
  TensorStatistics s = collect({0.0f, -0.0f, 0.0f});
  EXPECT_EQ(s.histMax, 0.0);
  EXPECT_EQ(s.bins[0], 3u);
  for (CalibrationMethod m :
       {CalibrationMethod::Max, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE})
    EXPECT_EQ(threshold(s, m), 0.0) << stringifyCalibrationMethod(m).str();
  EXPECT_EQ(scaleForThreshold(0.0), 1.0f);
}

TEST(CalibrationTest, BatchesEqualOneAdd) {
  // Growing the range batch by batch equals binning everything at once.
  std::vector<float> g = gaussian(30000, 7, 0.01f);
  g.push_back(3.0f);
  std::vector<float> bigger = gaussian(30000, 8, 10.0f);
  g.insert(g.end(), bigger.begin(), bigger.end());
  TensorStatistics whole = collect(g);
  TensorStatistics batched;
  llvm::ArrayRef<float> all(g);
  for (size_t i = 0; i < g.size(); i += 1000)
    batched.add(all.slice(i, std::min<size_t>(1000, g.size() - i)));
  expectSameStatistics(whole, batched);
}

TEST(CalibrationTest, MergeEqualsAddingEverything) {
  std::vector<float> a = gaussian(50000, 9);
  std::vector<float> b = gaussian(50000, 10);
  a.push_back(NAN);
  std::vector<float> all = a;
  all.insert(all.end(), b.begin(), b.end());

  // Same range.
  TensorStatistics sa = collect(a), sb = collect(b);
  ASSERT_EQ(sa.histMax, sb.histMax);
  TensorStatistics merged = sa;
  EXPECT_FALSE(failed(merged.merge(sb)));
  expectSameStatistics(merged, collect(all));

  // The range grows (in either direction): still exact on the canonical grid.
  std::vector<float> c = gaussian(50000, 11, 40.0f);
  std::vector<float> all2 = a;
  all2.insert(all2.end(), c.begin(), c.end());
  TensorStatistics sc = collect(c);
  ASSERT_GT(sc.histMax, sa.histMax);
  TensorStatistics m1 = sa, m2 = sc;
  EXPECT_FALSE(failed(m1.merge(sc)));
  EXPECT_FALSE(failed(m2.merge(sa)));
  TensorStatistics reference = collect(all2);
  expectSameStatistics(m1, reference);
  expectSameStatistics(m2, reference);

  // Merging with empty statistics changes nothing.
  TensorStatistics empty, m3 = sa;
  EXPECT_FALSE(failed(m3.merge(empty)));
  expectSameStatistics(m3, sa);
  EXPECT_FALSE(failed(empty.merge(sa)));
  expectSameStatistics(empty, sa);
}

TEST(CalibrationTest, BadInputsGiveErrors) {
  TensorStatistics s = collect(gaussian(1000, 12));
  for (double p : {0.0, -1.0, 100.5, std::nan("")})
    EXPECT_TRUE(failed(chooseThreshold(s, CalibrationMethod::Percentile, p)));

  TensorStatistics empty;
  TensorStatistics onlyNaN = collect({NAN, INFINITY});
  for (CalibrationMethod m :
       {CalibrationMethod::Max, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
    EXPECT_TRUE(failed(chooseThreshold(empty, m)));
    EXPECT_TRUE(failed(chooseThreshold(onlyNaN, m)));
  }

  TensorStatistics other;
  other.numBins = 1024;
  other.add(gaussian(100, 13));
  TensorStatistics copy = s;
  EXPECT_TRUE(failed(copy.merge(other)));
  expectSameStatistics(copy, s);

  TensorStatistics few;
  few.numBins = 64;
  few.add(gaussian(100, 14));
  EXPECT_TRUE(failed(chooseThreshold(few, CalibrationMethod::Entropy)));
  EXPECT_FALSE(failed(chooseThreshold(few, CalibrationMethod::MSE)));

  // Corrupted statistics are reported, not trusted.
  TensorStatistics resized = s;
  resized.numBins = 4096;
  EXPECT_TRUE(failed(chooseThreshold(resized, CalibrationMethod::MSE)));
  TensorStatistics badRange = s;
  badRange.histMax = 3.0;
  EXPECT_TRUE(failed(chooseThreshold(badRange, CalibrationMethod::Entropy)));
  TensorStatistics badCount = s;
  badCount.count += 1;
  EXPECT_TRUE(failed(badCount.merge(s)));
}

TEST(CalibrationTest, ScaleForThreshold) {
  EXPECT_EQ(scaleForThreshold(127.0), 1.0f);
  EXPECT_FLOAT_EQ(scaleForThreshold(4.0), 4.0f / 127.0f);
  EXPECT_EQ(scaleForThreshold(0.0), 1.0f);
  EXPECT_EQ(scaleForThreshold(-2.0), 1.0f);
  EXPECT_EQ(scaleForThreshold(std::nan("")), 1.0f);
  EXPECT_GT(scaleForThreshold(1e-300), 0.0f);
  EXPECT_TRUE(std::isfinite(scaleForThreshold(1e300)));
}

TEST(CalibrationTest, MethodNames) {
  for (CalibrationMethod m :
       {CalibrationMethod::Max, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE})
    EXPECT_EQ(symbolizeCalibrationMethod(stringifyCalibrationMethod(m)), m);
  EXPECT_FALSE(symbolizeCalibrationMethod("kl"));
}

} // namespace

#include "mx/Support/CalibrationTable.h"

TEST(CalibrationTableTest, RoundTrip) {
  mx::CalibrationTable table;
  mx::TensorStatistics a;
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i)
    values.push_back(std::sin(0.37f * i) * (1 + i % 7));
  a.add(values);
  table["net:linalg.matmul#0:in0"] = a;
  mx::TensorStatistics b;
  b.add(std::vector<float>{0.5f, -2.0f});
  table["x"] = b;
  std::string text = mx::printCalibrationTable(table);
  llvm::Expected<mx::CalibrationTable> back =
      mx::parseCalibrationTable(text, "table.json");
  ASSERT_TRUE(!!back) << llvm::toString(back.takeError());
  ASSERT_EQ(back->size(), 2u);
  const mx::TensorStatistics &r = back->lookup("net:linalg.matmul#0:in0");
  EXPECT_EQ(r.count, a.count);
  EXPECT_EQ(r.absMax, a.absMax);
  EXPECT_EQ(r.min, a.min);
  EXPECT_EQ(r.max, a.max);
  EXPECT_EQ(r.histMax, a.histMax);
  EXPECT_EQ(r.bins, a.bins);
  // The thresholds are the same from the table as from the statistics.
  for (auto m : {mx::CalibrationMethod::Max, mx::CalibrationMethod::Entropy,
                 mx::CalibrationMethod::MSE})
    EXPECT_EQ(*mx::chooseThreshold(r, m), *mx::chooseThreshold(a, m));
}

TEST(CalibrationTableTest, Errors) {
  auto message = [](llvm::StringRef text) {
    llvm::Expected<mx::CalibrationTable> t =
        mx::parseCalibrationTable(text, "t.json");
    return t ? std::string() : llvm::toString(t.takeError());
  };
  EXPECT_NE(message("{").find("t.json: not valid JSON"), std::string::npos);
  EXPECT_NE(message("[]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(message("{\"format\": \"other\"}").find("not an mx calibration"),
            std::string::npos);
  EXPECT_NE(message("{\"format\": \"mx-calibration-table\", \"version\": 7, "
                    "\"tensors\": {}}")
                .find("version 7 is not supported"),
            std::string::npos);
  EXPECT_NE(message("{\"format\": \"mx-calibration-table\", \"version\": 1, "
                    "\"tensors\": {\"a\": {\"count\": 1}}}")
                .find("tensor 'a': missing or non-numeric \"min\""),
            std::string::npos);
}
