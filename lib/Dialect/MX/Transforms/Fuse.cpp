//===- Fuse.cpp - DQ -> contraction -> epilogue -> [Q] into mx.contract ---===//
//
// Part of mx-opt. See the description of mx-fuse in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// Whether `v` is a constant whose elements are all zero (either sign): the
/// zero-point operands of float TOSA ops.
bool isZeroConstant(Value v) {
  DenseFPElementsAttr dense;
  return matchPattern(v, m_Constant(&dense)) &&
         llvm::all_of(dense.getValues<APFloat>(),
                      [](const APFloat &x) { return x.isZero(); });
}

/// A contraction about to fuse: its dequantized inputs, its loops, and what
/// the source op itself contributes (a bias its accumulator starts from,
/// padding of the lhs). Built from a linalg op or a TOSA op.
struct Candidate {
  Operation *op = nullptr;
  DequantizeOp lhs, rhs;
  SmallVector<AffineMap> maps; ///< lhs, rhs, result.
  SmallVector<Attribute> iterators;
  /// The bias the accumulator starts from (TOSA conv2d), with its map in
  /// the contraction's loops.
  Value initBias;
  AffineMap initBiasMap;
  /// A bias the op adds after its sum (TOSA depthwise_conv2d), in loops.
  Value opBias;
  AffineMap opBiasMap;
  SmallVector<int64_t> padLow, padHigh;
};

/// The map of a bias of `biasType` added to every element of the result:
/// result dimension r of `outMap` for each bias dimension aligned with the
/// result from the right (NumPy / TOSA broadcasting), 0 where the bias has
/// size 1 and the result does not. Null if the bias does not broadcast.
AffineMap broadcastBiasMap(RankedTensorType biasType,
                           RankedTensorType resultType, AffineMap outMap) {
  int64_t rank = resultType.getRank(), brank = biasType.getRank();
  if (brank > rank || !biasType.hasStaticShape() ||
      !resultType.hasStaticShape())
    return {};
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < brank; ++i) {
    int64_t r = rank - brank + i;
    int64_t bs = biasType.getDimSize(i), rs = resultType.getDimSize(r);
    if (bs == rs)
      exprs.push_back(outMap.getResult(r));
    else if (bs == 1)
      exprs.push_back(getAffineConstantExpr(0, outMap.getContext()));
    else
      return {};
  }
  return AffineMap::get(outMap.getNumDims(), 0, exprs, outMap.getContext());
}

/// Why the quantized input of `lhs` cannot be read through this padding
/// (empty if it can): mx.contract pads neither the quantization axis nor a
/// packed last dimension, nor inputs with per-channel or block zero points.
std::string checkLhsPadding(DequantizeOp lhs, ArrayRef<int64_t> low,
                            ArrayRef<int64_t> high) {
  auto qtype = cast<QuantizedType>(lhs.getInput().getType().getElementType());
  FormatSpec spec = qtype.getSpec();
  int64_t rank = low.size();
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] < 0 || high[d] < 0)
      return "negative padding";
    if (low[d] == 0 && high[d] == 0)
      continue;
    if (!qtype.isPerTensor() && d == qtype.getAxis())
      return "the input is padded along its quantization axis";
    if (d == rank - 1 && getStorageElementBits(spec) < 8)
      return "the input is padded along its packed last dimension";
    if (spec.zeroPoint && spec.granularity != Granularity::Tensor)
      return "padding an input with per-channel or block zero points is not "
             "supported";
  }
  return {};
}

/// The lhs of a linalg contraction read through `tensor.pad` of a
/// dequantization with +0.0 (what tosa-to-linalg emits for a padded
/// convolution): the dequantization and the static padding.
std::optional<
    std::tuple<DequantizeOp, SmallVector<int64_t>, SmallVector<int64_t>>>
paddedDequantize(Value v) {
  auto pad = v.getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getLow().empty() || !pad.getHigh().empty())
    return std::nullopt;
  auto dq = pad.getSource().getDefiningOp<DequantizeOp>();
  FloatAttr value;
  if (!dq || !pad.getConstantPaddingValue() ||
      !matchPattern(pad.getConstantPaddingValue(), m_Constant(&value)) ||
      !value.getValue().isPosZero())
    return std::nullopt;
  return std::make_tuple(dq, SmallVector<int64_t>(pad.getStaticLow()),
                         SmallVector<int64_t>(pad.getStaticHigh()));
}

/// An accumulator that is a bias broadcast over the result (a
/// linalg.generic yielding its one f32 input, as tosa-to-linalg makes the
/// initial value of a conv2d): the bias and its map in the result's
/// dimensions.
std::optional<std::pair<Value, AffineMap>> broadcastBias(Value init) {
  auto g = init.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumReductionLoops() != 0 ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  OpOperand *in = g.getDpsInputOperand(0);
  auto type = cast<RankedTensorType>(in->get().getType());
  AffineMap map = g.getMatchingIndexingMap(in);
  if (!type.getElementType().isF32())
    return std::nullopt;
  for (auto [r, e] : llvm::enumerate(map.getResults())) {
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (c && c.getValue() == 0 && type.getDimSize(r) == 1)
      continue;
    if (!isa<AffineDimExpr>(e))
      return std::nullopt;
  }
  return std::make_pair(in->get(), map);
}

/// One step of the epilogue that was recognised.
struct EpilogueStep {
  enum Kind { Bias, Residual, Clamp } kind;
  Operation *op;
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
      auto otherType = cast<RankedTensorType>(other->get().getType());
      // Index 0 of a dimension of size 1 (a broadcast) is fine too.
      auto isBroadcastZero = [&](unsigned r) {
        auto c = dyn_cast<AffineConstantExpr>(map.getResult(r));
        return c && c.getValue() == 0 && otherType.getDimSize(r) == 1;
      };
      SmallVector<AffineExpr> dims;
      for (unsigned r = 0; r < map.getNumResults(); ++r)
        if (!isBroadcastZero(r))
          dims.push_back(map.getResult(r));
      if (map.isIdentity())
        step.kind = EpilogueStep::Residual;
      else if (!AffineMap::get(map.getNumDims(), 0, dims, map.getContext())
                    .isProjectedPermutation()) {
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

  /// tosa.add of `value` and another tensor (bias or residual), or
  /// tosa.clamp of `value`.
  std::optional<EpilogueStep> matchTosaStep(Operation *user, Value value,
                                            std::string &why) {
    auto resultType = cast<RankedTensorType>(user->getResult(0).getType());
    if (resultType != value.getType()) {
      why = "its result type differs from the contraction's";
      return std::nullopt;
    }
    // Dimensions of the result as "loops" of an elementwise op.
    AffineMap identity = AffineMap::getMultiDimIdentityMap(resultType.getRank(),
                                                           user->getContext());
    if (auto add = dyn_cast<tosa::AddOp>(user)) {
      Value other =
          add.getInput1() == value ? add.getInput2() : add.getInput1();
      if (add.getInput1() == add.getInput2()) {
        why = "it adds the result to itself";
        return std::nullopt;
      }
      auto otherType = dyn_cast<RankedTensorType>(other.getType());
      if (!otherType || !otherType.getElementType().isF32()) {
        why = "the added tensor is not a ranked f32 tensor";
        return std::nullopt;
      }
      if (otherType == resultType)
        return EpilogueStep{
            EpilogueStep::Residual, user, other, identity, {}, {}};
      AffineMap map = broadcastBiasMap(otherType, resultType, identity);
      if (!map) {
        why = "the added tensor does not broadcast to the result";
        return std::nullopt;
      }
      return EpilogueStep{EpilogueStep::Bias, user, other, map, {}, {}};
    }
    auto clamp = cast<tosa::ClampOp>(user);
    if (clamp.getNanMode() != tosa::NanPropagationMode::PROPAGATE) {
      why = "its nan_mode is not PROPAGATE (IGNORE turns NaN into a bound; "
            "the fused clamp propagates NaN)";
      return std::nullopt;
    }
    auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
    auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
    if (!lo || !hi) {
      why = "its bounds are not f32";
      return std::nullopt;
    }
    EpilogueStep step{EpilogueStep::Clamp, user, {}, {}, {}, {}};
    step.min = lo.getValue().convertToFloat();
    step.max = hi.getValue().convertToFloat();
    if (!(*step.min <= *step.max)) {
      why = "its clamp bounds are crossed";
      return std::nullopt;
    }
    return step;
  }

  /// The bias map of an epilogue step (in the result's dimensions) in the
  /// contraction's loops: result dimension i is outMap's result i.
  static AffineMap inLoops(AffineMap stepMap, AffineMap outMap) {
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : stepMap.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e))
        exprs.push_back(outMap.getResult(d.getPosition()));
      else
        exprs.push_back(e);
    }
    return AffineMap::get(outMap.getNumDims(), 0, exprs, outMap.getContext());
  }

  /// The quantized input `v` of a TOSA op, or a remark why not.
  DequantizeOp tosaInput(Operation *op, Value v, unsigned index) {
    auto dq = v.getDefiningOp<DequantizeOp>();
    if (!dq) {
      remark(op, "not fused: input " + Twine(index) +
                     " is not dequantized (a float operand)");
      return {};
    }
    if (!dq.getType().getElementType().isF32()) {
      remark(op, "not fused: an input is dequantized to a type other than f32");
      return {};
    }
    return dq;
  }

  /// DQ, DQ -> tosa.matmul / conv2d / depthwise_conv2d as a candidate: the
  /// layouts become indexing maps (the loops and their order are those of
  /// the linalg ops tosa-to-linalg produces, so the sums are the same).
  void fuseTosa(Operation *op) {
    Value a = op->getOperand(0), w = op->getOperand(1);
    if (!a.getDefiningOp<DequantizeOp>() && !w.getDefiningOp<DequantizeOp>())
      return; // Nothing quantized here; nothing to say.
    auto notFused = [&](const Twine &why) { remark(op, "not fused: " + why); };
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.hasStaticShape() || !resultType.getElementType().isF32() ||
        !cast<RankedTensorType>(a.getType()).hasStaticShape() ||
        !cast<RankedTensorType>(w.getType()).hasStaticShape())
      return notFused("expected static shapes and an f32 result");
    Candidate c;
    c.op = op;
    c.lhs = tosaInput(op, a, 0);
    if (!c.lhs)
      return;
    c.rhs = tosaInput(op, w, 1);
    if (!c.rhs)
      return;
    MLIRContext *ctx = op->getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto iterators = [&](unsigned parallel, unsigned reduction) {
      for (unsigned i = 0; i < parallel + reduction; ++i)
        c.iterators.push_back(
            StringAttr::get(ctx, i < parallel ? "parallel" : "reduction"));
    };
    if (auto mm = dyn_cast<tosa::MatMulOp>(op)) {
      if (!isZeroConstant(mm.getAZp()) || !isZeroConstant(mm.getBZp()))
        return notFused("its zero points are not constant zeros");
      // (n, h, w, c): [N,H,C] x [N,C,W] -> [N,H,W], as linalg.batch_matmul.
      c.maps = {AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx),
                AffineMap::get(4, 0, {d(0), d(3), d(2)}, ctx),
                AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
      iterators(3, 1);
      return fuseCandidate(c);
    }
    // Convolutions: NHWC input; pad = [top, bottom, left, right].
    ArrayRef<int64_t> pad, stride, dilation;
    Value bias, inputZp, weightZp;
    Type accType;
    bool depthwise = isa<tosa::DepthwiseConv2DOp>(op);
    if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      pad = conv.getPad();
      stride = conv.getStride();
      dilation = conv.getDilation();
      bias = conv.getBias();
      inputZp = conv.getInputZp();
      weightZp = conv.getWeightZp();
      accType = conv.getAccType();
    } else {
      auto dw = cast<tosa::DepthwiseConv2DOp>(op);
      pad = dw.getPad();
      stride = dw.getStride();
      dilation = dw.getDilation();
      bias = dw.getBias();
      inputZp = dw.getInputZp();
      weightZp = dw.getWeightZp();
      accType = dw.getAccType();
    }
    if (!isZeroConstant(inputZp) || !isZeroConstant(weightZp))
      return notFused("its zero points are not constant zeros");
    if (!accType.isF32())
      return notFused("its accumulator type is not f32");
    if (pad.size() != 4 || stride.size() != 2 || dilation.size() != 2)
      return notFused("expected 2-D pad, stride and dilation");
    auto weightType = cast<RankedTensorType>(w.getType());
    if (depthwise && weightType.getDimSize(3) != 1)
      return notFused("a depthwise channel multiplier other than 1 is not "
                      "fused (its result interleaves channels)");
    // Loops: (n, oh, ow, f, kh, kw, c) for conv2d (linalg's
    // conv_2d_nhwc_fhwc), (n, oh, ow, c, kh, kw) for depthwise.
    unsigned kh = 4, kw = 5;
    unsigned ch = depthwise ? 3 : 6;
    unsigned numLoops = depthwise ? 6 : 7;
    AffineExpr ih = d(1) * stride[0] + d(kh) * dilation[0];
    AffineExpr iw = d(2) * stride[1] + d(kw) * dilation[1];
    c.maps.push_back(AffineMap::get(numLoops, 0, {d(0), ih, iw, d(ch)}, ctx));
    if (depthwise)
      c.maps.push_back(AffineMap::get(
          numLoops, 0, {d(kh), d(kw), d(ch), getAffineConstantExpr(0, ctx)},
          ctx));
    else
      c.maps.push_back(
          AffineMap::get(numLoops, 0, {d(3), d(kh), d(kw), d(ch)}, ctx));
    c.maps.push_back(
        AffineMap::get(numLoops, 0, {d(0), d(1), d(2), d(3)}, ctx));
    iterators(4, numLoops - 4);
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      c.padLow = {0, pad[0], pad[2], 0};
      c.padHigh = {0, pad[1], pad[3], 0};
      if (std::string why = checkLhsPadding(c.lhs, c.padLow, c.padHigh);
          !why.empty())
        return notFused(why);
    }
    // The op's bias: conv2d starts its sum from it (tosa-to-linalg makes the
    // broadcast bias the convolution's output), depthwise adds it after.
    // A +0.0 bias is no bias: the sum starts from +0.0 either way.
    if (!isZeroTensor(bias)) {
      auto biasType = cast<RankedTensorType>(bias.getType());
      AffineMap map = broadcastBiasMap(biasType, resultType, c.maps[2]);
      if (!map || biasType.getRank() != 1 || !biasType.getElementType().isF32())
        return notFused("its bias is not an f32 vector that broadcasts over "
                        "the output channels");
      (depthwise ? c.opBias : c.initBias) = bias;
      (depthwise ? c.opBiasMap : c.initBiasMap) = map;
    }
    fuseCandidate(c);
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
    // An lhs padded with +0.0 after its dequantization (a padded
    // convolution from tosa-to-linalg) is read through the contract's
    // padding.
    SmallVector<int64_t> padLow, padHigh;
    if (!lhs && !op.getDpsInputs().empty())
      if (auto padded = paddedDequantize(op.getDpsInputs()[0]))
        std::tie(lhs, padLow, padHigh) = *padded;
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
    Candidate c;
    c.op = op;
    c.lhs = lhs;
    c.rhs = rhs;
    c.maps = op.getIndexingMapsArray();
    if (llvm::any_of(padLow, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(padHigh, [](int64_t p) { return p != 0; })) {
      if (std::string why = checkLhsPadding(lhs, padLow, padHigh); !why.empty())
        return notFused(why);
      c.padLow = padLow;
      c.padHigh = padHigh;
    }
    // The accumulator starts at +0.0, or at a broadcast bias (bias_init).
    if (!isZeroTensor(op.getDpsInits()[0])) {
      std::optional<std::pair<Value, AffineMap>> bias =
          broadcastBias(op.getDpsInits()[0]);
      if (!bias)
        return notFused("the accumulator does not start at +0.0 or at a "
                        "broadcast bias (fold the initial value into a bias "
                        "or residual add)");
      // A broadcast +0.0 is no bias: the sum starts from +0.0 either way.
      if (!isZeroTensor(bias->first)) {
        c.initBias = bias->first;
        c.initBiasMap = inLoops(bias->second, c.maps[2]);
      }
    }
    for (utils::IteratorType it : op.getIteratorTypesArray())
      c.iterators.push_back(StringAttr::get(
          op->getContext(),
          it == utils::IteratorType::reduction ? "reduction" : "parallel"));
    fuseCandidate(c);
  }

  /// The epilogue after the candidate (bias, residual, clamp, in this order;
  /// linalg.generic or TOSA elementwise ops), an optional final
  /// quantization, and the mx.contract that replaces them all.
  void fuseCandidate(Candidate &c) {
    Operation *op = c.op;
    auto notFused = [&](const Twine &why) { remark(op, "not fused: " + why); };
    DequantizeOp lhs = c.lhs, rhs = c.rhs;
    AffineMap outMap = c.maps[2];

    // The epilogue: bias, residual, clamp, in this order. A bias the op
    // adds itself (depthwise) or starts from (conv2d) comes first.
    Value cur = op->getResult(0);
    Operation *last = op;
    std::optional<EpilogueStep> bias, residual, clamp;
    if (c.initBias || c.opBias)
      bias = EpilogueStep{EpilogueStep::Bias,
                          nullptr,
                          c.initBias ? c.initBias : c.opBias,
                          c.initBias ? c.initBiasMap : c.opBiasMap,
                          {},
                          {}};
    while (cur.hasOneUse()) {
      Operation *user = *cur.getUsers().begin();
      auto g = dyn_cast<linalg::GenericOp>(user);
      if (!g && !isa<tosa::AddOp, tosa::ClampOp>(user))
        break;
      std::string why;
      std::optional<EpilogueStep> step =
          g ? matchStep(g, cur, why) : matchTosaStep(user, cur, why);
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
        // Steps map the result's dimensions; the contract maps its loops.
        if (step->kind == EpilogueStep::Bias)
          step->otherMap = inLoops(step->otherMap, outMap);
        (step->kind == EpilogueStep::Bias       ? bias
         : step->kind == EpilogueStep::Residual ? residual
                                                : clamp) = step;
        cur = user->getResult(0);
        last = user;
        continue;
      }
      remark(user, "epilogue stops here: " + why);
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
    // other static scales (per channel, per block, zero points) are its
    // output_scales / output_zero_points.
    FloatAttr staticScalar;
    DenseFPElementsAttr outputScales;
    DenseIntElementsAttr outputZeroPoints;
    if (q && q.getStaticScalesAttr()) {
      DenseFPElementsAttr scales = q.getStaticScalesAttr();
      if (scales.getType().getRank() == 0 && !q.getStaticZeroPointsAttr()) {
        staticScalar = FloatAttr::get(Float32Type::get(q.getContext()),
                                      scales.getSplatValue<APFloat>());
      } else {
        outputScales = scales;
        outputZeroPoints = q.getStaticZeroPointsAttr();
      }
    }

    OpBuilder b(last);
    Type newType = q ? Type(q.getResult().getType()) : cur.getType();
    Value biasValue, residualValue;
    AffineMapAttr biasMap;
    if (bias) {
      biasValue = bias->other;
      biasMap = AffineMapAttr::get(bias->otherMap);
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
    DenseI64ArrayAttr padLow, padHigh;
    if (!c.padLow.empty()) {
      padLow = b.getDenseI64ArrayAttr(c.padLow);
      padHigh = b.getDenseI64ArrayAttr(c.padHigh);
    }
    auto contract = ContractOp::create(
        b, op->getLoc(), newType, lhs.getInput(), rhs.getInput(), biasValue,
        residualValue, b.getAffineMapArrayAttr(c.maps),
        b.getArrayAttr(c.iterators), biasMap, clampMin, clampMax, outputScale,
        outputScales, outputZeroPoints, padLow, padHigh,
        c.initBias ? b.getUnitAttr() : UnitAttr());
    if (q) {
      q.getResult().replaceAllUsesWith(contract.getResult());
      q.erase();
    } else {
      cur.replaceAllUsesWith(contract.getResult());
    }
    // Erase the fused chain from its end, then dead dequantizations.
    SmallVector<Operation *> chain;
    for (std::optional<EpilogueStep> *s : {&clamp, &residual, &bias})
      if (*s && (*s)->op)
        chain.push_back((*s)->op);
    for (Operation *o : chain) {
      if (!o->use_empty())
        continue;
      erased.insert(o);
      o->erase();
    }
    if (op->use_empty()) {
      // The linalg accumulator (fill or broadcast bias) and a padded lhs.
      SmallVector<Operation *> inputs;
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        for (Value v : {linalgOp.getDpsInits()[0], linalgOp.getDpsInputs()[0]})
          if (Operation *def = v.getDefiningOp();
              def && isa<linalg::FillOp, linalg::GenericOp, tensor::PadOp>(def))
            inputs.push_back(def);
      erased.insert(op);
      op->erase();
      for (Operation *def : inputs)
        if (def->use_empty()) {
          erased.insert(def);
          def->erase();
        }
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
    SmallVector<Operation *> tosaOps;
    getOperation()->walk([&](Operation *op) {
      if (isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        tosaOps.push_back(op);
    });
    for (Operation *op : tosaOps)
      fuseTosa(op);
  }
};

} // namespace
