//===- ParallelizeLoops.cpp - Marked scf.for loops to scf.parallel --------===//
//
// Part of mx-opt. See the description of mx-parallelize-loops in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/ParallelLoops.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mx {
#define GEN_PASS_DEF_MXPARALLELIZELOOPS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

struct MXParallelizeLoopsPass
    : mx::impl::MXParallelizeLoopsBase<MXParallelizeLoopsPass> {
  void runOnOperation() override {
    // Outermost first: a marked loop inside a converted one stays serial
    // (one level of threads).
    SmallVector<scf::ForOp> loops;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<scf::ParallelOp>(op))
        return WalkResult::skip();
      auto loop = dyn_cast<scf::ForOp>(op);
      if (!loop || !loop->hasAttr(mx::kParallelLoopAttrName) ||
          loop.getNumResults() != 0)
        return WalkResult::advance();
      loops.push_back(loop);
      return WalkResult::skip();
    });
    for (scf::ForOp loop : loops) {
      OpBuilder b(loop);
      auto parallel = scf::ParallelOp::create(
          b, loop.getLoc(), ValueRange{loop.getLowerBound()},
          ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
      Block *body = parallel.getBody();
      Block *serial = loop.getBody();
      loop.getInductionVar().replaceAllUsesWith(
          parallel.getInductionVars().front());
      serial->getTerminator()->erase();
      body->getOperations().splice(body->getTerminator()->getIterator(),
                                   serial->getOperations());
      loop.erase();
      ++numParallel;
    }
  }
};

} // namespace
