// RUN: mx-opt %s --mx-quantize="format=mxfp8_e4m3 remarks=true" -verify-diagnostics | FileCheck %s

// Pooling ops count as convolutions for linalg's convolution interface, but
// their window operand is never read: they have no weight, and quantizing
// the pooled input would add a rounding the model does not have. The
// convolution after the pooling is quantized as usual.
// CHECK-LABEL: func @conv_after_pool
// CHECK-NOT: mx.quantize
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: linalg.pooling
// CHECK: mx.quantize %{{.*}} : tensor<1x4x4x16xf32> -> tensor<1x4x4x16x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: mx.quantize %{{.*}} : tensor<1x1x16x8xf32> -> tensor<1x1x16x8x!mx.q<mxfp8_e4m3, axis = 2>>
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @conv_after_pool(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x16x8xf32>,
                           %init: tensor<1x4x4x16xf32>, %acc: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-remark@+1 {{not quantized: input 1 is never read (a pooling window): not a weighted op}}
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf ins(%p, %w : tensor<1x4x4x16xf32>, tensor<1x1x16x8xf32>) outs(%acc : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// Sum pooling too.
// CHECK-LABEL: func @sum_pool
// CHECK-NOT: mx.quantize
func.func @sum_pool(%x: tensor<1x8x8x16xf32>, %init: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-remark@+1 {{not quantized: input 1 is never read (a pooling window): not a weighted op}}
  %p = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %p : tensor<1x4x4x16xf32>
}
