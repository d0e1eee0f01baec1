// RUN: mx-opt %s --mx-propagate --split-input-file | FileCheck %s
// RUN: mx-opt %s --mx-propagate="remarks=true" --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK

// Static scales (as imported from upstream quant) in mx-propagate: an exact
// re-quantization with the same scales and zero points cancels; a
// quantization whose block-wise scales would change shape stays.

// CHECK-LABEL: func.func @cancels
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} {static_scales = dense<5.000000e-01> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>}
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[Q]]
// CHECK: %[[D:.*]] = mx.dequantize %[[C]]
// CHECK-NOT: mx.quantize
// CHECK: return %[[D]]
!z = !mx.q<int8, zero_point = true>
func.func @cancels(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  %q = mx.quantize %x {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>} : tensor<2x4xf32> -> tensor<2x4x!z>
  %d = mx.dequantize %q : tensor<2x4x!z> -> tensor<2x4xf32>
  %c = tensor.collapse_shape %d [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  %q2 = mx.quantize %c {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>} : tensor<8xf32> -> tensor<8x!z>
  %d2 = mx.dequantize %q2 : tensor<8x!z> -> tensor<8xf32>
  return %d2 : tensor<8xf32>
}

// -----

// Another zero point: not the same quantization, both stay.
// CHECK-LABEL: func.func @other_zero_point
// CHECK-COUNT-2: mx.quantize
!z = !mx.q<int8, zero_point = true>
func.func @other_zero_point(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  %q = mx.quantize %x {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>} : tensor<2x4xf32> -> tensor<2x4x!z>
  %d = mx.dequantize %q : tensor<2x4x!z> -> tensor<2x4xf32>
  %c = tensor.collapse_shape %d [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  %q2 = mx.quantize %c {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<4> : tensor<i32>} : tensor<8xf32> -> tensor<8x!z>
  %d2 = mx.dequantize %q2 : tensor<8x!z> -> tensor<8xf32>
  return %d2 : tensor<8xf32>
}

// -----

// Moving this quantization before the expand_shape keeps its axis (0) but
// would need scales of shape 1x8 instead of 1x2x4: it stays.
// CHECK-LABEL: func.func @block_scales
// CHECK: tensor.expand_shape %{{.*}} : tensor<4x8xf32> into tensor<4x2x4xf32>
// CHECK: mx.quantize %{{.*}} : tensor<4x2x4xf32>
// REMARK: remark: quantization stays: stopped at 'tensor.expand_shape': its static scales would change shape
func.func @block_scales(%x: tensor<4x8xf32>) -> tensor<4x2x4xf32> {
  %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  %q = mx.quantize %e {static_scales = dense<1.0> : tensor<1x2x4xf32>} : tensor<4x2x4xf32> -> tensor<4x2x4x!mx.q<int8, block = 4, axis = 0>>
  %d = mx.dequantize %q : tensor<4x2x4x!mx.q<int8, block = 4, axis = 0>> -> tensor<4x2x4xf32>
  return %d : tensor<4x2x4xf32>
}
