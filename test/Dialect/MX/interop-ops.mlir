// RUN: mx-opt %s | mx-opt | FileCheck %s

// Static scales of every INT8 granularity, and quantized tensors built from
// and split into their storage parts.

!pc = !mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>
!blk = !mx.q<int8, block = 2, axis = 1>

// CHECK-LABEL: func.func @static_scales
// CHECK: mx.quantize %{{.*}} {static_scales = dense<5.000000e-01> : tensor<f32>}
// CHECK: mx.quantize %{{.*}} {static_scales = dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>, static_zero_points = dense<[10, 128]> : tensor<2xi32>}
// CHECK: mx.quantize %{{.*}} {static_scales = dense<{{\[\[}}5.000000e-01, 2.500000e-01], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>}
func.func @static_scales(%x: tensor<2x4xf32>) -> (tensor<2x4x!mx.q<int8>>, tensor<2x4x!pc>, tensor<2x4x!blk>) {
  %a = mx.quantize %x {static_scales = dense<0.5> : tensor<f32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %b = mx.quantize %x {static_scales = dense<[0.5, 0.25]> : tensor<2xf32>, static_zero_points = dense<[10, 128]> : tensor<2xi32>} : tensor<2x4xf32> -> tensor<2x4x!pc>
  %c = mx.quantize %x {static_scales = dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>} : tensor<2x4xf32> -> tensor<2x4x!blk>
  return %a, %b, %c : tensor<2x4x!mx.q<int8>>, tensor<2x4x!pc>, tensor<2x4x!blk>
}

// CHECK-LABEL: func.func @parts
// CHECK: %[[Q:.*]] = mx.assemble %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4xi8>, tensor<2xf32>, tensor<2xi32> -> tensor<2x4x!mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>>
// CHECK: mx.disassemble %[[Q]] : tensor<2x4x!mx.q<int8, elem = ui8, granularity = channel, zero_point = true, axis = 0>> -> tensor<2x4xi8>, tensor<2xf32>, tensor<2xi32>
// CHECK: mx.disassemble %{{.*}} : tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x16xi8>, tensor<64x1xi8>
func.func @parts(%d: tensor<2x4xi8>, %s: tensor<2xf32>, %z: tensor<2xi32>, %m: tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>>) -> (tensor<2x4xi8>, tensor<64x16xi8>) {
  %q = mx.assemble %d, %s, %z : tensor<2x4xi8>, tensor<2xf32>, tensor<2xi32> -> tensor<2x4x!pc>
  %p:3 = mx.disassemble %q : tensor<2x4x!pc> -> tensor<2x4xi8>, tensor<2xf32>, tensor<2xi32>
  %m2:2 = mx.disassemble %m : tensor<64x32x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x16xi8>, tensor<64x1xi8>
  return %p#0, %m2#0 : tensor<2x4xi8>, tensor<64x16xi8>
}
