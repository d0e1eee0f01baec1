//===- Format.h - Block-scaled quantization formats ------------*- C++ -*-===//
//
// Part of mx-opt. The single description of every quantization format the
// project knows: element encodings, scale encodings, the scale rule, the
// rounding mode and the optional second level. Everything else (the MLIR
// attribute, the lowerings, the constant folder) reads formats from here.
// This library has no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_FORMAT_H
#define MX_SUPPORT_FORMAT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mx {

/// The encoding of one quantized element.
enum class ElementKind : uint8_t {
  F8E4M3FN, ///< OCP FP8 E4M3 (no Inf, one NaN pattern per sign).
  F8E5M2,   ///< OCP FP8 E5M2 (IEEE-like Inf and NaN).
  F6E3M2FN, ///< OCP FP6 E3M2 (no Inf/NaN).
  F6E2M3FN, ///< OCP FP6 E2M3 (no Inf/NaN).
  F4E2M1FN, ///< OCP FP4 E2M1 (no Inf/NaN).
  I8,       ///< Two's complement int8 (MXINT8 under an E8M0 scale, or INT8).
  UI8,      ///< Unsigned int8 (asymmetric INT8 with a zero point).
  SM,       ///< Sign-magnitude with an m-bit magnitude (shared-microexponent
            ///< / block floating point family: MX9, MX6, MX4).
};

/// The encoding of the (block or channel or tensor) scale.
enum class ScaleKind : uint8_t {
  E8M0, ///< f8E8M0FNU: a power of two 2^(code - 127); 0xFF is NaN.
  E4M3, ///< f8E4M3FN, positive (NVFP4 block scales).
  F32,  ///< IEEE f32 (INT8 per-tensor / per-channel).
};

/// How the shared exponent of an E8M0-scaled block is chosen from its amax.
enum class ScaleRule : uint8_t {
  Floor, ///< floor(log2(amax)) - emax (OCP MX v1.0, the default).
  Ceil,  ///< ceil(log2(amax)) - emax.
  RCeil, ///< smallest e with amax <= max_normal * 2^e (never saturates).
};

/// How values are rounded to the element grid.
enum class Rounding : uint8_t {
  NearestEven, ///< Round to nearest, ties to even (default).
  NearestAway, ///< Round to nearest, ties away from zero.
  TowardZero,  ///< Truncate.
};

/// Which elements share one scale.
enum class Granularity : uint8_t {
  Tensor,  ///< One scale for the whole tensor.
  Channel, ///< One scale per index of the axis (per-channel INT8).
  Block,   ///< One scale per `blockSize` consecutive elements along the axis.
};

/// Static properties of a mini-float element encoding (F8/F6/F4 kinds).
struct FloatElementInfo {
  unsigned bits;         ///< Total bits including the sign.
  unsigned mantissaBits; ///< Explicit mantissa bits.
  unsigned exponentBits; ///< Exponent field bits.
  int bias;              ///< Exponent bias.
  int emin;              ///< Exponent of the smallest normal (1 - bias).
  int emax;              ///< Exponent of the largest normal.
  double maxNormal;      ///< Largest finite magnitude.
  uint32_t maxCode;      ///< Magnitude code (sign bit clear) of maxNormal.
  bool hasInf;           ///< Whether the encoding has infinities.
  bool hasNaN;           ///< Whether the encoding has NaN.
};

/// A complete, self-describing quantization format. Two formats are the same
/// format iff they compare equal.
struct FormatSpec {
  ElementKind element = ElementKind::F8E4M3FN;
  /// Magnitude bits for ElementKind::SM (the `m` of k1/d1/k2/d2/m).
  unsigned mantissaBits = 0;
  Granularity granularity = Granularity::Block;
  /// Elements per block (k1) along the block axis; 0 unless Block.
  int64_t blockSize = 32;
  ScaleKind scale = ScaleKind::E8M0;
  ScaleRule scaleRule = ScaleRule::Floor;
  Rounding rounding = Rounding::NearestEven;
  /// Shared-exponent bits (d1) of the first level; 8 for all presets.
  unsigned expBits = 8;
  /// Second level: microexponent sub-block size k2 (0 = none).
  int64_t subBlockSize = 0;
  /// Second level: microexponent bits d2.
  unsigned subBits = 0;
  /// Second level: a per-tensor f32 scale over the block scales (NVFP4).
  bool tensorScale = false;
  /// Asymmetric quantization with a zero point (INT8 only).
  bool zeroPoint = false;

  bool operator==(const FormatSpec &o) const;
  bool operator!=(const FormatSpec &o) const { return !(*this == o); }

  /// The names of all presets, in a fixed order.
  static llvm::ArrayRef<llvm::StringRef> presetNames();
  /// The preset called `name`, if there is one.
  static std::optional<FormatSpec> getPreset(llvm::StringRef name);
  /// The name of the preset equal to this format, if any.
  std::optional<llvm::StringRef> getPresetName() const;

  /// Checks the format is self-consistent. Returns an empty string when it is,
  /// otherwise a message fit for a diagnostic ("block size must be positive").
  std::string verify() const;

  /// Bits of one stored element.
  unsigned getElementBits() const;
  /// Average storage bits per element including scales (d1/k1 + d2/k2 ...),
  /// for whole blocks; per-tensor and per-channel parts count as zero (they
  /// amortise over a tensor: see the overload).
  double getBitsPerElement() const;
  /// Storage bits per element of one tensor of `numElements` elements whose
  /// quantization axis has `axisSize` elements, as stored (docs/Formats.md):
  /// the elements, one block scale per started block of every row along the
  /// axis, the microexponents of every started sub-block, the f32 tensor
  /// scale (NVFP4), the f32 per-tensor or per-channel scales of INT8 and
  /// their i32 zero points. Returns 0 unless 0 < axisSize <= numElements and
  /// axisSize divides numElements.
  double getBitsPerElement(int64_t numElements, int64_t axisSize) const;
  /// True for mini-float elements (F8/F6/F4 kinds).
  bool hasFloatElement() const;
  /// Mini-float element properties; only valid when hasFloatElement().
  const FloatElementInfo &getFloatElementInfo() const;
  /// True when the scale is an E8M0 power of two over OCP elements or MXINT8
  /// (where the scale rule applies).
  bool usesScaleRule() const;
};

llvm::hash_code hash_value(const FormatSpec &spec);

/// Textual names used by the attribute syntax and pass options.
llvm::StringRef stringifyElementKind(ElementKind);
std::optional<ElementKind> symbolizeElementKind(llvm::StringRef);
llvm::StringRef stringifyScaleKind(ScaleKind);
std::optional<ScaleKind> symbolizeScaleKind(llvm::StringRef);
llvm::StringRef stringifyScaleRule(ScaleRule);
std::optional<ScaleRule> symbolizeScaleRule(llvm::StringRef);
llvm::StringRef stringifyRounding(Rounding);
std::optional<Rounding> symbolizeRounding(llvm::StringRef);
llvm::StringRef stringifyGranularity(Granularity);
std::optional<Granularity> symbolizeGranularity(llvm::StringRef);

/// Mini-float properties of an element kind; null for integer kinds.
const FloatElementInfo *getFloatElementInfo(ElementKind kind);

} // namespace mx

#endif // MX_SUPPORT_FORMAT_H
