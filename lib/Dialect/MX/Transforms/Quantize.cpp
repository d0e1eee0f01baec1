//===- Quantize.cpp - Insert Q/DQ on the inputs of weighted ops -----------===//
//
// Part of mx-opt. See the description of mx-quantize in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "TransformUtils.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"

#define DEBUG_TYPE "mx-quantize"

namespace mx {
#define GEN_PASS_DEF_MXQUANTIZE
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

/// What to do with one input of a weighted op.
struct OperandPlan {
  unsigned index;
  bool isWeight;
  int64_t blockAxis;   ///< The reduction axis of the operand.
  int64_t channelAxis; ///< The output-channel axis (weights).
};

/// Dimensions of `map` that are plain dims (not compound expressions).
SmallVector<std::optional<unsigned>> pureDims(AffineMap map) {
  SmallVector<std::optional<unsigned>> dims;
  for (AffineExpr e : map.getResults()) {
    if (auto d = dyn_cast<AffineDimExpr>(e))
      dims.push_back(d.getPosition());
    else
      dims.push_back(std::nullopt);
  }
  return dims;
}

FailureOr<SmallVector<OperandPlan>> planLinalg(linalg::LinalgOp op,
                                               std::string &why) {
  if (!linalg::isaContractionOpInterface(op) &&
      !linalg::isaConvolutionOpInterface(op)) {
    why = "not a contraction or a convolution";
    return failure();
  }
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1) {
    why = "expected two inputs and one output";
    return failure();
  }
  // Pooling ops are convolutions to isaConvolutionOpInterface, but their
  // second input is a window whose values the body never reads: no weight,
  // nothing to quantize (quantizing the pooled input would add a rounding
  // the model does not have).
  for (OpOperand *input : op.getDpsInputOperands())
    if (!op.payloadUsesValueFromOperand(input)) {
      why = "input " + std::to_string(input->getOperandNumber()) +
            " is never read (a pooling window): not a weighted op";
      return failure();
    }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  auto in0 = pureDims(maps[0]), in1 = pureDims(maps[1]),
       out = pureDims(maps[2]);
  auto contains = [](ArrayRef<std::optional<unsigned>> dims, unsigned d) {
    return llvm::is_contained(dims, std::optional<unsigned>(d));
  };
  SmallVector<OperandPlan> plans;
  for (unsigned i = 0; i < 2; ++i) {
    auto &mine = i == 0 ? in0 : in1;
    auto &other = i == 0 ? in1 : in0;
    OperandPlan plan{i, i == 1, -1, -1};
    for (auto [pos, d] : llvm::enumerate(mine)) {
      if (!d)
        continue;
      if (iters[*d] == utils::IteratorType::reduction && contains(other, *d))
        plan.blockAxis = pos;
      if (iters[*d] == utils::IteratorType::parallel && contains(out, *d) &&
          !contains(other, *d))
        plan.channelAxis = pos;
    }
    int64_t rank = maps[i].getNumResults();
    if (plan.blockAxis < 0)
      plan.blockAxis = rank - 1;
    if (plan.channelAxis < 0)
      plan.channelAxis = rank - 1;
    plans.push_back(plan);
  }
  return plans;
}

/// TOSA: input/weight layouts are fixed by the op.
FailureOr<SmallVector<OperandPlan>> planTosa(Operation *op, std::string &why) {
  if (isa<tosa::MatMulOp>(op)) // A [N, H, C] x B [N, C, W]
    return SmallVector<OperandPlan>{{0, false, 2, 2}, {1, true, 1, 2}};
  if (isa<tosa::Conv2DOp>(op)) // NHWC x [OC, KH, KW, IC]
    return SmallVector<OperandPlan>{{0, false, 3, 3}, {1, true, 3, 0}};
  // NHWC x [KH, KW, C, M]: the channels are parallel; blocks run along them.
  if (isa<tosa::DepthwiseConv2DOp>(op))
    return SmallVector<OperandPlan>{{0, false, 3, 3}, {1, true, 2, 2}};
  why = "not a weighted TOSA op";
  return failure();
}

bool isCandidate(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalg::isaContractionOpInterface(linalgOp) ||
           linalg::isaConvolutionOpInterface(linalgOp);
  return isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op);
}

struct MXQuantizePass : mx::impl::MXQuantizeBase<MXQuantizePass> {
  using Base::Base;

  /// The preset `name` with the pass's overrides; emits an error on failure.
  FailureOr<FormatSpec> resolveFormat(Operation *root, StringRef option,
                                      StringRef name) {
    std::optional<FormatSpec> spec = FormatSpec::getPreset(name);
    if (!spec) {
      root->emitError() << "mx-quantize: unknown " << option << " '" << name
                        << "'; expected one of "
                        << llvm::join(FormatSpec::presetNames(), ", ");
      return failure();
    }
    if (blockSize != 0) {
      if (spec->granularity != Granularity::Block) {
        root->emitError() << "mx-quantize: block-size does not apply to the "
                             "per-tensor format '"
                          << name << "'";
        return failure();
      }
      spec->blockSize = blockSize;
    }
    if (!rounding.empty()) {
      std::optional<Rounding> r = symbolizeRounding(rounding);
      if (!r) {
        root->emitError() << "mx-quantize: unknown rounding '" << rounding
                          << "'; expected nearest_even, nearest_away or "
                             "toward_zero";
        return failure();
      }
      spec->rounding = *r;
    }
    if (!scaleRule.empty()) {
      std::optional<ScaleRule> r = symbolizeScaleRule(scaleRule);
      if (!r) {
        root->emitError() << "mx-quantize: unknown scale-rule '" << scaleRule
                          << "'; expected floor, ceil or rceil";
        return failure();
      }
      spec->scaleRule = *r;
    }
    if (std::string err = spec->verify(); !err.empty()) {
      root->emitError() << "mx-quantize: " << option << " '" << name
                        << "' with these options is not a valid format: "
                        << err;
      return failure();
    }
    return *spec;
  }

  void runOnOperation() override {
    Operation *root = getOperation();
    FailureOr<FormatSpec> act = resolveFormat(root, "format", format);
    if (failed(act))
      return signalPassFailure();
    FailureOr<FormatSpec> weight = resolveFormat(
        root, "weight-format", weightFormat.empty() ? format : weightFormat);
    if (failed(weight))
      return signalPassFailure();
    // INT8 weights: per output channel.
    if (weight->granularity == Granularity::Tensor)
      weight->granularity = Granularity::Channel;
    if (activations != "static" && activations != "dynamic") {
      root->emitError() << "mx-quantize: activations must be static or "
                           "dynamic, got '"
                        << activations << "'";
      return signalPassFailure();
    }
    bool staticActs = activations == "static";
    if (tensorScale != "dynamic" && tensorScale != "calibrated") {
      root->emitError() << "mx-quantize: tensor-scale must be dynamic or "
                           "calibrated, got '"
                        << tensorScale << "'";
      return signalPassFailure();
    }
    // The first level of the two-level scheme on MX formats.
    auto takesPreScale = [](const FormatSpec &spec) {
      return spec.granularity == Granularity::Block &&
             spec.scale == ScaleKind::E8M0 && spec.element != ElementKind::SM;
    };
    if (preScale) {
      if (!takesPreScale(*act)) {
        root->emitError() << "mx-quantize: pre-scale=true needs an MX "
                             "activation format with E8M0 block scales "
                             "(mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, "
                             "mxfp6_e2m3, mxfp4_e2m1, mxint8), not '"
                          << format << "'";
        return signalPassFailure();
      }
      act->tensorScale = true;
      if (takesPreScale(*weight))
        weight->tensorScale = true;
    }
    bool calibratedTensorScale = tensorScale == "calibrated";
    if (calibratedTensorScale && !act->tensorScale) {
      root->emitError() << "mx-quantize: tensor-scale=calibrated needs an "
                           "activation format with a per-tensor f32 scale "
                           "(nvfp4, or an MX format with pre-scale=true), "
                           "not '"
                        << format << "'";
      return signalPassFailure();
    }
    if (staticActs && (act->granularity != Granularity::Tensor ||
                       act->scale != ScaleKind::F32 || act->zeroPoint)) {
      root->emitError() << "mx-quantize: activations=static needs a "
                           "symmetric per-tensor activation format such as "
                           "int8 (block formats compute their scales from "
                           "the data)";
      return signalPassFailure();
    }

    // Front-end variants into the forms propagation and fusion recognise
    // (same values; NormalizeFrontEnd.cpp).
    {
      RewritePatternSet patterns(&getContext());
      populateNormalizeFrontEndPatterns(patterns);
      walkAndApplyPatterns(root, std::move(patterns));
    }

    SmallVector<Operation *> candidates;
    root->walk([&](Operation *op) {
      if (isCandidate(op))
        candidates.push_back(op);
    });
    llvm::DenseMap<Operation *, unsigned> ordinals;
    for (Operation *op : candidates) {
      StringRef opName = op->getName().getStringRef();
      auto remark = [&](const Twine &why) {
        if (remarks)
          op->emitRemark() << "not quantized: " << why;
        MX_DEBUG(llvm::dbgs() << "skip " << opName << ": " << why << "\n");
      };
      std::optional<std::string> locName = getFirstLocationName(op->getLoc());
      if (!ops.empty() && !llvm::is_contained(ops, opName.str())) {
        remark("not in the ops option");
        continue;
      }
      if (llvm::is_contained(exclude, opName.str()) ||
          (locName && llvm::is_contained(exclude, *locName))) {
        remark("excluded by the exclude option");
        continue;
      }
      std::string why;
      FailureOr<SmallVector<OperandPlan>> plans =
          isa<linalg::LinalgOp>(op)
              ? planLinalg(cast<linalg::LinalgOp>(op), why)
              : planTosa(op, why);
      if (failed(plans)) {
        remark(why);
        continue;
      }
      // Every planned operand must be a float tensor.
      bool ok = true;
      for (const OperandPlan &p : *plans) {
        if (!isF32F16BF16Tensor(op->getOperand(p.index).getType())) {
          remark("input " + Twine(p.index) +
                 " is not a ranked tensor of f32, f16 or bf16");
          ok = false;
          break;
        }
      }
      if (!ok)
        continue;

      auto func = op->getParentOfType<FunctionOpInterface>();
      unsigned ordinal = ordinals[func.getOperation()]++;
      std::string opTag =
          locName
              ? *locName
              : (func.getName() + ":" + opName + "#" + Twine(ordinal)).str();
      OpBuilder b(op);
      bool changed = false;
      for (const OperandPlan &p : *plans) {
        Value v = op->getOperand(p.index);
        if (v.getDefiningOp<DequantizeOp>())
          continue; // Already quantized.
        const FormatSpec &spec = p.isWeight ? *weight : *act;
        int64_t axis = -1;
        if (spec.granularity == Granularity::Block)
          axis = p.blockAxis;
        else if (spec.granularity == Granularity::Channel)
          axis = p.channelAxis;
        auto floatType = cast<RankedTensorType>(v.getType());
        auto qtype = QuantizedType::get(
            &getContext(), FormatAttr::get(&getContext(), spec), axis);
        auto quantType = RankedTensorType::get(floatType.getShape(), qtype);
        auto q = QuantizeOp::create(b, op->getLoc(), quantType, v);
        if ((staticActs || calibratedTensorScale) && !p.isWeight)
          q.setCalibrationAttr(b.getStringAttr(opTag + ":in" + Twine(p.index)));
        auto dq = DequantizeOp::create(b, op->getLoc(), floatType, q);
        op->setOperand(p.index, dq);
        changed = true;
      }
      if (changed)
        ++numQuantized;
    }
  }
};

} // namespace
