//===- NVVMPipeline.cpp - --mx-lower-to-nvvm ------------------------------===//
//
// Part of mx-opt. Tensor-level IR with mx ops to host code that launches
// NVVM kernels (gpu.launch_func) and a gpu.binary:
//   mx ops -> scf.forall over block tiles (convert-mx-to-parallel-blocks)
//   -> one-shot bufferization -> scf.parallel (linalg ops too) -> tiled
//   into GPU blocks x threads -> gpu.launch -> outlined gpu.func kernels
//   -> NVVM (exact rounding without libdevice) -> PTX / cubin / fatbin.
//
//===----------------------------------------------------------------------===//

#include "mx/Pipelines/NVVMPipeline.h"
#include "mx/Conversion/Passes.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Pipelines/Common.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

void mx::buildMXLowerToNVVMPipeline(OpPassManager &pm,
                                    const MXLowerToNVVMOptions &options) {
  // Tensor level: mx ops become parallel loops over tiles of blocks.
  pm.addPass(mx::createMXExportEntryPoints());
  ConvertMXToParallelBlocksOptions blocks;
  if (options.nvvmConversions)
    blocks.chip = options.chip;
  blocks.tensorCores = options.tensorCores;
  blocks.stageTiles = options.stageTiles;
  blocks.warpReductions = options.warpReductions;
  bool tcgen05 = options.tensorCores && usesTCGen05(options);
  blocks.tcgen05 = tcgen05;
  // The tcgen05 kernels use `.block32` (PTX 8.8).
  std::string features = !options.features.empty()
                             ? std::string(options.features)
                         : tcgen05 ? std::string("+ptx88")
                                   : mx::defaultNVVMFeatures(options.chip);
  unsigned ptx = 0;
  if (size_t at = features.find("+ptx"); at != std::string::npos)
    llvm::StringRef(features).substr(at + 4, 2).getAsInteger(10, ptx);
  // MXFP8 tiles on the block-scaled mma.sync (sm_120a family, PTX 8.7).
  std::optional<mx::GPUChipInfo> chipInfo = mx::parseGPUChip(options.chip);
  blocks.mmaScaleLayout = options.tensorCores && chipInfo &&
                          chipInfo->blockScaleMMA && (ptx == 0 || ptx >= 87);
  pm.addNestedPass<func::FuncOp>(mx::createConvertMXToParallelBlocks(blocks));
  if (options.tensorCores) {
    // Tensor-core tiles: fragment loads and mma.sync, while still on
    // tensors. f8 operands need PTX 8.4; with older features they take the
    // f16 path.
    ConvertMXWarpMMAToNVVMOptions warp;
    warp.chip = options.chip;
    warp.f8 = ptx == 0 || ptx >= 84;
    warp.blockScale = blocks.mmaScaleLayout;
    pm.addNestedPass<func::FuncOp>(mx::createConvertMXWarpMMAToNVVM(warp));
  }
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Buffers; results in caller-allocated buffers.
  mx::addFunctionBoundaryBufferization(pm);
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addNestedPass<func::FuncOp>(mx::createMXElideResultCopies());
  pm.addNestedPass<func::FuncOp>(mx::createMXPrepareGPUBuffers());
  pm.addNestedPass<func::FuncOp>(mx::createMXMapWarpKernels());

  // Parallel loops -> GPU blocks and threads -> kernels, then NVVM. The
  // upstream passes are composed textually: their option structs differ
  // between LLVM releases, the pipeline syntax does not.
  std::string gpu = llvm::formatv(
      "func.func(convert-linalg-to-parallel-loops,scf-forall-to-parallel,"
      "canonicalize,"
      "scf-parallel-loop-tiling{{parallel-loop-tile-sizes={0} "
      "no-min-max-bounds=true},"
      "gpu-map-parallel-loops,convert-parallel-loops-to-gpu,"
      "lower-vector-multi-reduction),"
      "gpu-launch-sink-index-computations,"
      "gpu-kernel-outlining,lower-affine,canonicalize,cse,"
      "gpu.module(convert-mx-tcgen05-to-nvvm,mx-expand-rounding,"
      "convert-vector-to-scf{{full-unroll=true target-rank=0},lower-affine,"
      "convert-scf-to-cf,convert-math-to-llvm,expand-strided-metadata,"
      "convert-vector-to-llvm),"
      "nvvm-attach-target{{chip={1} features={2} O={3}},"
      "mx-gpu-buffer-alignment{{alignment={5}},{6}"
      "gpu.module(convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,canonicalize,cse,"
      "reconcile-unrealized-casts),"
      "gpu-to-llvm,convert-scf-to-cf,lower-affine,expand-strided-metadata,"
      "finalize-memref-to-llvm,convert-to-llvm,reconcile-unrealized-casts,"
      "canonicalize,cse,gpu-module-to-binary{{format={4}}",
      options.threads.getValue(), options.chip.getValue(), features,
      options.optLevel.getValue(), options.format.getValue(),
      options.bufferAlignment.getValue(),
      options.hostShared ? "mx-gpu-host-shared-buffers," : "");
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(gpu, pm, os)))
    llvm::report_fatal_error(
        llvm::Twine("mx-lower-to-nvvm: bad GPU pass pipeline: ") + errors);
}

bool mx::usesTCGen05(const MXLowerToNVVMOptions &options) {
  if (options.mma == NVVMMatmulInstruction::TCGen05)
    return true;
  if (options.mma == NVVMMatmulInstruction::MMASync)
    return false;
  llvm::StringRef chip = options.chip.getValue();
  return chip == "sm_100a" || chip == "sm_101a";
}

std::string mx::defaultNVVMFeatures(llvm::StringRef chip) {
  bool familyOnly = false;
  unsigned version = 0;
  if (chip.consume_front("sm_")) {
    familyOnly = chip.ends_with("f");
    // The digits without the architecture (a) or family (f) suffix.
    if (!chip.consume_back("a"))
      chip.consume_back("f");
    chip.getAsInteger(10, version);
  }
  if (version >= 121 || (version == 120 && familyOnly))
    return "+ptx88"; // the minimum for sm_121 and sm_120f in LLVM 22
  if (version >= 120)
    return "+ptx87"; // the minimum for sm_120
  if (version >= 100)
    return "+ptx86";
  if (version >= 89)
    return "+ptx84";
  return "+ptx80";
}

void mx::registerMXNVVMPipeline() {
  PassPipelineRegistration<MXLowerToNVVMOptions>(
      "mx-lower-to-nvvm",
      "Lower tensor-level IR with mx ops to NVVM kernels in a gpu.binary "
      "and host code that launches them (gpu.launch_func)",
      buildMXLowerToNVVMPipeline);
}
