//===- CalibrationRuntimeTest.cpp - Statistics from compiled code ---------===//
//
// Part of mx-opt. The C entry point that instrumented code calls.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/CalibrationRuntime.h"

#include "gtest/gtest.h"

using namespace mx;

namespace {

TEST(CalibrationRuntimeTest, ObserveThroughTheCEntryPoint) {
  float data[8] = {1, 100, -2, 100, 3, 100, -4, 100};
  // Without an active collector the call does nothing.
  mx_calibration_observe_f32(0, -1, 0, 0, data, data, 0, 4, 2);

  CalibrationCollector collector({"x", "y"}, 16);
  collector.activate();
  // Strided view: every other element, i.e. 1, -2, 3, -4.
  mx_calibration_observe_f32(0, -1, 0, 0, data, data, 0, 4, 2);
  // Contiguous view from offset 4, per channel: 2 channels, inner size 1.
  mx_calibration_observe_f32(1, 0, 2, 1, data, data, 4, 4, 1);
  collector.deactivate();
  mx_calibration_observe_f32(0, -1, 0, 0, data, data, 0, 8, 1);
  ASSERT_FALSE(static_cast<bool>(collector.takeError()));
  EXPECT_EQ(collector.getNumCalls(), 2u);

  CalibrationTable table = collector.getTable();
  const TensorStatistics &x = table["x"];
  EXPECT_EQ(x.count, 4u);
  EXPECT_EQ(x.min, -4);
  EXPECT_EQ(x.max, 3);
  EXPECT_EQ(x.absMax, 4);
  EXPECT_EQ(x.histMax, 8);
  const TensorStatistics &y = table["y"];
  EXPECT_EQ(y.count, 4u);
  EXPECT_EQ(y.channelAxis, 0);
  EXPECT_EQ(y.channelAbsMax, (std::vector<double>{4, 100}));
}

TEST(CalibrationRuntimeTest, BadIdIsAnError) {
  float data[1] = {1};
  CalibrationCollector collector({"x"}, 16);
  collector.activate();
  mx_calibration_observe_f32(5, -1, 0, 0, data, data, 0, 1, 1);
  llvm::Error err = collector.takeError();
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "observer id 5 is not one of the 1 observed tensors");
}

} // namespace
