// RUN: mx-opt %s -split-input-file -verify-diagnostics

// Verifier messages of static scales and of mx.assemble / mx.disassemble.

func.func @scales_shape(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{static_scales have shape 3, but the scales part of 'tensor<2x4x!mx.q<int8, granularity = channel, axis = 0>>' has shape 2}}
  %q = mx.quantize %x {static_scales = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8, granularity = channel, axis = 0>>
  return
}

// -----

func.func @scales_mx(%x: tensor<2x32xf32>) {
  // expected-error@+1 {{static_scales need an INT8 format with f32 scales; the scales of this format are computed from the data}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<2x1xf32>} : tensor<2x32xf32> -> tensor<2x32x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @scales_negative(%x: tensor<4xf32>) {
  // expected-error@+1 {{static_scales must be positive and finite}}
  %q = mx.quantize %x {static_scales = dense<-1.0> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  return
}

// -----

func.func @both_forms(%x: tensor<4xf32>) {
  // expected-error@+1 {{static_scale and static_scales exclude each other}}
  %q = mx.quantize %x {calibration = "x", static_scale = 1.0 : f32, static_scales = dense<1.0> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  return
}

// -----

func.func @missing_zero_points(%x: tensor<4xf32>) {
  // expected-error@+1 {{the format has a zero point: give static_zero_points with static_scales}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8, zero_point = true>>
  return
}

// -----

func.func @extra_zero_points(%x: tensor<4xf32>) {
  // expected-error@+1 {{static_zero_points need a format with zero_point = true}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<f32>, static_zero_points = dense<0> : tensor<i32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  return
}

// -----

func.func @zero_point_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{static zero point 300 is outside the element range [0, 255]}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<f32>, static_zero_points = dense<300> : tensor<i32>} : tensor<4xf32> -> tensor<4x!mx.q<int8, elem = ui8, zero_point = true>>
  return
}

// -----

func.func @zero_points_alone(%x: tensor<4xf32>) {
  // expected-error@+1 {{static_zero_points need static_scales}}
  %q = mx.quantize %x {static_zero_points = dense<0> : tensor<i32>} : tensor<4xf32> -> tensor<4x!mx.q<int8, zero_point = true>>
  return
}

// -----

func.func @dynamic_axis(%x: tensor<?x4xf32>) {
  // expected-error@+1 {{static_scales need static sizes along the quantization axis (the scales part is 'tensor<?xf32>')}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<2xf32>} : tensor<?x4xf32> -> tensor<?x4x!mx.q<int8, granularity = channel, axis = 0>>
  return
}

// -----

func.func @assemble_count(%d: tensor<4xi8>) {
  // expected-error@+1 {{'tensor<4x!mx.q<int8>>' has 2 storage parts, not 1}}
  %q = mx.assemble %d : tensor<4xi8> -> tensor<4x!mx.q<int8>>
  return
}

// -----

func.func @assemble_type(%d: tensor<4xi8>, %s: tensor<1xf32>) {
  // expected-error@+1 {{storage part 1 of 'tensor<4x!mx.q<int8>>' has type 'tensor<f32>', not 'tensor<1xf32>'}}
  %q = mx.assemble %d, %s : tensor<4xi8>, tensor<1xf32> -> tensor<4x!mx.q<int8>>
  return
}

// -----

func.func @disassemble_type(%q: tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>>) {
  // expected-error@+1 {{storage part 0 of 'tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>>' has type 'tensor<64x16xi8>', not 'tensor<64x32xi8>'}}
  %p:2 = mx.disassemble %q : tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x32xi8>, tensor<64x1xi8>
  return
}
