// RUN: mx-opt %s -split-input-file --mx-fuse="remarks=true" -verify-diagnostics -mlir-print-local-scope | FileCheck %s

// matmul -> bias -> residual -> clamp fuses into one mx.contract; the
// dequantizations and the epilogue ops disappear.
#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @matmul_epilogue
// CHECK-SAME: (%[[X:.*]]: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, %[[W:.*]]: tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>, %[[BV:.*]]: tensor<16xf32>, %[[R:.*]]: tensor<4x16xf32>)
// CHECK-NOT: mx.dequantize
// CHECK: %[[O:.*]] = mx.contract %[[X]], %[[W]] bias(%[[BV]] : tensor<16xf32>) residual(%[[R]] : tensor<4x16xf32>)
// CHECK-SAME: bias_map = affine_map<(d0, d1, d2) -> (d1)>, clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: -> tensor<4x16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[O]]
func.func @matmul_epilogue(%qx: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, %qw: tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>, %bias: tensor<16xf32>, %res: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  %b = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%res, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %clamp = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    %t = arith.minimumf %s, %six : f32
    linalg.yield %t : f32
  } -> tensor<4x16xf32>
  return %clamp : tensor<4x16xf32>
}

// -----

// A dynamic quantization of the result fuses (the result is quantized).
// CHECK-LABEL: func @requantize
// CHECK: %[[O:.*]] = mx.contract %arg0, %arg1 {indexing_maps = {{.*}}} : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x16x!mx.q<int8>>
// CHECK-NOT: mx.quantize
// CHECK: return %[[O]]
func.func @requantize(%qx: tensor<4x64x!mx.q<int8>>, %qw: tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>>) -> tensor<4x16x!mx.q<int8>> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  %q = mx.quantize %mm : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  return %q : tensor<4x16x!mx.q<int8>>
}

// -----

// A calibrated static quantization fuses with its scale (requantization);
// an unresolved one stays outside.
// CHECK-LABEL: func @static_requantize
// CHECK: mx.contract {{.*}}output_scale = 5.000000e-01 : f32{{.*}} -> tensor<4x16x!mx.q<int8>>
// CHECK-LABEL: func @unresolved
// CHECK: %[[O:.*]] = mx.contract {{.*}} -> tensor<4x16xf32>
// CHECK: mx.quantize %[[O]] {calibration = "out"}
func.func @static_requantize(%qx: tensor<4x64x!mx.q<int8>>, %qw: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8>> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<int8>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  %q = mx.quantize %mm {calibration = "out", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  return %q : tensor<4x16x!mx.q<int8>>
}
func.func @unresolved(%qx: tensor<4x64x!mx.q<int8>>, %qw: tensor<64x16x!mx.q<int8>>) -> tensor<4x16x!mx.q<int8>> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<int8>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @below {{quantization not fused: its static scale is not calibrated yet (run mx-infer-scales before mx-fuse)}}
  %q = mx.quantize %mm {calibration = "out"} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  return %q : tensor<4x16x!mx.q<int8>>
}

// -----

// Convolutions keep their indexing maps (strides become affine
// expressions), batch matmuls and transposed forms too.
// CHECK-LABEL: func @conv
// CHECK: mx.contract %arg0, %arg1 {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
func.func @conv(%qx: tensor<1x9x9x32x!mx.q<mxfp4_e2m1, axis = 3>>, %qw: tensor<3x3x32x8x!mx.q<mxfp4_e2m1, axis = 2>>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<1x9x9x32x!mx.q<mxfp4_e2m1, axis = 3>> -> tensor<1x9x9x32xf32>
  %w = mx.dequantize %qw : tensor<3x3x32x8x!mx.q<mxfp4_e2m1, axis = 2>> -> tensor<3x3x32x8xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x32xf32>, tensor<3x3x32x8xf32>) outs(%acc : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func @batch
// CHECK: mx.contract {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} -> tensor<2x4x16xf32>
func.func @batch(%qx: tensor<2x4x64x!mx.q<mxint8, axis = 2>>, %qw: tensor<2x64x16x!mx.q<mxint8, axis = 1>>) -> tensor<2x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<2x4x64x!mx.q<mxint8, axis = 2>> -> tensor<2x4x64xf32>
  %w = mx.dequantize %qw : tensor<2x64x16x!mx.q<mxint8, axis = 1>> -> tensor<2x64x16xf32>
  %e = tensor.empty() : tensor<2x4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %c = linalg.batch_matmul ins(%x, %w : tensor<2x4x64xf32>, tensor<2x64x16xf32>) outs(%acc : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %c : tensor<2x4x16xf32>
}

// CHECK-LABEL: func @transposed_b
// CHECK: mx.contract {{.*}}affine_map<(d0, d1, d2) -> (d1, d2)>
func.func @transposed_b(%qx: tensor<4x64x!mx.q<mx6, axis = 1>>, %qw: tensor<16x64x!mx.q<mx6, axis = 1>>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<mx6, axis = 1>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<16x64x!mx.q<mx6, axis = 1>> -> tensor<16x64xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %c = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%x, %w : tensor<4x64xf32>, tensor<16x64xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// -----

// What does not fuse stays, with a remark saying why.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @float_operand
// CHECK: linalg.matmul
func.func @float_operand(%qx: tensor<4x64x!mx.q<int8>>, %w: tensor<64x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @below {{not fused: input 1 is not dequantized (a float operand)}}
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %mm : tensor<4x16xf32>
}

// CHECK-LABEL: func @nonzero_init
// CHECK: linalg.matmul
func.func @nonzero_init(%qx: tensor<4x64x!mx.q<int8>>, %qw: tensor<64x16x!mx.q<int8>>, %init: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<int8>> -> tensor<64x16xf32>
  // expected-remark @below {{not fused: the accumulator does not start at +0.0 or at a broadcast bias (fold the initial value into a bias or residual add)}}
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%init : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %mm : tensor<4x16xf32>
}

// The contraction fuses, the relu written with arith.maxnumf does not
// (maxnumf(NaN, 0) is 0, the fused clamp would give NaN).
// CHECK-LABEL: func @maxnum_relu
// CHECK: %[[O:.*]] = mx.contract
// CHECK: linalg.generic {{.*}} ins(%[[O]]
// CHECK: arith.maxnumf
func.func @maxnum_relu(%qx: tensor<4x64x!mx.q<int8>>, %qw: tensor<64x16x!mx.q<int8>>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<4x64x!mx.q<int8>> -> tensor<4x64xf32>
  %w = mx.dequantize %qw : tensor<64x16x!mx.q<int8>> -> tensor<64x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @below {{epilogue stops here: it is not a bias add, residual add, relu or clamp (arith.maximumf / arith.minimumf with constants; arith.maxnumf treats NaN differently and does not fuse)}}
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%mm : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maxnumf %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %relu : tensor<4x16xf32>
}

// TOSA compute ops fuse too: fuse-tosa.mlir.

// -----

// A padded convolution as tosa-to-linalg lowers tosa.conv2d: the
// dequantized input padded with +0.0 by tensor.pad, the accumulator the
// bias broadcast over the output. The padding becomes lhs_pad_low /
// lhs_pad_high, the bias where the sum starts (bias_init).
// CHECK-LABEL: func @padded_conv_bias_init
// CHECK-SAME: (%[[X:.*]]: tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>>, %[[W:.*]]: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[O:.*]] = mx.contract %[[X]], %[[W]] bias(%[[B]] : tensor<4xf32>)
// CHECK-SAME: bias_init, bias_map = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3)>
// CHECK-SAME: lhs_pad_high = array<i64: 0, 1, 1, 0>, lhs_pad_low = array<i64: 0, 1, 1, 0>
// CHECK-NOT: linalg.
// CHECK: return %[[O]]
func.func @padded_conv_bias_init(%qx: tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>>, %qw: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %bias: tensor<4xf32>) -> tensor<1x5x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x5x5x32xf32>
  %w = mx.dequantize %qw : tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<4x3x3x32xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x5x5x32xf32> to tensor<1x7x7x32xf32>
  %e = tensor.empty() : tensor<1x5x5x4xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<4xf32>) outs(%e : tensor<1x5x5x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x5x5x4xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x7x7x32xf32>, tensor<4x3x3x32xf32>) outs(%init : tensor<1x5x5x4xf32>) -> tensor<1x5x5x4xf32>
  return %c : tensor<1x5x5x4xf32>
}

// A pad along the quantization axis (the channels) stays.
// CHECK-LABEL: func @padded_axis
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @padded_axis(%qx: tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>>, %qw: tensor<4x3x3x33x!mx.q<mxfp8_e4m3, axis = 3>>) -> tensor<1x3x3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %x = mx.dequantize %qx : tensor<1x5x5x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x5x5x32xf32>
  %w = mx.dequantize %qw : tensor<4x3x3x33x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<4x3x3x33xf32>
  %p = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 0, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x5x5x32xf32> to tensor<1x5x5x33xf32>
  %e = tensor.empty() : tensor<1x3x3x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  // expected-remark @below {{not fused: the input is padded along its quantization axis}}
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x5x5x33xf32>, tensor<4x3x3x33xf32>) outs(%acc : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %c : tensor<1x3x3x4xf32>
}
