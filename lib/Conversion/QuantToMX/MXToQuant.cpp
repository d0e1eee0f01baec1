//===- MXToQuant.cpp - Export mx Q/DQ with static scales to quant ---------===//
//
// Part of mx-opt. mx.quantize with static INT8 scales (and mx.assemble with
// constant scales) back to upstream quant where !quant.uniform can say it
// (docs/Interop.md).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/QuantToMX/QuantToMX.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "mx-export-quant"

namespace mx {
#define GEN_PASS_DEF_MXEXPORTQUANT
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

FailureOr<RankedTensorType> mx::exportQuantTensorType(
    RankedTensorType type, Type expressed, DenseFPElementsAttr scales,
    DenseIntElementsAttr zeroPoints, std::string &reason) {
  auto fail = [&](const Twine &msg) -> FailureOr<RankedTensorType> {
    reason = msg.str();
    return failure();
  };
  auto qtype = cast<QuantizedType>(type.getElementType());
  FormatSpec spec = qtype.getSpec();
  bool isInt =
      spec.element == ElementKind::I8 || spec.element == ElementKind::UI8;
  if (!isInt || spec.scale != ScaleKind::F32 || spec.tensorScale)
    return fail("the format's scales are computed from the data at run "
                "time; !quant.uniform holds only constant scales");
  if (spec.rounding != Rounding::NearestEven)
    return fail(
        "rounding mode '" + stringifyRounding(spec.rounding).str() +
        "' has no !quant.uniform spelling (mx exports round-to-nearest-even "
        "quantizations only)");
  if (!scales)
    return fail("the scales are computed from the data at run time "
                "(dynamic quantization); static scales are needed");
  bool isSigned = spec.element == ElementKind::I8;
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  MLIRContext *ctx = type.getContext();
  Type storage = IntegerType::get(ctx, 8);
  int64_t lo = isSigned ? -128 : 0, hi = isSigned ? 127 : 255;
  SmallVector<double> s;
  for (float f : scales.getValues<float>())
    s.push_back(f);
  SmallVector<int64_t> z(s.size(), 0);
  if (zeroPoints)
    z.assign(zeroPoints.getValues<int32_t>().begin(),
             zeroPoints.getValues<int32_t>().end());
  std::string diag;
  auto emitError = [&]() { return mlir::emitError(UnknownLoc::get(ctx)); };
  Type elem;
  switch (spec.granularity) {
  case Granularity::Tensor:
    elem = quant::UniformQuantizedType::getChecked(
        emitError, flags, storage, expressed, s[0], z[0], lo, hi);
    break;
  case Granularity::Channel:
    elem = quant::UniformQuantizedPerAxisType::getChecked(
        emitError, flags, storage, expressed, s, z, qtype.getAxis(), lo, hi);
    break;
  case Granularity::Block: {
    if (!type.hasStaticShape())
      return fail("sub-channel types need static sizes");
    int64_t axis = qtype.getAxis();
    if (type.getDimSize(axis) % spec.blockSize != 0)
      return fail("dimension " + Twine(axis) + " of size " +
                  Twine(type.getDimSize(axis)) +
                  " is not a multiple of the block size " +
                  Twine(spec.blockSize) + " (upstream needs whole blocks)");
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      dims.push_back(d);
      blocks.push_back(d == axis ? spec.blockSize : 1);
    }
    auto scaleType =
        RankedTensorType::get(scales.getType().getShape(), expressed);
    DenseElementsAttr sAttr = scales;
    if (!expressed.isF32()) {
      SmallVector<APFloat> conv;
      for (APFloat f : scales.getValues<APFloat>()) {
        bool lost;
        f.convert(cast<FloatType>(expressed).getFloatSemantics(),
                  APFloat::rmNearestTiesToEven, &lost);
        conv.push_back(f);
      }
      sAttr = DenseElementsAttr::get(scaleType, conv);
    }
    SmallVector<APInt> zi;
    for (int64_t v : z)
      zi.push_back(APInt(8, v, /*isSigned=*/true));
    auto zAttr = DenseElementsAttr::get(
        RankedTensorType::get(scales.getType().getShape(), storage), zi);
    elem = quant::UniformQuantizedSubChannelType::getChecked(
        emitError, flags, storage, expressed, sAttr, zAttr, dims, blocks, lo,
        hi);
    break;
  }
  }
  if (!elem)
    return fail("upstream rejects the type");
  return RankedTensorType::get(type.getShape(), elem);
}

/// The static scales of `q` (the per-tensor shorthand made a tensor).
static DenseFPElementsAttr staticScalesOf(QuantizeOp q) {
  if (DenseFPElementsAttr s = q.getStaticScalesAttr())
    return s;
  if (FloatAttr s = q.getStaticScaleAttr()) {
    auto t = RankedTensorType::get({}, Float32Type::get(q.getContext()));
    return cast<DenseFPElementsAttr>(
        DenseElementsAttr::get(t, static_cast<float>(s.getValueAsDouble())));
  }
  return {};
}

/// Why the uses of `v` cannot all move to upstream ops (empty when they
/// can): mx.dequantize and mx.disassemble only.
static std::string whyUsersStay(Value v) {
  for (Operation *user : v.getUsers())
    if (!isa<DequantizeOp, DisassembleOp>(user))
      return "the quantized value is used by '" +
             user->getName().getStringRef().str() +
             "', which upstream quant cannot express";
  return "";
}

/// Rewrites the users of the mx value `oldValue` onto the upstream value
/// `newValue`; the scales and zero points of disassembles become constants.
static void rewriteUsers(RewriterBase &rewriter, Value oldValue, Value newValue,
                         DenseFPElementsAttr scales,
                         DenseIntElementsAttr zeroPoints) {
  for (Operation *user : llvm::make_early_inc_range(oldValue.getUsers())) {
    rewriter.setInsertionPoint(user);
    if (auto dq = dyn_cast<DequantizeOp>(user)) {
      rewriter.replaceOpWithNewOp<quant::DequantizeCastOp>(dq, dq.getType(),
                                                           newValue);
      continue;
    }
    auto parts = cast<DisassembleOp>(user);
    SmallVector<Value> repl;
    repl.push_back(quant::StorageCastOp::create(
        rewriter, user->getLoc(), parts.getResult(0).getType(), newValue));
    // The scales and zero points are constants now (made only if used).
    auto constantFor = [&](unsigned i, DenseElementsAttr value) -> Value {
      if (parts.getResult(i).use_empty())
        return parts.getResult(i);
      return arith::ConstantOp::create(rewriter, user->getLoc(), value);
    };
    repl.push_back(constantFor(1, scales));
    if (zeroPoints)
      repl.push_back(constantFor(2, zeroPoints));
    rewriter.replaceOp(user, repl);
  }
}

/// Why `q` is not exported (empty when it is); the type in `out`.
static std::string whyNotExported(QuantizeOp q, RankedTensorType *out) {
  if (q.isUnresolved())
    return "its static scale is not calibrated yet (run --mx-infer-scales)";
  std::string reason;
  FailureOr<RankedTensorType> t = exportQuantTensorType(
      q.getResult().getType(), q.getInput().getType().getElementType(),
      staticScalesOf(q), q.getStaticZeroPointsAttr(), reason);
  if (failed(t))
    return reason;
  if (std::string users = whyUsersStay(q.getResult()); !users.empty())
    return users;
  if (out)
    *out = *t;
  return "";
}

/// The constant scales and zero points of an mx.assemble, if they are.
static std::string constantParts(AssembleOp a, DenseFPElementsAttr &scales,
                                 DenseIntElementsAttr &zeroPoints) {
  auto qtype = cast<QuantizedType>(a.getType().getElementType());
  FormatSpec spec = qtype.getSpec();
  if (a.getParts().size() != (spec.zeroPoint ? 3u : 2u))
    return "the format has parts upstream cannot express";
  if (!matchPattern(a.getParts()[1], m_Constant(&scales)) || !scales)
    return "its scales are not constants";
  if (spec.zeroPoint &&
      (!matchPattern(a.getParts()[2], m_Constant(&zeroPoints)) || !zeroPoints))
    return "its zero points are not constants";
  return "";
}

static std::string whyNotExported(AssembleOp a, RankedTensorType *out,
                                  DenseFPElementsAttr &scales,
                                  DenseIntElementsAttr &zeroPoints) {
  if (std::string r = constantParts(a, scales, zeroPoints); !r.empty())
    return r;
  std::string reason;
  FailureOr<RankedTensorType> t =
      exportQuantTensorType(a.getType(), Float32Type::get(a.getContext()),
                            scales, zeroPoints, reason);
  if (failed(t))
    return reason;
  if (std::string users = whyUsersStay(a.getResult()); !users.empty())
    return users;
  if (out)
    *out = *t;
  return "";
}

namespace {

static LogicalResult exportQuantize(RewriterBase &rewriter, QuantizeOp op) {
  RankedTensorType t;
  if (!whyNotExported(op, &t).empty())
    return failure();
  DenseFPElementsAttr scales = staticScalesOf(op);
  DenseIntElementsAttr zps = op.getStaticZeroPointsAttr();
  rewriter.setInsertionPoint(op);
  auto qcast =
      quant::QuantizeCastOp::create(rewriter, op.getLoc(), t, op.getInput());
  rewriteUsers(rewriter, op.getResult(), qcast.getResult(), scales, zps);
  rewriter.eraseOp(op);
  return success();
}

static LogicalResult exportAssemble(RewriterBase &rewriter, AssembleOp op) {
  RankedTensorType t;
  DenseFPElementsAttr scales;
  DenseIntElementsAttr zps;
  if (!whyNotExported(op, &t, scales, zps).empty())
    return failure();
  rewriter.setInsertionPoint(op);
  auto scast =
      quant::StorageCastOp::create(rewriter, op.getLoc(), t, op.getParts()[0]);
  rewriteUsers(rewriter, op.getResult(), scast.getResult(), scales, zps);
  SmallVector<Value> constants(op.getParts().drop_front());
  rewriter.eraseOp(op);
  // The constant scales and zero points are in the type now.
  for (Value c : constants)
    if (Operation *def = c.getDefiningOp(); def && def->use_empty())
      rewriter.eraseOp(def);
  return success();
}

struct ExportQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    return exportQuantize(rewriter, op);
  }
};

struct ExportAssemble : OpRewritePattern<AssembleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AssembleOp op,
                                PatternRewriter &rewriter) const override {
    return exportAssemble(rewriter, op);
  }
};

struct MXExportQuantPass : mx::impl::MXExportQuantBase<MXExportQuantPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    // Producers first (they never use each other), each with its users.
    SmallVector<Operation *> producers;
    root->walk([&](Operation *op) {
      if (isa<QuantizeOp, AssembleOp>(op))
        producers.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : producers) {
      if (auto q = dyn_cast<QuantizeOp>(op))
        numExported += succeeded(exportQuantize(rewriter, q));
      else
        numExported +=
            succeeded(exportAssemble(rewriter, cast<AssembleOp>(op)));
    }
    root->walk([&](Operation *op) {
      std::string reason;
      if (auto q = dyn_cast<QuantizeOp>(op))
        reason = whyNotExported(q, nullptr);
      else if (auto a = dyn_cast<AssembleOp>(op)) {
        DenseFPElementsAttr s;
        DenseIntElementsAttr z;
        reason = whyNotExported(a, nullptr, s, z);
      } else {
        return;
      }
      ++numLeft;
      op->emitRemark() << "mx-export-quant: '" << op->getName()
                       << "' stays in mx: " << reason;
    });
  }
};

} // namespace

void mx::populateMXToQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<ExportQuantize, ExportAssemble>(patterns.getContext());
}
