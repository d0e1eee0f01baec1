//===- WarpMMA.cpp - mx.warp_mma as scalar loops (CPU) --------------------===//
//
// Part of mx-opt. The CPU lowering of mx.warp_mma: each of the lane's four
// accumulators is a loop over the 32-long K slice that decodes the two
// element codes, multiplies them exactly and sums in K order, then applies
// the block scales of the slice. It is the test path of the GPU matmul
// kernels: the kernel bodies of convert-mx-to-parallel-blocks with their
// tensor-core steps computed here run through the CPU pipeline (mx-run).
// Also the helpers shared with the NVVM lowering (WarpMMA.h).
//
//===----------------------------------------------------------------------===//

#include "WarpMMA.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mx;
using namespace mx::numerics;

std::pair<Value, Value> warp_mma::accumulatorPosition(OpBuilder &b,
                                                      Location loc, Value lane,
                                                      int64_t r) {
  AffineExpr l = b.getAffineDimExpr(0);
  Value row = affine::makeComposedAffineApply(
      b, loc, l.floorDiv(4) + 8 * (r / 2), {OpFoldResult(lane)});
  Value col = affine::makeComposedAffineApply(b, loc, (l % 4) * 2 + r % 2,
                                              {OpFoldResult(lane)});
  return {row, col};
}

Value warp_mma::loadCode(OpBuilder &b, Location loc, Value tile, Value row,
                         Value col, const FormatSpec &spec) {
  NumericsEmitter s(b, loc, {});
  bool packed = getStorageElementBits(spec) == 4;
  Value byteCol = col;
  if (packed)
    byteCol = affine::makeComposedAffineApply(
        b, loc, b.getAffineDimExpr(0).floorDiv(2), {OpFoldResult(col)});
  Value byte =
      tensor::ExtractOp::create(b, loc, tile, ValueRange{row, byteCol});
  Value code = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
  if (!packed)
    return code;
  // Element 2j is the low nibble of byte j.
  Value parity = affine::makeComposedAffineApply(
      b, loc, b.getAffineDimExpr(0) % 2, {OpFoldResult(col)});
  Value shift = arith::IndexCastOp::create(b, loc, b.getI32Type(), parity);
  shift = s.shl(shift, s.c(2));
  return s.band(s.lshr(code, shift), s.c(0xF));
}

Value warp_mma::elementValue(OpBuilder &b, Location loc, Value code,
                             const FormatSpec &spec) {
  NumericsEmitter s(b, loc, {});
  // The value under the unit scale (E8M0 code 127).
  E8M0Scale<NumericsEmitter> unit = e8m0ScaleFromCode(s, s.c(127), spec);
  return decodeE8M0Element(s, code, unit, spec);
}

Value warp_mma::integerValue(OpBuilder &b, Location loc, Value code) {
  NumericsEmitter s(b, loc, {});
  return s.sel(s.uge(code, s.c(128)), s.sub(code, s.c(256)), code);
}

Value warp_mma::applyScales(OpBuilder &b, Location loc, Value acc, Value sum,
                            Value sa, Value sb, const FormatSpec &spec) {
  NumericsEmitter s(b, loc, {});
  auto scaleOf = [&](Value code) {
    Value c = arith::ExtUIOp::create(b, loc, b.getI32Type(), code);
    // 2^(c - 127): the f32 bits c << 23, or the subnormal 2^-127 for c = 0.
    Value bits = s.sel(s.eq(c, s.c(0)), s.c(0x00400000), s.shl(c, s.c(23)));
    return std::make_pair(s.bitsToF(bits), s.eq(c, s.c(0xFF)));
  };
  auto [fa, nanA] = scaleOf(sa);
  auto [fb, nanB] = scaleOf(sb);
  Value v = sum;
  if (!spec.hasFloatElement()) // MXINT8: codes are integers times 2^-6.
    v = s.fmul(v, s.cf(0x1p-12f));
  v = s.fmul(s.fmul(v, fa), fb);
  return orNaN(s, s.borB(nanA, nanB), s.fadd(acc, v));
}

Value warp_mma::applySliceScales(OpBuilder &b, Location loc, Value acc,
                                 Value sum, bool integerCodes, Value aScales,
                                 Value row, Value bScales, Value col,
                                 const FormatSpec &spec) {
  if (integerCodes)
    sum = arith::SIToFPOp::create(b, loc, b.getF32Type(), sum);
  Value sa = tensor::ExtractOp::create(b, loc, aScales, row);
  Value sb = tensor::ExtractOp::create(b, loc, bScales, col);
  return applyScales(b, loc, acc, sum, sa, sb, spec);
}

Value warp_mma::scaleRegister(OpBuilder &b, Location loc, Value tile,
                              Value lane, bool isA) {
  AffineExpr l = b.getAffineDimExpr(0);
  AffineExpr index = isA ? l.floorDiv(4) + (l % 2) * 8 : l.floorDiv(4);
  Value i =
      affine::makeComposedAffineApply(b, loc, index, {OpFoldResult(lane)});
  Value code = tensor::ExtractOp::create(b, loc, tile, i);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), code);
}

Value warp_mma::scaleFromRegisters(OpBuilder &b, Location loc, Value tile,
                                   Value index, bool isA) {
  AffineExpr d = b.getAffineDimExpr(0);
  AffineExpr source = isA ? (d % 8) * 4 + d.floorDiv(8) : d * 4;
  Value lane =
      affine::makeComposedAffineApply(b, loc, source, {OpFoldResult(index)});
  Value reg = scaleRegister(b, loc, tile, lane, isA);
  // Byte 0 (byte-id 0).
  return arith::TruncIOp::create(b, loc, b.getI8Type(), reg);
}

namespace {

struct WarpMMAToLoops : OpRewritePattern<WarpMMAOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WarpMMAOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FormatSpec specA = op.getASpec(), specB = op.getBSpec();
    bool int32Acc = op.isInt32Accumulation();
    bool integerCodes = specA.element == ElementKind::I8;
    Type sumType =
        integerCodes ? rewriter.getI32Type() : (Type)rewriter.getF32Type();
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(sumType));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value cK = arith::ConstantIndexOp::create(rewriter, loc, warp_mma::kK);
    SmallVector<Value> results;
    for (int64_t r = 0; r < 4; ++r) {
      auto [row, col] =
          warp_mma::accumulatorPosition(rewriter, loc, op.getLane(), r);
      auto loop = scf::ForOp::create(
          rewriter, loc, c0, cK, c1, ValueRange{zero},
          [&](OpBuilder &b, Location loc, Value k, ValueRange iter) {
            Value ca = warp_mma::loadCode(b, loc, op.getA(), row, k, specA);
            Value cb = warp_mma::loadCode(b, loc, op.getB(), k, col, specB);
            Value p;
            if (integerCodes)
              p = arith::MulIOp::create(b, loc,
                                        warp_mma::integerValue(b, loc, ca),
                                        warp_mma::integerValue(b, loc, cb));
            else
              p = arith::MulFOp::create(
                  b, loc, warp_mma::elementValue(b, loc, ca, specA),
                  warp_mma::elementValue(b, loc, cb, specB));
            Value next = integerCodes
                             ? (Value)arith::AddIOp::create(b, loc, iter[0], p)
                             : (Value)arith::AddFOp::create(b, loc, iter[0], p);
            scf::YieldOp::create(b, loc, next);
          });
      Value sum = loop.getResult(0);
      Value acc = vector::ExtractOp::create(rewriter, loc, op.getAcc(), r);
      if (int32Acc) {
        results.push_back(arith::AddIOp::create(rewriter, loc, acc, sum));
        continue;
      }
      if (op.getScaleLayout()) {
        // The tensor core's scale operands: each output's codes come from
        // the registers of the lanes the instruction reads them from.
        Value sa = warp_mma::scaleFromRegisters(rewriter, loc, op.getAScales(),
                                                row, /*isA=*/true);
        Value sb = warp_mma::scaleFromRegisters(rewriter, loc, op.getBScales(),
                                                col, /*isA=*/false);
        results.push_back(
            warp_mma::applyScales(rewriter, loc, acc, sum, sa, sb, specA));
        continue;
      }
      results.push_back(warp_mma::applySliceScales(
          rewriter, loc, acc, sum, integerCodes, op.getAScales(), row,
          op.getBScales(), col, specA));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, op.getAcc().getType(), results);
    return success();
  }
};

} // namespace

void mx::populateMXWarpMMAToLoopsPatterns(RewritePatternSet &patterns) {
  patterns.add<WarpMMAToLoops>(patterns.getContext());
  populateMXTCGen05MMAToLoopsPatterns(patterns);
}
