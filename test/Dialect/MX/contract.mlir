// RUN: mx-opt %s -split-input-file -verify-diagnostics -mlir-print-local-scope | FileCheck %s
// RUN: mx-opt %s -split-input-file -verify-diagnostics | mx-opt -split-input-file -verify-diagnostics -mlir-print-local-scope | FileCheck %s

// The custom form round-trips, optional operands included.
// CHECK-LABEL: func @full
// CHECK: mx.contract %arg0, %arg1 bias(%arg2 : tensor<16xf32>) residual(%arg3 : tensor<4x16xf32>) {bias_map = affine_map<(d0, d1, d2) -> (d1)>, clamp_min = 0.000000e+00 : f32, indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<4x16xf32>
func.func @full(%a: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>, %bias: tensor<16xf32>, %res: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %c = mx.contract %a, %b bias(%bias : tensor<16xf32>) residual(%res : tensor<4x16xf32>) {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"],
         bias_map = affine_map<(m, n, k) -> (n)>, clamp_min = 0.0 : f32}
       : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// CHECK-LABEL: func @requantized
// CHECK: mx.contract %arg0, %arg1 {{{.*}}output_scale = 2.500000e-01 : f32} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8>>
func.func @requantized(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8>> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"], output_scale = 0.25 : f32}
       : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8>>
  return %c : tensor<4x16x!mx.q<int8>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @two_maps(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{expects 3 indexing maps (lhs, rhs, result), got 2}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @bad_iterator(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{iterator type 2 is 'window'; expected "parallel" or "reduction"}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "window"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @extent_mismatch(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<32x16x!mx.q<int8>>) {
  // expected-error @below {{loop dimension d2 has extent 64 but dimension 0 of the rhs is 32}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<32x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mk2 = affine_map<(m, n, k) -> (m, k)>
func.func @reduction_in_result(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{indexing map of the result must use parallel dimensions only}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mk2], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x64xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @bias_without_map(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>, %bias: tensor<16xf32>) {
  // expected-error @below {{a bias needs a bias_map}}
  %c = mx.contract %a, %b bias(%bias : tensor<16xf32>) {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @bias_wrong_size(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>, %bias: tensor<8xf32>) {
  // expected-error @below {{loop dimension d1 has extent 16 but dimension 0 of the bias is 8}}
  %c = mx.contract %a, %b bias(%bias : tensor<8xf32>) {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], bias_map = affine_map<(m, n, k) -> (n)>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#in = affine_map<(n, oh, f, kh, c) -> (n, oh * 2 + kh, c)>
#w = affine_map<(n, oh, f, kh, c) -> (kh, c, f)>
#out = affine_map<(n, oh, f, kh, c) -> (n, oh, f)>
func.func @window_out_of_bounds(%a: tensor<1x8x32x!mx.q<int8>>, %b: tensor<3x32x4x!mx.q<int8>>) {
  // expected-error @below {{indexing map of the lhs reaches index 8 of dimension 1, which has size 8}}
  %c = mx.contract %a, %b {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} : tensor<1x8x32x!mx.q<int8>>, tensor<3x32x4x!mx.q<int8>> -> tensor<1x4x4xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @residual_shape(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>, %r: tensor<4x8xf32>) {
  // expected-error @below {{residual must be an f32 tensor of the result's shape}}
  %c = mx.contract %a, %b residual(%r : tensor<4x8xf32>) {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @crossed_clamp(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{clamp_min must not exceed clamp_max}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], clamp_min = 1.0 : f32, clamp_max = 0.0 : f32} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_scale_float(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{output_scale needs a quantized result}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scale = 1.0 : f32} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_scale_mx(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{output_scale applies to per-tensor INT8 results only}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scale = 1.0 : f32} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @f16_result(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) {
  // expected-error @below {{result element type must be f32 or !mx.q, got 'f16'}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf16>
  return
}

// -----

#in = affine_map<(n, oh, f, kh, c) -> (n, oh + kh, c)>
#w = affine_map<(n, oh, f, kh, c) -> (c, f)>
#out = affine_map<(n, oh, f, kh, c) -> (n, oh, f)>
func.func @unknown_extent(%a: tensor<1x8x32x!mx.q<int8>>, %b: tensor<32x4x!mx.q<int8>>) {
  // expected-error @below {{loop dimension d3 is not the plain index of any dimension, so its extent is unknown}}
  %c = mx.contract %a, %b {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} : tensor<1x8x32x!mx.q<int8>>, tensor<32x4x!mx.q<int8>> -> tensor<1x6x4xf32>
  return
}

// -----

// Static output scales (per channel, with zero points), lhs padding and a
// bias the accumulator starts from round-trip.
// CHECK-LABEL: func @output_scales_padding
// CHECK: mx.contract %arg0, %arg1 bias(%arg2 : tensor<4xf32>) {bias_init, bias_map = {{.*}}, lhs_pad_high = array<i64: 0, 1, 1, 0>, lhs_pad_low = array<i64: 0, 1, 1, 0>, output_scales = dense<[5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00]> : tensor<4xf32>, output_zero_points = dense<[0, 1, -2, 3]> : tensor<4xi32>}
func.func @output_scales_padding(%a: tensor<1x4x4x8x!mx.q<int8>>, %b: tensor<4x3x3x8x!mx.q<int8, granularity = channel, axis = 0>>, %bias: tensor<4xf32>) -> tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>> {
  %c = mx.contract %a, %b bias(%bias : tensor<4xf32>) {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         bias_map = affine_map<(n, h, w, f, kh, kw, c) -> (f)>, bias_init,
         lhs_pad_low = array<i64: 0, 1, 1, 0>, lhs_pad_high = array<i64: 0, 1, 1, 0>,
         output_scales = dense<[0.5, 0.25, 1.0, 2.0]> : tensor<4xf32>,
         output_zero_points = dense<[0, 1, -2, 3]> : tensor<4xi32>}
       : tensor<1x4x4x8x!mx.q<int8>>, tensor<4x3x3x8x!mx.q<int8, granularity = channel, axis = 0>> -> tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>>
  return %c : tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_scales_shape(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>> {
  // expected-error @below {{output_scales have shape 8, but the scales part of 'tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>>' has shape 16}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scales = dense<1.0> : tensor<8xf32>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>>
  return %c : tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_scales_block_format(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>> {
  // expected-error @below {{output_scales need an INT8 result with f32 scales; the scales of this format are computed from the data}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scales = dense<1.0> : tensor<4x1xf32>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>>
  return %c : tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_scales_with_scale(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8>> {
  // expected-error @below {{output_scale and output_scales exclude each other}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scale = 1.0 : f32, output_scales = dense<1.0> : tensor<f32>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8>>
  return %c : tensor<4x16x!mx.q<int8>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_zero_points_missing(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8, zero_point = true>> {
  // expected-error @below {{the result format has a zero point: give output_zero_points with output_scales}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scales = dense<1.0> : tensor<f32>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8, zero_point = true>>
  return %c : tensor<4x16x!mx.q<int8, zero_point = true>>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @output_zero_point_range(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8, elem = ui8, zero_point = true>> {
  // expected-error @below {{output zero point 300 is outside the element range [0, 255]}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], output_scales = dense<1.0> : tensor<f32>, output_zero_points = dense<300> : tensor<i32>} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16x!mx.q<int8, elem = ui8, zero_point = true>>
  return %c : tensor<4x16x!mx.q<int8, elem = ui8, zero_point = true>>
}

// -----

func.func @pad_axis(%a: tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>) -> tensor<1x2x2x4xf32> {
  // expected-error @below {{lhs padding along the quantization axis 3 is not supported}}
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         lhs_pad_low = array<i64: 0, 0, 0, 1>, lhs_pad_high = array<i64: 0, 0, 0, 0>}
       : tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x2x2x4xf32>
  return %c : tensor<1x2x2x4xf32>
}

// -----

func.func @pad_rank(%a: tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>) -> tensor<1x2x2x4xf32> {
  // expected-error @below {{lhs_pad_low and lhs_pad_high need one entry per lhs dimension (4)}}
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         lhs_pad_low = array<i64: 1, 1>, lhs_pad_high = array<i64: 1, 1>}
       : tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x2x2x4xf32>
  return %c : tensor<1x2x2x4xf32>
}

// -----

func.func @pad_reach(%a: tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>) -> tensor<1x4x4x4xf32> {
  // expected-error @below {{indexing map of the lhs reaches index 5 of dimension 1, which has size 5}}
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         lhs_pad_low = array<i64: 0, 1, 1, 0>, lhs_pad_high = array<i64: 0, 0, 1, 0>}
       : tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @bias_init_without_bias(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<4x16xf32> {
  // expected-error @below {{bias_init needs a bias}}
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], bias_init} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}
