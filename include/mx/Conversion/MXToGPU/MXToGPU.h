//===- MXToGPU.h - mx Q/DQ as parallel loops over blocks --------*- C++ -*-===//
//
// Part of mx-opt. The first step of the GPU lowering: quantize, dequantize
// and fake quantization become scf.forall loops over tiles of quantization
// blocks on tensors (one tile per GPU thread later), whose bodies are the CPU
// lowering's numerics applied to one tile. The loops bufferize, run on the
// CPU (scf.forall lowered to loops) and map to GPU blocks and threads.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOGPU_MXTOGPU_H
#define MX_CONVERSION_MXTOGPU_MXTOGPU_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace mx {

#define GEN_PASS_DECL_CONVERTMXTOPARALLELBLOCKS
#define GEN_PASS_DECL_MXEXPANDROUNDING
#define GEN_PASS_DECL_MXPREPAREGPUBUFFERS
#define GEN_PASS_DECL_CONVERTMXTCGEN05TONVVM
#define GEN_PASS_DECL_CONVERTMXWARPMMATONVVM
#define GEN_PASS_DECL_MXMAPWARPKERNELS
#define GEN_PASS_DECL_MXGPUBUFFERALIGNMENT
#define GEN_PASS_DECL_MXGPUHOSTSHAREDBUFFERS
#include "mx/Conversion/Passes.h.inc"

/// What the NVVM packed conversions of a chip can do.
struct GPUChipInfo {
  /// cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 (sm_89 and later, PTX 7.8).
  bool f8x2 = false;
  /// cvt.rn.satfinite.{e2m1x2,e2m3x2,e3m2x2}.f32 (sm_100a / sm_101a /
  /// sm_120a family-specific targets, PTX 8.6).
  bool f4f6x2 = false;
  /// mma.sync m16n8k32 with e4m3/e5m2 operands (sm_89 and later, PTX 8.4).
  bool f8MMA = false;
  /// The block-scaled mma.sync (kind::mxf8f6f4 ... block_scale ... ue8m0,
  /// nvvm.mma.block_scale): sm_120a / sm_120f / sm_121a, PTX 8.7.
  bool blockScaleMMA = false;
};

/// Parses a chip name such as "sm_90" or "sm_100a". Returns std::nullopt when
/// it is not of the form sm_<number>[a|f].
std::optional<GPUChipInfo> parseGPUChip(llvm::StringRef chip);

/// How the element conversions of the block kernels are emitted.
enum class BlockConversion {
  /// The integer numerics of mx/Support/Numerics.h (every format, every
  /// rounding mode; what the CPU runs).
  Integer,
  /// The packed-pair kernel structure with NVVM cvt instructions where the
  /// chip has them for the format (round to nearest even, satfinite).
  NVVM,
  /// The packed-pair kernel structure with the integer numerics in place of
  /// the cvt instructions: runs on the CPU, to test everything around them.
  EmulatedPairs,
};

/// Adds the patterns that lower mx.fake_quant and mx.dequantize(mx.quantize)
/// pairs to scf.forall loops over block tiles.
void populateMXToParallelBlocksPatterns(mlir::RewritePatternSet &patterns,
                                        GPUChipInfo chip,
                                        BlockConversion conversion);

/// The warp kernels of quantization (MXToGPU.cpp "Warp kernels"): blocks of
/// E8M0-scaled 8-bit or 4-bit elements along the last axis, one GPU lane per
/// pair of elements, the block maximum reduced with gpu.shuffle xor over the
/// blockSize / 2 lanes of a block.
struct WarpQuantOptions {
  /// Use the warp kernels where they apply (other blocks keep the tile
  /// kernels).
  bool enabled = false;
  /// Build them for the CPU: a warp's lanes as vector<32> values and each
  /// shuffle as a vector.shuffle with the same lane permutation.
  bool emulate = false;
  /// MXFP8 tiles get `scale_layout = #mx.warp_scale_layout<m16n8k32_x1>`
  /// (the block-scaled mma.sync of sm_120a applies the scales).
  bool blockScaleLayout = false;
};

/// As above, with the warp kernels of `warp`.
void populateMXToParallelBlocksPatterns(mlir::RewritePatternSet &patterns,
                                        GPUChipInfo chip,
                                        BlockConversion conversion,
                                        WarpQuantOptions warp);

/// Adds the pattern that lowers a 2-D mx.contract whose operands have
/// tensor-core tiles (mx.warp_mma) to an scf.forall over 16x8 output tiles
/// and the 32 lanes of a warp (mapped to GPU blocks and threads), calling
/// mx.warp_mma per 32-long K slice (WarpMatmul.cpp). A 1:N storage
/// conversion pattern; it has precedence over the loop lowering of
/// mx.contract.
void populateMXContractToWarpTilesPatterns(mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);

/// Adds the pattern that lowers a matmul mx.contract of MXFP8 (e4m3 / e5m2)
/// or MXFP4 operands to an scf.forall over 128 x 32 CTA tiles and their 128
/// threads (mapped to GPU blocks and threads), each thread computing its
/// row with mx.tcgen05_mma over the whole K (TCGen05.cpp; the sm_100a
/// block-scaled MMA). Benefit 4: before the warp tiles.
void populateMXContractToTCGen05TilesPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// Registers the bufferization of mx.tcgen05_mma (its memref form writes
/// `init`).
void registerTCGen05BufferizationModel(mlir::DialectRegistry &registry);

/// How the warp tiles of populateMXContractToWarpTilesPatterns read their
/// operands.
struct WarpTileStaging {
  /// Blocks of 2 x 2 warps (32 x 16 outputs, 128 threads) that stage the
  /// A and B code tiles and scale slices of each K step in one buffer per
  /// block (bufferization.alloc_tensor + materialize_in_destination; in
  /// #gpu.address_space<workgroup> unless `emulate`), the warps' fragments
  /// read from it. mx-map-warp-kernels makes the staging buffers workgroup
  /// attributions and the copies cooperative (all threads, gpu.barrier
  /// before and after). Off: one warp per block, fragments from global
  /// memory.
  bool enabled = false;
  /// The staging buffers in the default memory space (the CPU test path:
  /// every iteration of the loop copies the whole tile for itself).
  bool emulate = false;
  /// MXFP8 tiles get `scale_layout = #mx.warp_scale_layout<m16n8k32_x1>`
  /// (the block-scaled mma.sync of sm_120a applies the scales).
  bool blockScaleLayout = false;
};

/// As above, with staging.
void populateMXContractToWarpTilesPatterns(mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns,
                                           WarpTileStaging staging);

/// Adds the pattern that lowers mx.warp_mma to fragment loads and mma.sync
/// for `chip` (WarpMatmul.cpp).
void populateMXWarpMMAToNVVMPatterns(mlir::RewritePatternSet &patterns,
                                     GPUChipInfo chip);

/// Adds patterns that replace math.roundeven, math.round and math.trunc on
/// f32 (scalars and vectors) by exact integer/f32 arithmetic, for targets
/// whose LLVM conversion would call a library (libdevice).
void populateMXExpandRoundingPatterns(mlir::RewritePatternSet &patterns);

} // namespace mx

#endif // MX_CONVERSION_MXTOGPU_MXTOGPU_H
