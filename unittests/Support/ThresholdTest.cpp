//===- ThresholdTest.cpp - Threshold encoding of x / denom ----------------===//
//
// Part of mx-opt. The NVFP4 lowering fake-quantizes elements by comparing
// |x| with per-block thresholds instead of dividing each element by the
// block's denominator (Numerics.h, "Threshold encoding"), and quantizes them
// with one division and the code from the quotient's bits
// (encodeE4M3ElementDirect). This test checks, with the C++ instantiation of
// the same templates, that the codes and fake-quantized values are
// bit-identical to the definition (f32 division, then rounding to the
// element grid) for every rounding mode, over denominators across the whole
// range where thresholdsExactFor holds (and, for the direct codes, beyond
// it), on values at and around every rounding point (one f32 step at a time)
// and on random values.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Numerics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
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
    int32_t direct = encodeE4M3ElementDirect(o, x, scale, spec);
    float wantF = fakeQuantE4M3ScaledElement(o, x, scale, spec);
    float gotF =
        fakeQuantThresholdElement(o, x, th, scale.denom, scale.isNaN, spec);
    ++checked;
    if (want != direct || bitsOf(wantF) != bitsOf(gotF)) {
      if (++failures <= 10)
        ADD_FAILURE() << "x=" << x << " (0x" << std::hex << bitsOf(x)
                      << ") sb=" << sb << " st=" << st << std::dec
                      << " code want " << want << " direct " << direct
                      << "; value want " << wantF << " thresholds " << gotF;
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

/// encodeE4M3ElementDirect (one division per element) against the
/// definition where thresholds do not apply too: tensor scales from 2^-149
/// to the largest f32 and zero, block scales of every E4M3 code (0 and the
/// subnormals included), NaN and Inf elements (in NaN blocks, where the
/// kernels meet them) and NaN blocks.
void runDirect(Rounding mode) {
  FormatSpec spec = *FormatSpec::getPreset("nvfp4");
  spec.rounding = mode;
  ScalarOps o;
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  std::mt19937 gen(99 + (int)mode);
  std::uniform_int_distribution<uint32_t> anyBits;
  std::uniform_real_distribution<float> unit(-8.0f, 8.0f);
  int64_t checked = 0, failures = 0;
  auto check = [&](float x, E4M3Scale<ScalarOps> scale) {
    // A block with a NaN or Inf element is a NaN block (its amax says so).
    if (!std::isfinite(x))
      scale.isNaN = true;
    int32_t want = encodeE4M3ScaledElement(o, x, scale, spec);
    int32_t got = encodeE4M3ElementDirect(o, x, scale, spec);
    ++checked;
    if (want != got && ++failures <= 10)
      ADD_FAILURE() << "x=" << x << " (0x" << std::hex << bitsOf(x)
                    << ") denom=" << scale.denom << " (0x"
                    << bitsOf(scale.denom) << ")" << std::dec << " want "
                    << want << " got " << got;
  };
  float tensorScales[] = {0.0f,
                          std::ldexp(1.0f, -149),
                          std::ldexp(1.0f, -126),
                          std::ldexp(1.0f, -100),
                          std::ldexp(1.0f, -91),
                          1.0f / 2688.0f,
                          1.0f,
                          3.0f,
                          std::ldexp(1.0f, 90),
                          std::ldexp(1.5f, 120),
                          std::numeric_limits<float>::max(),
                          INFINITY,
                          NAN};
  for (float st : tensorScales) {
    for (int code = 0; code <= 0x7F; ++code) {
      float sb = floatMagnitudeValue(o, code, e4m3);
      E4M3Scale<ScalarOps> scale = e4m3ScaleFromBlockScale(
          o, sb, st, /*isNaN=*/code == 0x7F || std::isnan(sb));
      float d = scale.denom;
      for (int i = 0; i < 64; ++i) {
        check(unit(gen) * d, scale);
        float x;
        uint32_t b = anyBits(gen);
        std::memcpy(&x, &b, 4);
        check(x, scale);
      }
      for (float v : {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 6.0f})
        for (int s = -2; s <= 2; ++s) {
          float x = stepped((float)((double)v * (double)d), s);
          check(x, scale);
          check(-x, scale);
        }
      for (float x :
           {0.0f, -0.0f, 1e-45f, -1e-45f, 1.0f, -1.0f,
            std::numeric_limits<float>::max(), INFINITY, -INFINITY, NAN})
        check(x, scale);
    }
  }
  EXPECT_EQ(failures, 0) << "of " << checked;
  EXPECT_GT(checked, 200000);
}

TEST(Threshold, DirectNearestEven) { runDirect(Rounding::NearestEven); }
TEST(Threshold, DirectNearestAway) { runDirect(Rounding::NearestAway); }
TEST(Threshold, DirectTowardZero) { runDirect(Rounding::TowardZero); }

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
