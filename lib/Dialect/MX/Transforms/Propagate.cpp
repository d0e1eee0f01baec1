//===- Propagate.cpp - Move dequantizations through commuting ops ---------===//
//
// Part of mx-opt. See the description of mx-propagate in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXInterfaces.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/IR/IRMapping.h"

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
    if (!isa<QuantCommutingOpInterface>(def) || def->getNumOperands() == 0)
      return {};
    v = def->getOperand(0);
  }
  return {};
}

/// Whether quantizing the dequantized values of `q` reproduces `q`.
bool requantizesExactly(DequantizeOp dq, QuantizeOp q) {
  if (dq.getInput().getType() != q.getResult().getType())
    return false;
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
  return q.getStaticScaleAttr() &&
         producer.getStaticScaleAttr() == q.getStaticScaleAttr();
}

struct MXPropagatePass : mx::impl::MXPropagateBase<MXPropagatePass> {
  using Base::Base;

  /// Moves `dq` past its single user when that user commutes with it.
  /// Returns the new dequantization, or null.
  DequantizeOp moveForward(DequantizeOp dq) {
    if (!dq->hasOneUse())
      return remark(dq, "its result has several uses");
    OpOperand &use = *dq->use_begin();
    Operation *user = use.getOwner();
    auto commuting = dyn_cast<QuantCommutingOpInterface>(user);
    if (!commuting) {
      if (!isa<QuantizeOp>(user))
        remark(dq, "'" + user->getName().getStringRef().str() +
                       "' does not commute with quantization (no "
                       "QuantCommutingOpInterface)");
      return {};
    }
    if (user->getNumResults() != 1)
      return remark(dq, "the user has several results");
    auto resultType = dyn_cast<RankedTensorType>(user->getResult(0).getType());
    if (!resultType)
      return remark(dq, "the user's result is not a ranked tensor");
    std::string reason;
    FailureOr<QuantizedType> qtype = commuting.commuteDequantize(
        use.getOperandNumber(), dq.getQuantizedType(), reason);
    if (failed(qtype))
      return remark(dq, "stopped at '" + user->getName().getStringRef().str() +
                            "': " + reason);
    OpBuilder b(user);
    IRMapping map;
    map.map(dq.getResult(), dq.getInput());
    Operation *moved = b.clone(*user, map);
    moved->getResult(0).setType(
        RankedTensorType::get(resultType.getShape(), *qtype));
    auto newDq = DequantizeOp::create(b, user->getLoc(), resultType,
                                      moved->getResult(0));
    user->getResult(0).replaceAllUsesWith(newDq.getResult());
    user->erase();
    dq.erase();
    ++numMoved;
    MX_DEBUG(llvm::dbgs() << "moved past " << *moved << "\n");
    return newDq;
  }

  /// Moves `q` before its producer when the producer commutes with it.
  /// Returns the new quantization, or null.
  QuantizeOp moveBackward(QuantizeOp q) {
    Operation *def = q.getInput().getDefiningOp();
    auto commuting = dyn_cast_if_present<QuantCommutingOpInterface>(def);
    if (!commuting || def->getNumResults() != 1 || def->getNumOperands() == 0)
      return {};
    if (!def->getResult(0).hasOneUse()) {
      if (remarks)
        q.emitRemark() << "quantization stays: the value it quantizes has "
                          "other uses";
      return {};
    }
    auto operandType = dyn_cast<RankedTensorType>(def->getOperand(0).getType());
    if (!operandType)
      return {};
    std::string reason;
    FailureOr<QuantizedType> qtype =
        commuting.commuteQuantize(0, q.getQuantizedType(), reason);
    if (failed(qtype)) {
      if (remarks)
        q.emitRemark() << "quantization stays: stopped at '"
                       << def->getName().getStringRef() << "': " << reason;
      return {};
    }
    // Static scales are stored in the shape of the scales part, which
    // must not change.
    if (q.getStaticScalesAttr() &&
        qtype->getStorageTypes(operandType.getShape())[1] !=
            q.getQuantizedType().getStorageTypes(
                q.getResult().getType().getShape())[1]) {
      if (remarks)
        q.emitRemark() << "quantization stays: stopped at '"
                       << def->getName().getStringRef()
                       << "': its static scales would change shape";
      return {};
    }
    OpBuilder b(def);
    auto newQ = QuantizeOp::create(
        b, q.getLoc(), RankedTensorType::get(operandType.getShape(), *qtype),
        def->getOperand(0));
    newQ->setDiscardableAttrs(q->getDiscardableAttrDictionary());
    newQ.setCalibrationAttr(q.getCalibrationAttr());
    newQ.setStaticScaleAttr(q.getStaticScaleAttr());
    newQ.setStaticScalesAttr(q.getStaticScalesAttr());
    newQ.setStaticZeroPointsAttr(q.getStaticZeroPointsAttr());
    IRMapping map;
    map.map(def->getOperand(0), newQ.getResult());
    Operation *moved = b.clone(*def, map);
    moved->getResult(0).setType(q.getResult().getType());
    q.getResult().replaceAllUsesWith(moved->getResult(0));
    q.erase();
    def->erase();
    ++numMoved;
    return newQ;
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
      if (DequantizeOp next = moveForward(dq))
        worklist.push_back(next);
    }
    // Quantizations move backward (earlier) the same way.
    SmallVector<QuantizeOp> qWorklist;
    getOperation()->walk([&](QuantizeOp q) { qWorklist.push_back(q); });
    while (!qWorklist.empty()) {
      QuantizeOp q = qWorklist.pop_back_val();
      if (QuantizeOp next = moveBackward(q))
        qWorklist.push_back(next);
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
