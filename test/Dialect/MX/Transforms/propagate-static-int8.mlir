// RUN: mx-opt %s -split-input-file --mx-propagate="remarks=true" -verify-diagnostics | FileCheck %s

// Static INT8 (a fixed per-tensor scale and zero point): quantization is a
// monotone map that sends zeros to the zero point and NaN to the largest
// code, so a quantization moves before relu, max-pooling, zero padding and
// a concatenation (docs/Quantization.md). Dynamic scales and block formats
// do not.

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// TensorRT's chain: relu -> max-pool -> pad -> Q becomes
// Q -> mx.clamp -> mx.max_pool -> mx.pad.
// CHECK-LABEL: func @chain
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {calibration = "c", static_scale = 2.500000e-01 : f32} : tensor<1x8x8x16xf32> -> tensor<1x8x8x16x!mx.q<int8>>
// CHECK-NEXT: %[[R:.*]] = mx.clamp %[[Q]] {min = 0.000000e+00 : f32}
// CHECK-NEXT: %[[P:.*]] = mx.max_pool %[[R]] {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK-NEXT: %[[PAD:.*]] = mx.pad %[[P]] low = [0, 1, 1, 0] high = [0, 1, 1, 0]
// CHECK-NEXT: %[[D:.*]] = mx.dequantize %[[PAD]]
// CHECK-NEXT: return %[[D]]
func.func @chain(%x: tensor<1x8x8x16xf32>) -> tensor<1x6x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %pe = tensor.empty() : tensor<1x4x4x16xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%r, %win : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %pad = tensor.pad %p low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  %q = mx.quantize %pad {calibration = "c", static_scale = 0.25 : f32} : tensor<1x6x6x16xf32> -> tensor<1x6x6x16x!mx.q<int8>>
  // expected-remark@+1 {{dequantization stays: 'func.return' does not commute}}
  %d = mx.dequantize %q : tensor<1x6x6x16x!mx.q<int8>> -> tensor<1x6x6x16xf32>
  return %d : tensor<1x6x6x16xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// With a runtime scale the quantization stops at relu (relu changes the
// maximum the scale comes from), after moving before the padding.
// CHECK-LABEL: func @chain_dynamic
// CHECK: linalg.generic
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK-NEXT: mx.pad %[[Q]]
func.func @chain_dynamic(%x: tensor<1x8x8x16xf32>) -> tensor<1x10x10x16x!mx.q<int8>> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %pad = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x16xf32> to tensor<1x10x10x16xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'linalg.generic': clamping before the quantization would change the maximum its scales come from}}
  %q = mx.quantize %pad : tensor<1x10x10x16xf32> -> tensor<1x10x10x16x!mx.q<int8>>
  return %q : tensor<1x10x10x16x!mx.q<int8>>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// An upper bound stops even a static quantization: NaN quantizes to the
// largest code, which min(., zero point) would lower, while minimumf keeps
// NaN.
func.func @upper_bound_static(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<int8>> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.minimumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'linalg.generic': an upper bound does not commute with a static quantization}}
  %q = mx.quantize %r {calibration = "u", static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %q : tensor<8x64x!mx.q<int8>>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Static scales with a zero point (as imported from upstream quant): relu
// becomes the maximum with the zero point.
// CHECK-LABEL: func @relu_zero_point
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {static_scales = dense<1.250000e-01> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>}
// CHECK-NEXT: mx.clamp %[[Q]] {min = 0.000000e+00 : f32}
func.func @relu_zero_point(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  %q = mx.quantize %r {static_scales = dense<0.125> : tensor<f32>, static_zero_points = dense<3> : tensor<i32>} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>
  return %q : tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>
}

// -----

// TOSA relu (clamp 0, +inf) and max_pool2d with a static scale.
// CHECK-LABEL: func @tosa_chain
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {calibration = "t", static_scale = 1.000000e+00 : f32}
// CHECK-NEXT: %[[R:.*]] = mx.clamp %[[Q]] {min = 0.000000e+00 : f32}
// CHECK-NEXT: mx.max_pool %[[R]]
func.func @tosa_chain(%x: tensor<1x8x8x16xf32>) -> tensor<1x4x4x16x!mx.q<int8>> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 0x7F800000 : f32} : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x16xf32>) -> tensor<1x4x4x16xf32>
  %q = mx.quantize %p {calibration = "t", static_scale = 1.0 : f32} : tensor<1x4x4x16xf32> -> tensor<1x4x4x16x!mx.q<int8>>
  return %q : tensor<1x4x4x16x!mx.q<int8>>
}

// -----

// A concatenation under one static scale: the quantization moves onto each
// input, and codes are concatenated.
// CHECK-LABEL: func @concat_backward
// CHECK: %[[A:.*]] = mx.quantize %arg0 {calibration = "k", static_scale = 5.000000e-01 : f32}
// CHECK: %[[B:.*]] = mx.quantize %arg1 {calibration = "k", static_scale = 5.000000e-01 : f32}
// CHECK: %[[C:.*]] = tensor.concat dim(0) %[[A]], %[[B]] : (tensor<4x16x!mx.q<int8>>, tensor<4x16x!mx.q<int8>>) -> tensor<8x16x!mx.q<int8>>
// CHECK: return %[[C]]
func.func @concat_backward(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<8x16x!mx.q<int8>> {
  %c = tensor.concat dim(0) %a, %b : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<8x16xf32>
  %q = mx.quantize %c {calibration = "k", static_scale = 0.5 : f32} : tensor<8x16xf32> -> tensor<8x16x!mx.q<int8>>
  return %q : tensor<8x16x!mx.q<int8>>
}

// -----

// Dequantizations of codes with one static scale move past a
// concatenation; with different scales they stay.
// CHECK-LABEL: func @concat_forward
// CHECK: %[[C:.*]] = tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<4x16x!mx.q<int8>>, tensor<4x16x!mx.q<int8>>) -> tensor<4x32x!mx.q<int8>>
// CHECK: mx.dequantize %[[C]]
// CHECK-LABEL: func @concat_forward_different
// CHECK: mx.dequantize
// CHECK: mx.dequantize
// CHECK: tensor.concat
func.func @concat_forward(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x32xf32> {
  %qa = mx.quantize %a {calibration = "a", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  %qb = mx.quantize %b {calibration = "b", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  %da = mx.dequantize %qa : tensor<4x16x!mx.q<int8>> -> tensor<4x16xf32>
  %db = mx.dequantize %qb : tensor<4x16x!mx.q<int8>> -> tensor<4x16xf32>
  %c = tensor.concat dim(1) %da, %db : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x32xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %c : tensor<4x32xf32>
}
func.func @concat_forward_different(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x32xf32> {
  %qa = mx.quantize %a {calibration = "a", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  %qb = mx.quantize %b {calibration = "b", static_scale = 0.25 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.concat': each operand has its own runtime per-tensor scale}}
  %da = mx.dequantize %qa : tensor<4x16x!mx.q<int8>> -> tensor<4x16xf32>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.concat': each operand has its own runtime per-tensor scale}}
  %db = mx.dequantize %qb : tensor<4x16x!mx.q<int8>> -> tensor<4x16xf32>
  %c = tensor.concat dim(1) %da, %db : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x32xf32>
  return %c : tensor<4x32xf32>
}

// -----

// Block formats never move a quantization before max-pooling.
func.func @pool_block(%x: tensor<1x8x8x32xf32>) -> tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>> {
  %ninf = arith.constant 0xFF800000 : f32
  %pe = tensor.empty() : tensor<1x4x4x32xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %win : tensor<1x8x8x32xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'linalg.pooling_nhwc_max': pooling before the quantization would change the maximum its scale comes from}}
  %q = mx.quantize %p : tensor<1x4x4x32xf32> -> tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>
  return %q : tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// relu6 after a static dequantization: 6 = 12 * 0.5 has a code, so the
// clamp runs on the codes; with the scale 0.7 it has none and stays.
// CHECK-LABEL: func @relu6_forward
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK-NEXT: %[[C:.*]] = mx.clamp %[[Q]] {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK-NEXT: mx.dequantize %[[C]]
// CHECK-LABEL: func @relu6_not_multiple
// CHECK: mx.dequantize
// CHECK: linalg.generic
func.func @relu6_forward(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %q = mx.quantize %x {calibration = "r", static_scale = 0.5 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<8x64xf32>
  // expected-remark@-6 {{dequantization stays: 'func.return' does not commute}}
  return %r : tensor<8x64xf32>
}
func.func @relu6_not_multiple(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %q = mx.quantize %x {calibration = "r", static_scale = 0.7 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  // expected-remark@+1 {{dequantization stays: stopped at 'linalg.generic': the bound 6.000000 is not a multiple of the static scale 0.700000 with a code in range}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

// A lower bound other than zero: a static quantization moves before it
// (monotone), and mx.clamp clamps at the bound's code.
// CHECK-LABEL: func @max_backward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {calibration = "m", static_scale = 2.500000e-01 : f32}
// CHECK-NEXT: mx.clamp %[[Q]] {min = -1.500000e+00 : f32}
func.func @max_backward(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8x!mx.q<int8>> {
  %r = tosa.clamp %x {min_val = -1.5 : f32, max_val = 0x7F800000 : f32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %q = mx.quantize %r {calibration = "m", static_scale = 0.25 : f32} : tensor<1x4x4x8xf32> -> tensor<1x4x4x8x!mx.q<int8>>
  return %q : tensor<1x4x4x8x!mx.q<int8>>
}
