//===- Propagate.cpp - Move dequantizations through commuting ops ---------===//
//
// Part of mx-opt. See the description of mx-propagate in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "mx-propagate"

namespace mx {
#define GEN_PASS_DEF_MXPROPAGATE
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

/// The mx.quantize that produced `v` through data movement, if any. Codes
/// from mx.quantize are canonical (no NaN or Inf element codes in finite
/// blocks); codes from elsewhere (function arguments) may not be.
QuantizeOp producingQuantize(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto q = dyn_cast<QuantizeOp>(def))
      return q;
    // Only through ops with one quantized operand: the codes of the others
    // (a concatenation's) may come from elsewhere.
    auto commuting = dyn_cast<QuantCommutingOpInterface>(def);
    if (!commuting || commuting.getQuantizedOperands().size() != 1)
      return {};
    v = def->getOperand(commuting.getQuantizedOperands().front());
  }
  return {};
}

/// The fixed per-tensor scale of a static INT8 quantization (`static_scale`,
/// or rank-0 `static_scales` with its zero point), if `q` has one.
std::optional<StaticScale> staticScaleOf(QuantizeOp q) {
  // `static_scale` of a two-level format (NVFP4, an MX pre-scale) is its
  // calibrated tensor scale, not an INT8 scale: its block scales still come
  // from the data, so none of the static-INT8 rules apply.
  FormatSpec spec = q.getQuantizedType().getSpec();
  if (spec.scale != ScaleKind::F32 || spec.tensorScale)
    return std::nullopt;
  if (FloatAttr s = q.getStaticScaleAttr())
    return StaticScale{static_cast<float>(s.getValueAsDouble()), 0};
  DenseFPElementsAttr scales = q.getStaticScalesAttr();
  if (!scales || scales.getType().getRank() != 0)
    return std::nullopt;
  StaticScale r;
  r.scale = (*scales.getValues<APFloat>().begin()).convertToFloat();
  if (DenseIntElementsAttr zps = q.getStaticZeroPointsAttr())
    r.zeroPoint = (*zps.getValues<APInt>().begin()).getSExtValue();
  return r;
}

/// The fixed per-tensor scale the codes of `v` were quantized with: `v`
/// comes from static mx.quantize ops through ops that keep codes and
/// scales (mx data-movement ops, and ops with the interface, all of whose
/// quantized operands must agree).
std::optional<StaticScale> staticScaleOfCodes(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto q = dyn_cast<QuantizeOp>(def))
    return staticScaleOf(q);
  if (isa<ClampOp, MaxPoolOp, TransposeOp, PadOp, BroadcastOp>(def))
    return staticScaleOfCodes(def->getOperand(0));
  auto commuting = dyn_cast<QuantCommutingOpInterface>(def);
  if (!commuting)
    return std::nullopt;
  std::optional<StaticScale> common;
  for (unsigned index : commuting.getQuantizedOperands()) {
    std::optional<StaticScale> s = staticScaleOfCodes(def->getOperand(index));
    if (!s || (common && !(*common == *s)))
      return std::nullopt;
    common = s;
  }
  return common;
}

/// Whether quantizing the dequantized values of `q` reproduces `q`.
bool requantizesExactly(DequantizeOp dq, QuantizeOp q) {
  if (dq.getInput().getType() != q.getResult().getType())
    return false;
  // Static INT8 per tensor: codes quantized with the same fixed scale,
  // through any op that keeps codes (relu, max-pooling and padding give
  // codes in [qmin, qmax] too), decode to values that quantize back to them.
  if (std::optional<StaticScale> fixed = staticScaleOf(q)) {
    std::optional<StaticScale> codes = staticScaleOfCodes(dq.getInput());
    return codes && *codes == *fixed;
  }
  QuantizeOp producer = producingQuantize(dq.getInput());
  if (!producer)
    return false;
  FormatSpec spec = q.getQuantizedType().getSpec();
  if (spec.scale == ScaleKind::E8M0 && spec.scaleRule == ScaleRule::Floor &&
      spec.element != ElementKind::SM && !spec.tensorScale)
    return true;
  // Static INT8: the same fixed scale on both sides.
  if (q.getStaticScalesAttr())
    return producer.getStaticScalesAttr() == q.getStaticScalesAttr() &&
           producer.getStaticZeroPointsAttr() == q.getStaticZeroPointsAttr();
  // (A static tensor scale of a two-level format does not make re-quantizing
  // exact: the block scales are recomputed from rounded values.)
  return q.getStaticScaleAttr() && spec.scale == ScaleKind::F32 &&
         producer.getStaticScaleAttr() == q.getStaticScaleAttr();
}

struct MXPropagatePass : mx::impl::MXPropagateBase<MXPropagatePass> {
  using Base::Base;

  /// Moves `dq` past its single user when that user commutes with it (and,
  /// for ops with several quantized operands such as a concatenation, every
  /// one of them is dequantized with one use). Returns the new
  /// dequantization, or null.
  DequantizeOp moveForward(DequantizeOp dq,
                           SmallVectorImpl<DequantizeOp> &worklist) {
    if (!dq->hasOneUse())
      return remark(dq, "its result has several uses");
    OpOperand &use = *dq->use_begin();
    Operation *user = use.getOwner();
    auto commuting = dyn_cast<QuantCommutingOpInterface>(user);
    std::string userName = "'" + user->getName().getStringRef().str() + "'";
    if (!commuting) {
      if (!isa<QuantizeOp>(user))
        remark(dq, userName + " does not commute with quantization (no "
                              "QuantCommutingOpInterface)");
      return {};
    }
    if (user->getNumResults() != 1)
      return remark(dq, "the user has several results");
    auto resultType = dyn_cast<RankedTensorType>(user->getResult(0).getType());
    if (!resultType)
      return remark(dq, "the user's result is not a ranked tensor");
    SmallVector<unsigned> indices = commuting.getQuantizedOperands();
    if (!llvm::is_contained(indices, use.getOperandNumber()))
      return remark(dq, "stopped at " + userName + ": operand " +
                            Twine(use.getOperandNumber()) +
                            " is not one the op can take quantized");
    // One fixed scale for all operands (static INT8) lets more ops commute.
    std::optional<StaticScale> common;
    for (auto [i, index] : llvm::enumerate(indices)) {
      auto other = user->getOperand(index).getDefiningOp<DequantizeOp>();
      std::optional<StaticScale> s =
          other ? staticScaleOfCodes(other.getInput()) : std::nullopt;
      if (!s || (i > 0 && !common) || (common && !(*common == *s))) {
        common.reset();
        break;
      }
      common = s;
    }
    SmallVector<DequantizeOp> dqs;
    std::optional<QuantizedType> resultQ;
    for (unsigned index : indices) {
      auto other = user->getOperand(index).getDefiningOp<DequantizeOp>();
      if (!other)
        return remark(dq, "stopped at " + userName + ": its operand " +
                              Twine(index) + " is not dequantized");
      if (!other->hasOneUse())
        return remark(dq, "stopped at " + userName +
                              ": the dequantization "
                              "of its operand " +
                              Twine(index) + " has other uses");
      if (other.getType().getElementType() != dq.getType().getElementType())
        return remark(dq, "stopped at " + userName +
                              ": its operands are dequantized to different "
                              "float types");
      std::string reason;
      FailureOr<QuantizedType> qtype =
          common ? commuting.commuteStaticDequantize(
                       index, other.getQuantizedType(), *common, reason)
                 : commuting.commuteDequantize(index, other.getQuantizedType(),
                                               reason);
      if (failed(qtype))
        return remark(dq, "stopped at " + userName + ": " + reason);
      if (resultQ && *resultQ != *qtype)
        return remark(dq, "stopped at " + userName +
                              ": its operands are quantized differently");
      resultQ = *qtype;
      dqs.push_back(other);
    }
    if (!resultQ)
      return remark(dq, "stopped at " + userName + ": no quantized operands");
    OpBuilder b(user);
    SmallVector<Value> inputs = llvm::map_to_vector(
        dqs, [](DequantizeOp d) -> Value { return d.getInput(); });
    FailureOr<Value> moved = commuting.buildQuantized(
        b, inputs, RankedTensorType::get(resultType.getShape(), *resultQ));
    if (failed(moved))
      return remark(dq, "stopped at " + userName +
                            ": its quantized form could not be built");
    auto newDq = DequantizeOp::create(b, user->getLoc(), resultType, *moved);
    user->getResult(0).replaceAllUsesWith(newDq.getResult());
    SmallVector<Value> others; // Operands other than the erased dqs.
    for (Value v : user->getOperands())
      if (!llvm::is_contained(dqs, v.getDefiningOp<DequantizeOp>()))
        others.push_back(v);
    user->erase();
    for (DequantizeOp d : dqs) {
      llvm::erase(worklist, d);
      d.erase();
    }
    eraseDeadProducers(others);
    ++numMoved;
    MX_DEBUG(llvm::dbgs() << "moved past " << *moved << "\n");
    return newDq;
  }

  /// Moves `q` before its producer when the producer commutes with it: each
  /// quantized operand of the producer is quantized instead. Returns the new
  /// quantizations (empty when `q` stays).
  SmallVector<QuantizeOp> moveBackward(QuantizeOp q) {
    Operation *def = q.getInput().getDefiningOp();
    if (!def)
      return {};
    auto commuting = dyn_cast<QuantCommutingOpInterface>(def);
    std::string defName = "'" + def->getName().getStringRef().str() + "'";
    auto stays = [&](const Twine &why) -> SmallVector<QuantizeOp> {
      if (remarks)
        q.emitRemark() << "quantization stays: " << why;
      return {};
    };
    if (!commuting) {
      if (isa<DequantizeOp>(def))
        return {}; // Handled by the cancellation below.
      return stays(defName + " does not commute with quantization (no "
                             "QuantCommutingOpInterface)");
    }
    if (def->getNumResults() != 1)
      return stays("stopped at " + defName + ": it has several results");
    if (!def->getResult(0).hasOneUse())
      return stays("the value it quantizes has other uses");
    SmallVector<unsigned> indices = commuting.getQuantizedOperands();
    std::optional<StaticScale> fixed = staticScaleOf(q);
    SmallVector<RankedTensorType> types;
    for (unsigned index : indices) {
      auto operandType =
          dyn_cast<RankedTensorType>(def->getOperand(index).getType());
      if (!operandType || !isa<FloatType>(operandType.getElementType()))
        return stays("stopped at " + defName + ": operand " + Twine(index) +
                     " is not a float tensor");
      std::string reason;
      FailureOr<QuantizedType> qtype =
          fixed
              ? commuting.commuteStaticQuantize(index, q.getQuantizedType(),
                                                *fixed, reason)
              : commuting.commuteQuantize(index, q.getQuantizedType(), reason);
      if (failed(qtype))
        return stays("stopped at " + defName + ": " + reason);
      types.push_back(RankedTensorType::get(operandType.getShape(), *qtype));
    }
    if (indices.empty())
      return stays("stopped at " + defName + ": no quantized operands");
    // Static scales are stored in the shape of the scales part, which
    // must not change.
    if (q.getStaticScalesAttr()) {
      RankedTensorType scalesPart = q.getQuantizedType().getStorageTypes(
          q.getResult().getType().getShape())[1];
      for (auto [index, type] : llvm::zip(indices, types))
        if (cast<QuantizedType>(type.getElementType())
                .getStorageTypes(type.getShape())[1] != scalesPart)
          return stays("stopped at " + defName +
                       ": its static scales would change shape");
    }
    OpBuilder b(def);
    SmallVector<QuantizeOp> newQs;
    SmallVector<Value> inputs;
    for (auto [index, type] : llvm::zip(indices, types)) {
      auto newQ =
          QuantizeOp::create(b, q.getLoc(), type, def->getOperand(index));
      newQ->setDiscardableAttrs(q->getDiscardableAttrDictionary());
      newQ.setCalibrationAttr(q.getCalibrationAttr());
      newQ.setStaticScaleAttr(q.getStaticScaleAttr());
      newQ.setStaticScalesAttr(q.getStaticScalesAttr());
      newQ.setStaticZeroPointsAttr(q.getStaticZeroPointsAttr());
      newQs.push_back(newQ);
      inputs.push_back(newQ.getResult());
    }
    FailureOr<Value> moved =
        commuting.buildQuantized(b, inputs, q.getResult().getType());
    if (failed(moved)) {
      for (QuantizeOp newQ : newQs)
        newQ.erase();
      return stays("stopped at " + defName +
                   ": its quantized form could not be built");
    }
    q.getResult().replaceAllUsesWith(*moved);
    q.erase();
    SmallVector<Value> others(def->getOperands());
    def->erase();
    eraseDeadProducers(others);
    ++numMoved;
    return newQs;
  }

  /// Erases the producers of `values` (and theirs) that became dead: the
  /// initial values (tensor.empty, linalg.fill) of ops replaced by mx ops.
  static void eraseDeadProducers(ArrayRef<Value> values) {
    llvm::SetVector<Operation *> worklist; // No duplicates: each erased once.
    for (Value v : values)
      if (Operation *def = v.getDefiningOp())
        worklist.insert(def);
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!isa<tensor::EmptyOp, linalg::FillOp, arith::ConstantOp>(op) ||
          !isOpTriviallyDead(op))
        continue;
      for (Value v : op->getOperands())
        if (Operation *def = v.getDefiningOp())
          worklist.insert(def);
      op->erase();
    }
  }

  DequantizeOp remark(DequantizeOp dq, const Twine &why) {
    if (remarks)
      dq.emitRemark() << "dequantization stays: " << why;
    MX_DEBUG(llvm::dbgs() << "stays: " << why << "\n");
    return {};
  }

  void runOnOperation() override {
    SmallVector<DequantizeOp> worklist;
    getOperation()->walk([&](DequantizeOp dq) { worklist.push_back(dq); });
    while (!worklist.empty()) {
      DequantizeOp dq = worklist.pop_back_val();
      if (DequantizeOp next = moveForward(dq, worklist))
        worklist.push_back(next);
    }
    // Quantizations move backward (earlier) the same way.
    SmallVector<QuantizeOp> qWorklist;
    getOperation()->walk([&](QuantizeOp q) { qWorklist.push_back(q); });
    while (!qWorklist.empty()) {
      QuantizeOp q = qWorklist.pop_back_val();
      llvm::append_range(qWorklist, moveBackward(q));
    }
    // Cancel quantize(dequantize(q)) that reproduce q.
    SmallVector<QuantizeOp> quantizes;
    getOperation()->walk([&](QuantizeOp q) { quantizes.push_back(q); });
    for (QuantizeOp q : quantizes) {
      auto dq = q.getInput().getDefiningOp<DequantizeOp>();
      if (!dq)
        continue;
      if (!requantizesExactly(dq, q)) {
        if (remarks)
          q.emitRemark() << "quantize(dequantize) pair stays: re-quantizing "
                            "would not reproduce the codes exactly (another "
                            "format, a scale rule other than floor, a dynamic "
                            "INT8 scale, or codes not from mx.quantize)";
        continue;
      }
      q.getResult().replaceAllUsesWith(dq.getInput());
      q.erase();
      if (dq->use_empty())
        dq.erase();
      ++numCancelled;
    }
  }
};

} // namespace
