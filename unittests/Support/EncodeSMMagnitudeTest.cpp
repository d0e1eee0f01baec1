//===- EncodeSMMagnitudeTest.cpp - Float-op shared-microexponent codes ----===//
//
// Part of mx-opt. The CPU kernels encode shared-microexponent elements (MX9,
// MX6, MX4) with encodeSMMagnitudeDirect (Numerics.h): one fma against 2^23
// instead of the integer shift-and-round of encodeSMMagnitude. This test
// checks, with the C++ instantiation of the same templates, that both give
// the same magnitude for every mantissa width it covers (m <= 20; wider ones
// and the other rounding modes fall back to the definition), every biased
// element exponent (zero and subnormals included) against every shared
// exponent E in [1, 255] and microexponents from 0 to 255 (either choice
// of the pre-scaling exponent), with significands at
// and next to every rounding point (the half and the ties of the shift) and
// random ones.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Numerics.h"

#include "gtest/gtest.h"

#include <random>

using namespace mx;
using namespace mx::numerics;

namespace {

TEST(EncodeSMMagnitude, DirectMatchesDefinition) {
  ScalarOps o;
  std::mt19937 rng(0x736d);
  const int kWidths[] = {1, 2, 3, 4, 5, 7, 8, 12, 20, 21, 23};
  const Rounding kModes[] = {Rounding::NearestEven, Rounding::NearestAway,
                             Rounding::TowardZero};
  int64_t failures = 0, checked = 0;
  for (int m : kWidths) {
    for (Rounding mode : kModes) {
      if (mode != Rounding::NearestEven && m != 4)
        continue; // The fallback: the same function.
      for (int32_t e = 0; e < 255; ++e) {
        for (int32_t bigE = 1; bigE < 256; ++bigE) {
          for (int32_t d : {0, 1, 2, 3, 7, 13, 14, 100, 255}) {
            auto check = [&](uint32_t mant) {
              int32_t bits =
                  static_cast<int32_t>((uint32_t)e << 23 | (mant & 0x7FFFFF));
              for (int32_t sign : {0, (int32_t)0x80000000u}) {
                int32_t x = bits | sign;
                int32_t want = encodeSMMagnitude(o, x, bigE, d, m, mode);
                // Microexponents of 1 bit, and of 8 bits (a choice per
                // sub-block).
                int32_t got = encodeSMMagnitudeDirect(o, x, bigE, d, m,
                                                      d <= 1 ? 1 : 255, mode);
                int32_t gotBlock =
                    d <= 13
                        ? encodeSMMagnitudeDirect(o, x, bigE, d, m, 13, mode)
                        : got;
                ++checked;
                if ((want != got || want != gotBlock) && ++failures <= 10)
                  ADD_FAILURE()
                      << "m " << m << " mode " << (int)mode << " e " << e
                      << " E " << bigE << " D " << d << " mant 0x" << std::hex
                      << mant << std::dec << ": want " << want << " got " << got
                      << " / " << gotBlock;
              }
            };
            // The rounding points of this shift: the significand s =
            // 2^23 + mant over 2^shift, at the half and the integers next
            // to it, one step either side.
            int shift = bigE - d - e + 24 - m;
            if (shift >= 1 && shift <= 25) {
              for (uint32_t q : {0u, 1u, 2u, 3u}) {
                uint64_t base =
                    ((uint64_t)q << shift) + ((uint64_t)1 << (shift - 1));
                for (int64_t delta : {-1, 0, 1})
                  check(static_cast<uint32_t>(base + delta));
              }
            }
            check(0);
            check(0x7FFFFF);
            check(rng());
            check(rng());
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0) << "of " << checked;
}

} // namespace
