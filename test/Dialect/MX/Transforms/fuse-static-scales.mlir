// RUN: mx-opt %s --mx-fuse="remarks=true" -verify-diagnostics | FileCheck %s

// mx-fuse with static scales from --mx-import-quant: the contraction fuses;
// a final quantization with per-channel static scales stays a separate
// mx.quantize (mx.contract has one per-tensor output_scale) instead of
// losing its scales.

// CHECK-LABEL: func.func @f
// CHECK: %[[C:.*]] = mx.contract
// CHECK-SAME: -> tensor<2x3xf32>
// CHECK: mx.quantize %[[C]] {static_scales = dense<[5.000000e-01, 2.500000e-01, 1.000000e+00]> : tensor<3xf32>}
func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %qa = mx.quantize %a {static_scales = dense<0.5> : tensor<f32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %da = mx.dequantize %qa : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf32>
  %qb = mx.quantize %b {static_scales = dense<[0.25, 0.5, 1.0]> : tensor<3xf32>} : tensor<4x3xf32> -> tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>>
  %db = mx.dequantize %qb : tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%da, %db : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{quantization not fused: mx.contract takes one static per-tensor scale; per-channel, block-wise or zero-point static scales stay a separate mx.quantize}}
  %qy = mx.quantize %y {static_scales = dense<[0.5, 0.25, 1.0]> : tensor<3xf32>} : tensor<2x3xf32> -> tensor<2x3x!mx.q<int8, granularity = channel, axis = 1>>
  %dy = mx.dequantize %qy : tensor<2x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<2x3xf32>
  return %dy : tensor<2x3xf32>
}
