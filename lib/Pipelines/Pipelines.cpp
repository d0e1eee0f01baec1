//===- Pipelines.cpp - Named mx pipelines ---------------------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Pipelines/Pipelines.h"
#include "mx/Conversion/Passes.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Pipelines/Common.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Adds `pass` (op-agnostic, converting the ops of `dialects` only) so that
/// it runs only on the functions of the module (ops named `anchor`) that
/// contain ops of `dialects` (mx-on-functions-with): after outlining, most
/// functions are chains of calls that the pass would walk for nothing.
static void addOnFunctionsWith(OpPassManager &pm, StringRef anchor,
                               ArrayRef<std::string> dialects,
                               std::unique_ptr<Pass> pass) {
  OpPassManager nested(anchor);
  nested.addPass(std::move(pass));
  pm.addPass(mx::createMXOnFunctionsWith(dialects, std::move(nested)));
}

/// Adds `pass` (op-agnostic) so that it runs on every function of the
/// module except the call chains of outlined kernels
/// (mx-on-functions-with{skip-call-chains}): after bufferization these are
/// most of a model's ops, and canonicalization or expand-strided-metadata
/// has nothing to do in them.
static void addExceptCallChains(OpPassManager &pm, std::unique_ptr<Pass> pass) {
  OpPassManager nested(func::FuncOp::getOperationName());
  nested.addPass(std::move(pass));
  pm.addPass(mx::createMXOnFunctionsWith({}, std::move(nested),
                                         /*skipCallChains=*/true));
}

void mx::buildMXLowerToLLVMPipeline(OpPassManager &pm,
                                    const MXLowerToLLVMOptions &options) {
  if (options.cInterface)
    pm.addPass(mx::createMXExportEntryPoints());
  if (options.outlineKernels) {
    // Identical quantizations (of a shared weight, say) merge first, then
    // every mx op becomes a call of a kernel lowered once.
    pm.addPass(createCSEPass());
    pm.addPass(mx::createMXOutlineKernels());
  }
  ConvertMXToVectorOptions toVector;
  toVector.contractKernels = options.contractKernels;
  toVector.contractExact = options.contractExact;
  toVector.contractPrepack = options.contractPrepack;
  pm.addNestedPass<func::FuncOp>(mx::createConvertMXToVector(toVector));
  // Elementwise arith/math on whole tensors becomes linalg.generic so it
  // bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // One buffer per result (buffer-results-to-out-params crashes on a
  // buffer returned twice).
  pm.addNestedPass<func::FuncOp>(mx::createMXCopyDuplicateResults());

  // The canonicalization after it drops loop-carried memrefs that only
  // forward the buffer, so results are the allocations themselves and can
  // become the out-parameters.
  // mx::addFunctionBoundaryBufferization, with the call chains of
  // outlined kernels bufferized directly (mx-bufferize-call-chains).
  pm.addPass(mx::createMXBufferizeCallChains());
  addExceptCallChains(pm, createCanonicalizerPass());
  if (options.outParams) {
    // In-place bufferization can return one buffer for two distinct tensors
    // (buffer-results-to-out-params would erase its allocation twice).
    pm.addNestedPass<func::FuncOp>(mx::createMXCopyDuplicateResults());
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
    pm.addNestedPass<func::FuncOp>(mx::createMXElideResultCopies());
  }
  if (options.stream) {
    // Kernel arguments: the alignment their callers' buffers have.
    MXAlignKernelArgsOptions align;
    align.argAlignment = options.argAlignment;
    pm.addPass(mx::createMXAlignKernelArgs(align));
    MXStreamMemoryOptions stream;
    stream.prefetchDistance = options.prefetchDistance;
    stream.argAlignment = options.argAlignment;
    pm.addNestedPass<func::FuncOp>(mx::createMXStreamMemory(stream));
  }
  // bufferization::buildBufferDeallocationPipeline, with the deallocations
  // of plain allocations split before the simplification (whose alias
  // checks are quadratic in the buffers of a block).
  memref::ExpandReallocPassOptions expandRealloc;
  expandRealloc.emitDeallocs = false;
  pm.addPass(memref::createExpandReallocPass(expandRealloc));
  addExceptCallChains(pm, createCanonicalizerPass());
  pm.addPass(bufferization::createOwnershipBasedBufferDeallocationPass());
  // The canonicalization first: it folds the base-buffer extractions of
  // plain allocations, so mx-split-deallocs sees the allocations (the call
  // chains of outlined kernels then keep no bufferization.dealloc, and the
  // simplification runs only where one is left).
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(mx::createMXSplitDeallocs());
  addOnFunctionsWith(
      pm, func::FuncOp::getOperationName(), {"bufferization"},
      bufferization::createBufferDeallocationSimplificationPass());
  pm.addPass(bufferization::createLowerDeallocationsPass());
  pm.addPass(createCSEPass());
  addExceptCallChains(pm, createCanonicalizerPass());
  if (options.parallel == MXParallel::OpenMP) {
    // Loops the emitters marked parallel, without loop-carried values after
    // bufferization, become OpenMP work-sharing loops.
    pm.addNestedPass<func::FuncOp>(mx::createMXParallelizeLoops());
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = std::max<int64_t>(0, options.threads);
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
    // Inlines the memref.alloca_scope that wraps each loop body (the bodies
    // allocate nothing on the stack), which convert-scf-to-cf would
    // otherwise fill with blocks.
    pm.addPass(createCanonicalizerPass());
  }
  // The kernels' bodies to loops, one nested pipeline per function that is
  // not a call chain (in which none of these passes has anything to do,
  // and whose verification after each of them would cost per op of the
  // model).
  {
    OpPassManager kernels(func::FuncOp::getOperationName());
    // The tagged dot products of the avx512vnni contract kernels (after the
    // bufferization passes, which reject llvm.call_intrinsic).
    kernels.addPass(mx::createConvertMXVnniDots());
    // Parallel loops over block tiles (convert-mx-to-parallel-blocks, the
    // GPU lowering's first step) run as loops on the CPU.
    kernels.addPass(createForallToForLoopPass());
    kernels.addPass(createConvertLinalgToLoopsPass());
    kernels.addPass(vector::createLowerVectorMultiReductionPass());
    // Full unrolling: 2-D tiles become 1-D transfers, with no stack
    // temporaries (an alloca per tile inside a loop overflows the stack on
    // large tensors).
    VectorTransferToSCFOptions vectorToSCF;
    vectorToSCF.unroll = true;
    kernels.addPass(createConvertVectorToSCFPass(vectorToSCF));
    pm.addPass(mx::createMXOnFunctionsWith({}, std::move(kernels),
                                           /*skipCallChains=*/true));
  }
  StringRef func = func::FuncOp::getOperationName();
  addOnFunctionsWith(pm, func, {"affine"}, createLowerAffinePass());
  addOnFunctionsWith(pm, func, {"scf"}, createSCFToControlFlowPass());
  addExceptCallChains(pm, memref::createExpandStridedMetadataPass());
  // Subviews at loop-dependent offsets leave affine.apply behind.
  addOnFunctionsWith(pm, func, {"affine"}, createLowerAffinePass());
  addExceptCallChains(pm, createCanonicalizerPass());
  // The conversions of the kernels' bodies before finalize-memref-to-llvm
  // (upstream's test-lower-to-llvm order): the call chains of outlined
  // kernels are still a few memref ops per call here, and the checks of
  // mx-on-functions-with walk them cheaply (after the memref conversion
  // they are ten times larger).
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.x86Vector = options.x86Vector;
  vectorOptions.reassociateFPReductions = options.reassociateFPReductions;
  // The tiles of the amx contract kernels (no other code makes AMX ops).
  vectorOptions.amx = true;
  addOnFunctionsWith(pm, func, {"vector", "x86vector", "amx"},
                     createConvertVectorToLLVMPass(vectorOptions));
  addOnFunctionsWith(pm, func, {"math"}, createConvertMathToLLVMPass());
  addOnFunctionsWith(pm, func, {"arith"}, createArithToLLVMConversionPass());
  addOnFunctionsWith(pm, func, {"index"}, createConvertIndexToLLVMPass());
  addOnFunctionsWith(pm, func, {"ub"}, createUBToLLVMConversionPass());
  // Kernels take their buffers as bare pointers (one call operand per
  // buffer, not a descriptor's 5 + 2 x rank).
  if (options.barePtrKernels)
    pm.addPass(mx::createMXBarePtrKernels());
  // aligned_alloc: an aligned allocation is one call, not malloc plus the
  // pointer arithmetic that rounds its result up (a dozen ops per buffer
  // in the call chains of outlined kernels).
  // finalize-memref-to-llvm{use-aligned-alloc}, convert-func-to-llvm and
  // convert-cf-to-llvm as one dialect conversion (one walk of the module).
  pm.addPass(mx::createMXFinalizeToLLVM());
  if (options.parallel == MXParallel::OpenMP)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mx::buildMXQuantizePipeline(OpPassManager &pm,
                                 const MXQuantizePipelineOptions &options) {
  MXQuantizeOptions quantize;
  quantize.format = options.format;
  quantize.weightFormat = options.weightFormat;
  quantize.blockSize = options.blockSize;
  quantize.rounding = options.rounding;
  quantize.scaleRule = options.scaleRule;
  quantize.activations = options.activations;
  pm.addPass(mx::createMXQuantize(quantize));
  if (options.propagate)
    pm.addPass(mx::createMXPropagate());
  if (options.fuse)
    pm.addPass(mx::createMXFuse());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mx::registerMXPipelines() {
  PassPipelineRegistration<MXQuantizePipelineOptions>(
      "mx-quantize-pipeline",
      "Quantize the weighted ops of a model (mx-quantize), move the "
      "dequantizations (mx-propagate) and clean up",
      buildMXQuantizePipeline);
  PassPipelineRegistration<MXLowerToLLVMOptions>(
      "mx-lower-to-llvm",
      "Lower tensor-level IR with mx ops to the LLVM dialect (mx Q/DQ to "
      "vectorized loops, one-shot bufferization, LLVM conversion)",
      buildMXLowerToLLVMPipeline);
}
