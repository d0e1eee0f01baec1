// RUN: mx-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mx-parallelize-loops))" | FileCheck %s

// A marked loop without loop-carried values: scf.parallel, same bounds and
// body.
// CHECK-LABEL: func.func @marked
// CHECK-NOT: scf.for
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c8) step (%c2) {
// CHECK: %[[V:.*]] = memref.load %{{.*}}[%[[I]]]
// CHECK: memref.store %[[V]], %{{.*}}[%[[I]]]
// CHECK-NOT: mx.parallel
func.func @marked(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c2 {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
  } {mx.parallel}
  return
}

// -----

// Unmarked loops and marked loops that carry a value (a reduction) stay
// serial; a marked loop inside a converted one stays serial (one level of
// threads).
// CHECK-LABEL: func.func @serial
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args
// CHECK: } {mx.parallel}
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: } {mx.parallel}
// CHECK-NOT: scf.parallel
func.func @serial(%x: memref<8x8xf32>, %y: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %y[%i] : memref<8xf32>
    memref.store %v, %y[%i] : memref<8xf32>
  }
  %s = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %y[%i] : memref<8xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  } {mx.parallel}
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %x[%i, %j] : memref<8x8xf32>
      memref.store %v, %x[%j, %i] : memref<8x8xf32>
    } {mx.parallel}
  } {mx.parallel}
  return %s : f32
}
