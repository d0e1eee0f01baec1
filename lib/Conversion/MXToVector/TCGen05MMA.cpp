//===- TCGen05MMA.cpp - mx.tcgen05_mma as scalar loops (CPU) --------------===//
//
// Part of mx-opt. The CPU lowering of mx.tcgen05_mma, the test path of the
// sm_100a block-scaled matmul: the thread's row of the 128 x N tile, with
// the tcgen05 MMA replaced by an emulation of its semantics. Per MMA step
// (K = 32 codes for kind::mxf8f6f4, 64 for kind::mxf4) the scales are read
// the way the instruction reads them: from the 16-byte chunk image of the
// row (TCGen05Layout.h: what tcgen05.cp puts in tensor memory) at the
// step's scale column and id, so a wrong layout index fails the CPU test.
//
//===----------------------------------------------------------------------===//

#include "TCGen05Layout.h"
#include "WarpMMA.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Dialect/MX/IR/MXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mx;

namespace {

struct TCGen05MMAToLoops : OpRewritePattern<TCGen05MMAOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TCGen05MMAOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "memref form (GPU only)");
    Location loc = op.getLoc();
    FormatSpec specA = op.getASpec(), specB = op.getBSpec();
    auto initType = cast<RankedTensorType>(op.getInit().getType());
    int64_t n = initType.getDimSize(0);
    int64_t pack = op.isF4() ? 2 : 1;
    int64_t kBytes = cast<ShapedType>(op.getA().getType()).getDimSize(1);
    int64_t blocks = kBytes * pack / 32;
    int64_t perStep = pack; // scale blocks per MMA step
    int64_t steps = blocks / perStep;
    auto c = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    Value row = op.getRow();
    // The 16-byte chunk image of `scales` row `r` for the chunk holding
    // block j0: byte scaleImageByte(j) holds block j (127, i.e. 1.0, past
    // the last block), as tcgen05.cp puts it in tensor memory.
    auto image = [&](OpBuilder &b, Value scales, Value r, Value j0) -> Value {
      Value base = arith::MulIOp::create(
          b, loc,
          arith::DivUIOp::create(b, loc, j0, c(b, tcgen05::kChunkBlocks)),
          c(b, tcgen05::kChunkBlocks));
      Value empty = tensor::EmptyOp::create(
          b, loc, ArrayRef<int64_t>{tcgen05::kChunkBlocks}, i8);
      Value one = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(127));
      auto fill = scf::ForOp::create(
          b, loc, c(b, 0), c(b, tcgen05::kChunkBlocks), c(b, 1),
          ValueRange{empty},
          [&](OpBuilder &bb, Location loc, Value jj, ValueRange iter) {
            Value j = arith::AddIOp::create(bb, loc, base, jj);
            Value inside = arith::CmpIOp::create(
                bb, loc, arith::CmpIPredicate::ult, j, c(bb, blocks));
            Value safe = arith::MinUIOp::create(bb, loc, j, c(bb, blocks - 1));
            Value v =
                tensor::ExtractOp::create(bb, loc, scales, ValueRange{r, safe});
            v = arith::SelectOp::create(bb, loc, inside, v, one);
            Value next = tensor::InsertOp::create(
                bb, loc, v, iter[0],
                ValueRange{tcgen05::scaleImageByte(bb, loc, j)});
            scf::YieldOp::create(bb, loc, next);
          });
      return fill.getResult(0);
    };
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(0.0f));
    auto columns = scf::ForOp::create(
        rewriter, loc, c(rewriter, 0), c(rewriter, n), c(rewriter, 1),
        ValueRange{op.getInit()},
        [&](OpBuilder &b, Location loc, Value col, ValueRange rowIter) {
          auto kSteps = scf::ForOp::create(
              b, loc, c(b, 0), c(b, steps), c(b, 1), ValueRange{zero},
              [&](OpBuilder &sb, Location loc, Value s, ValueRange accIter) {
                Value j0 = arith::MulIOp::create(sb, loc, s, c(sb, perStep));
                Value imgA = image(sb, op.getAScales(), row, j0);
                Value imgB = image(sb, op.getBScales(), col, j0);
                auto [column, id] = tcgen05::scaleAddress(sb, loc, j0);
                Value at = arith::AddIOp::create(
                    sb, loc, arith::MulIOp::create(sb, loc, column, c(sb, 4)),
                    id);
                Value acc = accIter[0];
                for (int64_t q = 0; q < perStep; ++q) {
                  Value k0 = arith::MulIOp::create(
                      sb, loc, arith::AddIOp::create(sb, loc, j0, c(sb, q)),
                      c(sb, 32));
                  Value k1 = arith::AddIOp::create(sb, loc, k0, c(sb, 32));
                  auto dot = scf::ForOp::create(
                      sb, loc, k0, k1, c(sb, 1), ValueRange{zero},
                      [&](OpBuilder &kb, Location loc, Value k,
                          ValueRange sumIter) {
                        Value ca = warp_mma::loadCode(kb, loc, op.getA(), row,
                                                      k, specA);
                        Value cb = warp_mma::loadCode(kb, loc, op.getB(), col,
                                                      k, specB);
                        Value p = arith::MulFOp::create(
                            kb, loc, warp_mma::elementValue(kb, loc, ca, specA),
                            warp_mma::elementValue(kb, loc, cb, specB));
                        scf::YieldOp::create(kb, loc,
                                             ValueRange{arith::AddFOp::create(
                                                 kb, loc, sumIter[0], p)});
                      });
                  Value byte = arith::AddIOp::create(sb, loc, at, c(sb, q));
                  Value sa = tensor::ExtractOp::create(sb, loc, imgA, byte);
                  Value sbv = tensor::ExtractOp::create(sb, loc, imgB, byte);
                  acc = warp_mma::applyScales(sb, loc, acc, dot.getResult(0),
                                              sa, sbv, specA);
                }
                scf::YieldOp::create(sb, loc, acc);
              });
          Value next = tensor::InsertOp::create(b, loc, kSteps.getResult(0),
                                                rowIter[0], ValueRange{col});
          scf::YieldOp::create(b, loc, next);
        });
    (void)f32;
    rewriter.replaceOp(op, columns.getResult(0));
    return success();
  }
};

} // namespace

void mx::populateMXTCGen05MMAToLoopsPatterns(RewritePatternSet &patterns) {
  patterns.add<TCGen05MMAToLoops>(patterns.getContext());
}
