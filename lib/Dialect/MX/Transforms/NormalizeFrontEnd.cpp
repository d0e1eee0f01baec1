//===- NormalizeFrontEnd.cpp - Front-end forms the passes recognise ------===//
//
// Part of mx-opt.
//
// Front ends write the same computation in several linalg forms. The
// quantization passes recognise one of each (docs/Quantization.md, "Front-end
// forms"); these patterns rewrite the others into it, computing the same
// values bit for bit:
//
//  * linalg.add with an operand that is a linalg.broadcast (a bias) -> an
//    elementwise linalg.generic reading the broadcast's input through a
//    projection (the form of a bias add --mx-fuse fuses);
//  * linalg.max / linalg.min of a tensor and a fill or splat constant (relu,
//    clamp) -> a one-input linalg.generic with arith.maximumf / minimumf of
//    the constant (the form --mx-propagate moves quantizations through);
//  * linalg.pooling_nchw_max -> linalg.transpose to NHWC,
//    linalg.pooling_nhwc_max, linalg.transpose back (the pooling mx.max_pool
//    implements; the transposes move codes once quantized).
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// An elementwise linalg named op on ranked tensors of one shape.
template <typename OpTy>
bool isTensorElementwise(OpTy op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1)
    return false;
  Type resultType = op->getResult(0).getType();
  return llvm::all_of(op.getDpsInputs(),
                      [&](Value v) { return v.getType() == resultType; });
}

/// Erases the ops of `ops` whose results are no longer used (the walk
/// driver does not remove dead ops).
static void eraseIfDead(PatternRewriter &rewriter, ArrayRef<Operation *> ops) {
  llvm::SmallPtrSet<Operation *, 4> erased;
  for (Operation *op : ops)
    if (op && op->use_empty() && erased.insert(op).second)
      rewriter.eraseOp(op);
}

/// linalg.add(x, linalg.broadcast(b)) -> linalg.generic adding b through the
/// projection of the broadcast.
struct BroadcastAddToGeneric : OpRewritePattern<linalg::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::AddOp op,
                                PatternRewriter &rewriter) const override {
    if (!isTensorElementwise(op))
      return failure();
    auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
    if (!isa<FloatType>(resultType.getElementType()))
      return failure();
    int64_t rank = resultType.getRank();
    MLIRContext *ctx = op.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    SmallVector<Operation *> broadcasts;
    bool folded = false;
    for (Value in : op.getDpsInputs()) {
      auto bc = in.getDefiningOp<linalg::BroadcastOp>();
      if (!bc || !bc.hasPureTensorSemantics()) {
        inputs.push_back(in);
        maps.push_back(identity);
        continue;
      }
      // The dimensions the broadcast does not add index its input.
      SmallVector<AffineExpr> exprs;
      ArrayRef<int64_t> added = bc.getDimensions();
      for (int64_t d = 0; d < rank; ++d)
        if (!llvm::is_contained(added, d))
          exprs.push_back(getAffineDimExpr(d, ctx));
      inputs.push_back(bc.getInput());
      maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
      broadcasts.push_back(bc);
      folded = true;
    }
    if (!folded)
      return failure();
    maps.push_back(identity);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, inputs, op.getDpsInits(), maps, iterators,
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value sum = arith::AddFOp::create(b, loc, args[0], args[1]);
          linalg::YieldOp::create(b, loc, sum);
        });
    eraseIfDead(rewriter, broadcasts);
    return success();
  }
};

/// The scalar every element of `v` holds: a linalg.fill of a constant or a
/// splat constant.
static FloatAttr splatOf(Value v) {
  FloatAttr scalar;
  if (auto fill = v.getDefiningOp<linalg::FillOp>()) {
    if (fill.hasPureTensorSemantics() &&
        matchPattern(fill.getInputs()[0], m_Constant(&scalar)))
      return scalar;
    return {};
  }
  DenseElementsAttr dense;
  if (matchPattern(v, m_Constant(&dense)) && dense.isSplat())
    return dyn_cast<FloatAttr>(dense.getSplatValue<Attribute>());
  return {};
}

/// linalg.max / linalg.min of x and a splat c -> a one-input linalg.generic
/// computing arith.maximumf / arith.minimumf(x, c) (what both named ops do
/// on floats, NaN included).
template <typename OpTy, typename ArithOp>
struct SplatMinMaxToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!isTensorElementwise(op))
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!isa<FloatType>(resultType.getElementType()))
      return failure();
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    // The tensor stays the first operand of the scalar op, as it was.
    bool tensorFirst = true;
    FloatAttr bound = splatOf(rhs);
    Value x = lhs;
    if (!bound) {
      bound = splatOf(lhs);
      x = rhs;
      tensorFirst = false;
    }
    if (!bound || bound.getType() != resultType.getElementType())
      return failure();
    int64_t rank = resultType.getRank();
    AffineMap identity =
        AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, ValueRange{x}, op.getDpsInits(),
        ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value c = arith::ConstantOp::create(b, loc, bound);
          Value r = tensorFirst ? ArithOp::create(b, loc, args[0], c)
                                : ArithOp::create(b, loc, c, args[0]);
          linalg::YieldOp::create(b, loc, r);
        });
    eraseIfDead(rewriter, {(x == lhs ? rhs : lhs).getDefiningOp()});
    return success();
  }
};

/// linalg.pooling_nchw_max -> transpose to NHWC, linalg.pooling_nhwc_max
/// from the same initial value, transpose back.
struct NchwMaxPoolToNhwc : OpRewritePattern<linalg::PoolingNchwMaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::PoolingNchwMaxOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Location loc = op.getLoc();
    Value input = op.getInputs()[0], window = op.getInputs()[1];
    Value init = op.getOutputs()[0];
    auto inType = cast<RankedTensorType>(input.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    if (inType.getRank() != 4 || outType.getRank() != 4)
      return failure();
    const int64_t toNhwc[] = {0, 2, 3, 1}, toNchw[] = {0, 3, 1, 2};
    // An empty tensor of the shape of `v` permuted by `perm`.
    auto permutedEmpty = [&](Value v, ArrayRef<int64_t> perm) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape;
      SmallVector<Value> dynamic;
      for (int64_t p : perm) {
        shape.push_back(type.getDimSize(p));
        if (type.isDynamicDim(p))
          dynamic.push_back(tensor::DimOp::create(rewriter, loc, v, p));
      }
      return tensor::EmptyOp::create(rewriter, loc, shape,
                                     type.getElementType(), dynamic);
    };
    auto transpose = [&](Value v, ArrayRef<int64_t> perm) -> Value {
      return linalg::TransposeOp::create(rewriter, loc, v,
                                         permutedEmpty(v, perm), perm)
          .getResult()[0];
    };
    // The initial value: the same fill in NHWC when it is one (the form
    // --mx-propagate recognises), else the transposed tensor.
    Value nhwcInit;
    if (auto fill = init.getDefiningOp<linalg::FillOp>();
        fill && fill.hasPureTensorSemantics())
      nhwcInit = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0],
                                        permutedEmpty(init, toNhwc))
                     .getResult(0);
    else
      nhwcInit = transpose(init, toNhwc);
    Value nhwcInput = transpose(input, toNhwc);
    auto pool = linalg::PoolingNhwcMaxOp::create(
        rewriter, loc, TypeRange{nhwcInit.getType()},
        ValueRange{nhwcInput, window}, ValueRange{nhwcInit}, op.getStrides(),
        op.getDilations());
    rewriter.replaceOp(op, transpose(pool.getResult(0), toNchw));
    eraseIfDead(rewriter, {init.getDefiningOp()});
    return success();
  }
};

} // namespace

void mx::populateNormalizeFrontEndPatterns(RewritePatternSet &patterns) {
  patterns.add<BroadcastAddToGeneric,
               SplatMinMaxToGeneric<linalg::MaxOp, arith::MaximumFOp>,
               SplatMinMaxToGeneric<linalg::MinOp, arith::MinimumFOp>,
               NchwMaxPoolToNhwc>(patterns.getContext());
}
