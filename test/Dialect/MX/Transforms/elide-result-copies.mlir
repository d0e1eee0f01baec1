// RUN: mx-opt %s --pass-pipeline="builtin.module(func.func(mx-elide-result-copies))" | FileCheck %s

// A result computed in a 1-D allocation and copied through a reshape into
// the out-parameter is computed in the out-parameter directly.
// CHECK-LABEL: func @flat_result
// CHECK-SAME: (%[[IN:.*]]: memref<64x256xf32>, %[[OUT:.*]]: memref<64x256xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [16384], strides: [1] : memref<64x256xf32> to memref<16384xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[VIEW]]
// CHECK-NOT: memref.copy
// CHECK: return
func.func @flat_result(%in: memref<64x256xf32>, %out: memref<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %flat = memref.collapse_shape %in [[0, 1]] : memref<64x256xf32> into memref<16384xf32>
  %alloc = memref.alloc() {alignment = 64 : i64} : memref<16384xf32>
  %v = vector.transfer_read %flat[%c0], %pad {in_bounds = [true]} : memref<16384xf32>, vector<16xf32>
  vector.transfer_write %v, %alloc[%c0] {in_bounds = [true]} : vector<16xf32>, memref<16384xf32>
  %e = memref.expand_shape %alloc [[0, 1]] output_shape [64, 256] : memref<16384xf32> into memref<64x256xf32>
  memref.copy %e, %out : memref<64x256xf32> to memref<64x256xf32>
  return
}

// Copies it must keep: the out-parameter has another use; element types
// differ in size; the source is not an allocation.
// CHECK-LABEL: func @kept
// CHECK-COUNT-2: memref.copy
func.func @kept(%in: memref<16xf32>, %out: memref<16xf32>, %out2: memref<4x4xf32>) {
  %alloc = memref.alloc() : memref<16xf32>
  memref.copy %alloc, %out : memref<16xf32> to memref<16xf32>
  %c0 = arith.constant 0 : index
  %x = memref.load %out[%c0] : memref<16xf32>
  %e = memref.expand_shape %in [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  memref.copy %e, %out2 : memref<4x4xf32> to memref<4x4xf32>
  return
}
