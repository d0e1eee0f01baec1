//===- MXInterfaces.cpp - mx interfaces and external models ---------------===//
//
// Part of mx-opt. QuantCommutingOpInterface and its models for upstream ops.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

} // namespace

void mx::registerQuantCommutingExternalModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    tensor::CollapseShapeOp::attachInterface<
        ReshapeModel<tensor::CollapseShapeOp, /*Collapses=*/true>>(*ctx);
    tensor::ExpandShapeOp::attachInterface<
        ReshapeModel<tensor::ExpandShapeOp, /*Collapses=*/false>>(*ctx);
    tensor::ExtractSliceOp::attachInterface<ExtractSliceModel>(*ctx);
  });
}
