//===- Passes.td - mx conversions --------------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_PASSES_TD
#define MX_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMXToVector : Pass<"convert-mx-to-vector"> {
  let summary = "Lower mx fake quantization to vectorized loops on tensors";
  let description = [{
    Lowers `mx.fake_quant`, and `mx.dequantize` of an `mx.quantize` whose
    result has no other use, to `scf.for` loops over vector tiles with the
    format's numerics written as integer `arith` operations (no floating
    point `log2`): bit-exact shared exponents for every scale rule, every
    rounding mode, saturation, element subnormals, zero and NaN blocks,
    partial last blocks.

    Block formats with the block along the last axis process one block per
    `vector<K x f32>` tile (a horizontal reduction gives the block maximum);
    blocks along another axis use `vector<K x 16 x f32>` tiles whose 16
    columns are independent blocks. Per-tensor and per-channel INT8 make a
    reduction pass and then an elementwise pass.

    Before:
    ```mlir
    %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<64x256xf32>
    ```
    After (abridged):
    ```mlir
    %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %empty) -> (tensor<64x256xf32>) {
      %s = scf.for %blk = %c0 to %c8 step %c1 iter_args(%a = %acc) -> (tensor<64x256xf32>) {
        %v = vector.transfer_read %x[%i, %off], %pad {in_bounds = [true]} : tensor<64x256xf32>, vector<32xf32>
        %bits = arith.bitcast %v : vector<32xf32> to vector<32xi32>
        %amax = vector.multi_reduction <maxui>, %abs, %c0_i32 [0] : vector<32xi32> to i32
        ...
        %w = vector.transfer_write %q, %a[%i, %off] {in_bounds = [true]} : vector<32xf32>, tensor<64x256xf32>
        scf.yield %w : tensor<64x256xf32>
      }
      scf.yield %s : tensor<64x256xf32>
    }
    ```
    Ops it cannot lower get an error that says why, and the pass fails.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertMXToParallelBlocks : Pass<"convert-mx-to-parallel-blocks"> {
  let summary = "Lower mx quantization to parallel loops over block tiles "
                "(the first step of the GPU lowering)";
  let description = [{
    Lowers `mx.fake_quant`, `mx.dequantize` of an `mx.quantize` with no other
    use, `mx.quantize` and `mx.dequantize` to `scf.forall` loops on tensors
    with one iteration per tile of quantization blocks (one block for block
    formats whose block size divides the axis, with two or four columns when
    sub-byte elements are packed along another axis; one channel for
    per-channel INT8; one row for INT8 with a static scale; the whole tensor
    when the scale depends on all of it: dynamic per-tensor INT8, NVFP4).
    The body of an iteration is the CPU lowering (`convert-mx-to-vector`)
    applied to its tile, so the numerics are the CPU's bit for bit; the
    storage parts and function signatures follow the same ABI
    (docs/Formats.md). The loops bufferize and map to GPU blocks and threads
    (`--mx-lower-to-nvvm`), or run on the CPU after `scf.forall` becomes
    loops (`--mx-lower-to-llvm` does this).

    With `chip=sm_89` or later, blocks of f8 elements (round to nearest even,
    block along the last axis) are converted by pairs with
    `nvvm.convert.f32x2.to.f8x2` (`cvt.rn.satfinite.e4m3x2.f32`); with
    `sm_100a`-family chips also f4 and f6 elements
    (`nvvm.convert.f32x2.to.f4x2` / `f6x2`). `emulate-pairs` builds the same
    kernels with the integer conversion in place of the NVVM operations, so
    the CPU can check everything around them.

    Example:
    ```mlir
    %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<64x256xf32>
    ```
    becomes (abridged)
    ```mlir
    %y = scf.forall (%t) in (512) shared_outs(%o = %empty) -> (tensor<64x256xf32>) {
      %i:2 = affine.delinearize_index %t into (64, 8) : index, index
      %tile = tensor.extract_slice %x[%i#0, %off] [1, 32] [1, 1]
      ... (the numerics of one block)
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %r into %o[%i#0, %off] [1, 32] [1, 1]
      }
    }
    ```
    Dynamic shapes and unresolved static quantizations are errors.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "GPU chip (sm_90, sm_100a, ...) whose packed NVVM conversions "
           "to use; empty: integer code only">,
    Option<"emulatePairs", "emulate-pairs", "bool", /*default=*/"false",
           "Build the packed-pair kernels with integer conversions (CPU "
           "test path of the NVVM kernels)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def MXExpandRounding : Pass<"mx-expand-rounding"> {
  let summary = "Exact arithmetic for math.roundeven, math.round, "
                "math.trunc, arith.maxnumf and arith.minnumf on f32";
  let description = [{
    Replaces `math.roundeven`, `math.round` and `math.trunc` on f32 scalars
    and vectors with exact bit and f32 arithmetic, for targets whose LLVM
    conversion turns them into library calls (`convert-gpu-to-nvvm` maps
    them to libdevice functions, which would have to be linked). Round to
    nearest even adds and subtracts 2^23 (exact in round-to-nearest-even
    f32 arithmetic for magnitudes below 2^23); truncation clears the fraction
    bits; rounding half away from zero truncates and adds one when the
    (exact) remainder is at least one half. NaN, infinities, signed zeros
    and integers above 2^23 pass through unchanged. (Upstream's
    `math-expand-ops` rounds 0.49999997 to 1.0, so it is not used.)
    `arith.maxnumf` / `arith.minnumf` on f32 (libdevice `fmaxf` / `fminf`
    in `convert-gpu-to-nvvm`) become a compare and selects with IEEE
    maxNum / minNum semantics (a NaN operand gives the other operand).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def MXPrepareGPUBuffers : Pass<"mx-prepare-gpu-buffers", "::mlir::func::FuncOp"> {
  let summary = "Make the buffers of parallel block loops fit for GPU kernels";
  let description = [{
    Runs after bufferization, before parallel loops become GPU kernels.
    Inside `scf.forall` loops (one iteration per GPU thread) a
    `memref.alloc` of static shape becomes a `memref.alloca` (thread-private
    memory; a kernel cannot call malloc) and `memref.copy` becomes a
    sequential `scf.for` nest of loads and stores (the LLVM lowering of
    `memref.copy` calls a host runtime function).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // MX_CONVERSION_PASSES_TD
