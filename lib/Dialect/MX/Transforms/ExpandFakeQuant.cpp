//===- ExpandFakeQuant.cpp - mx.fake_quant -> quantize + dequantize -------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "mx/Support/Debug.h"

#define DEBUG_TYPE "mx-expand-fake-quant"

namespace mx {
#define GEN_PASS_DEF_MXEXPANDFAKEQUANT
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {
struct ExpandFakeQuant : OpRewritePattern<FakeQuantOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FakeQuantOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType floatType = op.getType();
    auto quantType =
        RankedTensorType::get(floatType.getShape(), op.getQuantizedType());
    Value q =
        QuantizeOp::create(rewriter, op.getLoc(), quantType, op.getInput());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, floatType, q);
    return success();
  }
};

struct MXExpandFakeQuantPass
    : mx::impl::MXExpandFakeQuantBase<MXExpandFakeQuantPass> {
  void runOnOperation() override {
    getOperation()->walk([&](FakeQuantOp op) {
      MX_DEBUG(llvm::dbgs() << "expanding " << op << "\n");
      ++numExpanded;
    });
    RewritePatternSet patterns(&getContext());
    populateExpandFakeQuantPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void mx::populateExpandFakeQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandFakeQuant>(patterns.getContext());
}
