//===- CopyDuplicateResults.cpp - One buffer per returned tensor ----------===//
//
// Part of mx-opt. See the description of mx-copy-duplicate-results in
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mx {
#define GEN_PASS_DEF_MXCOPYDUPLICATERESULTS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

struct MXCopyDuplicateResultsPass
    : mx::impl::MXCopyDuplicateResultsBase<MXCopyDuplicateResultsPass> {
  void runOnOperation() override {
    bool changed = false;
    getOperation().walk([&](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        if (seen.insert(v).second)
          continue;
        if (auto type = dyn_cast<RankedTensorType>(v.getType())) {
          // (A copy takes its sizes from the copied tensor.)
          auto copy = bufferization::AllocTensorOp::create(
              b, ret.getLoc(), type, /*dynamicSizes=*/ValueRange(),
              /*copy=*/v);
          operand.set(copy);
          changed = true;
          continue;
        }
        // After bufferization: two distinct tensors can bufferize in place
        // to one buffer (a result and the buffer of an op that overwrote it
        // elementwise). Statically shaped buffers are the ones
        // buffer-results-to-out-params hoists (and would erase twice).
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type || !type.hasStaticShape())
          continue;
        Value copy = memref::AllocOp::create(b, ret.getLoc(), type);
        memref::CopyOp::create(b, ret.getLoc(), v, copy);
        operand.set(copy);
        changed = true;
      }
    });
    // Unchanged IR needs no verification (the pass manager skips it when
    // all analyses are preserved).
    if (!changed)
      markAllAnalysesPreserved();
  }
};

} // namespace
