// RUN: mx-opt %s --convert-mx-observe-to-runtime | FileCheck %s

// Observers become calls of the calibration runtime on the flattened tensor;
// ids follow program order and the module lists the names.

// CHECK: module attributes {mx.calibration_tensors = ["a", "b", "s"]}
// CHECK: func.func private @mx_calibration_observe_f32(i64, i64, i64, i64, tensor<?xf32> {bufferization.access = "read"})

// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<f32>, %[[D:.*]]: tensor<?x4xf32>)
// id 0, no channel axis (-1), channels and inner 0.
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[F]] : tensor<24xf32> to tensor<?xf32>
// CHECK: call @mx_calibration_observe_f32(%c0_i64, %c-1_i64, %c0_i64, %c0_i64, %[[C]])
// id 1, per channel along axis 1: 3 channels, inner size 4.
// CHECK: call @mx_calibration_observe_f32(%c1_i64, %c1_i64, %c3_i64, %c4_i64, %{{.*}})
// Rank 0: expanded to one element.
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: %[[EC:.*]] = tensor.cast %[[E]] : tensor<1xf32> to tensor<?xf32>
// CHECK: call @mx_calibration_observe_f32(%c2_i64, %c-1_i64, %c0_i64, %c0_i64, %[[EC]])
// Dynamic shapes are collapsed as they are; the same name keeps its id.
// CHECK: %[[DC:.*]] = tensor.collapse_shape %[[D]] {{\[}}[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
// CHECK: call @mx_calibration_observe_f32(%c0_i64, %c-1_i64, %c0_i64, %c0_i64, %[[DC]])
// CHECK-NOT: mx.observe
func.func @f(%x: tensor<2x3x4xf32>, %s: tensor<f32>, %d: tensor<?x4xf32>) {
  mx.observe %x {name = "a"} : tensor<2x3x4xf32>
  mx.observe %x {name = "b", channel_axis = 1 : i64} : tensor<2x3x4xf32>
  mx.observe %s {name = "s"} : tensor<f32>
  mx.observe %d {name = "a"} : tensor<?x4xf32>
  return
}
