// RUN: mx-opt %s -split-input-file --mx-fuse="remarks=true" -verify-diagnostics | FileCheck %s --check-prefix=FUSE
// RUN: mx-opt %s -split-input-file --mx-propagate | FileCheck %s --check-prefix=PROP

// A final quantization with a calibrated NVFP4 tensor scale stays its own
// mx.quantize (mx.contract's output_scale is an INT8 scale); the contraction
// itself fuses.
// FUSE-LABEL: func @fused_output
// FUSE: %[[C:.*]] = mx.contract %arg0, %arg1
// FUSE-SAME: -> tensor<4x16xf32>
// FUSE: mx.quantize %[[C]] {calibration = "out", static_scale = 5.000000e-01 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<nvfp4, axis = 1>>
func.func @fused_output(%qx: tensor<4x64x!mx.q<nvfp4, axis = 1>>, %qw: tensor<64x16x!mx.q<nvfp4, axis = 0>>) -> tensor<4x16x!mx.q<nvfp4, axis = 1>> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<nvfp4, axis = 1>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<nvfp4, axis = 0>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @below {{quantization not fused: mx.contract takes no calibrated tensor scale (tensor_scale formats); it stays a separate mx.quantize}}
  %q = mx.quantize %mm {calibration = "out", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<4x16x!mx.q<nvfp4, axis = 1>>
}

// -----

// Re-quantizing with the same calibrated tensor scale is not exact (the
// block scales are recomputed from rounded values): the pair stays, unlike
// static INT8.
// PROP-LABEL: func @requantize
// PROP: %[[Q:.*]] = mx.quantize %arg0
// PROP: %[[D:.*]] = mx.dequantize %[[Q]]
// PROP: %[[Q2:.*]] = mx.quantize %[[D]]
// PROP: return %[[Q2]]
func.func @requantize(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<nvfp4, axis = 1>> {
  %q = mx.quantize %x {calibration = "a", static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<nvfp4, axis = 1>> -> tensor<8x64xf32>
  %q2 = mx.quantize %d {calibration = "a", static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  return %q2 : tensor<8x64x!mx.q<nvfp4, axis = 1>>
}
