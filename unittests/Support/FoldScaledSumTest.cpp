//===- FoldScaledSumTest.cpp - One block folded into an f32 accumulator ---===//
//
// Part of mx-opt. The integer kernels of mx.contract fold each block's exact
// integer sum s under the block scales 2^e into the f32 accumulator as
// round(acc + s * 2^e), one rounding (numerics::foldScaledSum, the exact
// fold of foldBlockSums in lib/Conversion/MXToVector). This test checks the
// C++ instantiation of that template against the definition computed with
// APFloat in IEEE quad (which holds acc + s * 2^e exactly over the whole
// range) and rounded once to f32: every exponent of the range, sums up to
// the largest block sum, accumulators from zero, subnormals and infinities
// to values next to the sum, ties included.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Numerics.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/bit.h"
#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mx;
using namespace mx::numerics;

namespace {

uint32_t bitsOf(float f) { return llvm::bit_cast<uint32_t>(f); }
float fromBits(uint32_t u) { return llvm::bit_cast<float>(u); }

/// round(acc + s * 2^e) to f32 through IEEE quad.
uint32_t reference(int32_t s, int e, float acc) {
  using llvm::APFloat;
  const auto rne = APFloat::rmNearestTiesToEven;
  bool lost;
  APFloat sum(APFloat::IEEEquad());
  sum.convertFromAPInt(llvm::APInt(64, int64_t(s), /*isSigned=*/true),
                       /*IsSigned=*/true, rne); // exact
  sum = llvm::scalbn(sum, e, rne);              // exact in quad
  APFloat a(acc);
  a.convert(APFloat::IEEEquad(), rne, &lost);
  a.add(sum, rne);
  a.convert(APFloat::IEEEsingle(), rne, &lost);
  return uint32_t(a.bitcastToAPInt().getZExtValue());
}

TEST(FoldScaledSum, MatchesTheDefinition) {
  ScalarOps o;
  std::mt19937_64 rng(12345);
  int64_t checked = 0;
  for (int e = -275; e <= 254; ++e) {
    for (int i = 0; i < 400; ++i) {
      // Sums: small, up to the largest MXINT8 block sum (2^19), signed.
      int32_t s = int32_t(rng() % (1u << (1 + rng() % 20)));
      if (rng() & 1)
        s = -s;
      if (i == 0)
        s = 0;
      // Accumulators: zero, f32 values near the scaled sum (so that the
      // sum rounds and ties occur), random bits, infinities.
      float acc;
      switch (i % 5) {
      case 0:
        acc = (i & 8) ? -0.0f : 0.0f;
        break;
      case 1:
      case 2: {
        // Near -s * 2^e or s * 2^e (cancellation or doubling), nudged.
        double near = std::ldexp(double(s), e) * ((i % 5) == 1 ? -1 : 1);
        acc = float(near * (1.0 + std::ldexp(double(int(rng() % 64) - 32),
                                             -int(rng() % 40))));
        break;
      }
      case 3:
        acc = fromBits(uint32_t(rng()) & 0xFF7FFFFFu); // finite
        break;
      default:
        acc = (i & 16) ? -INFINITY : INFINITY;
      }
      if (std::isnan(acc))
        continue;
      uint32_t want = reference(s, e, acc);
      uint32_t got = bitsOf(foldScaledSum(o, s, e, acc));
      ASSERT_EQ(got, want) << "s = " << s << ", e = " << e << ", acc = " << acc;
      ++checked;
    }
  }
  EXPECT_GT(checked, 200000);
}

// The cases that a plain fma(float(s) * 2^a, 2^b, acc) gets wrong: the
// first product overflows although the result is finite, or is infinite
// where the accumulator is an infinity of the other sign.
TEST(FoldScaledSum, ProductsOutsideTheF32Range) {
  ScalarOps o;
  // 2^127 - 1.5 * 2^127: finite; and an infinite accumulator stays.
  float big = std::ldexp(1.5f, 127);
  EXPECT_EQ(bitsOf(foldScaledSum(o, 1, 127, -big)), reference(1, 127, -big));
  EXPECT_EQ(bitsOf(foldScaledSum(o, -5, 200, INFINITY)),
            reference(-5, 200, INFINITY));
  EXPECT_EQ(bitsOf(foldScaledSum(o, 7, -270, 0.0f)), reference(7, -270, 0.0f));
  EXPECT_EQ(bitsOf(foldScaledSum(o, 3, -150, 0.0f)), 2u)
      << "3 * 2^-150 is a tie between 2^-149 and 2^-148, rounded to even";
  EXPECT_EQ(bitsOf(foldScaledSum(o, 1, -150, 0.0f)), 0u)
      << "2^-150 is a tie, rounded to even: zero";
}

} // namespace
