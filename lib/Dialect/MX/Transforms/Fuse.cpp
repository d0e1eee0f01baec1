//===- Fuse.cpp - DQ -> contraction -> epilogue -> [Q] into mx.contract ---===//
//
// Part of mx-opt. See the description of mx-fuse in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "mx-fuse"

namespace mx {
#define GEN_PASS_DEF_MXFUSE
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

/// Whether `v` is a tensor of +0.0 (a linalg.fill or a splat constant).
bool isZeroTensor(Value v) {
  auto isPosZero = [](Value s) {
    FloatAttr attr;
    return matchPattern(s, m_Constant(&attr)) && attr.getValue().isPosZero();
  };
  if (auto fill = v.getDefiningOp<linalg::FillOp>())
    return isPosZero(fill.getInputs()[0]);
  DenseFPElementsAttr dense;
  return matchPattern(v, m_Constant(&dense)) && dense.isSplat() &&
         dense.getSplatValue<APFloat>().isPosZero();
}

/// An elementwise linalg.generic over f32 tensors: all loops parallel, the
/// output map the identity, one result.
bool isElementwiseGeneric(linalg::GenericOp g) {
  return g.getNumResults() == 1 && g.getNumDpsInits() == 1 &&
         g.getNumReductionLoops() == 0 &&
         g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity() &&
         cast<RankedTensorType>(g.getResult(0).getType())
             .getElementType()
             .isF32() &&
         !g.payloadUsesValueFromOperand(g.getDpsInitOperand(0));
}

/// The one op of the body before the yield, if the body is exactly that.
Operation *singleBodyOp(linalg::GenericOp g) {
  Block &body = g.getRegion().front();
  if (body.getOperations().size() != 2)
    return nullptr;
  return &body.front();
}

/// One step of the epilogue that was recognised.
struct EpilogueStep {
  enum Kind { Bias, Residual, Clamp } kind;
  linalg::GenericOp op;
  Value other;                   ///< The bias or residual tensor.
  AffineMap otherMap;            ///< Its map in the generic's loops.
  std::optional<float> min, max; ///< Clamp bounds.
};

struct FusePass : mx::impl::MXFuseBase<FusePass> {
  using MXFuseBase::MXFuseBase;

  void remark(Operation *op, const Twine &why) {
    if (remarks)
      op->emitRemark() << why;
    MX_DEBUG(llvm::dbgs() << why << "\n");
  }

  /// `value` (the current result, input `pos` of `g`) + another tensor, or
  /// a clamp of `value` by constants.
  std::optional<EpilogueStep> matchStep(linalg::GenericOp g, Value value,
                                        std::string &why) {
    if (!isElementwiseGeneric(g)) {
      why = "it is not an elementwise linalg.generic on f32";
      return std::nullopt;
    }
    Operation *op = singleBodyOp(g);
    Block &body = g.getRegion().front();
    auto argOf = [&](Value v) -> int {
      auto arg = dyn_cast<BlockArgument>(v);
      if (!arg || arg.getOwner() != &body)
        return -1;
      return arg.getArgNumber();
    };
    unsigned pos = 0;
    for (OpOperand *in : g.getDpsInputOperands())
      if (in->get() == value)
        pos = in->getOperandNumber();
    if (!g.getMatchingIndexingMap(g.getDpsInputOperand(pos)).isIdentity()) {
      why = "it reads the result through a non-identity map";
      return std::nullopt;
    }
    if (op && isa<arith::AddFOp>(op) && g.getNumDpsInputs() == 2) {
      int a = argOf(op->getOperand(0)), b = argOf(op->getOperand(1));
      if (!((a == (int)pos && b == 1 - (int)pos) ||
            (b == (int)pos && a == 1 - (int)pos))) {
        why = "its addition does not add its two inputs";
        return std::nullopt;
      }
      OpOperand *other = g.getDpsInputOperand(1 - pos);
      AffineMap map = g.getMatchingIndexingMap(other);
      EpilogueStep step{EpilogueStep::Bias, g, other->get(), map, {}, {}};
      if (map.isIdentity())
        step.kind = EpilogueStep::Residual;
      else if (!map.isProjectedPermutation()) {
        why = "the added tensor is not indexed by a projection of the result";
        return std::nullopt;
      }
      if (!cast<RankedTensorType>(other->get().getType())
               .getElementType()
               .isF32()) {
        why = "the added tensor is not f32";
        return std::nullopt;
      }
      return step;
    }
    if (g.getNumDpsInputs() != 1) {
      why = "it is not a bias add, residual add, relu or clamp";
      return std::nullopt;
    }
    // A chain of arith.maximumf / arith.minimumf with constants.
    EpilogueStep step{EpilogueStep::Clamp, g, {}, {}, {}, {}};
    Value cur = body.getTerminator()->getOperand(0);
    while (argOf(cur) != 0) {
      Operation *def = cur.getDefiningOp();
      if (!def || !isa<arith::MaximumFOp, arith::MinimumFOp>(def)) {
        why = "it is not a bias add, residual add, relu or clamp "
              "(arith.maximumf / arith.minimumf with constants; "
              "arith.maxnumf treats NaN differently and does not fuse)";
        return std::nullopt;
      }
      FloatAttr bound;
      Value next;
      for (unsigned i = 0; i < 2; ++i)
        if (matchPattern(def->getOperand(i), m_Constant(&bound)))
          next = def->getOperand(1 - i);
      if (!bound || !next) {
        why = "its max/min is not with a constant";
        return std::nullopt;
      }
      float v = bound.getValue().convertToFloat();
      std::optional<float> &slot =
          isa<arith::MaximumFOp>(def) ? step.min : step.max;
      slot = slot ? (isa<arith::MaximumFOp>(def) ? std::max(*slot, v)
                                                 : std::min(*slot, v))
                  : v;
      cur = next;
    }
    if (step.min && step.max && !(*step.min <= *step.max)) {
      why = "its clamp bounds are crossed";
      return std::nullopt;
    }
    return step;
  }

  void fuse(linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics())
      return;
    auto dqOf = [&](unsigned i) {
      return op.getDpsInputs().size() > i
                 ? op.getDpsInputs()[i].getDefiningOp<DequantizeOp>()
                 : DequantizeOp();
    };
    DequantizeOp lhs = dqOf(0), rhs = dqOf(1);
    if (!lhs && !rhs)
      return; // Nothing quantized here; nothing to say.
    auto notFused = [&](const Twine &why) { remark(op, "not fused: " + why); };
    if (!linalg::isaContractionOpInterface(op) &&
        !linalg::isaConvolutionOpInterface(op))
      return notFused("not a contraction or a convolution");
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op->getNumResults() != 1)
      return notFused("expected two inputs and one output");
    if (!lhs || !rhs)
      return notFused(Twine("input ") + (lhs ? "1" : "0") +
                      " is not dequantized (a float operand)");
    if (!lhs.getType().getElementType().isF32() ||
        !rhs.getType().getElementType().isF32())
      return notFused("an input is dequantized to a type other than f32");
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isF32())
      return notFused("the result is not f32");
    if (!isZeroTensor(op.getDpsInits()[0]))
      return notFused("the accumulator does not start at +0.0 (fold the "
                      "initial value into a bias or residual add)");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Attribute> iterators;
    for (utils::IteratorType it : op.getIteratorTypesArray())
      iterators.push_back(StringAttr::get(
          op->getContext(),
          it == utils::IteratorType::reduction ? "reduction" : "parallel"));
    AffineMap outMap = maps[2];

    // The epilogue: bias, residual, clamp, in this order.
    Value cur = op->getResult(0);
    Operation *last = op;
    std::optional<EpilogueStep> bias, residual, clamp;
    while (cur.hasOneUse()) {
      auto g = dyn_cast<linalg::GenericOp>(*cur.getUsers().begin());
      if (!g)
        break;
      std::string why;
      std::optional<EpilogueStep> step = matchStep(g, cur, why);
      if (step && step->kind == EpilogueStep::Bias && (bias || residual))
        why = "a second bias add (or a bias after the residual) changes the "
              "order of the additions";
      else if (step && step->kind == EpilogueStep::Residual && residual)
        why = "a second residual add";
      else if (step && step->kind != EpilogueStep::Clamp && clamp)
        why = "an add after the clamp";
      else if (step && step->kind == EpilogueStep::Clamp && clamp)
        why = "a second clamp";
      else if (step && step->kind == EpilogueStep::Bias &&
               !step->other.getParentRegion()->isAncestor(
                   op->getParentRegion()))
        why = "the bias is defined in another region";
      else if (step) {
        (step->kind == EpilogueStep::Bias       ? bias
         : step->kind == EpilogueStep::Residual ? residual
                                                : clamp) = step;
        cur = g->getResult(0);
        last = g;
        continue;
      }
      remark(g, "epilogue stops here: " + why);
      break;
    }
    // Operands defined after the contraction (a residual computed later)
    // would not dominate the fused op, which replaces the contraction.
    for (std::optional<EpilogueStep> *s : {&bias, &residual}) {
      if (!*s)
        continue;
      Operation *def = (*s)->other.getDefiningOp();
      if (def && def->getBlock() == op->getBlock() && op->isBeforeInBlock(def))
        return notFused("the " + Twine(s == &bias ? "bias" : "residual") +
                        " is computed after the contraction");
    }
    // A final quantization fuses when its scale is known.
    QuantizeOp q;
    if (cur.hasOneUse())
      q = dyn_cast<QuantizeOp>(*cur.getUsers().begin());
    if (q && q.isUnresolved()) {
      remark(q, "quantization not fused: its static scale is not calibrated "
                "yet (run mx-infer-scales before mx-fuse)");
      q = {};
    }
    // mx.contract's output_scale is an INT8 scale; a calibrated tensor scale
    // of a two-level format stays on its own mx.quantize.
    if (q && q.getStaticScale() && q.getQuantizedType().getSpec().tensorScale) {
      remark(q, "quantization not fused: mx.contract takes no calibrated "
                "tensor scale (tensor_scale formats); it stays a separate "
                "mx.quantize");
      q = {};
    }
    // Static scales of an imported quantization (mx-import-quant): one
    // per-tensor scale without a zero point is mx.contract's output_scale;
    // others stay a separate mx.quantize rather than lose their scales.
    FloatAttr staticScalar;
    if (q && q.getStaticScalesAttr()) {
      DenseFPElementsAttr scales = q.getStaticScalesAttr();
      if (scales.getType().getRank() == 0 && !q.getStaticZeroPointsAttr()) {
        staticScalar = FloatAttr::get(Float32Type::get(q.getContext()),
                                      scales.getSplatValue<APFloat>());
      } else {
        remark(q, "quantization not fused: mx.contract takes one static "
                  "per-tensor scale; per-channel, block-wise or zero-point "
                  "static scales stay a separate mx.quantize");
        q = {};
      }
    }

    OpBuilder b(last);
    Type newType = q ? Type(q.getResult().getType()) : cur.getType();
    Value biasValue, residualValue;
    AffineMapAttr biasMap;
    if (bias) {
      biasValue = bias->other;
      // The bias map is in the generic's loops (the result's dimensions);
      // the contraction's loop for result dim i is outMap's result i.
      SmallVector<AffineExpr> exprs;
      for (AffineExpr e : bias->otherMap.getResults())
        exprs.push_back(outMap.getResult(cast<AffineDimExpr>(e).getPosition()));
      biasMap = AffineMapAttr::get(
          AffineMap::get(outMap.getNumDims(), 0, exprs, op->getContext()));
    }
    if (residual)
      residualValue = residual->other;
    FloatAttr clampMin, clampMax, outputScale;
    if (clamp && clamp->min)
      clampMin = b.getF32FloatAttr(*clamp->min);
    if (clamp && clamp->max)
      clampMax = b.getF32FloatAttr(*clamp->max);
    if (q && q.getStaticScale())
      outputScale = q.getStaticScaleAttr();
    if (q && staticScalar)
      outputScale = staticScalar;
    auto contract = ContractOp::create(
        b, op->getLoc(), newType, lhs.getInput(), rhs.getInput(), biasValue,
        residualValue, b.getAffineMapArrayAttr(maps), b.getArrayAttr(iterators),
        biasMap, clampMin, clampMax, outputScale);
    if (q) {
      q.getResult().replaceAllUsesWith(contract.getResult());
      q.erase();
    } else {
      cur.replaceAllUsesWith(contract.getResult());
    }
    // Erase the fused chain from its end, then dead dequantizations.
    SmallVector<Operation *> chain;
    for (std::optional<EpilogueStep> *s : {&clamp, &residual, &bias})
      if (*s)
        chain.push_back((*s)->op);
    for (Operation *o : chain) {
      if (!o->use_empty())
        continue;
      erased.insert(o);
      o->erase();
    }
    if (op->use_empty()) {
      Value init = op.getDpsInits()[0];
      erased.insert(op);
      op->erase();
      if (auto fill = init.getDefiningOp<linalg::FillOp>();
          fill && fill->use_empty())
        fill->erase();
    }
    for (DequantizeOp dq : {lhs, rhs})
      if (dq && dq->use_empty())
        dq->erase();
  }

  /// Epilogue ops erased by an earlier fusion (still in the worklist).
  llvm::DenseSet<Operation *> erased;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk(
        [&](linalg::LinalgOp op) { candidates.push_back(op); });
    for (linalg::LinalgOp op : candidates)
      if (!erased.contains(op))
        fuse(op);
    if (!remarks)
      return;
    getOperation()->walk([&](Operation *op) {
      if (!isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        return;
      if (llvm::any_of(op->getOperands(),
                       [](Value v) { return v.getDefiningOp<DequantizeOp>(); }))
        remark(op, "not fused: TOSA compute ops are not fused in this "
                   "version (convert them to linalg first, e.g. "
                   "--tosa-to-linalg-pipeline)");
    });
  }
};

} // namespace
