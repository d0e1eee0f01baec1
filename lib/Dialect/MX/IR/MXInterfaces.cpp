//===- MXInterfaces.cpp - mx interfaces and external models ---------------===//
//
// Part of mx-opt. QuantCommutingOpInterface and its models for upstream ops.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mx;

#include "mx/Dialect/MX/IR/MXInterfaces.cpp.inc"

namespace {

/// A fixed per-tensor scale (static INT8) for `type`: its formats.
static bool isStaticPerTensor(QuantizedType type) {
  FormatSpec spec = type.getSpec();
  return spec.scale == ScaleKind::F32 &&
         spec.granularity == Granularity::Tensor;
}

/// Models whose two directions follow one rule, `Derived::commute(op,
/// operand, type, forward, reason)`: `forward` is true when a
/// dequantization moves after the op (`type` is the operand's), false when
/// a quantization moves before it (`type` is the result's).
template <typename Derived, typename OpTy>
struct DirectionalModel
    : QuantCommutingOpInterface::ExternalModel<Derived, OpTy> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/true, reason);
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/false, reason);
  }
};

/// DirectionalModel with the static forms too: `Derived::commute(op,
/// operand, type, forward, fixedScale, reason)`, where `fixedScale` says
/// every quantized operand carries the same fixed per-tensor scale (the
/// static forms with a static per-tensor type), under which codes combine
/// like values; it is false for runtime scales.
template <typename Derived, typename OpTy>
struct FixedScaleModel
    : QuantCommutingOpInterface::ExternalModel<Derived, OpTy> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/true,
                            /*fixedScale=*/false, reason);
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/false,
                            /*fixedScale=*/false, reason);
  }
  FailureOr<QuantizedType>
  commuteStaticDequantize(Operation *op, unsigned operand, QuantizedType type,
                          StaticScale scale, std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/true,
                            isStaticPerTensor(type), reason);
  }
  FailureOr<QuantizedType>
  commuteStaticQuantize(Operation *op, unsigned operand, QuantizedType type,
                        StaticScale scale, std::string &reason) const {
    return Derived::commute(op, operand, type, /*forward=*/false,
                            isStaticPerTensor(type), reason);
  }
};

/// Only operand 0 (`what`: "reshaped", "sliced", ...) carries the data a
/// data-movement op moves; sets `reason` for the others.
static bool isDataOperand(unsigned operand, StringRef what,
                          std::string &reason) {
  if (operand == 0)
    return true;
  reason = ("only the " + what + " tensor can be quantized").str();
  return false;
}

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
struct ReshapeModel
    : DirectionalModel<ReshapeModel<ReshapeOp, Collapses>, ReshapeOp> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    if (!isDataOperand(operand, "reshaped", reason))
      return failure();
    return commuteReshape(type, cast<ReshapeOp>(op).getReassociationIndices(),
                          forward ? Collapses : !Collapses, reason);
  }
};

/// A slice (static offsets and sizes, unit strides, same rank) of a tensor
/// of `srcShape` commutes with a dequantization when it keeps every block it
/// touches whole (or cuts only the end of the tensor), and for sub-byte
/// elements whole packing groups along the last dimension. Per-tensor and
/// per-channel scales are those of the elements kept. A quantization moves
/// before it only for block formats: a per-tensor or per-channel maximum
/// depends on the elements the slice drops.
static FailureOr<QuantizedType>
commuteSlice(QuantizedType type, ArrayRef<int64_t> srcShape,
             ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes, bool forward,
             std::string &reason) {
  FormatSpec spec = type.getSpec();
  if (!forward &&
      (spec.granularity != Granularity::Block || spec.tensorScale)) {
    reason = "a slice changes the maximum of per-tensor and per-channel "
             "scales";
    return failure();
  }
  auto aligned = [&](int64_t dim, int64_t unit) {
    return offsets[dim] % unit == 0 &&
           (sizes[dim] % unit == 0 ||
            offsets[dim] + sizes[dim] == srcShape[dim]);
  };
  if (spec.granularity == Granularity::Block &&
      !aligned(type.getAxis(), spec.blockSize)) {
    reason = "the slice cuts blocks of " + std::to_string(spec.blockSize) +
             " along axis " + std::to_string(type.getAxis());
    return failure();
  }
  unsigned bits = getStorageElementBits(spec);
  if (bits != 8 && !aligned(srcShape.size() - 1, bits == 4 ? 2 : 4)) {
    reason = "the slice cuts packing groups of the last dimension";
    return failure();
  }
  return type;
}

/// A tensor.extract_slice or insert_slice (`noun`: "slice", "insertion")
/// of `part` in `whole` that commuteSlice can check: same rank, static
/// offsets, sizes and shape, unit strides.
template <typename SliceOp>
static LogicalResult checkStaticSlice(SliceOp op, RankedTensorType whole,
                                      RankedTensorType part, StringRef noun,
                                      std::string &reason) {
  if (part.getRank() != whole.getRank()) {
    reason = ("rank-reducing " + noun + "s are not supported").str();
    return failure();
  }
  if (!whole.hasStaticShape() || !op.hasUnitStride() ||
      llvm::any_of(op.getStaticOffsets(), ShapedType::isDynamic) ||
      llvm::any_of(op.getStaticSizes(), ShapedType::isDynamic)) {
    reason = ("the " + noun +
              " needs static offsets, sizes and shapes and unit strides")
                 .str();
    return failure();
  }
  return success();
}

struct ExtractSliceModel
    : DirectionalModel<ExtractSliceModel, tensor::ExtractSliceOp> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    auto slice = cast<tensor::ExtractSliceOp>(op);
    if (!isDataOperand(operand, "sliced", reason))
      return failure();
    RankedTensorType src = slice.getSourceType();
    if (failed(checkStaticSlice(slice, src, slice.getResultType(), "slice",
                                reason)))
      return failure();
    return commuteSlice(type, src.getShape(), slice.getStaticOffsets(),
                        slice.getStaticSizes(), forward, reason);
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
struct TransposeModel : DirectionalModel<TransposeModel<Op>, Op> {
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
  /// The new type is checked against the other side's shape: the
  /// result's moving forward, the input's moving backward.
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    return commutePermutation(
        type, permutation(op),
        shapeOf(forward ? op->getResult(0) : op->getOperand(0)), forward,
        reason);
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

/// Bounds of a clamp: `lower` / `upper` say whether the op has each, and
/// `lo` / `hi` hold their values (+0.0 for relu and its mirror).
struct ZeroClamp {
  bool lower = false, upper = false;
  float lo = 0.0f, hi = 0.0f;
  bool isZero() const {
    auto zero = [](float v) { return v == 0.0f && !std::signbit(v); };
    return (!lower || zero(lo)) && (!upper || zero(hi));
  }
};

/// Why a quantization cannot move before a clamp (the asymmetry with a
/// dequantization: clamping changes the maximum the scale comes from).
constexpr const char *kClampQuantizeReason =
    "clamping before the quantization would change the maximum its scales "
    "come from (dequantizations move past a clamp, quantizations do not)";

/// The constant bound `value`: +0.0, or (`anyBound`) any finite f32
/// other than -0.0.
static std::optional<float> clampBound(Value value, bool anyBound,
                                       std::string &reason) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr))) {
    reason = "the bound is not a constant";
    return std::nullopt;
  }
  APFloat v = attr.getValue();
  if (v.isPosZero())
    return 0.0f;
  if (!anyBound) {
    reason = "the bound " + std::to_string(attr.getValueAsDouble()) +
             " is not +0.0: only zero is exactly representable under every "
             "runtime scale";
    return std::nullopt;
  }
  bool lost = false;
  v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
  if (!v.isFinite() || v.isNegZero() || lost) {
    reason = "the bound " + std::to_string(attr.getValueAsDouble()) +
             " is not a finite f32 other than -0.0";
    return std::nullopt;
  }
  return v.convertToFloat();
}

/// Recognises an elementwise linalg.generic computing max(x, lo),
/// min(x, hi) or both with arith.maximumf / arith.minimumf
/// (NaN-propagating). Bounds other than +0.0 only with `anyBound`.
static FailureOr<ZeroClamp> matchZeroClamp(linalg::GenericOp op, bool anyBound,
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
    std::optional<float> bound = clampBound(other, anyBound, reason);
    if (!bound)
      return failure();
    if ((isMax && clamp.lower) || (!isMax && clamp.upper)) {
      reason = "the body clamps the same side twice";
      return failure();
    }
    (isMax ? clamp.lower : clamp.upper) = true;
    (isMax ? clamp.lo : clamp.hi) = *bound;
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
  return ClampOp::create(
             b, loc, resultType, input,
             clamp.lower ? b.getF32FloatAttr(clamp.lo) : FloatAttr(),
             clamp.upper ? b.getF32FloatAttr(clamp.hi) : FloatAttr())
      .getResult();
}

/// tosa.clamp with NaN propagation, a lower bound of 0 and an upper bound
/// of +inf (relu), or the mirror; other finite bounds with `anyBound`.
static FailureOr<ZeroClamp> matchTosaClamp(tosa::ClampOp op, bool anyBound,
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
  auto classify = [&](APFloat v, bool lower, bool &has, float &value) {
    has = true;
    value = 0.0f;
    if (v.isPosZero())
      return true;
    if (v.isInfinity() && v.isNegative() == lower) {
      has = false; // No bound on this side.
      return true;
    }
    bool lost = false;
    APFloat f = v;
    f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    if (anyBound && f.isFinite() && !f.isNegZero() && !lost) {
      value = f.convertToFloat();
      return true;
    }
    reason = std::string("the ") + (lower ? "lower" : "upper") +
             " bound is neither +0.0 nor " + (lower ? "-inf" : "+inf") +
             ": only zero is exactly representable under every runtime "
             "scale";
    return false;
  };
  if (!classify(lo.getValue(), true, clamp.lower, clamp.lo) ||
      !classify(hi.getValue(), false, clamp.upper, clamp.hi))
    return failure();
  if (!clamp.lower && !clamp.upper) {
    reason = "the clamp has no bound";
    return failure();
  }
  return clamp;
}

/// Whether the code `round(bound / s) + zp` decodes to exactly `bound`
/// under the fixed scale (the bound is a multiple of the scale, and its
/// code is in range): then clamping codes at it is clamping values at it.
static bool isExactCode(float bound, StaticScale scale, QuantizedType type) {
  FormatSpec spec = type.getSpec();
  double k = std::nearbyint(static_cast<double>(bound) / scale.scale);
  double code = k + static_cast<double>(scale.zeroPoint);
  if (code < numerics::int8QMin(spec) || code > numerics::int8QMax(spec))
    return false;
  return static_cast<float>(k) * scale.scale == bound;
}

/// relu / min / clamp (`Match` recognises the op's form): the same clamp on
/// the codes. With runtime scales only at zero, and only for
/// dequantizations (a quantization before the clamp would see another
/// maximum). With a fixed per-tensor scale, see the static methods.
template <typename OpTy,
          FailureOr<ZeroClamp> (*Match)(OpTy, bool, std::string &)>
struct ZeroClampModel
    : QuantCommutingOpInterface::ExternalModel<ZeroClampModel<OpTy, Match>,
                                               OpTy> {
  FailureOr<QuantizedType> commuteDequantize(Operation *op, unsigned operand,
                                             QuantizedType type,
                                             std::string &reason) const {
    if (failed(Match(cast<OpTy>(op), /*anyBound=*/false, reason)) ||
        failed(checkClampable(type, reason)))
      return failure();
    return type;
  }
  FailureOr<QuantizedType> commuteQuantize(Operation *op, unsigned operand,
                                           QuantizedType type,
                                           std::string &reason) const {
    if (failed(Match(cast<OpTy>(op), /*anyBound=*/false, reason)))
      return failure();
    reason = kClampQuantizeReason;
    return failure();
  }
  /// Codes with a fixed scale never decode to NaN, and decoding is strictly
  /// increasing: clamping the values at bounds that are exact multiples of
  /// the scale (in the code range) is clamping the codes at the bounds'
  /// codes.
  FailureOr<QuantizedType>
  commuteStaticDequantize(Operation *op, unsigned operand, QuantizedType type,
                          StaticScale scale, std::string &reason) const {
    FailureOr<ZeroClamp> clamp = Match(cast<OpTy>(op), true, reason);
    if (failed(clamp) || failed(checkClampable(type, reason)))
      return failure();
    if (clamp->isZero())
      return type;
    if (!isStaticPerTensor(type)) {
      // Only for `reason`: the match without zero clamps says why.
      (void)Match(cast<OpTy>(op), false, reason);
      return failure();
    }
    for (auto [has, bound] : {std::pair(clamp->lower, clamp->lo),
                              std::pair(clamp->upper, clamp->hi)})
      if (has && !isExactCode(bound, scale, type)) {
        reason = "the bound " + std::to_string(bound) +
                 " is not a multiple of the static scale " +
                 std::to_string(scale.scale) + " with a code in range";
        return failure();
      }
    return type;
  }
  /// A fixed-scale quantization Q is monotone non-decreasing, maps +0.0
  /// and -0.0 to the zero point and NaN to the largest code, so
  /// Q(maximumf(x, lo)) = max(Q(x), Q(lo)) for every x, NaN included (and
  /// mx.clamp clamps the codes at Q(lo)). Not so for an upper bound:
  /// Q(minimumf(NaN, hi)) is the largest code, but min(Q(NaN), Q(hi)) is
  /// Q(hi).
  FailureOr<QuantizedType>
  commuteStaticQuantize(Operation *op, unsigned operand, QuantizedType type,
                        StaticScale scale, std::string &reason) const {
    FailureOr<ZeroClamp> clamp =
        Match(cast<OpTy>(op), isStaticPerTensor(type), reason);
    if (failed(clamp))
      return failure();
    if (clamp->upper) {
      reason = "an upper bound does not commute with a static quantization: "
               "NaN quantizes to the largest code, which the bound would "
               "lower, while minimumf keeps NaN";
      return failure();
    }
    if (!isStaticPerTensor(type)) {
      reason = kClampQuantizeReason;
      return failure();
    }
    if (failed(checkClampable(type, reason)))
      return failure();
    return type;
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    std::string reason;
    auto qtype = cast<QuantizedType>(resultType.getElementType());
    FailureOr<ZeroClamp> clamp =
        Match(cast<OpTy>(op), isStaticPerTensor(qtype), reason);
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
  /// A fixed-scale quantization Q is monotone non-decreasing and maps NaN
  /// to the largest code, so Q of the largest value of a window (NaN if
  /// any is, as arith.maximumf does) is the largest code of the window.
  FailureOr<QuantizedType>
  commuteStaticQuantize(Operation *op, unsigned operand, QuantizedType type,
                        StaticScale scale, std::string &reason) const {
    if (failed(Derived::check(cast<OpTy>(op), reason)))
      return failure();
    if (!isStaticPerTensor(type)) {
      reason = kPoolQuantizeReason;
      return failure();
    }
    if (failed(checkPoolable(type, reason)))
      return failure();
    return type;
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
// tensor.concat / tosa.concat: every operand is quantized.
//===----------------------------------------------------------------------===//

/// A concatenation along `dim` of `inputs` into `resultType` keeps every
/// operand's blocks (and packing groups) whole when each one but the last
/// has a multiple of the unit along `dim`. Runtime per-tensor scales of
/// different operands differ, so they stop, unless `equalStatic`: every
/// operand is quantized with the same fixed scale, and concatenating codes
/// is then elementwise.
static FailureOr<QuantizedType> commuteConcat(QuantizedType type,
                                              ValueRange inputs, int64_t dim,
                                              RankedTensorType resultType,
                                              bool equalStatic,
                                              std::string &reason) {
  FormatSpec spec = type.getSpec();
  if (!equalStatic &&
      (spec.granularity == Granularity::Tensor || spec.tensorScale)) {
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
    for (Value v : inputs.drop_back()) {
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
  int64_t rank = resultType.getRank();
  unsigned bits = getStorageElementBits(spec);
  if (bits != 8 && dim == rank - 1 && !wholeUnits(bits == 4 ? 2 : 4)) {
    reason = "an operand ends inside a packing group of the last dimension";
    return failure();
  }
  if (!resultType.hasStaticShape()) {
    reason = "the concatenation needs static shapes";
    return failure();
  }
  return type;
}

/// tensor.concat (Tosa = false) and tosa.concat (built as tensor.concat on
/// quantized tensors: TOSA verifies its element types). One rule in both
/// directions (`fixedScale`: every operand carries the same fixed scale).
template <typename OpTy>
struct ConcatModel : FixedScaleModel<ConcatModel<OpTy>, OpTy> {
  static int64_t dimOf(OpTy op) {
    if constexpr (std::is_same_v<OpTy, tensor::ConcatOp>)
      return op.getDim();
    else
      return op.getAxis();
  }
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          bool fixedScale,
                                          std::string &reason) {
    auto concat = cast<OpTy>(op);
    return commuteConcat(type, op->getOperands(), dimOf(concat),
                         cast<RankedTensorType>(op->getResult(0).getType()),
                         fixedScale, reason);
  }
  SmallVector<unsigned> getQuantizedOperands(Operation *op) const {
    return llvm::to_vector(llvm::seq<unsigned>(0, op->getNumOperands()));
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    return tensor::ConcatOp::create(b, op->getLoc(), resultType,
                                    dimOf(cast<OpTy>(op)), operands)
        .getResult();
  }
};

//===----------------------------------------------------------------------===//
// Zero padding: tensor.pad and tosa.pad build mx.pad.
//===----------------------------------------------------------------------===//

/// Padding with +0.0 of a tensor of `shape` by `low` / `high`.
///
/// Quantize moves before it (`forward` = false) whenever mx.pad can store
/// the result: zeros never raise a maximum (per tensor, channel or block;
/// the asymmetric INT8 range already includes 0), +0.0 quantizes to the
/// code of zero under any scale, and a block only partly made of padding
/// (the last one along the block axis) keeps its maximum, so its scale and
/// its NaN-ness. Blocks made only of padding get the all-zero block's scale.
///
/// Dequantize moves after it only when no padding element shares a scale
/// with data (or the scale is fixed): a runtime scale is NaN when its
/// data holds NaN or Inf, and would then turn padding that `tensor.pad`
/// leaves at +0.0 into NaN. So: block formats whose padding forms whole
/// blocks (along the block axis the input ends on a block boundary or is
/// not padded at the end; no per-tensor second-level scale), and INT8 per
/// tensor only with a static scale.
static FailureOr<QuantizedType> commutePad(QuantizedType type,
                                           ArrayRef<int64_t> shape,
                                           ArrayRef<int64_t> low,
                                           ArrayRef<int64_t> high, bool forward,
                                           bool isStatic, std::string &reason) {
  if (llvm::any_of(shape, ShapedType::isDynamic) ||
      llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic)) {
    reason = "the padding needs static sizes";
    return failure();
  }
  std::string why = PadOp::checkPadding(type, shape, low, high);
  if (!why.empty()) {
    reason = "the padded tensor cannot be stored: " + why;
    return failure();
  }
  if (!forward)
    return type;
  FormatSpec spec = type.getSpec();
  if (spec.granularity != Granularity::Block || spec.tensorScale) {
    if (isStatic && isStaticPerTensor(type))
      return type;
    reason = "the padding would share a runtime scale with the data, which "
             "is NaN when the data holds NaN or Inf (padding must stay +0.0)";
    return failure();
  }
  int64_t axis = type.getAxis();
  if (high[axis] != 0 && shape[axis] % spec.blockSize != 0) {
    reason = "the padding extends the partial last block along axis " +
             std::to_string(axis) +
             ", whose runtime scale is NaN when it holds NaN or Inf "
             "(padding must stay +0.0)";
    return failure();
  }
  return type;
}

/// Checks that `value` is the constant +0.0 (-0.0 has its own code in
/// sign-magnitude formats and decodes to +0.0 in INT8).
static bool isPosZero(Value value, std::string &reason) {
  if (!value) {
    reason = "the padding value is not a constant";
    return false;
  }
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr))) {
    reason = "the padding value is not a constant";
    return false;
  }
  std::optional<APFloat> v;
  if (auto f = dyn_cast<FloatAttr>(attr))
    v = f.getValue();
  else if (auto d = dyn_cast<DenseFPElementsAttr>(attr); d && d.isSplat())
    v = d.getSplatValue<APFloat>();
  if (!v || !v->isPosZero()) {
    reason = "the padding value is not +0.0";
    return false;
  }
  return true;
}

template <typename Derived, typename OpTy>
struct PadModelBase : FixedScaleModel<Derived, OpTy> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          bool isStatic, std::string &reason) {
    if (!isDataOperand(operand, "padded", reason))
      return failure();
    SmallVector<int64_t> low, high;
    if (failed(Derived::match(cast<OpTy>(op), low, high, reason)))
      return failure();
    return commutePad(type,
                      cast<ShapedType>(op->getOperand(0).getType()).getShape(),
                      low, high, forward, isStatic, reason);
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    SmallVector<int64_t> low, high;
    std::string reason;
    if (failed(Derived::match(cast<OpTy>(op), low, high, reason)))
      return failure();
    return PadOp::create(b, op->getLoc(), resultType, operands[0], low, high)
        .getResult();
  }
};

struct TensorPadModel : PadModelBase<TensorPadModel, tensor::PadOp> {
  static LogicalResult match(tensor::PadOp pad, SmallVectorImpl<int64_t> &low,
                             SmallVectorImpl<int64_t> &high,
                             std::string &reason) {
    if (!isPosZero(pad.getConstantPaddingValue(), reason))
      return failure();
    low.assign(pad.getStaticLow().begin(), pad.getStaticLow().end());
    high.assign(pad.getStaticHigh().begin(), pad.getStaticHigh().end());
    return success();
  }
};

/// The values of a tosa.const_shape operand.
static LogicalResult constShape(Value v, SmallVectorImpl<int64_t> &values) {
  auto shape = v.getDefiningOp<tosa::ConstShapeOp>();
  if (!shape)
    return failure();
  for (APInt x : shape.getValues().getValues<APInt>())
    values.push_back(x.getSExtValue());
  return success();
}

struct TosaPadModel : PadModelBase<TosaPadModel, tosa::PadOp> {
  static LogicalResult match(tosa::PadOp pad, SmallVectorImpl<int64_t> &low,
                             SmallVectorImpl<int64_t> &high,
                             std::string &reason) {
    if (!isPosZero(pad.getPadConst(), reason))
      return failure();
    SmallVector<int64_t> padding;
    if (failed(constShape(pad.getPadding(), padding))) {
      reason = "the padding is not a tosa.const_shape";
      return failure();
    }
    // [low0, high0, low1, high1, ...]
    for (size_t i = 0; i + 1 < padding.size(); i += 2) {
      low.push_back(padding[i]);
      high.push_back(padding[i + 1]);
    }
    return success();
  }
};

//===----------------------------------------------------------------------===//
// tensor.insert_slice: source and destination quantized alike.
//===----------------------------------------------------------------------===//

/// Every block lies entirely in the inserted slice or entirely in the rest
/// of the destination when the slice starts on a block boundary and ends on
/// one (or at the end of the tensor) along the block axis (and on packing
/// groups along the last dimension): each block keeps its own scale, so
/// the codes can be inserted. Per-tensor scales must be one fixed scale;
/// per-channel scales would mix (the slice's channels carry the scales of
/// the slice's elements only).
struct InsertSliceModel
    : FixedScaleModel<InsertSliceModel, tensor::InsertSliceOp> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          bool isStatic, std::string &reason) {
    auto insert = cast<tensor::InsertSliceOp>(op);
    RankedTensorType dest = insert.getDestType();
    if (failed(checkStaticSlice(insert, dest, insert.getSourceType(),
                                "insertion", reason)))
      return failure();
    FormatSpec spec = type.getSpec();
    if (spec.granularity != Granularity::Block || spec.tensorScale) {
      if (isStatic)
        return type;
      reason = spec.granularity == Granularity::Channel
                   ? "inserting mixes the runtime scales of the slice's and "
                     "the destination's channels"
                   : "the slice and the destination have their own runtime "
                     "per-tensor scales; inserting codes needs equal scales";
      return failure();
    }
    // The slice as a part of the destination, then as the whole source.
    return commuteSlice(type, dest.getShape(), insert.getStaticOffsets(),
                        insert.getStaticSizes(), /*forward=*/true, reason);
  }
  SmallVector<unsigned> getQuantizedOperands(Operation *op) const {
    return {0, 1};
  }
};

//===----------------------------------------------------------------------===//
// linalg.broadcast builds mx.broadcast.
//===----------------------------------------------------------------------===//

/// Repeating every element along new dimensions repeats whole blocks and
/// channels with their scales (the axis is renumbered), and keeps every
/// maximum (per tensor, channel or block), so both directions are exact.
struct BroadcastModel : DirectionalModel<BroadcastModel, linalg::BroadcastOp> {
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    auto bc = cast<linalg::BroadcastOp>(op);
    if (operand != 0 || !bc.hasPureTensorSemantics()) {
      reason = "only the broadcast tensor (on tensors) can be quantized";
      return failure();
    }
    auto outType = cast<RankedTensorType>(bc.getInit().getType());
    if (!outType.hasStaticShape() || outType.getNumElements() == 0) {
      reason = "the broadcast needs a static, non-empty shape";
      return failure();
    }
    int64_t rank = outType.getRank();
    SmallVector<bool> isNew(rank, false);
    for (int64_t d : bc.getDimensions())
      isNew[d] = true;
    SmallVector<int64_t> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (!isNew[d])
        kept.push_back(d);
    FormatSpec spec = type.getSpec();
    if (getStorageElementBits(spec) != 8 && isNew[rank - 1]) {
      reason = "the broadcast adds a last dimension, along which the "
               "sub-byte elements are packed";
      return failure();
    }
    if (type.isPerTensor())
      return type;
    int64_t axis = type.getAxis();
    int64_t newAxis;
    if (forward) {
      newAxis = kept[axis];
    } else {
      if (isNew[axis]) {
        reason = "the quantization axis " + std::to_string(axis) +
                 " is a broadcast dimension";
        return failure();
      }
      newAxis = llvm::find(kept, axis) - kept.begin();
    }
    std::string packable = checkPackable(
        forward ? outType.getShape()
                : cast<ShapedType>(bc.getInput().getType()).getShape(),
        newAxis, spec);
    if (!packable.empty()) {
      reason = "the broadcast tensor cannot be stored: " + packable;
      return failure();
    }
    return QuantizedType::get(type.getContext(), type.getFormat(), newAxis);
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    return BroadcastOp::create(b, op->getLoc(), resultType, operands[0],
                               cast<linalg::BroadcastOp>(op).getDimensions())
        .getResult();
  }
};

//===----------------------------------------------------------------------===//
// tosa.reshape and tosa.slice: built as tensor reshapes and slices.
//===----------------------------------------------------------------------===//

/// tosa.reshape that is one tensor.collapse_shape or expand_shape (or
/// keeps the shape): the rules of those.
struct TosaReshapeModel : DirectionalModel<TosaReshapeModel, tosa::ReshapeOp> {
  /// The reassociation and whether the reshape collapses.
  static LogicalResult match(tosa::ReshapeOp op,
                             SmallVectorImpl<ReassociationIndices> &groups,
                             bool &collapses, std::string &reason) {
    auto src = cast<RankedTensorType>(op.getInput1().getType());
    auto dst = cast<RankedTensorType>(op.getResult().getType());
    if (!src.hasStaticShape() || !dst.hasStaticShape()) {
      reason = "the reshape needs static shapes";
      return failure();
    }
    collapses = src.getRank() >= dst.getRank();
    std::optional<SmallVector<ReassociationIndices>> r =
        collapses
            ? getReassociationIndicesForCollapse(src.getShape(), dst.getShape())
            : getReassociationIndicesForCollapse(dst.getShape(),
                                                 src.getShape());
    if (!r) {
      reason = "the reshape is not a single collapse or expansion of "
               "dimensions";
      return failure();
    }
    groups.assign(r->begin(), r->end());
    return success();
  }
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    if (!isDataOperand(operand, "reshaped", reason))
      return failure();
    SmallVector<ReassociationIndices> groups;
    bool collapses;
    if (failed(match(cast<tosa::ReshapeOp>(op), groups, collapses, reason)))
      return failure();
    return commuteReshape(type, groups, forward ? collapses : !collapses,
                          reason);
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    SmallVector<ReassociationIndices> groups;
    bool collapses;
    std::string reason;
    if (failed(match(cast<tosa::ReshapeOp>(op), groups, collapses, reason)))
      return failure();
    if (collapses)
      return tensor::CollapseShapeOp::create(b, op->getLoc(), resultType,
                                             operands[0], groups)
          .getResult();
    return tensor::ExpandShapeOp::create(b, op->getLoc(), resultType,
                                         operands[0], groups)
        .getResult();
  }
};

struct TosaSliceModel : DirectionalModel<TosaSliceModel, tosa::SliceOp> {
  static LogicalResult match(tosa::SliceOp op, SmallVectorImpl<int64_t> &start,
                             SmallVectorImpl<int64_t> &size,
                             std::string &reason) {
    auto src = cast<RankedTensorType>(op.getInput1().getType());
    if (!src.hasStaticShape() || failed(constShape(op.getStart(), start)) ||
        failed(constShape(op.getSize(), size)) ||
        (int64_t)start.size() != src.getRank() ||
        (int64_t)size.size() != src.getRank()) {
      reason = "the slice needs a static shape and constant start and size";
      return failure();
    }
    for (int64_t d = 0; d < src.getRank(); ++d)
      if (size[d] == -1)
        size[d] = src.getDimSize(d) - start[d];
    return success();
  }
  static FailureOr<QuantizedType> commute(Operation *op, unsigned operand,
                                          QuantizedType type, bool forward,
                                          std::string &reason) {
    SmallVector<int64_t> start, size;
    if (operand != 0 ||
        failed(match(cast<tosa::SliceOp>(op), start, size, reason)))
      return failure();
    return commuteSlice(
        type, cast<ShapedType>(op->getOperand(0).getType()).getShape(), start,
        size, forward, reason);
  }
  FailureOr<Value> buildQuantized(Operation *op, OpBuilder &b,
                                  ValueRange operands,
                                  RankedTensorType resultType) const {
    SmallVector<int64_t> start, size;
    std::string reason;
    if (failed(match(cast<tosa::SliceOp>(op), start, size, reason)))
      return failure();
    SmallVector<int64_t> strides(start.size(), 1);
    return tensor::ExtractSliceOp::create(
               b, op->getLoc(), resultType, operands[0], ValueRange{},
               ValueRange{}, ValueRange{}, start, size, strides)
        .getResult();
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
    tensor::ConcatOp::attachInterface<ConcatModel<tensor::ConcatOp>>(*ctx);
    tensor::PadOp::attachInterface<TensorPadModel>(*ctx);
    tensor::InsertSliceOp::attachInterface<InsertSliceModel>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    linalg::TransposeOp::attachInterface<TransposeModel<linalg::TransposeOp>>(
        *ctx);
    linalg::GenericOp::attachInterface<GenericClampModel>(*ctx);
    linalg::PoolingNhwcMaxOp::attachInterface<LinalgMaxPoolModel>(*ctx);
    linalg::BroadcastOp::attachInterface<BroadcastModel>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::TransposeOp::attachInterface<TransposeModel<tosa::TransposeOp>>(*ctx);
    tosa::ClampOp::attachInterface<TosaClampModel>(*ctx);
    tosa::MaxPool2dOp::attachInterface<TosaMaxPoolModel>(*ctx);
    tosa::ConcatOp::attachInterface<ConcatModel<tosa::ConcatOp>>(*ctx);
    tosa::PadOp::attachInterface<TosaPadModel>(*ctx);
    tosa::ReshapeOp::attachInterface<TosaReshapeModel>(*ctx);
    tosa::SliceOp::attachInterface<TosaSliceModel>(*ctx);
  });
}
