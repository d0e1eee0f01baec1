//===- HostBuffers.cpp - mx-gpu-host-shared-buffers -----------------------===//
//
// Part of mx-opt. Host buffers that GPU kernels use are allocated with
// gpu.alloc host_shared (managed memory through upstream's CUDA runtime
// wrappers) instead of malloc, and freed with gpu.dealloc.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToGPU/MXToGPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mx {
#define GEN_PASS_DEF_MXGPUHOSTSHAREDBUFFERS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// Whether the buffer `v` (or a view of it) is an operand of a
/// gpu.launch_func; `escapes` is set when it (or a view) is returned or
/// passed to a call.
bool reachesKernel(Value v, bool &escapes) {
  bool kernel = false;
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<gpu::LaunchFuncOp>(user))
      kernel = true;
    else if (isa<func::ReturnOp, func::CallOp, CallOpInterface>(user))
      escapes = true;
    else if (auto view = dyn_cast<ViewLikeOpInterface>(user);
             view && view.getViewSource() == v)
      for (Value r : user->getResults())
        kernel |= reachesKernel(r, escapes);
  }
  return kernel;
}

struct MXGPUHostSharedBuffersPass
    : mx::impl::MXGPUHostSharedBuffersBase<MXGPUHostSharedBuffersPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation()->walk([&](memref::AllocOp alloc) {
      if (!alloc->getParentOfType<gpu::GPUModuleOp>() &&
          !alloc->getParentOfType<gpu::LaunchOp>())
        allocs.push_back(alloc);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocOp alloc : allocs) {
      bool escapes = false;
      if (!reachesKernel(alloc.getResult(), escapes))
        continue;
      MemRefType type = alloc.getType();
      if (!type.getLayout().isIdentity() || type.getMemorySpace()) {
        alloc.emitOpError("a host buffer passed to a GPU kernel needs the "
                          "identity layout and the default memory space");
        return signalPassFailure();
      }
      Location loc = alloc.getLoc();
      rewriter.setInsertionPoint(alloc);
      auto shared = gpu::AllocOp::create(
          rewriter, loc, type, /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange{}, alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/rewriter.getUnitAttr());
      // gpu-to-llvm lowers only asynchronous gpu.dealloc (one dependency):
      // gpu.wait async, gpu.dealloc async, gpu.wait.
      auto free = [&](Location at) {
        Type token = gpu::AsyncTokenType::get(&getContext());
        Value ready =
            gpu::WaitOp::create(rewriter, at, token, ValueRange{}).getResult(0);
        Value done =
            gpu::DeallocOp::create(rewriter, at, token, ValueRange{ready},
                                   shared.getMemref())
                .getAsyncToken();
        gpu::WaitOp::create(rewriter, at, Type(), ValueRange{done});
      };
      bool freed = false;
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
          rewriter.setInsertionPoint(dealloc);
          free(dealloc.getLoc());
          rewriter.eraseOp(dealloc);
          freed = true;
        }
      auto func = dyn_cast<func::FuncOp>(alloc->getParentOp());
      if (!freed && !escapes && func &&
          alloc->getBlock() == &func.getBody().front())
        func.walk([&](func::ReturnOp ret) {
          rewriter.setInsertionPoint(ret);
          free(loc);
        });
      rewriter.replaceOp(alloc, shared.getMemref());
    }
  }
};

} // namespace
