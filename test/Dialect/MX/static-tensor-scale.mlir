// RUN: mx-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Formats with a per-tensor f32 scale take a calibrated tensor scale.
// CHECK-LABEL: func @nvfp4
// CHECK: mx.quantize %arg0 {calibration = "t", static_scale = 2.500000e-01 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
// CHECK: mx.quantize %arg0 {calibration = "u"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
func.func @nvfp4(%x: tensor<8x64xf32>) -> (tensor<8x64x!mx.q<nvfp4, axis = 1>>, tensor<8x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>) {
  %q = mx.quantize %x {calibration = "t", static_scale = 0.25 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  %p = mx.quantize %x {calibration = "u"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
  return %q, %p : tensor<8x64x!mx.q<nvfp4, axis = 1>>, tensor<8x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
}

// -----

func.func @mx_without_tensor_scale(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> {
  // expected-error@+1 {{static scales (calibration / static_scale) need a symmetric per-tensor format with an f32 scale, such as int8, or a format with a per-tensor f32 scale (tensor_scale = true, such as nvfp4)}}
  %q = mx.quantize %x {calibration = "t"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

func.func @negative(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<nvfp4, axis = 1>> {
  // expected-error@+1 {{static_scale must be positive and finite}}
  %q = mx.quantize %x {calibration = "t", static_scale = -1.0 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<8x64x!mx.q<nvfp4, axis = 1>>
}

// -----

func.func @no_name(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<nvfp4, axis = 1>> {
  // expected-error@+1 {{static_scale needs a calibration name}}
  %q = mx.quantize %x {static_scale = 1.0 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<8x64x!mx.q<nvfp4, axis = 1>>
}

// -----

func.func @static_scales_form(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<nvfp4, axis = 1>> {
  // expected-error@+1 {{static_scales need an INT8 format with f32 scales}}
  %q = mx.quantize %x {static_scales = dense<1.0> : tensor<8x4xf32>} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<8x64x!mx.q<nvfp4, axis = 1>>
}
