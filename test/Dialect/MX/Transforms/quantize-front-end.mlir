// RUN: mx-opt %s --mx-quantize="ops=none" --split-input-file | FileCheck %s

// --mx-quantize first rewrites front-end variants into the forms
// --mx-propagate and --mx-fuse recognise (same values), whether or not it
// then quantizes anything (ops=none: nothing).

// A bias as linalg.broadcast + linalg.add: the generic reads the bias
// through the projection of the broadcast; the broadcast is gone.
// CHECK: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK: func.func @bias
// CHECK-NOT: linalg.broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[C]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x3x4x4xf32>, tensor<3xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: linalg.add
func.func @bias(%x: tensor<2x3x4x4xf32>, %b: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %e = tensor.empty() : tensor<2x3x4x4xf32>
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%e : tensor<2x3x4x4xf32>) dimensions = [0, 2, 3]
  %r = linalg.add ins(%x, %bb : tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>) outs(%e : tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  return %r : tensor<2x3x4x4xf32>
}

// -----

// relu as linalg.max with a zero fill, and a clamp as linalg.min with a
// splat constant first: one-input generics of arith.maximumf / minimumf
// (operand order kept).
// CHECK-LABEL: func.func @relu6
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<8xf32>)
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[Z]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[R]] : tensor<8xf32>)
// CHECK: %[[S:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: arith.minimumf %[[S]], %{{.*}} : f32
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.max
// CHECK-NOT: linalg.min
func.func @relu6(%x: tensor<8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant dense<6.0> : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %r = linalg.max ins(%x, %z : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %c = linalg.min ins(%six, %r : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  return %c : tensor<8xf32>
}

// -----

// The max of two tensors is not a clamp: unchanged.
// CHECK-LABEL: func.func @max2
// CHECK: linalg.max ins(%arg0, %arg1
func.func @max2(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.max ins(%x, %y : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// NCHW max pooling: transposed to NHWC around linalg.pooling_nhwc_max,
// from a fill of -inf in NHWC.
// CHECK-LABEL: func.func @pool
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<2x2x2x3xf32>)
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<2x3x4x4xf32>) outs(%{{.*}} : tensor<2x4x4x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[P:.*]] = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[T]], %{{.*}} : tensor<2x4x4x3xf32>, tensor<2x2xf32>) outs(%[[INIT]]
// CHECK: %[[B:.*]] = linalg.transpose ins(%[[P]] : tensor<2x2x2x3xf32>) outs(%{{.*}} : tensor<2x3x2x2xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[B]]
// CHECK-NOT: linalg.pooling_nchw_max
func.func @pool(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x2x2xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %k = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x3x2x2xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<2x3x2x2xf32>) -> tensor<2x3x2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %k : tensor<2x3x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<2x3x2x2xf32>) -> tensor<2x3x2x2xf32>
  return %p : tensor<2x3x2x2xf32>
}
