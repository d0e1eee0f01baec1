// RUN: mx-opt %s --mx-import-quant --split-input-file | FileCheck %s

// Upstream quant Q/DQ to mx: every !quant.uniform flavour the importer
// represents.

// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[Q:.*]] = mx.quantize %[[X]] {static_scales = dense<5.000000e-01> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]] : tensor<4x!mx.q<int8>> -> tensor<4xf32>
// CHECK: return %[[D]]
// CHECK-NOT: quant.
func.func @per_tensor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %y = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A zero point; several dequantizations of one quantization.
// CHECK-LABEL: func.func @zero_point
// CHECK: %[[Q:.*]] = mx.quantize %{{.*}} {static_scales = dense<2.500000e-01> : tensor<f32>, static_zero_points = dense<-3> : tensor<i32>} : tensor<4xf16> -> tensor<4x!mx.q<int8, zero_point = true>>
// CHECK: mx.dequantize %[[Q]] : tensor<4x!mx.q<int8, zero_point = true>> -> tensor<4xf16>
// CHECK: mx.dequantize %[[Q]] : tensor<4x!mx.q<int8, zero_point = true>> -> tensor<4xf16>
func.func @zero_point(%x: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>) {
  %q = quant.qcast %x : tensor<4xf16> to tensor<4x!quant.uniform<i8:f16, 0.25:-3>>
  %y = quant.dcast %q : tensor<4x!quant.uniform<i8:f16, 0.25:-3>> to tensor<4xf16>
  %z = quant.dcast %q : tensor<4x!quant.uniform<i8:f16, 0.25:-3>> to tensor<4xf16>
  return %y, %z : tensor<4xf16>, tensor<4xf16>
}

// -----

// u8 storage is the ui8 element (the same bytes, codes 0..255).
// CHECK-LABEL: func.func @unsigned_per_axis
// CHECK: mx.quantize %{{.*}} {static_scales = dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>, static_zero_points = dense<[10, 128]> : tensor<2xi32>} : tensor<2x3xf32> -> tensor<2x3x!mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>>
func.func @unsigned_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:0, {0.5:10, 0.25:128}>>
  %y = quant.dcast %q : tensor<2x3x!quant.uniform<u8:f32:0, {0.5:10, 0.25:128}>> to tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Symmetric per-axis i8 on a dynamic batch dimension.
// CHECK-LABEL: func.func @per_axis_dynamic
// CHECK: mx.quantize %{{.*}} {static_scales = dense<[1.000000e+00, 2.000000e+00, 4.000000e+00]> : tensor<3xf32>} : tensor<?x3xf32> -> tensor<?x3x!mx.q<int8, granularity = channel, axis = 1>>
func.func @per_axis_dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %q = quant.qcast %x : tensor<?x3xf32> to tensor<?x3x!quant.uniform<i8:f32:1, {1.0, 2.0, 4.0}>>
  %y = quant.dcast %q : tensor<?x3x!quant.uniform<i8:f32:1, {1.0, 2.0, 4.0}>> to tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Sub-channel: blocks of 2 along dimension 1; dimension 0 is unlisted (one
// block of its whole size), so its scales repeat for every row of mx.
// CHECK-LABEL: func.func @sub_channel
// CHECK: mx.quantize %{{.*}} {static_scales = dense<{{\[\[}}5.000000e-01, 2.500000e-01], [5.000000e-01, 2.500000e-01], [5.000000e-01, 2.500000e-01]]> : tensor<3x2xf32>} : tensor<3x4xf32> -> tensor<3x4x!mx.q<int8, block = 2, axis = 1>>
func.func @sub_channel(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %q = quant.qcast %x : tensor<3x4xf32> to tensor<3x4x!quant.uniform<i8:f32:{1:2}, {{0.5, 0.25}}>>
  %y = quant.dcast %q : tensor<3x4x!quant.uniform<i8:f32:{1:2}, {{0.5, 0.25}}>> to tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Blocks on two dimensions: mx blocks along the larger one (dimension 0,
// blocks of 4), the scales expanded along dimension 1; zero points too.
// CHECK-LABEL: func.func @sub_channel_2d
// CHECK: mx.quantize %{{.*}} {static_scales = dense<{{\[\[}}1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00]]> : tensor<1x4xf32>, static_zero_points = dense<{{\[\[}}0, 0, 5, 5]]> : tensor<1x4xi32>} : tensor<4x4xf32> -> tensor<4x4x!mx.q<int8, block = 4, zero_point = true, axis = 0>>
func.func @sub_channel_2d(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %q = quant.qcast %x : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i8:f32:{0:4, 1:2}, {{1.0, 2.0:5}}>>
  %y = quant.dcast %q : tensor<4x4x!quant.uniform<i8:f32:{0:4, 1:2}, {{1.0, 2.0:5}}>> to tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// Storage casts: integer codes with the type's constant scales, and back.
// CHECK-LABEL: func.func @storage_cast
// CHECK-SAME: (%[[C:.*]]: tensor<4xi8>)
// CHECK-DAG: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<3> : tensor<i32>
// CHECK: %[[Q:.*]] = mx.assemble %[[C]], %[[S]], %[[Z]] : tensor<4xi8>, tensor<f32>, tensor<i32> -> tensor<4x!mx.q<int8, zero_point = true>>
// CHECK: %[[P:.*]]:3 = mx.disassemble %[[Q]]
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]]
// CHECK: return %[[P]]#0, %[[D]]
func.func @storage_cast(%c: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xf32>) {
  %q = quant.scast %c : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xi8>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xf32>
  return %i, %d : tensor<4xi8>, tensor<4xf32>
}

// -----

// The codes of a quantization, as ONNX QuantizeLinear outputs them.
// CHECK-LABEL: func.func @codes
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[P:.*]]:2 = mx.disassemble %[[Q]] : tensor<4x!mx.q<int8>> -> tensor<4xi8>, tensor<f32>
// CHECK: return %[[P]]#0
func.func @codes(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xi8>
  return %i : tensor<4xi8>
}
