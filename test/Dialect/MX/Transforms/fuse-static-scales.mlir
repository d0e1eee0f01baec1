// RUN: mx-opt %s --mx-fuse="remarks=true" -verify-diagnostics | FileCheck %s

// mx-fuse with static scales from --mx-import-quant: the contraction fuses,
// and so does a final quantization with per-channel static scales: they
// become the contract's output_scales (requantized as mx.quantize with
// static_scales would), so no separate mx.quantize is left.

// CHECK-LABEL: func.func @f
// CHECK: %[[C:.*]] = mx.contract
// CHECK-SAME: output_scales = dense<[5.000000e-01, 2.500000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK-SAME: -> tensor<2x3x!mx.q<int8, granularity = channel, axis = 1>>
// CHECK-NOT: mx.quantize
// CHECK: mx.dequantize %[[C]]
func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %qa = mx.quantize %a {static_scales = dense<0.5> : tensor<f32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %da = mx.dequantize %qa : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf32>
  %qb = mx.quantize %b {static_scales = dense<[0.25, 0.5, 1.0]> : tensor<3xf32>} : tensor<4x3xf32> -> tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>>
  %db = mx.dequantize %qb : tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%da, %db : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %qy = mx.quantize %y {static_scales = dense<[0.5, 0.25, 1.0]> : tensor<3xf32>} : tensor<2x3xf32> -> tensor<2x3x!mx.q<int8, granularity = channel, axis = 1>>
  %dy = mx.dequantize %qy : tensor<2x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<2x3xf32>
  return %dy : tensor<2x3xf32>
}

// Per-tensor static scale with a zero point (u8 output): output_scales and
// output_zero_points.
// CHECK-LABEL: func.func @u8_out
// CHECK: mx.contract {{.*}}output_scales = dense<2.500000e-01> : tensor<f32>, output_zero_points = dense<128> : tensor<i32>
// CHECK-SAME: -> tensor<2x3x!mx.q<int8, elem = ui8, zero_point = true>>
// CHECK-NOT: mx.quantize
func.func @u8_out(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %qa = mx.quantize %a {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8, elem = ui8, zero_point = true>>
  %da = mx.dequantize %qa : tensor<2x4x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<2x4xf32>
  %qb = mx.quantize %b {static_scales = dense<[0.25, 0.5, 1.0]> : tensor<3xf32>} : tensor<4x3xf32> -> tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>>
  %db = mx.dequantize %qb : tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%da, %db : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %qy = mx.quantize %y {static_scales = dense<0.25> : tensor<f32>, static_zero_points = dense<128> : tensor<i32>} : tensor<2x3xf32> -> tensor<2x3x!mx.q<int8, elem = ui8, zero_point = true>>
  %dy = mx.dequantize %qy : tensor<2x3x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<2x3xf32>
  return %dy : tensor<2x3xf32>
}
