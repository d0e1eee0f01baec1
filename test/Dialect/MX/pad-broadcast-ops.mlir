// RUN: mx-opt %s | mx-opt | FileCheck %s

// CHECK-LABEL: func @pad
// CHECK: mx.pad %arg0 low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x6x6x16x!mx.q<int8>>
// CHECK: mx.pad %arg1 low = [2, 32] high = [0, 8] : tensor<4x40x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>
func.func @pad(%a: tensor<1x4x4x16x!mx.q<int8>>, %b: tensor<4x40x!mx.q<mxfp4_e2m1, axis = 1>>) -> (tensor<1x6x6x16x!mx.q<int8>>, tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>) {
  %p = mx.pad %a low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x6x6x16x!mx.q<int8>>
  %p2 = mx.pad %b low = [2, 32] high = [0, 8] : tensor<4x40x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>
  return %p, %p2 : tensor<1x6x6x16x!mx.q<int8>>, tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>
}

// CHECK-LABEL: func @broadcast
// CHECK: mx.broadcast %arg0 dimensions = [0, 2] : tensor<64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<2x64x3x!mx.q<mxfp8_e4m3, axis = 1>>
func.func @broadcast(%a: tensor<64x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<2x64x3x!mx.q<mxfp8_e4m3, axis = 1>> {
  %b = mx.broadcast %a dimensions = [0, 2] : tensor<64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<2x64x3x!mx.q<mxfp8_e4m3, axis = 1>>
  return %b : tensor<2x64x3x!mx.q<mxfp8_e4m3, axis = 1>>
}
