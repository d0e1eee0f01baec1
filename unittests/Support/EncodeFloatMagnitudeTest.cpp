//===- EncodeFloatMagnitudeTest.cpp - One-step float element codes --------===//
//
// Part of mx-opt. The CPU quantize kernels encode OCP float elements with
// encodeFloatMagnitude (Numerics.h): the code straight from the f32 bits,
// without the rounded grid value the two-step definition
// elementCode(roundMagnitudeToElement(v)) goes through. This test checks,
// with the C++ instantiation of the same templates, that both give the same
// code for every element kind and rounding mode on every f32 exponent
// (subnormals, zero and +Inf included) with every combination of the top 10
// mantissa bits (every rounding point of every kind lies there: bit 23 - m -
// 1 >= 19) under several patterns of the 13 bits below (zero, one, all ones,
// the middle and around it), and on random magnitudes; and that
// encodeE8M0ElementDirect matches encodeE8M0Element for the MX presets
// under a range of block scales, signs and NaN blocks included.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Numerics.h"

#include "llvm/ADT/bit.h"
#include "gtest/gtest.h"

#include <random>

using namespace mx;
using namespace mx::numerics;

namespace {

float floatOf(uint32_t u) { return llvm::bit_cast<float>(u); }

const ElementKind kFloatKinds[] = {ElementKind::F8E4M3FN, ElementKind::F8E5M2,
                                   ElementKind::F6E3M2FN, ElementKind::F6E2M3FN,
                                   ElementKind::F4E2M1FN};
const Rounding kModes[] = {Rounding::NearestEven, Rounding::NearestAway,
                           Rounding::TowardZero};

TEST(EncodeFloatMagnitude, MatchesTwoStepDefinition) {
  ScalarOps o;
  std::mt19937 rng(0x6d78);
  const uint32_t lowPatterns[] = {0, 1, 0x1FFF, 0x1000, 0x0FFF, 0x1001, 0x0002};
  for (ElementKind kind : kFloatKinds) {
    const FloatElementInfo &info = *getFloatElementInfo(kind);
    for (Rounding mode : kModes) {
      int64_t failures = 0, checked = 0;
      auto check = [&](uint32_t bits) {
        float v = floatOf(bits);
        int32_t want =
            elementCode(o, roundMagnitudeToElement(o, v, info, mode), info);
        int32_t got = encodeFloatMagnitude(o, v, info, mode);
        ++checked;
        if (want != got && ++failures <= 5)
          ADD_FAILURE() << "kind " << stringifyElementKind(kind).str()
                        << " mode " << (int)mode << " v=" << v << " (0x"
                        << std::hex << bits << std::dec << ") want " << want
                        << " got " << got;
      };
      for (uint32_t e = 0; e < 255; ++e)
        for (uint32_t top = 0; top < 1024; ++top)
          for (uint32_t low : lowPatterns)
            check((e << 23) | (top << 13) | low);
      check(0x7F800000); // +Inf saturates.
      for (int i = 0; i < (1 << 20); ++i) {
        uint32_t bits = rng() & 0x7FFFFFFF;
        if (bits <= 0x7F800000) // NaN is outside the contract.
          check(bits);
      }
      EXPECT_EQ(failures, 0) << "of " << checked;
    }
  }
}

TEST(EncodeFloatMagnitude, DirectElementMatchesE8M0Element) {
  ScalarOps o;
  std::mt19937 rng(0x6d79);
  const char *presets[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2",
                           "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"};
  for (const char *name : presets) {
    std::optional<FormatSpec> spec = FormatSpec::getPreset(name);
    ASSERT_TRUE(spec) << name;
    int64_t failures = 0;
    // Block maxima across the f32 range (zero, subnormal, huge, NaN, Inf).
    for (uint32_t amaxBits :
         {0u, 1u, 0x00400000u, 0x00800000u, 0x3F800000u, 0x3FC00001u,
          0x43E00000u, 0x47600000u, 0x7F7FFFFFu, 0x7F800000u, 0x7FC00000u}) {
      E8M0Scale<ScalarOps> scale = e8m0ScaleFromAmax(o, amaxBits, *spec);
      float amax = floatOf(amaxBits);
      for (int i = 0; i < (1 << 16); ++i) {
        // Elements up to the block maximum, both signs, exact ties among
        // them (few mantissa bits), zeros and subnormals.
        uint32_t u = rng();
        float x = floatOf(u & 0x807FFFFF) * 0.0f;
        switch (i % 4) {
        case 0:
          x = floatOf(u);
          break;
        case 1:
          x = amax * (float)(int32_t)(u % 4097 - 2048) / 2048.0f;
          break;
        case 2:
          x = floatOf(u & 0x80FFFFFF);
          break;
        case 3:
          x = floatOf((u & 0x80000000) | (amaxBits & 0x7F800000) |
                      (u & 0x00700000));
          break;
        }
        if (std::isnan(x) && !std::isnan(amax))
          continue; // A NaN element makes its block NaN.
        int32_t want = encodeE8M0Element(o, x, scale, *spec);
        int32_t got = encodeE8M0ElementDirect(o, x, scale, *spec);
        if (want != got && ++failures <= 5)
          ADD_FAILURE() << name << " amax 0x" << std::hex << amaxBits
                        << " x=" << x << " (0x" << u << std::dec << ") want "
                        << want << " got " << got;
      }
    }
    EXPECT_EQ(failures, 0) << name;
  }
}

} // namespace
