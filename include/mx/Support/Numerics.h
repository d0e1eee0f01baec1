//===- Numerics.h - The one definition of the quantization numerics -*- C++
//-*-//
//
// Part of mx-opt. Every rounding and scale rule of numerics.md, written once
// as templates over an "ops" policy. The same template code is instantiated
// with ScalarOps (plain C++ on uint32_t/float: the constant folder and the
// packing of weights at compile time) and with the IR emitter of the CPU and
// GPU lowerings (arith/math ops on scalars or vectors), so the compile-time
// and run-time results cannot drift apart.
//
// An Ops policy provides types I (i32 lanes), F (f32 lanes), B (i1 lanes) and
//   I c(int32_t)                 F cf(float)
//   I add/sub/shl/lshr/band/bor(I, I)     I smax/smin(I, I)    I ctlz(I)
//   B eq/ne/slt/sle/sgt/ult/ugt/uge(I, I) B bandB/borB(B, B)   B notB(B)
//   I sel(B, I, I)   F self(B, F, F)      F bitsToF(I)   I fToBits(F)
//   F siToF(I)       F fmul/fdiv(F, F)    B fune(F, F) (unordered or not equal)
//   F roundInt(F, Rounding)               I fToSI(F) (exact for integers)
//   F fmin/fmax/fadd/fsub(F, F)           B folt/foeq(F, F)
//   F fma(F a, F b, F c) (a * b + c rounded once)
// Shift amounts are always in [0, 31] here (shifts of 32 or more are
// undefined in both C++ and LLVM).
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_NUMERICS_H
#define MX_SUPPORT_NUMERICS_H

#include "mx/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace mx::numerics {

/// Integer significand of the largest finite element (maxNormal =
/// maxSignificand * 2^(emax - mantissaBits)).
inline int32_t maxSignificand(const FloatElementInfo &info) {
  return static_cast<int32_t>(
      std::ldexp(info.maxNormal, -(info.emax - (int)info.mantissaBits)));
}

/// Parameters of an element grid used by the scale rules: emax, mantissa bits
/// and the integer significand of the largest element. MXINT8 is the fixed
/// point grid emax 0, 6 fractional bits, largest 127/64.
struct GridInfo {
  int emax;
  int mantissaBits;
  int32_t maxSig;
};

inline GridInfo getGridInfo(const FormatSpec &spec) {
  if (spec.hasFloatElement()) {
    const FloatElementInfo &info = spec.getFloatElementInfo();
    return {info.emax, (int)info.mantissaBits, maxSignificand(info)};
  }
  return {0, 6, 127}; // MXINT8
}

/// Splits the magnitude bits `a` (sign cleared) of an f32 into its integer
/// significand `sig` (implicit one included; subnormals exact) and the
/// exponent `fe` of its last bit: |x| = sig * 2^fe.
template <typename Ops>
void splitMagnitude(Ops &o, typename Ops::I a, typename Ops::I &sig,
                    typename Ops::I &fe) {
  auto biased = o.lshr(a, o.c(23));
  auto mant = o.band(a, o.c(0x7FFFFF));
  auto isNormal = o.ne(biased, o.c(0));
  sig = o.sel(isNormal, o.bor(mant, o.c(0x800000)), mant);
  fe = o.sub(o.smax(biased, o.c(1)), o.c(150));
}

/// floor(log2(sig)) for sig > 0 (31 - ctlz); -1 for sig == 0.
template <typename Ops>
typename Ops::I floorLog2(Ops &o, typename Ops::I sig) {
  return o.sub(o.c(31), o.ctlz(sig));
}

/// Shifts `sig` (< 2^24) right by `shift` in [1, 25] with rounding.
template <typename Ops>
typename Ops::I roundShift(Ops &o, typename Ops::I sig, typename Ops::I shift,
                           Rounding mode) {
  auto trunc = o.lshr(sig, shift);
  if (mode == Rounding::TowardZero)
    return trunc;
  auto rem = o.band(sig, o.sub(o.shl(o.c(1), shift), o.c(1)));
  auto half = o.shl(o.c(1), o.sub(shift, o.c(1)));
  typename Ops::B up;
  if (mode == Rounding::NearestAway) {
    up = o.uge(rem, half);
  } else {
    auto odd = o.ne(o.band(trunc, o.c(1)), o.c(0));
    up = o.borB(o.ugt(rem, half), o.bandB(o.eq(rem, half), odd));
  }
  return o.add(trunc, o.sel(up, o.c(1), o.c(0)));
}

/// Clamps a shift amount into [1, 25]: a significand below 2^24 shifted by 25
/// or more rounds to zero in every mode.
template <typename Ops>
typename Ops::I clampShift(Ops &o, typename Ops::I shift) {
  return o.smin(o.smax(shift, o.c(1)), o.c(25));
}

/// The shared exponent of a block (before clamping) from the bits of its
/// absolute maximum, by the format's scale rule. Meaningless for amax == 0
/// and for NaN/Inf (see blockScale).
template <typename Ops>
typename Ops::I sharedExponent(Ops &o, typename Ops::I amaxBits,
                               const GridInfo &grid, ScaleRule rule) {
  typename Ops::I sig, fe;
  splitMagnitude(o, amaxBits, sig, fe);
  auto p = floorLog2(o, sig);
  auto se = o.sub(o.add(p, fe), o.c(grid.emax)); // floor rule
  switch (rule) {
  case ScaleRule::Floor:
    return se;
  case ScaleRule::Ceil: {
    auto notPow2 = o.ne(o.band(sig, o.sub(sig, o.c(1))), o.c(0));
    return o.add(se, o.sel(notPow2, o.c(1), o.c(0)));
  }
  case ScaleRule::RCeil: {
    // amax > maxNormal * 2^se  <=>  sig * 2^m > maxSig * 2^p.
    auto lhs = o.shl(sig, o.c(grid.mantissaBits));
    auto rhs = o.shl(o.c(grid.maxSig), p);
    return o.add(se, o.sel(o.ugt(lhs, rhs), o.c(1), o.c(0)));
  }
  }
  return se;
}

/// The E8M0 block scale: the clamped shared exponent and whether the block is
/// NaN (a NaN or Inf element, or an exponent above 127).
template <typename Ops>
void blockScale(Ops &o, typename Ops::I amaxBits, const GridInfo &grid,
                ScaleRule rule, typename Ops::I &se, typename Ops::B &isNaN) {
  auto raw = sharedExponent(o, amaxBits, grid, rule);
  auto isZero = o.eq(amaxBits, o.c(0));
  raw = o.sel(isZero, o.c(-127), raw);
  isNaN = o.borB(o.uge(amaxBits, o.c(0x7F800000)), o.sgt(raw, o.c(127)));
  se = o.smax(raw, o.c(-127));
}

/// E8M0 code of a block scale (0xFF for NaN).
template <typename Ops>
typename Ops::I e8m0Code(Ops &o, typename Ops::I se, typename Ops::B isNaN) {
  return o.sel(isNaN, o.c(0xFF), o.add(se, o.c(127)));
}

/// 2^e as a float constant (e within f32's range, subnormals included).
inline float pow2f(int e) { return std::ldexp(1.0f, e); }

/// The f32 bits `vb` of a non-negative value plus `bias` plus the rounding
/// increment of `mode` for dropping the low `drop` bits: half an ulp of the
/// kept bits (nearest away), half minus one plus the lowest kept bit
/// (nearest even: ties go to the even one), nothing (toward zero). The
/// caller masks or shifts the dropped bits away; a carry moves into the
/// exponent by itself.
template <typename Ops>
typename Ops::I addRoundingIncrement(Ops &o, typename Ops::I vb, int drop,
                                     Rounding mode, int32_t bias = 0) {
  int32_t increment = 0;
  if (mode == Rounding::NearestAway)
    increment = 1 << (drop - 1);
  else if (mode == Rounding::NearestEven)
    increment = (1 << (drop - 1)) - 1;
  typename Ops::I sum = vb;
  if (increment + bias != 0)
    sum = o.add(vb, o.c(increment + bias));
  if (mode == Rounding::NearestEven)
    sum = o.add(sum, o.band(o.lshr(vb, o.c(drop)), o.c(1)));
  return sum;
}

/// Rounds a non-negative f32 `v` (not NaN) to the grid of a mini-float
/// element and saturates at its largest finite value. In the element's
/// normal range the f32 mantissa is rounded to m bits on the integer bits (a
/// carry moves into the exponent by itself); below 2^emin the grid is the
/// fixed quantum 2^(emin - m) and v is rounded as a fixed-point number.
template <typename Ops>
typename Ops::F roundMagnitudeToElement(Ops &o, typename Ops::F v,
                                        const FloatElementInfo &info,
                                        Rounding mode) {
  int mb = (int)info.mantissaBits;
  int drop = 23 - mb;
  auto vb = o.fToBits(v);
  auto mask = o.c(~((1 << drop) - 1));
  auto rounded = o.band(addRoundingIncrement(o, vb, drop, mode), mask);
  auto fixed = o.roundInt(o.fmul(v, o.cf(pow2f(mb - info.emin))), mode);
  auto subnormal = o.fToBits(o.fmul(fixed, o.cf(pow2f(info.emin - mb))));
  // v is not negative: its bits order like its values, so the range test
  // and the saturation are integer compares.
  auto minNormalBits = o.fToBits(o.cf(pow2f(info.emin)));
  auto y = o.sel(o.slt(vb, minNormalBits), subnormal, rounded);
  auto maxBits = o.fToBits(o.cf(static_cast<float>(info.maxNormal)));
  return o.bitsToF(o.smin(y, maxBits));
}

/// Rounds a signed f32 to the element grid (no scale), keeping the sign:
/// used for E4M3 block scales and the scaled elements of NVFP4.
template <typename Ops>
typename Ops::F roundToElement(Ops &o, typename Ops::F x,
                               const FloatElementInfo &info, Rounding mode) {
  auto bits = o.fToBits(x);
  auto sign = o.band(bits, o.c((int32_t)0x80000000));
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto y = roundMagnitudeToElement(o, mag, info, mode);
  return o.bitsToF(o.bor(o.fToBits(y), sign));
}

/// The magnitude code of an element value `y` (non-negative, on the grid).
template <typename Ops>
typename Ops::I elementCode(Ops &o, typename Ops::F y,
                            const FloatElementInfo &info) {
  int mb = (int)info.mantissaBits;
  auto yb = o.fToBits(y);
  auto expField = o.sub(o.lshr(yb, o.c(23)), o.c(127 + info.emin - 1));
  auto normal = o.bor(o.shl(expField, o.c(mb)),
                      o.band(o.lshr(yb, o.c(23 - mb)), o.c((1 << mb) - 1)));
  auto subnormal = o.fToSI(o.fmul(y, o.cf(pow2f(mb - info.emin))));
  return o.sel(o.folt(y, o.cf(pow2f(info.emin))), subnormal, normal);
}

/// The magnitude code of a non-negative f32 `v` (not NaN) rounded to the
/// element grid and saturated at the largest finite element: the same code
/// as elementCode(roundMagnitudeToElement(v)), computed without the grid
/// value in between (the streaming quantize kernels). In the normal range
/// the rounding increment and the exponent rebias are one integer add to
/// the f32 bits, and the shift by 23 - m leaves the code; below 2^emin, in
/// the nearest-even mode, one add of 2^(23 - m + emin) to v leaves the sum
/// in the binade whose f32 spacing is the element's subnormal quantum
/// 2^(emin - m), so that the f32 rounding (nearest even) leaves the integer
/// code in the low mantissa bits. Saturation is an integer min on the codes
/// (they order like the rounded values). Checked against the two-step form
/// for every f32 magnitude in unittests (EncodeFloatMagnitudeTest).
template <typename Ops>
typename Ops::I encodeFloatMagnitude(Ops &o, typename Ops::F v,
                                     const FloatElementInfo &info,
                                     Rounding mode) {
  int mb = (int)info.mantissaBits;
  int drop = 23 - mb;
  auto vb = o.fToBits(v);
  // Code = ((bits + increment) >> drop) - (rebias << mb), with the rebias
  // moved into the add (it is a multiple of 2^drop, and bits >= 2^emin's
  // in the lanes that take this code).
  int32_t rebias = (127 + info.emin - 1) << 23;
  auto normal =
      o.lshr(addRoundingIncrement(o, vb, drop, mode, -rebias), o.c(drop));
  typename Ops::I subnormal;
  float toFixed = pow2f(mb - info.emin);
  if (mode == Rounding::NearestEven) {
    // v < 2^emin <= magic: v + magic lies in [magic, 2 magic), where f32
    // steps by 2^(emin - m), and its bits count those steps from magic's.
    float magic = pow2f(23 - mb + info.emin);
    subnormal =
        o.sub(o.fToBits(o.fadd(v, o.cf(magic))), o.fToBits(o.cf(magic)));
  } else {
    subnormal = o.fToSI(o.roundInt(o.fmul(v, o.cf(toFixed)), mode));
  }
  auto minNormalBits = o.fToBits(o.cf(pow2f(info.emin)));
  auto code = o.sel(o.slt(vb, minNormalBits), subnormal, normal);
  return o.smin(code, o.c(static_cast<int32_t>(info.maxCode)));
}

/// Decodes a magnitude code into significand S and exponent k: value S * 2^k.
template <typename Ops>
void decodeFloatMagnitude(Ops &o, typename Ops::I code,
                          const FloatElementInfo &info, typename Ops::I &s,
                          typename Ops::I &k) {
  int mb = (int)info.mantissaBits;
  auto expField = o.lshr(code, o.c(mb));
  auto mant = o.band(code, o.c((1 << mb) - 1));
  s = o.sel(o.ne(expField, o.c(0)), o.bor(mant, o.c(1 << mb)), mant);
  k = o.add(o.smax(expField, o.c(1)), o.c(info.emin - mb - 1));
}

/// 2^k as an f32 for k in [-149, 127] (subnormal powers included).
template <typename Ops>
typename Ops::F pow2(Ops &o, typename Ops::I k) {
  auto normalBits = o.shl(o.smax(o.add(k, o.c(127)), o.c(0)), o.c(23));
  auto subnormalBits =
      o.shl(o.c(1), o.smin(o.smax(o.add(k, o.c(149)), o.c(0)), o.c(31)));
  return o.bitsToF(o.sel(o.sge(k, o.c(-126)), normalBits, subnormalBits));
}

/// acc + s * 2^e rounded once to f32 (round to nearest even): how the
/// integer kernels of mx.contract fold one block's exact integer dot
/// product `s` (|s| < 2^24) under the block scales 2^e (e: both E8M0
/// exponents plus the units of the two integer encodings, in [-275, 254])
/// into the f32 accumulator, as mx-ref block-matmul defines it. s * 2^e
/// itself may lie outside the f32 range: it is split as x * y with both
/// factors exact f32 values and the product left to the fma. Past e = 150
/// every nonzero s makes |acc + s * 2^e| overflow for any finite acc (and
/// leaves an infinite acc as it is), so e is clamped there.
template <typename Ops>
typename Ops::F foldScaledSum(Ops &o, typename Ops::I s, typename Ops::I e,
                              typename Ops::F acc) {
  auto ec = o.smin(e, o.c(150));
  auto e2 = o.smax(o.smin(ec, o.c(127)), o.c(-126));
  // ec - e2 in [-149, 23]: s * 2^(ec - e2) is an exact f32 (a multiple of
  // 2^-149 with at most 24 significant bits).
  auto x = o.fmul(o.siToF(s), pow2(o, o.sub(ec, e2)));
  return o.fma(x, pow2(o, e2), acc);
}

/// s * 2^k with the sign bit `signBit` (0 or 0x80000000) ORed in; exact for
/// the ranges used here.
template <typename Ops>
typename Ops::F scaleToF32(Ops &o, typename Ops::I s, typename Ops::I k,
                           typename Ops::I signBit) {
  auto v = o.fmul(o.siToF(s), pow2(o, k));
  return o.bitsToF(o.bor(o.fToBits(v), signBit));
}

inline constexpr int32_t kQuietNaNBits = 0x7FC00000;

/// `v`, or a quiet NaN where `isNaN` holds.
template <typename Ops>
typename Ops::F orNaN(Ops &o, typename Ops::B isNaN, typename Ops::F v) {
  return o.self(isNaN, o.bitsToF(o.c(kQuietNaNBits)), v);
}

/// The (non-negative) value of a mini-float element's magnitude code, as
/// an exact f32.
template <typename Ops>
typename Ops::F floatMagnitudeValue(Ops &o, typename Ops::I code,
                                    const FloatElementInfo &info) {
  typename Ops::I s, k;
  decodeFloatMagnitude(o, code, info, s, k);
  return o.fmul(o.siToF(s), pow2(o, k));
}

/// Fake-quantizes one f32 under an E8M0 block scale for mini-float elements.
/// `scaleDown` = 2^-se and `scaleUp` = 2^se (se in [-127, 127], both exact
/// f32 values). |x| * 2^-se is exact, or so small that it rounds to zero on
/// the element grid either way; y * 2^se is exact (or overflows to Inf for
/// the largest blocks under the ceil/rceil rules, as the definition does).
template <typename Ops>
typename Ops::F
fakeQuantFloatElement(Ops &o, typename Ops::F x, typename Ops::F scaleDown,
                      typename Ops::F scaleUp, typename Ops::B blockNaN,
                      const FloatElementInfo &info, Rounding mode) {
  auto bits = o.fToBits(x);
  auto sign = o.band(bits, o.c((int32_t)0x80000000));
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto y = roundMagnitudeToElement(o, o.fmul(mag, scaleDown), info, mode);
  auto v = o.bitsToF(o.bor(o.fToBits(o.fmul(y, scaleUp)), sign));
  return orNaN(o, blockNaN, v);
}

/// MXINT8: the element as an integer-valued f32 in [-127, 127] (the value is
/// q / 64 * 2^se). `scaleDown` = 2^-se. A negative value that rounds to zero
/// gives +0: the format is two's complement.
template <typename Ops>
typename Ops::F fixedElement(Ops &o, typename Ops::F x,
                             typename Ops::F scaleDown, Rounding mode) {
  auto n = o.fmul(o.fmul(x, scaleDown), o.cf(64.0f));
  auto q = o.fmin(o.fmax(o.roundInt(n, mode), o.cf(-127.0f)), o.cf(127.0f));
  return o.fadd(q, o.cf(0.0f));
}

/// `scaleUp64` = 2^(se - 6).
template <typename Ops>
typename Ops::F fakeQuantFixedElement(Ops &o, typename Ops::F x,
                                      typename Ops::F scaleDown,
                                      typename Ops::F scaleUp64,
                                      typename Ops::B blockNaN, Rounding mode) {
  auto v = o.fmul(fixedElement(o, x, scaleDown, mode), scaleUp64);
  return orNaN(o, blockNaN, v);
}

/// Shared-microexponent (sign-magnitude) element: returns the magnitude M in
/// [0, 2^m - 1]. `bigE` is the block's biased shared exponent and `d` the
/// sub-block's microexponent (numerics.md 3a).
template <typename Ops>
typename Ops::I encodeSMMagnitude(Ops &o, typename Ops::I xBits,
                                  typename Ops::I bigE, typename Ops::I d,
                                  int mantissaBits, Rounding mode) {
  auto a = o.band(xBits, o.c(0x7FFFFFFF));
  auto e = o.lshr(a, o.c(23));
  auto s = o.bor(o.band(a, o.c(0x7FFFFF)), o.c(0x800000));
  // shift = E - D - e + 23 - m + 1
  auto shift = o.add(o.sub(o.sub(bigE, d), e), o.c(24 - mantissaBits));
  auto m = o.smin(roundShift(o, s, clampShift(o, shift), mode),
                  o.c((1 << mantissaBits) - 1));
  // f32 subnormals (and zeros) flush to zero.
  return o.sel(o.eq(e, o.c(0)), o.c(0), m);
}

/// encodeSMMagnitude with float operations (round to nearest even and m <=
/// 20; otherwise encodeSMMagnitude): the same M in about half the vector
/// operations and one shift instead of six. With E' = E - D and
/// k = 126 + m - E', M = min(rne(|x| 2^k), 2^m - 1) (|x| 2^k is s / 2^shift
/// of encodeSMMagnitude), and `fma(a, 2^k, 2^23)` rounds a 2^k + 2^23 once:
/// below 2^24 its ulp is 1, so the integer in its low bits is rne(a 2^k) (the
/// sum is at least 2^23, so no product underflows into a second rounding).
/// An element with e <= E' has |x| < 2^(E' - 126), so |x| 2^k < 2^m; one
/// with e > E' has |x| 2^k >= 2^m and saturates in both (a sum of 2^23 +
/// 2^m or more, Inf included, through the integer min: the bits of positive
/// floats order like their values). 2^k must be a normal f32 while k spans
/// about [m - 129, 126 + m + D]: |x| is first multiplied by 2^j, j = 32 when
/// the selecting exponent is below 32 (exact, or Inf where |x| 2^k
/// saturates anyway), -8 when it is above 200 (inexact only below 2^-118,
/// where |x| 2^k < 2^-100 rounds to 0 both ways), else 0, and then by
/// 2^(k - j). The selecting exponent is E itself (one choice per block)
/// when microexponents reach at most 13 (`maxMicro`, so that E' >= E - 13
/// keeps 2^(k - j) below 2^128), else max(E', 0) (an E' below 0 saturates
/// every normal element either way). f32 subnormals (and zeros) give 0 as
/// in encodeSMMagnitude. unittests/Support/EncodeSMMagnitudeTest.cpp checks
/// the two against each other.
template <typename Ops>
typename Ops::I encodeSMMagnitudeDirect(Ops &o, typename Ops::I xBits,
                                        typename Ops::I bigE, typename Ops::I d,
                                        int mantissaBits, int maxMicro,
                                        Rounding mode) {
  // Products below 2^(m + 1) must keep the sum below 2^24 (ulp 1).
  if (mode != Rounding::NearestEven || mantissaBits > 20)
    return encodeSMMagnitude(o, xBits, bigE, d, mantissaBits, mode);
  auto a = o.band(xBits, o.c(0x7FFFFFFF));
  auto ePrime = o.sub(bigE, d);
  auto selector = maxMicro <= 13 ? bigE : o.smax(ePrime, o.c(0));
  if (maxMicro > 13)
    ePrime = selector;
  auto low = o.slt(selector, o.c(32)), high = o.sgt(selector, o.c(200));
  auto j = o.sel(low, o.c(32), o.sel(high, o.c(-8), o.c(0)));
  auto pre = o.bitsToF(o.shl(o.add(j, o.c(127)), o.c(23)));
  // 2^(k - j): biased exponent 253 + m - E' - j.
  auto factor = o.bitsToF(
      o.shl(o.sub(o.c(253 + mantissaBits), o.add(ePrime, j)), o.c(23)));
  auto y = o.fma(o.fmul(o.bitsToF(a), pre), factor, o.cf(0x1p23f));
  auto m = o.smin(o.sub(o.fToBits(y), o.c(0x4B000000)),
                  o.c((1 << mantissaBits) - 1));
  // f32 subnormals (and zeros) flush to zero.
  return o.sel(o.ult(a, o.c(0x00800000)), o.c(0), m);
}

/// The value of a sign-magnitude element: sign * M * 2^(E - 127 - D + 1 - m).
template <typename Ops>
typename Ops::F decodeSM(Ops &o, typename Ops::I m, typename Ops::I signBit,
                         typename Ops::I bigE, typename Ops::I d,
                         int mantissaBits) {
  auto k = o.add(o.sub(bigE, d), o.c(-126 - mantissaBits));
  return scaleToF32(o, m, k, signBit);
}

/// Clamps the biased shared exponent of the sm family to what d1 bits hold:
/// [127 - (2^(d1-1) - 1), 127 + 2^(d1-1)]. For d1 = 8 this is [1, 255] and
/// changes nothing observable.
template <typename Ops>
typename Ops::I clampSharedExponentBits(Ops &o, typename Ops::I bigE,
                                        unsigned expBits) {
  int32_t half = 1 << (expBits - 1);
  return o.smin(o.smax(bigE, o.c(127 - (half - 1))), o.c(127 + half));
}

//===----------------------------------------------------------------------===//
// Format families: per-block scales, element codes, decoding and the fused
// fake quantization, composed from the rules above. Block values are computed
// once per block; elements take them spread to their own shape.
//===----------------------------------------------------------------------===//

/// An E8M0 block scale (OCP float elements and MXINT8).
template <typename Ops>
struct E8M0Scale {
  typename Ops::I code;  ///< E8M0 code; 0xFF for a NaN block.
  typename Ops::F down;  ///< 2^-se.
  typename Ops::F up;    ///< 2^se (2^(se - 6) for MXINT8).
  typename Ops::B isNaN; ///< The block decodes to NaN.
};

template <typename Ops>
E8M0Scale<Ops> e8m0ScaleFromSharedExponent(Ops &o, typename Ops::I se,
                                           typename Ops::B isNaN,
                                           const FormatSpec &spec) {
  E8M0Scale<Ops> r;
  r.code = e8m0Code(o, se, isNaN);
  r.down = pow2(o, o.sub(o.c(0), se));
  r.up = pow2(o, spec.hasFloatElement() ? se : o.sub(se, o.c(6)));
  r.isNaN = isNaN;
  return r;
}

/// The scale of a block from the bits of its absolute maximum.
template <typename Ops>
E8M0Scale<Ops> e8m0ScaleFromAmax(Ops &o, typename Ops::I amaxBits,
                                 const FormatSpec &spec) {
  typename Ops::I se;
  typename Ops::B isNaN;
  blockScale(o, amaxBits, getGridInfo(spec), spec.scaleRule, se, isNaN);
  return e8m0ScaleFromSharedExponent(o, se, isNaN, spec);
}

/// The scale of a block from its stored E8M0 code.
template <typename Ops>
E8M0Scale<Ops> e8m0ScaleFromCode(Ops &o, typename Ops::I code,
                                 const FormatSpec &spec) {
  return e8m0ScaleFromSharedExponent(o, o.sub(code, o.c(127)),
                                     o.eq(code, o.c(0xFF)), spec);
}

/// The element code (sign bit on top of the element's bits; MXINT8 as an
/// 8-bit two's complement byte). Elements of a NaN block encode as 0.
template <typename Ops>
typename Ops::I encodeE8M0Element(Ops &o, typename Ops::F x,
                                  const E8M0Scale<Ops> &scale,
                                  const FormatSpec &spec) {
  typename Ops::I code;
  if (spec.hasFloatElement()) {
    const FloatElementInfo &info = spec.getFloatElementInfo();
    auto bits = o.fToBits(x);
    auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
    auto y = roundMagnitudeToElement(o, o.fmul(mag, scale.down), info,
                                     spec.rounding);
    auto signBit = o.shl(o.lshr(bits, o.c(31)), o.c(info.bits - 1));
    code = o.bor(elementCode(o, y, info), signBit);
  } else {
    code = o.band(o.fToSI(fixedElement(o, x, scale.down, spec.rounding)),
                  o.c(0xFF));
  }
  return o.sel(scale.isNaN, o.c(0), code);
}

/// encodeE8M0Element with the float element's code computed in one step
/// (encodeFloatMagnitude): the same codes, fewer vector operations. The CPU
/// quantize kernels use it; the constant folder keeps encodeE8M0Element.
template <typename Ops>
typename Ops::I encodeE8M0ElementDirect(Ops &o, typename Ops::F x,
                                        const E8M0Scale<Ops> &scale,
                                        const FormatSpec &spec) {
  if (!spec.hasFloatElement())
    return encodeE8M0Element(o, x, scale, spec);
  const FloatElementInfo &info = spec.getFloatElementInfo();
  auto bits = o.fToBits(x);
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto signBit = o.shl(o.lshr(bits, o.c(31)), o.c(info.bits - 1));
  auto code = o.bor(
      encodeFloatMagnitude(o, o.fmul(mag, scale.down), info, spec.rounding),
      signBit);
  return o.sel(scale.isNaN, o.c(0), code);
}

/// The value of a stored element code under its block scale (NaN and Inf
/// codes of E4M3 / E5M2 included).
template <typename Ops>
typename Ops::F decodeE8M0Element(Ops &o, typename Ops::I code,
                                  const E8M0Scale<Ops> &scale,
                                  const FormatSpec &spec) {
  if (!spec.hasFloatElement()) {
    auto q = o.sel(o.uge(code, o.c(128)), o.sub(code, o.c(256)), code);
    return orNaN(o, scale.isNaN, o.fmul(o.siToF(q), scale.up));
  }
  const FloatElementInfo &info = spec.getFloatElementInfo();
  auto mag = o.band(code, o.c((1 << (info.bits - 1)) - 1));
  auto signBit = o.shl(o.lshr(code, o.c(info.bits - 1)), o.c(31));
  auto value = o.fmul(floatMagnitudeValue(o, mag, info), scale.up);
  auto isNaN = scale.isNaN;
  if (info.hasInf) { // E5M2: exponent field all ones.
    auto top =
        o.c((int32_t)(((1u << info.exponentBits) - 1) << info.mantissaBits));
    auto special = o.uge(mag, top);
    value = o.self(special, o.bitsToF(o.c(0x7F800000)), value);
    isNaN = o.borB(isNaN, o.ugt(mag, top));
  } else if (info.hasNaN) { // E4M3: S.1111.111.
    isNaN = o.borB(isNaN, o.eq(mag, o.c((1 << (info.bits - 1)) - 1)));
  }
  return orNaN(o, isNaN, o.bitsToF(o.bor(o.fToBits(value), signBit)));
}

/// quantize-then-dequantize in one step (the same values as
/// decodeE8M0Element(encodeE8M0Element(x))).
template <typename Ops>
typename Ops::F fakeQuantE8M0Element(Ops &o, typename Ops::F x,
                                     const E8M0Scale<Ops> &scale,
                                     const FormatSpec &spec) {
  if (spec.hasFloatElement())
    return fakeQuantFloatElement(o, x, scale.down, scale.up, scale.isNaN,
                                 spec.getFloatElementInfo(), spec.rounding);
  return fakeQuantFixedElement(o, x, scale.down, scale.up, scale.isNaN,
                               spec.rounding);
}

/// Shared-microexponent block: the biased shared exponent (clamped to d1
/// bits) and NaN-ness. Stored as the E8M0-style code E (0xFF for NaN).
template <typename Ops>
struct SMScale {
  typename Ops::I rawE; ///< Largest biased f32 exponent of the block.
  typename Ops::I bigE; ///< Shared exponent after clamping to d1 bits.
  typename Ops::B isNaN;
};

template <typename Ops>
SMScale<Ops> smScaleFromMaxExponent(Ops &o, typename Ops::I rawE,
                                    const FormatSpec &spec) {
  SMScale<Ops> r;
  r.rawE = rawE;
  r.bigE = clampSharedExponentBits(o, rawE, spec.expBits);
  r.isNaN = o.eq(rawE, o.c(255));
  return r;
}

template <typename Ops>
typename Ops::I smScaleCode(Ops &o, const SMScale<Ops> &scale) {
  return o.sel(scale.isNaN, o.c(0xFF), scale.bigE);
}

/// The microexponent of a sub-block from its largest biased exponent.
template <typename Ops>
typename Ops::I smMicroexponent(Ops &o, typename Ops::I rawE,
                                typename Ops::I subE, const FormatSpec &spec) {
  if (spec.subBlockSize == 0)
    return o.c(0);
  return o.smin(o.sub(rawE, subE), o.c((1 << spec.subBits) - 1));
}

/// The magnitude of encodeSMMagnitude, computed by encodeSMMagnitudeDirect
/// when `direct` (the CPU kernels; the constant folder keeps the integer
/// definition).
template <typename Ops>
typename Ops::I smMagnitude(Ops &o, typename Ops::I xBits, typename Ops::I bigE,
                            typename Ops::I d, const FormatSpec &spec,
                            bool direct) {
  if (direct)
    return encodeSMMagnitudeDirect(
        o, xBits, bigE, d, spec.mantissaBits,
        spec.subBlockSize > 0 ? (1 << spec.subBits) - 1 : 0, spec.rounding);
  return encodeSMMagnitude(o, xBits, bigE, d, spec.mantissaBits, spec.rounding);
}

/// The element byte: sign << m | magnitude.
template <typename Ops>
typename Ops::I encodeSMElement(Ops &o, typename Ops::F x, typename Ops::I bigE,
                                typename Ops::I d, typename Ops::B isNaN,
                                const FormatSpec &spec, bool direct = false) {
  auto bits = o.fToBits(x);
  auto m = smMagnitude(o, bits, bigE, d, spec, direct);
  auto code = o.bor(m, o.shl(o.lshr(bits, o.c(31)), o.c(spec.mantissaBits)));
  return o.sel(isNaN, o.c(0), code);
}

template <typename Ops>
typename Ops::F decodeSMElement(Ops &o, typename Ops::I code,
                                typename Ops::I bigE, typename Ops::I d,
                                typename Ops::B isNaN, const FormatSpec &spec) {
  int m = spec.mantissaBits;
  auto mag = o.band(code, o.c((1 << m) - 1));
  auto signBit = o.shl(o.band(o.lshr(code, o.c(m)), o.c(1)), o.c(31));
  return orNaN(o, isNaN, decodeSM(o, mag, signBit, bigE, d, m));
}

template <typename Ops>
typename Ops::F
fakeQuantSMElement(Ops &o, typename Ops::F x, typename Ops::I bigE,
                   typename Ops::I d, typename Ops::B isNaN,
                   const FormatSpec &spec, bool direct = false) {
  auto bits = o.fToBits(x);
  auto m = smMagnitude(o, bits, bigE, d, spec, direct);
  auto sign = o.band(bits, o.c((int32_t)0x80000000));
  return orNaN(o, isNaN, decodeSM(o, m, sign, bigE, d, spec.mantissaBits));
}

/// An E4M3 block scale over an optional f32 tensor scale (NVFP4).
template <typename Ops>
struct E4M3Scale {
  typename Ops::I code;  ///< E4M3 code of the block scale (positive).
  typename Ops::F denom; ///< f32(s_b * s_t); 0 makes the block signed zeros.
  typename Ops::B isNaN;
};

/// s_t = amax_tensor / (max element * 448).
template <typename Ops>
typename Ops::F nvfp4TensorScale(Ops &o, typename Ops::F amax,
                                 const FormatSpec &spec) {
  return o.fdiv(amax, o.cf(static_cast<float>(
                          spec.getFloatElementInfo().maxNormal * 448.0)));
}

/// The largest element value of a format under an E8M0 block scale of 1: the
/// largest finite float element, or 127/64 for MXINT8.
inline float largestElementValue(const FormatSpec &spec) {
  if (spec.hasFloatElement())
    return static_cast<float>(spec.getFloatElementInfo().maxNormal);
  return 127.0f / 64.0f;
}

/// The dynamic per-tensor f32 scale of a `tensor_scale = true` format from
/// the tensor's absolute maximum (docs/Formats.md, "Two-level formats"):
/// * E4M3 block scales (NVFP4): s_t = amax / (max element * 448);
/// * E8M0 block scales (an MX format with a pre-scale): s_t = amax / max
///   element, 1 when that is 0, NaN when amax is NaN or Inf.
template <typename Ops>
typename Ops::F tensorScaleFromAmax(Ops &o, typename Ops::F amax,
                                    const FormatSpec &spec) {
  if (spec.scale == ScaleKind::E4M3)
    return nvfp4TensorScale(o, amax, spec);
  auto s = o.fdiv(amax, o.cf(largestElementValue(spec)));
  s = o.self(o.foeq(s, o.cf(0.0f)), o.cf(1.0f), s);
  return orNaN(o, o.fisNaNOrInf(amax), s);
}

/// The first level of an MX format with a pre-scale: y = f32(x / s_t), where
/// a finite x whose quotient overflows saturates to the largest finite f32
/// of its sign (values beyond the calibrated range never turn into Inf, and
/// so never into a NaN block). NaN and Inf inputs stay NaN and Inf.
template <typename Ops>
typename Ops::F preScale(Ops &o, typename Ops::F x, typename Ops::F st) {
  auto y = o.fdiv(x, st);
  auto yb = o.fToBits(y);
  auto xFinite = o.ult(o.band(o.fToBits(x), o.c(0x7FFFFFFF)), o.c(0x7F800000));
  auto overflow =
      o.bandB(xFinite, o.eq(o.band(yb, o.c(0x7FFFFFFF)), o.c(0x7F800000)));
  auto saturated =
      o.bitsToF(o.bor(o.band(yb, o.c((int32_t)0x80000000)), o.c(0x7F7FFFFF)));
  return o.self(overflow, saturated, y);
}

/// The bits of the pre-scaled absolute maximum of a block: division by a
/// positive s_t is monotone, so this is the maximum of the pre-scaled
/// elements' magnitudes.
template <typename Ops>
typename Ops::I preScaleAmaxBits(Ops &o, typename Ops::I amaxBits,
                                 typename Ops::F st) {
  return o.band(o.fToBits(preScale(o, o.bitsToF(amaxBits), st)),
                o.c(0x7FFFFFFF));
}

template <typename Ops>
E4M3Scale<Ops> e4m3ScaleFromBlockScale(Ops &o, typename Ops::F sb,
                                       typename Ops::F st,
                                       typename Ops::B isNaN) {
  E4M3Scale<Ops> r;
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  // A block holding NaN or Inf stores the E4M3 NaN code, so that it decodes
  // to NaN from storage even under a finite (calibrated) tensor scale.
  r.code = o.sel(isNaN, o.c(0x7F), elementCode(o, sb, e4m3));
  auto denom = o.fmul(sb, st);
  r.denom = o.self(o.foeq(st, o.cf(0.0f)), o.cf(0.0f), denom);
  r.isNaN = o.borB(isNaN, o.fisNaNOrInf(st));
  return r;
}

/// s_b = round_e4m3(amax_block / max element / s_t).
template <typename Ops>
E4M3Scale<Ops> e4m3ScaleFromAmax(Ops &o, typename Ops::F amax,
                                 typename Ops::F st, const FormatSpec &spec) {
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  auto maxElem = o.cf(static_cast<float>(spec.getFloatElementInfo().maxNormal));
  auto sb = roundToElement(o, o.fdiv(o.fdiv(amax, maxElem), st), e4m3,
                           Rounding::NearestEven);
  return e4m3ScaleFromBlockScale(o, sb, st, o.fisNaNOrInf(amax));
}

template <typename Ops>
E4M3Scale<Ops> e4m3ScaleFromCode(Ops &o, typename Ops::I code,
                                 typename Ops::F st) {
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  auto mag = o.band(code, o.c(0x7F));
  auto sb = floatMagnitudeValue(o, mag, e4m3);
  return e4m3ScaleFromBlockScale(o, sb, st, o.eq(mag, o.c(0x7F)));
}

/// The element value y (signed, on the element grid) of x / denom; signed
/// zero when denom is 0.
template <typename Ops>
typename Ops::F e4m3ScaledElement(Ops &o, typename Ops::F x,
                                  const E4M3Scale<Ops> &scale,
                                  const FormatSpec &spec) {
  auto y = roundToElement(o, o.fdiv(x, scale.denom), spec.getFloatElementInfo(),
                          spec.rounding);
  auto signedZero = o.bitsToF(o.band(o.fToBits(x), o.c((int32_t)0x80000000)));
  return o.self(o.foeq(scale.denom, o.cf(0.0f)), signedZero, y);
}

template <typename Ops>
typename Ops::I encodeE4M3ScaledElement(Ops &o, typename Ops::F x,
                                        const E4M3Scale<Ops> &scale,
                                        const FormatSpec &spec) {
  const FloatElementInfo &info = spec.getFloatElementInfo();
  auto y = e4m3ScaledElement(o, x, scale, spec);
  auto bits = o.fToBits(y);
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto signBit = o.shl(o.lshr(bits, o.c(31)), o.c(info.bits - 1));
  return o.sel(scale.isNaN, o.c(0), o.bor(elementCode(o, mag, info), signBit));
}

/// The code of x under an E4M3 block scale computed from the quotient's
/// bits: the same code as encodeE4M3ScaledElement (checked in unittests,
/// ThresholdTest), with one division and integer operations per element
/// (encodeFloatMagnitude) instead of the grid value in between. f32(|x| /
/// denom) is the magnitude of f32(x / denom) (division rounds the same for
/// both signs). A zero denom divides by +Inf instead: every finite x gives
/// q = 0, the signed zero of the definition. x is finite unless the block
/// is NaN (a NaN or Inf element makes its block NaN, and NaN blocks are
/// cleared). The NVFP4 quantize kernels use it (docs/Lowering.md, "NVFP4
/// quantize: a division, not thresholds").
template <typename Ops>
typename Ops::I encodeE4M3ElementDirect(Ops &o, typename Ops::F x,
                                        const E4M3Scale<Ops> &scale,
                                        const FormatSpec &spec) {
  const FloatElementInfo &info = spec.getFloatElementInfo();
  auto bits = o.fToBits(x);
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto divisor =
      o.self(o.foeq(scale.denom, o.cf(0.0f)), o.cf(INFINITY), scale.denom);
  auto code =
      encodeFloatMagnitude(o, o.fdiv(mag, divisor), info, spec.rounding);
  auto signBit = o.shl(o.lshr(bits, o.c(31)), o.c(info.bits - 1));
  return o.sel(scale.isNaN, o.c(0), o.bor(code, signBit));
}

template <typename Ops>
typename Ops::F decodeE4M3ScaledElement(Ops &o, typename Ops::I code,
                                        const E4M3Scale<Ops> &scale,
                                        const FormatSpec &spec) {
  const FloatElementInfo &info = spec.getFloatElementInfo();
  auto mag = o.band(code, o.c((1 << (info.bits - 1)) - 1));
  auto signBit = o.shl(o.lshr(code, o.c(info.bits - 1)), o.c(31));
  auto y =
      o.bitsToF(o.bor(o.fToBits(floatMagnitudeValue(o, mag, info)), signBit));
  return orNaN(o, scale.isNaN, o.fmul(y, scale.denom));
}

template <typename Ops>
typename Ops::F fakeQuantE4M3ScaledElement(Ops &o, typename Ops::F x,
                                           const E4M3Scale<Ops> &scale,
                                           const FormatSpec &spec) {
  auto out = o.fmul(e4m3ScaledElement(o, x, scale, spec), scale.denom);
  return orNaN(o, scale.isNaN, out);
}

//===----------------------------------------------------------------------===//
// Threshold encoding of x / denom (NVFP4 without a division per element)
//===----------------------------------------------------------------------===//
//
// (NVFP4 fake quantization uses it; quantize divides, encodeE4M3ElementDirect:
// docs/Lowering.md, "Session 12".)
//
// The definition above rounds q = f32(x / denom) to the element grid. For
// an element of few magnitudes (E2M1: 8) the code is the number of rounding
// points that q passes: the midpoints between neighbouring grid values
// (ties to even: a tie goes up where the upper code is even; ties away: it
// always goes up) or the grid values themselves (toward zero). Each point p
// has at most 3 significant bits, so its f32 significand is even and f32
// rounding sends the ties of q next to p to p:
//   f32(|x| / d) >  p  <=>  |x| / d >  p + ulp+(p)/2  (strict points)
//   f32(|x| / d) >= p  <=>  |x| / d >= p - ulp-(p)/2  (inclusive points)
// (ulp+ / ulp- the f32 spacings above and below p), i.e. |x| > T with T the
// largest f32 <= (p + ulp+/2) d, or the largest f32 < (p - ulp-/2) d. T is
// computed once per block: c = fma(p, d, +-ulp/2 * d) is the f32 nearest to
// the bound (one rounding), and fma(-p, d, c) = c - p d exactly (it needs at
// most 5 bits: c is within one ulp of p d, p has 3 significant bits), which
// says whether c lies above or below the bound; T is c or the f32 below it.
// The exactness needs no underflow in d * ulp/2 and c - p d: d >= 2^-100,
// which holds for every block with a nonzero scale when the tensor scale
// s_t is in (2^-91, 2^90) (s_b >= 2^-9); thresholdsExactFor tests that, and
// the lowering keeps the division otherwise. A zero d makes T = +Inf (the
// block's elements are signed zeros, as the definition says).

/// At most this many rounding points (elements of 8 magnitudes).
inline constexpr int kMaxElementThresholds = 7;

struct ThresholdPoint {
  float value;
  bool inclusive; ///< q >= value passes (else q > value).
};

/// The rounding points of the element of `spec` (in increasing order), or 0
/// when the threshold encoding does not apply (not a 4-bit float element).
inline int elementThresholdPoints(const FormatSpec &spec, ThresholdPoint *out) {
  if (!spec.hasFloatElement())
    return 0;
  const FloatElementInfo &info = spec.getFloatElementInfo();
  if (info.bits != 4 || info.hasNaN || info.hasInf ||
      (int)info.maxCode > kMaxElementThresholds)
    return 0;
  int mb = (int)info.mantissaBits;
  auto value = [&](int code) {
    int expField = code >> mb, mant = code & ((1 << mb) - 1);
    int s = expField ? (mant | (1 << mb)) : mant;
    int k = std::max(expField, 1) + info.emin - mb - 1;
    return std::ldexp((double)s, k);
  };
  int n = 0;
  for (int code = 0; code < (int)info.maxCode; ++code) {
    double lo = value(code), hi = value(code + 1);
    ThresholdPoint p;
    switch (spec.rounding) {
    case Rounding::NearestEven:
      p = {(float)((lo + hi) / 2), ((code + 1) & 1) == 0};
      break;
    case Rounding::NearestAway:
      p = {(float)((lo + hi) / 2), true};
      break;
    case Rounding::TowardZero:
      p = {(float)hi, true};
      break;
    }
    // The argument above needs an exact point with an even significand.
    uint32_t bits;
    std::memcpy(&bits, &p.value, sizeof(bits));
    if ((double)p.value != (p.value == (float)hi ? hi : (lo + hi) / 2) ||
        (bits & 1) != 0 || p.value <= 0.0f)
      return 0;
    out[n++] = p;
  }
  return n;
}

/// Whether the threshold encoding is exact for every block under the
/// tensor scale `st` (block scales of E4M3, so d = s_b st >= 2^-100).
template <typename Ops>
typename Ops::B thresholdsExactFor(Ops &o, typename Ops::F st) {
  return o.bandB(o.folt(o.cf(pow2f(-91)), st), o.folt(st, o.cf(pow2f(90))));
}

/// The per-block thresholds T of the points (see above).
template <typename Ops>
struct ElementThresholds {
  int count = 0;
  typename Ops::F t[kMaxElementThresholds];
};

template <typename Ops>
ElementThresholds<Ops> elementThresholds(Ops &o, typename Ops::F denom,
                                         const FormatSpec &spec) {
  ThresholdPoint points[kMaxElementThresholds];
  ElementThresholds<Ops> r;
  r.count = elementThresholdPoints(spec, points);
  auto zero = o.foeq(denom, o.cf(0.0f));
  auto inf = o.bitsToF(o.c(0x7F800000));
  for (int i = 0; i < r.count; ++i) {
    float p = points[i].value;
    int e = std::ilogb(p);
    float ulpUp = pow2f(e - 23);
    float ulpDown = p == pow2f(e) ? ulpUp / 2 : ulpUp;
    auto halfUlp =
        o.fmul(denom, o.cf(points[i].inclusive ? -ulpDown / 2 : ulpUp / 2));
    auto c = o.fma(o.cf(p), denom, halfUlp);
    auto err = o.fma(o.cf(-p), denom, c); // c - p d, exact
    auto below = o.bitsToF(o.sub(o.fToBits(c), o.c(1)));
    typename Ops::F t;
    if (points[i].inclusive) // largest f32 < p d - ulp-/2 d
      t = o.self(o.folt(err, halfUlp), c, below);
    else // largest f32 <= p d + ulp+/2 d
      t = o.self(o.folt(halfUlp, err), below, c);
    r.t[i] = o.self(zero, inf, t);
  }
  return r;
}

/// The number of thresholds below `mag` (|x|), as the three passes of a
/// binary search when there are seven: the thresholds of a block are
/// sorted (T_0 <= ... <= T_6: the points increase by factors of at least
/// 1.4 and T_i is within an ulp of p_i d; all +Inf for d = 0), so
/// T_3 < mag says whether the count is at least 4, and so on down; NaN
/// thresholds or a NaN mag compare false everywhere and count 0, as the
/// linear count does. Three compares instead of seven per element: the
/// compares into mask registers are the shuffle port's work on x86.
/// `step(m, bit)` receives the passes' outcomes (bit 4, 2, 1).
template <typename Ops, typename Step>
void searchThresholds(Ops &o, typename Ops::F mag,
                      const ElementThresholds<Ops> &th, Step step) {
  auto m1 = o.folt(th.t[3], mag);
  step(m1, 4, m1, m1);
  auto m2 = o.folt(o.self(m1, th.t[5], th.t[1]), mag);
  step(m2, 2, m1, m2);
  auto t3 =
      o.self(m1, o.self(m2, th.t[6], th.t[4]), o.self(m2, th.t[2], th.t[0]));
  step(o.folt(t3, mag), 1, m1, m2);
}

/// Fake quantization of x under (thresholds, denom): the same bits as
/// fakeQuantE4M3ScaledElement where thresholdsExactFor holds. The element
/// value is summed from the grid steps the thresholds pass (small dyadic
/// numbers: exact).
template <typename Ops>
typename Ops::F fakeQuantThresholdElement(Ops &o, typename Ops::F x,
                                          const ElementThresholds<Ops> &th,
                                          typename Ops::F denom,
                                          typename Ops::B isNaN,
                                          const FormatSpec &spec) {
  const FloatElementInfo &info = spec.getFloatElementInfo();
  int mb = (int)info.mantissaBits;
  auto value = [&](int code) {
    int expField = code >> mb, mant = code & ((1 << mb) - 1);
    int s = expField ? (mant | (1 << mb)) : mant;
    return std::ldexp((float)s, std::max(expField, 1) + info.emin - mb - 1);
  };
  auto bits = o.fToBits(x);
  auto mag = o.bitsToF(o.band(bits, o.c(0x7FFFFFFF)));
  auto y = o.cf(0.0f);
  if (th.count == kMaxElementThresholds) {
    // value(code) for code = 4 m1 + 2 m2 + m3, selected from the grid by
    // the passes' outcomes.
    auto pick = [&](typename Ops::B m1, typename Ops::B m2, int low) {
      return o.self(m1, o.self(m2, o.cf(value(6 + low)), o.cf(value(4 + low))),
                    o.self(m2, o.cf(value(2 + low)), o.cf(value(low))));
    };
    searchThresholds(o, mag, th,
                     [&](typename Ops::B m, int bit, typename Ops::B m1,
                         typename Ops::B m2) {
                       if (bit == 1)
                         y = o.self(m, pick(m1, m2, 1), pick(m1, m2, 0));
                     });
  } else {
    for (int i = 0; i < th.count; ++i)
      y = o.self(o.folt(th.t[i], mag), o.cf(value(i + 1)), y);
  }
  auto signed_ =
      o.bitsToF(o.bor(o.fToBits(y), o.band(bits, o.c((int32_t)0x80000000))));
  return orNaN(o, isNaN, o.fmul(signed_, denom));
}

/// An INT8 scale (per tensor, channel or block), with an optional zero point
/// (as an integer-valued f32).
template <typename Ops>
struct Int8Scale {
  typename Ops::F scale;
  typename Ops::F zeroPoint; ///< Only meaningful with hasZeroPoint.
  typename Ops::B isNaN;
  bool hasZeroPoint = false;
};

inline float int8QMin(const FormatSpec &spec) {
  return spec.element == ElementKind::UI8 ? 0.0f : -128.0f;
}
inline float int8QMax(const FormatSpec &spec) {
  return spec.element == ElementKind::UI8 ? 255.0f : 127.0f;
}

/// Symmetric: s = amax / 127 (1 when that is 0).
template <typename Ops>
Int8Scale<Ops> int8ScaleFromAmax(Ops &o, typename Ops::F amax) {
  Int8Scale<Ops> r;
  auto s = o.fdiv(amax, o.cf(127.0f));
  r.scale = o.self(o.foeq(s, o.cf(0.0f)), o.cf(1.0f), s);
  r.zeroPoint = o.cf(0.0f);
  r.isNaN = o.fisNaNOrInf(amax);
  return r;
}

/// Asymmetric: the range [min(min, 0), max(max, 0)] onto [qmin, qmax].
template <typename Ops>
Int8Scale<Ops> int8ScaleFromMinMax(Ops &o, typename Ops::F min,
                                   typename Ops::F max, typename Ops::B isNaN,
                                   const FormatSpec &spec) {
  Int8Scale<Ops> r;
  float qmin = int8QMin(spec), qmax = int8QMax(spec);
  auto lo = o.fmin(min, o.cf(0.0f));
  auto hi = o.fmax(max, o.cf(0.0f));
  auto s = o.fdiv(o.fsub(hi, lo), o.cf(qmax - qmin));
  // min / max skip NaN (minnum / maxnum), so `s` is finite even when the
  // data holds NaN or Inf: store a NaN scale then, as the symmetric scale
  // does (amax / 127), so that every element decodes to NaN.
  r.scale = o.self(isNaN, o.bitsToF(o.c(kQuietNaNBits)),
                   o.self(o.foeq(s, o.cf(0.0f)), o.cf(1.0f), s));
  auto zp = o.fsub(o.cf(qmin),
                   o.roundInt(o.fdiv(lo, r.scale), Rounding::NearestEven));
  r.zeroPoint = o.fmin(o.fmax(zp, o.cf(qmin)), o.cf(qmax));
  r.isNaN = isNaN;
  r.hasZeroPoint = true;
  return r;
}

/// q = clamp(round(x / s) + zp, qmin, qmax), as an integer-valued f32.
/// NaN becomes qmax: the upper bound is applied first with minnum, which
/// returns the bound for NaN. With a fixed (static) scale INT8 has no NaN
/// code, and qmax is the one code that keeps quantization commuting with
/// NaN-propagating max (relu, max-pooling): max(NaN, y) = NaN quantizes
/// to qmax = max(qmax, Q(y)) (docs/Quantization.md). With a dynamic scale
/// a NaN makes the scale NaN and every element decodes to NaN anyway.
template <typename Ops>
typename Ops::F int8Level(Ops &o, typename Ops::F x,
                          const Int8Scale<Ops> &scale, const FormatSpec &spec) {
  auto q = o.roundInt(o.fdiv(x, scale.scale), spec.rounding);
  if (scale.hasZeroPoint)
    q = o.fadd(q, scale.zeroPoint);
  return o.fmax(o.fmin(q, o.cf(int8QMax(spec))), o.cf(int8QMin(spec)));
}

/// The stored byte (two's complement for i8).
template <typename Ops>
typename Ops::I encodeInt8Element(Ops &o, typename Ops::F x,
                                  const Int8Scale<Ops> &scale,
                                  const FormatSpec &spec) {
  return o.band(o.fToSI(int8Level(o, x, scale, spec)), o.c(0xFF));
}

template <typename Ops>
typename Ops::F decodeInt8Element(Ops &o, typename Ops::I code,
                                  const Int8Scale<Ops> &scale,
                                  const FormatSpec &spec) {
  auto q = spec.element == ElementKind::UI8
               ? code
               : o.sel(o.uge(code, o.c(128)), o.sub(code, o.c(256)), code);
  auto qf = o.siToF(q);
  if (scale.hasZeroPoint)
    qf = o.fsub(qf, scale.zeroPoint);
  // Through an integer so that zero is +0.
  qf = o.siToF(o.fToSI(qf));
  return orNaN(o, scale.isNaN, o.fmul(qf, scale.scale));
}

template <typename Ops>
typename Ops::F fakeQuantInt8Element(Ops &o, typename Ops::F x,
                                     const Int8Scale<Ops> &scale,
                                     const FormatSpec &spec) {
  auto q = int8Level(o, x, scale, spec);
  if (scale.hasZeroPoint)
    q = o.fsub(q, scale.zeroPoint);
  q = o.siToF(o.fToSI(q));
  return orNaN(o, scale.isNaN, o.fmul(q, scale.scale));
}

//===----------------------------------------------------------------------===//
// ScalarOps: the policy for plain C++ evaluation.
//===----------------------------------------------------------------------===//

struct ScalarOps {
  using I = int32_t;
  using F = float;
  using B = bool;

  static uint32_t u(I v) { return static_cast<uint32_t>(v); }

  I c(int32_t v) { return v; }
  F cf(float v) { return v; }
  I add(I a, I b) { return static_cast<I>(u(a) + u(b)); }
  I sub(I a, I b) { return static_cast<I>(u(a) - u(b)); }
  I shl(I a, I b) { return static_cast<I>(u(a) << (u(b) & 31)); }
  I lshr(I a, I b) { return static_cast<I>(u(a) >> (u(b) & 31)); }
  I band(I a, I b) { return a & b; }
  I bor(I a, I b) { return a | b; }
  I smax(I a, I b) { return a > b ? a : b; }
  I smin(I a, I b) { return a < b ? a : b; }
  I ctlz(I a) {
    uint32_t v = u(a);
    if (!v)
      return 32;
    return static_cast<I>(__builtin_clz(v));
  }
  B eq(I a, I b) { return a == b; }
  B ne(I a, I b) { return a != b; }
  B slt(I a, I b) { return a < b; }
  B sle(I a, I b) { return a <= b; }
  B sgt(I a, I b) { return a > b; }
  B sge(I a, I b) { return a >= b; }
  B ult(I a, I b) { return u(a) < u(b); }
  B ugt(I a, I b) { return u(a) > u(b); }
  B uge(I a, I b) { return u(a) >= u(b); }
  B bandB(B a, B b) { return a && b; }
  B borB(B a, B b) { return a || b; }
  B notB(B a) { return !a; }
  I sel(B c, I a, I b) { return c ? a : b; }
  F self(B c, F a, F b) { return c ? a : b; }
  F bitsToF(I a) {
    F f;
    std::memcpy(&f, &a, sizeof(f));
    return f;
  }
  I fToBits(F f) {
    I a;
    std::memcpy(&a, &f, sizeof(a));
    return a;
  }
  F siToF(I a) { return static_cast<F>(a); }
  I fToSI(F f) { return static_cast<I>(f); }
  F fmul(F a, F b) { return a * b; }
  F fdiv(F a, F b) { return a / b; }
  F fsub(F a, F b) { return a - b; }
  F fadd(F a, F b) { return a + b; }
  F fma(F a, F b, F c) { return std::fma(a, b, c); }
  F fmin(F a, F b) { return std::fmin(a, b); }
  F fmax(F a, F b) { return std::fmax(a, b); }
  B fune(F a, F b) { return !(a == b); }
  B folt(F a, F b) { return a < b; }
  B foeq(F a, F b) { return a == b; }
  B fisNaNOrInf(F a) { return !std::isfinite(a); }
  F roundInt(F a, Rounding mode) {
    switch (mode) {
    case Rounding::NearestEven:
      return std::nearbyint(a);
    case Rounding::NearestAway:
      return std::round(a);
    case Rounding::TowardZero:
      return std::trunc(a);
    }
    return a;
  }
};

} // namespace mx::numerics

#endif // MX_SUPPORT_NUMERICS_H
