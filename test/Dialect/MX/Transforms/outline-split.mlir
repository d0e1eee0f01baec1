// RUN: mx-opt %s --mx-outline-kernels="max-block-ops=2" | FileCheck %s
// RUN: mx-opt %s --mx-outline-kernels="max-block-ops=0" | FileCheck %s --check-prefix=OFF

// A block of at most max-block-ops ops stays.
// CHECK-LABEL: func.func @short
// OFF-LABEL: func.func @short
// CHECK-NOT: call
// CHECK: return
func.func @short(%x: tensor<8xf32>) -> tensor<8xf32> {
  %a = arith.addf %x, %x : tensor<8xf32>
  %b = arith.mulf %a, %x : tensor<8xf32>
  return %b : tensor<8xf32>
}

// A long block becomes calls of private functions of at most two ops each,
// in order; values crossing a boundary are arguments and results, constants
// are cloned where they are used.
// OFF-LABEL: func.func @long
// OFF-NOT: call
// CHECK-LABEL: func.func @long(%arg0: tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[P0:.*]]:2 = call @long_part(%arg0) : (tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
// CHECK: %[[P1:.*]] = call @long_part_0(%[[P0]]#1, %[[P0]]#0) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[P2:.*]] = call @long_part_1(%[[P1]], %[[P0]]#1) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: return %[[P2]]
// CHECK: func.func private @long_part(%[[X:.*]]: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<2.000000e+00>
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[X]], %[[C]]
// CHECK-NEXT: %[[B:.*]] = arith.mulf %[[A]], %[[X]]
// CHECK-NEXT: return %[[A]], %[[B]]
// CHECK: func.func private @long_part_0(%[[B:.*]]: tensor<8xf32>, %[[A:.*]]: tensor<8xf32>) -> tensor<8xf32>
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[B]], %[[A]]
// CHECK-NEXT: %[[E:.*]] = arith.mulf %[[D]], %[[D]]
// CHECK-NEXT: return %[[E]]
// CHECK: func.func private @long_part_1(
// CHECK-NEXT: arith.addf
// CHECK-NEXT: return
func.func @long(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = arith.constant dense<2.0> : tensor<8xf32>
  %a = arith.addf %x, %c : tensor<8xf32>
  %b = arith.mulf %a, %x : tensor<8xf32>
  %d = arith.addf %b, %a : tensor<8xf32>
  %e = arith.mulf %d, %d : tensor<8xf32>
  %f = arith.addf %e, %b : tensor<8xf32>
  return %f : tensor<8xf32>
}
