//===- MXDialect.cpp - mx dialect, attributes and types -------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXDialect.h"
#include "mx/Dialect/MX/IR/MXAttrs.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/IR/MXTypes.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mx;

#include "mx/Dialect/MX/IR/MXDialect.cpp.inc"

#include "mx/Dialect/MX/IR/MXEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "mx/Dialect/MX/IR/MXAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "mx/Dialect/MX/IR/MXTypes.cpp.inc"

void MXDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mx/Dialect/MX/IR/MXAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "mx/Dialect/MX/IR/MXTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "mx/Dialect/MX/IR/MXOps.cpp.inc"
      >();
}

Operation *MXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

FormatAttr FormatAttr::getPreset(MLIRContext *ctx, StringRef name) {
  std::optional<FormatSpec> spec = FormatSpec::getPreset(name);
  if (!spec)
    return {};
  return FormatAttr::get(ctx, *spec);
}

LogicalResult
FormatAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   FormatSpec spec) {
  std::string message = spec.verify();
  if (!message.empty())
    return emitError() << "invalid quantization format: " << message;
  return success();
}

/// Maps a parsed builtin type to an element kind.
static std::optional<ElementKind> elementKindFromType(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type)) {
    if (intType.getWidth() != 8)
      return std::nullopt;
    if (intType.isUnsigned())
      return ElementKind::UI8;
    return ElementKind::I8;
  }
  return llvm::TypeSwitch<Type, std::optional<ElementKind>>(type)
      .Case([](Float8E4M3FNType) { return ElementKind::F8E4M3FN; })
      .Case([](Float8E5M2Type) { return ElementKind::F8E5M2; })
      .Case([](Float6E3M2FNType) { return ElementKind::F6E3M2FN; })
      .Case([](Float6E2M3FNType) { return ElementKind::F6E2M3FN; })
      .Case([](Float4E2M1FNType) { return ElementKind::F4E2M1FN; })
      .Default([](Type) { return std::nullopt; });
}

static std::optional<ScaleKind> scaleKindFromType(Type type) {
  return llvm::TypeSwitch<Type, std::optional<ScaleKind>>(type)
      .Case([](Float8E8M0FNUType) { return ScaleKind::E8M0; })
      .Case([](Float8E4M3FNType) { return ScaleKind::E4M3; })
      .Case([](Float32Type) { return ScaleKind::F32; })
      .Default([](Type) { return std::nullopt; });
}

static std::string presetList() {
  return llvm::join(FormatSpec::presetNames(), ", ");
}

FailureOr<FormatSpec> FormatAttr::parseBody(AsmParser &parser,
                                            std::optional<int64_t> *axis) {
  FormatSpec spec;
  bool haveBase = false;
  bool first = true;
  auto parseEntry = [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return failure();
    if (parser.parseOptionalEqual()) {
      // A bare word: only a preset name, and only as the first entry.
      std::optional<FormatSpec> preset = FormatSpec::getPreset(key);
      if (!preset)
        return parser.emitError(loc)
               << "unknown format '" << key << "'; expected a preset ("
               << presetList() << ") or 'key = value'";
      if (!first)
        return parser.emitError(loc)
               << "the preset name '" << key << "' must come first";
      spec = *preset;
      haveBase = true;
      first = false;
      return success();
    }
    first = false;
    auto parseUInt = [&](int64_t &value) -> ParseResult {
      SMLoc valueLoc = parser.getCurrentLocation();
      if (parser.parseInteger(value))
        return failure();
      if (value < 0)
        return parser.emitError(valueLoc)
               << "'" << key << "' must not be negative, got " << value;
      return success();
    };
    auto parseBool = [&](bool &value) -> ParseResult {
      SMLoc valueLoc = parser.getCurrentLocation();
      StringRef word;
      if (parser.parseKeyword(&word))
        return failure();
      if (word != "true" && word != "false")
        return parser.emitError(valueLoc)
               << "'" << key << "' takes true or false, got '" << word << "'";
      value = word == "true";
      return success();
    };
    auto parseEnum = [&](auto symbolize, auto &out,
                         StringRef choices) -> ParseResult {
      SMLoc valueLoc = parser.getCurrentLocation();
      StringRef word;
      if (parser.parseKeyword(&word))
        return failure();
      auto value = symbolize(word);
      if (!value)
        return parser.emitError(valueLoc) << "unknown " << key << " '" << word
                                          << "'; expected one of " << choices;
      out = *value;
      return success();
    };

    if (key == "elem") {
      if (succeeded(parser.parseOptionalKeyword("sm"))) {
        spec.element = ElementKind::SM;
        haveBase = true;
        return success();
      }
      SMLoc valueLoc = parser.getCurrentLocation();
      Type type;
      if (parser.parseType(type))
        return failure();
      std::optional<ElementKind> kind = elementKindFromType(type);
      if (!kind)
        return parser.emitError(valueLoc)
               << "element type " << type
               << " is not a quantized element; expected f8E4M3FN, f8E5M2, "
                  "f6E3M2FN, f6E2M3FN, f4E2M1FN, i8, ui8 or sm";
      spec.element = *kind;
      if (spec.element != ElementKind::SM)
        spec.mantissaBits = 0;
      haveBase = true;
      return success();
    }
    if (key == "mantissa") {
      int64_t v;
      if (parseUInt(v))
        return failure();
      spec.mantissaBits = static_cast<unsigned>(std::min<int64_t>(v, 64));
      return success();
    }
    if (key == "granularity") {
      if (parseEnum(symbolizeGranularity, spec.granularity,
                    "tensor, channel, block"))
        return failure();
      if (spec.granularity != Granularity::Block)
        spec.blockSize = 0;
      return success();
    }
    if (key == "block") {
      if (parser.parseInteger(spec.blockSize))
        return failure();
      spec.granularity = Granularity::Block;
      return success();
    }
    if (key == "scale") {
      SMLoc valueLoc = parser.getCurrentLocation();
      Type type;
      if (parser.parseType(type))
        return failure();
      std::optional<ScaleKind> kind = scaleKindFromType(type);
      if (!kind)
        return parser.emitError(valueLoc)
               << "scale type " << type
               << " is not supported; expected f8E8M0FNU, f8E4M3FN or f32";
      spec.scale = *kind;
      return success();
    }
    if (key == "scale_rule")
      return parseEnum(symbolizeScaleRule, spec.scaleRule,
                       "floor, ceil, rceil");
    if (key == "rounding")
      return parseEnum(symbolizeRounding, spec.rounding,
                       "nearest_even, nearest_away, toward_zero");
    if (key == "exp_bits" || key == "sub_bits") {
      int64_t v;
      if (parseUInt(v))
        return failure();
      unsigned clamped = static_cast<unsigned>(std::min<int64_t>(v, 64));
      (key == "exp_bits" ? spec.expBits : spec.subBits) = clamped;
      return success();
    }
    if (key == "sub_block")
      return parser.parseInteger(spec.subBlockSize);
    if (key == "tensor_scale")
      return parseBool(spec.tensorScale);
    if (key == "zero_point")
      return parseBool(spec.zeroPoint);
    if (key == "axis" && axis) {
      int64_t v;
      if (parser.parseInteger(v))
        return failure();
      *axis = v;
      return success();
    }
    return parser.emitError(loc)
           << "unknown format key '" << key
           << "'; expected elem, mantissa, granularity, block, scale, "
              "scale_rule, rounding, exp_bits, sub_block, sub_bits, "
              "tensor_scale, zero_point"
           << (axis ? ", axis" : "");
  };
  SMLoc start = parser.getCurrentLocation();
  if (parser.parseCommaSeparatedList(parseEntry))
    return failure();
  if (!haveBase)
    return parser.emitError(start)
           << "a format needs a preset name or an 'elem = ...' entry";
  return spec;
}

/// The `key = value` entries that turn `base` into `spec`.
static SmallVector<std::string> formatOverrides(const FormatSpec &base,
                                                const FormatSpec &spec) {
  SmallVector<std::string> out;
  auto add = [&](StringRef key, const Twine &value) {
    out.push_back((key + " = " + value).str());
  };
  if (base.element != spec.element)
    add("elem", stringifyElementKind(spec.element));
  if (base.mantissaBits != spec.mantissaBits)
    add("mantissa", Twine(spec.mantissaBits));
  if (spec.granularity != Granularity::Block) {
    if (base.granularity != spec.granularity || base.blockSize != 0)
      add("granularity", stringifyGranularity(spec.granularity));
    if (spec.blockSize != 0)
      add("block", Twine(spec.blockSize));
  } else if (base.granularity != Granularity::Block ||
             base.blockSize != spec.blockSize) {
    add("block", Twine(spec.blockSize));
  }
  if (base.scale != spec.scale)
    add("scale", stringifyScaleKind(spec.scale));
  if (base.scaleRule != spec.scaleRule)
    add("scale_rule", stringifyScaleRule(spec.scaleRule));
  if (base.rounding != spec.rounding)
    add("rounding", stringifyRounding(spec.rounding));
  if (base.expBits != spec.expBits)
    add("exp_bits", Twine(spec.expBits));
  if (base.subBlockSize != spec.subBlockSize)
    add("sub_block", Twine(spec.subBlockSize));
  if (base.subBits != spec.subBits)
    add("sub_bits", Twine(spec.subBits));
  if (base.tensorScale != spec.tensorScale)
    add("tensor_scale", spec.tensorScale ? "true" : "false");
  if (base.zeroPoint != spec.zeroPoint)
    add("zero_point", spec.zeroPoint ? "true" : "false");
  return out;
}

void FormatAttr::printBody(AsmPrinter &printer, const FormatSpec &spec) {
  // The preset of the same element kind that needs the fewest overrides (the
  // first one on ties); another kind's preset only when none has this kind.
  StringRef bestName;
  SmallVector<std::string> best;
  size_t bestCost = 0;
  for (StringRef name : FormatSpec::presetNames()) {
    FormatSpec base = *FormatSpec::getPreset(name);
    SmallVector<std::string> overrides = formatOverrides(base, spec);
    size_t cost = overrides.size() + (base.element != spec.element ? 100 : 0);
    if (bestName.empty() || cost < bestCost) {
      bestName = name;
      bestCost = cost;
      best = std::move(overrides);
    }
  }
  printer << bestName;
  for (const std::string &entry : best)
    printer << ", " << entry;
}

Attribute FormatAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  FailureOr<FormatSpec> spec = parseBody(parser, /*axis=*/nullptr);
  if (failed(spec) || parser.parseGreater())
    return {};
  return FormatAttr::getChecked([&] { return parser.emitError(loc); },
                                parser.getContext(), *spec);
}

void FormatAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printBody(printer, getSpec());
  printer << ">";
}

//===----------------------------------------------------------------------===//
// QuantizedType
//===----------------------------------------------------------------------===//

LogicalResult
QuantizedType::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                      FormatAttr format, int64_t axis) {
  if (!format)
    return emitError() << "!mx.q needs a format";
  if (format.getSpec().granularity == Granularity::Tensor) {
    if (axis != -1)
      return emitError() << "a per-tensor format takes no axis, got axis = "
                         << axis;
    return success();
  }
  if (axis < 0)
    return emitError() << "a per-"
                       << stringifyGranularity(format.getSpec().granularity)
                       << " format needs a non-negative axis, got "
                       << (axis == -1 ? std::string("none")
                                      : std::to_string(axis));
  return success();
}

Type QuantizedType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  std::optional<int64_t> axis;
  if (parser.parseLess())
    return {};
  FailureOr<FormatSpec> spec = FormatAttr::parseBody(parser, &axis);
  if (failed(spec) || parser.parseGreater())
    return {};
  auto emitError = [&] { return parser.emitError(loc); };
  FormatAttr format =
      FormatAttr::getChecked(emitError, parser.getContext(), *spec);
  if (!format)
    return {};
  return QuantizedType::getChecked(emitError, parser.getContext(), format,
                                   axis.value_or(-1));
}

SmallVector<RankedTensorType>
QuantizedType::getStorageTypes(ArrayRef<int64_t> shape) const {
  SmallVector<int64_t> dims;
  for (int64_t d : shape)
    dims.push_back(ShapedType::isDynamic(d) ? kDynamicDim : d);
  StorageLayout layout =
      getStorageLayout(dims, std::max<int64_t>(getAxis(), 0), getSpec());
  SmallVector<RankedTensorType> types;
  Builder b(getContext());
  for (const StorageLayout::Part &part : layout.parts) {
    SmallVector<int64_t> partShape;
    for (int64_t d : part.shape)
      partShape.push_back(d == kDynamicDim ? ShapedType::kDynamic : d);
    Type elem = part.isF32   ? Type(b.getF32Type())
                : part.isI32 ? Type(b.getI32Type())
                             : Type(b.getI8Type());
    types.push_back(RankedTensorType::get(partShape, elem));
  }
  return types;
}

void QuantizedType::print(AsmPrinter &printer) const {
  printer << "<";
  FormatAttr::printBody(printer, getSpec());
  if (getAxis() >= 0)
    printer << ", axis = " << getAxis();
  printer << ">";
}
