//===- QuantToMX.cpp - Import upstream quant Q/DQ into mx -----------------===//
//
// Part of mx-opt. quant.qcast / dcast / scast with !quant.uniform types
// (per tensor, per axis, sub-channel) become mx Q/DQ with static scales and
// the standard round-half-even numerics (docs/Interop.md).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/QuantToMX/QuantToMX.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#define DEBUG_TYPE "mx-import-quant"

namespace mx {
#define GEN_PASS_DEF_MXIMPORTQUANT
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

static bool isMXFloat(Type t) { return t.isF32() || t.isF16() || t.isBF16(); }

FailureOr<ImportedQuantType> mx::importQuantTensorType(Type type,
                                                       std::string &reason) {
  auto fail = [&](const Twine &msg) -> FailureOr<ImportedQuantType> {
    reason = msg.str();
    return failure();
  };
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return fail("only ranked tensors of quantized elements are imported");
  auto base = dyn_cast<quant::QuantizedType>(tensor.getElementType());
  if (!base)
    return fail("not a quantized tensor");
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType,
           quant::UniformQuantizedSubChannelType>(base))
    return fail("only !quant.uniform element types are imported");
  unsigned width = base.getStorageTypeIntegralWidth();
  if (width != 8)
    return fail("the storage type has " + Twine(width) +
                " bits; mx INT8 stores 8-bit codes");
  bool isSigned = base.isSigned();
  int64_t lo = isSigned ? -128 : 0, hi = isSigned ? 127 : 255;
  if (base.getStorageTypeMin() != lo || base.getStorageTypeMax() != hi)
    return fail("the storage range [" + Twine(base.getStorageTypeMin()) + ":" +
                Twine(base.getStorageTypeMax()) +
                "] is narrower than the full 8-bit range [" + Twine(lo) + ":" +
                Twine(hi) + "]; mx INT8 clamps to the full range");
  if (!isMXFloat(base.getExpressedType()))
    return fail("the expressed type is not f32, f16 or bf16");

  MLIRContext *ctx = type.getContext();
  FormatSpec spec = *FormatSpec::getPreset("int8");
  if (!isSigned)
    spec.element = ElementKind::UI8;
  int64_t rank = tensor.getRank();
  int64_t axis = -1;
  SmallVector<double> scales;
  SmallVector<int64_t> zps, scaleShape;

  if (auto u = dyn_cast<quant::UniformQuantizedType>(base)) {
    spec.granularity = Granularity::Tensor;
    scales.push_back(u.getScale());
    zps.push_back(u.getZeroPoint());
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(base)) {
    axis = pa.getQuantizedDimension();
    if (axis < 0 || axis >= rank)
      return fail("quantized dimension " + Twine(axis) +
                  " is out of range for rank " + Twine(rank));
    if (tensor.isDynamicDim(axis))
      return fail("the quantized dimension " + Twine(axis) +
                  " has a dynamic size");
    if ((int64_t)pa.getScales().size() != tensor.getDimSize(axis))
      return fail("the type has " + Twine(pa.getScales().size()) +
                  " scales for dimension " + Twine(axis) + " of size " +
                  Twine(tensor.getDimSize(axis)));
    spec.granularity = Granularity::Channel;
    scales.assign(pa.getScales().begin(), pa.getScales().end());
    zps.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
    scaleShape.push_back(tensor.getDimSize(axis));
  } else {
    auto sc = cast<quant::UniformQuantizedSubChannelType>(base);
    if (!tensor.hasStaticShape())
      return fail("sub-channel quantization of a tensor with dynamic sizes");
    // Block size per dimension (unlisted dimensions: the whole dimension).
    SmallVector<int64_t> block(tensor.getShape());
    for (auto [dim, size] :
         llvm::zip(sc.getQuantizedDimensions(), sc.getBlockSizes())) {
      if (dim < 0 || dim >= rank)
        return fail("quantized dimension " + Twine(dim) +
                    " is out of range for rank " + Twine(rank));
      block[dim] = size;
    }
    // The mx block axis: the listed dimension with the largest block
    // (unlisted ones only when no listed block exceeds 1; the last one on
    // ties); every other dimension gets one scale per index.
    SmallVector<int64_t> candidates;
    for (auto [dim, size] :
         llvm::zip(sc.getQuantizedDimensions(), sc.getBlockSizes()))
      if (size > 1)
        candidates.push_back(dim);
    if (candidates.empty())
      for (int64_t d = 0; d < rank; ++d)
        candidates.push_back(d);
    axis = candidates.front();
    for (int64_t d : candidates)
      if (block[d] > block[axis] || (block[d] == block[axis] && d > axis))
        axis = d;
    spec.granularity = Granularity::Block;
    spec.blockSize = block[axis];
    for (int64_t d = 0; d < rank; ++d)
      scaleShape.push_back(
          d == axis ? llvm::divideCeil(tensor.getDimSize(d), block[axis])
                    : tensor.getDimSize(d));
    SmallVector<int64_t> srcShape(sc.getScales().getType().getShape());
    if ((int64_t)srcShape.size() != rank)
      return fail("the scales have rank " + Twine(srcShape.size()) +
                  ", the tensor " + Twine(rank));
    SmallVector<double> srcScales;
    for (APFloat s : sc.getScales().getValues<APFloat>())
      srcScales.push_back(s.convertToDouble());
    SmallVector<int64_t> srcZps;
    for (APInt z : sc.getZeroPoints().getValues<APInt>())
      srcZps.push_back(z.getSExtValue());
    // Expand: mx scale [i] is upstream scale [i_d / block_d] (along the
    // axis, mx blocks are upstream blocks).
    int64_t n = 1;
    for (int64_t d : scaleShape)
      n *= d;
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t j = d == axis ? idx[d] : idx[d] / block[d];
        if (j >= srcShape[d])
          return fail("the scales tensor is too small for the tensor shape");
        src = src * srcShape[d] + j;
      }
      scales.push_back(srcScales[src]);
      zps.push_back(srcZps.empty() ? 0 : srcZps[src]);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < scaleShape[d])
          break;
        idx[d] = 0;
      }
    }
  }

  SmallVector<float> f32Scales;
  for (double s : scales) {
    float f = static_cast<float>(s);
    if (!(f > 0.0f) || !std::isfinite(f))
      return fail("scale " + llvm::formatv("{0}", s).str() +
                  " is not a positive finite f32");
    f32Scales.push_back(f);
  }
  bool hasZp = !isSigned || llvm::any_of(zps, [](int64_t z) { return z; });
  for (int64_t z : zps)
    if (z < lo || z > hi)
      return fail("zero point " + Twine(z) + " is outside the storage range");
  spec.zeroPoint = hasZp;
  if (std::string err = spec.verify(); !err.empty())
    return fail("no mx format for it: " + err);

  ImportedQuantType r;
  auto qtype = QuantizedType::get(ctx, FormatAttr::get(ctx, spec), axis);
  r.type = RankedTensorType::get(tensor.getShape(), qtype);
  Builder b(ctx);
  r.scales = cast<DenseFPElementsAttr>(
      DenseElementsAttr::get(RankedTensorType::get(scaleShape, b.getF32Type()),
                             ArrayRef<float>(f32Scales)));
  if (hasZp) {
    SmallVector<int32_t> z32(zps.begin(), zps.end());
    r.zeroPoints = cast<DenseIntElementsAttr>(DenseElementsAttr::get(
        RankedTensorType::get(scaleShape, b.getI32Type()),
        ArrayRef<int32_t>(z32)));
  }
  return r;
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

/// Why the uses of the quantized value `v` cannot all be imported (empty
/// when they can): every use must be quant.dcast or quant.scast to the
/// storage tensor.
static std::string whyUsersStay(Value v, const ImportedQuantType &t) {
  for (Operation *user : v.getUsers()) {
    if (auto dcast = dyn_cast<quant::DequantizeCastOp>(user)) {
      auto rt = dyn_cast<RankedTensorType>(dcast.getResult().getType());
      if (!rt || !isMXFloat(rt.getElementType()))
        return "a quant.dcast result is not a ranked f32/f16/bf16 tensor";
      continue;
    }
    if (auto scast = dyn_cast<quant::StorageCastOp>(user)) {
      auto qtype = cast<QuantizedType>(t.type.getElementType());
      if (scast.getResult().getType() !=
          qtype.getStorageTypes(t.type.getShape())[0])
        return "a quant.scast result is not the 8-bit storage tensor";
      continue;
    }
    return "the quantized value is used by '" +
           user->getName().getStringRef().str() +
           "', which has no mx counterpart (only quant.dcast and quant.scast "
           "are imported)";
  }
  return "";
}

/// Why the quantized value produced by `op` (quant.qcast, or quant.scast
/// of an integer tensor) is not imported; empty when it is.
static std::string whyNotImported(Operation *op, ImportedQuantType *out) {
  Value in = op->getOperand(0), v = op->getResult(0);
  auto inType = dyn_cast<RankedTensorType>(in.getType());
  if (!inType)
    return "its operand is not a ranked tensor";
  std::string reason;
  FailureOr<ImportedQuantType> t = importQuantTensorType(v.getType(), reason);
  if (failed(t))
    return reason;
  if (isa<quant::QuantizeCastOp>(op) && !isMXFloat(inType.getElementType()))
    return "its operand is not an f32, f16 or bf16 tensor";
  if (isa<quant::StorageCastOp>(op) &&
      inType != cast<QuantizedType>(t->type.getElementType())
                    .getStorageTypes(t->type.getShape())[0])
    return "its operand is not the 8-bit storage tensor";
  if (std::string users = whyUsersStay(v, *t); !users.empty())
    return users;
  if (out)
    *out = *t;
  return "";
}

/// Replaces the uses of the upstream quantized value `oldValue` by the mx
/// value `newValue`.
static void rewriteUsers(RewriterBase &rewriter, Value oldValue,
                         Value newValue) {
  for (Operation *user : llvm::make_early_inc_range(oldValue.getUsers())) {
    rewriter.setInsertionPoint(user);
    if (auto dcast = dyn_cast<quant::DequantizeCastOp>(user)) {
      rewriter.replaceOpWithNewOp<DequantizeOp>(
          dcast, cast<RankedTensorType>(dcast.getResult().getType()), newValue);
      continue;
    }
    auto qtype = cast<RankedTensorType>(newValue.getType());
    SmallVector<Type> partTypes;
    for (RankedTensorType t : cast<QuantizedType>(qtype.getElementType())
                                  .getStorageTypes(qtype.getShape()))
      partTypes.push_back(t);
    auto parts =
        DisassembleOp::create(rewriter, user->getLoc(), partTypes, newValue);
    rewriter.replaceOp(user, parts.getResult(0));
  }
}

/// quant.qcast -> mx.quantize with static scales.
static LogicalResult importQCast(RewriterBase &rewriter,
                                 quant::QuantizeCastOp op) {
  ImportedQuantType t;
  if (!whyNotImported(op, &t).empty())
    return failure();
  rewriter.setInsertionPoint(op);
  auto q = QuantizeOp::create(rewriter, op.getLoc(), t.type, op.getInput());
  q.setStaticScalesAttr(t.scales);
  if (t.zeroPoints)
    q.setStaticZeroPointsAttr(t.zeroPoints);
  rewriteUsers(rewriter, op.getResult(), q.getResult());
  rewriter.eraseOp(op);
  return success();
}

/// quant.scast of an integer tensor -> mx.assemble with constant scales.
static LogicalResult importSCast(RewriterBase &rewriter,
                                 quant::StorageCastOp op) {
  if (!isa<quant::QuantizedType>(
          getElementTypeOrSelf(op.getResult().getType())))
    return failure();
  ImportedQuantType t;
  if (!whyNotImported(op, &t).empty())
    return failure();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> parts{op.getInput()};
  parts.push_back(arith::ConstantOp::create(rewriter, op.getLoc(), t.scales));
  if (t.zeroPoints)
    parts.push_back(
        arith::ConstantOp::create(rewriter, op.getLoc(), t.zeroPoints));
  auto a = AssembleOp::create(rewriter, op.getLoc(), t.type, parts);
  rewriteUsers(rewriter, op.getResult(), a.getResult());
  rewriter.eraseOp(op);
  return success();
}

namespace {

struct ImportQCast : OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::QuantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    return importQCast(rewriter, op);
  }
};

struct ImportSCast : OpRewritePattern<quant::StorageCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::StorageCastOp op,
                                PatternRewriter &rewriter) const override {
    return importSCast(rewriter, op);
  }
};

struct MXImportQuantPass : mx::impl::MXImportQuantBase<MXImportQuantPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    // Producers first, then rewrite each with its users. No pattern driver
    // folding: upstream folds dcast(qcast(x)) to x, which would drop a
    // lossy round trip.
    SmallVector<Operation *> producers;
    // (Producers of quantized values never use one, so rewriting one never
    // erases another.)
    root->walk([&](Operation *op) {
      if (isa<quant::QuantizeCastOp>(op) ||
          (isa<quant::StorageCastOp>(op) &&
           isa<quant::QuantizedType>(
               getElementTypeOrSelf(op->getResult(0).getType()))))
        producers.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : producers) {
      if (auto q = dyn_cast<quant::QuantizeCastOp>(op))
        numImported += succeeded(importQCast(rewriter, q));
      else
        numImported +=
            succeeded(importSCast(rewriter, cast<quant::StorageCastOp>(op)));
    }
    // Say why every remaining upstream Q/DQ op stays.
    root->walk([&](Operation *op) {
      if (!isa<quant::QuantizeCastOp, quant::DequantizeCastOp,
               quant::StorageCastOp>(op))
        return;
      ++numLeft;
      std::string reason;
      bool producesQuant = isa<quant::QuantizedType>(
          getElementTypeOrSelf(op->getResult(0).getType()));
      if (producesQuant) {
        reason = whyNotImported(op, nullptr);
      } else {
        Value in = op->getOperand(0);
        Operation *def = in.getDefiningOp();
        if (!def)
          reason = "its operand is a block argument (a quantized value "
                   "crossing a function or region boundary)";
        else if (!isa<quant::QuantizeCastOp, quant::StorageCastOp>(def))
          reason = "its operand comes from '" +
                   def->getName().getStringRef().str() +
                   "', not from quant.qcast or quant.scast";
        else
          reason = "its operand's producer was not imported";
      }
      op->emitRemark() << "mx-import-quant: '" << op->getName()
                       << "' left alone: " << reason;
    });
  }
};

} // namespace

void mx::populateQuantToMXPatterns(RewritePatternSet &patterns) {
  patterns.add<ImportQCast, ImportSCast>(patterns.getContext());
}
