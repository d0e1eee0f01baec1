// RUN: mx-opt %s --mx-export-quant --split-input-file -verify-diagnostics | FileCheck %s

// mx Q/DQ with static INT8 scales back to upstream quant; everything else
// stays in mx with a remark that says why.

// The per-tensor scale written by --mx-infer-scales.
// CHECK-LABEL: func.func @calibrated
// CHECK: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK: quant.dcast %[[Q]] : tensor<4x!quant.uniform<i8:f32, 2.500000e-01>> to tensor<4xf32>
// CHECK-NOT: mx.
func.func @calibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = mx.quantize %x {calibration = "x", static_scale = 0.25 : f32} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  %y = mx.dequantize %q : tensor<4x!mx.q<int8>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @per_channel
// CHECK: quant.qcast %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:0, {5.000000e-01:10,2.500000e-01:128}>>
func.func @per_channel(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = mx.quantize %x {static_scales = dense<[0.5, 0.25]> : tensor<2xf32>, static_zero_points = dense<[10, 128]> : tensor<2xi32>} : tensor<2x3xf32> -> tensor<2x3x!mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>>
  %y = mx.dequantize %q : tensor<2x3x!mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Blocks: a sub-channel type with block size 1 on the other dimensions.
// CHECK-LABEL: func.func @block
// CHECK: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}, {1.000000e+00:3, 2.000000e+00:4}}>>
func.func @block(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = mx.quantize %x {static_scales = dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>, static_zero_points = dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8, block = 2, zero_point = true, axis = 1>>
  %y = mx.dequantize %q : tensor<2x4x!mx.q<int8, block = 2, zero_point = true, axis = 1>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Storage parts: constant scales go into the type; a used scales result
// becomes the constant.
// CHECK-LABEL: func.func @parts
// CHECK-SAME: (%[[C:.*]]: tensor<4xi8>)
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: %[[I:.*]] = quant.scast %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>> to tensor<4xi8>
// CHECK: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: return %[[I]], %[[S]]
func.func @parts(%c: tensor<4xi8>) -> (tensor<4xi8>, tensor<f32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  %q = mx.assemble %c, %s : tensor<4xi8>, tensor<f32> -> tensor<4x!mx.q<int8>>
  %p:2 = mx.disassemble %q : tensor<4x!mx.q<int8>> -> tensor<4xi8>, tensor<f32>
  return %p#0, %p#1 : tensor<4xi8>, tensor<f32>
}

// -----

func.func @dynamic(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark@+1 {{mx-export-quant: 'mx.quantize' stays in mx: the scales are computed from the data at run time (dynamic quantization); static scales are needed}}
  %q = mx.quantize %x : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  %y = mx.dequantize %q : tensor<4x!mx.q<int8>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @mx_block(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  // expected-remark@+1 {{'mx.quantize' stays in mx: the format's scales are computed from the data at run time; !quant.uniform holds only constant scales}}
  %q = mx.quantize %x : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %y = mx.dequantize %q : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

func.func @rounding(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark@+1 {{'mx.quantize' stays in mx: rounding mode 'nearest_away' has no !quant.uniform spelling (mx exports round-to-nearest-even quantizations only)}}
  %q = mx.quantize %x {static_scales = dense<0.5> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8, rounding = away>>
  %y = mx.dequantize %q : tensor<4x!mx.q<int8, rounding = away>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @unresolved(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark@+1 {{'mx.quantize' stays in mx: its static scale is not calibrated yet (run --mx-infer-scales)}}
  %q = mx.quantize %x {calibration = "x"} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  %y = mx.dequantize %q : tensor<4x!mx.q<int8>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @returned(%x: tensor<4xf32>) -> tensor<4x!mx.q<int8>> {
  // expected-remark@+1 {{'mx.quantize' stays in mx: the quantized value is used by 'func.return', which upstream quant cannot express}}
  %q = mx.quantize %x {static_scales = dense<0.5> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  return %q : tensor<4x!mx.q<int8>>
}

// -----

func.func @runtime_scales(%c: tensor<4xi8>, %s: tensor<f32>) -> tensor<4xf32> {
  // expected-remark@+1 {{'mx.assemble' stays in mx: its scales are not constants}}
  %q = mx.assemble %c, %s : tensor<4xi8>, tensor<f32> -> tensor<4x!mx.q<int8>>
  %y = mx.dequantize %q : tensor<4x!mx.q<int8>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
