//===- BufferAlignment.cpp - mx-gpu-buffer-alignment ----------------------===//
//
// Part of mx-opt. Gives host buffers a known alignment and tells the GPU
// kernels about it (memref.assume_alignment on their memref arguments), so
// that the adjacent byte stores and f32 loads of a warp-kernel lane become
// one wide access in PTX.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToGPU/MXToGPU.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MathExtras.h"

namespace mx {
#define GEN_PASS_DEF_MXGPUBUFFERALIGNMENT
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

struct MXGPUBufferAlignmentPass
    : mx::impl::MXGPUBufferAlignmentBase<MXGPUBufferAlignmentPass> {
  using Base::Base;
  void runOnOperation() override {
    if (alignment == 0)
      return;
    if (!llvm::isPowerOf2_32(alignment)) {
      emitError(getOperation()->getLoc())
          << "mx-gpu-buffer-alignment: alignment "
          << static_cast<unsigned>(alignment) << " is not a power of two";
      return signalPassFailure();
    }
    // Host allocations: at least `alignment` bytes.
    getOperation()->walk([&](memref::AllocOp alloc) {
      if (alloc->getParentOfType<gpu::GPUModuleOp>())
        return;
      std::optional<uint64_t> have = alloc.getAlignment();
      if (!have || *have < alignment)
        alloc.setAlignment(static_cast<unsigned>(alignment));
    });
    // Kernels: every identity-layout memref argument is `alignment`-aligned.
    getOperation()->walk([&](gpu::GPUFuncOp func) {
      if (!func.isKernel() || func.isExternal())
        return;
      // Workgroup buffers (the staged tiles of the tensor-core matmul):
      // the shared-memory globals get `alignment` bytes (llvm.align), so
      // a lane's four consecutive codes can be one 32-bit ld.shared.
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        func.setWorkgroupAttributionAttr(
            i, LLVM::LLVMDialect::getAlignAttrName(),
            IntegerAttr::get(IntegerType::get(func.getContext(), 64),
                             static_cast<int64_t>(alignment)));
      OpBuilder b = OpBuilder::atBlockBegin(&func.front());
      // The function's arguments only (not the workgroup / private
      // attributions that follow them in the entry block).
      for (BlockArgument arg : func.getArguments().take_front(
               func.getFunctionType().getNumInputs())) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        if (!type || !type.getLayout().isIdentity() || arg.use_empty())
          continue;
        auto assumed = memref::AssumeAlignmentOp::create(
            b, arg.getLoc(), arg, static_cast<unsigned>(alignment));
        arg.replaceAllUsesExcept(assumed.getResult(), assumed);
      }
    });
  }
};

} // namespace
