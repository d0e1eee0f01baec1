// RUN: mx-opt %s -split-input-file -verify-diagnostics

// Every verifier and parser message of the mx dialect.

func.func @axis_out_of_range(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'mx.fake_quant' op axis 2 is out of range for a tensor of rank 2}}
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 2 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @negative_axis(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'mx.fake_quant' op axis -1 is out of range for a tensor of rank 2}}
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = -1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @rank0_block(%x: tensor<f32>) -> tensor<f32> {
  // expected-error@+1 {{'mx.fake_quant' op a per-block format needs a tensor of rank at least 1}}
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @quantize_axis_out_of_range(%x: tensor<64x256xf32>) {
  // expected-error@+1 {{'mx.quantize' op axis 3 is out of range for a tensor of rank 2}}
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 3>>
  return
}

// -----

func.func @block_size_zero(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: block size must be positive, got 0}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, block = 0>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @block_size_negative(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: block size must be positive, got -32}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, block = -32>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @element_not_allowed_e4m3_scale(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: element type i8 is not allowed with f8E4M3FN scales (allowed: f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN)}}
  %y = mx.fake_quant %x {format = #mx.format<nvfp4, elem = i8>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @element_not_allowed_f32_scale(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: element type f8E4M3FN is not allowed with f32 scales (allowed: i8, ui8)}}
  %y = mx.fake_quant %x {format = #mx.format<int8, elem = f8E4M3FN>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @element_not_allowed_e8m0_scale(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: element type ui8 is not allowed with f8E8M0FNU scales}}
  %y = mx.fake_quant %x {format = #mx.format<mxint8, elem = ui8>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @element_not_quantized(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{element type 'f16' is not a quantized element; expected f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN, i8, ui8 or sm}}
  %y = mx.fake_quant %x {format = #mx.format<elem = f16>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @scale_type_unsupported(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{scale type 'bf16' is not supported; expected f8E8M0FNU, f8E4M3FN or f32}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, scale = bf16>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @quantize_shape_mismatch(%x: tensor<64x256xf32>) {
  // expected-error@+1 {{'mx.quantize' op shapes of the float tensor (64x256) and the quantized tensor (64x128) differ}}
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x128x!mx.q<mxfp4_e2m1, axis = 1>>
  return
}

// -----

func.func @dequantize_shape_mismatch(%q: tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>) {
  // expected-error@+1 {{'mx.dequantize' op shapes of the float tensor (32x256) and the quantized tensor (64x256) differ}}
  %x = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<32x256xf32>
  return
}

// -----

func.func @scale_rule_int8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{invalid quantization format: scale rule 'rceil' does not apply to this format: scale rules choose an f8E8M0FNU shared exponent for float or i8 elements (this format has i8 elements and f32 scales)}}
  %y = mx.fake_quant %x {format = #mx.format<int8, scale_rule = rceil>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @scale_rule_nvfp4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{scale rule 'ceil' does not apply to this format}}
  %y = mx.fake_quant %x {format = #mx.format<nvfp4, scale_rule = ceil>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @scale_rule_microexponent(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{scale rule 'rceil' does not apply to this format}}
  %y = mx.fake_quant %x {format = #mx.format<mx9, scale_rule = rceil>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @unknown_preset(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{unknown format 'mxfp3'; expected one of mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, mxint8, mx9, mx6, mx4, nvfp4, int8}}
  %y = mx.fake_quant %x {format = "mxfp3"} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @missing_format(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{expected a 'format' attribute}}
  %y = mx.fake_quant %x {axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @format_wrong_kind(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'format' must be a preset name or a #mx.format<...>, got 3 : i64}}
  %y = mx.fake_quant %x {format = 3} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @axis_wrong_kind(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'axis' must be a 64-bit integer, got "last"}}
  %y = mx.fake_quant %x {format = "mx6", axis = "last"} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @unknown_key(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{unknown format key 'blocks'; expected elem, mantissa, granularity, block, scale, scale_rule, rounding, exp_bits, sub_block, sub_bits, tensor_scale, zero_point}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, blocks = 32>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @preset_not_first(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{the preset name 'mx6' must come first}}
  %y = mx.fake_quant %x {format = #mx.format<block = 32, mx6>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @no_base(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{a format needs a preset name or an 'elem = ...' entry}}
  %y = mx.fake_quant %x {format = #mx.format<block = 32>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @bad_enum(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{unknown rounding 'stochastic'; expected one of nearest_even, nearest_away, toward_zero}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, rounding = stochastic>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @bad_bool(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'tensor_scale' takes true or false, got 'yes'}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, tensor_scale = yes>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @negative_mantissa(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{'mantissa' must not be negative, got -3}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, mantissa = -3>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @mantissa_range(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{sign-magnitude mantissa must have 1 to 23 bits, got 24}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, mantissa = 24>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @mantissa_on_float(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{mantissa bits are only meaningful for the sm element, not f8E4M3FN}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, mantissa = 3>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @sub_block_not_dividing(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{sub-block size 3 does not divide block size 16}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, sub_block = 3>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @sub_block_on_float(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{a microexponent sub-block needs the sm element, not f4E2M1FN}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp4_e2m1, sub_block = 2, sub_bits = 1>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @sub_bits_without_sub_block(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{microexponent bits 2 given without a sub-block}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, sub_block = 0, sub_bits = 2>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @sub_bits_range(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{microexponent bits must be 1 to 8, got 0}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, sub_bits = 0>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @exp_bits_range(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{shared exponent bits must be 1 to 8, got 9}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, exp_bits = 9>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @exp_bits_on_float(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{shared exponent bits other than 8 need the sm element, not f8E5M2}}
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e5m2, exp_bits = 5>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @sm_with_e4m3_scale(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{element type sm is not allowed with f8E4M3FN scales}}
  %y = mx.fake_quant %x {format = #mx.format<mx6, scale = f8E4M3FN>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @per_channel_e8m0(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{per-channel scales must be f32, got f8E8M0FNU}}
  %y = mx.fake_quant %x {format = #mx.format<mxint8, granularity = channel>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @tensor_scale_on_int8(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{a per-tensor f32 scale over block scales needs a block format}}
  %y = mx.fake_quant %x {format = #mx.format<int8, tensor_scale = true>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @zero_point_on_mx(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{a zero point needs an integer element with f32 scales}}
  %y = mx.fake_quant %x {format = #mx.format<mxint8, zero_point = true>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

func.func @ui8_symmetric(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  // expected-error@+1 {{the ui8 element needs a zero point (asymmetric quantization)}}
  %y = mx.fake_quant %x {format = #mx.format<int8, elem = ui8>} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// expected-error@+1 {{a per-tensor format takes no axis, got axis = 0}}
func.func @per_tensor_with_axis(%q: tensor<4x!mx.q<int8, axis = 0>>) {
  return
}

// -----

// expected-error@+1 {{a per-block format needs a non-negative axis, got none}}
func.func @block_without_axis(%q: tensor<4x!mx.q<mxfp4_e2m1>>) {
  return
}

// -----

func.func @quantize_to_float(%x: tensor<64x256xf32>) {
  // expected-error@+1 {{'mx.quantize' op result #0 must be ranked tensor of mx quantized element values, but got 'tensor<64x256xf32>'}}
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256xf32>
  return
}

// -----

func.func @quantize_integer_input(%x: tensor<64x256xi32>) {
  // expected-error@+1 {{'mx.quantize' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %q = mx.quantize %x : tensor<64x256xi32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
  return
}

// -----

func.func @fake_quant_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error@+1 {{'mx.fake_quant' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %y = mx.fake_quant %x {format = "mx6"} : tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @static_scale_on_block_format(%x: tensor<8x64xf32>) {
  // expected-error@+1 {{'mx.quantize' op static scales (calibration / static_scale) need a symmetric per-tensor format with an f32 scale, such as int8}}
  %q = mx.quantize %x {calibration = "t"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @static_scale_without_name(%x: tensor<8x64xf32>) {
  // expected-error@+1 {{'mx.quantize' op static_scale needs a calibration name}}
  %q = mx.quantize %x {static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return
}

// -----

func.func @static_scale_negative(%x: tensor<8x64xf32>) {
  // expected-error@+1 {{'mx.quantize' op static_scale must be positive and finite}}
  %q = mx.quantize %x {calibration = "t", static_scale = -0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return
}

// -----

func.func @transpose_not_permutation(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op permutation must be a permutation of [0, rank)}}
  %t = mx.transpose %q permutation = [0, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @transpose_rank(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op permutation has 3 entries for a tensor of rank 2}}
  %t = mx.transpose %q permutation = [0, 1, 2] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @transpose_shape(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op result dimension 0 (8) is not input dimension 1 (64)}}
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 0>>
  return
}

// -----

func.func @transpose_axis(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op result axis must be 0 (the position of input axis 1 in the permutation), got 1}}
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @transpose_format(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op input and result formats differ}}
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e5m2, axis = 0>>
  return
}

// -----

func.func @transpose_packed(%q: tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>) {
  // expected-error@+1 {{'mx.transpose' op sub-byte elements are packed along the last dimension: the permutation must keep it last}}
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x8x!mx.q<mxfp4_e2m1, axis = 0>>
  return
}

// -----

func.func @clamp_no_bound(%q: tensor<8x64x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.clamp' op needs a 'min' or a 'max' bound}}
  %c = mx.clamp %q : tensor<8x64x!mx.q<int8>>
  return
}

// -----

func.func @clamp_bound(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.clamp' op bound 6.000000e+00 is not +0.0: only zero is exactly representable under every runtime scale}}
  %c = mx.clamp %q {max = 6.0 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @clamp_negative_zero(%q: tensor<8x64x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.clamp' op bound -0.000000e+00 is not +0.0}}
  %c = mx.clamp %q {min = -0.0 : f32} : tensor<8x64x!mx.q<int8>>
  return
}

// -----

func.func @clamp_six_bit(%q: tensor<8x64x!mx.q<mxfp6_e3m2, axis = 1>>) {
  // expected-error@+1 {{'mx.clamp' op 6-bit packed formats are not supported}}
  %c = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<mxfp6_e3m2, axis = 1>>
  return
}

// -----

func.func @clamp_channel_zero_points(%q: tensor<8x64x!mx.q<int8, granularity = channel, zero_point = true, axis = 1>>) {
  // expected-error@+1 {{'mx.clamp' op zero points are only supported per tensor}}
  %c = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<int8, granularity = channel, zero_point = true, axis = 1>>
  return
}

// -----

func.func @max_pool_block(%q: tensor<1x8x8x32x!mx.q<mxfp8_e4m3, axis = 3>>) {
  // expected-error@+1 {{'mx.max_pool' op needs an INT8 format with one scale per tensor or per channel (axis 3): a window must share one scale}}
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>
  return
}

// -----

func.func @max_pool_channel_axis(%q: tensor<1x8x8x32x!mx.q<int8, granularity = channel, axis = 1>>) {
  // expected-error@+1 {{'mx.max_pool' op needs an INT8 format with one scale per tensor or per channel (axis 3)}}
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x32x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<1x4x4x32x!mx.q<int8, granularity = channel, axis = 1>>
  return
}

// -----

func.func @max_pool_rank(%q: tensor<8x32x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.max_pool' op expects NHWC tensors of rank 4}}
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<8x32x!mx.q<int8>> -> tensor<4x16x!mx.q<int8>>
  return
}

// -----

func.func @max_pool_shape(%q: tensor<1x8x8x32x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.max_pool' op spatial dimension 1 of the result is 3, expected 4}}
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x32x!mx.q<int8>> -> tensor<1x3x4x32x!mx.q<int8>>
  return
}

// -----

func.func @max_pool_kernel(%q: tensor<1x8x8x32x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.max_pool' op kernel, strides and dilations must be positive}}
  %p = mx.max_pool %q {kernel = array<i64: 0, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x32x!mx.q<int8>> -> tensor<1x4x4x32x!mx.q<int8>>
  return
}

// -----

func.func @max_pool_channels(%q: tensor<1x8x8x32x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.max_pool' op batch and channel dimensions must be kept}}
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x32x!mx.q<int8>> -> tensor<1x4x4x16x!mx.q<int8>>
  return
}
