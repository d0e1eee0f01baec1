// RUN: mx-opt %s | FileCheck %s
// RUN: mx-opt %s | mx-opt | FileCheck %s

// Parametric and overridden formats: the printer names the closest preset of
// the same element kind plus the keys that differ, and the result parses back
// to the same attribute.

// CHECK-LABEL: func @overrides
func.func @overrides(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // CHECK: format = #mx.format<mxfp8_e4m3, scale_rule = rceil>
  %0 = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, scale_rule = rceil>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mxfp4_e2m1, scale_rule = ceil, rounding = toward_zero>
  %1 = mx.fake_quant %0 {format = #mx.format<mxfp4_e2m1, rounding = toward_zero, scale_rule = ceil>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mxfp6_e3m2, block = 16, rounding = nearest_away>
  %2 = mx.fake_quant %1 {format = #mx.format<mxfp6_e3m2, block = 16, rounding = nearest_away>} : tensor<8x64xf32>
  // A spelled-out preset prints as the preset.
  // CHECK: format = #mx.format<mxfp6_e2m3>
  %3 = mx.fake_quant %2 {format = #mx.format<elem = f6E2M3FN, block = 32, scale = f8E8M0FNU>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mxint8, block = 64>
  %4 = mx.fake_quant %3 {format = #mx.format<mxint8, block = 64>} : tensor<8x64xf32>
  return %4 : tensor<8x64xf32>
}

// The shared-microexponent family is parametric in k1/d1/k2/d2/m.
// CHECK-LABEL: func @microexponents
func.func @microexponents(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // CHECK: format = #mx.format<mx9>
  %0 = mx.fake_quant %x {format = #mx.format<elem = sm, mantissa = 7, block = 16, sub_block = 2, sub_bits = 1>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mx9, mantissa = 5, sub_block = 4, sub_bits = 2>
  %1 = mx.fake_quant %0 {format = #mx.format<elem = sm, mantissa = 5, block = 16, sub_block = 4, sub_bits = 2>} : tensor<8x64xf32>
  // Plain block floating point: no second level (d2 = 0).
  // CHECK: format = #mx.format<mx6, block = 32, sub_block = 0, sub_bits = 0>
  %2 = mx.fake_quant %1 {format = #mx.format<mx6, block = 32, sub_block = 0, sub_bits = 0>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mx4, exp_bits = 6, sub_block = 8, sub_bits = 3>
  %3 = mx.fake_quant %2 {format = #mx.format<mx4, exp_bits = 6, sub_block = 8, sub_bits = 3>} : tensor<8x64xf32>
  return %3 : tensor<8x64xf32>
}

// NVFP4 and MX formats with a per-tensor f32 scale over the block scales.
// CHECK-LABEL: func @two_level
func.func @two_level(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // CHECK: format = #mx.format<nvfp4>
  %0 = mx.fake_quant %x {format = #mx.format<elem = f4E2M1FN, block = 16, scale = f8E4M3FN, tensor_scale = true>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mxfp8_e4m3, tensor_scale = true>
  %1 = mx.fake_quant %0 {format = #mx.format<mxfp8_e4m3, tensor_scale = true>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<mxfp6_e2m3, block = 16, scale = f8E4M3FN, tensor_scale = true>
  %2 = mx.fake_quant %1 {format = #mx.format<nvfp4, elem = f6E2M3FN>} : tensor<8x64xf32>
  return %2 : tensor<8x64xf32>
}

// Classic INT8: per-tensor, per-channel, asymmetric.
// CHECK-LABEL: func @int8
func.func @int8(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // CHECK: {axis = 0 : i64, format = #mx.format<int8, granularity = channel>}
  %0 = mx.fake_quant %x {format = #mx.format<int8, granularity = channel>, axis = 0 : i64} : tensor<8x64xf32>
  // CHECK: format = #mx.format<int8, zero_point = true>
  %1 = mx.fake_quant %0 {format = #mx.format<int8, zero_point = true>} : tensor<8x64xf32>
  // CHECK: format = #mx.format<int8, elem = ui8, zero_point = true>
  %2 = mx.fake_quant %1 {format = #mx.format<elem = ui8, granularity = tensor, scale = f32, zero_point = true>} : tensor<8x64xf32>
  // Block-wise INT8 with f32 block scales (sub-channel).
  // CHECK: format = #mx.format<mxint8, scale = f32>
  %3 = mx.fake_quant %2 {format = #mx.format<int8, block = 32>} : tensor<8x64xf32>
  return %3 : tensor<8x64xf32>
}

// Attributes stand alone too.
// CHECK-LABEL: func @attr_holder
// CHECK-SAME: mx.fmt = #mx.format<mx6>
func.func @attr_holder() attributes {mx.fmt = #mx.format<mx6>} {
  return
}
