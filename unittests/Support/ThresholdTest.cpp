//===- ThresholdTest.cpp - Threshold encoding of x / denom ----------------===//
//
// Part of mx-opt. The NVFP4 lowering encodes elements by comparing |x| with
// per-block thresholds instead of dividing each element by the block's
// denominator (Numerics.h, "Threshold encoding"). This test checks, with the
// C++ instantiation of the same templates, that the codes and fake-quantized
// values are bit-identical to the definition (f32 division, then rounding to
// the element grid) for every rounding mode, over denominators across the
// whole range where thresholdsExactFor holds, on values at and around every
// rounding point (one f32 step at a time) and on random values.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Numerics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace mx;
using namespace mx::numerics;

namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float stepped(float f, int steps) {
  for (; steps > 0; --steps)
    f = std::nextafter(f, INFINITY);
  for (; steps < 0; ++steps)
    f = std::nextafter(f, -INFINITY);
  return f;
}

struct Checker {
  FormatSpec spec;
  ScalarOps o;
  int64_t checked = 0, failures = 0;

  void check(float x, float sb, float st) {
    E4M3Scale<ScalarOps> scale = e4m3ScaleFromBlockScale(o, sb, st, false);
    ElementThresholds<ScalarOps> th = elementThresholds(o, scale.denom, spec);
    ASSERT_EQ(th.count, 7);
    int32_t want = encodeE4M3ScaledElement(o, x, scale, spec);
    int32_t got = encodeThresholdElement(o, x, th, scale.isNaN, spec);
    float wantF = fakeQuantE4M3ScaledElement(o, x, scale, spec);
    float gotF =
        fakeQuantThresholdElement(o, x, th, scale.denom, scale.isNaN, spec);
    ++checked;
    if (want != got || bitsOf(wantF) != bitsOf(gotF)) {
      if (++failures <= 10)
        ADD_FAILURE() << "x=" << x << " (0x" << std::hex << bitsOf(x)
                      << ") sb=" << sb << " st=" << st << std::dec
                      << " code want " << want << " got " << got
                      << "; value want " << wantF << " got " << gotF;
    }
  }
};

void runMode(Rounding mode) {
  Checker c{*FormatSpec::getPreset("nvfp4")};
  c.spec.rounding = mode;
  ThresholdPoint points[kMaxElementThresholds];
  int n = elementThresholdPoints(c.spec, points);
  ASSERT_EQ(n, 7);
  std::mt19937 gen(1234 + (int)mode);
  std::uniform_int_distribution<int> code(1, 126), expo(-90, 89);
  std::uniform_real_distribution<float> frac(1.0f, 2.0f), unit(-7.0f, 7.0f);
  ScalarOps o;
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  for (int trial = 0; trial < 4000; ++trial) {
    float st = std::ldexp(frac(gen), expo(gen));
    if (trial % 50 == 0) // the ends of the exact range
      st = trial % 100 ? std::nextafter(std::ldexp(1.0f, -91), 1.0f)
                       : std::nextafter(std::ldexp(1.0f, 90), 0.0f);
    ASSERT_TRUE(thresholdsExactFor(o, st));
    float sb = floatMagnitudeValue(o, code(gen), e4m3);
    float d = sb * st;
    for (int i = 0; i < n; ++i) {
      // Around the exact bound p * d (and the f32 it rounds to).
      float base = (float)((double)points[i].value * (double)d);
      for (int s = -4; s <= 4; ++s) {
        float x = stepped(base, s);
        c.check(x, sb, st);
        c.check(-x, sb, st);
      }
    }
    for (int i = 0; i < 16; ++i)
      c.check(unit(gen) * d, sb, st);
    c.check(0.0f, sb, st);
    c.check(-0.0f, sb, st);
    c.check(1e-45f, sb, st);
    c.check(std::ldexp(1.0f, -126), sb, st);
    c.check(6.0f * d, sb, st);
    c.check(stepped(6.0f * d, 1), sb, st);
    c.check(100.0f * d, sb, st);
  }
  // A zero block scale: every element is a signed zero.
  c.check(1.0f, 0.0f, 1.0f);
  c.check(-3.0f, 0.0f, 1.0f);
  EXPECT_EQ(c.failures, 0) << "of " << c.checked;
  EXPECT_GT(c.checked, 400000);
}

TEST(Threshold, NearestEven) { runMode(Rounding::NearestEven); }
TEST(Threshold, NearestAway) { runMode(Rounding::NearestAway); }
TEST(Threshold, TowardZero) { runMode(Rounding::TowardZero); }

TEST(Threshold, Range) {
  ScalarOps o;
  EXPECT_FALSE(thresholdsExactFor(o, std::ldexp(1.0f, -91)));
  EXPECT_FALSE(thresholdsExactFor(o, 0.0f));
  EXPECT_FALSE(thresholdsExactFor(o, NAN));
  EXPECT_FALSE(thresholdsExactFor(o, std::ldexp(1.0f, 90)));
  EXPECT_TRUE(thresholdsExactFor(o, 1.0f));
  ThresholdPoint points[kMaxElementThresholds];
  EXPECT_EQ(
      elementThresholdPoints(*FormatSpec::getPreset("mxfp8_e4m3"), points), 0);
}

} // namespace
