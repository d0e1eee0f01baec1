//===- ElideResultCopies.cpp - Write results into out-parameters ----------===//
//
// Part of mx-opt. See the description of mx-elide-result-copies in
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

#define DEBUG_TYPE "mx-elide-result-copies"

namespace mx {
#define GEN_PASS_DEF_MXELIDERESULTCOPIES
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

bool isContiguousStatic(MemRefType t) {
  return t.hasStaticShape() && t.getLayout().isIdentity();
}

/// The allocation `v` is a chain of reshapes of, or null.
memref::AllocOp reshapedAlloc(Value v) {
  while (true) {
    if (auto alloc = v.getDefiningOp<memref::AllocOp>())
      return alloc;
    if (auto c = v.getDefiningOp<memref::CollapseShapeOp>())
      v = c.getSrc();
    else if (auto e = v.getDefiningOp<memref::ExpandShapeOp>())
      v = e.getSrc();
    else
      return {};
    if (!isContiguousStatic(cast<MemRefType>(v.getType())))
      return {};
  }
}

struct MXElideResultCopiesPass
    : mx::impl::MXElideResultCopiesBase<MXElideResultCopiesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    bool changed = false;
    for (memref::CopyOp copy : copies) {
      auto dst = dyn_cast<BlockArgument>(copy.getTarget());
      if (!dst || dst.getOwner() != &func.getBody().front() || !dst.hasOneUse())
        continue;
      auto dstType = cast<MemRefType>(dst.getType());
      auto srcType = cast<MemRefType>(copy.getSource().getType());
      memref::AllocOp alloc = reshapedAlloc(copy.getSource());
      if (!alloc || !isContiguousStatic(dstType) ||
          !isContiguousStatic(srcType) || srcType != dstType ||
          alloc->getBlock() != copy->getBlock())
        continue;
      MemRefType allocType = alloc.getType();
      if (!isContiguousStatic(allocType) ||
          allocType.getElementType() != dstType.getElementType() ||
          allocType.getNumElements() != dstType.getNumElements() ||
          allocType.getMemorySpace() != dstType.getMemorySpace())
        continue;
      // The allocation becomes a view of the out-parameter with the same
      // (row-major) element order.
      OpBuilder b(alloc);
      auto view = memref::ReinterpretCastOp::create(
          b, alloc.getLoc(), allocType, dst, /*offset=*/0, allocType.getShape(),
          computeStrides(allocType.getShape()));
      MX_DEBUG(llvm::dbgs()
               << "writing " << alloc << " into " << dst << " directly\n");
      alloc.replaceAllUsesWith(view.getResult());
      alloc.erase();
      copy.erase();
      ++numElided;
      changed = true;
    }
    // Unchanged IR needs no verification (the pass manager skips it when
    // all analyses are preserved).
    if (!changed)
      markAllAnalysesPreserved();
  }
};

} // namespace
