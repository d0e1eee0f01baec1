// RUN: mx-opt %s --mx-expand-fake-quant | FileCheck %s

// CHECK-LABEL: func @expand
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]] : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
// CHECK-NOT: mx.fake_quant
// CHECK: return %[[D]]
func.func @expand(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// The default axis is the last dimension; per-tensor formats have no axis.
// CHECK-LABEL: func @axes
// CHECK: mx.quantize %arg0 : tensor<4x8x64xbf16> -> tensor<4x8x64x!mx.q<mx9, axis = 2>>
// CHECK: mx.dequantize %{{.*}} -> tensor<4x8x64xbf16>
// CHECK: mx.quantize %{{.*}} : tensor<4x8x64xbf16> -> tensor<4x8x64x!mx.q<int8>>
// CHECK: mx.quantize %{{.*}} : tensor<4x8x64xbf16> -> tensor<4x8x64x!mx.q<int8, granularity = channel, axis = 0>>
func.func @axes(%x: tensor<4x8x64xbf16>) -> tensor<4x8x64xbf16> {
  %a = mx.fake_quant %x {format = "mx9"} : tensor<4x8x64xbf16>
  %b = mx.fake_quant %a {format = "int8", axis = 1 : i64} : tensor<4x8x64xbf16>
  %c = mx.fake_quant %b {format = #mx.format<int8, granularity = channel>, axis = 0 : i64} : tensor<4x8x64xbf16>
  return %c : tensor<4x8x64xbf16>
}

