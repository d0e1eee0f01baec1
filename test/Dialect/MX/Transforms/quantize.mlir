// RUN: mx-opt %s -split-input-file --mx-quantize="format=mxfp8_e4m3" | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-quantize="format=int8" | FileCheck %s --check-prefix=INT8
// RUN: mx-opt %s -split-input-file --mx-quantize="format=int8 activations=static" | FileCheck %s --check-prefix=STATIC
// RUN: mx-opt %s -split-input-file --mx-quantize="format=mxfp8_e4m3 weight-format=mxfp4_e2m1 block-size=16 scale-rule=rceil" | FileCheck %s --check-prefix=MIXED
// RUN: mx-opt %s -split-input-file --mx-quantize="format=mxfp8_e4m3" --mx-quantize="format=mxfp8_e4m3" | FileCheck %s --check-prefix=TWICE

// Activations and weights of a matmul, blocks along K.
// CHECK-LABEL: func @matmul
// CHECK: %[[QX:.*]] = mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[DX:.*]] = mx.dequantize %[[QX]]
// CHECK: %[[QW:.*]] = mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<mxfp8_e4m3, axis = 0>>
// CHECK: %[[DW:.*]] = mx.dequantize %[[QW]]
// CHECK: linalg.matmul ins(%[[DX]], %[[DW]] :
// INT8 activations per tensor (dynamic by default), weights per output channel.
// INT8-LABEL: func @matmul
// INT8: mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
// INT8: mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<int8, granularity = channel, axis = 1>>
// Static activations are named for calibration and stay unresolved.
// STATIC-LABEL: func @matmul
// STATIC: mx.quantize %arg0 {calibration = "matmul:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
// STATIC: mx.quantize %arg1 : tensor<64x128xf32>
// MIXED-LABEL: func @matmul
// MIXED: tensor<8x64x!mx.q<mxfp8_e4m3, block = 16, scale_rule = rceil, axis = 1>>
// MIXED: tensor<64x128x!mx.q<mxfp4_e2m1, block = 16, scale_rule = rceil, axis = 0>>
// Running the pass twice quantizes once.
// TWICE-LABEL: func @matmul
// TWICE-COUNT-2: mx.quantize
// TWICE-NOT: mx.quantize
// TWICE: linalg.matmul
func.func @matmul(%x: tensor<8x64xf32>, %w: tensor<64x128xf32>, %acc: tensor<8x128xf32>) -> tensor<8x128xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<8x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
  return %y : tensor<8x128xf32>
}

// -----

// A transposed B (indexing maps): K is the last dim of both inputs.
// CHECK-LABEL: func @matmul_transpose_b
// CHECK: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: tensor<128x64x!mx.q<mxfp8_e4m3, axis = 1>>
// INT8-LABEL: func @matmul_transpose_b
// INT8: tensor<128x64x!mx.q<int8, granularity = channel, axis = 0>>
func.func @matmul_transpose_b(%x: tensor<8x64xf32>, %w: tensor<128x64xf32>, %acc: tensor<8x128xf32>) -> tensor<8x128xf32> {
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<8x64xf32>, tensor<128x64xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
  return %y : tensor<8x128xf32>
}

// -----

// CHECK-LABEL: func @batch_matmul
// CHECK: tensor<4x8x64x!mx.q<mxfp8_e4m3, axis = 2>>
// CHECK: tensor<4x64x32x!mx.q<mxfp8_e4m3, axis = 1>>
func.func @batch_matmul(%x: tensor<4x8x64xf32>, %w: tensor<4x64x32xf32>, %acc: tensor<4x8x32xf32>) -> tensor<4x8x32xf32> {
  %y = linalg.batch_matmul ins(%x, %w : tensor<4x8x64xf32>, tensor<4x64x32xf32>) outs(%acc : tensor<4x8x32xf32>) -> tensor<4x8x32xf32>
  return %y : tensor<4x8x32xf32>
}

// -----

// Convolutions: blocks along the input channels; INT8 weights per output
// channel.
// CHECK-LABEL: func @conv_nhwc
// CHECK: tensor<1x8x8x64x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: tensor<3x3x64x32x!mx.q<mxfp8_e4m3, axis = 2>>
// INT8-LABEL: func @conv_nhwc
// INT8: tensor<3x3x64x32x!mx.q<int8, granularity = channel, axis = 3>>
func.func @conv_nhwc(%x: tensor<1x8x8x64xf32>, %w: tensor<3x3x64x32xf32>, %acc: tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32> {
  %y = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x8x8x64xf32>, tensor<3x3x64x32xf32>) outs(%acc : tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}

// -----

// CHECK-LABEL: func @conv_nchw
// CHECK: tensor<1x64x8x8x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: tensor<32x64x3x3x!mx.q<mxfp8_e4m3, axis = 1>>
// INT8-LABEL: func @conv_nchw
// INT8: tensor<32x64x3x3x!mx.q<int8, granularity = channel, axis = 0>>
func.func @conv_nchw(%x: tensor<1x64x8x8xf32>, %w: tensor<32x64x3x3xf32>, %acc: tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32> {
  %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x64x8x8xf32>, tensor<32x64x3x3xf32>) outs(%acc : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  return %y : tensor<1x32x6x6xf32>
}

// -----

// Depthwise: no shared reduction axis; blocks along the channels.
// CHECK-LABEL: func @depthwise
// CHECK: tensor<1x8x8x64x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: tensor<3x3x64x!mx.q<mxfp8_e4m3, axis = 2>>
func.func @depthwise(%x: tensor<1x8x8x64xf32>, %w: tensor<3x3x64xf32>, %acc: tensor<1x6x6x64xf32>) -> tensor<1x6x6x64xf32> {
  %y = linalg.depthwise_conv_2d_nhwc_hwc ins(%x, %w : tensor<1x8x8x64xf32>, tensor<3x3x64xf32>) outs(%acc : tensor<1x6x6x64xf32>) -> tensor<1x6x6x64xf32>
  return %y : tensor<1x6x6x64xf32>
}

// -----

// A linalg.generic contraction (A * B^T).
// CHECK-LABEL: func @generic_contraction
// CHECK: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: tensor<16x64x!mx.q<mxfp8_e4m3, axis = 1>>
func.func @generic_contraction(%a: tensor<8x64xf32>, %b: tensor<16x64xf32>, %acc: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j, k)>, affine_map<(i, j, k) -> (i, j)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x64xf32>, tensor<16x64xf32>) outs(%acc : tensor<8x16xf32>) {
  ^bb0(%x: f32, %w: f32, %o: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// TOSA: matmul, conv2d, depthwise_conv2d (zero points and bias stay).
// CHECK-LABEL: func @tosa
// CHECK: tensor<1x8x64x!mx.q<mxfp8_e4m3, axis = 2>>
// CHECK: tensor<1x64x16x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: tensor<1x8x8x16x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: tensor<32x3x3x16x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: tensor<3x3x16x1x!mx.q<mxfp8_e4m3, axis = 2>>
// INT8-LABEL: func @tosa
// INT8: tensor<1x64x16x!mx.q<int8, granularity = channel, axis = 2>>
// INT8: tensor<32x3x3x16x!mx.q<int8, granularity = channel, axis = 0>>
func.func @tosa(%a: tensor<1x8x64xf32>, %b: tensor<1x64x16xf32>, %x: tensor<1x8x8x16xf32>, %w: tensor<32x3x3x16xf32>, %bias: tensor<32xf32>, %dw: tensor<3x3x16x1xf32>, %dbias: tensor<16xf32>) -> (tensor<1x8x16xf32>, tensor<1x6x6x32xf32>, tensor<1x6x6x16xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x8x64xf32>, tensor<1x64x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x16xf32>
  %c = tosa.conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x32xf32>
  %d = tosa.depthwise_conv2d %x, %dw, %dbias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<3x3x16x1xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x16xf32>
  return %m, %c, %d : tensor<1x8x16xf32>, tensor<1x6x6x32xf32>, tensor<1x6x6x16xf32>
}
