//===- MXOps.td - mx dialect operations --------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXOPS_TD
#define MX_DIALECT_MX_IR_MXOPS_TD

include "mx/Dialect/MX/IR/MXTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Static scales: dense f32 values in the shape of the scales part.
def MX_F32ElementsAttr : FloatElementsAttr<32> {
  let storageType = [{ ::mlir::DenseFPElementsAttr }];
  let returnType = [{ ::mlir::DenseFPElementsAttr }];
}

def MX_QuantizeOp : MX_Op<"quantize", [Pure]> {
  let summary = "Quantize a float tensor";
  let description = [{
    Quantizes `input` to the format and axis of the result's element type.
    Block scales are computed from the data at run time by the format's
    scale rule; elements are rounded with the format's rounding mode and
    saturate at the element's largest finite value. The shapes of input and
    result must agree. Folders and canonicalizations never remove a
    quantize/dequantize round trip: it is lossy.

    Static per-tensor scales (INT8 activations calibrated offline): a
    quantization with `calibration = "NAME"` takes its scale from
    `static_scale` instead of the data. `NAME` is the tensor's stable name in
    calibration tables. Until `static_scale` is set (by `--mx-infer-scales`)
    the op is *unresolved*, and lowering it fails with an error that names
    the tensor.

    Formats with a per-tensor f32 scale (`tensor_scale = true`: NVFP4, or an
    MX format with a pre-scale) take `calibration` and `static_scale` too:
    `static_scale` is then the tensor scale s_t (the first level of the
    two-level scheme), used instead of the one computed from the tensor's
    absolute maximum; the block scales are still computed from the data.
    Values beyond the calibrated range saturate (docs/Formats.md,
    "Two-level formats").

    Static scales of any INT8 granularity (per tensor, per channel, per
    block; imported from upstream `!quant.uniform` by `--mx-import-quant`):
    `static_scales` holds the scales part of the result exactly as it is
    stored (the storage layout of docs/Formats.md: rank 0 per tensor, `[C]`
    per channel, the data shape with the axis divided by the block size per
    block), and `static_zero_points` the zero-point part (i32, the same
    shape), present exactly when the format has `zero_point = true`. The
    codes are then `clamp(round(x / s) + zp, qmin, qmax)` with the format's
    rounding (round half to even by default). `static_scale = S` is the
    per-tensor shorthand written by `--mx-infer-scales`; the two forms
    exclude each other.

    ```mlir
    %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>>
    %a = mx.quantize %y {calibration = "mlp:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
    %b = mx.quantize %y {calibration = "mlp:in0", static_scale = 0.0213 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
    %t = mx.quantize %y {calibration = "mlp:in0", static_scale = 0.0025 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
    %c = mx.quantize %w {static_scales = dense<[0.5, 0.25]> : tensor<2xf32>,
                         static_zero_points = dense<[0, 3]> : tensor<2xi32>}
        : tensor<2x4xf32> -> tensor<2x4x!mx.q<#mx.format<int8, granularity = channel, zero_point = true>, axis = 0>>
    ```
  }];
  let arguments = (ins MX_FloatTensor:$input,
                       OptionalAttr<StrAttr>:$calibration,
                       OptionalAttr<F32Attr>:$static_scale,
                       OptionalAttr<MX_F32ElementsAttr>:$static_scales,
                       OptionalAttr<I32ElementsAttr>:$static_zero_points);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mx::QuantizedType getQuantizedType() {
      return ::mlir::cast<::mx::QuantizedType>(getResult().getType().getElementType());
    }
    /// True for a static quantization whose scale is not known yet.
    bool isUnresolved() {
      return getCalibration() && !getStaticScale() && !getStaticScales();
    }
    /// True when the scales are compile-time constants (either form).
    bool hasStaticScales() { return getStaticScale() || getStaticScales(); }
  }];
}

def MX_DequantizeOp : MX_Op<"dequantize", [Pure]> {
  let summary = "Dequantize a quantized tensor to float";
  let description = [{
    Decodes every element of `input` to `element * scale` exactly (the
    decoded values of all formats are representable in f32) and converts
    the result to the result's float element type.

    ```mlir
    %x = mx.dequantize %q : tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input);
  let results = (outs MX_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mx::QuantizedType getQuantizedType() {
      return ::mlir::cast<::mx::QuantizedType>(getInput().getType().getElementType());
    }
  }];
}

def MX_FakeQuantOp : MX_Op<"fake_quant", [Pure, SameOperandsAndResultType]> {
  let summary = "Quantize then dequantize in one op";
  let description = [{
    Equivalent to `mx.dequantize(mx.quantize(input))` with the given format
    along `axis`: the result has the input's type and holds the values the
    quantized tensor decodes to. `format` is a `#mx.format` attribute or a
    preset name as a string (expanded to the full attribute when parsed);
    `axis` is the block (or channel) axis and defaults to the last
    dimension. It is ignored by per-tensor formats.

    An f32 constant input (`dense<...>` or `dense_resource<...>`) folds to
    the fake-quantized constant, computed with the same numerics as the
    compiled code.

    ```mlir
    %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
    %z = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, scale_rule = rceil>} : tensor<64x256xf32>
    ```
  }];
  let arguments = (ins MX_FloatTensor:$input, MX_FormatAttr:$format,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs MX_FloatTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The block (or channel) axis: `axis` if present, else the last dim.
    int64_t getBlockAxis();
    /// The quantized element type this op rounds through.
    ::mx::QuantizedType getQuantizedType();
  }];
}

//===----------------------------------------------------------------------===//
// Quantized compute ops (produced by --mx-fuse)
//===----------------------------------------------------------------------===//

def MX_ContractOp : MX_Op<"contract", [Pure, AttrSizedOperandSegments]> {
  let summary = "Contraction of two quantized tensors with a fused epilogue";
  let description = [{
    A matmul, batch matmul, convolution or any other contraction (a
    `linalg.generic` whose body multiplies its two inputs and adds to the
    output) applied directly to two quantized tensors, followed by an
    optional epilogue:

    ```
    acc[out(d)]    = sum over the reduction dims of  value(lhs[lhs(d)]) * value(rhs[rhs(d)])
    result[out(d)] = clamp(acc + bias[bias_map(d)] + residual[out(d)], clamp_min, clamp_max)
    ```

    `indexing_maps` holds the maps of `lhs`, `rhs` and the result (as in
    `linalg.generic`; strided and dilated convolutions are affine maps such
    as `d1 * 2 + d4`), `iterator_types` says which loop dimensions are
    `"parallel"` and which `"reduction"`. `value(x)` is the element's
    dequantized value; the operands' storage (codes and scales) is read
    directly, no dequantized copy exists.

    Accumulation (see docs/Quantization.md, "Fusion"):
    * Formats with power-of-two block scales (MX, MXINT8, MX9/6/4) and f32
      accumulation: each product of two element values is exact in f32, and
      the products are accumulated in the order of the loop dimensions, the
      order of the unfused `linalg` op on dequantized operands.
    * INT8 whose scales are constant along the reduction (per-tensor
      activations, per-output-channel weights): `(q_a - zp_a) * (q_b - zp_b)`
      is accumulated exactly in i32 and multiplied by the two scales once;
      the unfused f32 computation rounds every partial sum, so the two agree
      within the f32 rounding of the sum.

    The result is f32, or a quantized tensor: then the f32 result is
    quantized as `mx.quantize` would (`output_scale` is the static scale of
    a calibrated INT8 output; requantization).

    Static output scales of any INT8 granularity (`output_scales`, and
    `output_zero_points` exactly when the result format has
    `zero_point = true`) mean what `static_scales` / `static_zero_points`
    mean on `mx.quantize`: the scales part of the result as it is stored
    (rank 0 per tensor, `[C]` per channel), and the result's codes are
    `clamp(round_half_even(result / s) + zp, qmin, qmax)`, bit for bit the
    codes of `mx.quantize` on the f32 result. They exclude `output_scale`.

    Padding (`lhs_pad_low`, `lhs_pad_high`, one entry per lhs dimension):
    the lhs is read as if it were padded with elements of value +0.0, as
    `tensor.pad` with `0.0` would pad its dequantized values; the lhs map
    indexes the padded tensor (a TOSA `conv2d` with `pad`). The quantization
    axis (and the packed last dimension of 4- and 6-bit formats) is not
    padded.

    `bias_init`: the accumulator starts at the bias instead of +0.0 and the
    products are added to it (`linalg` convolutions that TOSA lowers with
    the broadcast bias as their output), so the f32 additions happen in
    that order; without it the bias is added after the sum.

    ```mlir
    %c = mx.contract %a, %b bias(%bias : tensor<64xf32>) {
           indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                            affine_map<(m, n, k) -> (k, n)>,
                            affine_map<(m, n, k) -> (m, n)>],
           iterator_types = ["parallel", "parallel", "reduction"],
           bias_map = affine_map<(m, n, k) -> (n)>, clamp_min = 0.0 : f32}
         : tensor<8x256x!mx.q<mxfp8_e4m3, axis = 1>>,
           tensor<256x64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<8x64xf32>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$lhs, MX_QuantizedTensor:$rhs,
                       Optional<MX_FloatTensor>:$bias,
                       Optional<MX_FloatTensor>:$residual,
                       AffineMapArrayAttr:$indexing_maps,
                       StrArrayAttr:$iterator_types,
                       OptionalAttr<AffineMapAttr>:$bias_map,
                       OptionalAttr<F32Attr>:$clamp_min,
                       OptionalAttr<F32Attr>:$clamp_max,
                       OptionalAttr<F32Attr>:$output_scale,
                       OptionalAttr<MX_F32ElementsAttr>:$output_scales,
                       OptionalAttr<I32ElementsAttr>:$output_zero_points,
                       OptionalAttr<DenseI64ArrayAttr>:$lhs_pad_low,
                       OptionalAttr<DenseI64ArrayAttr>:$lhs_pad_high,
                       UnitAttr:$bias_init);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`residual` `(` $residual^ `:` type($residual) `)`)?
    attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mx::QuantizedType getLhsQuantizedType() {
      return ::mlir::cast<::mx::QuantizedType>(getLhs().getType().getElementType());
    }
    ::mx::QuantizedType getRhsQuantizedType() {
      return ::mlir::cast<::mx::QuantizedType>(getRhs().getType().getElementType());
    }
    ::mlir::RankedTensorType getResultType() {
      return ::mlir::cast<::mlir::RankedTensorType>(getResult().getType());
    }
    /// The quantized element type of the result, or null for a float result.
    ::mx::QuantizedType getResultQuantizedType() {
      return ::mlir::dyn_cast<::mx::QuantizedType>(getResultType().getElementType());
    }
    /// Whether the lhs is read through padding (lhs_pad_low / lhs_pad_high).
    bool hasLhsPadding() {
      auto nonZero = [](std::optional<::llvm::ArrayRef<int64_t>> p) {
        return p && ::llvm::any_of(*p, [](int64_t v) { return v != 0; });
      };
      return nonZero(getLhsPadLow()) || nonZero(getLhsPadHigh());
    }
    /// Whether loop dimension `d` is a reduction.
    bool isReductionDim(unsigned d) {
      return ::mlir::cast<::mlir::StringAttr>(getIteratorTypes()[d]).getValue() == "reduction";
    }
  }];
}

//===----------------------------------------------------------------------===//
// Interop: a quantized tensor from and to its storage parts (issue 4).
// Used by --mx-import-quant (quant.scast), --mx-import-tosa and
// --mx-export-quant. Kept apart from the compute and data-movement ops.
//===----------------------------------------------------------------------===//

def MX_AssembleOp : MX_Op<"assemble", [Pure]> {
  let summary = "Build a quantized tensor from its storage parts";
  let description = [{
    The inverse of `mx.disassemble`: `parts` are the storage parts of the
    result in the order and with the types of the storage layout
    (docs/Formats.md): packed data, scales, then microexponents, tensor
    scale and zero points when the format has them. No value changes; the
    lowering forwards the parts (the 1:N storage conversion).
    `quant.scast` of an integer tensor imports to it, with the type's
    constant scales as `arith.constant` parts.

    ```mlir
    %q = mx.assemble %codes, %scales : tensor<2x4xi8>, tensor<2xf32>
        -> tensor<2x4x!mx.q<#mx.format<int8, granularity = channel>, axis = 0>>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$parts);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat =
      "$parts attr-dict `:` type($parts) `->` type($result)";
  let hasVerifier = 1;
}

def MX_DisassembleOp : MX_Op<"disassemble", [Pure]> {
  let summary = "The storage parts of a quantized tensor";
  let description = [{
    Returns the storage parts of `input` (data, scales, then
    microexponents, tensor scale and zero points when the format has them),
    with the types of the storage layout (docs/Formats.md). No value
    changes. `quant.scast` to an integer tensor imports to its first
    result.

    ```mlir
    %codes, %scales = mx.disassemble %q
        : tensor<2x4x!mx.q<#mx.format<int8, granularity = channel>, axis = 0>>
        -> tensor<2x4xi8>, tensor<2xf32>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input);
  let results = (outs Variadic<AnyRankedTensor>:$parts);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($parts)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Ops on quantized tensors (Q/DQ propagation, issue 4)
//
// What --mx-propagate builds when it moves a dequantization past an upstream
// op that verifies its element types. Each op works on the element codes and
// keeps the scales; its dequantized result equals the upstream op applied to
// the dequantized input, bit for bit.
//===----------------------------------------------------------------------===//

def MX_TransposeOp : MX_Op<"transpose", [Pure]> {
  let summary = "Permute the dimensions of a quantized tensor";
  let description = [{
    Permutes dimensions as `linalg.transpose` does: result dimension `d` is
    input dimension `permutation[d]`. Codes move with their scales: the quantization axis of
    the result is the position of the input's axis in `permutation` (a block
    or channel axis is renumbered, which a transpose of the element type
    alone could not express). Per-tensor formats have no axis.

    Sub-byte elements are packed along the last dimension, so for 4- and
    6-bit formats the permutation must keep the last dimension last.

    ```mlir
    %t = mx.transpose %q permutation = [1, 0] : tensor<64x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<32x64x!mx.q<mxfp8_e4m3, axis = 0>>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def MX_ClampOp : MX_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "Clamp quantized values at zero (relu and its mirror)";
  let description = [{
    Elementwise on the codes, keeping every scale: with `min = 0.0` each
    element decodes to `arith.maximumf(x, 0.0)` of the value `x` it decoded
    to (relu); with `max = 0.0` to `arith.minimumf(x, 0.0)`; with both, to
    the clamp. NaN propagates (a NaN element code stays, a NaN scale stays),
    `-0.0` becomes `+0.0` under `min = 0.0`, as `arith.maximumf` does.

    Only the bound 0.0 is allowed: zero is exactly representable in every
    format whatever the runtime scale (code 0, or the zero point), while
    any other bound would need a code that decodes to it exactly.

    INT8 per tensor also takes other finite bounds: the codes are clamped
    at the code each bound quantizes to under the tensor's scale and zero
    point (`clamp(round(b / s) + zp, qmin, qmax)`, as `mx.quantize`
    rounds). That is clamping the decoded values at the bound when the
    bound is a multiple of the scale; `--mx-propagate` builds such clamps
    only for static scales, where it is exact (docs/Quantization.md).

    On codes: two's complement integers (INT8, MXINT8) take the signed
    maximum with 0, asymmetric INT8 the unsigned maximum with its zero
    point; sign-magnitude codes (OCP floats, the MX9/MX4 family) with the
    sign bit set become +0 unless they are NaN. 6-bit packed formats are
    not supported.

    ```mlir
    %r = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input,
                       OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def MX_MaxPoolOp : MX_Op<"max_pool", [Pure]> {
  let summary = "2-D max pooling of a quantized NHWC tensor";
  let description = [{
    The maximum over each `kernel` window (with `strides` and `dilations`,
    no padding) of an NHWC tensor, as `linalg.pooling_nhwc_max` with an
    initial value of -inf, computed on the codes: for INT8 formats (f32
    scale, per tensor or per channel along the channel dimension 3) every
    element of a window shares one positive scale and decoding is monotone
    in the code, so the largest code decodes to the largest value. Block
    formats are rejected: a window spans blocks with different scales.

    ```mlir
    %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x16x!mx.q<int8>> -> tensor<1x4x4x16x!mx.q<int8>>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def MX_PadOp : MX_Op<"pad", [Pure]> {
  let summary = "Zero-pad a quantized tensor";
  let description = [{
    Pads `input` with `low[d]` elements before and `high[d]` after each
    dimension `d`, as `tensor.pad` with the padding value +0.0 does. The new
    elements hold the code of +0.0 (the zero point of asymmetric INT8, code
    0 otherwise). Existing blocks keep their scales; blocks made only of
    padding get the scale `mx.quantize` gives an all-zero block, and the
    last partial block along the block axis is extended in place (zeros do
    not change its maximum). Scales per tensor are unchanged.

    Storage constraints (checked by the verifier): along the block axis
    `low` is a multiple of the block size; along the packed last dimension
    of 4- and 6-bit formats `low` is a multiple of the packing group (2 or
    4) and the input ends on a group boundary unless `high` is 0; a
    per-channel axis is not padded; zero points only per tensor.

    ```mlir
    %p = mx.pad %q low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x6x6x16x!mx.q<int8>>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input,
                       DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `low` `=` $low `high` `=` $high attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Why a tensor of `shape` quantized as `type` cannot be stored padded
    /// by `low` / `high` (empty when it can).
    static std::string checkPadding(::mx::QuantizedType type,
                                    ::llvm::ArrayRef<int64_t> shape,
                                    ::llvm::ArrayRef<int64_t> low,
                                    ::llvm::ArrayRef<int64_t> high);
  }];
}

def MX_BroadcastOp : MX_Op<"broadcast", [Pure]> {
  let summary = "Broadcast a quantized tensor along new dimensions";
  let description = [{
    As `linalg.broadcast`: the result has the input's dimensions plus the
    new dimensions listed in `dimensions` (indices into the result), along
    which every element is repeated. Codes are repeated with their scales:
    a block or channel axis is renumbered to its position in the result
    (blocks stay whole because the axis is copied entire).

    For 4- and 6-bit formats the last dimension of the result must be the
    input's last dimension (the codes are packed along it).

    ```mlir
    %b = mx.broadcast %q dimensions = [0] : tensor<64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
    ```
  }];
  let arguments = (ins MX_QuantizedTensor:$input,
                       DenseI64ArrayAttr:$dimensions);
  let results = (outs MX_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `dimensions` `=` $dimensions attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

// Calibration observers (mx-calibrate) live in their own file.
//===----------------------------------------------------------------------===//
// GPU tensor-core tiles (issue 7): what --mx-lower-to-nvvm builds from
// mx.contract. Kept apart from the tensor-level ops.
//===----------------------------------------------------------------------===//

def MX_WarpMMAOp : MX_Op<"warp_mma", [Pure, AttrSizedOperandSegments]> {
  let summary = "One lane's share of a 16x8x32 block-scaled tile product";
  let description = [{
    The tensor-core step of the GPU matmul: a warp of 32 lanes computes
    `D = C + (A * SA) x (B * SB)` for a 16 x 8 output tile and one 32-long
    slice of the reduction, and this op is the part of lane `lane` (0..31):
    its four accumulators, in the accumulator layout of PTX `mma.sync`
    m16n8k*: element `r` is `D[lane / 4 + 8 * (r / 2)][2 * (lane % 4) + r % 2]`.
    `A` and `B` are the whole tiles (every lane passes the same ones), in
    the storage of their formats (docs/Formats.md): `a` holds the 16 x 32
    element codes of A row-major (16 x 16 bytes for packed 4-bit elements),
    `b` the 32 x 8 codes of B as stored, K-major (32 x 4 bytes packed).

    The scale layout the tensor core wants is explicit: `a_scales` holds
    one E8M0 code per row of A (`tensor<16xi8>`, the block scales of this
    K slice) and `b_scales` one per column of B (`tensor<8xi8>`); the
    product of an element pair is multiplied by `2^(sa - 127) * 2^(sb - 127)`
    (0xFF: NaN). Formats with E8M0 blocks of 32 along K (MXFP8, MXFP4,
    MXINT8) need both scale operands; INT8 (f32 scales, applied by the
    caller after the whole reduction) takes none and accumulates exactly in
    i32 (`acc` and result `vector<4xi32>`); everything else accumulates in
    f32.

    Numerics: each element product is exact in f32; the 32 products of a
    K slice are summed in the accumulation order of the target (the CPU
    lowering adds them in K order in f32; tensor cores keep at least f32
    precision but an unspecified order), then scaled by `sa * sb` and added
    to `acc`. MXINT8 codes are integers times 2^-6 (exact i32 sums).

    `scale_layout` (MXFP8 operands only) says that the tensor core applies
    the scales itself and how they reach it: each lane passes a 32-bit
    scale register per operand built from the scale tiles, and the
    instruction reads row `r`'s (column `n`'s) code from a given lane and
    byte (`#mx.warp_scale_layout<m16n8k32_x1>`: the block-scaled
    `mma.sync ... kind::mxf8f6f4 ... scale_vec::1X ... ue8m0` of sm_120a;
    the attribute's description has the table). Both lowerings go through
    the layout: the NVVM one passes the lane's registers to
    `nvvm.mma.block_scale`, the CPU one reads each output's scales from the
    registers of the lanes the instruction reads them from, so a wrong
    lane or byte changes the CPU results. The value is the same either
    way; without the attribute the scales are applied in f32 after the
    tensor-core instruction.

    Lowerings: `convert-mx-to-vector` (CPU: scalar loops, the test path of
    the GPU kernels) and `convert-mx-warp-mma-to-nvvm{chip}` (fragment
    loads and `mma.sync`: s8 m16n8k32 for INT8/MXINT8, e4m3/e5m2 m16n8k32
    on sm_89 and later, otherwise elements decoded to f16 and two f16
    m16n8k16). All 32 lanes of a warp must execute the op together.

    ```mlir
    %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>),
           %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>,
                          b_format = #mx.format<mxfp8_e4m3>}
         : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$a,
                       Optional<RankedTensorOf<[I8]>>:$a_scales,
                       RankedTensorOf<[I8]>:$b,
                       Optional<RankedTensorOf<[I8]>>:$b_scales,
                       VectorOfLengthAndType<[4], [F32, I32]>:$acc,
                       Index:$lane, MX_FormatAttr:$a_format,
                       MX_FormatAttr:$b_format,
                       OptionalAttr<MX_WarpScaleLayoutAttr>:$scale_layout);
  let results = (outs VectorOfLengthAndType<[4], [F32, I32]>:$result);
  let assemblyFormat = [{
    $a (`scales` `(` $a_scales^ `:` type($a_scales) `)`)? `,`
    $b (`scales` `(` $b_scales^ `:` type($b_scales) `)`)? `,`
    $acc `lane` `(` $lane `)` attr-dict `:` type($a) `,` type($b) `,`
    type($acc) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mx::FormatSpec getASpec() { return getAFormat().getSpec(); }
    ::mx::FormatSpec getBSpec() { return getBFormat().getSpec(); }
    /// Whether the operands are INT8 codes (f32 scales applied by the
    /// caller) summed exactly in i32.
    bool isInt32Accumulation() {
      return getASpec().scale == ::mx::ScaleKind::F32;
    }
    /// Whether operands of formats `a` and `b` have a tensor-core tile:
    /// both INT8 (f32 scales, no zero points), both MXINT8, or both E8M0
    /// blocks of 32 with e4m3, e5m2 or e2m1 elements.
    static bool supportsFormats(const ::mx::FormatSpec &a,
                                const ::mx::FormatSpec &b);
  }];
}

def MX_TensorOrMemRef : AnyTypeOf<[AnyRankedTensor, AnyMemRef]>;

def MX_TCGen05MMAOp : MX_Op<"tcgen05_mma",
    [DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "One thread's row of a 128 x N block-scaled CTA tile product";
  let description = [{
    The CTA-level step of the sm_100a matmul (`tcgen05.mma ... block_scale`,
    docs/GPU.md "Block-scaled MMA on sm_100a"): the 128 threads of a CTA
    compute `D = (A * SA) x (B * SB)` for a 128 x N output tile over the
    whole reduction, and this op is the part of thread `row` (0..127): row
    `row` of D (the `tcgen05.ld` 32x32b layout: thread t of warp w holds
    tensor-memory lane 32 w + t, i.e. row 32 w + t), written into `init`
    (`tensor<Nxf32>`; on tensors a new value is returned, on memrefs `init`
    is written).

    `a` holds the 128 x K element codes of A row-major in storage
    (`tensor<128xKBxi8>`, KB = K for 8-bit elements, K / 2 for packed
    4-bit ones, low nibble first), `b` the N x K codes of B **K-major**
    (row n is column n of B, packed the same way). `a_scales`
    (`[128, K/32]`) and `b_scales` (`[N, K/32]`) hold the E8M0 block scale
    codes of each row of A and column of B.

    `scale_layout` names where the instruction reads those scales, and both
    lowerings index them through it (include/mx/Conversion/MXToGPU/TCGen05Layout.h):
    `"tmem_lane_row"`: block j of row r is at tensor-memory lane r,
    column `(j mod 16) / 4` of a 4-column chunk, byte `j mod 4`, the
    chunk holding blocks 16 c ... 16 c + 15 (copied into tensor memory by
    one `tcgen05.cp.128x128b` from a row-major `[128, 16]`-byte image in
    shared memory); an MMA step whose first block is j reads the scale
    column of j with scale id `j mod 4` (`.block32`: 1 block per step for
    kind::mxf8f6f4 with K = 32, 2 for kind::mxf4 with K = 64).

    Formats: both operands E8M0 blocks of 32 along K, elements f8E4M3FN or
    f8E5M2 (kind::mxf8f6f4, mixed allowed), or both f4E2M1FN (kind::mxf4).
    N is a multiple of 16 from 16 to 128, K a multiple of 32 (f8) or
    64 (f4).

    Numerics: per MMA step the element products (exact in f32) are scaled
    by `2^(sa - 127) * 2^(sb - 127)` and summed with at least f32
    precision in the tensor core's order; the CPU lowering (the test path)
    computes each step's sum of a block in K order in f32, scales it and
    adds it to the accumulator, block after block.

    Lowerings: `convert-mx-to-vector` (CPU: scalar loops over the row) and
    `convert-mx-tcgen05-to-nvvm` (inside a `gpu.func` launched with 128
    threads; `row` must be `gpu.thread_id x`). All 128 threads of the CTA
    must execute the op together.

    ```mlir
    %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init)
           {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>,
            scale_layout = "tmem_lane_row"}
         : tensor<128x64xi8>, tensor<32x64xi8>, tensor<128x2xi8>,
           tensor<32x2xi8>, tensor<32xf32> -> tensor<32xf32>
    ```
  }];
  let arguments = (ins MX_TensorOrMemRef:$a, MX_TensorOrMemRef:$b,
                       MX_TensorOrMemRef:$a_scales,
                       MX_TensorOrMemRef:$b_scales, Index:$row,
                       MX_TensorOrMemRef:$init, MX_FormatAttr:$a_format,
                       MX_FormatAttr:$b_format, StrAttr:$scale_layout);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $a `,` $b `scales` `(` $a_scales `,` $b_scales `)` `row` `(` $row `)`
    `outs` `(` $init `)` attr-dict `:` type($a) `,` type($b) `,`
    type($a_scales) `,` type($b_scales) `,` type($init)
    (`->` type($result)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mx::FormatSpec getASpec() { return getAFormat().getSpec(); }
    ::mx::FormatSpec getBSpec() { return getBFormat().getSpec(); }
    /// Whether the operands are 4-bit (kind::mxf4, K = 64 per step).
    bool isF4() { return getASpec().element == ::mx::ElementKind::F4E2M1FN; }
    /// Whether operands of formats `a` and `b` have a tcgen05 block-scaled
    /// tile (E8M0 blocks of 32 along K; both e4m3/e5m2, or both e2m1).
    static bool supportsFormats(const ::mx::FormatSpec &a,
                                const ::mx::FormatSpec &b);
    bool hasPureTensorSemantics() {
      return ::mlir::isa<::mlir::RankedTensorType>(getInit().getType());
    }
  }];
}

include "mx/Dialect/MX/IR/MXCalibrationOps.td"

#endif // MX_DIALECT_MX_IR_MXOPS_TD
