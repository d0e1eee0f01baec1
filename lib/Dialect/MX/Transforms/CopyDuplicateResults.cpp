//===- CopyDuplicateResults.cpp - One buffer per returned tensor ----------===//
//
// Part of mx-opt. See the description of mx-copy-duplicate-results in
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (!type || seen.insert(v).second)
          continue;
        // (A copy takes its sizes from the copied tensor.)
        auto copy = bufferization::AllocTensorOp::create(
            b, ret.getLoc(), type, /*dynamicSizes=*/ValueRange(), /*copy=*/v);
        operand.set(copy);
      }
    });
  }
};

} // namespace
