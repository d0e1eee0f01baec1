//===- SplitDeallocs.cpp - Deallocations without alias checks -------------===//
//
// Part of mx-opt. See the description of mx-split-deallocs in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "mx-split-deallocs"

namespace mx {
#define GEN_PASS_DEF_MXSPLITDEALLOCS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

struct MXSplitDeallocsPass
    : mx::impl::MXSplitDeallocsBase<MXSplitDeallocsPass> {
  void runOnOperation() override {
    SmallVector<bufferization::DeallocOp> deallocs;
    getOperation().walk(
        [&](bufferization::DeallocOp op) { deallocs.push_back(op); });
    bool changed = false;
    for (bufferization::DeallocOp op : deallocs) {
      if (!op.getRetained().empty() || op.getMemrefs().empty())
        continue;
      llvm::SmallPtrSet<Value, 16> seen;
      bool trivial = true;
      for (auto [memref, cond] :
           llvm::zip(op.getMemrefs(), op.getConditions())) {
        auto alloc = memref.getDefiningOp<memref::AllocOp>();
        if (!alloc || alloc->getBlock() != op->getBlock() ||
            !matchPattern(cond, m_One()) || !seen.insert(memref).second) {
          trivial = false;
          break;
        }
      }
      if (!trivial)
        continue;
      OpBuilder b(op);
      for (Value memref : op.getMemrefs())
        memref::DeallocOp::create(b, op.getLoc(), memref);
      op.erase();
      ++numSplit;
      changed = true;
    }
    // Unchanged IR needs no verification (the pass manager skips it when
    // all analyses are preserved).
    if (!changed)
      markAllAnalysesPreserved();
  }
};

} // namespace
