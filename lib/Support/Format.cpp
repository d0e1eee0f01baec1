//===- Format.cpp - Block-scaled quantization formats ---------------------===//
//
// Part of mx-opt. Presets, element tables and the consistency rules of
// FormatSpec. See docs/Formats.md and ../shared/reference/numerics.md.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Format.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mx;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Element tables
//===----------------------------------------------------------------------===//

// bits, mantissa, exponent bits, bias, emin, emax, max normal, max code,
// Inf, NaN. Values from OCP MX v1.0 (numerics.md section 1).
static const FloatElementInfo kF8E4M3FN = {8, 3,     4,    7,     -6,
                                           8, 448.0, 0x7E, false, true};
static const FloatElementInfo kF8E5M2 = {8,  2,       5,    15,   -14,
                                         15, 57344.0, 0x7B, true, true};
static const FloatElementInfo kF6E3M2FN = {6, 2,    3,    3,     -2,
                                           4, 28.0, 0x1F, false, false};
static const FloatElementInfo kF6E2M3FN = {6, 3,   2,    1,     0,
                                           2, 7.5, 0x1F, false, false};
static const FloatElementInfo kF4E2M1FN = {4, 1,   2,   1,     0,
                                           2, 6.0, 0x7, false, false};

const FloatElementInfo *mx::getFloatElementInfo(ElementKind kind) {
  switch (kind) {
  case ElementKind::F8E4M3FN:
    return &kF8E4M3FN;
  case ElementKind::F8E5M2:
    return &kF8E5M2;
  case ElementKind::F6E3M2FN:
    return &kF6E3M2FN;
  case ElementKind::F6E2M3FN:
    return &kF6E2M3FN;
  case ElementKind::F4E2M1FN:
    return &kF4E2M1FN;
  case ElementKind::I8:
  case ElementKind::UI8:
  case ElementKind::SM:
    return nullptr;
  }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

StringRef mx::stringifyElementKind(ElementKind kind) {
  switch (kind) {
  case ElementKind::F8E4M3FN:
    return "f8E4M3FN";
  case ElementKind::F8E5M2:
    return "f8E5M2";
  case ElementKind::F6E3M2FN:
    return "f6E3M2FN";
  case ElementKind::F6E2M3FN:
    return "f6E2M3FN";
  case ElementKind::F4E2M1FN:
    return "f4E2M1FN";
  case ElementKind::I8:
    return "i8";
  case ElementKind::UI8:
    return "ui8";
  case ElementKind::SM:
    return "sm";
  }
  return "";
}

std::optional<ElementKind> mx::symbolizeElementKind(StringRef s) {
  return llvm::StringSwitch<std::optional<ElementKind>>(s)
      .Case("f8E4M3FN", ElementKind::F8E4M3FN)
      .Case("f8E5M2", ElementKind::F8E5M2)
      .Case("f6E3M2FN", ElementKind::F6E3M2FN)
      .Case("f6E2M3FN", ElementKind::F6E2M3FN)
      .Case("f4E2M1FN", ElementKind::F4E2M1FN)
      .Case("i8", ElementKind::I8)
      .Case("ui8", ElementKind::UI8)
      .Case("sm", ElementKind::SM)
      .Default(std::nullopt);
}

StringRef mx::stringifyScaleKind(ScaleKind kind) {
  switch (kind) {
  case ScaleKind::E8M0:
    return "f8E8M0FNU";
  case ScaleKind::E4M3:
    return "f8E4M3FN";
  case ScaleKind::F32:
    return "f32";
  }
  return "";
}

std::optional<ScaleKind> mx::symbolizeScaleKind(StringRef s) {
  return llvm::StringSwitch<std::optional<ScaleKind>>(s)
      .Case("f8E8M0FNU", ScaleKind::E8M0)
      .Case("f8E4M3FN", ScaleKind::E4M3)
      .Case("f32", ScaleKind::F32)
      .Default(std::nullopt);
}

StringRef mx::stringifyScaleRule(ScaleRule rule) {
  switch (rule) {
  case ScaleRule::Floor:
    return "floor";
  case ScaleRule::Ceil:
    return "ceil";
  case ScaleRule::RCeil:
    return "rceil";
  }
  return "";
}

std::optional<ScaleRule> mx::symbolizeScaleRule(StringRef s) {
  return llvm::StringSwitch<std::optional<ScaleRule>>(s)
      .Case("floor", ScaleRule::Floor)
      .Case("ceil", ScaleRule::Ceil)
      .Case("rceil", ScaleRule::RCeil)
      .Default(std::nullopt);
}

StringRef mx::stringifyRounding(Rounding r) {
  switch (r) {
  case Rounding::NearestEven:
    return "nearest_even";
  case Rounding::NearestAway:
    return "nearest_away";
  case Rounding::TowardZero:
    return "toward_zero";
  }
  return "";
}

std::optional<Rounding> mx::symbolizeRounding(StringRef s) {
  return llvm::StringSwitch<std::optional<Rounding>>(s)
      .Cases({"nearest_even", "even"}, Rounding::NearestEven)
      .Cases({"nearest_away", "away"}, Rounding::NearestAway)
      .Cases({"toward_zero", "zero"}, Rounding::TowardZero)
      .Default(std::nullopt);
}

StringRef mx::stringifyGranularity(Granularity g) {
  switch (g) {
  case Granularity::Tensor:
    return "tensor";
  case Granularity::Channel:
    return "channel";
  case Granularity::Block:
    return "block";
  }
  return "";
}

std::optional<Granularity> mx::symbolizeGranularity(StringRef s) {
  return llvm::StringSwitch<std::optional<Granularity>>(s)
      .Case("tensor", Granularity::Tensor)
      .Case("channel", Granularity::Channel)
      .Case("block", Granularity::Block)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

namespace {
struct Preset {
  StringRef name;
  FormatSpec spec;
};
} // namespace

static FormatSpec ocp(ElementKind kind) {
  FormatSpec s;
  s.element = kind;
  return s;
}

static FormatSpec sharedMicroexponent(unsigned m) {
  FormatSpec s;
  s.element = ElementKind::SM;
  s.mantissaBits = m;
  s.blockSize = 16;
  s.subBlockSize = 2;
  s.subBits = 1;
  return s;
}

static FormatSpec nvfp4() {
  FormatSpec s;
  s.element = ElementKind::F4E2M1FN;
  s.blockSize = 16;
  s.scale = ScaleKind::E4M3;
  s.tensorScale = true;
  return s;
}

static FormatSpec int8() {
  FormatSpec s;
  s.element = ElementKind::I8;
  s.granularity = Granularity::Tensor;
  s.blockSize = 0;
  s.scale = ScaleKind::F32;
  return s;
}

static llvm::ArrayRef<Preset> presets() {
  static const Preset table[] = {
      {"mxfp8_e4m3", ocp(ElementKind::F8E4M3FN)},
      {"mxfp8_e5m2", ocp(ElementKind::F8E5M2)},
      {"mxfp6_e3m2", ocp(ElementKind::F6E3M2FN)},
      {"mxfp6_e2m3", ocp(ElementKind::F6E2M3FN)},
      {"mxfp4_e2m1", ocp(ElementKind::F4E2M1FN)},
      {"mxint8", ocp(ElementKind::I8)},
      {"mx9", sharedMicroexponent(7)},
      {"mx6", sharedMicroexponent(4)},
      {"mx4", sharedMicroexponent(2)},
      {"nvfp4", nvfp4()},
      {"int8", int8()},
  };
  return table;
}

llvm::ArrayRef<StringRef> FormatSpec::presetNames() {
  static const llvm::SmallVector<StringRef> names = [] {
    llvm::SmallVector<StringRef> result;
    for (const Preset &p : presets())
      result.push_back(p.name);
    return result;
  }();
  return names;
}

std::optional<FormatSpec> FormatSpec::getPreset(StringRef name) {
  for (const Preset &p : presets())
    if (p.name == name)
      return p.spec;
  return std::nullopt;
}

std::optional<StringRef> FormatSpec::getPresetName() const {
  for (const Preset &p : presets())
    if (p.spec == *this)
      return p.name;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Properties
//===----------------------------------------------------------------------===//

bool FormatSpec::operator==(const FormatSpec &o) const {
  return element == o.element && mantissaBits == o.mantissaBits &&
         granularity == o.granularity && blockSize == o.blockSize &&
         scale == o.scale && scaleRule == o.scaleRule &&
         rounding == o.rounding && expBits == o.expBits &&
         subBlockSize == o.subBlockSize && subBits == o.subBits &&
         tensorScale == o.tensorScale && zeroPoint == o.zeroPoint;
}

llvm::hash_code mx::hash_value(const FormatSpec &s) {
  return llvm::hash_combine(s.element, s.mantissaBits, s.granularity,
                            s.blockSize, s.scale, s.scaleRule, s.rounding,
                            s.expBits, s.subBlockSize, s.subBits, s.tensorScale,
                            s.zeroPoint);
}

bool FormatSpec::hasFloatElement() const {
  return mx::getFloatElementInfo(element) != nullptr;
}

const FloatElementInfo &FormatSpec::getFloatElementInfo() const {
  const FloatElementInfo *info = mx::getFloatElementInfo(element);
  return info ? *info : kF8E4M3FN;
}

bool FormatSpec::usesScaleRule() const {
  return scale == ScaleKind::E8M0 &&
         (hasFloatElement() || element == ElementKind::I8);
}

unsigned FormatSpec::getElementBits() const {
  if (const FloatElementInfo *info = mx::getFloatElementInfo(element))
    return info->bits;
  if (element == ElementKind::SM)
    return 1 + mantissaBits;
  return 8;
}

double FormatSpec::getBitsPerElement() const {
  double bits = getElementBits();
  if (granularity == Granularity::Block && blockSize > 0) {
    double scaleBits = scale == ScaleKind::F32 ? 32 : expBits;
    if (scale == ScaleKind::E4M3)
      scaleBits = 8;
    bits += scaleBits / static_cast<double>(blockSize);
  }
  if (subBlockSize > 0)
    bits += static_cast<double>(subBits) / static_cast<double>(subBlockSize);
  return bits;
}

double FormatSpec::getBitsPerElement(int64_t numElements,
                                     int64_t axisSize) const {
  if (axisSize <= 0 || numElements < axisSize || numElements % axisSize != 0)
    return 0;
  double rows = static_cast<double>(numElements / axisSize);
  double bits = static_cast<double>(getElementBits()) * numElements;
  auto started = [&](int64_t size) {
    return static_cast<double>((axisSize + size - 1) / size);
  };
  switch (granularity) {
  case Granularity::Block: {
    double scaleBits = scale == ScaleKind::E8M0   ? expBits
                       : scale == ScaleKind::E4M3 ? 8
                                                  : 32;
    bits += scaleBits * rows * started(blockSize);
    if (subBlockSize > 0)
      bits += subBits * rows * started(subBlockSize);
    break;
  }
  case Granularity::Channel:
    bits += (zeroPoint ? 64.0 : 32.0) * axisSize;
    break;
  case Granularity::Tensor:
    bits += zeroPoint ? 64.0 : 32.0;
    break;
  }
  if (tensorScale)
    bits += 32;
  return bits / static_cast<double>(numElements);
}

std::string FormatSpec::verify() const {
  bool isFloat = hasFloatElement();
  bool isInt = element == ElementKind::I8 || element == ElementKind::UI8;
  StringRef elem = stringifyElementKind(element);
  StringRef scaleName = stringifyScaleKind(scale);

  // Granularity and block size.
  if (granularity == Granularity::Block) {
    if (blockSize <= 0)
      return llvm::formatv("block size must be positive, got {0}", blockSize);
  } else if (blockSize != 0) {
    return llvm::formatv("block size {0} given for a per-{1} format", blockSize,
                         stringifyGranularity(granularity));
  }
  if (granularity != Granularity::Block && scale != ScaleKind::F32)
    return llvm::formatv("per-{0} scales must be f32, got {1}",
                         stringifyGranularity(granularity), scaleName);

  // Element versus scale.
  switch (scale) {
  case ScaleKind::E8M0:
    if (element == ElementKind::UI8)
      return llvm::formatv(
          "element type {0} is not allowed with {1} scales (allowed: "
          "f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN, i8, sm)",
          elem, scaleName);
    break;
  case ScaleKind::E4M3:
    if (!isFloat)
      return llvm::formatv(
          "element type {0} is not allowed with {1} scales (allowed: "
          "f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN)",
          elem, scaleName);
    break;
  case ScaleKind::F32:
    if (!isInt)
      return llvm::formatv("element type {0} is not allowed with {1} scales "
                           "(allowed: i8, ui8)",
                           elem, scaleName);
    break;
  }

  // Sign-magnitude family.
  if (element == ElementKind::SM) {
    if (mantissaBits < 1 || mantissaBits > 23)
      return llvm::formatv("sign-magnitude mantissa must have 1 to 23 bits, "
                           "got {0}",
                           mantissaBits);
  } else if (mantissaBits != 0) {
    return llvm::formatv("mantissa bits are only meaningful for the sm "
                         "element, not {0}",
                         elem);
  }
  if (expBits < 1 || expBits > 8)
    return llvm::formatv("shared exponent bits must be 1 to 8, got {0}",
                         expBits);
  if (expBits != 8 && element != ElementKind::SM)
    return llvm::formatv("shared exponent bits other than 8 need the sm "
                         "element, not {0}",
                         elem);

  // Microexponent second level.
  if (subBlockSize < 0)
    return llvm::formatv("sub-block size must not be negative, got {0}",
                         subBlockSize);
  if (subBlockSize > 0) {
    if (element != ElementKind::SM)
      return llvm::formatv("a microexponent sub-block needs the sm element, "
                           "not {0}",
                           elem);
    if (blockSize % subBlockSize != 0)
      return llvm::formatv("sub-block size {0} does not divide block size {1}",
                           subBlockSize, blockSize);
    if (subBits < 1 || subBits > 8)
      return llvm::formatv("microexponent bits must be 1 to 8, got {0}",
                           subBits);
  } else if (subBits != 0) {
    return llvm::formatv("microexponent bits {0} given without a sub-block",
                         subBits);
  }
  if (element == ElementKind::SM &&
      (scale != ScaleKind::E8M0 || granularity != Granularity::Block))
    return "the sm element needs block granularity with a shared exponent "
           "(f8E8M0FNU scale)";

  // Per-tensor second level.
  if (tensorScale && (granularity != Granularity::Block ||
                      scale == ScaleKind::F32 || element == ElementKind::SM))
    return "a per-tensor f32 scale over block scales needs a block format "
           "with f8E8M0FNU or f8E4M3FN block scales and a float or i8 element";

  // Scale rule.
  if (scaleRule != ScaleRule::Floor && !usesScaleRule())
    return llvm::formatv(
        "scale rule '{0}' does not apply to this format: scale rules choose "
        "an f8E8M0FNU shared exponent for float or i8 elements (this format "
        "has {1} elements and {2} scales)",
        stringifyScaleRule(scaleRule), elem, scaleName);

  // Zero point.
  if (zeroPoint && (!isInt || scale != ScaleKind::F32))
    return "a zero point needs an integer element with f32 scales";
  if (element == ElementKind::UI8 && !zeroPoint)
    return "the ui8 element needs a zero point (asymmetric quantization)";
  return "";
}
