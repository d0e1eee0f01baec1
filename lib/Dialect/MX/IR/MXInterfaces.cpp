//===- MXInterfaces.cpp - mx interfaces and external models ---------------===//
//
// Part of mx-opt. QuantCommutingOpInterface and its models for upstream ops.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mx;

#include "mx/Dialect/MX/IR/MXInterfaces.cpp.inc"

namespace {

/// Reshapes commute with a quantization when every block (or channel) stays
/// whole: the quantization axis is a reassociation group of its own, and
/// for sub-byte elements (packed along the last dimension) so is the last
/// dimension. `collapsedRank` is the rank of the collapsed side.
FailureOr<QuantizedType> commuteReshape(QuantizedType type,
                                        ArrayRef<ReassociationIndices> groups,
                                        bool collapsing, std::string &reason) {
  if (type.isPerTensor())
    return type;
  int64_t axis = type.getAxis();
  // The group holding the axis on the expanded side.
  auto singleton = [&](int64_t dim) -> std::optional<int64_t> {
    for (auto [g, group] : llvm::enumerate(groups)) {
      if (!llvm::is_contained(group, dim))
        continue;
      if (group.size() != 1)
        return std::nullopt;
      return g;
    }
    return std::nullopt;
  };
  auto expandedDim = [&](int64_t collapsedDim) -> std::optional<int64_t> {
    const ReassociationIndices &group = groups[collapsedDim];
    if (group.size() != 1)
      return std::nullopt;
    return group[0];
  };
  std::optional<int64_t> newAxis =
      collapsing
          ? singleton(axis)
          : (axis < (int64_t)groups.size() ? expandedDim(axis) : std::nullopt);
  if (!newAxis) {
    reason = "the reshape merges or splits the quantization axis " +
             std::to_string(axis);
    return failure();
  }
  // Tensor reshapes keep their element type, and the axis is part of it.
  if (*newAxis != axis) {
    reason = "the reshape would move the quantization axis from " +
             std::to_string(axis) + " to " + std::to_string(*newAxis) +
             " (a tensor reshape keeps its element type)";
    return failure();
  }
  if (getStorageElementBits(type.getSpec()) != 8) {
    int64_t lastGroup = groups.size() - 1;
    if (groups[lastGroup].size() != 1) {
      reason = "the reshape changes the last dimension, along which the "
               "sub-byte elements are packed";
      return failure();
    }
  }
  return QuantizedType::get(type.getContext(), type.getFormat(), *newAxis);
}

/// tensor.collapse_shape (`Collapses` = true) and tensor.expand_shape: a
/// dequantization moving forward sees the reshape's own direction, a
/// quantization moving backward the opposite one.
template <typename ReshapeOp, bool Collapses>
struct ReshapeModel : QuantCommutingOpInterface::ExternalModel<
                          ReshapeModel<ReshapeOp, Collapses>, ReshapeOp> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool collapsing,
                                          std::string &reason) {
    if (operand != 0) {
      reason = "only the reshaped tensor can be quantized";
      return failure();
    }
    return commuteReshape(type, cast<ReshapeOp>(op).getReassociationIndices(),
                          collapsing, reason);
  }
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    return commute(op, operand, type, Collapses, reason);
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    return commute(op, operand, type, !Collapses, reason);
  }
};

/// A slice commutes with a dequantization when it keeps every block it
/// touches whole (or cuts only the end of the tensor), and for sub-byte
/// elements whole packing groups along the last dimension. Per-tensor and
/// per-channel scales are those of the elements kept.
struct ExtractSliceModel
    : QuantCommutingOpInterface::ExternalModel<ExtractSliceModel,
                                               tensor::ExtractSliceOp> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    auto slice = cast<tensor::ExtractSliceOp>(op);
    if (operand != 0) {
      reason = "only the sliced tensor can be quantized";
      return failure();
    }
    RankedTensorType src = slice.getSourceType();
    if (slice.getResultType().getRank() != src.getRank()) {
      reason = "rank-reducing slices are not supported";
      return failure();
    }
    if (!src.hasStaticShape() || !slice.hasUnitStride() ||
        llvm::any_of(slice.getStaticOffsets(), ShapedType::isDynamic) ||
        llvm::any_of(slice.getStaticSizes(), ShapedType::isDynamic)) {
      reason = "the slice needs static offsets, sizes and shapes and unit "
               "strides";
      return failure();
    }
    ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    ArrayRef<int64_t> sizes = slice.getStaticSizes();
    auto aligned = [&](int64_t dim, int64_t unit) {
      return offsets[dim] % unit == 0 &&
             (sizes[dim] % unit == 0 ||
              offsets[dim] + sizes[dim] == src.getDimSize(dim));
    };
    FormatSpec spec = type.getSpec();
    if (spec.granularity == Granularity::Block &&
        !aligned(type.getAxis(), spec.blockSize)) {
      reason = "the slice cuts blocks of " + std::to_string(spec.blockSize) +
               " along axis " + std::to_string(type.getAxis());
      return failure();
    }
    unsigned bits = getStorageElementBits(spec);
    if (bits != 8 && !aligned(src.getRank() - 1, bits == 4 ? 2 : 4)) {
      reason = "the slice cuts packing groups of the last dimension";
      return failure();
    }
    return type;
  }
  // Quantizing before a slice sees elements the slice drops: only blocks
  // that stay whole keep their scales.
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    FormatSpec spec = type.getSpec();
    if (spec.granularity != Granularity::Block || spec.tensorScale) {
      reason = "a slice changes the maximum of per-tensor and per-channel "
               "scales";
      return failure();
    }
    return commuteDequantize(op, operand, type, reason);
  }
};

//===----------------------------------------------------------------------===//
// Transposes: linalg.transpose and tosa.transpose build mx.transpose.
//===----------------------------------------------------------------------===//

/// The quantized type after permuting dimensions: result dimension d is
/// source dimension perm[d]. `forward` maps a source type to the result's,
/// otherwise a result type back to the source's.
FailureOr<QuantizedType> commutePermutation(QuantizedType type,
                                            ArrayRef<int64_t> perm,
                                            ArrayRef<int64_t> otherShape,
                                            bool forward, std::string &reason) {
  FormatSpec spec = type.getSpec();
  int64_t rank = perm.size();
  if (getStorageElementBits(spec) != 8 && rank > 0 && perm.back() != rank - 1) {
    reason = "the transpose moves the last dimension, along which the "
             "sub-byte elements are packed";
    return failure();
  }
  if (type.isPerTensor())
    return type;
  int64_t axis = type.getAxis();
  if (axis >= rank) {
    reason = "the quantization axis is out of range";
    return failure();
  }
  int64_t newAxis =
      forward ? llvm::find(perm, axis) - perm.begin() : perm[axis];
  std::string packable = checkPackable(otherShape, newAxis, spec);
  if (!packable.empty()) {
    reason = "the transposed tensor cannot be stored: " + packable;
    return failure();
  }
  return QuantizedType::get(type.getContext(), type.getFormat(), newAxis);
}

template <typename Op>
struct TransposeModel
    : QuantCommutingOpInterface::ExternalModel<TransposeModel<Op>, Op> {
  static SmallVector<int64_t> permutation(Operation *op) {
    if constexpr (std::is_same_v<Op, linalg::TransposeOp>)
      return SmallVector<int64_t>(cast<Op>(op).getPermutation());
    else
      return llvm::map_to_vector(cast<Op>(op).getPerms(),
                                 [](int32_t p) { return (int64_t)p; });
  }
  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<ShapedType>(v.getType()).getShape();
  }
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    return commutePermutation(type, permutation(op), shapeOf(op->getResult(0)),
                              /*forward=*/true, reason);
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    return commutePermutation(type, permutation(op), shapeOf(op->getOperand(0)),
                              /*forward=*/false, reason);
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    return TransposeOp::create(b, op->getLoc(), resultType, operands[0],
                               permutation(op))
        .getResult();
  }
};

//===----------------------------------------------------------------------===//
// relu / max / min / clamp at zero: linalg.generic and tosa.clamp build
// mx.clamp.
//===----------------------------------------------------------------------===//

/// Bounds of a clamp at zero; unset when the op has no such bound.
struct ZeroClamp {
  bool lower = false, upper = false;
};

/// Why a quantization cannot move before a clamp (the asymmetry with a
/// dequantization: clamping changes the maximum the scale comes from).
constexpr const char *kClampQuantizeReason =
    "clamping before the quantization would change the maximum its scales "
    "come from (dequantizations move past a clamp, quantizations do not)";

/// Checks `value` is the constant +0.0 (or says what it is).
static bool isPosZeroConstant(Value value, std::string &reason) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr))) {
    reason = "the bound is not a constant";
    return false;
  }
  if (!attr.getValue().isPosZero()) {
    reason = "the bound " + std::to_string(attr.getValueAsDouble()) +
             " is not +0.0: only zero is exactly representable under every "
             "runtime scale";
    return false;
  }
  return true;
}

/// Recognises an elementwise linalg.generic computing max(x, 0), min(x, 0)
/// or both with arith.maximumf / arith.minimumf (NaN-propagating).
static FailureOr<ZeroClamp> matchZeroClamp(linalg::GenericOp op,
                                           std::string &reason) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); })) {
    reason = "not an elementwise op with one input (identity maps, parallel "
             "loops)";
    return failure();
  }
  Block &body = op.getRegion().front();
  if (op.getDpsInputOperand(0)->get().getType() != op.getResult(0).getType()) {
    reason = "the input and result types differ";
    return failure();
  }
  ZeroClamp clamp;
  Value current = body.getArgument(0);
  for (Operation &inner : body.without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    if (isa<arith::MaxNumFOp, arith::MinNumFOp>(inner)) {
      reason = "'" + inner.getName().getStringRef().str() +
               "' drops NaN, but a NaN scale makes a whole block (or "
               "tensor) NaN, which codes cannot turn into a number";
      return failure();
    }
    bool isMax = isa<arith::MaximumFOp>(inner);
    if (!isMax && !isa<arith::MinimumFOp>(inner)) {
      reason = "the body computes '" + inner.getName().getStringRef().str() +
               "', not relu, max, min or clamp";
      return failure();
    }
    Value other;
    if (inner.getOperand(0) == current)
      other = inner.getOperand(1);
    else if (inner.getOperand(1) == current)
      other = inner.getOperand(0);
    else {
      reason = "the body is not a chain of max / min on the input";
      return failure();
    }
    if (!isPosZeroConstant(other, reason))
      return failure();
    (isMax ? clamp.lower : clamp.upper) = true;
    current = inner.getResult(0);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getNumOperands() != 1 || yield.getOperand(0) != current ||
      (!clamp.lower && !clamp.upper)) {
    reason = "the body does not yield a max / min of the input";
    return failure();
  }
  return clamp;
}

/// Checks that mx.clamp supports `type`.
static LogicalResult checkClampable(QuantizedType type, std::string &reason) {
  FormatSpec spec = type.getSpec();
  if (getStorageElementBits(spec) == 6) {
    reason = "clamping 6-bit packed codes is not supported";
    return failure();
  }
  if (spec.zeroPoint && !type.isPerTensor()) {
    reason = "clamping codes with per-channel zero points is not supported";
    return failure();
  }
  return success();
}

static Value buildClamp(OpBuilder &b, Location loc, Value input,
                        RankedTensorType resultType, ZeroClamp clamp) {
  FloatAttr zero = b.getF32FloatAttr(0.0f);
  return ClampOp::create(b, loc, resultType, input,
                         clamp.lower ? zero : FloatAttr(),
                         clamp.upper ? zero : FloatAttr())
      .getResult();
}

/// tosa.clamp with NaN propagation, a lower bound of 0 and an upper bound
/// of +inf (relu), or the mirror.
static FailureOr<ZeroClamp> matchTosaClamp(tosa::ClampOp op,
                                           std::string &reason) {
  if (op.getNanMode() != tosa::NanPropagationMode::PROPAGATE) {
    reason = "nan_mode = IGNORE drops NaN, but a NaN scale makes a whole "
             "block (or tensor) NaN";
    return failure();
  }
  auto lo = dyn_cast<FloatAttr>(op.getMinValAttr());
  auto hi = dyn_cast<FloatAttr>(op.getMaxValAttr());
  if (!lo || !hi) {
    reason = "the bounds are not floats";
    return failure();
  }
  ZeroClamp clamp;
  auto classify = [&](APFloat v, bool lower, bool &isZero) {
    isZero = v.isPosZero();
    if (isZero)
      return true;
    if (v.isInfinity() && v.isNegative() == lower)
      return true; // No bound on this side.
    reason = std::string("the ") + (lower ? "lower" : "upper") +
             " bound is neither +0.0 nor " + (lower ? "-inf" : "+inf") +
             ": only zero is exactly representable under every runtime "
             "scale";
    return false;
  };
  if (!classify(lo.getValue(), true, clamp.lower) ||
      !classify(hi.getValue(), false, clamp.upper))
    return failure();
  if (!clamp.lower && !clamp.upper) {
    reason = "the clamp has no bound";
    return failure();
  }
  return clamp;
}

/// relu / min / clamp at zero (`Match` recognises the op's form): the same
/// clamp on the codes (DQ commutes); Q does not (it changes block maxima).
template <typename OpTy, FailureOr<ZeroClamp> (*Match)(OpTy, std::string &)>
struct ZeroClampModel
    : QuantCommutingOpInterface::ExternalModel<ZeroClampModel<OpTy, Match>,
                                               OpTy> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    if (failed(Match(cast<OpTy>(op), reason)) ||
        failed(checkClampable(type, reason)))
      return failure();
    return type;
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    if (failed(Match(cast<OpTy>(op), reason)))
      return failure();
    reason = kClampQuantizeReason;
    return failure();
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    std::string reason;
    FailureOr<ZeroClamp> clamp = Match(cast<OpTy>(op), reason);
    if (failed(clamp))
      return failure();
    return buildClamp(b, op->getLoc(), operands[0], resultType, *clamp);
  }
};
using GenericClampModel = ZeroClampModel<linalg::GenericOp, matchZeroClamp>;
using TosaClampModel = ZeroClampModel<tosa::ClampOp, matchTosaClamp>;

//===----------------------------------------------------------------------===//
// Max pooling: linalg.pooling_nhwc_max and tosa.max_pool2d build
// mx.max_pool.
//===----------------------------------------------------------------------===//

/// The formats mx.max_pool supports on NHWC tensors.
static LogicalResult checkPoolable(QuantizedType type, std::string &reason) {
  FormatSpec spec = type.getSpec();
  if (spec.granularity == Granularity::Block) {
    reason = "a pooling window spans blocks with different scales, whose "
             "codes cannot be compared";
    return failure();
  }
  if (spec.scale != ScaleKind::F32) {
    reason = "max-pooling codes needs an INT8 format";
    return failure();
  }
  if (spec.granularity == Granularity::Channel && type.getAxis() != 3) {
    reason = "the channel axis " + std::to_string(type.getAxis()) +
             " is pooled over (only channels in dimension 3 keep one scale "
             "per window)";
    return failure();
  }
  if (spec.zeroPoint && !type.isPerTensor()) {
    reason = "per-channel zero points are not supported";
    return failure();
  }
  return success();
}

constexpr const char *kPoolQuantizeReason =
    "pooling before the quantization would change the maximum its scale "
    "comes from";

/// Max-pooling: the same pooling of the codes (DQ commutes, for the
/// formats checkPoolable accepts); Q does not. `Derived` recognises its op
/// (`check`) and builds mx.max_pool (`buildQuantized`).
template <typename Derived, typename OpTy>
struct MaxPoolModelBase
    : QuantCommutingOpInterface::ExternalModel<Derived, OpTy> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    if (failed(Derived::check(cast<OpTy>(op), reason)) ||
        failed(checkPoolable(type, reason)))
      return failure();
    return type;
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    reason = kPoolQuantizeReason;
    return failure();
  }
};

struct LinalgMaxPoolModel
    : MaxPoolModelBase<LinalgMaxPoolModel, linalg::PoolingNhwcMaxOp> {
  static LogicalResult check(linalg::PoolingNhwcMaxOp pool,
                             std::string &reason) {
    // The initial value must be the identity of max: a fill of -inf.
    auto fill = pool.getOutputs()[0].getDefiningOp<linalg::FillOp>();
    FloatAttr init;
    if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&init)) ||
        !init.getValue().isInfinity() || !init.getValue().isNegative()) {
      reason = "the initial value is not a fill of -inf";
      return failure();
    }
    if (!pool.hasPureTensorSemantics()) {
      reason = "the op works on buffers";
      return failure();
    }
    return success();
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    auto pool = cast<linalg::PoolingNhwcMaxOp>(op);
    auto window = cast<ShapedType>(pool.getInputs()[1].getType());
    auto values = [](DenseIntElementsAttr attr) {
      return llvm::map_to_vector(attr.getValues<int64_t>(),
                                 [](int64_t v) { return v; });
    };
    return MaxPoolOp::create(b, op->getLoc(), resultType, operands[0],
                             window.getShape(), values(pool.getStrides()),
                             values(pool.getDilations()))
        .getResult();
  }
};

struct TosaMaxPoolModel
    : MaxPoolModelBase<TosaMaxPoolModel, tosa::MaxPool2dOp> {
  static LogicalResult check(tosa::MaxPool2dOp pool, std::string &reason) {
    if (llvm::any_of(pool.getPad(), [](int64_t p) { return p != 0; })) {
      reason = "padded max-pooling is not supported";
      return failure();
    }
    if (pool.getNanMode() != tosa::NanPropagationMode::PROPAGATE) {
      reason = "nan_mode = IGNORE drops NaN, but a NaN scale makes the "
               "whole tensor NaN";
      return failure();
    }
    return success();
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    auto pool = cast<tosa::MaxPool2dOp>(op);
    SmallVector<int64_t> ones = {1, 1};
    return MaxPoolOp::create(b, op->getLoc(), resultType, operands[0],
                             pool.getKernel(), pool.getStride(), ones)
        .getResult();
  }
};

//===----------------------------------------------------------------------===//
// tensor.concat: every operand is quantized; the copy is re-typed.
//===----------------------------------------------------------------------===//

struct ConcatModel
    : QuantCommutingOpInterface::ExternalModel<ConcatModel, tensor::ConcatOp> {
  SmallVector<unsigned> getQuantizedOperands(Operation *op) const {
    return llvm::to_vector(llvm::seq<unsigned>(0, op->getNumOperands()));
  }
  /// Every operand's blocks (and packing groups) stay whole when each one
  /// but the last has a multiple of the unit along the concatenated dim.
  FailureOr<QuantizedType> commute(Operation *op, QuantizedType type,
                                   std::string &reason) const {
    auto concat = cast<tensor::ConcatOp>(op);
    int64_t dim = concat.getDim();
    FormatSpec spec = type.getSpec();
    if (spec.granularity == Granularity::Tensor || spec.tensorScale) {
      reason = "each operand has its own runtime per-tensor scale; "
               "concatenating codes needs equal scales";
      return failure();
    }
    if (spec.granularity == Granularity::Channel && dim != type.getAxis()) {
      reason = "each operand has its own runtime scale per channel; only a "
               "concatenation along the channel axis keeps them apart";
      return failure();
    }
    auto wholeUnits = [&](int64_t unit) {
      for (Value v : concat.getInputs().drop_back()) {
        int64_t size = cast<RankedTensorType>(v.getType()).getDimSize(dim);
        if (ShapedType::isDynamic(size) || size % unit != 0)
          return false;
      }
      return true;
    };
    if (spec.granularity == Granularity::Block && dim == type.getAxis() &&
        !wholeUnits(spec.blockSize)) {
      reason = "an operand ends inside a block of " +
               std::to_string(spec.blockSize) + " along axis " +
               std::to_string(dim);
      return failure();
    }
    int64_t rank = concat.getResultType().getRank();
    unsigned bits = getStorageElementBits(spec);
    if (bits != 8 && dim == rank - 1 && !wholeUnits(bits == 4 ? 2 : 4)) {
      reason = "an operand ends inside a packing group of the last dimension";
      return failure();
    }
    if (!concat.getResultType().hasStaticShape()) {
      reason = "the concatenation needs static shapes";
      return failure();
    }
    return type;
  }
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    return commute(op, type, reason);
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    return commute(op, type, reason);
  }
};

} // namespace

void mx::registerQuantCommutingExternalModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    tensor::CollapseShapeOp::attachInterface<
        ReshapeModel<tensor::CollapseShapeOp, /*Collapses=*/true>>(*ctx);
    tensor::ExpandShapeOp::attachInterface<
        ReshapeModel<tensor::ExpandShapeOp, /*Collapses=*/false>>(*ctx);
    tensor::ExtractSliceOp::attachInterface<ExtractSliceModel>(*ctx);
    tensor::ConcatOp::attachInterface<ConcatModel>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    linalg::TransposeOp::attachInterface<TransposeModel<linalg::TransposeOp>>(
        *ctx);
    linalg::GenericOp::attachInterface<GenericClampModel>(*ctx);
    linalg::PoolingNhwcMaxOp::attachInterface<LinalgMaxPoolModel>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::TransposeOp::attachInterface<TransposeModel<tosa::TransposeOp>>(*ctx);
    tosa::ClampOp::attachInterface<TosaClampModel>(*ctx);
    tosa::MaxPool2dOp::attachInterface<TosaMaxPoolModel>(*ctx);
  });
}
