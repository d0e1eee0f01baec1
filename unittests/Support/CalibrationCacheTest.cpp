//===- CalibrationCacheTest.cpp - TensorRT caches, tpu-mlir tables --------===//
//
// Part of mx-opt. Also the per-channel maxima of TensorStatistics and their
// JSON fields.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/CalibrationCache.h"
#include "mx/Support/CalibrationTable.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mx;

namespace {

std::string errorText(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : std::string();
}

template <typename T>
std::string errorText(llvm::Expected<T> &value) {
  return value ? std::string() : llvm::toString(value.takeError());
}

TEST(CalibrationCacheTest, DetectsKinds) {
  EXPECT_EQ(detectCalibrationFileKind("  {\"format\": 1}"),
            CalibrationFileKind::Json);
  EXPECT_EQ(detectCalibrationFileKind("TRT-8601-EntropyCalibration2\n"),
            CalibrationFileKind::TensorRT);
  EXPECT_EQ(detectCalibrationFileKind("# genetated time\nx 1 -1 1\n"),
            CalibrationFileKind::TpuMlir);
}

TEST(CalibrationCacheTest, TensorRTRoundTrip) {
  // Names with ':' split at the last colon; scales are f32 bits in hex.
  const char *text = "TRT-8601-EntropyCalibration2\n"
                     "input: 3c010a14\n"
                     "mlp:linalg.matmul#0:in0: 3d912245\n";
  auto table = parseTensorRTCache(text, "c.cache");
  ASSERT_TRUE(static_cast<bool>(table)) << errorText(table);
  ASSERT_EQ(table->entries.size(), 2u);
  EXPECT_EQ(table->header, "TRT-8601-EntropyCalibration2");
  const ScaleEntry *e = table->lookup("mlp:linalg.matmul#0:in0");
  ASSERT_NE(e, nullptr);
  uint32_t bits;
  std::memcpy(&bits, &e->scale, 4);
  EXPECT_EQ(bits, 0x3d912245u);
  EXPECT_DOUBLE_EQ(e->threshold, static_cast<double>(e->scale) * 127.0);
  EXPECT_EQ(printTensorRTCache(*table), text);
}

TEST(CalibrationCacheTest, TensorRTErrors) {
  auto bad = parseTensorRTCache("TRT-1\nx: 3c01\n", "c.cache");
  EXPECT_EQ(errorText(bad), "c.cache:2: expected 'tensor_name: <8 hex "
                            "digits>', got 'x: 3c01'");
  auto header = parseTensorRTCache("x: 3c010a14\n", "c.cache");
  EXPECT_NE(errorText(header).find("c.cache:1: not a TensorRT calibration"),
            std::string::npos);
  auto zero = parseTensorRTCache("TRT-1\nx: 00000000\n", "c.cache");
  EXPECT_EQ(errorText(zero), "c.cache:2: tensor 'x': scale 0x00000000 is not "
                             "a positive finite number");
  auto twice = parseTensorRTCache("TRT-1\nx: 3c010a14\nx: 3c010a14\n", "c");
  EXPECT_EQ(errorText(twice), "c:3: tensor 'x' appears twice");
}

TEST(CalibrationCacheTest, TpuMlirTable) {
  // The INT8 section ends at #int4_th.
  const char *text = "# genetated time: today\n"
                     "# op_name    threshold    min    max\n"
                     "conv1   2.54  -1.0 2.5\n"
                     "\n"
                     "#int4_th\n"
                     "conv1 1.0 -1.0 1.0\n";
  auto table = parseTpuMlirTable(text, "t.table");
  ASSERT_TRUE(static_cast<bool>(table)) << errorText(table);
  ASSERT_EQ(table->entries.size(), 1u);
  EXPECT_EQ(table->entries[0].threshold, 2.54);
  EXPECT_EQ(table->entries[0].scale, scaleForThreshold(2.54));
  EXPECT_EQ(table->entries[0].min, -1.0);
  auto again = parseTpuMlirTable(printTpuMlirTable(*table), "again");
  ASSERT_TRUE(static_cast<bool>(again)) << errorText(again);
  EXPECT_EQ(again->entries[0].threshold, 2.54);
  EXPECT_EQ(again->entries[0].max, 2.5);

  auto bad = parseTpuMlirTable("a 1 x 2\n", "t");
  EXPECT_EQ(errorText(bad), "t:1: tensor 'a': 'x' is not a finite number");
  auto negative = parseTpuMlirTable("a -1 0 2\n", "t");
  EXPECT_EQ(errorText(negative), "t:1: tensor 'a': threshold -1 is negative");
}

TEST(CalibrationCacheTest, ScalesFromStatistics) {
  CalibrationTable stats;
  stats["a"].add({-3.0f, 4.0f, 0.5f});
  auto table = scaleTableFromStatistics(stats, CalibrationMethod::Max);
  ASSERT_TRUE(static_cast<bool>(table)) << errorText(table);
  EXPECT_EQ(table->header, "TRT-8601-MinMaxCalibration");
  EXPECT_EQ(table->entries[0].scale, 4.0f / 127.0f);
  EXPECT_EQ(table->entries[0].min, -3.0);
  EXPECT_EQ(table->entries[0].max, 4.0);
}

TEST(CalibrationCacheTest, PerChannelMaxima) {
  // A 2x3 tensor, channels along axis 1 (inner size 1).
  std::vector<float> x = {1, -5, 2, -4, 0.5f, 3};
  TensorStatistics s;
  s.add(x);
  ASSERT_EQ(errorText(s.addChannels(x, 1, 3, 1)), "");
  EXPECT_EQ(s.channelAbsMax, (std::vector<double>{4, 5, 3}));
  EXPECT_EQ(errorText(s.addChannels(x, 1, 2, 1)),
            "per-channel statistics along axis 1 with 2 channels do not match "
            "earlier batches (axis 1, 3 channels)");

  // Shards merge by maximum, like one run over both.
  std::vector<float> y = {7, 0, 0, 0, 0, -8};
  TensorStatistics t, both = s;
  t.add(y);
  ASSERT_EQ(errorText(t.addChannels(y, 1, 3, 1)), "");
  both.add(y);
  ASSERT_EQ(errorText(both.addChannels(y, 1, 3, 1)), "");
  ASSERT_EQ(errorText(s.merge(t)), "");
  EXPECT_EQ(s.channelAbsMax, both.channelAbsMax);
  EXPECT_EQ(s.channelAbsMax, (std::vector<double>{7, 5, 8}));

  // With and without per-channel data: an error, unless one side is empty.
  TensorStatistics plain;
  plain.add(y);
  EXPECT_EQ(errorText(s.merge(plain)), "cannot merge statistics with and "
                                       "without per-channel maxima");
  TensorStatistics empty;
  ASSERT_EQ(errorText(empty.merge(t)), "");
  EXPECT_EQ(empty.channelAbsMax, t.channelAbsMax);

  // The JSON table keeps them.
  CalibrationTable table;
  table["a"] = s;
  auto back = parseCalibrationTable(printCalibrationTable(table), "t.json");
  ASSERT_TRUE(static_cast<bool>(back)) << errorText(back);
  EXPECT_EQ((*back)["a"].channelAxis, 1);
  EXPECT_EQ((*back)["a"].channelAbsMax, s.channelAbsMax);
}

} // namespace
