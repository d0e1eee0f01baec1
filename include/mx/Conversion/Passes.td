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
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // MX_CONVERSION_PASSES_TD
