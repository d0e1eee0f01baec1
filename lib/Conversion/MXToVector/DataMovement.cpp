//===- DataMovement.cpp - mx ops on quantized tensors to storage parts ----===//
//
// Part of mx-opt. The 1:N storage conversion of the ops --mx-propagate
// builds on quantized tensors: mx.transpose, mx.clamp, mx.max_pool and
// tensor.concat become the same operation on the packed codes, with the
// scales transposed or concatenated alongside (or passed through).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

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
    if (!resultType.hasStaticShape())
      return op.emitOpError("needs static shapes in the CPU lowering");
    auto qtype = cast<QuantizedType>(resultType.getElementType());
    SmallVector<RankedTensorType> outTypes =
        qtype.getStorageTypes(resultType.getShape());
    ArrayRef<int64_t> perm = op.getPermutation();
    int64_t rank = resultType.getRank();
    SmallVector<Value> results;
    for (auto [part, outType] : llvm::zip(adaptor.getInput(), outTypes)) {
      auto partType = cast<RankedTensorType>(part.getType());
      if (partType.getRank() != rank || rank == 0) {
        if (partType != outType)
          return op.emitOpError("cannot transpose the storage part ")
                 << partType << " to " << outType;
        results.push_back(part);
        continue;
      }
      Value init = tensor::EmptyOp::create(
          rewriter, op.getLoc(), outType.getShape(), outType.getElementType());
      results.push_back(
          linalg::TransposeOp::create(rewriter, op.getLoc(), part, init, perm)
              .getResult()[0]);
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// The codes of one stored byte after clamping at zero (see mx.clamp).
/// `zeroPoint` is the i8 zero point of asymmetric INT8.
static Value clampByte(OpBuilder &b, Location loc, Value byte,
                       const FormatSpec &spec, bool lower, bool upper,
                       Value zeroPoint) {
  Type i8 = b.getI8Type();
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, i8, b.getIntegerAttr(i8, v));
  };
  Value x = byte;
  if (spec.element == ElementKind::I8) { // Two's complement.
    if (lower)
      x = arith::MaxSIOp::create(b, loc, x, c(0));
    if (upper)
      x = arith::MinSIOp::create(b, loc, x, c(0));
    return x;
  }
  if (spec.element == ElementKind::UI8) { // Zero point.
    if (lower)
      x = arith::MaxUIOp::create(b, loc, x, zeroPoint);
    if (upper)
      x = arith::MinUIOp::create(b, loc, x, zeroPoint);
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
    Value zeroPoint;
    if (spec.zeroPoint) {
      Value zp = parts.back();
      if (cast<RankedTensorType>(zp.getType()).getRank() != 0)
        return op.emitOpError("per-channel zero points are not supported");
      zeroPoint = arith::TruncIOp::create(
          rewriter, loc, rewriter.getI8Type(),
          tensor::ExtractOp::create(rewriter, loc, zp, ValueRange{}));
    }
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
              b, l, clampByte(b, l, args[0], spec, lower, upper, zeroPoint));
        });
    SmallVector<Value> results(parts.begin(), parts.end());
    results.front() = generic.getResult(0);
    rewriter.replaceOpWithMultiple(op, {results});
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
    SmallVector<Value> results(parts.begin(), parts.end());
    results.front() = pooled;
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

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
      if (outType.getRank() == 0 ||
          (outType.getRank() != rank && dim != qtype.getAxis()))
        return op.emitOpError("cannot concatenate the storage part ")
               << outType
               << ": each operand has its own scale for the whole tensor "
                  "or channel";
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

} // namespace

void mx::populateMXDataMovementConversionPatterns(TypeConverter &converter,
                                                  RewritePatternSet &patterns) {
  patterns.add<TransposeToParts, ClampToParts, MaxPoolToParts, ConcatToParts>(
      converter, patterns.getContext());
}
