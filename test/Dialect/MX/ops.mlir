// RUN: mx-opt %s | FileCheck %s
// RUN: mx-opt %s | mx-opt | FileCheck %s
// RUN: mx-opt %s --mlir-print-op-generic | mx-opt | FileCheck %s
// RUN: mx-opt %s --emit-bytecode | mx-opt | FileCheck %s

// Every preset parses in the exact form of the issue (a preset name as a
// string, the block axis as an i64), expands to the full #mx.format, and
// round-trips through the printer, the generic form and bytecode.

// CHECK-LABEL: func @fake_quant_mxfp8_e4m3
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp8_e4m3>} : tensor<64x256xf32>
func.func @fake_quant_mxfp8_e4m3(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mxfp8_e5m2
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp8_e5m2>} : tensor<64x256xf32>
func.func @fake_quant_mxfp8_e5m2(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e5m2", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mxfp6_e3m2
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp6_e3m2>} : tensor<64x256xf32>
func.func @fake_quant_mxfp6_e3m2(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp6_e3m2", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mxfp6_e2m3
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp6_e2m3>} : tensor<64x256xf32>
func.func @fake_quant_mxfp6_e2m3(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp6_e2m3", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mxfp4_e2m1
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp4_e2m1>} : tensor<64x256xf32>
func.func @fake_quant_mxfp4_e2m1(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mxint8
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxint8>} : tensor<64x256xf32>
func.func @fake_quant_mxint8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxint8", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mx9
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mx9>} : tensor<64x256xf32>
func.func @fake_quant_mx9(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mx9", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mx6
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mx6>} : tensor<64x256xf32>
func.func @fake_quant_mx6(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mx6", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_mx4
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mx4>} : tensor<64x256xf32>
func.func @fake_quant_mx4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mx4", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_nvfp4
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<nvfp4>} : tensor<64x256xf32>
func.func @fake_quant_nvfp4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "nvfp4", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @fake_quant_int8
// CHECK: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<int8>} : tensor<64x256xf32>
func.func @fake_quant_int8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "int8", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxfp8_e4m3
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxfp8_e4m3(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxfp8_e5m2
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e5m2, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp8_e5m2, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxfp8_e5m2(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e5m2, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp8_e5m2, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxfp6_e3m2
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp6_e3m2, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp6_e3m2, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxfp6_e3m2(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp6_e3m2, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp6_e3m2, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxfp6_e2m3
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp6_e2m3, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp6_e2m3, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxfp6_e2m3(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp6_e2m3, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp6_e2m3, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxfp4_e2m1
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxfp4_e2m1(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mxint8
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxint8, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxint8, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mxint8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxint8, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxint8, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mx9
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx9, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mx9, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mx9(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx9, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mx9, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mx6
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx6, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mx6, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mx6(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx6, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mx6, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_mx4
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx4, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mx4, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_mx4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mx4, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mx4, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_nvfp4
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<nvfp4, axis = 1>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<nvfp4, axis = 1>> -> tensor<64x256xf32>
func.func @qdq_nvfp4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<nvfp4, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<nvfp4, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @qdq_int8
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} : tensor<64x256xf32> -> tensor<64x256x!mx.q<int8>>
// CHECK: mx.dequantize %[[Q]] : tensor<64x256x!mx.q<int8>> -> tensor<64x256xf32>
func.func @qdq_int8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<int8>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<int8>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// The axis defaults to the last dimension (it is not materialized).
// CHECK-LABEL: func @default_axis
// CHECK: mx.fake_quant %{{.*}} {format = #mx.format<mxfp8_e4m3>} : tensor<4x8x64xf32>
func.func @default_axis(%x: tensor<4x8x64xf32>) -> tensor<4x8x64xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<4x8x64xf32>
  return %y : tensor<4x8x64xf32>
}

// f16 and bf16 inputs.
// CHECK-LABEL: func @half_inputs
// CHECK: mx.fake_quant %{{.*}} : tensor<32xf16>
// CHECK: mx.quantize %{{.*}} : tensor<32xbf16> -> tensor<32x!mx.q<mxfp4_e2m1, axis = 0>>
func.func @half_inputs(%x: tensor<32xf16>, %b: tensor<32xbf16>) -> (tensor<32xf16>, tensor<32x!mx.q<mxfp4_e2m1, axis = 0>>) {
  %y = mx.fake_quant %x {format = "mxfp6_e2m3"} : tensor<32xf16>
  %q = mx.quantize %b : tensor<32xbf16> -> tensor<32x!mx.q<mxfp4_e2m1, axis = 0>>
  return %y, %q : tensor<32xf16>, tensor<32x!mx.q<mxfp4_e2m1, axis = 0>>
}

// Quantized tensors cross function boundaries as values.
// CHECK-LABEL: func @quantized_arg
// CHECK-SAME: (%{{.*}}: tensor<16x128x!mx.q<mx6, axis = 1>>) -> tensor<16x128xf32>
func.func @quantized_arg(%q: tensor<16x128x!mx.q<mx6, axis = 1>>) -> tensor<16x128xf32> {
  %y = mx.dequantize %q : tensor<16x128x!mx.q<mx6, axis = 1>> -> tensor<16x128xf32>
  return %y : tensor<16x128xf32>
}

// Static (calibrated) per-tensor quantization: unresolved, then resolved.
// CHECK-LABEL: func @static_scales
// CHECK: mx.quantize %{{.*}} {calibration = "a"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
// CHECK: mx.quantize %{{.*}} {calibration = "a", static_scale = 5.000000e-01 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
func.func @static_scales(%x: tensor<8x64xf32>) -> (tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<int8>>) {
  %a = mx.quantize %x {calibration = "a"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %b = mx.quantize %x {calibration = "a", static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %a, %b : tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<int8>>
}

// The ops on quantized tensors that --mx-propagate builds.
// CHECK-LABEL: func @quantized_ops
// CHECK: mx.transpose %{{.*}} permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
// CHECK: mx.clamp %{{.*}} {min = 0.000000e+00 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.clamp %{{.*}} {max = 0.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x9x9x16x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>>
func.func @quantized_ops(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>, %p: tensor<1x9x9x16x!mx.q<int8, granularity = channel, axis = 3>>) {
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
  %r = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %c = mx.clamp %q {min = 0.0 : f32, max = 0.0 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %m = mx.max_pool %p {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x9x9x16x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>>
  return
}
