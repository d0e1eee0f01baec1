//===- MXOps.cpp - mx dialect operations ----------------------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Quantize.h"
#include "mx/Support/ShapeString.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mx;

/// Checks that `axis` of `qtype` fits a tensor of `rank`.
static LogicalResult verifyAxis(Operation *op, QuantizedType qtype,
                                int64_t rank) {
  if (qtype.isPerTensor())
    return success();
  if (qtype.getAxis() >= rank)
    return op->emitOpError()
           << "axis " << qtype.getAxis()
           << " is out of range for a tensor of rank " << rank;
  return success();
}

/// Shared checks of quantize and dequantize.
static LogicalResult verifyConversion(Operation *op, RankedTensorType floatTy,
                                      RankedTensorType quantTy) {
  if (floatTy.getShape() != quantTy.getShape())
    return op->emitOpError()
           << "shapes of the float tensor (" << shapeString(floatTy.getShape())
           << ") and the quantized tensor (" << shapeString(quantTy.getShape())
           << ") differ";
  return verifyAxis(op, cast<QuantizedType>(quantTy.getElementType()),
                    quantTy.getRank());
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

/// Checks fixed INT8 scales (and zero points) given as attributes against
/// the scales part of `resultType` (docs/Formats.md, "Storage layout"):
/// static_scales / static_zero_points of mx.quantize (`prefix` "static",
/// `subject` "format"), output_scales / output_zero_points of mx.contract
/// ("output", "result").
static LogicalResult
verifyFixedInt8Scales(Operation *op, StringRef prefix, StringRef subject,
                      QuantizedType qtype, RankedTensorType resultType,
                      DenseFPElementsAttr scales,
                      std::optional<DenseIntElementsAttr> zps) {
  std::string scalesName = (prefix + "_scales").str();
  std::string zpsName = (prefix + "_zero_points").str();
  // "format" or "result format", for the zero point messages.
  std::string formatNoun =
      subject == "format" ? "format" : (subject + " format").str();
  FormatSpec spec = qtype.getSpec();
  bool isInt =
      spec.element == ElementKind::I8 || spec.element == ElementKind::UI8;
  if (!isInt || spec.scale != ScaleKind::F32 || spec.tensorScale)
    return op->emitOpError()
           << scalesName << " need an INT8 " << subject
           << " with f32 scales; the scales of this format are computed "
              "from the data";
  RankedTensorType scalesType = qtype.getStorageTypes(resultType.getShape())[1];
  if (!scalesType.hasStaticShape())
    return op->emitOpError()
           << scalesName
           << " need static sizes along the quantization axis (the scales "
              "part is "
           << scalesType << ")";
  if (scales.getType().getShape() != scalesType.getShape())
    return op->emitOpError()
           << scalesName << " have shape "
           << shapeString(scales.getType().getShape())
           << ", but the scales part of " << resultType << " has shape "
           << shapeString(scalesType.getShape());
  for (APFloat s : scales.getValues<APFloat>())
    if (!s.isFiniteNonZero() || s.isNegative())
      return op->emitOpError() << scalesName << " must be positive and finite";
  if (spec.zeroPoint != zps.has_value()) {
    if (spec.zeroPoint)
      return op->emitOpError()
             << "the " << formatNoun << " has a zero point: give " << zpsName
             << " with " << scalesName;
    return op->emitOpError()
           << zpsName << " need a " << formatNoun << " with zero_point = true";
  }
  if (!zps)
    return success();
  if (zps->getType().getShape() != scalesType.getShape())
    return op->emitOpError()
           << zpsName << " have shape "
           << shapeString(zps->getType().getShape()) << ", but " << scalesName
           << " have shape " << shapeString(scalesType.getShape());
  int64_t lo = spec.element == ElementKind::UI8 ? 0 : -128;
  int64_t hi = spec.element == ElementKind::UI8 ? 255 : 127;
  for (APInt z : zps->getValues<APInt>())
    if (z.getSExtValue() < lo || z.getSExtValue() > hi)
      return op->emitOpError()
             << prefix << " zero point " << z.getSExtValue()
             << " is outside the element range [" << lo << ", " << hi << "]";
  return success();
}

/// Checks `static_scales` / `static_zero_points` against the storage parts
/// of the result.
static LogicalResult verifyStaticScales(QuantizeOp op) {
  if (op.getStaticScale())
    return op.emitOpError("static_scale and static_scales exclude each other");
  return verifyFixedInt8Scales(op, "static", "format", op.getQuantizedType(),
                               op.getResult().getType(), *op.getStaticScales(),
                               op.getStaticZeroPoints());
}

LogicalResult QuantizeOp::verify() {
  if (failed(
          verifyConversion(*this, getInput().getType(), getResult().getType())))
    return failure();
  if (getStaticZeroPoints() && !getStaticScales())
    return emitOpError("static_zero_points need static_scales");
  if (getStaticScales())
    return verifyStaticScales(*this);
  if (getCalibration() || getStaticScale()) {
    FormatSpec spec = getQuantizedType().getSpec();
    bool int8 = spec.granularity == Granularity::Tensor &&
                spec.scale == ScaleKind::F32 && !spec.zeroPoint;
    // tensor_scale formats: static_scale is the per-tensor f32 scale (the
    // first level of the two-level scheme).
    if (!int8 && !spec.tensorScale)
      return emitOpError()
             << "static scales (calibration / static_scale) need a symmetric "
                "per-tensor format with an f32 scale, such as int8, or a "
                "format with a per-tensor f32 scale (tensor_scale = true, "
                "such as nvfp4)";
    if (!getCalibration())
      return emitOpError("static_scale needs a calibration name");
    if (std::optional<APFloat> scale =
            getStaticScaleAttr()
                ? std::optional<APFloat>(getStaticScaleAttr().getValue())
                : std::nullopt) {
      if (!scale->isFiniteNonZero() || scale->isNegative())
        return emitOpError("static_scale must be positive and finite");
    }
  }
  return success();
}

LogicalResult DequantizeOp::verify() {
  return verifyConversion(*this, getResult().getType(), getInput().getType());
}

//===----------------------------------------------------------------------===//
// FakeQuantOp
//===----------------------------------------------------------------------===//

int64_t FakeQuantOp::getBlockAxis() {
  if (std::optional<int64_t> axis = getAxis())
    return *axis;
  return getInput().getType().getRank() - 1;
}

QuantizedType FakeQuantOp::getQuantizedType() {
  FormatAttr format = getFormat();
  int64_t axis =
      format.getSpec().granularity == Granularity::Tensor ? -1 : getBlockAxis();
  return QuantizedType::get(getContext(), format, axis);
}

LogicalResult FakeQuantOp::verify() {
  const FormatSpec &spec = getFormat().getSpec();
  int64_t rank = getInput().getType().getRank();
  if (spec.granularity == Granularity::Tensor)
    return success();
  if (rank == 0)
    return emitOpError() << "a per-" << stringifyGranularity(spec.granularity)
                         << " format needs a tensor of rank at least 1";
  int64_t axis = getBlockAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis
                         << " is out of range for a tensor of rank " << rank;
  return success();
}

ParseResult FakeQuantOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand input;
  Type type;
  NamedAttrList attrs;
  if (parser.parseOperand(input))
    return failure();
  SMLoc attrLoc = parser.getCurrentLocation();
  if (parser.parseOptionalAttrDict(attrs) || parser.parseColonType(type))
    return failure();

  MLIRContext *ctx = parser.getContext();
  Attribute format = attrs.get(getFormatAttrName(result.name));
  if (!format)
    return parser.emitError(attrLoc)
           << "expected a 'format' attribute: a preset name ("
           << llvm::join(FormatSpec::presetNames(), ", ")
           << ") or a #mx.format<...>";
  if (auto name = dyn_cast<StringAttr>(format)) {
    FormatAttr preset = FormatAttr::getPreset(ctx, name.getValue());
    if (!preset)
      return parser.emitError(attrLoc)
             << "unknown format '" << name.getValue() << "'; expected one of "
             << llvm::join(FormatSpec::presetNames(), ", ");
    attrs.set(getFormatAttrName(result.name), preset);
  } else if (!isa<FormatAttr>(format)) {
    return parser.emitError(attrLoc)
           << "'format' must be a preset name or a #mx.format<...>, got "
           << format;
  }
  if (Attribute axis = attrs.get(getAxisAttrName(result.name))) {
    auto intAttr = dyn_cast<IntegerAttr>(axis);
    if (!intAttr || !intAttr.getType().isSignlessInteger(64))
      return parser.emitError(attrLoc)
             << "'axis' must be a 64-bit integer, got " << axis;
  }
  result.addAttributes(attrs);
  result.addTypes(type);
  return parser.resolveOperand(input, type, result.operands);
}

void FakeQuantOp::print(OpAsmPrinter &printer) {
  printer << " " << getInput();
  printer.printOptionalAttrDict((*this)->getAttrs());
  printer << " : " << getType();
}

/// The f32 values of a constant, from a dense or dense_resource attribute.
static std::optional<ArrayRef<float>>
constantF32Values(Attribute attr, std::vector<float> &buf) {
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    buf.assign(dense.value_begin<float>(), dense.value_end<float>());
    return ArrayRef<float>(buf);
  }
  if (auto resource = dyn_cast_if_present<DenseF32ResourceElementsAttr>(attr))
    if (std::optional<ArrayRef<float>> values = resource.tryGetAsArrayRef())
      return values;
  return std::nullopt;
}

OpFoldResult FakeQuantOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getType();
  if (!type.hasStaticShape() || !type.getElementType().isF32())
    return {};
  std::vector<float> buf;
  std::optional<ArrayRef<float>> values =
      constantF32Values(adaptor.getInput(), buf);
  if (!values || (int64_t)values->size() != type.getNumElements())
    return {};
  FormatSpec spec = getFormat().getSpec();
  if (!spec.verify().empty())
    return {};
  int64_t axis = spec.granularity == Granularity::Tensor ? 0 : getBlockAxis();
  std::vector<float> out(values->size());
  SmallVector<int64_t> shape(type.getShape());
  fakeQuantArray(values->data(), shape, axis, spec, out.data());
  ArrayRef<char> raw(reinterpret_cast<const char *>(out.data()),
                     out.size() * sizeof(float));
  if (isa<DenseResourceElementsAttr>(adaptor.getInput()))
    return DenseResourceElementsAttr::get(
        type, "mx_fake_quant",
        HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(out)));
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

//===----------------------------------------------------------------------===//
// Ops on quantized tensors: TransposeOp, ClampOp, MaxPoolOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  RankedTensorType inType = getInput().getType();
  RankedTensorType outType = getResult().getType();
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = inType.getRank();
  if ((int64_t)perm.size() != rank)
    return emitOpError() << "permutation has " << perm.size()
                         << " entries for a tensor of rank " << rank;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError("permutation must be a permutation of [0, rank)");
    seen[p] = true;
  }
  if (outType.getRank() != rank)
    return emitOpError("result rank differs from the input rank");
  for (int64_t d = 0; d < rank; ++d)
    if (outType.getDimSize(d) != inType.getDimSize(perm[d]))
      return emitOpError() << "result dimension " << d << " ("
                           << outType.getDimSize(d)
                           << ") is not input dimension " << perm[d] << " ("
                           << inType.getDimSize(perm[d]) << ")";
  auto inQ = cast<QuantizedType>(inType.getElementType());
  auto outQ = cast<QuantizedType>(outType.getElementType());
  if (failed(verifyAxis(*this, inQ, rank)))
    return failure();
  if (inQ.getFormat() != outQ.getFormat())
    return emitOpError("input and result formats differ");
  if (!inQ.isPerTensor()) {
    int64_t expected =
        llvm::find(perm, inQ.getAxis()) - perm.begin(); // < rank: checked
    if (outQ.getAxis() != expected)
      return emitOpError() << "result axis must be " << expected
                           << " (the position of input axis " << inQ.getAxis()
                           << " in the permutation), got " << outQ.getAxis();
  } else if (outQ != inQ) {
    return emitOpError("input and result element types differ");
  }
  if (getStorageElementBits(inQ.getSpec()) != 8 && rank > 0 &&
      perm.back() != rank - 1)
    return emitOpError("sub-byte elements are packed along the last "
                       "dimension: the permutation must keep it last");
  return success();
}

LogicalResult ClampOp::verify() {
  if (!getMin() && !getMax())
    return emitOpError("needs a 'min' or a 'max' bound");
  auto qtype = cast<QuantizedType>(getResult().getType().getElementType());
  // INT8 per tensor: any finite bound (clamped at the code it quantizes
  // to, which is exact when it is a multiple of the scale).
  bool int8PerTensor = qtype.getSpec().scale == ScaleKind::F32 &&
                       qtype.getSpec().granularity == Granularity::Tensor;
  for (FloatAttr bound : {getMinAttr(), getMaxAttr()}) {
    if (!bound)
      continue;
    APFloat v = bound.getValue();
    if (v.isPosZero())
      continue;
    if (!int8PerTensor || !v.isFinite() || v.isNegZero())
      return emitOpError() << "bound " << bound.getValueAsDouble()
                           << " is not +0.0: only zero is exactly "
                              "representable under every runtime scale "
                              "(other finite bounds need INT8 per tensor)";
  }
  if (getMin() && getMax() &&
      getMinAttr().getValue().compare(getMaxAttr().getValue()) ==
          APFloat::cmpGreaterThan)
    return emitOpError("min is greater than max");
  if (getStorageElementBits(qtype.getSpec()) == 6)
    return emitOpError("6-bit packed formats are not supported");
  if (qtype.getSpec().zeroPoint && !qtype.isPerTensor())
    return emitOpError("zero points are only supported per tensor");
  return verifyAxis(*this, qtype, getResult().getType().getRank());
}

LogicalResult MaxPoolOp::verify() {
  RankedTensorType inType = getInput().getType();
  RankedTensorType outType = getResult().getType();
  if (inType.getRank() != 4 || outType.getRank() != 4)
    return emitOpError("expects NHWC tensors of rank 4");
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getDilations().size() != 2)
    return emitOpError("kernel, strides and dilations need 2 entries each");
  auto qtype = cast<QuantizedType>(inType.getElementType());
  if (outType.getElementType() != qtype)
    return emitOpError("input and result element types differ");
  FormatSpec spec = qtype.getSpec();
  if (spec.scale != ScaleKind::F32 || spec.granularity == Granularity::Block ||
      (spec.granularity == Granularity::Channel && qtype.getAxis() != 3))
    return emitOpError("needs an INT8 format with one scale per tensor or "
                       "per channel (axis 3): a window must share one scale");
  if (spec.zeroPoint && !qtype.isPerTensor())
    return emitOpError("zero points are only supported per tensor");
  if (inType.getDimSize(0) != outType.getDimSize(0) ||
      inType.getDimSize(3) != outType.getDimSize(3))
    return emitOpError("batch and channel dimensions must be kept");
  for (int d = 0; d < 2; ++d) {
    int64_t k = getKernel()[d], st = getStrides()[d], dl = getDilations()[d];
    if (k <= 0 || st <= 0 || dl <= 0)
      return emitOpError("kernel, strides and dilations must be positive");
    int64_t in = inType.getDimSize(d + 1), out = outType.getDimSize(d + 1);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
      continue;
    int64_t window = (k - 1) * dl + 1;
    int64_t expected = in < window ? -1 : (in - window) / st + 1;
    if (out != expected)
      return emitOpError() << "spatial dimension " << d + 1
                           << " of the result is " << out << ", expected "
                           << expected;
  }
  return success();
}

std::string PadOp::checkPadding(QuantizedType type, ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> low, ArrayRef<int64_t> high) {
  int64_t rank = shape.size();
  if ((int64_t)low.size() != rank || (int64_t)high.size() != rank)
    return "low and high need one entry per dimension";
  for (int64_t d = 0; d < rank; ++d)
    if (low[d] < 0 || high[d] < 0)
      return "padding must not be negative";
  FormatSpec spec = type.getSpec();
  if (spec.zeroPoint && !type.isPerTensor())
    return "zero points are only supported per tensor";
  if (!type.isPerTensor()) {
    int64_t axis = type.getAxis();
    if (axis >= rank)
      return "the quantization axis is out of range";
    if (spec.granularity == Granularity::Channel &&
        (low[axis] != 0 || high[axis] != 0))
      return "the channel axis " + std::to_string(axis) +
             " is padded (new channels have no scale)";
    if (spec.granularity == Granularity::Block &&
        low[axis] % spec.blockSize != 0)
      return "the low padding " + std::to_string(low[axis]) +
             " of the block axis is not a multiple of the block size " +
             std::to_string(spec.blockSize);
  }
  unsigned bits = getStorageElementBits(spec);
  if (bits != 8 && rank > 0) {
    int64_t group = bits == 4 ? 2 : 4;
    int64_t last = rank - 1;
    if (low[last] % group != 0 ||
        (high[last] != 0 &&
         (ShapedType::isDynamic(shape[last]) || shape[last] % group != 0)))
      return "the padding of the last dimension cuts packing groups of " +
             std::to_string(group) + " elements";
  }
  return "";
}

LogicalResult PadOp::verify() {
  RankedTensorType inType = getInput().getType();
  RankedTensorType outType = getResult().getType();
  auto qtype = cast<QuantizedType>(inType.getElementType());
  if (outType.getElementType() != qtype)
    return emitOpError("input and result element types differ");
  if (outType.getRank() != inType.getRank())
    return emitOpError("result rank differs from the input rank");
  std::string why = checkPadding(qtype, inType.getShape(), getLow(), getHigh());
  if (!why.empty())
    return emitOpError(why);
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    int64_t in = inType.getDimSize(d), out = outType.getDimSize(d);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
      continue;
    if (out != in + getLow()[d] + getHigh()[d])
      return emitOpError() << "result dimension " << d << " is " << out
                           << ", expected " << in + getLow()[d] + getHigh()[d];
  }
  return success();
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType inType = getInput().getType();
  RankedTensorType outType = getResult().getType();
  ArrayRef<int64_t> dims = getDimensions();
  int64_t rank = outType.getRank();
  if (inType.getRank() + (int64_t)dims.size() != rank)
    return emitOpError("result rank must be the input rank plus the number "
                       "of broadcast dimensions");
  SmallVector<bool> isNew(rank, false);
  for (int64_t d : dims) {
    if (d < 0 || d >= rank || isNew[d])
      return emitOpError("dimensions must be distinct result dimensions");
    isNew[d] = true;
  }
  // Input dimension i is result dimension kept[i].
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!isNew[d])
      kept.push_back(d);
  for (auto [i, d] : llvm::enumerate(kept))
    if (inType.getDimSize(i) != outType.getDimSize(d))
      return emitOpError() << "result dimension " << d
                           << " must be input dimension " << i;
  auto inQ = cast<QuantizedType>(inType.getElementType());
  auto outQ = cast<QuantizedType>(outType.getElementType());
  if (failed(verifyAxis(*this, inQ, inType.getRank())))
    return failure();
  if (inQ.getFormat() != outQ.getFormat())
    return emitOpError("input and result formats differ");
  if (inQ.isPerTensor()) {
    if (outQ != inQ)
      return emitOpError("input and result element types differ");
  } else if (outQ.getAxis() != kept[inQ.getAxis()]) {
    return emitOpError() << "result axis must be " << kept[inQ.getAxis()]
                         << " (input axis " << inQ.getAxis()
                         << " in the result), got " << outQ.getAxis();
  }
  if (getStorageElementBits(inQ.getSpec()) != 8 && rank > 0 && isNew[rank - 1])
    return emitOpError("sub-byte elements are packed along the last "
                       "dimension, which must be the input's last");
  return success();
}

#define GET_OP_CLASSES
#include "mx/Dialect/MX/IR/MXOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ContractOp
//===----------------------------------------------------------------------===//

/// lhs_pad_low / lhs_pad_high: one non-negative entry per lhs dimension,
/// none on the quantization axis or a packed last dimension. Returns the
/// type of the padded lhs, which the lhs map indexes.
static FailureOr<RankedTensorType> verifyContractPadding(ContractOp op) {
  RankedTensorType lhsType = op.getLhs().getType();
  std::optional<ArrayRef<int64_t>> low = op.getLhsPadLow(),
                                   high = op.getLhsPadHigh();
  if (!low && !high)
    return lhsType;
  if (!low || !high)
    return op.emitOpError("lhs_pad_low and lhs_pad_high go together");
  int64_t rank = lhsType.getRank();
  if ((int64_t)low->size() != rank || (int64_t)high->size() != rank)
    return op.emitOpError() << "lhs_pad_low and lhs_pad_high need one entry "
                               "per lhs dimension ("
                            << rank << ")";
  QuantizedType qtype = op.getLhsQuantizedType();
  FormatSpec spec = qtype.getSpec();
  bool packed = getStorageElementBits(spec) < 8;
  SmallVector<int64_t> shape(lhsType.getShape());
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = (*low)[d], hi = (*high)[d];
    if (lo < 0 || hi < 0)
      return op.emitOpError("lhs padding must not be negative");
    if (lo == 0 && hi == 0)
      continue;
    if (!qtype.isPerTensor() && d == qtype.getAxis())
      return op.emitOpError() << "lhs padding along the quantization axis " << d
                              << " is not supported";
    if (packed && d == rank - 1)
      return op.emitOpError()
             << "lhs padding along the packed last dimension of a "
             << getStorageElementBits(spec) << "-bit format is not supported";
    if (!ShapedType::isDynamic(shape[d]))
      shape[d] += lo + hi;
  }
  return RankedTensorType::get(shape, lhsType.getElementType());
}

/// output_scales / output_zero_points: the static scales of an INT8 result,
/// in the shape of its scales part (as static_scales of mx.quantize).
static LogicalResult verifyContractOutputScales(ContractOp op) {
  std::optional<DenseFPElementsAttr> scales = op.getOutputScales();
  std::optional<DenseIntElementsAttr> zps = op.getOutputZeroPoints();
  if (!scales) {
    if (zps)
      return op.emitOpError("output_zero_points need output_scales");
    return success();
  }
  QuantizedType qtype = op.getResultQuantizedType();
  if (!qtype)
    return op.emitOpError("output_scales need a quantized result");
  if (op.getOutputScale())
    return op.emitOpError("output_scale and output_scales exclude each other");
  return verifyFixedInt8Scales(op, "output", "result", qtype,
                               op.getResultType(), *scales, zps);
}

LogicalResult ContractOp::verify() {
  ArrayAttr iterators = getIteratorTypes();
  unsigned numLoops = iterators.size();
  for (auto [i, it] : llvm::enumerate(iterators)) {
    StringRef kind = cast<StringAttr>(it).getValue();
    if (kind != "parallel" && kind != "reduction")
      return emitOpError() << "iterator type " << i << " is '" << kind
                           << "'; expected \"parallel\" or \"reduction\"";
  }
  SmallVector<AffineMap> maps =
      llvm::to_vector(getIndexingMaps().getAsValueRange<AffineMapAttr>());
  if (maps.size() != 3)
    return emitOpError() << "expects 3 indexing maps (lhs, rhs, result), got "
                         << maps.size();
  RankedTensorType resultType = getResultType();
  Type resultElement = resultType.getElementType();
  if (!resultElement.isF32() && !isa<QuantizedType>(resultElement))
    return emitOpError() << "result element type must be f32 or !mx.q, got "
                         << resultElement;
  FailureOr<RankedTensorType> paddedLhs = verifyContractPadding(*this);
  if (failed(paddedLhs))
    return failure();
  SmallVector<std::pair<StringRef, RankedTensorType>> operands = {
      {"lhs", *paddedLhs}, {"rhs", getRhs().getType()}, {"result", resultType}};
  std::optional<AffineMap> biasMap = getBiasMap();
  if (getBias() && !biasMap)
    return emitOpError() << "a bias needs a bias_map";
  if (biasMap && !getBias())
    return emitOpError() << "bias_map given without a bias";
  if (getBiasInit() && !getBias())
    return emitOpError() << "bias_init needs a bias";
  if (getBias()) {
    maps.push_back(*biasMap);
    operands.push_back({"bias", cast<RankedTensorType>(getBias().getType())});
  }
  // Loop extents from the map results that are plain dimensions.
  SmallVector<int64_t> extents(numLoops, ShapedType::kDynamic);
  for (auto [map, operand] : llvm::zip(maps, operands)) {
    auto [name, type] = operand;
    if (map.getNumDims() != numLoops || map.getNumSymbols() != 0)
      return emitOpError() << "indexing map of the " << name << " must have "
                           << numLoops << " dimensions and no symbols";
    if (map.getNumResults() != (unsigned)type.getRank())
      return emitOpError() << "indexing map of the " << name << " has "
                           << map.getNumResults()
                           << " results for a tensor of rank "
                           << type.getRank();
    for (auto [r, expr] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || type.isDynamicDim(r))
        continue;
      int64_t &extent = extents[dim.getPosition()];
      if (ShapedType::isDynamic(extent))
        extent = type.getDimSize(r);
      else if (extent != type.getDimSize(r))
        return emitOpError()
               << "loop dimension d" << dim.getPosition() << " has extent "
               << extent << " but dimension " << r << " of the " << name
               << " is " << type.getDimSize(r);
    }
  }
  for (unsigned d = 0; d < numLoops; ++d) {
    bool plain = llvm::any_of(maps, [&](AffineMap m) {
      return llvm::any_of(m.getResults(), [&](AffineExpr e) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        return dim && dim.getPosition() == d;
      });
    });
    if (!plain)
      return emitOpError() << "loop dimension d" << d
                           << " is not the plain index of any dimension, so "
                              "its extent is unknown";
  }
  // The result and the bias are indexed by parallel dimensions only (the
  // bias may also read index 0 of a dimension of size 1: a broadcast).
  for (unsigned m = 2; m < maps.size(); ++m) {
    for (auto [r, expr] : llvm::enumerate(maps[m].getResults())) {
      auto cst = dyn_cast<AffineConstantExpr>(expr);
      if (m == 3 && cst && cst.getValue() == 0 &&
          operands[m].second.getDimSize(r) == 1)
        continue;
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || isReductionDim(dim.getPosition()))
        return emitOpError() << "indexing map of the " << operands[m].first
                             << " must use parallel dimensions only";
    }
  }
  // Other results (convolution windows) must stay inside their operand.
  for (auto [map, operand] : llvm::zip(maps, operands)) {
    auto [name, type] = operand;
    if (llvm::any_of(extents, ShapedType::isDynamic) || !type.hasStaticShape())
      continue;
    SmallVector<int64_t> last;
    for (int64_t e : extents)
      last.push_back(e - 1);
    for (auto [r, v] : llvm::enumerate(map.compose(last)))
      if (v >= type.getDimSize(r))
        return emitOpError() << "indexing map of the " << name
                             << " reaches index " << v << " of dimension " << r
                             << ", which has size " << type.getDimSize(r);
  }
  if (getResidual()) {
    auto residualType = cast<RankedTensorType>(getResidual().getType());
    if (residualType.getShape() != resultType.getShape() ||
        !residualType.getElementType().isF32())
      return emitOpError() << "residual must be an f32 tensor of the result's "
                              "shape";
  }
  if (getClampMin() && getClampMax() &&
      !(getClampMin()->convertToFloat() <= getClampMax()->convertToFloat()))
    return emitOpError() << "clamp_min must not exceed clamp_max";
  if (auto q = getResultQuantizedType()) {
    if (failed(verifyAxis(*this, q, resultType.getRank())))
      return failure();
    if (getOutputScale()) {
      float s = getOutputScale()->convertToFloat();
      if (q.getSpec().scale != ScaleKind::F32 || !q.isPerTensor())
        return emitOpError()
               << "output_scale applies to per-tensor INT8 results only";
      if (!(s > 0) || std::isinf(s))
        return emitOpError() << "output_scale must be positive and finite";
    }
  } else if (getOutputScale()) {
    return emitOpError() << "output_scale needs a quantized result";
  }
  return verifyContractOutputScales(*this);
}

//===----------------------------------------------------------------------===//
// AssembleOp / DisassembleOp
//===----------------------------------------------------------------------===//

/// Checks that `partTypes` are the storage parts of `quantType`.
static LogicalResult verifyParts(Operation *op, RankedTensorType quantType,
                                 TypeRange partTypes) {
  if (failed(verifyAxis(op, cast<QuantizedType>(quantType.getElementType()),
                        quantType.getRank())))
    return failure();
  SmallVector<RankedTensorType> expected =
      cast<QuantizedType>(quantType.getElementType())
          .getStorageTypes(quantType.getShape());
  if (expected.size() != partTypes.size())
    return op->emitOpError() << quantType << " has " << expected.size()
                             << " storage parts, not " << partTypes.size();
  for (auto [i, want, got] : llvm::enumerate(expected, partTypes))
    if (want != got)
      return op->emitOpError() << "storage part " << i << " of " << quantType
                               << " has type " << want << ", not " << got;
  return success();
}

LogicalResult AssembleOp::verify() {
  return verifyParts(*this, getResult().getType(), getParts().getTypes());
}

LogicalResult DisassembleOp::verify() {
  return verifyParts(*this, getInput().getType(), getParts().getTypes());
}

//===----------------------------------------------------------------------===//
// WarpMMAOp
//===----------------------------------------------------------------------===//

namespace {
/// The element families of mx.warp_mma operands.
enum class WarpMMAFamily { Int8, MXInt8, MXFloat, Unsupported };

WarpMMAFamily warpMMAFamily(const FormatSpec &spec) {
  if (spec.element == ElementKind::I8 && spec.scale == ScaleKind::F32 &&
      spec.granularity != Granularity::Block && !spec.zeroPoint)
    return WarpMMAFamily::Int8;
  if (spec.scale != ScaleKind::E8M0 || spec.granularity != Granularity::Block ||
      spec.blockSize != 32 || spec.subBlockSize != 0 || spec.tensorScale)
    return WarpMMAFamily::Unsupported;
  switch (spec.element) {
  case ElementKind::I8:
    return WarpMMAFamily::MXInt8;
  case ElementKind::F8E4M3FN:
  case ElementKind::F8E5M2:
  case ElementKind::F4E2M1FN:
    return WarpMMAFamily::MXFloat;
  default:
    return WarpMMAFamily::Unsupported;
  }
}
} // namespace

bool WarpMMAOp::supportsFormats(const FormatSpec &a, const FormatSpec &b) {
  WarpMMAFamily fa = warpMMAFamily(a);
  return fa != WarpMMAFamily::Unsupported && fa == warpMMAFamily(b);
}

LogicalResult WarpMMAOp::verify() {
  FormatSpec specs[2] = {getASpec(), getBSpec()};
  WarpMMAFamily families[2];
  for (unsigned i = 0; i < 2; ++i) {
    families[i] = warpMMAFamily(specs[i]);
    if (families[i] == WarpMMAFamily::Unsupported)
      return emitOpError() << (i ? "b" : "a") << "_format "
                           << (i ? getBFormat() : getAFormat())
                           << " has no tensor-core tile (expected INT8 with "
                              "f32 scales, or E8M0 blocks of 32 with e4m3, "
                              "e5m2, e2m1 or int8 elements)";
  }
  if (families[0] != families[1])
    return emitOpError("a_format and b_format must both be INT8, both "
                       "MXINT8 or both MX float formats");
  // Tile shapes in storage: packed 4-bit elements halve the last dimension.
  auto expectShape = [&](Value v, const FormatSpec &spec, int64_t rows,
                         int64_t cols, StringRef name) -> LogicalResult {
    int64_t packed = getStorageElementBits(spec) == 4 ? cols / 2 : cols;
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getShape() != ArrayRef<int64_t>{rows, packed})
      return emitOpError() << name << " must be the " << rows << "x" << cols
                           << " tile in storage, tensor<" << rows << "x"
                           << packed << "xi8>, not " << type;
    return success();
  };
  if (failed(expectShape(getA(), specs[0], 16, 32, "a")) ||
      failed(expectShape(getB(), specs[1], 32, 8, "b")))
    return failure();
  bool scaled = families[0] != WarpMMAFamily::Int8;
  if (scaled != static_cast<bool>(getAScales()) ||
      scaled != static_cast<bool>(getBScales()))
    return emitOpError(scaled ? "E8M0 formats need a_scales and b_scales"
                              : "INT8 operands take no scales (they apply "
                                "after the reduction)");
  if (scaled) {
    if (cast<RankedTensorType>(getAScales().getType()).getShape() !=
        ArrayRef<int64_t>{16})
      return emitOpError("a_scales must be tensor<16xi8> (one E8M0 code per "
                         "row of A)");
    if (cast<RankedTensorType>(getBScales().getType()).getShape() !=
        ArrayRef<int64_t>{8})
      return emitOpError("b_scales must be tensor<8xi8> (one E8M0 code per "
                         "column of B)");
  }
  if (getScaleLayout()) {
    auto isF8 = [](const FormatSpec &s) {
      return s.element == ElementKind::F8E4M3FN ||
             s.element == ElementKind::F8E5M2;
    };
    if (!isF8(specs[0]) || !isF8(specs[1]))
      return emitOpError("scale_layout m16n8k32_x1 needs MXFP8 (e4m3 or "
                         "e5m2) operands");
  }
  if (getResult().getType() != getAcc().getType())
    return emitOpError("result type must be the accumulator type");
  Type accElement = getAcc().getType().getElementType();
  if (scaled != accElement.isF32())
    return emitOpError(scaled ? "MX formats accumulate in f32"
                              : "INT8 accumulates in i32");
  return success();
}

//===----------------------------------------------------------------------===//
// TCGen05MMAOp
//===----------------------------------------------------------------------===//

bool TCGen05MMAOp::supportsFormats(const FormatSpec &a, const FormatSpec &b) {
  auto blocked = [](const FormatSpec &s) {
    return s.scale == ScaleKind::E8M0 && s.granularity == Granularity::Block &&
           s.blockSize == 32 && s.subBlockSize == 0 && !s.tensorScale;
  };
  auto isF8 = [](const FormatSpec &s) {
    return s.element == ElementKind::F8E4M3FN ||
           s.element == ElementKind::F8E5M2;
  };
  if (!blocked(a) || !blocked(b))
    return false;
  if (isF8(a) && isF8(b))
    return true;
  return a.element == ElementKind::F4E2M1FN &&
         b.element == ElementKind::F4E2M1FN;
}

LogicalResult TCGen05MMAOp::verify() {
  if (!supportsFormats(getASpec(), getBSpec()))
    return emitOpError("a_format and b_format must be E8M0 blocks of 32 with "
                       "e4m3 / e5m2 elements (kind::mxf8f6f4) or both e2m1 "
                       "(kind::mxf4)");
  if (getScaleLayout() != "tmem_lane_row")
    return emitOpError("unknown scale_layout \"")
           << getScaleLayout() << "\" (expected \"tmem_lane_row\")";
  auto shapeOf = [](Value v) { return cast<ShapedType>(v.getType()); };
  ShapedType a = shapeOf(getA()), b = shapeOf(getB()),
             sa = shapeOf(getAScales()), sb = shapeOf(getBScales()),
             init = shapeOf(getInit());
  for (ShapedType t : {a, b, sa, sb})
    if (t.getRank() != 2 || !t.hasStaticShape() ||
        !t.getElementType().isInteger(8))
      return emitOpError("code and scale operands must be static 2-D i8 "
                         "tiles");
  if (init.getRank() != 1 || !init.hasStaticShape() ||
      !init.getElementType().isF32())
    return emitOpError("init must be a static 1-D f32 row");
  int64_t n = init.getDimSize(0);
  if (n < 16 || n > 128 || n % 16 != 0)
    return emitOpError("N (the row length) must be a multiple of 16 from 16 "
                       "to 128, not ")
           << n;
  int64_t pack = isF4() ? 2 : 1, kb = a.getDimSize(1), k = kb * pack;
  if (k % (32 * pack) != 0)
    return emitOpError("K must be a multiple of ") << 32 * pack;
  if (a.getDimSize(0) != 128)
    return emitOpError("a must have 128 rows");
  if (b.getShape() != ArrayRef<int64_t>{n, kb})
    return emitOpError("b must be the K-major ")
           << n << "x" << kb << " tile (N rows of K codes in storage)";
  if (sa.getShape() != ArrayRef<int64_t>{128, k / 32} ||
      sb.getShape() != ArrayRef<int64_t>{n, k / 32})
    return emitOpError("a_scales and b_scales must be [128, K/32] and "
                       "[N, K/32]");
  bool tensors = hasPureTensorSemantics();
  for (Value v : {getA(), getB(), getAScales(), getBScales()})
    if (isa<RankedTensorType>(v.getType()) != tensors)
      return emitOpError("operands must be all tensors or all memrefs");
  if (tensors != static_cast<bool>(getResult()))
    return emitOpError(tensors ? "the tensor form has a result (the row)"
                               : "the memref form has no result");
  if (tensors && getResult().getType() != getInit().getType())
    return emitOpError("result type must be the type of init");
  return success();
}

void TCGen05MMAOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (hasPureTensorSemantics())
    return;
  for (OpOperand &o : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(o.get().getType()))
      continue;
    effects.emplace_back(MemoryEffects::Read::get(), &o,
                         SideEffects::DefaultResource::get());
    if (o.get() == getInit())
      effects.emplace_back(MemoryEffects::Write::get(), &o,
                           SideEffects::DefaultResource::get());
  }
}
