// RUN: mx-opt %s -split-input-file --mx-fuse="remarks=true" -verify-diagnostics -mlir-print-local-scope | FileCheck %s

// DQ, DQ -> tosa.matmul -> tosa.add (broadcast bias) -> tosa.clamp: one
// mx.contract with the layout of tosa.matmul ([N,H,C] x [N,C,W]) as maps,
// the loops of linalg.batch_matmul, and the bias read at index 0 of its
// unit dimensions.
// CHECK-LABEL: func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>>, %[[B:.*]]: tensor<2x64x16x!mx.q<mxfp8_e4m3, axis = 1>>, %[[BIAS:.*]]: tensor<1x1x16xf32>)
// CHECK-NOT: mx.dequantize
// CHECK: %[[O:.*]] = mx.contract %[[A]], %[[B]] bias(%[[BIAS]] : tensor<1x1x16xf32>)
// CHECK-SAME: bias_map = affine_map<(d0, d1, d2, d3) -> (0, 0, d2)>
// CHECK-SAME: clamp_max = 6.000000e+00 : f32, clamp_min = -1.000000e+00 : f32
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NOT: tosa.matmul
// CHECK-NOT: tosa.add
// CHECK-NOT: tosa.clamp
// CHECK: return %[[O]]
func.func @matmul(%qa: tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>>, %qb: tensor<2x64x16x!mx.q<mxfp8_e4m3, axis = 1>>, %bias: tensor<1x1x16xf32>) -> tensor<2x4x16xf32> {
  %a = mx.dequantize %qa : tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<2x4x64xf32>
  %b = mx.dequantize %qb : tensor<2x64x16x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<2x64x16xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.matmul %a, %b, %z, %z : (tensor<2x4x64xf32>, tensor<2x64x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x16xf32>
  %s = tosa.add %bias, %c : (tensor<1x1x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %y = tosa.clamp %s {min_val = -1.0 : f32, max_val = 6.0 : f32} : (tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

// -----

// tosa.conv2d (NHWC input, OHWI weights) with pad, stride and dilation: the
// window is an affine map over the padded input, the padding lhs_pad_low /
// lhs_pad_high ([top, left] and [bottom, right] of `pad`); the conv2d
// bias is where the sum starts (bias_init, as tosa-to-linalg lowers it);
// then a residual add and a quantization with per-channel static scales.
// CHECK-LABEL: func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x9x9x32x!mx.q<mxfp8_e4m3, axis = 3>>, %[[W:.*]]: tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %[[BIAS:.*]]: tensor<8xf32>, %[[R:.*]]: tensor<1x5x4x8xf32>)
// CHECK: %[[O:.*]] = mx.contract %[[X]], %[[W]] bias(%[[BIAS]] : tensor<8xf32>) residual(%[[R]] : tensor<1x5x4x8xf32>)
// CHECK-SAME: bias_init, bias_map = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3)>
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5 * 2, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: lhs_pad_high = array<i64: 0, 0, 2, 0>, lhs_pad_low = array<i64: 0, 2, 0, 0>
// CHECK-SAME: output_scales = dense<[5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00, 5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00]> : tensor<8xf32>
// CHECK-SAME: -> tensor<1x5x4x8x!mx.q<int8, granularity = channel, axis = 3>>
// CHECK-NOT: tosa.conv2d
// CHECK-NOT: mx.quantize
// CHECK: mx.dequantize %[[O]]
func.func @conv(%qx: tensor<1x9x9x32x!mx.q<mxfp8_e4m3, axis = 3>>, %qw: tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %bias: tensor<8xf32>, %res: tensor<1x5x4x8xf32>) -> tensor<1x5x4x8xf32> {
  %x = mx.dequantize %qx : tensor<1x9x9x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x9x9x32xf32>
  %w = mx.dequantize %qw : tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<8x3x3x32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %bias, %z, %z {acc_type = f32, dilation = array<i64: 1, 2>, pad = array<i64: 2, 0, 0, 2>, stride = array<i64: 2, 2>} : (tensor<1x9x9x32xf32>, tensor<8x3x3x32xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x4x8xf32>
  %s = tosa.add %c, %res : (tensor<1x5x4x8xf32>, tensor<1x5x4x8xf32>) -> tensor<1x5x4x8xf32>
  %q = mx.quantize %s {static_scales = dense<[0.5, 0.25, 1.0, 2.0, 0.5, 0.25, 1.0, 2.0]> : tensor<8xf32>} : tensor<1x5x4x8xf32> -> tensor<1x5x4x8x!mx.q<int8, granularity = channel, axis = 3>>
  %d = mx.dequantize %q : tensor<1x5x4x8x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x5x4x8xf32>
  return %d : tensor<1x5x4x8xf32>
}

// -----

// A conv2d whose bias is a +0.0 constant has no bias of its own: a later
// broadcast bias add is the contract's bias, added after the sum.
// CHECK-LABEL: func @conv_zero_bias
// CHECK: mx.contract %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1x1x1x8xf32>)
// CHECK-NOT: bias_init
// CHECK-SAME: bias_map = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, 0, 0, d3)>
// CHECK-NOT: lhs_pad
// CHECK-NOT: tosa.add
func.func @conv_zero_bias(%qx: tensor<1x5x5x32x!mx.q<mxint8, axis = 3>>, %qw: tensor<8x3x3x32x!mx.q<mxint8, axis = 3>>, %bias: tensor<1x1x1x8xf32>) -> tensor<1x3x3x8xf32> {
  %x = mx.dequantize %qx : tensor<1x5x5x32x!mx.q<mxint8, axis = 3>> -> tensor<1x5x5x32xf32>
  %w = mx.dequantize %qw : tensor<8x3x3x32x!mx.q<mxint8, axis = 3>> -> tensor<8x3x3x32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zb = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %c = tosa.conv2d %x, %w, %zb, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x32xf32>, tensor<8x3x3x32xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  %s = tosa.add %c, %bias : (tensor<1x3x3x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x3x3x8xf32>
  return %s : tensor<1x3x3x8xf32>
}

// -----

// tosa.depthwise_conv2d with channel multiplier 1: weights [KH, KW, C, 1]
// read at index 0 of their last dimension; its bias is added after the sum
// (as tosa-to-linalg does), then relu.
// CHECK-LABEL: func @depthwise
// CHECK: mx.contract %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<32xf32>)
// CHECK-SAME: bias_map = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3)>, clamp_max = 3.40282347E+38 : f32, clamp_min = 0.000000e+00 : f32
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d4, d2 + d5, d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d3, 0)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: lhs_pad_high = array<i64: 0, 1, 1, 0>, lhs_pad_low = array<i64: 0, 1, 1, 0>
// CHECK-NOT: tosa.depthwise_conv2d
func.func @depthwise(%qx: tensor<1x6x6x32x!mx.q<int8>>, %qw: tensor<3x3x32x1x!mx.q<int8, granularity = channel, axis = 2>>, %bias: tensor<32xf32>) -> tensor<1x6x6x32xf32> {
  %x = mx.dequantize %qx : tensor<1x6x6x32x!mx.q<int8>> -> tensor<1x6x6x32xf32>
  %w = mx.dequantize %qw : tensor<3x3x32x1x!mx.q<int8, granularity = channel, axis = 2>> -> tensor<3x3x32x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %bias, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x32xf32>, tensor<3x3x32x1xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x32xf32>
  %y = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}

// -----

// What does not fuse stays, with a remark saying why.
// A zero point that is not a constant (TOSA itself rejects non-zero
// constant zero points of float ops).
// CHECK-LABEL: func @dynamic_zero_point
// CHECK: tosa.matmul
func.func @dynamic_zero_point(%qa: tensor<1x4x64x!mx.q<int8>>, %qb: tensor<1x64x16x!mx.q<int8>>, %zp: tensor<1xf32>) -> tensor<1x4x16xf32> {
  %a = mx.dequantize %qa : tensor<1x4x64x!mx.q<int8>> -> tensor<1x4x64xf32>
  %b = mx.dequantize %qb : tensor<1x64x16x!mx.q<int8>> -> tensor<1x64x16xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{not fused: its zero points are not constant zeros}}
  %c = tosa.matmul %a, %b, %zp, %z : (tensor<1x4x64xf32>, tensor<1x64x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x16xf32>
  return %c : tensor<1x4x16xf32>
}

// CHECK-LABEL: func @float_operand
// CHECK: tosa.matmul
func.func @float_operand(%qa: tensor<1x4x64x!mx.q<int8>>, %b: tensor<1x64x16xf32>) -> tensor<1x4x16xf32> {
  %a = mx.dequantize %qa : tensor<1x4x64x!mx.q<int8>> -> tensor<1x4x64xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{not fused: input 1 is not dequantized (a float operand)}}
  %c = tosa.matmul %a, %b, %z, %z : (tensor<1x4x64xf32>, tensor<1x64x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x16xf32>
  return %c : tensor<1x4x16xf32>
}

// CHECK-LABEL: func @multiplier
// CHECK: tosa.depthwise_conv2d
func.func @multiplier(%qx: tensor<1x6x6x32x!mx.q<int8>>, %qw: tensor<3x3x32x2x!mx.q<int8>>, %bias: tensor<64xf32>) -> tensor<1x4x4x64xf32> {
  %x = mx.dequantize %qx : tensor<1x6x6x32x!mx.q<int8>> -> tensor<1x6x6x32xf32>
  %w = mx.dequantize %qw : tensor<3x3x32x2x!mx.q<int8>> -> tensor<3x3x32x2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{not fused: a depthwise channel multiplier other than 1 is not fused (its result interleaves channels)}}
  %c = tosa.depthwise_conv2d %x, %w, %bias, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x32xf32>, tensor<3x3x32x2xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x64xf32>
  return %c : tensor<1x4x4x64xf32>
}

// The conv2d fuses; a clamp with nan_mode = IGNORE stays (it turns NaN
// into a bound, the fused clamp propagates NaN).
// CHECK-LABEL: func @clamp_ignore
// CHECK: %[[O:.*]] = mx.contract
// CHECK: tosa.clamp %[[O]]
func.func @clamp_ignore(%qx: tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>>, %qw: tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>) -> tensor<1x3x3x8xf32> {
  %x = mx.dequantize %qx : tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x5x5x32xf32>
  %w = mx.dequantize %qw : tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<8x3x3x32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zb = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %zb, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x32xf32>, tensor<8x3x3x32xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  // expected-remark @below {{epilogue stops here: its nan_mode is not PROPAGATE (IGNORE turns NaN into a bound; the fused clamp propagates NaN)}}
  %y = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32, nan_mode = #tosa.nan_mode<IGNORE>} : (tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  return %y : tensor<1x3x3x8xf32>
}

// A conv2d bias and a second, broadcast bias add: the epilogue stops
// before the second (the order of the additions would change).
// CHECK-LABEL: func @second_bias
// CHECK: %[[O:.*]] = mx.contract {{.*}}bias_init
// CHECK: tosa.add %[[O]]
func.func @second_bias(%qx: tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>>, %qw: tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %b1: tensor<8xf32>, %b2: tensor<1x1x1x8xf32>) -> tensor<1x3x3x8xf32> {
  %x = mx.dequantize %qx : tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x5x5x32xf32>
  %w = mx.dequantize %qw : tensor<8x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<8x3x3x32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b1, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x32xf32>, tensor<8x3x3x32xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  // expected-remark @below {{epilogue stops here: a second bias add (or a bias after the residual) changes the order of the additions}}
  %s = tosa.add %c, %b2 : (tensor<1x3x3x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x3x3x8xf32>
  return %s : tensor<1x3x3x8xf32>
}
