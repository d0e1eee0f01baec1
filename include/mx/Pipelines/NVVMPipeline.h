//===- NVVMPipeline.h - --mx-lower-to-nvvm ----------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PIPELINES_NVVMPIPELINE_H
#define MX_PIPELINES_NVVMPIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mx {

/// Options of --mx-lower-to-nvvm.
/// The tensor-core instruction of MXFP8 / MXFP4 matmuls (option `mma`).
enum class NVVMMatmulInstruction { Auto, TCGen05, MMASync };

struct MXLowerToNVVMOptions
    : public mlir::PassPipelineOptions<MXLowerToNVVMOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("Target chip (sm_80, sm_89, sm_90, sm_100a, ...)"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("Target features (the PTX version). Empty: the chip's "
                     "default, +ptx86 for the sm_100a family, +ptx84 for "
                     "sm_89 to sm_90 (f8 mma.sync), +ptx80 below"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu.binary format: isa (PTX text), bin (cubin, needs "
                     "ptxas) or fatbin"),
      llvm::cl::init("isa")};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads per GPU block (one tile of quantization "
                     "blocks per thread)"),
      llvm::cl::init(128)};
  PassOptions::Option<int64_t> optLevel{
      *this, "opt-level",
      llvm::cl::desc("LLVM optimization level of the kernels"),
      llvm::cl::init(3)};
  PassOptions::Option<bool> nvvmConversions{
      *this, "nvvm-conversions",
      llvm::cl::desc("Use the chip's packed cvt instructions for f8 (and "
                     "sm_100a f4) elements"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Lower 2-D mx.contract ops with tensor-core formats "
                     "(INT8, MXINT8, MXFP8, MXFP4) to warp tiles and "
                     "mma.sync"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> warpReductions{
      *this, "warp-reductions",
      llvm::cl::desc("Quantize E8M0 blocks of 8-/4-bit elements along the "
                     "last axis with warp kernels (one lane per element "
                     "pair, block maximum by gpu.shuffle xor)"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> bufferAlignment{
      *this, "buffer-alignment",
      llvm::cl::desc("Byte alignment of every buffer the host functions take "
                     "(the caller's) or allocate, which the kernels assume "
                     "(wide loads and stores; cudaMalloc aligns to 256). 0: "
                     "no assumption"),
      llvm::cl::init(16)};
  PassOptions::Option<bool> stageTiles{
      *this, "stage-tiles",
      llvm::cl::desc("Tensor-core matmuls in blocks of 2x2 warps that stage "
                     "each K step's code tiles and scale slices in shared "
                     "memory (cooperative copies, bar.sync); false: one "
                     "warp per block, fragments loaded from global memory"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> hostShared{
      *this, "host-shared",
      llvm::cl::desc("Allocate the host functions' own buffers that kernels "
                     "use (intermediate results) with gpu.alloc host_shared "
                     "(cuMemAllocManaged in the CUDA runtime wrappers) and "
                     "free them with gpu.dealloc; false: malloc, which the "
                     "GPU can access only with HMM"),
      llvm::cl::init(true)};
  PassOptions::Option<NVVMMatmulInstruction> mma{
      *this, "mma",
      llvm::cl::desc("Tensor-core instruction of MXFP8 / MXFP4 matmuls: "
                     "auto (tcgen05 on sm_100a / sm_101a, else mma-sync), "
                     "tcgen05 (the block-scaled tcgen05.mma with E8M0 scales "
                     "in tensor memory; PTX 8.8), mma-sync (warp tiles, "
                     "scales applied in f32)"),
      llvm::cl::init(NVVMMatmulInstruction::Auto),
      llvm::cl::values(
          clEnumValN(NVVMMatmulInstruction::Auto, "auto", "by chip"),
          clEnumValN(NVVMMatmulInstruction::TCGen05, "tcgen05",
                     "tcgen05.mma.block_scale"),
          clEnumValN(NVVMMatmulInstruction::MMASync, "mma-sync",
                     "mma.sync warp tiles"))};
};

/// Whether `options` lower MXFP8 / MXFP4 matmuls to the block-scaled
/// tcgen05 MMA (mma=tcgen05, or auto on sm_100a / sm_101a).
bool usesTCGen05(const MXLowerToNVVMOptions &options);

/// The default target features of `chip` (see MXLowerToNVVMOptions).
std::string defaultNVVMFeatures(llvm::StringRef chip);

/// Appends the passes that take tensor-level IR with mx, func, linalg,
/// tensor, arith and math ops to host code in the LLVM dialect that launches
/// kernels with gpu.launch_func (the ABI of upstream's CUDA runtime
/// wrappers) and a gpu.binary of `format` for `chip`.
void buildMXLowerToNVVMPipeline(mlir::OpPassManager &pm,
                                const MXLowerToNVVMOptions &options);

/// Registers --mx-lower-to-nvvm.
void registerMXNVVMPipeline();

} // namespace mx

#endif // MX_PIPELINES_NVVMPIPELINE_H
