// RUN: mx-opt %s --mx-instrument-calibration="all=true" | FileCheck %s

// f16 and bf16 tensors are observed through an exact extension to f32
// (every f16 / bf16 value is an f32); integer tensors are not activations
// to calibrate and stay unobserved.
// CHECK-LABEL: func @m
// CHECK-DAG: %[[A:.*]] = arith.extf %arg0 : tensor<2x4xf16> to tensor<2x4xf32>
// CHECK-DAG: mx.observe %[[A]] {name = "m:arg0"} : tensor<2x4xf32>
// CHECK-DAG: %[[B:.*]] = arith.extf %arg1 : tensor<4x3xbf16> to tensor<4x3xf32>
// CHECK-DAG: mx.observe %[[B]] {name = "m:arg1"} : tensor<4x3xf32>
// CHECK-NOT: name = "m:arg2"
// CHECK: %[[Q:.*]] = arith.extf %arg0 : tensor<2x4xf16> to tensor<2x4xf32>
// CHECK: mx.observe %[[Q]] {name = "m:x"} : tensor<2x4xf32>
// CHECK: linalg.matmul ins(%arg0,
// CHECK: %[[R:.*]] = arith.extf %{{.*}} : tensor<2x3xf16> to tensor<2x3xf32>
// CHECK: mx.observe %[[R]] {name = "m:linalg.matmul#0:out0"} : tensor<2x3xf32>
func.func @m(%x: tensor<2x4xf16>, %w: tensor<4x3xbf16>, %i: tensor<2xi32>) -> tensor<2x3xf16> {
  %c0 = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<2x3xf16>
  %acc = linalg.fill ins(%c0 : f16) outs(%e : tensor<2x3xf16>) -> tensor<2x3xf16>
  %qx = mx.quantize %x {calibration = "m:x"} : tensor<2x4xf16> -> tensor<2x4x!mx.q<int8>>
  %dx = mx.dequantize %qx : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf16>
  %r = linalg.matmul ins(%dx, %w : tensor<2x4xf16>, tensor<4x3xbf16>) outs(%acc : tensor<2x3xf16>) -> tensor<2x3xf16>
  return %r : tensor<2x3xf16>
}
