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
    `mx.contract` (from `--mx-fuse`) becomes `linalg.generic` ops on the
    storage parts of its operands: an i32 contraction for INT8 with scales
    constant along the reduction, an f32 contraction that decodes E8M0
    codes in its body for MXFP8 / MXINT8 / MXFP4, and a contraction over
    the dequantized operand for the other formats; then one elementwise
    epilogue (scales, bias, residual, clamp) and the quantization of a
    quantized result.

    Ops it cannot lower get an error that says why, and the pass fails.

    With `contract-kernels` other than `none`, an `mx.contract` in matmul
    form (`(b?, m, k) x (b?, k, n) -> (b?, m, n)`) becomes a packed,
    register-blocked kernel instead (docs/Lowering.md, "Kernels for
    mx.contract"): an integer kernel with 8-bit dot products and 32-bit
    sums for INT8, MXINT8 and MXFP4 (`amx`: AMX tiles, tdpbssd;
    `avx512vnni`: vpdpbusd; `generic`: target-independent vector ops;
    `auto`: the host's), an f32 kernel on
    the decoded operands for every other format. `contract-exact` keeps
    to kernels whose results are bit-identical to the unfused graph.
  }];
  let options = [
    Option<"contractKernels", "contract-kernels", "std::string",
           /*default=*/"\"none\"",
           "Kernels for mx.contract in matmul form: none, generic, "
           "avx512vnni, amx or auto (the host CPU's)">,
    Option<"contractExact", "contract-exact", "bool", /*default=*/"false",
           "Use only contract kernels whose results are bit-identical to "
           "the unfused graph (no integer kernel for MXINT8 / MXFP4)">,
    Option<"contractPrepack", "contract-prepack", "bool", /*default=*/"true",
           "Pack a constant right-hand operand (weight) of a contract kernel "
           "at compile time into the kernel's layout (constants tagged "
           "mx.packed_layout) instead of on every call">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    // The AMX contract kernels (tiles on buffers).
    "::mlir::amx::AMXDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertMXVnniDots : Pass<"convert-mx-vnni-dots"> {
  let summary = "Make the tagged 8-bit dot products of contract kernels vpdpbusd";
  let description = [{
    The `avx512vnni` kernels of `convert-mx-to-vector` write each 8-bit dot
    product (groups of 4 unsigned bytes times 4 signed bytes, summed into
    an i32 lane) in its target-independent form, `arith.extui` /
    `arith.extsi`, `arith.muli`, `vector.shape_cast` to 16x4 and a
    `vector.multi_reduction <add>` tagged `mx.vnni_dot`. This pass, run
    after bufferization (which rejects `llvm.call_intrinsic`, an op with
    unknown memory effects), replaces each tagged chain by one
    `llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"`. A chain changed
    on the way stays in its generic form, with a warning.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

//===----------------------------------------------------------------------===//
// Calibration observers (mx-calibrate)
//===----------------------------------------------------------------------===//

def ConvertMXObserveToRuntime
    : Pass<"convert-mx-observe-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Lower mx.observe to calls of the calibration runtime";
  let description = [{
    Replaces every `mx.observe` by a call of the C function
    `mx_calibration_observe_f32(id, axis, channels, inner, memref<?xf32>)`
    implemented in the mx runtime (`include/mx/Runtime/CalibrationRuntime.h`):
    the tensor is flattened (`tensor.collapse_shape`, C order); `id` numbers
    the observed names in order of first appearance, and the module gets
    `mx.calibration_tensors = [names]` so that id `i` is the `i`-th name.
    With a `channel_axis`, `axis` is it, `channels` that dimension and
    `inner` the product of the dimensions after it (element `e` of the flat
    tensor is in channel `(e / inner) % channels`); otherwise `axis` is -1
    and the others 0. The runtime
    function is declared with `bufferization.access = "read"`: it only
    reads the tensor, so bufferization neither copies nor reorders it.

    ```mlir
    mx.observe %x {name = "a"} : tensor<8x64xf32>
    // becomes
    %f = tensor.collapse_shape %x [[0, 1]] : tensor<8x64xf32> into tensor<512xf32>
    %c = tensor.cast %f : tensor<512xf32> to tensor<?xf32>
    func.call @mx_calibration_observe_f32(%c0_i64, %cm1_i64, %c0_i64, %c0_i64, %c) : (i64, i64, i64, i64, tensor<?xf32>) -> ()
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// Interop with upstream quant and TOSA (issue 4)
//===----------------------------------------------------------------------===//

def MXImportQuant : Pass<"mx-import-quant"> {
  let summary = "Upstream quant.qcast / dcast / scast to mx Q/DQ";
  let description = [{
    Rewrites the explicit quantize/dequantize IR of upstream `quant` (what
    ONNX QDQ and TensorRT-style front ends produce) into mx ops with the
    standard numerics: `q = clamp(round_half_even(x / s) + zp, qmin, qmax)`
    (upstream's own `lower-quant-ops` truncates instead).

    | upstream | mx |
    |----------|----|
    | `!quant.uniform<i8:f32, s>` | `!mx.q<int8>`, `static_scales = dense<s> : tensor<f32>` |
    | `!quant.uniform<i8:f32, s:zp>` | `!mx.q<#mx.format<int8, zero_point = true>>` + `static_zero_points` |
    | `!quant.uniform<u8:f32, s:zp>` | `elem = ui8` (codes 0..255, the same bytes) |
    | `!quant.uniform<i8:f32:a, {s0, s1, ...}>` | `granularity = channel`, `axis = a`, scales `[C]` |
    | `!quant.uniform<i8:f32:{a:k, ...}, {...}>` | `block = k` along the dimension with the largest block; the constant scales expanded to one per block and row (exact: static scales are elementwise) |
    | `quant.qcast` / `quant.dcast` | `mx.quantize` (static scales) / `mx.dequantize` |
    | `quant.scast` int -> quantized / back | `mx.assemble` (constant scales) / `mx.disassemble` |

    A quantized value is imported when it comes from `quant.qcast` or
    `quant.scast` and every use is `quant.dcast` or `quant.scast`. What
    cannot be represented is left alone with a remark that says why:
    storage other than 8 bits, a narrowed storage range such as
    `i8<-127:127>`, an expressed type other than f32/f16/bf16, dynamic sizes
    along a quantized axis, quantized values crossing function boundaries or
    reaching other ops.

    Before:
    ```mlir
    %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
    %y = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
    ```
    After:
    ```mlir
    %q = mx.quantize %x {static_scales = dense<5.000000e-01> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
    %y = mx.dequantize %q : tensor<4x!mx.q<int8>> -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mx::MXDialect"
  ];
  let statistics = [
    Statistic<"numImported", "imported", "Quantized values imported">,
    Statistic<"numLeft", "left", "Upstream quant ops left alone">
  ];
}

def MXExportQuant : Pass<"mx-export-quant"> {
  let summary = "mx Q/DQ with static INT8 scales to upstream quant";
  let description = [{
    The inverse of `--mx-import-quant` where upstream can represent it: an
    `mx.quantize` with static scales (`static_scale` or `static_scales`) of
    an INT8 format with the default rounding becomes `quant.qcast` to the
    matching `!quant.uniform` type (per tensor, per axis, or sub-channel
    with block size 1 on the other dimensions); its `mx.dequantize` users
    become `quant.dcast`; `mx.assemble` with constant scales and
    `mx.disassemble` become `quant.scast`. Everything else stays, with a
    remark that says why: scales computed from the data at run time
    (MX block formats, dynamic INT8), unresolved calibration, rounding modes
    upstream cannot express, uses by other ops.

    Upstream's `quant` ops mean the same values, but its lowering
    (`lower-quant-ops`) truncates where mx rounds half to even: lower the
    exported IR with mx (`--mx-import-quant` again) to keep the numbers.
  }];
  let dependentDialects = [
    "::mlir::quant::QuantDialect"
  ];
  let statistics = [
    Statistic<"numExported", "exported", "Quantized values exported">,
    Statistic<"numLeft", "left", "mx quantizations left alone">
  ];
}

def MXImportTosa : Pass<"mx-import-tosa"> {
  let summary = "TOSA 1.1 block-scaled casts and matmul to mx";
  let description = [{
    TOSA 1.1's `tosa.cast_to_block_scaled`, `tosa.cast_from_block_scaled`
    and `tosa.matmul_t_block_scaled` verify upstream but have no lowering.
    This pass imports them so they compile and run through mx:

    * `tosa.cast_to_block_scaled %x` becomes `mx.quantize %x` to the MX
      format of its data type (`f8E4M3FN` -> `mxfp8_e4m3`, `f8E5M2` ->
      `mxfp8_e5m2`, `f6E3M2FN` -> `mxfp6_e3m2`, `f6E2M3FN` -> `mxfp6_e2m3`,
      `f4E2M1FN` -> `mxfp4_e2m1`) with TOSA's block size along the last
      axis and E8M0 scales: the OCP MX numerics of the preset (floor scale
      rule, round half to even, saturation);
    * `tosa.cast_from_block_scaled` of its data and scale becomes
      `mx.dequantize`;
    * `tosa.matmul_t_block_scaled` of two such pairs becomes a float
      `linalg.batch_matmul` with B transposed
      (`indexing_maps` `(n, h, c)`, `(n, w, c)`, `(n, h, w)`) of the two
      `mx.dequantize` results, the form Q/DQ fusion consumes.

    A cast is imported only when its data and scale are used together, as
    one operand pair of those ops (TOSA's separate data and scale tensors
    have no mx form of their own); everything else stays, with a remark
    that says why.

    Before:
    ```mlir
    %d, %s = tosa.cast_to_block_scaled %x {block_size = BLOCK_SIZE_32} : (tensor<2x64xf32>) -> (tensor<2x64xf8E4M3FN>, tensor<2x2xf8E8M0FNU>)
    %y = tosa.cast_from_block_scaled %d, %s {block_size = BLOCK_SIZE_32} : (tensor<2x64xf8E4M3FN>, tensor<2x2xf8E8M0FNU>) -> tensor<2x64xf32>
    ```
    After:
    ```mlir
    %q = mx.quantize %x : tensor<2x64xf32> -> tensor<2x64x!mx.q<mxfp8_e4m3, axis = 1>>
    %y = mx.dequantize %q : tensor<2x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<2x64xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mx::MXDialect"
  ];
  let statistics = [
    Statistic<"numImported", "imported", "Block-scaled casts imported">
  ];
}

//===----------------------------------------------------------------------===//
// GPU lowering (issue 7)
//===----------------------------------------------------------------------===//

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
           "test path of the NVVM kernels)">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"false",
           "Lower 2-D mx.contract ops whose formats have tensor-core tiles "
           "to warp tiles (mx.warp_mma) instead of per-element loops">,
    Option<"warpReductions", "warp-reductions", "bool", /*default=*/"false",
           "Quantize and fake-quantize E8M0 blocks of 8- and 4-bit elements "
           "along the last axis with one GPU lane per element pair and the "
           "block maximum from gpu.shuffle xor (warp kernels)">,
    Option<"emulateWarps", "emulate-warps", "bool", /*default=*/"false",
           "Build the warp kernels of warp-reductions for the CPU: the 32 "
           "lanes of a warp as vector<32> lanes, each shuffle a "
           "vector.shuffle with the same xor lane permutation">,
    Option<"stageTiles", "stage-tiles", "bool", /*default=*/"false",
           "With tensor-cores: blocks of 2x2 warps staging each K step's A "
           "and B code tiles and scale slices in workgroup memory (shared "
           "by the warps; mx-map-warp-kernels makes the copies "
           "cooperative); off: one warp per block reading global memory">,
    Option<"emulateSharedMemory", "emulate-shared-memory", "bool",
           /*default=*/"false",
           "Build the staged warp tiles with their buffers in the default "
           "memory space (CPU test path of stage-tiles)">,
    Option<"mmaScaleLayout", "mma-scale-layout", "bool", /*default=*/"false",
           "With tensor-cores: MXFP8 warp tiles carry scale_layout = "
           "#mx.warp_scale_layout<m16n8k32_x1> (the block-scaled mma.sync "
           "of sm_120a applies the E8M0 scales; --mx-lower-to-nvvm sets it "
           "for sm_120a/sm_120f/sm_121a)">,
    Option<"tcgen05", "tcgen05", "bool", /*default=*/"false",
           "With tensor-cores: matmuls of MXFP8 (e4m3 / e5m2) and MXFP4 "
           "operands become 128 x 32 CTA tiles of mx.tcgen05_mma (the "
           "sm_100a block-scaled MMA) instead of warp tiles">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
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

//===----------------------------------------------------------------------===//
// GPU tensor cores (issue 7)
//===----------------------------------------------------------------------===//

def ConvertMXWarpMMAToNVVM : Pass<"convert-mx-warp-mma-to-nvvm"> {
  let summary = "Lower mx.warp_mma to fragment loads and mma.sync";
  let description = [{
    Each `mx.warp_mma` (one lane's share of a 16x8 output tile and a 32-long
    K slice) becomes the lane's fragment loads from the code tiles
    (`tensor.extract`, four codes per 32-bit register in the `mma.sync`
    layouts), one tensor-core instruction and the f32 application of the
    E8M0 block scales of the slice to its four results:

    | operands | instruction | chips |
    |----------|-------------|-------|
    | INT8, MXINT8 | `nvvm.mma.sync` m16n8k32 s8 -> s32 | sm_80 and later |
    | MXFP8 with `scale_layout` | `nvvm.mma.block_scale` m16n8k32 `kind::mxf8f6f4` `scale_vec::1X` `ue8m0`: the scales applied by the tensor core, each lane passing its scale registers of the layout, the accumulator as C | sm_120a, sm_120f, sm_121a (PTX 8.7) |
    | MXFP8 (e4m3 / e5m2) | `mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32` (inline PTX: MLIR 22's `nvvm.mma.sync` has no dense f8 kind) | sm_89 and later (PTX 8.4) |
    | other MX floats (MXFP4; MXFP8 before sm_89) | elements decoded to f16 (exact), two `nvvm.mma.sync` m16n8k16 f16 -> f32 | sm_80 and later |

    Runs on tensors, before bufferization (the tiles bufferize to loads from
    the operands' buffers).

    ```mlir
    %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>),
           %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>,
                          b_format = #mx.format<mxfp8_e4m3>}
         : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
    ```
    becomes (abridged)
    ```mlir
    %a0 = vector.bitcast %bytes0 : vector<4xi8> to vector<1xi32>  // (g, 4t..4t+3)
    ...
    %r = llvm.inline_asm "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 ..."
    %d0 = arith.addf %acc0, (%r0 * 2^(sa[g] - 127) * 2^(sb[2t] - 127))
    ```
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "GPU chip (sm_80, sm_89, sm_90, sm_100a, ...)">,
    Option<"f8", "f8", "bool", /*default=*/"true",
           "Use the f8 mma.sync where the chip has it (needs PTX 8.4: false "
           "for older target features)">,
    Option<"blockScale", "block-scale", "bool", /*default=*/"true",
           "Lower mx.warp_mma with a scale_layout to the block-scaled "
           "mma.sync (nvvm.mma.block_scale; needs PTX 8.7 and sm_120a, "
           "sm_120f or sm_121a); false: such ops are an error">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertMXTCGen05ToNVVM : Pass<"convert-mx-tcgen05-to-nvvm"> {
  let summary = "Lower mx.tcgen05_mma (memref form, in a gpu.func) to the "
                "sm_100a block-scaled tcgen05 MMA";
  let description = [{
    Each bufferized `mx.tcgen05_mma` in a `gpu.func` (row = `gpu.thread_id
    x`, 128 threads) becomes the CTA's tcgen05 program (docs/GPU.md
    "Block-scaled MMA on sm_100a"): warp 0 allocates tensor memory
    (`nvvm.tcgen05.alloc`, `relinquish_alloc_permit`), thread 0 initialises
    an mbarrier; per K step (32 bytes of codes per row: K = 32 for
    kind::mxf8f6f4, 64 for kind::mxf4) each thread copies its row of A and
    B into shared memory in the K-major core-matrix layout (8 x 16-byte core
    matrices, no swizzle) and, every 16 scale blocks, its row of the scale
    chunk images (`scale_layout = "tmem_lane_row"`); after
    `fence.proxy.async.shared::cta` and a barrier, thread 0 issues
    `nvvm.tcgen05.cp` (128x128b, the scale chunks into tensor memory),
    `nvvm.tcgen05.mma.block_scale` (`.block32`, shared-memory descriptors
    from `nvvm.tcgen05.mma_smem_desc`, the step's scale column and ids in
    the instruction descriptor) and `nvvm.tcgen05.commit` to the mbarrier,
    on which every thread waits. Then `nvvm.tcgen05.ld` (32x32b) of the
    thread's row, stored to `init`, and `nvvm.tcgen05.dealloc`. The
    workgroup buffers are new workgroup attributions of the `gpu.func`.
    Needs PTX 8.8 (`.block32`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def MXMapWarpKernels : Pass<"mx-map-warp-kernels", "::mlir::func::FuncOp"> {
  let summary = "GPU-mapped scf.forall loops (warp kernels) to gpu.launch";
  let description = [{
    Runs after bufferization. An `scf.forall` whose dimensions all carry
    `#gpu.block<x|y|z>` or `#gpu.thread<x|y|z>` mappings (static bounds
    from 0, step 1; the warp tiles of `convert-mx-to-parallel-blocks
    {tensor-cores}`) becomes a `gpu.launch` with those grid and block sizes,
    its induction variables the block and thread ids. The generic
    parallel-loop tiling of `--mx-lower-to-nvvm` would otherwise cut the 32
    lanes of a warp apart.

    The staging buffers of `stage-tiles` (a `memref.alloc` in
    `#gpu.address_space<workgroup>` inside the loop, statically shaped,
    written by `memref.copy` ops that copy the same tile in every thread)
    become workgroup attributions of the launch, and each copy a
    cooperative one: `gpu.barrier`, thread `i` of the block copies elements
    `i`, `i + threads`, ... (flattened row-major), `gpu.barrier`. A copy
    under thread-dependent control flow, or whose source depends on the
    thread id, is an error (the buffer would not hold one tile).
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def MXGPUHostSharedBuffers : Pass<"mx-gpu-host-shared-buffers",
                                   "::mlir::ModuleOp"> {
  let summary = "Host buffers passed to GPU kernels become gpu.alloc "
                "host_shared (managed memory)";
  let description = [{
    Runs after `gpu-kernel-outlining`, before `gpu-to-llvm`. A host
    `memref.alloc` (outside `gpu.module`s, static shape, identity layout)
    whose buffer reaches a `gpu.launch_func` operand, directly or through
    view-like ops (`memref.expand_shape`, `collapse_shape`, `subview`,
    `cast`, ...), becomes `gpu.alloc host_shared`: upstream's CUDA runtime
    wrappers allocate it with `cuMemAllocManaged`, so the kernels can use it
    on any GPU (a plain `malloc` is device-accessible only with HMM) and
    host code can still read it. Its `memref.dealloc`s become
    `gpu.dealloc`; a buffer allocated in a function's entry block that
    escapes neither through `func.return` nor a call (the intermediate
    buffers between kernels after `buffer-results-to-out-params`, which had
    no deallocation) is freed with `gpu.dealloc` before each return
    (`gpu.launch_func` without async tokens waits for the kernel).
    Buffers of the caller (function arguments) are not touched: they must
    be device-accessible already (docs/GPU.md).
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def MXGPUBufferAlignment : Pass<"mx-gpu-buffer-alignment"> {
  let summary = "Align host buffers and tell GPU kernels their buffers' "
                "alignment";
  let description = [{
    Runs after `gpu-kernel-outlining` on memrefs, after the kernels' last
    canonicalization before `convert-gpu-to-nvvm` (the assumptions have no
    uses once `expand-strided-metadata` has looked through them: they must
    not be folded away before they become `llvm.intr.assume`). Host
    `memref.alloc` ops
    (outside `gpu.module`s) get at least `alignment` bytes of alignment,
    and each kernel argument of a `gpu.func` that is a memref with the
    identity layout (offset 0) is replaced by a `memref.assume_alignment`
    of `alignment` bytes at the kernel's entry. Buffers passed by the caller
    of the host functions must then be `alignment`-aligned (cudaMalloc's are
    256-byte aligned): that is part of the ABI of `--mx-lower-to-nvvm`.
    LLVM then knows the alignment of each access (address = base + a
    multiple of the access' width), so adjacent accesses of a lane merge:
    a warp-kernel lane's two code bytes become one 16-bit store
    (`st.global.b16`), its two f32 elements one `ld.global.v2` / `st.global.v2`.
    0 disables the pass.
  }];
  let options = [
    Option<"alignment", "alignment", "unsigned", /*default=*/"16",
           "Byte alignment of every buffer (a power of two; 0: nothing)">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // MX_CONVERSION_PASSES_TD
