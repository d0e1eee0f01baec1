//===- DataMovement.cpp - mx ops on quantized tensors to storage parts ----===//
//
// Part of mx-opt. The 1:N storage conversion of the ops --mx-propagate
// builds on quantized tensors: mx.transpose, mx.clamp, mx.max_pool and
// tensor.concat become the same operation on the packed codes, with the
// scales transposed or concatenated alongside (or passed through).
//
//===----------------------------------------------------------------------===//

#include "StorageParts.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cstring>

using namespace mlir;
using namespace mx;

namespace {

/// mx.transpose: every part with the tensor's rank (data, block scales,
/// microexponents, block zero points) is transposed the same way; rank-0
/// and per-channel parts are unchanged. The verifier keeps the packed last
/// dimension last.
struct TransposeToParts : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<SmallVector<RankedTensorType>> outTypes =
        getStaticStorageTypes(op, resultType);
    if (failed(outTypes))
      return failure();
    ArrayRef<int64_t> perm = op.getPermutation();
    int64_t rank = resultType.getRank();
    return replaceWithMovedParts(
        op, adaptor.getInput(), *outTypes, "transpose", rewriter,
        [&](RankedTensorType partType, RankedTensorType) {
          return partType.getRank() == rank && rank != 0;
        },
        [&](unsigned, Value part,
            RankedTensorType outType) -> FailureOr<Value> {
          Value init =
              tensor::EmptyOp::create(rewriter, op.getLoc(), outType.getShape(),
                                      outType.getElementType());
          return linalg::TransposeOp::create(rewriter, op.getLoc(), part, init,
                                             perm)
              .getResult()[0];
        });
  }
};

/// The codes of one stored byte after clamping (see mx.clamp). For INT8,
/// `loCode` / `hiCode` are the i8 codes of the bounds (zero: 0, or the
/// zero point of asymmetric INT8).
static Value clampByte(OpBuilder &b, Location loc, Value byte,
                       const FormatSpec &spec, bool lower, bool upper,
                       Value loCode, Value hiCode) {
  Type i8 = b.getI8Type();
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, i8, b.getIntegerAttr(i8, v));
  };
  Value x = byte;
  if (spec.element == ElementKind::I8) { // Two's complement.
    if (lower)
      x = arith::MaxSIOp::create(b, loc, x, loCode);
    if (upper)
      x = arith::MinSIOp::create(b, loc, x, hiCode);
    return x;
  }
  if (spec.element == ElementKind::UI8) { // Zero point.
    if (lower)
      x = arith::MaxUIOp::create(b, loc, x, loCode);
    if (upper)
      x = arith::MinUIOp::create(b, loc, x, hiCode);
    return x;
  }
  if (getStorageElementBits(spec) == 4) {
    // Two sign-magnitude nibbles per byte, sign bits 3 and 7, no NaN codes:
    // clear every nibble on the clamped side.
    Value signs = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, x, c(3)), c(0x11));
    Value result = x;
    Value clearNeg = arith::MulIOp::create(b, loc, signs, c(0x0F));
    Value clearPos = arith::MulIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, signs, c(0x11)), c(0x0F));
    if (lower)
      result = arith::AndIOp::create(
          b, loc, result, arith::XOrIOp::create(b, loc, clearNeg, c(-1)));
    if (upper)
      result = arith::AndIOp::create(
          b, loc, result, arith::XOrIOp::create(b, loc, clearPos, c(-1)));
    return result;
  }
  // One sign-magnitude code per byte: OCP FP8 (sign bit 7, NaN codes) or
  // the sm family (sign bit m above an m-bit magnitude, no NaN codes).
  unsigned signBit = spec.element == ElementKind::SM ? spec.mantissaBits : 7;
  Value magnitude = arith::AndIOp::create(b, loc, x, c((1 << signBit) - 1));
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, x, c(1 << signBit)), c(0));
  Value notNaN;
  if (spec.element == ElementKind::F8E4M3FN)
    notNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, magnitude,
                                   c(0x7F));
  else if (spec.element == ElementKind::F8E5M2) // Inf is 0x7C.
    notNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, magnitude,
                                   c(0x7C));
  else
    notNaN = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  Value positive = arith::XOrIOp::create(
      b, loc, negative, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  Value zero = c(0);
  if (lower)
    x = arith::SelectOp::create(
        b, loc, arith::AndIOp::create(b, loc, negative, notNaN), zero, x);
  if (upper)
    x = arith::SelectOp::create(
        b, loc, arith::AndIOp::create(b, loc, positive, notNaN), zero, x);
  return x;
}

/// mx.clamp: an elementwise linalg.generic over the data bytes; the scales
/// are unchanged.
struct ClampToParts : OpConversionPattern<ClampOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClampOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto qtype = cast<QuantizedType>(op.getResult().getType().getElementType());
    FormatSpec spec = qtype.getSpec();
    ValueRange parts = adaptor.getInput();
    Location loc = op.getLoc();
    Value data = parts.front();
    auto dataType = cast<RankedTensorType>(data.getType());
    Type i8 = rewriter.getI8Type();
    Value zeroPoint = arith::ConstantOp::create(rewriter, loc, i8,
                                                rewriter.getIntegerAttr(i8, 0));
    if (spec.zeroPoint) {
      Value zp = parts.back();
      if (cast<RankedTensorType>(zp.getType()).getRank() != 0)
        return op.emitOpError("per-channel zero points are not supported");
      zeroPoint = arith::TruncIOp::create(
          rewriter, loc, i8,
          tensor::ExtractOp::create(rewriter, loc, zp, ValueRange{}));
    }
    // The code of a bound: zero's is the zero point; another bound (INT8
    // per tensor, the verifier) quantizes with the tensor's scale as
    // mx.quantize does, so that Q(max(x, lo)) = max(Q(x), Q(lo)).
    auto boundCode = [&](std::optional<APFloat> bound) -> Value {
      if (!bound || bound->isPosZero())
        return zeroPoint;
      NumericsEmitter e(rewriter, loc, {});
      numerics::Int8Scale<NumericsEmitter> scale;
      scale.scale =
          tensor::ExtractOp::create(rewriter, loc, parts[1], ValueRange{});
      scale.zeroPoint = e.cf(0.0f);
      if (spec.zeroPoint) {
        scale.zeroPoint = e.siToF(tensor::ExtractOp::create(
            rewriter, loc, parts.back(), ValueRange{}));
        scale.hasZeroPoint = true;
      }
      scale.isNaN = e.fisNaNOrInf(scale.scale);
      Value level =
          numerics::int8Level(e, e.cf(bound->convertToFloat()), scale, spec);
      return arith::TruncIOp::create(rewriter, loc, i8, e.fToSI(level));
    };
    Value loCode = boundCode(op.getMin()), hiCode = boundCode(op.getMax());
    bool lower = op.getMin().has_value(), upper = op.getMax().has_value();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < dataType.getRank(); ++d)
      if (dataType.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, data, d));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, dataType.getShape(),
                                dataType.getElementType(), dynamicSizes);
    AffineMap id = rewriter.getMultiDimIdentityMap(dataType.getRank());
    SmallVector<utils::IteratorType> iterators(dataType.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{dataType}, ValueRange{data}, ValueRange{init},
        ArrayRef<AffineMap>{id, id}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              clampByte(b, l, args[0], spec, lower, upper, loCode, hiCode));
        });
    replaceData(op, parts, generic.getResult(0), rewriter);
    return success();
  }
};

/// mx.max_pool: linalg max pooling of the INT8 codes (signed, or unsigned
/// with a zero point) from the smallest code; the scales are unchanged.
struct MaxPoolToParts : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResult().getType();
    if (!resultType.hasStaticShape())
      return op.emitOpError("needs static shapes in the CPU lowering");
    auto qtype = cast<QuantizedType>(resultType.getElementType());
    bool isUnsigned = qtype.getSpec().element == ElementKind::UI8;
    ValueRange parts = adaptor.getInput();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    auto dataType = RankedTensorType::get(resultType.getShape(), i8);
    Value lowest = arith::ConstantOp::create(
        rewriter, loc, i8, rewriter.getIntegerAttr(i8, isUnsigned ? 0 : -128));
    Value init =
        linalg::FillOp::create(
            rewriter, loc, lowest,
            tensor::EmptyOp::create(rewriter, loc, dataType.getShape(), i8)
                .getResult())
            .getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, op.getKernel(), i8);
    auto attr = [&](ArrayRef<int64_t> v) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({2}, rewriter.getI64Type()), v);
    };
    Value pooled;
    if (isUnsigned)
      pooled = linalg::PoolingNhwcMaxUnsignedOp::create(
                   rewriter, loc, TypeRange{dataType},
                   ValueRange{parts.front(), window}, ValueRange{init},
                   attr(op.getStrides()), attr(op.getDilations()))
                   .getResult(0);
    else
      pooled = linalg::PoolingNhwcMaxOp::create(
                   rewriter, loc, TypeRange{dataType},
                   ValueRange{parts.front(), window}, ValueRange{init},
                   attr(op.getStrides()), attr(op.getDilations()))
                   .getResult(0);
    replaceData(op, parts, pooled, rewriter);
    return success();
  }
};

/// The constant a rank-0 storage part holds (an arith.constant, or a
/// tensor.from_elements of one, as static quantizations build), if any.
static Attribute scalarConstant(Value part) {
  if (auto from = part.getDefiningOp<tensor::FromElementsOp>()) {
    Attribute attr;
    if (from.getElements().size() == 1 &&
        matchPattern(from.getElements()[0], m_Constant(&attr)))
      return attr;
    return {};
  }
  DenseElementsAttr dense;
  if (matchPattern(part, m_Constant(&dense)) && dense.isSplat())
    return dense.getSplatValue<Attribute>();
  return {};
}

/// `pieces[0]` when every rank-0 part in `pieces` is the same value or the
/// same compile-time constant, else null.
static Value sameScalarPart(ArrayRef<Value> pieces) {
  Attribute first = scalarConstant(pieces.front());
  for (Value v : pieces.drop_front()) {
    if (v == pieces.front())
      continue;
    if (!first || scalarConstant(v) != first)
      return {};
  }
  return pieces.front();
}

/// tensor.concat of quantized tensors: each storage part concatenated
/// along the same dimension (per-channel scales along their only one).
/// QuantCommutingOpInterface ensured that blocks and packing groups stay
/// whole and that no operand has a scale for the whole tensor.
struct ConcatToParts : OpConversionPattern<tensor::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tensor::ConcatOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResultType();
    auto qtype = dyn_cast<QuantizedType>(resultType.getElementType());
    if (!qtype)
      return failure();
    if (!resultType.hasStaticShape())
      return op.emitOpError("concatenations of quantized tensors need static "
                            "shapes in the CPU lowering");
    SmallVector<RankedTensorType> outTypes =
        qtype.getStorageTypes(resultType.getShape());
    int64_t rank = resultType.getRank();
    int64_t dim = op.getDim();
    SmallVector<Value> results;
    for (auto [index, outType] : llvm::enumerate(outTypes)) {
      SmallVector<Value> pieces;
      for (ValueRange operandParts : adaptor.getInputs())
        pieces.push_back(operandParts[index]);
      int64_t partDim = outType.getRank() == rank ? dim : 0;
      if (outType.getRank() == 0) {
        // One scale (or zero point) for all: --mx-propagate only
        // concatenates per-tensor codes quantized with one fixed scale.
        if (Value same = sameScalarPart(pieces)) {
          results.push_back(same);
          continue;
        }
      }
      if (outType.getRank() == 0 ||
          (outType.getRank() != rank && dim != qtype.getAxis()))
        return op.emitOpError("cannot concatenate the storage part ")
               << outType
               << ": each operand has its own scale for the whole tensor "
                  "or channel (per-tensor parts must be the same "
                  "compile-time constant)";
      auto concat =
          tensor::ConcatOp::create(rewriter, op.getLoc(), partDim, pieces);
      if (concat.getResultType() != outType)
        return op.emitOpError("the concatenated storage part ")
               << concat.getResultType() << " is not " << outType
               << " (an operand ends inside a block or packing group)";
      results.push_back(concat);
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// The value of the storage part `partIndex` (1: scales, 2:
/// microexponents) of a block made only of padding: what mx.quantize gives
/// an all-zero block (E4M3 block scales: code 0, the scale of zeros under
/// any finite tensor scale).
static Value paddingPartValue(OpBuilder &b, Location loc,
                              const FormatSpec &spec, unsigned partIndex,
                              Type elementType) {
  if (partIndex == 1 && spec.scale == ScaleKind::E4M3)
    return arith::ConstantOp::create(b, loc, elementType,
                                     b.getIntegerAttr(elementType, 0));
  std::vector<float> zeros(spec.blockSize, 0.0f);
  QuantizedArray q = quantizeArray(
      zeros.data(), {static_cast<int64_t>(spec.blockSize)}, 0, spec);
  const std::vector<uint8_t> &bytes = q.parts[partIndex];
  if (elementType.isF32()) {
    float v;
    std::memcpy(&v, bytes.data(), sizeof(v));
    return arith::ConstantOp::create(b, loc, elementType, b.getF32FloatAttr(v));
  }
  return arith::ConstantOp::create(
      b, loc, elementType,
      b.getIntegerAttr(elementType, static_cast<int8_t>(bytes[0])));
}

/// mx.pad: tensor.pad of every storage part with the tensor's rank, the
/// padding converted to the part's units (blocks along the block axis,
/// bytes along the packed last dimension of the data); the data is padded
/// with the code of zero, new blocks with the all-zero block's scale.
/// Rank-0 and per-channel parts are unchanged (the channel axis is never
/// padded).
struct PadToParts : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inType = op.getInput().getType();
    RankedTensorType resultType = op.getResult().getType();
    if (!inType.hasStaticShape() || !resultType.hasStaticShape())
      return op.emitOpError("needs static shapes in the CPU lowering");
    auto qtype = cast<QuantizedType>(resultType.getElementType());
    FormatSpec spec = qtype.getSpec();
    SmallVector<RankedTensorType> outTypes =
        qtype.getStorageTypes(resultType.getShape());
    ValueRange parts = adaptor.getInput();
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    auto build = [&](unsigned index, Value part,
                     RankedTensorType outType) -> FailureOr<Value> {
      auto partType = cast<RankedTensorType>(part.getType());
      SmallVector<int64_t> partLow = getStoragePartOffsets(
          spec, qtype.getAxis(), index, rank, op.getLow());
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t l = partLow[d];
        int64_t h = outType.getDimSize(d) - partType.getDimSize(d) - l;
        if (h < 0) {
          op.emitOpError("cannot pad the storage part ")
              << partType << " to " << outType;
          return failure();
        }
        low.push_back(rewriter.getIndexAttr(l));
        high.push_back(rewriter.getIndexAttr(h));
      }
      Value padValue;
      Type elementType = outType.getElementType();
      if (index == 0) {
        padValue =
            arith::ConstantOp::create(rewriter, loc, elementType,
                                      rewriter.getIntegerAttr(elementType, 0));
        if (spec.zeroPoint) {
          // Per tensor (the verifier): the code of zero is the zero point.
          padValue = arith::TruncIOp::create(
              rewriter, loc, elementType,
              tensor::ExtractOp::create(rewriter, loc, parts.back(),
                                        ValueRange{}));
        }
      } else {
        padValue = paddingPartValue(rewriter, loc, spec, index, elementType);
      }
      return tensor::PadOp::create(rewriter, loc, outType, part, low, high,
                                   padValue)
          .getResult();
    };
    return replaceWithMovedParts(
        op, parts, outTypes, "pad", rewriter,
        [&](RankedTensorType partType, RankedTensorType outType) {
          return partType != outType && partType.getRank() == rank;
        },
        build);
  }
};

/// mx.broadcast: linalg.broadcast of every storage part with the tensor's
/// rank along the same new dimensions; other parts (rank 0, per channel)
/// are unchanged. The verifier keeps the packed last dimension.
struct BroadcastToParts : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<SmallVector<RankedTensorType>> outTypes =
        getStaticStorageTypes(op, resultType);
    if (failed(outTypes))
      return failure();
    int64_t inRank = op.getInput().getType().getRank();
    return replaceWithMovedParts(
        op, adaptor.getInput(), *outTypes, "broadcast", rewriter,
        [&](RankedTensorType partType, RankedTensorType outType) {
          return partType != outType && partType.getRank() == inRank &&
                 outType.getRank() == resultType.getRank();
        },
        [&](unsigned, Value part,
            RankedTensorType outType) -> FailureOr<Value> {
          Value init =
              tensor::EmptyOp::create(rewriter, op.getLoc(), outType.getShape(),
                                      outType.getElementType());
          return linalg::BroadcastOp::create(rewriter, op.getLoc(), part, init,
                                             op.getDimensions())
              .getResult()[0];
        });
  }
};

/// tensor.insert_slice of a quantized tensor into another: the matching
/// insertion for every storage part (offsets divided by the block size
/// along the axis, by the packing along the last dimension of the data).
/// Per-tensor parts must be one compile-time constant (one fixed scale).
struct InsertSliceToParts : OpConversionPattern<tensor::InsertSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tensor::InsertSliceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType destType = op.getDestType();
    auto qtype = dyn_cast<QuantizedType>(destType.getElementType());
    if (!qtype)
      return failure();
    if (!destType.hasStaticShape() || !op.getSourceType().hasStaticShape() ||
        op.getSourceType().getRank() != destType.getRank() ||
        !op.hasUnitStride() ||
        llvm::any_of(op.getStaticOffsets(), ShapedType::isDynamic))
      return op.emitOpError("insertions of quantized tensors need static "
                            "shapes and offsets, unit strides and the same "
                            "rank in the CPU lowering");
    FormatSpec spec = qtype.getSpec();
    if (spec.granularity == Granularity::Channel)
      return op.emitOpError("cannot insert into a tensor with per-channel "
                            "scales: the slice's channel scales would mix "
                            "with the destination's");
    int64_t rank = destType.getRank();
    ArrayRef<int64_t> offsets = op.getStaticOffsets();
    SmallVector<Value> results;
    for (auto [index, src, dst] :
         llvm::enumerate(adaptor.getSource(), adaptor.getDest())) {
      auto dstType = cast<RankedTensorType>(dst.getType());
      auto srcType = cast<RankedTensorType>(src.getType());
      if (dstType.getRank() == 0 || dstType.getRank() != rank) {
        Value same = sameScalarPart({dst, src});
        if (!same)
          return op.emitOpError("cannot insert the storage part ")
                 << srcType
                 << ": the slice and the destination have their own scale "
                    "for the whole tensor or channel";
        results.push_back(same);
        continue;
      }
      SmallVector<int64_t> partOffsets =
          getStoragePartOffsets(spec, qtype.getAxis(), index, rank, offsets);
      SmallVector<int64_t> strides(rank, 1);
      results.push_back(tensor::InsertSliceOp::create(
          rewriter, op.getLoc(), src, dst, ValueRange{}, ValueRange{},
          ValueRange{}, partOffsets, srcType.getShape(), strides));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

} // namespace

void mx::populateMXDataMovementConversionPatterns(TypeConverter &converter,
                                                  RewritePatternSet &patterns) {
  patterns.add<TransposeToParts, ClampToParts, MaxPoolToParts, ConcatToParts,
               PadToParts, BroadcastToParts, InsertSliceToParts>(
      converter, patterns.getContext());
}
