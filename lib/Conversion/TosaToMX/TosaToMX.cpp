//===- TosaToMX.cpp - Import TOSA 1.1 block-scaled ops into mx ------------===//
//
// Part of mx-opt. TOSA 1.1's block-scaled ops verify upstream but have no
// lowering; mx imports them: tosa.cast_to_block_scaled becomes mx.quantize
// with the MX format of its data type, its tosa.cast_from_block_scaled
// users mx.dequantize, and tosa.matmul_t_block_scaled of two imported casts
// a float linalg.batch_matmul (B transposed) of two mx.dequantize results,
// the form a Q/DQ fusion pass consumes (docs/Interop.md).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/TosaToMX/TosaToMX.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "mx-import-tosa"

namespace mx {
#define GEN_PASS_DEF_MXIMPORTTOSA
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

/// The MX preset of a TOSA block-scaled data element type.
static std::optional<StringRef> presetFor(Type data) {
  if (isa<Float8E4M3FNType>(data))
    return StringRef("mxfp8_e4m3");
  if (isa<Float8E5M2Type>(data))
    return StringRef("mxfp8_e5m2");
  if (isa<Float6E3M2FNType>(data))
    return StringRef("mxfp6_e3m2");
  if (isa<Float6E2M3FNType>(data))
    return StringRef("mxfp6_e2m3");
  if (isa<Float4E2M1FNType>(data))
    return StringRef("mxfp4_e2m1");
  return std::nullopt;
}

static bool isMXFloat(Type t) { return t.isF32() || t.isF16() || t.isBF16(); }

/// Whether `op` takes the data and scale of `cast` as one operand pair.
static bool takesPair(Operation *op, tosa::CastToBlockScaledOp toBs) {
  Value d = toBs.getOutputData(), s = toBs.getOutputScale();
  if (auto from = dyn_cast<tosa::CastFromBlockScaledOp>(op))
    return from.getInputData() == d && from.getInputScale() == s;
  if (auto mm = dyn_cast<tosa::MatmulTBlockScaledOp>(op))
    return (mm.getAData() == d && mm.getAScale() == s) ||
           (mm.getBData() == d && mm.getBScale() == s);
  return false;
}

/// The producer of the (data, scale) pair `d`, `s`, if one cast makes both.
static tosa::CastToBlockScaledOp pairProducer(Value d, Value s) {
  auto toBs = d.getDefiningOp<tosa::CastToBlockScaledOp>();
  if (!toBs || toBs.getOutputData() != d || toBs.getOutputScale() != s)
    return {};
  return toBs;
}

/// Why `cast` cannot be imported on its own terms (empty when it can).
static std::string whyCastStays(tosa::CastToBlockScaledOp toBs) {
  auto in = dyn_cast<RankedTensorType>(toBs.getInputData().getType());
  auto data = dyn_cast<RankedTensorType>(toBs.getOutputData().getType());
  if (!in || !data)
    return "unranked tensors are not imported";
  if (!isMXFloat(in.getElementType()))
    return "the input is not f32, f16 or bf16";
  if (!presetFor(data.getElementType()))
    return "no MX format for the data type";
  for (Operation *user : toBs->getUsers()) {
    if (!takesPair(user, toBs))
      return "its data and scale are used by '" +
             user->getName().getStringRef().str() +
             "' other than as one pair of a block-scaled TOSA op (the "
             "separate data and scale tensors have no mx form)";
    if (auto from = dyn_cast<tosa::CastFromBlockScaledOp>(user)) {
      auto out = dyn_cast<RankedTensorType>(from.getType());
      if (!out || !isMXFloat(out.getElementType()))
        return "a tosa.cast_from_block_scaled result is not f32, f16 or bf16";
      if (from.getBlockSize() != toBs.getBlockSize())
        return "a tosa.cast_from_block_scaled user has another block size";
    }
    if (auto mm = dyn_cast<tosa::MatmulTBlockScaledOp>(user)) {
      auto out = cast<RankedTensorType>(mm.getType());
      if (!out.getElementType().isF32())
        return "the tosa.matmul_t_block_scaled result is not f32";
      auto a = cast<RankedTensorType>(mm.getAData().getType());
      auto b = cast<RankedTensorType>(mm.getBData().getType());
      if (a.getDimSize(0) != b.getDimSize(0) ||
          ShapedType::isDynamic(a.getDimSize(0)))
        return "tosa.matmul_t_block_scaled broadcasts B over the batch "
               "(not imported yet)";
      if (mm.getBlockSize() != toBs.getBlockSize())
        return "a tosa.matmul_t_block_scaled user has another block size";
    }
  }
  return "";
}

/// The mx quantized type `cast` produces.
static RankedTensorType quantizedTypeOf(tosa::CastToBlockScaledOp toBs) {
  auto in = cast<RankedTensorType>(toBs.getInputData().getType());
  auto data = cast<RankedTensorType>(toBs.getOutputData().getType());
  FormatSpec spec = *FormatSpec::getPreset(*presetFor(data.getElementType()));
  spec.blockSize = tosa::BlockSizeAttr::getBlockSizeValue(toBs.getBlockSize());
  MLIRContext *ctx = toBs.getContext();
  auto qtype =
      QuantizedType::get(ctx, FormatAttr::get(ctx, spec), in.getRank() - 1);
  return RankedTensorType::get(in.getShape(), qtype);
}

int64_t mx::importTosaBlockScaled(Operation *root) {
  // Casts that can be imported, each with the reason when not.
  llvm::MapVector<Operation *, std::string> casts;
  root->walk([&](tosa::CastToBlockScaledOp toBs) {
    casts[toBs] = whyCastStays(toBs);
  });
  // A matmul needs both of its casts: drop casts until that holds.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &[op, reason] : casts) {
      if (!reason.empty())
        continue;
      for (Operation *user : op->getUsers()) {
        auto mm = dyn_cast<tosa::MatmulTBlockScaledOp>(user);
        if (!mm)
          continue;
        for (auto [d, s] : {std::pair(mm.getAData(), mm.getAScale()),
                            std::pair(mm.getBData(), mm.getBScale())}) {
          tosa::CastToBlockScaledOp other = pairProducer(d, s);
          if (!other || !casts.count(other) || !casts[other].empty()) {
            reason = "it feeds a tosa.matmul_t_block_scaled whose other "
                     "operand is not an imported tosa.cast_to_block_scaled";
            changed = true;
          }
        }
      }
    }
  }

  IRRewriter rewriter(root->getContext());
  llvm::DenseMap<Operation *, Value> quantized;
  llvm::SetVector<Operation *> consumers;
  int64_t imported = 0;
  for (auto &[op, reason] : casts) {
    auto toBs = cast<tosa::CastToBlockScaledOp>(op);
    if (!reason.empty()) {
      op->emitRemark() << "mx-import-tosa: 'tosa.cast_to_block_scaled' left "
                          "alone: "
                       << reason;
      continue;
    }
    rewriter.setInsertionPoint(op);
    quantized[op] = QuantizeOp::create(
        rewriter, op->getLoc(), quantizedTypeOf(toBs), toBs.getInputData());
    consumers.insert_range(op->getUsers());
    ++imported;
  }

  auto dequantize = [&](Value d, RankedTensorType floatType) -> Value {
    Value q = quantized.lookup(d.getDefiningOp());
    auto qt = cast<RankedTensorType>(q.getType());
    return DequantizeOp::create(
        rewriter, d.getLoc(),
        RankedTensorType::get(qt.getShape(), floatType.getElementType()), q);
  };
  for (Operation *user : consumers) {
    rewriter.setInsertionPoint(user);
    if (auto from = dyn_cast<tosa::CastFromBlockScaledOp>(user)) {
      auto type = cast<RankedTensorType>(from.getType());
      rewriter.replaceOp(from, dequantize(from.getInputData(), type));
      continue;
    }
    auto mm = cast<tosa::MatmulTBlockScaledOp>(user);
    auto type = cast<RankedTensorType>(mm.getType());
    Location loc = mm.getLoc();
    Value a = dequantize(mm.getAData(), type);
    Value b = dequantize(mm.getBData(), type);
    // out[n, h, w] = sum_c a[n, h, c] * b[n, w, c]
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(rewriter, loc, a, 0),
                                    tensor::getMixedSize(rewriter, loc, a, 1),
                                    tensor::getMixedSize(rewriter, loc, b, 1)};
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    Value init = linalg::FillOp::create(rewriter, loc, zero, empty).result();
    if (init.getType() != type)
      init = tensor::CastOp::create(rewriter, loc, type, init);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr n, h, w, c;
    bindDims(ctx, n, h, w, c);
    SmallVector<AffineMap> maps{AffineMap::get(4, 0, {n, h, c}, ctx),
                                AffineMap::get(4, 0, {n, w, c}, ctx),
                                AffineMap::get(4, 0, {n, h, w}, ctx)};
    auto matmul = linalg::BatchMatmulOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{a, b}, ValueRange{init});
    matmul.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    rewriter.replaceOp(mm, matmul.getResult(0));
  }
  for (auto &[op, reason] : casts)
    if (reason.empty())
      rewriter.eraseOp(op);

  // Consumers whose operands were not imported.
  root->walk([&](Operation *op) {
    if (!isa<tosa::CastFromBlockScaledOp, tosa::MatmulTBlockScaledOp>(op))
      return;
    op->emitRemark() << "mx-import-tosa: '" << op->getName()
                     << "' left alone: its operands do not come from an "
                        "imported tosa.cast_to_block_scaled";
  });
  return imported;
}

namespace {
struct MXImportTosaPass : mx::impl::MXImportTosaBase<MXImportTosaPass> {
  void runOnOperation() override {
    numImported += importTosaBlockScaled(getOperation());
  }
};
} // namespace
