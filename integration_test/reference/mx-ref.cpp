//===- mx-ref.cpp - Independent reference quantizer (test oracle) ---------===//
//
// mx-ref re-implements, slowly and one scalar at a time, the block-scaled
// quantization numerics that /work/shared/reference/numerics.md (sections 1-5)
// defines bit for bit: OCP MX (mxfp8/6/4, mxint8), the two-level shared
// microexponent family (mx9/mx6/mx4 and the general k1/k2/d2/m form), NVFP4
// and symmetric per-tensor INT8.
//
// It is a test oracle. It deliberately shares no code with the rest of the
// project, so a bug in the project's lowering cannot hide in shared code.
//
// Every value is carried as raw IEEE-754 binary32 bits. Exponents come from
// exact integer reasoning on those bits, and all rounding goes through
// llvm::APFloat (convert / roundToIntegral / divide / multiply with an
// explicit rounding mode). No host floating-point arithmetic touches the data,
// so results do not depend on FTZ/DAZ, x87 or fast-math settings.
//
// See README.md in this directory for the CLI and the exact rules.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using llvm::APFloat;
using llvm::APInt;
using llvm::APSInt;
using llvm::fltSemantics;
using RM = llvm::RoundingMode;

namespace {

[[noreturn]] void fatal(const std::string &Msg) {
  std::fprintf(stderr, "mx-ref: error: %s\n", Msg.c_str());
  std::exit(1);
}

//===----------------------------------------------------------------------===//
// binary32 bit helpers and exact APFloat plumbing
//===----------------------------------------------------------------------===//

constexpr uint32_t kNaN = 0x7FC00000u; // every NaN we write
constexpr uint32_t kSign = 0x80000000u;
constexpr RM kRNE = RM::NearestTiesToEven;

uint32_t biasedExp(uint32_t B) { return (B >> 23) & 0xFFu; }
uint32_t fraction(uint32_t B) { return B & 0x7FFFFFu; }
uint32_t magnitude(uint32_t B) { return B & ~kSign; }
bool isNonFinite(uint32_t B) { return biasedExp(B) == 0xFFu; }

const fltSemantics &f32Sem() { return APFloat::IEEEsingle(); }
const fltSemantics &f64Sem() { return APFloat::IEEEdouble(); }

uint32_t bitsOf(float F) {
  uint32_t B;
  std::memcpy(&B, &F, 4);
  return B;
}

// f32 bits -> exact f64 APFloat.
APFloat widen(uint32_t B) {
  APFloat X(f32Sem(), APInt(32, B));
  bool Lost;
  X.convert(f64Sem(), kRNE, &Lost);
  return X;
}

// Any APFloat -> f32 bits, round to nearest even; NaN becomes kNaN.
uint32_t toF32(APFloat X) {
  if (X.isNaN())
    return kNaN;
  bool Lost;
  X.convert(f32Sem(), kRNE, &Lost);
  return static_cast<uint32_t>(X.bitcastToAPInt().getZExtValue());
}

APFloat fromInt(int64_t V) {
  APFloat X(f64Sem());
  X.convertFromAPInt(APInt(64, static_cast<uint64_t>(V), /*isSigned=*/true),
                     /*IsSigned=*/true, kRNE);
  return X;
}

// X must be integral and small.
int64_t toInt(const APFloat &X) {
  APSInt R(64, /*isUnsigned=*/false);
  bool Exact;
  X.convertToInteger(R, RM::TowardZero, &Exact);
  return R.getSExtValue();
}

// |X| > Limit (same semantics, both non-NaN).
bool absGreater(const APFloat &X, const APFloat &Limit) {
  return llvm::abs(X).compare(Limit) == APFloat::cmpGreaterThan;
}

// Exact multiplication by 2^K (f64 has the range for every use here).
APFloat pow2Scale(const APFloat &X, int K) { return llvm::scalbn(X, K, kRNE); }

// One correctly rounded f32 operation (NVFP4 / INT8 spell these out).
uint32_t f32Div(uint32_t A, uint32_t B) {
  APFloat X(f32Sem(), APInt(32, A));
  X.divide(APFloat(f32Sem(), APInt(32, B)), kRNE);
  return toF32(X);
}
uint32_t f32Mul(uint32_t A, uint32_t B) {
  APFloat X(f32Sem(), APInt(32, A));
  X.multiply(APFloat(f32Sem(), APInt(32, B)), kRNE);
  return toF32(X);
}

// floor(log2 |v|) of a nonzero finite magnitude, exact; an f32 subnormal uses
// its true exponent (position of its leading one).
int floorLog2(uint32_t Mag) {
  if (biasedExp(Mag) != 0)
    return static_cast<int>(biasedExp(Mag)) - 127;
  return (31 - llvm::countl_zero(fraction(Mag))) - 149;
}
bool isPowerOfTwo(uint32_t Mag) {
  return biasedExp(Mag) != 0 ? fraction(Mag) == 0
                             : llvm::has_single_bit(fraction(Mag));
}
int ceilLog2(uint32_t Mag) {
  return floorLog2(Mag) + (isPowerOfTwo(Mag) ? 0 : 1);
}

//===----------------------------------------------------------------------===//
// Element formats (numerics.md section 1)
//===----------------------------------------------------------------------===//

struct ElemFormat {
  const char *Short;       // exhaustive name
  const char *Preset;      // --format name
  const fltSemantics *Sem; // nullptr: MXINT8 (i8 with implicit 2^-6)
  unsigned Bits;
  int Emax;
};

const ElemFormat kElemFormats[] = {
    {"e4m3", "mxfp8_e4m3", &APFloat::Float8E4M3FN(), 8, 8},
    {"e5m2", "mxfp8_e5m2", &APFloat::Float8E5M2(), 8, 15},
    {"e3m2", "mxfp6_e3m2", &APFloat::Float6E3M2FN(), 6, 4},
    {"e2m3", "mxfp6_e2m3", &APFloat::Float6E2M3FN(), 6, 2},
    {"e2m1", "mxfp4_e2m1", &APFloat::Float4E2M1FN(), 4, 2},
    {"mxint8", "mxint8", nullptr, 8, 0},
};

const ElemFormat *findElemFormat(const std::string &Name) {
  for (const ElemFormat &F : kElemFormats)
    if (Name == F.Short || Name == F.Preset)
      return &F;
  return nullptr;
}

// Largest finite element magnitude as an exact f64: 448, 57344, 28, 7.5, 6,
// and 127/64 for MXINT8.
APFloat maxNormal(const ElemFormat &F) {
  if (!F.Sem)
    return pow2Scale(fromInt(127), -6);
  APFloat M = APFloat::getLargest(*F.Sem);
  bool Lost;
  M.convert(f64Sem(), kRNE, &Lost);
  return M;
}

// Exact f64 value of an element code (NaN/Inf where the format has them).
// MXINT8 codes are two's complement i8 scaled by 2^-6 (0x80 -> -2.0).
APFloat elementValue(const ElemFormat &F, uint32_t Code) {
  if (!F.Sem)
    return pow2Scale(fromInt(static_cast<int8_t>(static_cast<uint8_t>(Code))),
                     -6);
  APFloat X(*F.Sem, APInt(F.Bits, Code));
  bool Lost;
  X.convert(f64Sem(), kRNE, &Lost);
  return X;
}

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

enum class ScaleRule { Floor, Ceil, RCeil };
enum class Kind { MX, BDR, NVFP4, INT8 };

struct Config {
  Kind K = Kind::MX;
  const ElemFormat *Elem = nullptr; // MX only
  ScaleRule Rule = ScaleRule::Floor;
  RM Mode = kRNE;
  size_t Block = 32;     // MX k, BDR k1, NVFP4 block
  size_t SubBlock = 2;   // BDR k2
  unsigned SubBits = 1;  // BDR d2
  unsigned Mantissa = 7; // BDR m
  // Two-level: a static (calibrated) f32 tensor scale, as raw bits. NVFP4:
  // replaces amax / 2688; MX: the pre-scale (PreScaleDynamic: amax / max).
  bool HasTensorScale = false;
  uint32_t TensorScale = 0;
  bool PreScaleDynamic = false;
};

//===----------------------------------------------------------------------===//
// OCP MX block quantization (numerics.md section 2)
//===----------------------------------------------------------------------===//

// Smallest integer e with amax <= MaxNormal * 2^e, decided by exact compares.
int rceilExponent(uint32_t AmaxMag, const APFloat &MaxN) {
  APFloat A = widen(AmaxMag);
  // MaxN * 2^E < 2^(ilogb(MaxN)+1+E) = 2^floorLog2(amax) <= amax: not yet.
  int E = floorLog2(AmaxMag) - llvm::ilogb(MaxN) - 1;
  while (pow2Scale(MaxN, E).compare(A) == APFloat::cmpLessThan)
    ++E;
  return E;
}

// Shared exponent of a block with finite amax; false means "NaN block".
bool sharedExponent(const Config &C, uint32_t AmaxMag, int &SE) {
  if (AmaxMag == 0) {
    SE = -127; // all-zero block: smallest scale, code 0x00
    return true;
  }
  int X = 0;
  switch (C.Rule) {
  case ScaleRule::Floor:
    X = floorLog2(AmaxMag) - C.Elem->Emax;
    break;
  case ScaleRule::Ceil:
    X = ceilLog2(AmaxMag) - C.Elem->Emax;
    break;
  case ScaleRule::RCeil:
    X = rceilExponent(AmaxMag, maxNormal(*C.Elem));
    break;
  }
  SE = std::max(X, -127);
  return X <= 127;
}

// Element code for V / 2^SE, rounded with C.Mode and saturated.
uint32_t encodeMXElement(const Config &C, uint32_t V, int SE) {
  const ElemFormat &F = *C.Elem;
  APFloat X = pow2Scale(widen(V), -SE); // exact
  if (!F.Sem) {
    X = pow2Scale(X, 6);
    X.roundToIntegral(C.Mode);
    int64_t Q = std::min<int64_t>(std::max<int64_t>(toInt(X), -127), 127);
    return static_cast<uint8_t>(static_cast<int8_t>(Q));
  }
  APFloat MaxN = maxNormal(F);
  if (absGreater(X, MaxN))
    X = APFloat::copySign(MaxN, X); // saturate before rounding (monotone)
  bool Lost;
  X.convert(*F.Sem, C.Mode, &Lost);
  return static_cast<uint32_t>(X.bitcastToAPInt().getZExtValue());
}

// Code * 2^SE as f32, exact (see README for the single overflow edge).
uint32_t decodeMXElement(const ElemFormat &F, uint32_t Code, int SE) {
  return toF32(pow2Scale(elementValue(F, Code), SE));
}

// Quantizes In[0..N); writes element codes and decoded values (either may be
// null) and returns the E8M0 scale code.
uint8_t quantizeMXBlock(const Config &C, const uint32_t *In, size_t N,
                        uint8_t *Codes, uint32_t *Out) {
  uint32_t Amax = 0;
  bool Bad = false;
  for (size_t I = 0; I < N; ++I) {
    Bad |= isNonFinite(In[I]);
    Amax = std::max(Amax, magnitude(In[I])); // integer order == value order
  }
  int SE = 0;
  if (Bad || !sharedExponent(C, Amax, SE)) {
    for (size_t I = 0; I < N; ++I) {
      if (Codes)
        Codes[I] = 0;
      if (Out)
        Out[I] = kNaN;
    }
    return 0xFF;
  }
  for (size_t I = 0; I < N; ++I) {
    uint32_t Code = encodeMXElement(C, In[I], SE);
    if (Codes)
      Codes[I] = static_cast<uint8_t>(Code);
    if (Out)
      Out[I] = decodeMXElement(*C.Elem, Code, SE);
  }
  return static_cast<uint8_t>(SE + 127);
}

//===----------------------------------------------------------------------===//
// Two-level shared microexponents (numerics.md section 3a)
//===----------------------------------------------------------------------===//

void quantizeBDRBlock(const Config &C, const uint32_t *In, size_t N,
                      uint32_t *Out) {
  uint32_t E = 0;
  for (size_t I = 0; I < N; ++I) {
    if (isNonFinite(In[I])) {
      std::fill(Out, Out + N, kNaN);
      return;
    }
    E = std::max(E, biasedExp(In[I]));
  }
  const int M = static_cast<int>(C.Mantissa);
  const int64_t MaxM = (int64_t(1) << M) - 1;
  const uint32_t MaxD = (1u << C.SubBits) - 1;
  for (size_t S = 0; S < N; S += C.SubBlock) {
    size_t End = std::min(N, S + C.SubBlock);
    uint32_t Es = 0;
    for (size_t I = S; I < End; ++I)
      Es = std::max(Es, biasedExp(In[I]));
    const int D = static_cast<int>(std::min(E - Es, MaxD)); // 0 when d2 = 0
    for (size_t I = S; I < End; ++I) {
      const uint32_t Sign = In[I] & kSign;
      const int Ei = static_cast<int>(biasedExp(In[I]));
      int64_t Mi = 0; // zero and f32 subnormals flush to M = 0
      if (Ei != 0) {
        int64_t Sig = fraction(In[I]) | (1u << 23);
        int Shift = static_cast<int>(E) - D - Ei + 23 - M + 1; // >= 0
        APFloat Q = pow2Scale(fromInt(Sig), -Shift);           // exact
        Q.roundToIntegral(C.Mode); // magnitude: sign-magnitude rounding
        Mi = std::min(toInt(Q), MaxM);
      }
      Out[I] = Mi == 0
                   ? Sign
                   : Sign | toF32(pow2Scale(fromInt(Mi), static_cast<int>(E) -
                                                             127 - D + 1 - M));
    }
  }
}

//===----------------------------------------------------------------------===//
// Array container and whole-array drivers
//===----------------------------------------------------------------------===//

struct F32Array {
  std::vector<uint64_t> Shape;
  std::vector<uint32_t> Data; // binary32 bits, C order
};

bool anyNonFinite(const std::vector<uint32_t> &D) {
  return std::any_of(D.begin(), D.end(), isNonFinite);
}

uint32_t amaxOf(const uint32_t *P, size_t N) {
  uint32_t A = 0;
  for (size_t I = 0; I < N; ++I)
    A = std::max(A, magnitude(P[I]));
  return A;
}

// Calls Fn(Offset, Length, FlatBlockIndex) for every block along the last axis.
template <typename FnT>
void forEachBlock(const F32Array &A, size_t K, FnT Fn) {
  const size_t L = A.Shape.back();
  if (L == 0)
    return;
  const size_t Rows = A.Data.size() / L, PerRow = (L + K - 1) / K;
  for (size_t R = 0; R < Rows; ++R)
    for (size_t B = 0; B < PerRow; ++B)
      Fn(R * L + B * K, std::min(K, L - B * K), R * PerRow + B);
}

// NVFP4 (numerics.md 3b): f32 tensor scale over E4M3 block scales.
// The tensor scale s_t: the static one (C.HasTensorScale), else
// f32(amax / (6 * 448)).
uint32_t nvfp4TensorScale(const Config &C, const F32Array &A) {
  return C.HasTensorScale ? C.TensorScale
                          : f32Div(amaxOf(A.Data.data(), A.Data.size()),
                                   bitsOf(2688.0f)); // 6 * 448
}

// Calls Fn(Off, N, Poisoned, Sb, Scale, Q) for every block of A under the
// tensor scale St: Sb the E4M3 block scale as f32 bits, Scale = f32(Sb *
// s_t) (0 when s_t, s_b or their product is zero: the block's elements
// are signed zeros), Q the N element values (E2M1 values with the sign,
// f32 bits; the decoded value is f32(Q * Scale)). With a static tensor
// scale a NaN or Inf poisons only its own block (Poisoned, nothing else
// set), and values beyond 6 * 448 * s_t saturate (the block scale at 448,
// the element at 6). The caller handles non-finite inputs under a dynamic
// tensor scale (every output NaN).
template <typename FnT>
void forEachNVFP4Block(const Config &C, const F32Array &A, uint32_t St,
                       FnT Fn) {
  APFloat Max448 = APFloat::getLargest(APFloat::Float8E4M3FN());
  bool Lost448;
  Max448.convert(f32Sem(), kRNE, &Lost448);
  APFloat Six = APFloat::getLargest(APFloat::Float4E2M1FN());
  Six.convert(f32Sem(), kRNE, &Lost448);
  std::vector<uint32_t> Q;
  forEachBlock(A, C.Block, [&](size_t Off, size_t N, size_t) {
    const uint32_t *In = &A.Data[Off];
    if (C.HasTensorScale && std::any_of(In, In + N, isNonFinite)) {
      Fn(Off, N, true, 0u, 0u, nullptr);
      return;
    }
    uint32_t SbBits = 0, Scale = 0;
    if (St != 0) {
      APFloat Sb(f32Sem(),
                 APInt(32, f32Div(f32Div(amaxOf(In, N), bitsOf(6.0f)), St)));
      if (absGreater(Sb, Max448))
        Sb = Max448; // saturate before rounding
      bool Lost;
      Sb.convert(APFloat::Float8E4M3FN(), kRNE, &Lost); // always ties-to-even
      SbBits = toF32(Sb);
      Scale = Sb.isZero() ? 0 : f32Mul(SbBits, St);
    }
    Q.assign(N, 0);
    for (size_t I = 0; I < N; ++I) {
      if (Scale == 0) { // s_t, s_b or their f32 product is zero
        Q[I] = In[I] & kSign;
        continue;
      }
      APFloat V(f32Sem(), APInt(32, f32Div(In[I], Scale)));
      if (absGreater(V, Six))
        V = APFloat::copySign(Six, V);
      bool Lost;
      V.convert(APFloat::Float4E2M1FN(), C.Mode, &Lost);
      Q[I] = toF32(V);
    }
    Fn(Off, N, false, SbBits, Scale, Q.data());
  });
}

void fakeQuantNVFP4(const Config &C, const F32Array &A,
                    std::vector<uint32_t> &Out) {
  if (!C.HasTensorScale && anyNonFinite(A.Data)) {
    std::fill(Out.begin(), Out.end(), kNaN);
    return;
  }
  forEachNVFP4Block(C, A, nvfp4TensorScale(C, A),
                    [&](size_t Off, size_t N, bool Poisoned, uint32_t,
                        uint32_t Scale, const uint32_t *Q) {
                      for (size_t I = 0; I < N; ++I)
                        Out[Off + I] = Poisoned     ? kNaN
                                       : Scale == 0 ? Q[I]
                                                    : f32Mul(Q[I], Scale);
                    });
}

// Symmetric per-tensor dynamic INT8 (numerics.md section 4).
void fakeQuantINT8(const Config &C, const F32Array &A,
                   std::vector<uint32_t> &Out) {
  if (anyNonFinite(A.Data)) {
    std::fill(Out.begin(), Out.end(), kNaN);
    return;
  }
  const uint32_t Amax = amaxOf(A.Data.data(), A.Data.size());
  uint32_t S = Amax == 0 ? 0 : f32Div(Amax, bitsOf(127.0f));
  if (S == 0) // amax == 0, or amax / 127 underflowed
    S = bitsOf(1.0f);
  for (size_t I = 0; I < A.Data.size(); ++I) {
    APFloat Q(f32Sem(), APInt(32, f32Div(A.Data[I], S)));
    Q.roundToIntegral(C.Mode);
    int64_t Qi = std::min<int64_t>(std::max<int64_t>(toInt(Q), -128), 127);
    Out[I] = f32Mul(toF32(fromInt(Qi)), S); // integer q: -0 decodes to +0
  }
}

// Codes and scale of symmetric INT8 over N elements at stride Stride
// (numerics.md section 4): the same rule as fakeQuantINT8.
uint32_t quantizeINT8(const uint32_t *X, size_t N, size_t Stride,
                      std::vector<int64_t> &Codes) {
  uint32_t Amax = 0;
  for (size_t I = 0; I < N; ++I)
    Amax = std::max(Amax, X[I * Stride] & 0x7FFFFFFFu);
  uint32_t S = Amax == 0 ? 0 : f32Div(Amax, bitsOf(127.0f));
  if (S == 0)
    S = bitsOf(1.0f);
  Codes.resize(N);
  for (size_t I = 0; I < N; ++I) {
    APFloat Q(f32Sem(), APInt(32, f32Div(X[I * Stride], S)));
    Q.roundToIntegral(kRNE);
    Codes[I] = std::min<int64_t>(std::max<int64_t>(toInt(Q), -128), 127);
  }
  return S;
}

// MX with an f32 pre-scale s_t (two-level: f32 tensor scale over E8M0
// block scales). y = f32(x / s_t), a finite x whose quotient overflows
// becoming +-f32 max; the MX rule on y; decoded = f32(decoded(y) * s_t).
// Dynamic s_t = f32(amax / max element) (1 when 0); a NaN or Inf anywhere
// then makes every output NaN.
void fakeQuantPreScaledMX(const Config &C, const F32Array &A,
                          std::vector<uint32_t> &Out) {
  uint32_t St = C.TensorScale;
  if (C.PreScaleDynamic) {
    if (anyNonFinite(A.Data)) {
      std::fill(Out.begin(), Out.end(), kNaN);
      return;
    }
    St =
        f32Div(amaxOf(A.Data.data(), A.Data.size()), toF32(maxNormal(*C.Elem)));
    if (St == 0)
      St = bitsOf(1.0f);
  }
  F32Array Y = A;
  for (uint32_t &V : Y.Data) {
    if (isNonFinite(V))
      continue;
    uint32_t Q = f32Div(V, St);
    if (isNonFinite(Q))
      Q = (Q & kSign) | 0x7F7FFFFFu; // saturate: the largest finite f32
    V = Q;
  }
  forEachBlock(Y, C.Block, [&](size_t Off, size_t N, size_t) {
    quantizeMXBlock(C, &Y.Data[Off], N, nullptr, &Out[Off]);
  });
  for (uint32_t &V : Out)
    V = f32Mul(V, St);
}

// Quantize-dequantize of the whole array.
std::vector<uint32_t> fakeQuant(const Config &C, const F32Array &A) {
  std::vector<uint32_t> Out(A.Data.size());
  switch (C.K) {
  case Kind::MX:
    if (C.HasTensorScale || C.PreScaleDynamic) {
      fakeQuantPreScaledMX(C, A, Out);
      break;
    }
    forEachBlock(A, C.Block, [&](size_t Off, size_t N, size_t) {
      quantizeMXBlock(C, &A.Data[Off], N, nullptr, &Out[Off]);
    });
    break;
  case Kind::BDR:
    forEachBlock(A, C.Block, [&](size_t Off, size_t N, size_t) {
      quantizeBDRBlock(C, &A.Data[Off], N, &Out[Off]);
    });
    break;
  case Kind::NVFP4:
    fakeQuantNVFP4(C, A, Out);
    break;
  case Kind::INT8:
    fakeQuantINT8(C, A, Out);
    break;
  }
  return Out;
}

// MX only: element codes (same shape) and E8M0 scale codes.
void quantizeMX(const Config &C, const F32Array &A, std::vector<uint8_t> &Codes,
                std::vector<uint8_t> &Scales,
                std::vector<uint64_t> &ScaleShape) {
  ScaleShape = A.Shape;
  ScaleShape.back() = (A.Shape.back() + C.Block - 1) / C.Block;
  size_t NumScales = 1;
  for (uint64_t D : ScaleShape)
    NumScales *= D;
  Codes.assign(A.Data.size(), 0);
  Scales.assign(NumScales, 0);
  forEachBlock(A, C.Block, [&](size_t Off, size_t N, size_t Blk) {
    Scales[Blk] = quantizeMXBlock(C, &A.Data[Off], N, &Codes[Off], nullptr);
  });
}

//===----------------------------------------------------------------------===//
// .npy I/O (format versions 1.0 / 2.0 / 3.0; '<f4' in, '<f4' / '|u1' out)
//===----------------------------------------------------------------------===//

class HeaderParser {
  const std::string &S;
  size_t P = 0;

public:
  explicit HeaderParser(const std::string &Header) : S(Header) {}
  void ws() {
    while (P < S.size() && (S[P] == ' ' || S[P] == '\t' || S[P] == '\n'))
      ++P;
  }
  bool eat(char Ch) {
    ws();
    if (P < S.size() && S[P] == Ch) {
      ++P;
      return true;
    }
    return false;
  }
  bool peek(char Ch) {
    ws();
    return P < S.size() && S[P] == Ch;
  }
  bool str(std::string &Out) {
    ws();
    if (P >= S.size() || (S[P] != '\'' && S[P] != '"'))
      return false;
    char Q = S[P++];
    size_t End = S.find(Q, P);
    if (End == std::string::npos)
      return false;
    Out = S.substr(P, End - P);
    P = End + 1;
    return true;
  }
  bool word(const char *W) {
    ws();
    size_t N = std::strlen(W);
    if (S.compare(P, N, W) != 0)
      return false;
    P += N;
    return true;
  }
  bool uint(uint64_t &V) {
    ws();
    if (P >= S.size() || S[P] < '0' || S[P] > '9')
      return false;
    V = 0;
    while (P < S.size() && S[P] >= '0' && S[P] <= '9') {
      if (V > (UINT64_MAX - 9) / 10)
        return false;
      V = V * 10 + static_cast<uint64_t>(S[P++] - '0');
    }
    return true;
  }
};

F32Array readNpyF32(const std::string &Path) {
  std::FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F)
    fatal("cannot open '" + Path + "': " + std::strerror(errno));
  std::vector<unsigned char> Buf;
  unsigned char Chunk[1 << 16];
  size_t Got;
  while ((Got = std::fread(Chunk, 1, sizeof(Chunk), F)) > 0)
    Buf.insert(Buf.end(), Chunk, Chunk + Got);
  bool ReadErr = std::ferror(F) != 0;
  std::fclose(F);
  const std::string Where = "'" + Path + "': ";
  if (ReadErr)
    fatal(Where + "read error");
  if (Buf.size() < 10 || std::memcmp(Buf.data(), "\x93NUMPY", 6) != 0)
    fatal(Where + "not a .npy file (too short or bad magic)");
  const unsigned Major = Buf[6];
  if (Major < 1 || Major > 3)
    fatal(Where + "unsupported .npy version " + std::to_string(Major));
  size_t HeaderLen = Buf[8] | (size_t(Buf[9]) << 8), Start = 10;
  if (Major >= 2) {
    if (Buf.size() < 12)
      fatal(Where + "truncated .npy header");
    HeaderLen |= (size_t(Buf[10]) << 16) | (size_t(Buf[11]) << 24);
    Start = 12;
  }
  if (Buf.size() - Start < HeaderLen)
    fatal(Where + "truncated .npy header");
  const std::string H(Buf.begin() + Start, Buf.begin() + Start + HeaderLen);

  std::string Descr, Key;
  bool HaveDescr = false, HaveOrder = false, HaveShape = false, Fortran = false;
  F32Array A;
  HeaderParser HP(H);
  bool Ok = HP.eat('{');
  while (Ok && !HP.eat('}')) {
    Ok = HP.str(Key) && HP.eat(':');
    if (!Ok)
      break;
    if (Key == "descr") {
      Ok = HP.str(Descr);
      HaveDescr = true;
    } else if (Key == "fortran_order") {
      Fortran = HP.word("True");
      Ok = Fortran || HP.word("False");
      HaveOrder = true;
    } else if (Key == "shape") {
      Ok = HP.eat('(');
      while (Ok && !HP.eat(')')) {
        uint64_t D;
        Ok = HP.uint(D);
        A.Shape.push_back(D);
        if (Ok && !HP.eat(','))
          Ok = HP.peek(')');
      }
      HaveShape = true;
    } else {
      Ok = false;
    }
    if (Ok && !HP.eat(','))
      Ok = HP.peek('}');
  }
  if (!Ok || !HaveDescr || !HaveOrder || !HaveShape)
    fatal(Where + "malformed .npy header");
  if (Descr != "<f4")
    fatal(Where + "unsupported dtype '" + Descr + "' (expected '<f4')");
  if (Fortran)
    fatal(Where + "Fortran-ordered arrays are not supported");
  if (A.Shape.empty())
    fatal(Where + "rank-0 arrays are not supported (need rank >= 1)");
  uint64_t Count = 1;
  for (uint64_t D : A.Shape) {
    if (D != 0 && Count > (uint64_t(1) << 40) / D)
      fatal(Where + "shape too large");
    Count *= D;
  }
  const size_t Avail = Buf.size() - Start - HeaderLen;
  if (Avail < Count * 4)
    fatal(Where + "truncated data (expected " + std::to_string(Count * 4) +
          " bytes, found " + std::to_string(Avail) + ")");
  if (Avail > Count * 4)
    fatal(Where + "unexpected trailing bytes after the array data");
  A.Data.resize(Count);
  const unsigned char *D = Buf.data() + Start + HeaderLen;
  for (size_t I = 0; I < Count; ++I)
    A.Data[I] = uint32_t(D[4 * I]) | uint32_t(D[4 * I + 1]) << 8 |
                uint32_t(D[4 * I + 2]) << 16 | uint32_t(D[4 * I + 3]) << 24;
  return A;
}

void writeNpy(const std::string &Path, const char *Descr,
              const std::vector<uint64_t> &Shape,
              const std::vector<unsigned char> &Bytes) {
  std::string H = std::string("{'descr': '") + Descr +
                  "', 'fortran_order': False, 'shape': (";
  for (size_t I = 0; I < Shape.size(); ++I)
    H += (I ? ", " : "") + std::to_string(Shape[I]);
  H += Shape.size() == 1 ? ",), }" : "), }";
  H.append(63 - (10 + H.size()) % 64, ' '); // total header multiple of 64
  H += '\n';
  std::string Pre("\x93NUMPY\x01\x00", 8);
  Pre += static_cast<char>(H.size() & 0xFF);
  Pre += static_cast<char>(H.size() >> 8);
  std::FILE *F = std::fopen(Path.c_str(), "wb");
  if (!F)
    fatal("cannot create '" + Path + "': " + std::strerror(errno));
  bool Ok = std::fwrite(Pre.data(), 1, Pre.size(), F) == Pre.size() &&
            std::fwrite(H.data(), 1, H.size(), F) == H.size() &&
            std::fwrite(Bytes.data(), 1, Bytes.size(), F) == Bytes.size();
  Ok &= std::fclose(F) == 0;
  if (!Ok)
    fatal("write error on '" + Path + "'");
}

void writeNpyF32(const std::string &Path, const std::vector<uint64_t> &Shape,
                 const std::vector<uint32_t> &Data) {
  std::vector<unsigned char> Bytes(Data.size() * 4);
  for (size_t I = 0; I < Data.size(); ++I)
    for (unsigned J = 0; J < 4; ++J)
      Bytes[4 * I + J] = static_cast<unsigned char>(Data[I] >> (8 * J));
  writeNpy(Path, "<f4", Shape, Bytes);
}

void writeNpyU8(const std::string &Path, const std::vector<uint64_t> &Shape,
                const std::vector<uint8_t> &Data) {
  writeNpy(Path, "|u1", Shape,
           std::vector<unsigned char>(Data.begin(), Data.end()));
}

//===----------------------------------------------------------------------===//
// gen-vectors: deterministic adversarial test data
//===----------------------------------------------------------------------===//

struct SplitMix64 {
  uint64_t State;
  uint64_t next() {
    uint64_t Z = (State += 0x9E3779B97F4A7C15ull);
    Z = (Z ^ (Z >> 30)) * 0xBF58476D1CE4E5B9ull;
    Z = (Z ^ (Z >> 27)) * 0x94D049BB133111EBull;
    return Z ^ (Z >> 31);
  }
  uint64_t below(uint64_t N) { return next() % N; }
  int range(int Lo, int Hi) { // inclusive
    return Lo + static_cast<int>(below(static_cast<uint64_t>(Hi - Lo + 1)));
  }
  uint32_t sign() { return (next() & 1) ? kSign : 0; }
};

constexpr size_t kGenBlock = 32;
constexpr unsigned kRowKinds = 12;

// Exact 2^K as f32 bits for K in [-149, 128] (K = 128 yields +Inf bits, so
// pow2Bits(K) - 1 is nextafter(2^K, 0) for every K in [-148, 128]).
uint32_t pow2Bits(int K) {
  if (K >= -126)
    return static_cast<uint32_t>(K + 127) << 23;
  return 1u << (K + 149);
}

// Random value (1 + f) * 2^K, K clamped into f32's range, random sign.
uint32_t randomWithExp(SplitMix64 &R, int K) {
  K = std::min(std::max(K, -149), 127);
  uint32_t Frac = static_cast<uint32_t>(R.next()) & 0x7FFFFFu;
  if (K >= -126)
    return R.sign() | static_cast<uint32_t>(K + 127) << 23 | Frac;
  return R.sign() | toF32(pow2Scale(fromInt(Frac | (1u << 23)), K - 23));
}

// Positive finite element grid (0 included), ascending, as exact f64.
std::vector<APFloat> positiveGrid(const ElemFormat &F) {
  std::vector<APFloat> G;
  for (uint32_t Code = 0; Code < (1u << (F.Bits - 1)); ++Code) {
    APFloat V = elementValue(F, Code);
    if (V.isFinite())
      G.push_back(V);
  }
  return G;
}

APFloat midpoint(APFloat A, const APFloat &B) {
  A.add(B, kRNE); // exact in f64 for these tiny grids
  return pow2Scale(A, -1);
}

// Element-grid ties at shared exponent X (floor rule): one block max
// {1, 1.5} * 2^(emax + X), the rest halfway between adjacent grid points,
// sometimes exact grid points or saturating values.
void genTies(SplitMix64 &R, uint32_t *Out, size_t N, const ElemFormat &F) {
  int Choice = R.range(0, 3);
  int X = Choice == 0   ? R.range(-127, -120)
          : Choice == 1 ? R.range(-4, 4)
                        : R.range(-127, 126 - F.Emax);
  std::vector<APFloat> G = positiveGrid(F);
  for (size_t I = 0; I < N; ++I) {
    const int Pick = R.range(0, 15);
    const size_t Idx = R.below(G.size() - 1);
    const APFloat V =
        Pick == 0   ? G[Idx + 1] // exact grid point
        : Pick == 1 ? midpoint(G.back(), pow2Scale(fromInt(2), F.Emax)) // sat.
                    : midpoint(G[Idx], G[Idx + 1]);                     // tie
    Out[I] = R.sign() | toF32(pow2Scale(V, X));
  }
  APFloat Max = pow2Scale(R.range(0, 1) ? fromInt(3) : fromInt(2), F.Emax - 1);
  Out[R.below(N)] = R.sign() | toF32(pow2Scale(Max, X));
}

// Saturation boundaries: block max slightly above max normal (in the scaled
// domain) times 2^X, or the literal worked values of numerics.md.
void genSaturation(SplitMix64 &R, uint32_t *Out, size_t N, const ElemFormat &F,
                   bool Literal) {
  static const float kLiteral[] = {957.0f, 127.9999f, 31.0f, 7.9f, 7.0f, 1.99f};
  const int X = R.range(-100, 100);
  for (size_t I = 0; I < N; ++I)
    Out[I] = randomWithExp(R, F.Emax + X - R.range(0, 6));
  std::vector<APFloat> G = positiveGrid(F);
  APFloat Top = pow2Scale(fromInt(2), F.Emax); // 2^(emax + 1)
  APFloat Step = G.back();
  Step.subtract(G[G.size() - 2], kRNE);
  APFloat BeyondTie = G.back(); // max normal + half a top step: a "tie"
  BeyondTie.add(pow2Scale(Step, -1), kRNE);
  const APFloat Cands[] = {G.back(), midpoint(G.back(), Top),
                           widen(pow2Bits(F.Emax + 1) - 1), BeyondTie};
  uint32_t Max = toF32(pow2Scale(Cands[R.below(4)], X));
  if (Literal)
    Max = bitsOf(kLiteral[&F - kElemFormats]);
  Out[R.below(N)] = R.sign() | Max;
}

void genRow(uint64_t Seed, uint64_t Row, bool Finite, uint32_t *Out, size_t C) {
  SplitMix64 R{Seed * 0x9E3779B97F4A7C15ull ^
               (Row + 1) * 0xD1B54A32D192ED03ull};
  unsigned Type = static_cast<unsigned>(Row % kRowKinds);
  if (Finite && Type == 11)
    Type = 1;
  const size_t NumFormats = sizeof(kElemFormats) / sizeof(kElemFormats[0]);
  const size_t BlocksPerRow = (C + kGenBlock - 1) / kGenBlock;
  for (size_t B = 0; B * kGenBlock < C; ++B) {
    uint32_t *P = Out + B * kGenBlock;
    const size_t N = std::min(kGenBlock, C - B * kGenBlock);
    // Tie / saturation rows cycle through the element formats, continuing
    // from one row of the same kind to the next.
    const ElemFormat &F =
        kElemFormats[(B + Row / kRowKinds * BlocksPerRow) % NumFormats];
    const int Center = R.range(-30, 30);
    switch (Type) {
    case 0: // whole f32 range, subnormals included
      for (size_t I = 0; I < N; ++I)
        P[I] = R.sign() | static_cast<uint32_t>(R.range(0, 254)) << 23 |
               (static_cast<uint32_t>(R.next()) & 0x7FFFFFu);
      break;
    case 1: // narrow range around a per-block center
      for (size_t I = 0; I < N; ++I)
        P[I] = randomWithExp(R, Center - R.range(0, 4));
      break;
    case 2:
      genTies(R, P, N, F);
      break;
    case 3: // f32 subnormals
      for (size_t I = 0; I < N; ++I) {
        uint32_t Frac = static_cast<uint32_t>(R.next()) & 0x7FFFFFu;
        switch (B % 4) {
        case 0:
          P[I] = R.sign() | Frac;
          break;
        case 1:
          P[I] = R.range(0, 1) ? R.sign() | Frac
                               : randomWithExp(R, R.range(-126, -118));
          break;
        case 2:
          P[I] = I == 0 ? 1u : (I == N / 2 ? 0x007FFFFFu : 0u);
          break;
        default: {
          uint32_t Pow = 1u << R.range(1, 22);
          P[I] = R.sign() | (R.range(0, 1) ? Pow : Pow - 1);
        }
        }
      }
      break;
    case 4: // zero blocks: +0, -0, mixed, zeros with one tiny value
      for (size_t I = 0; I < N; ++I)
        P[I] = B % 4 == 1 ? kSign : (B % 4 == 2 ? R.sign() : 0);
      if (B % 4 == 3)
        P[R.below(N)] = randomWithExp(R, R.range(-140, -60));
      break;
    case 5: // one huge outlier
      for (size_t I = 0; I < N; ++I)
        P[I] = randomWithExp(R, Center - R.range(0, 3));
      P[R.below(N)] = randomWithExp(R, Center + R.range(8, 90));
      break;
    case 6: { // just below powers of two (1.9073485e-06 < 2^-19 in block 0)
      int K0 = B == 0 ? -19 : R.range(-148, 128);
      for (size_t I = 0; I < N; ++I) {
        int K = std::max(-148, K0 - R.range(1, 12));
        P[I] = R.sign() | (R.range(0, 2) ? pow2Bits(K) - 1 : pow2Bits(K));
      }
      P[R.below(N)] = R.sign() | (pow2Bits(K0) - 1);
      break;
    }
    case 7:
      genSaturation(R, P, N, F, B % 8 == 0);
      break;
    case 8: // signed zeros and negatives that round to zero
      for (size_t I = 0; I < N; ++I) {
        int Pick = R.range(0, 3);
        P[I] =
            Pick == 0 ? kSign
            : Pick == 1
                ? 0
                : kSign | magnitude(randomWithExp(R, Center - R.range(4, 40)));
      }
      P[R.below(N)] = randomWithExp(R, Center);
      break;
    case 9: // huge magnitudes up to f32 max
      for (size_t I = 0; I < N; ++I)
        P[I] = randomWithExp(R, R.range(100, 127));
      P[R.below(N)] = R.sign() | (B % 2 ? 0x7F7FFFFFu : pow2Bits(127));
      break;
    case 10: { // narrow blocks sweeping the whole exponent range
      int K = -149 + static_cast<int>((B * 37 + Row) % 277);
      for (size_t I = 0; I < N; ++I)
        P[I] = randomWithExp(R, K - R.range(0, 6));
      break;
    }
    default: { // 11: NaN / +Inf / -Inf blocks next to clean ones
      // Block b: b%4 == 0 NaN (0x7FC00000, or 0xFFC00001 when b%8 == 4),
      // 1 +Inf, 2 -Inf, 3 clean.
      static const uint32_t kSpecial[] = {kNaN, 0x7F800000u, 0xFF800000u};
      for (size_t I = 0; I < N; ++I)
        P[I] = randomWithExp(R, Center - R.range(0, 4));
      if (B % 4 != 3)
        P[R.below(N)] = B % 8 == 4 ? 0xFFC00001u : kSpecial[B % 4];
      break;
    }
    }
  }
}

//===----------------------------------------------------------------------===//
// self-test: numerics.md worked vectors and hand-computed cases
//===----------------------------------------------------------------------===//

struct SelfTest {
  int Checks = 0, Failures = 0;

  void expect(const std::string &Name, const std::vector<uint32_t> &Got,
              const std::vector<float> &Want) {
    ++Checks;
    bool Ok = Got.size() == Want.size();
    for (size_t I = 0; Ok && I < Got.size(); ++I)
      Ok = Got[I] == (std::isnan(Want[I]) ? kNaN : bitsOf(Want[I]));
    if (Ok)
      return;
    ++Failures;
    std::fprintf(stderr, "FAIL %s:\n  got ", Name.c_str());
    for (uint32_t B : Got) {
      float F;
      std::memcpy(&F, &B, 4);
      std::fprintf(stderr, " %.9g(0x%08x)", static_cast<double>(F), B);
    }
    std::fprintf(stderr, "\n  want");
    for (float W : Want)
      std::fprintf(stderr, " %.9g", static_cast<double>(W));
    std::fprintf(stderr, "\n");
  }

  void expectInt(const std::string &Name, long Got, long Want) {
    ++Checks;
    if (Got == Want)
      return;
    ++Failures;
    std::fprintf(stderr, "FAIL %s: got %ld want %ld\n", Name.c_str(), Got,
                 Want);
  }
};

F32Array vec(const std::vector<float> &V) {
  F32Array A;
  A.Shape = {V.size()};
  for (float F : V)
    A.Data.push_back(bitsOf(F));
  return A;
}

Config mxConfig(const char *Name, ScaleRule Rule = ScaleRule::Floor,
                RM Mode = kRNE) {
  Config C;
  C.Elem = findElemFormat(Name);
  C.Rule = Rule;
  C.Mode = Mode;
  return C;
}

Config bdrConfig(unsigned M, RM Mode = kRNE, unsigned SubBits = 1) {
  Config C;
  C.K = Kind::BDR;
  C.Block = 16;
  C.Mantissa = M;
  C.Mode = Mode;
  C.SubBits = SubBits;
  return C;
}

Config kindConfig(Kind K, RM Mode = kRNE) {
  Config C;
  C.K = K;
  C.Block = 16;
  C.Mode = Mode;
  return C;
}

int runSelfTest() {
  SelfTest T;
  const float NaN = std::numeric_limits<float>::quiet_NaN();
  const float Inf = std::numeric_limits<float>::infinity();
  const RM Away = RM::NearestTiesToAway, Zero = RM::TowardZero;
  auto FQ = [](const Config &C, const std::vector<float> &V) {
    return fakeQuant(C, vec(V));
  };
  auto Scale = [](const Config &C, const std::vector<float> &V) {
    std::vector<uint8_t> Codes, Scales;
    std::vector<uint64_t> Shape;
    quantizeMX(C, vec(V), Codes, Scales, Shape);
    return static_cast<long>(Scales[0]);
  };
  auto Codes = [](const Config &C, const std::vector<float> &V) {
    std::vector<uint8_t> Cs, Scales;
    std::vector<uint64_t> Shape;
    quantizeMX(C, vec(V), Cs, Scales, Shape);
    return std::vector<long>(Cs.begin(), Cs.end());
  };

  // Format table sanity: max normal and emax agree with the fltSemantics.
  const float MaxN[] = {448.0f, 57344.0f, 28.0f, 7.5f, 6.0f, 1.984375f};
  for (const ElemFormat &F : kElemFormats) {
    T.expect(std::string("max normal ") + F.Short, {toF32(maxNormal(F))},
             {MaxN[&F - kElemFormats]});
    T.expectInt(std::string("emax ") + F.Short, llvm::ilogb(maxNormal(F)),
                F.Emax);
  }

  // numerics.md section 2 worked vectors.
  Config E4 = mxConfig("e4m3"), E5 = mxConfig("e5m2"), E2 = mxConfig("e2m1");
  T.expect("e4m3 floor 957", FQ(E4, {957}), {896});
  T.expectInt("e4m3 floor 957 scale", Scale(E4, {957}), 128);
  T.expectInt("e4m3 floor 957 code", Codes(E4, {957})[0], 0x7E);
  T.expect("e4m3 rceil 957", FQ(mxConfig("e4m3", ScaleRule::RCeil), {957}),
           {960});
  T.expectInt("e4m3 rceil 957 scale",
              Scale(mxConfig("e4m3", ScaleRule::RCeil), {957}), 129);
  T.expect("e5m2 127.9999", FQ(E5, {127.9999f}), {112});
  T.expectInt("e5m2 127.9999 scale", Scale(E5, {127.9999f}), 118);
  T.expect("e2m1 floor 7", FQ(E2, {7}), {6});
  T.expect("e2m1 rceil 7", FQ(mxConfig("e2m1", ScaleRule::RCeil), {7}), {8});
  T.expect("e2m1 ceil 7", FQ(mxConfig("e2m1", ScaleRule::Ceil), {7}), {8});
  T.expect("e2m1 ties even", FQ(E2, {1.25f, 2.5f, 5, -1.25f, -2.5f, -5}),
           {1, 2, 4, -1, -2, -4});
  T.expect("e2m1 ties away",
           FQ(mxConfig("e2m1", ScaleRule::Floor, Away), {1.25f, 2.5f, 5, -5}),
           {1.5f, 3, 6, -6});
  T.expect(
      "e2m1 toward zero",
      FQ(mxConfig("e2m1", ScaleRule::Floor, Zero), {1.25f, 2.9f, 5.9f, -5.9f}),
      {1, 2, 4, -4});
  T.expect("e2m1 [0.125,0.25,0.5,8]", FQ(E2, {0.125f, 0.25f, 0.5f, 8}),
           {0, 0, 0, 8});
  T.expectInt("e2m1 [0.125,0.25,0.5,8] scale",
              Scale(E2, {0.125f, 0.25f, 0.5f, 8}), 128);
  T.expect("e2m1 negative -> -0", FQ(E2, {-0.125f, 8}), {-0.0f, 8});
  T.expectInt("e2m1 -0 code", Codes(E2, {-0.125f, 8})[0], 0x8);
  T.expectInt("e2m1 4 code", Codes(E2, {-0.125f, 8})[1], 0x6);
  T.expect("mxint8 basic",
           FQ(mxConfig("mxint8"), {1, -0.001f, 0.0078125f, 1.999f, -1.999f}),
           {1, 0, 0, 1.984375f, -1.984375f});
  T.expect("mxint8 away",
           FQ(mxConfig("mxint8", ScaleRule::Floor, Away), {1, 0.0078125f}),
           {1, 0.015625f});
  T.expectInt("mxint8 -1 code", Codes(mxConfig("mxint8"), {-1})[0], 0xC0);
  // amax just below 2^-19: floor is -20, never -19.
  T.expectInt("floor below 2^-19 scale", Scale(E4, {1.9073485e-06f}),
              -28 + 127);
  T.expect("floor below 2^-19", FQ(E4, {1.9073485e-06f}),
           {1.6689300537109375e-06f});
  T.expectInt("ceil at 2^-19 scale",
              Scale(mxConfig("e4m3", ScaleRule::Ceil), {0x1p-19f}), -27 + 127);
  // Zero, NaN, Inf blocks; clamping; f32 subnormals.
  T.expect("zero block", FQ(E4, {0.0f, -0.0f}), {0.0f, -0.0f});
  T.expectInt("zero block scale", Scale(E4, {0.0f, -0.0f}), 0);
  T.expect("NaN block", FQ(E4, {1, NaN}), {NaN, NaN});
  T.expectInt("NaN block scale", Scale(E4, {1, NaN}), 0xFF);
  T.expect("Inf block", FQ(E5, {1, -Inf}), {NaN, NaN});
  T.expect("clamp -127 flushes", FQ(E4, {0x1p-149f}), {0});
  T.expect("clamp -127 subnormal exact", FQ(E5, {0x1p-130f, 0x1.8p-140f}),
           {0x1p-130f, 0x1.8p-140f});
  T.expect("mxint8 ceil > 127 is NaN",
           FQ(mxConfig("mxint8", ScaleRule::Ceil), {3e38f}), {NaN});
  T.expect("mxint8 floor 127 ok", FQ(mxConfig("mxint8"), {0x1p127f}),
           {0x1p127f});
  T.expect("subnormal amax", FQ(E4, {0x1.8p-130f}), {0x1.8p-130f});
  // Partial last block gets its own scale.
  {
    std::vector<float> V(33, 1.0f);
    V[0] = 1000;   // se 1: 500 saturates to 448
    V[32] = 0.01f; // own block: se -15, 327.68 -> 320
    std::vector<float> Want(33, 1.0f);
    Want[0] = 896;
    Want[32] = 0x1.4p-7f;
    T.expect("partial block", FQ(E4, V), Want);
  }
  // Element decode tables.
  std::vector<uint32_t> Tab;
  for (uint32_t C = 0; C < 16; ++C)
    Tab.push_back(toF32(elementValue(kElemFormats[4], C)));
  T.expect(
      "e2m1 table", Tab,
      {0, 0.5f, 1, 1.5f, 2, 3, 4, 6, -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6});
  T.expect("e4m3 codes",
           {toF32(elementValue(kElemFormats[0], 0x7E)),
            toF32(elementValue(kElemFormats[0], 0x7F)),
            toF32(elementValue(kElemFormats[0], 0x01))},
           {448, NaN, 0x1p-9f});
  T.expect("e5m2 codes",
           {toF32(elementValue(kElemFormats[1], 0x7B)),
            toF32(elementValue(kElemFormats[1], 0x7C)),
            toF32(elementValue(kElemFormats[1], 0x01))},
           {57344, Inf, 0x1p-16f});

  // Two-level microexponents (hand computed from numerics.md 3a).
  T.expect("mx9 ties even", FQ(bdrConfig(7), {1, 1 + 0x1p-7f}), {1, 1});
  T.expect("mx9 ties away", FQ(bdrConfig(7, Away), {1, 1 + 0x1p-7f}),
           {1, 1.015625f});
  T.expect("mx9 microexponent", FQ(bdrConfig(7), {1, 0.5f, 0.25f, 0.21f}),
           {1, 0.5f, 0.25f, 0.2109375f});
  T.expect("mx9 d2=0", FQ(bdrConfig(7, kRNE, 0), {1, 0.5f, 0.25f, 0.21f}),
           {1, 0.5f, 0.25f, 0.203125f});
  T.expect("mx4", FQ(bdrConfig(2), {1, 0.75f, 0.3f, -0.2f, 1.9f}),
           {1, 1, 0.25f, -0.25f, 1.5f});
  T.expect("mx9 large shift",
           FQ(bdrConfig(7), {0x1p100f, -0x1p-100f, 0x1p-140f}),
           {0x1p100f, -0.0f, 0});
  T.expect("mx6 NaN block", FQ(bdrConfig(4), {1, Inf}), {NaN, NaN});

  // NVFP4: amax 2688 -> s_t = 1; block scales 448 and 0.5.
  {
    std::vector<float> V(32, 0.0f), W(32, 0.0f);
    V[0] = 2688;
    W[0] = 2688;
    V[1] = 560;
    W[1] = 448; // 1.25 -> 1
    V[2] = -1;
    W[2] = -0.0f;
    V[16] = 3;
    W[16] = 3;
    V[17] = 1.25f;
    W[17] = 1; // 2.5 -> 2
    T.expect("nvfp4", FQ(kindConfig(Kind::NVFP4), V), W);
    W[1] = 672;
    W[17] = 1.5f;
    T.expect("nvfp4 away", FQ(kindConfig(Kind::NVFP4, Away), V), W);
    T.expect("nvfp4 zero tensor", FQ(kindConfig(Kind::NVFP4), {0, -0.0f}),
             {0, -0.0f});
  }
  // INT8 per-tensor.
  const std::vector<float> I8 = {127, 0.5f, -0.4f, 1.5f, -2.5f};
  T.expect("int8 even", FQ(kindConfig(Kind::INT8), I8), {127, 0, 0, 2, -2});
  T.expect("int8 away", FQ(kindConfig(Kind::INT8, Away), I8),
           {127, 1, 0, 2, -3});
  T.expect("int8 zero", FQ(kindConfig(Kind::INT8, Zero), I8),
           {127, 0, 0, 1, -2});
  T.expect("int8 scale 2", FQ(kindConfig(Kind::INT8), {254, 1, 3}),
           {254, 0, 4});
  T.expect("int8 NaN", FQ(kindConfig(Kind::INT8), {1, NaN}), {NaN, NaN});

  std::printf("self-test: %d checks, %d failures\n", T.Checks, T.Failures);
  return T.Failures ? 1 : 0;
}

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

const char *kUsage =
    "usage:\n"
    "  mx-ref fake-quant --format NAME [opts] IN.npy OUT.npy\n"
    "  mx-ref quantize   --format NAME [opts] [--packed] IN.npy CODES.npy "
    "SCALES.npy\n"
    "  mx-ref gen-vectors OUT.npy --rows R --cols C [--seed S] [--finite]\n"
    "                     [--gaussian [--scale-exp E]]   (standard normal\n"
    "                     data instead of the adversarial rows, times\n"
    "                     2^(E - 150) with E in [0, 300])\n"
    "  mx-ref gen-nvfp4 OUT.npy --rows R --blocks B --amax-exp E [--seed S]\n"
    "                     (NVFP4 rounding-boundary data, tensor maximum\n"
    "                     1.5 * 2^(E - 127))\n"
    "  mx-ref exhaustive FORMAT OUT.npy   (e4m3 e5m2 e3m2 e2m3 e2m1 mxint8)\n"
    "  mx-ref self-test\n"
    "  mx-ref int8-matmul A.npy B.npy OUT.npy   (exact INT8 matmul: A per\n"
    "                     tensor, B per column; i64 sums times both scales)\n"
    "  mx-ref block-matmul --format F A.npy B.npy OUT.npy   (MX or nvfp4\n"
    "                     matmul, blocks along K: exact block sums, summed\n"
    "                     in f32 in block order; nvfp4: then times the two\n"
    "                     tensor scales in f64)\n"
    "  mx-ref compare GOT.npy WANT.npy [--ulps N] [--inf-as-nan]\n"
    "                 (NaN matches NaN; with --inf-as-nan, an Inf wanted\n"
    "                 matches a NaN got: an Inf makes its block NaN)\n"
    "  mx-ref print FILE.npy   (one value per line)\n"
    "  mx-ref emit-resource FILE.npy NAME   (an MLIR dense_resource blob)\n"
    "formats: mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1 mxint8\n"
    "         mx9 mx6 mx4 nvfp4 int8\n"
    "opts: --rounding even|away|zero  --scale-rule floor|ceil|rceil (MX)\n"
    "      --block N  --sub-block K2 --sub-bits D2 --mantissa M (mx9/6/4)\n"
    "      --tensor-scale S (nvfp4: static f32 tensor scale; fake-quant)\n"
    "      --pre-scale S|dynamic (MX: f32 pre-scale; fake-quant)\n";

struct Options {
  std::vector<std::string> Positional;
  std::vector<std::pair<std::string, std::string>> Named;
  bool Finite = false;

  const std::string *get(const char *Name) const {
    const std::string *V = nullptr;
    for (const auto &P : Named)
      if (P.first == Name)
        V = &P.second;
    return V;
  }
};

Options parseOptions(int Argc, char **Argv,
                     const std::vector<std::string> &Allowed) {
  Options O;
  for (int I = 2; I < Argc; ++I) {
    std::string A = Argv[I];
    if (A.size() < 3 || A.compare(0, 2, "--") != 0) {
      O.Positional.push_back(A);
      continue;
    }
    std::string Name = A.substr(2), Value;
    size_t Eq = Name.find('=');
    if (Eq != std::string::npos) {
      Value = Name.substr(Eq + 1);
      Name.resize(Eq);
    }
    if (std::find(Allowed.begin(), Allowed.end(), Name) == Allowed.end())
      fatal("unknown or inapplicable option '--" + Name + "' for '" + Argv[1] +
            "'");
    if (Name == "finite") {
      O.Finite = true;
      continue;
    }
    if (Name == "inf-as-nan" || Name == "packed" ||
        Name == "gaussian") { // Flags.
      O.Named.emplace_back(Name, "1");
      continue;
    }
    if (Eq == std::string::npos) {
      if (I + 1 >= Argc)
        fatal("option '--" + Name + "' needs a value");
      Value = Argv[++I];
    }
    O.Named.emplace_back(Name, Value);
  }
  return O;
}

uint64_t parseUInt(const std::string &Opt, const std::string &S, uint64_t Lo,
                   uint64_t Hi) {
  char *End = nullptr;
  errno = 0;
  unsigned long long V = std::strtoull(S.c_str(), &End, 0);
  if (S.empty() || S[0] == '-' || *End != '\0' || errno != 0 || V < Lo ||
      V > Hi)
    fatal("invalid value '" + S + "' for --" + Opt + " (expected " +
          std::to_string(Lo) + ".." + std::to_string(Hi) + ")");
  return V;
}

Config buildConfig(const Options &O) {
  const std::string *Fmt = O.get("format");
  if (!Fmt)
    fatal("missing --format");
  Config C;
  const std::string &N = *Fmt;
  if (const ElemFormat *F = findElemFormat(N); F && N == F->Preset) {
    C.K = Kind::MX;
    C.Elem = F;
  } else if (N == "mx9" || N == "mx6" || N == "mx4") {
    C.K = Kind::BDR;
    C.Block = 16;
    C.Mantissa = N == "mx9" ? 7 : (N == "mx6" ? 4 : 2);
  } else if (N == "nvfp4") {
    C.K = Kind::NVFP4;
    C.Block = 16;
  } else if (N == "int8") {
    C.K = Kind::INT8;
  } else {
    fatal("unknown format '" + N + "'");
  }
  if (const std::string *R = O.get("rounding")) {
    if (*R == "even")
      C.Mode = RM::NearestTiesToEven;
    else if (*R == "away")
      C.Mode = RM::NearestTiesToAway;
    else if (*R == "zero")
      C.Mode = RM::TowardZero;
    else
      fatal("invalid --rounding '" + *R + "' (even|away|zero)");
  }
  auto Reject = [&](const char *Opt, bool Bad) {
    if (Bad && O.get(Opt))
      fatal("option --" + std::string(Opt) + " does not apply to format '" + N +
            "'");
  };
  Reject("scale-rule", C.K != Kind::MX);
  Reject("block", C.K == Kind::INT8);
  for (const char *Opt : {"sub-block", "sub-bits", "mantissa"})
    Reject(Opt, C.K != Kind::BDR);
  if (const std::string *S = O.get("scale-rule")) {
    if (*S == "floor")
      C.Rule = ScaleRule::Floor;
    else if (*S == "ceil")
      C.Rule = ScaleRule::Ceil;
    else if (*S == "rceil")
      C.Rule = ScaleRule::RCeil;
    else
      fatal("invalid --scale-rule '" + *S + "' (floor|ceil|rceil)");
  }
  if (const std::string *S = O.get("block"))
    C.Block = parseUInt("block", *S, 1, 1u << 24);
  if (const std::string *S = O.get("sub-block"))
    C.SubBlock = parseUInt("sub-block", *S, 1, 1u << 24);
  if (const std::string *S = O.get("sub-bits"))
    C.SubBits = static_cast<unsigned>(parseUInt("sub-bits", *S, 0, 8));
  if (const std::string *S = O.get("mantissa"))
    C.Mantissa = static_cast<unsigned>(parseUInt("mantissa", *S, 1, 24));
  Reject("tensor-scale", C.K != Kind::NVFP4);
  Reject("pre-scale", C.K != Kind::MX);
  const std::string *TS = O.get("tensor-scale");
  if (!TS)
    TS = O.get("pre-scale");
  if (TS && *TS == "dynamic" && C.K == Kind::MX) {
    C.PreScaleDynamic = true;
  } else if (TS) {
    // A positive finite f32: a decimal number, or its bits as 0xXXXXXXXX.
    uint32_t Bits = 0;
    if (TS->size() == 10 && TS->compare(0, 2, "0x") == 0) {
      Bits =
          static_cast<uint32_t>(parseUInt("tensor-scale", *TS, 1, 0xFFFFFFFFu));
    } else {
      APFloat V(f32Sem());
      auto St = V.convertFromString(*TS, kRNE);
      if (!St) {
        llvm::consumeError(St.takeError());
        fatal("invalid tensor scale '" + *TS + "'");
      }
      Bits = toF32(V);
    }
    if (isNonFinite(Bits) || (Bits & kSign) || magnitude(Bits) == 0)
      fatal("the tensor scale must be a positive finite f32, got '" + *TS +
            "'");
    C.HasTensorScale = true;
    C.TensorScale = Bits;
  }
  return C;
}

void expectPositional(const Options &O, size_t N, const char *What) {
  if (O.Positional.size() != N)
    fatal(std::string("expected ") + What + " (see --help)");
}

int cmdFakeQuant(int Argc, char **Argv) {
  Options O =
      parseOptions(Argc, Argv,
                   {"format", "rounding", "scale-rule", "block", "sub-block",
                    "sub-bits", "mantissa", "tensor-scale", "pre-scale"});
  expectPositional(O, 2, "IN.npy OUT.npy");
  Config C = buildConfig(O);
  F32Array A = readNpyF32(O.Positional[0]);
  writeNpyF32(O.Positional[1], A.Shape, fakeQuant(C, A));
  return 0;
}

// Packs one code per byte along the last axis (numerics.md section 5): 4-bit
// codes two per byte (element 2i in the low nibble), 6-bit codes four per
// three bytes (element j at bits [6j, 6j+6) of a little-endian 24-bit word),
// 8-bit codes unchanged. Rows are padded to whole bytes / groups.
std::vector<uint8_t> packCodes(const std::vector<uint8_t> &Codes,
                               std::vector<uint64_t> &Shape, unsigned Bits) {
  if (Bits == 8 || Shape.empty())
    return Codes;
  const uint64_t Last = Shape.back();
  const uint64_t Rows = Last ? Codes.size() / Last : 0;
  const uint64_t RowBytes = Bits == 4 ? (Last + 1) / 2 : (Last + 3) / 4 * 3;
  std::vector<uint8_t> Out(Rows * RowBytes, 0);
  for (uint64_t R = 0; R < Rows; ++R)
    for (uint64_t I = 0; I < Last; ++I) {
      const uint32_t C = Codes[R * Last + I];
      uint8_t *Row = &Out[R * RowBytes];
      if (Bits == 4) {
        Row[I / 2] |= static_cast<uint8_t>((C & 0xFu) << (4 * (I % 2)));
      } else {
        const uint32_t Word = (C & 0x3Fu) << (6 * (I % 4));
        for (unsigned Byte = 0; Byte < 3; ++Byte)
          Row[I / 4 * 3 + Byte] |= static_cast<uint8_t>(Word >> (8 * Byte));
      }
    }
  Shape.back() = RowBytes;
  return Out;
}

int cmdQuantize(int Argc, char **Argv) {
  Options O = parseOptions(
      Argc, Argv, {"format", "rounding", "scale-rule", "block", "packed"});
  expectPositional(O, 3, "IN.npy CODES.npy SCALES.npy");
  Config C = buildConfig(O);
  if (C.K != Kind::MX)
    fatal("quantize supports only the OCP MX formats and mxint8");
  F32Array A = readNpyF32(O.Positional[0]);
  std::vector<uint8_t> Codes, Scales;
  std::vector<uint64_t> ScaleShape;
  quantizeMX(C, A, Codes, Scales, ScaleShape);
  std::vector<uint64_t> CodeShape = A.Shape;
  if (O.get("packed"))
    Codes = packCodes(Codes, CodeShape, C.Elem->Bits);
  writeNpyU8(O.Positional[1], CodeShape, Codes);
  writeNpyU8(O.Positional[2], ScaleShape, Scales);
  return 0;
}

int cmdGenVectors(int Argc, char **Argv) {
  Options O = parseOptions(
      Argc, Argv, {"rows", "cols", "seed", "finite", "gaussian", "scale-exp"});
  expectPositional(O, 1, "OUT.npy");
  const std::string *Rows = O.get("rows"), *Cols = O.get("cols");
  if (!Rows || !Cols)
    fatal("gen-vectors needs --rows and --cols");
  uint64_t R = parseUInt("rows", *Rows, 1, 1u << 24);
  uint64_t C = parseUInt("cols", *Cols, 1, 1u << 24);
  if (R * C > (uint64_t(1) << 28))
    fatal("gen-vectors: rows * cols too large");
  uint64_t Seed = 0;
  if (const std::string *S = O.get("seed"))
    Seed = parseUInt("seed", *S, 0, UINT64_MAX);
  int ScaleExp = 0;
  if (const std::string *E = O.get("scale-exp")) {
    if (!O.get("gaussian"))
      fatal("gen-vectors: --scale-exp goes with --gaussian");
    ScaleExp = static_cast<int>(parseUInt("scale-exp", *E, 0, 300)) - 150;
  }
  std::vector<uint32_t> Data(R * C);
  if (O.get("gaussian")) {
    // Well-scaled data for compute tests (matmul, convolution): standard
    // normal values (Box-Muller in double), times 2^(scale-exp - 150) when
    // given (extreme block scales), rounded to f32.
    SplitMix64 Rng{Seed ^ 0x5DEECE66Dull};
    auto uniform = [&] { return (double(Rng.next() >> 11) + 0.5) * 0x1p-53; };
    for (uint32_t &V : Data) {
      double G = std::sqrt(-2.0 * std::log(uniform())) *
                 std::cos(6.283185307179586 * uniform());
      float F = static_cast<float>(std::ldexp(G, ScaleExp));
      std::memcpy(&V, &F, sizeof V);
    }
  } else {
    for (uint64_t I = 0; I < R; ++I)
      genRow(Seed, I, O.Finite, &Data[I * C], C);
  }
  writeNpyF32(O.Positional[0], {R, C}, Data);
  return 0;
}

// gen-nvfp4 OUT.npy --rows R --blocks B --amax-exp E [--seed S]: NVFP4
// rounding-boundary data. Element 0 is the tensor maximum 1.5 * 2^E; every
// 16-element block starts with its own maximum (at most the tensor's), and
// its other elements sit at and around (up to 3 f32 steps) the points where
// the rounding of x / (s_b * s_t) to E2M1 changes: the midpoints of the
// grid (ties under nearest rounding) and the grid values (toward zero),
// with s_b * s_t computed as fakeQuantNVFP4 computes it; plus zeros, f32
// subnormals and the block maximum (saturation edge).
int cmdGenNvfp4(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {"rows", "blocks", "amax-exp", "seed"});
  expectPositional(O, 1, "OUT.npy");
  const std::string *Rows = O.get("rows"), *Blocks = O.get("blocks"),
                    *Exp = O.get("amax-exp");
  if (!Rows || !Blocks || !Exp)
    fatal("gen-nvfp4 needs --rows, --blocks and --amax-exp");
  uint64_t R = parseUInt("rows", *Rows, 1, 1u << 16);
  uint64_t B = parseUInt("blocks", *Blocks, 1, 1u << 16);
  int E = static_cast<int>(parseUInt("amax-exp", *Exp, 0, 254)) - 127;
  uint64_t Seed = 0;
  if (const std::string *S = O.get("seed"))
    Seed = parseUInt("seed", *S, 0, UINT64_MAX);
  if (E < -126 || E > 126)
    fatal("gen-nvfp4: --amax-exp must be in [1, 253] (biased)");
  const size_t C = B * 16;
  SplitMix64 Rng{Seed ^ 0xA5A5A5A5ull};
  std::vector<uint32_t> Data(R * C, 0);
  const uint32_t Amax = pow2Bits(E) | 0x400000u; // 1.5 * 2^E
  const uint32_t St = f32Div(Amax, bitsOf(2688.0f));
  std::vector<APFloat> G = positiveGrid(*findElemFormat("e2m1"));
  std::vector<uint32_t> Points;
  for (size_t I = 0; I + 1 < G.size(); ++I) {
    Points.push_back(toF32(midpoint(G[I], G[I + 1])));
    Points.push_back(toF32(G[I + 1]));
  }
  APFloat Max448 = APFloat::getLargest(APFloat::Float8E4M3FN());
  bool Lost;
  Max448.convert(f32Sem(), kRNE, &Lost);
  for (uint64_t Row = 0; Row < R; ++Row) {
    for (uint64_t Blk = 0; Blk < B; ++Blk) {
      uint32_t *Out = &Data[Row * C + Blk * 16];
      // Block maximum: 2^-(0..12) below the tensor's, random significand.
      uint32_t M = (Row == 0 && Blk == 0)
                       ? Amax
                       : randomWithExp(Rng, E - Rng.range(0, 12)) & ~kSign;
      if (M > Amax)
        M = Amax;
      Out[0] = M | Rng.sign();
      APFloat Sb(f32Sem(), APInt(32, f32Div(f32Div(M, bitsOf(6.0f)), St)));
      if (absGreater(Sb, Max448))
        Sb = Max448;
      Sb.convert(APFloat::Float8E4M3FN(), kRNE, &Lost);
      const uint32_t Scale = Sb.isZero() ? 0 : f32Mul(toF32(Sb), St);
      for (size_t I = 1; I < 16; ++I) {
        int Pick = Rng.range(0, 15);
        uint32_t V;
        if (Scale == 0 || Pick == 0)
          V = randomWithExp(Rng, E - Rng.range(0, 40)) & ~kSign;
        else if (Pick == 1)
          V = Rng.range(0, 1) ? 0 : static_cast<uint32_t>(Rng.range(1, 1000));
        else if (Pick == 2)
          V = M;
        else {
          uint32_t Base = f32Mul(Points[Rng.below(Points.size())], Scale);
          int64_t Step = Rng.range(-3, 3);
          V = static_cast<uint32_t>(std::max<int64_t>(0, int64_t(Base) + Step));
        }
        if (V > M)
          V = M;
        Out[I] = V | Rng.sign();
      }
    }
  }
  writeNpyF32(O.Positional[0], {R, C}, Data);
  return 0;
}

int cmdExhaustive(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {});
  expectPositional(O, 2, "FORMAT OUT.npy");
  const ElemFormat *F = findElemFormat(O.Positional[0]);
  if (!F)
    fatal("unknown element format '" + O.Positional[0] + "'");
  std::vector<uint32_t> Table;
  for (uint32_t Code = 0; Code < (1u << F->Bits); ++Code)
    Table.push_back(toF32(elementValue(*F, Code)));
  writeNpyF32(O.Positional[1], {Table.size()}, Table);
  return 0;
}

// emit-resource FILE.npy NAME: the f32 array as an MLIR dialect_resources
// section (a dense_resource blob named NAME), to append to a .mlir file.
int cmdEmitResource(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {});
  expectPositional(O, 2, "FILE.npy NAME");
  F32Array A = readNpyF32(O.Positional[0]);
  std::printf(
      "{-#\n  dialect_resources: {\n    builtin: {\n      %s: \"0x04000000",
      O.Positional[1].c_str());
  for (uint32_t Bits : A.Data)
    for (int Byte = 0; Byte < 4; ++Byte)
      std::printf("%02X", (Bits >> (8 * Byte)) & 0xFFu);
  std::printf("\"\n    }\n  }\n#-}\n");
  return 0;
}

// print FILE.npy: one f32 value per line (%.9g; NaN as "nan"), for FileCheck.
int cmdPrint(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {});
  expectPositional(O, 1, "FILE.npy");
  F32Array A = readNpyF32(O.Positional[0]);
  for (uint32_t Bits : A.Data) {
    float F;
    std::memcpy(&F, &Bits, 4);
    if (std::isnan(F))
      std::printf("nan\n");
    else
      std::printf("%.9g\n", F);
  }
  return 0;
}

// compare GOT.npy WANT.npy [--ulps N]: f32 arrays of one shape, equal bit for
// bit (any NaN matches any NaN), or within N units in the last place.
// int8-matmul A.npy B.npy OUT.npy: A (MxK) per-tensor INT8, B (KxN) INT8
// per column (per output channel), both symmetric and dynamic; OUT =
// f32(sum of code products, exact in int64) * f32(sA * sB[n]), the
// integer path of a fused INT8 matmul. Inputs must be finite.
int cmdInt8Matmul(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {});
  expectPositional(O, 3, "A.npy B.npy OUT.npy");
  F32Array A = readNpyF32(O.Positional[0]);
  F32Array B = readNpyF32(O.Positional[1]);
  if (A.Shape.size() != 2 || B.Shape.size() != 2 || A.Shape[1] != B.Shape[0])
    fatal("int8-matmul needs A (MxK) and B (KxN)");
  if (anyNonFinite(A.Data) || anyNonFinite(B.Data))
    fatal("int8-matmul needs finite inputs");
  uint64_t M = A.Shape[0], K = A.Shape[1], N = B.Shape[1];
  std::vector<int64_t> QA, Col;
  uint32_t SA = quantizeINT8(A.Data.data(), M * K, 1, QA);
  std::vector<std::vector<int64_t>> QB(N);
  std::vector<uint32_t> SB(N);
  for (uint64_t J = 0; J < N; ++J)
    SB[J] = quantizeINT8(&B.Data[J], K, N, QB[J]);
  std::vector<uint32_t> Out(M * N);
  for (uint64_t I = 0; I < M; ++I)
    for (uint64_t J = 0; J < N; ++J) {
      int64_t Acc = 0;
      for (uint64_t L = 0; L < K; ++L)
        Acc += QA[I * K + L] * QB[J][L];
      APFloat V(f32Sem());
      V.convertFromAPInt(APInt(64, Acc, /*isSigned=*/true), true, kRNE);
      Out[I * N + J] = f32Mul(toF32(V), f32Mul(SA, SB[J]));
    }
  writeNpyF32(O.Positional[2], {M, N}, Out);
  return 0;
}

// acc + V rounded once to f32 (quad holds both exactly for the exponent
// ranges of f32 and the block values of block-matmul).
APFloat addRoundedOnce(const APFloat &Acc, APFloat V) {
  bool Lost;
  APFloat Wide = Acc;
  Wide.convert(APFloat::IEEEquad(), kRNE, &Lost);
  V.convert(APFloat::IEEEquad(), kRNE, &Lost);
  Wide.add(V, kRNE);
  Wide.convert(f32Sem(), kRNE, &Lost);
  return Wide;
}

// block-matmul --format nvfp4: A (MxK) and BT (NxK, B transposed) quantized
// to NVFP4 (blocks along K, each operand's dynamic tensor scale). OUT[i, j]
// = f32(f64(acc) * s_tA * s_tB) (f64 products, the first exact), acc the
// exact value of each block's dot
// product of the E2M1 values times the two E4M3 block scales, summed in
// f32 in block order with one rounding per block: the integer kernels of
// mx.contract (docs/Lowering.md, "NVFP4 on the integer path").
int blockMatmulNVFP4(const Config &C, const F32Array &A, const F32Array &BT,
                     const std::string &OutPath) {
  struct Parts {
    std::vector<uint32_t> Q, Sb; // element values; block scales per block
    uint32_t St = 0;
  };
  auto quantize = [&](const F32Array &X) {
    Parts P;
    P.St = nvfp4TensorScale(C, X);
    P.Q.resize(X.Data.size());
    // (A poisoned block, possible only under a static tensor scale, is NaN:
    // its scale NaN, its elements 0.)
    forEachNVFP4Block(C, X, P.St,
                      [&](size_t Off, size_t N, bool Poisoned, uint32_t Sb,
                          uint32_t, const uint32_t *Q) {
                        if (Poisoned)
                          std::fill(&P.Q[Off], &P.Q[Off] + N, 0u);
                        else
                          std::copy(Q, Q + N, &P.Q[Off]);
                        P.Sb.push_back(Poisoned ? kNaN : Sb);
                      });
    return P;
  };
  Parts PA = quantize(A), PB = quantize(BT);
  uint64_t M = A.Shape[0], K = A.Shape[1], N = BT.Shape[0];
  uint64_t Blocks = (K + C.Block - 1) / C.Block;
  std::vector<uint32_t> Out(M * N);
  // Non-finite inputs (a NaN or infinite dynamic tensor scale) or a
  // non-finite tensor scale: every output NaN, as the dequantizer gives.
  if (anyNonFinite(A.Data) || anyNonFinite(BT.Data) || isNonFinite(PA.St) ||
      isNonFinite(PB.St)) {
    std::fill(Out.begin(), Out.end(), kNaN);
    writeNpyF32(OutPath, {M, N}, Out);
    return 0;
  }
  for (uint64_t I = 0; I < M; ++I)
    for (uint64_t J = 0; J < N; ++J) {
      APFloat Acc(f32Sem(), APInt(32, 0));
      for (uint64_t Blk = 0; Blk < Blocks; ++Blk) {
        // Exact in f64: the products of E2M1 values have at most 4
        // significant bits, their block sum at most 14, each E4M3 scale 4.
        APFloat Sum(f64Sem(), APInt(64, 0));
        for (uint64_t L = Blk * C.Block; L < std::min(K, (Blk + 1) * C.Block);
             ++L) {
          APFloat P = widen(PA.Q[I * K + L]);
          P.multiply(widen(PB.Q[J * K + L]), kRNE);
          Sum.add(P, kRNE);
        }
        Sum.multiply(widen(PA.Sb[I * Blocks + Blk]), kRNE);
        Sum.multiply(widen(PB.Sb[J * Blocks + Blk]), kRNE);
        Acc = addRoundedOnce(Acc, Sum);
      }
      APFloat V =
          widen(static_cast<uint32_t>(Acc.bitcastToAPInt().getZExtValue()));
      V.multiply(widen(PA.St), kRNE);
      V.multiply(widen(PB.St), kRNE);
      Out[I * N + J] = toF32(V);
    }
  writeNpyF32(OutPath, {M, N}, Out);
  return 0;
}

// block-matmul --format F A.npy B.npy OUT.npy: A (MxK) and B (KxN)
// quantized to an MX format with E8M0 scales, both in blocks along K; OUT
// = the exact value of each block's dot product (APFloat, f64: products
// and block sums of MX elements are exact there), summed in f32 in block
// order, one rounding per block (the integer kernels of mx.contract,
// docs/Lowering.md). Inputs must be finite.
int cmdBlockMatmul(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {"format", "block"});
  expectPositional(O, 3, "A.npy B.npy OUT.npy");
  Config C = buildConfig(O);
  if (C.K != Kind::MX && C.K != Kind::NVFP4)
    fatal("block-matmul takes an MX format with E8M0 scales, or nvfp4");
  F32Array A = readNpyF32(O.Positional[0]);
  F32Array B = readNpyF32(O.Positional[1]);
  if (A.Shape.size() != 2 || B.Shape.size() != 2 || A.Shape[1] != B.Shape[0])
    fatal("block-matmul needs A (MxK) and B (KxN)");
  if (anyNonFinite(A.Data) || anyNonFinite(B.Data))
    fatal("block-matmul needs finite inputs");
  uint64_t M = A.Shape[0], K = A.Shape[1], N = B.Shape[1];
  // B transposed so that its blocks along K are rows too.
  F32Array BT{{N, K}, std::vector<uint32_t>(N * K)};
  for (uint64_t L = 0; L < K; ++L)
    for (uint64_t J = 0; J < N; ++J)
      BT.Data[J * K + L] = B.Data[L * N + J];
  if (C.K == Kind::NVFP4)
    return blockMatmulNVFP4(C, A, BT, O.Positional[2]);
  std::vector<uint8_t> CA, SA, CB, SB;
  std::vector<uint64_t> ShapeA, ShapeB;
  quantizeMX(C, A, CA, SA, ShapeA);
  quantizeMX(C, BT, CB, SB, ShapeB);
  uint64_t Blocks = ShapeA[1];
  std::vector<uint32_t> Out(M * N);
  for (uint64_t I = 0; I < M; ++I)
    for (uint64_t J = 0; J < N; ++J) {
      APFloat Acc(f32Sem(), APInt(32, 0));
      for (uint64_t Blk = 0; Blk < Blocks; ++Blk) {
        uint8_t EA = SA[I * Blocks + Blk], EB = SB[J * Blocks + Blk];
        if (EA == 0xFF || EB == 0xFF) {
          Acc = APFloat::getNaN(f32Sem());
          continue;
        }
        APFloat Sum(f64Sem(), APInt(64, 0));
        for (uint64_t L = Blk * C.Block; L < std::min(K, (Blk + 1) * C.Block);
             ++L) {
          APFloat P = elementValue(*C.Elem, CA[I * K + L]);
          P.multiply(elementValue(*C.Elem, CB[J * K + L]), kRNE);
          Sum.add(P, kRNE);
        }
        Sum = pow2Scale(Sum, int(EA) - 127 + int(EB) - 127);
        Acc = addRoundedOnce(Acc, Sum);
      }
      Out[I * N + J] =
          static_cast<uint32_t>(Acc.bitcastToAPInt().getZExtValue());
    }
  writeNpyF32(O.Positional[2], {M, N}, Out);
  return 0;
}

int cmdCompare(int Argc, char **Argv) {
  Options O = parseOptions(Argc, Argv, {"ulps", "inf-as-nan"});
  expectPositional(O, 2, "GOT.npy WANT.npy");
  const bool InfAsNaN = O.get("inf-as-nan") != nullptr;
  long Ulps = 0;
  if (const std::string *V = O.get("ulps")) {
    char *End = nullptr;
    Ulps = std::strtol(V->c_str(), &End, 10);
    if (*End || Ulps < 0)
      fatal("--ulps takes a non-negative integer");
  }
  F32Array Got = readNpyF32(O.Positional[0]);
  F32Array Want = readNpyF32(O.Positional[1]);
  if (Got.Shape != Want.Shape)
    fatal("shapes differ between " + O.Positional[0] + " and " +
          O.Positional[1]);
  auto Ordered = [](uint32_t B) -> int64_t {
    return (B & 0x80000000u) ? -int64_t(B & 0x7FFFFFFFu) : int64_t(B);
  };
  size_t Bad = 0, First = 0;
  for (size_t I = 0; I < Got.Data.size(); ++I) {
    uint32_t G = Got.Data[I], W = Want.Data[I];
    bool GN = (G & 0x7FFFFFFFu) > 0x7F800000u,
         WN = (W & 0x7FFFFFFFu) > (InfAsNaN ? 0x7F7FFFFFu : 0x7F800000u);
    bool Ok = (GN && WN) ||
              (!GN && !WN &&
               (G == W ||
                // Without --ulps the comparison is bitwise: -0 differs from +0.
                (Ulps > 0 && std::llabs(Ordered(G) - Ordered(W)) <= Ulps)));
    if (!Ok && Bad++ == 0)
      First = I;
  }
  if (Bad) {
    float G, W;
    std::memcpy(&G, &Got.Data[First], 4);
    std::memcpy(&W, &Want.Data[First], 4);
    std::fprintf(stderr,
                 "mx-ref: %zu of %zu elements differ; first at flat index %zu: "
                 "got %.9g (0x%08x), want %.9g (0x%08x)\n",
                 Bad, Got.Data.size(), First, G, Got.Data[First], W,
                 Want.Data[First]);
    return 1;
  }
  std::printf("mx-ref: %zu elements match\n", Got.Data.size());
  return 0;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc < 2) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  const std::string Cmd = Argv[1];
  if (Cmd == "fake-quant")
    return cmdFakeQuant(Argc, Argv);
  if (Cmd == "quantize")
    return cmdQuantize(Argc, Argv);
  if (Cmd == "gen-vectors")
    return cmdGenVectors(Argc, Argv);
  if (Cmd == "exhaustive")
    return cmdExhaustive(Argc, Argv);
  if (Cmd == "gen-nvfp4")
    return cmdGenNvfp4(Argc, Argv);
  if (Cmd == "compare")
    return cmdCompare(Argc, Argv);
  if (Cmd == "int8-matmul")
    return cmdInt8Matmul(Argc, Argv);
  if (Cmd == "block-matmul")
    return cmdBlockMatmul(Argc, Argv);
  if (Cmd == "print")
    return cmdPrint(Argc, Argv);
  if (Cmd == "emit-resource")
    return cmdEmitResource(Argc, Argv);
  if (Cmd == "self-test") {
    parseOptions(Argc, Argv, {});
    return runSelfTest();
  }
  if (Cmd == "--help" || Cmd == "-h" || Cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  fatal("unknown command '" + Cmd + "' (try --help)");
}
