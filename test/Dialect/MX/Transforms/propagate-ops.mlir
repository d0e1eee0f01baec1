// RUN: mx-opt %s -split-input-file --mx-propagate="remarks=true" -verify-diagnostics | FileCheck %s

// Propagation through ops that verify their element types: transposes,
// relu / max / min / clamp at zero, max-pooling and concatenation build mx
// ops on quantized tensors (or re-typed copies), one rule per case, with
// the cases that must not move.

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A transpose renumbers the block axis: mx.transpose carries it.
// CHECK-LABEL: func @transpose_block
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[T:.*]] = mx.transpose %[[Q]] permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
// CHECK: %[[D:.*]] = mx.dequantize %[[T]] : tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<64x8xf32>
// CHECK: return %[[D]]
func.func @transpose_block(%x: tensor<8x64xf32>) -> tensor<64x8xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %t = linalg.transpose ins(%d : tensor<8x64xf32>) outs(%e : tensor<64x8xf32>) permutation = [1, 0]
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %t : tensor<64x8xf32>
}

// -----

// Sub-byte codes are packed along the last dimension: a transpose that
// moves it stops.
// CHECK-LABEL: func @transpose_packed
// CHECK: mx.dequantize
// CHECK: linalg.transpose
func.func @transpose_packed(%x: tensor<8x64xf32>) -> tensor<64x8xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  // expected-remark@+1 {{dequantization stays: stopped at 'linalg.transpose': the transpose moves the last dimension, along which the sub-byte elements are packed}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %t = linalg.transpose ins(%d : tensor<8x64xf32>) outs(%e : tensor<64x8xf32>) permutation = [1, 0]
  return %t : tensor<64x8xf32>
}

// -----

// A quantization moves before a transpose (the same blocks, renumbered).
// CHECK-LABEL: func @transpose_backward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<4x8x64xf32> -> tensor<4x8x64x!mx.q<mxfp4_e2m1, axis = 0>>
// CHECK: %[[T:.*]] = mx.transpose %[[Q]] permutation = [1, 0, 2] : tensor<4x8x64x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<8x4x64x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: return %[[T]]
func.func @transpose_backward(%x: tensor<4x8x64xf32>) -> tensor<8x4x64x!mx.q<mxfp4_e2m1, axis = 1>> {
  %e = tensor.empty() : tensor<8x4x64xf32>
  %t = linalg.transpose ins(%x : tensor<4x8x64xf32>) outs(%e : tensor<8x4x64xf32>) permutation = [1, 0, 2]
  %q = mx.quantize %t : tensor<8x4x64xf32> -> tensor<8x4x64x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<8x4x64x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// relu (arith.maximumf with +0.0) on block codes: mx.clamp, scales kept.
// CHECK-LABEL: func @relu_block
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[R:.*]] = mx.clamp %[[Q]] {min = 0.000000e+00 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[D:.*]] = mx.dequantize %[[R]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[D]]
func.func @relu_block(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  // expected-remark@-6 {{dequantization stays: 'func.return' does not commute}}
  return %r : tensor<8x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// clamp(x, 0, 0) through min and max (constant outside the body), INT8
// with a zero point.
// CHECK-LABEL: func @clamp_both
// CHECK: mx.clamp %{{.*}} {max = 0.000000e+00 : f32, min = 0.000000e+00 : f32}
func.func @clamp_both(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %z = arith.constant 0.0 : f32
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %z, %a : f32
    %n = arith.minimumf %m, %z : f32
    linalg.yield %n : f32
  } -> tensor<8x64xf32>
  // expected-remark@-6 {{dequantization stays}}
  return %r : tensor<8x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// maxnumf drops NaN: a NaN block scale cannot become a number.
// CHECK-LABEL: func @maxnum
// CHECK: mx.dequantize
// CHECK: linalg.generic
func.func @maxnum(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'linalg.generic': 'arith.maxnumf' drops NaN, but a NaN scale makes a whole block (or tensor) NaN}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maxnumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// relu6: the bound 6 has no exact code under a runtime scale.
// CHECK-LABEL: func @relu6
// CHECK: mx.dequantize
// CHECK: linalg.generic
func.func @relu6(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  // expected-remark@+1 {{stopped at 'linalg.generic': the bound 6.000000 is not +0.0: only zero is exactly representable under every runtime scale}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %six = arith.constant 6.0 : f32
    %m = arith.maximumf %a, %z : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Any other elementwise body stops, naming what it computes.
// CHECK-LABEL: func @other_body
// CHECK: mx.dequantize
// CHECK: linalg.generic
func.func @other_body(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  // expected-remark@+1 {{stopped at 'linalg.generic': the body computes 'arith.negf', not relu, max, min or clamp}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.negf %a : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// The asymmetry: relu before a quantization changes the block maximum, so
// the quantization does not move before it.
// CHECK-LABEL: func @relu_backward
// CHECK: linalg.generic
// CHECK: mx.quantize
func.func @relu_backward(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> {
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'linalg.generic': clamping before the quantization would change the maximum its scales come from}}
  %q = mx.quantize %r : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// Max-pooling per-tensor INT8 codes: one scale per window.
// CHECK-LABEL: func @max_pool_int8
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[P:.*]] = mx.max_pool %[[Q]] {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x9x9x16x!mx.q<int8>> -> tensor<1x4x4x16x!mx.q<int8>>
// CHECK: mx.dequantize %[[P]]
func.func @max_pool_int8(%x: tensor<1x9x9x16xf32>) -> tensor<1x4x4x16xf32> {
  %q = mx.quantize %x : tensor<1x9x9x16xf32> -> tensor<1x9x9x16x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<1x9x9x16x!mx.q<int8>> -> tensor<1x9x9x16xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x4x16xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%d, %w : tensor<1x9x9x16xf32>, tensor<3x3xf32>) outs(%f : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %p : tensor<1x4x4x16xf32>
}

// -----

// Block formats: a window spans blocks with different scales.
// CHECK-LABEL: func @max_pool_block
// CHECK: mx.dequantize
// CHECK: linalg.pooling_nhwc_max
func.func @max_pool_block(%x: tensor<1x8x8x32xf32>) -> tensor<1x4x4x32xf32> {
  %q = mx.quantize %x : tensor<1x8x8x32xf32> -> tensor<1x8x8x32x!mx.q<mxfp8_e4m3, axis = 3>>
  // expected-remark@+1 {{stopped at 'linalg.pooling_nhwc_max': a pooling window spans blocks with different scales, whose codes cannot be compared}}
  %d = mx.dequantize %q : tensor<1x8x8x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x8x8x32xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x4x32xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%d, %w : tensor<1x8x8x32xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %p : tensor<1x4x4x32xf32>
}

// -----

// Per-channel scales along a pooled axis, and an initial value that is not
// -inf, stop.
// CHECK-LABEL: func @max_pool_stops
// CHECK-COUNT-2: linalg.pooling_nhwc_max
func.func @max_pool_stops(%x: tensor<1x8x8x16xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>) {
  %q = mx.quantize %x : tensor<1x8x8x16xf32> -> tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 1>>
  // expected-remark@+1 {{stopped at 'linalg.pooling_nhwc_max': the channel axis 1 is pooled over}}
  %d = mx.dequantize %q : tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<1x8x8x16xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x4x16xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%d, %w : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %q2 = mx.quantize %x : tensor<1x8x8x16xf32> -> tensor<1x8x8x16x!mx.q<int8>>
  // expected-remark@+1 {{stopped at 'linalg.pooling_nhwc_max': the initial value is not a fill of -inf}}
  %d2 = mx.dequantize %q2 : tensor<1x8x8x16x!mx.q<int8>> -> tensor<1x8x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %p2 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%d2, %w : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%f2 : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %p, %p2 : tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>
}

// -----

// Concatenation along the block axis at block boundaries: re-typed; and
// per-channel scales along the channel axis.
// CHECK-LABEL: func @concat
// CHECK: %[[C:.*]] = tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<8x96x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: mx.dequantize %[[C]]
// CHECK: %[[C2:.*]] = tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>>, tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>>) -> tensor<16x64x!mx.q<int8, granularity = channel, axis = 0>>
// CHECK: mx.dequantize %[[C2]]
func.func @concat(%x: tensor<8x64xf32>, %y: tensor<8x32xf32>) -> (tensor<8x96xf32>, tensor<16x64xf32>) {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x64xf32>
  %q2 = mx.quantize %y : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>
  %d2 = mx.dequantize %q2 : tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x32xf32>
  %c = tensor.concat dim(1) %d, %d2 : (tensor<8x64xf32>, tensor<8x32xf32>) -> tensor<8x96xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  %q3 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>>
  %d3 = mx.dequantize %q3 : tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>> -> tensor<8x64xf32>
  %q4 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>>
  %d4 = mx.dequantize %q4 : tensor<8x64x!mx.q<int8, granularity = channel, axis = 0>> -> tensor<8x64xf32>
  %c2 = tensor.concat dim(0) %d3, %d4 : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<16x64xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %c, %c2 : tensor<8x96xf32>, tensor<16x64xf32>
}

// -----

// Concatenations that must not move: per-tensor scales (each operand has
// its own), blocks cut at an operand's end, an operand not dequantized.
// CHECK-LABEL: func @concat_stops
// CHECK-COUNT-3: tensor.concat {{.*}}f32>
func.func @concat_stops(%x: tensor<8x64xf32>, %y: tensor<8x16xf32>) -> (tensor<16x64xf32>, tensor<8x80xf32>, tensor<8x80xf32>) {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  // expected-remark@+1 {{stopped at 'tensor.concat': each operand has its own runtime per-tensor scale; concatenating codes needs equal scales}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %q2 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  // expected-remark@+1 {{stopped at 'tensor.concat': each operand has its own runtime per-tensor scale}}
  %d2 = mx.dequantize %q2 : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %c = tensor.concat dim(0) %d, %d2 : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<16x64xf32>
  %q3 = mx.quantize %y : tensor<8x16xf32> -> tensor<8x16x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tensor.concat': an operand ends inside a block of 32 along axis 1}}
  %d3 = mx.dequantize %q3 : tensor<8x16x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x16xf32>
  %q4 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tensor.concat': an operand ends inside a block of 32 along axis 1}}
  %d4 = mx.dequantize %q4 : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %c2 = tensor.concat dim(1) %d3, %d4 : (tensor<8x16xf32>, tensor<8x64xf32>) -> tensor<8x80xf32>
  %q5 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tensor.concat': its operand 1 is not dequantized}}
  %d5 = mx.dequantize %q5 : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %c3 = tensor.concat dim(1) %d5, %y : (tensor<8x64xf32>, tensor<8x16xf32>) -> tensor<8x80xf32>
  return %c, %c2, %c3 : tensor<16x64xf32>, tensor<8x80xf32>, tensor<8x80xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// TensorRT's pattern: Q -> relu -> max-pool -> reshape -> DQ, with relu and
// max-pooling on per-tensor INT8 codes.
// CHECK-LABEL: func @conv_relu_pool_reshape
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[R:.*]] = mx.clamp %[[Q]] {min = 0.000000e+00 : f32}
// CHECK: %[[P:.*]] = mx.max_pool %[[R]]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[P]] {{.*}} into tensor<1x256x!mx.q<int8>>
// CHECK: %[[D:.*]] = mx.dequantize %[[C]]
// CHECK: linalg.matmul ins(%[[D]],
func.func @conv_relu_pool_reshape(%conv: tensor<1x8x8x16xf32>, %w: tensor<256x10xf32>) -> tensor<1x10xf32> {
  %q = mx.quantize %conv : tensor<1x8x8x16xf32> -> tensor<1x8x8x16x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<1x8x8x16x!mx.q<int8>> -> tensor<1x8x8x16xf32>
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %pe = tensor.empty() : tensor<1x4x4x16xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%r, %win : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %c = tensor.collapse_shape %p [[0], [1, 2, 3]] : tensor<1x4x4x16xf32> into tensor<1x256xf32>
  // expected-remark@-1 {{dequantization stays: 'linalg.matmul' does not commute}}
  %zero = arith.constant 0.0 : f32
  %me = tensor.empty() : tensor<1x10xf32>
  %mf = linalg.fill ins(%zero : f32) outs(%me : tensor<1x10xf32>) -> tensor<1x10xf32>
  %mm = linalg.matmul ins(%c, %w : tensor<1x256xf32>, tensor<256x10xf32>) outs(%mf : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %mm : tensor<1x10xf32>
}

// -----

// The TOSA equivalents: clamp (relu with nan_mode = PROPAGATE), transpose,
// max_pool2d.
// CHECK-LABEL: func @tosa
// CHECK: mx.clamp %{{.*}} {min = 0.000000e+00 : f32}
// CHECK: mx.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK: mx.transpose %{{.*}} permutation = [0, 3, 1, 2] : tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x16x4x4x!mx.q<int8, granularity = channel, axis = 1>>
// CHECK: mx.dequantize
func.func @tosa(%x: tensor<1x8x8x16xf32>) -> tensor<1x16x4x4xf32> {
  %q = mx.quantize %x : tensor<1x8x8x16xf32> -> tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 3>>
  %d = mx.dequantize %q : tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x8x8x16xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 0x7F800000 : f32} : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x16xf32>) -> tensor<1x4x4x16xf32>
  %t = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x16xf32>) -> tensor<1x16x4x4xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %t : tensor<1x16x4x4xf32>
}

// -----

// tosa.clamp that ignores NaN, or with a bound other than 0 / inf, stays.
// CHECK-LABEL: func @tosa_clamp_stops
// CHECK-COUNT-2: tosa.clamp
func.func @tosa_clamp_stops(%x: tensor<8x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tosa.clamp': nan_mode = IGNORE drops NaN}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 0x7F800000 : f32, nan_mode = #tosa.nan_mode<IGNORE>} : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %q2 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tosa.clamp': the upper bound is neither +0.0 nor +inf}}
  %d2 = mx.dequantize %q2 : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %r2 = tosa.clamp %d2 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r, %r2 : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// A quantization moves before a block-aligned concatenation onto every
// operand; per-tensor scales stop it (the maximum of the whole result).
// CHECK-LABEL: func @concat_backward
// CHECK-DAG: %[[A:.*]] = mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK-DAG: %[[B:.*]] = mx.quantize %arg1 : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[C:.*]] = tensor.concat dim(1) %[[A]], %[[B]] : (tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<8x96x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[C2:.*]] = tensor.concat dim(1) %arg0, %arg1 : (tensor<8x64xf32>, tensor<8x32xf32>) -> tensor<8x96xf32>
// CHECK: %[[Q2:.*]] = mx.quantize %[[C2]] : tensor<8x96xf32> -> tensor<8x96x!mx.q<int8>>
// CHECK: return %[[C]], %[[Q2]]
func.func @concat_backward(%x: tensor<8x64xf32>, %y: tensor<8x32xf32>) -> (tensor<8x96x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x96x!mx.q<int8>>) {
  %c = tensor.concat dim(1) %x, %y : (tensor<8x64xf32>, tensor<8x32xf32>) -> tensor<8x96xf32>
  %q = mx.quantize %c : tensor<8x96xf32> -> tensor<8x96x!mx.q<mxfp8_e4m3, axis = 1>>
  %c2 = tensor.concat dim(1) %x, %y : (tensor<8x64xf32>, tensor<8x32xf32>) -> tensor<8x96xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.concat': each operand has its own runtime per-tensor scale}}
  %q2 = mx.quantize %c2 : tensor<8x96xf32> -> tensor<8x96x!mx.q<int8>>
  return %q, %q2 : tensor<8x96x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x96x!mx.q<int8>>
}
