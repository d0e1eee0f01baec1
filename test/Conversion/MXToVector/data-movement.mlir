// RUN: mx-opt %s -split-input-file --convert-mx-to-vector | FileCheck %s

// The ops on quantized tensors become the same operation on the storage
// parts (data, scales, ...).

// mx.transpose: data and block scales transposed alike.
// CHECK-LABEL: func @transpose
// CHECK-SAME: (%[[DATA:.*]]: tensor<8x64xi8>, %[[SCALES:.*]]: tensor<8x2xi8>) -> (tensor<64x8xi8>, tensor<2x8xi8>)
// CHECK: %[[TD:.*]] = linalg.transpose ins(%[[DATA]] : tensor<8x64xi8>) outs(%{{.*}} : tensor<64x8xi8>) permutation = [1, 0]
// CHECK: %[[TS:.*]] = linalg.transpose ins(%[[SCALES]] : tensor<8x2xi8>) outs(%{{.*}} : tensor<2x8xi8>) permutation = [1, 0]
// CHECK: return %[[TD]], %[[TS]]
func.func @transpose(%q: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>> {
  %t = mx.transpose %q permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
  return %t : tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
}

// -----

// mx.clamp on two's complement INT8 codes: the signed maximum with 0; the
// per-tensor scale passes through.
// CHECK-LABEL: func @relu_int8
// CHECK-SAME: (%[[DATA:.*]]: tensor<8x64xi8>, %[[SCALE:.*]]: tensor<f32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[DATA]] : tensor<8x64xi8>)
// CHECK: arith.maxsi
// CHECK: return %[[R]], %[[SCALE]]
func.func @relu_int8(%q: tensor<8x64x!mx.q<int8>>) -> tensor<8x64x!mx.q<int8>> {
  %r = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<int8>>
  return %r : tensor<8x64x!mx.q<int8>>
}

// -----

// With a zero point: the unsigned maximum with the zero point.
// CHECK-LABEL: func @relu_zero_point
// CHECK-SAME: %[[ZP:[^:]*]]: tensor<i32>)
// CHECK: %[[Z:.*]] = tensor.extract %[[ZP]][]
// CHECK: %[[Z8:.*]] = arith.trunci %[[Z]] : i32 to i8
// CHECK: linalg.generic
// CHECK: arith.maxui %{{.*}}, %[[Z8]]
func.func @relu_zero_point(%q: tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>) -> tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>> {
  %r = mx.clamp %q {min = 0.0 : f32} : tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>
  return %r : tensor<8x64x!mx.q<int8, elem = ui8, zero_point = true>>
}

// -----

// mx.max_pool: max pooling of the INT8 codes from -128; per-channel scales
// pass through.
// CHECK-LABEL: func @max_pool
// CHECK-SAME: (%[[DATA:.*]]: tensor<1x8x8x16xi8>, %[[SCALES:.*]]: tensor<16xf32>)
// CHECK: %[[LOW:.*]] = arith.constant -128 : i8
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[LOW]] : i8)
// CHECK: %[[P:.*]] = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[DATA]], %{{.*}} : tensor<1x8x8x16xi8>, tensor<2x2xi8>) outs(%[[INIT]] : tensor<1x4x4x16xi8>)
// CHECK: return %[[P]], %[[SCALES]]
func.func @max_pool(%q: tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 3>>) -> tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>> {
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x8x8x16x!mx.q<int8, granularity = channel, axis = 3>> -> tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>>
  return %p : tensor<1x4x4x16x!mx.q<int8, granularity = channel, axis = 3>>
}

// -----

// tensor.concat of 4-bit codes along the block axis: packed data and block
// scales concatenated.
// CHECK-LABEL: func @concat
// CHECK-SAME: (%[[D0:.*]]: tensor<8x32xi8>, %[[S0:.*]]: tensor<8x2xi8>, %[[D1:.*]]: tensor<8x16xi8>, %[[S1:.*]]: tensor<8x1xi8>)
// CHECK: %[[D:.*]] = tensor.concat dim(1) %[[D0]], %[[D1]] : (tensor<8x32xi8>, tensor<8x16xi8>) -> tensor<8x48xi8>
// CHECK: %[[S:.*]] = tensor.concat dim(1) %[[S0]], %[[S1]] : (tensor<8x2xi8>, tensor<8x1xi8>) -> tensor<8x3xi8>
// CHECK: return %[[D]], %[[S]]
func.func @concat(%a: tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>, %b: tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<8x96x!mx.q<mxfp4_e2m1, axis = 1>> {
  %c = tensor.concat dim(1) %a, %b : (tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<8x96x!mx.q<mxfp4_e2m1, axis = 1>>
  return %c : tensor<8x96x!mx.q<mxfp4_e2m1, axis = 1>>
}

