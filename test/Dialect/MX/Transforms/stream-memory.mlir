// RUN: mx-opt %s --pass-pipeline="builtin.module(func.func(mx-stream-memory{arg-alignment=64}))" | FileCheck %s
// RUN: mx-opt %s --pass-pipeline="builtin.module(func.func(mx-stream-memory))" | FileCheck %s --check-prefix=NOALIGN
// RUN: not mx-opt %s --pass-pipeline="builtin.module(func.func(mx-stream-memory{arg-alignment=48}))" 2>&1 | FileCheck %s --check-prefix=BADALIGN

// A streaming loop over 64 MiB: a prefetch 4 KiB (1024 floats) ahead of each
// read, clamped to the buffer, and non-temporal stores of whole aligned
// cache lines.
// CHECK-LABEL: func @stream
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK: %[[AHEAD:.*]] = arith.addi %[[LIN:.*]], %c1024 : index
// CHECK: %[[IDX:.*]] = arith.minui %[[AHEAD]], %[[LAST:.*]] : index
// The read spans two cache lines: one prefetch per line.
// CHECK: %[[AHEAD2:.*]] = arith.addi %[[LIN]], %c1040 : index
// CHECK: %[[IDX2:.*]] = arith.minui %[[AHEAD2]], %[[LAST]] : index
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1]] : memref<4096x4096xf32> into memref<16777216xf32>
// CHECK: memref.prefetch %[[FLAT]][%[[IDX]]], read, locality<3>, data : memref<16777216xf32>
// CHECK-NEXT: memref.prefetch %[[FLAT]][%[[IDX2]]], read, locality<3>, data : memref<16777216xf32>
// CHECK-NEXT: vector.transfer_read
// CHECK: vector.store %{{.*}}, %{{.*}}[%[[I]], %{{.*}}] {alignment = 64 : i64, nontemporal = true} : memref<4096x4096xf32>, vector<32xf32>
// Without a known argument alignment, stores stay ordinary.
// NOALIGN-LABEL: func @stream
// NOALIGN: memref.prefetch
// NOALIGN: vector.transfer_write
// NOALIGN-NOT: nontemporal
// BADALIGN: arg-alignment must be a power of two, got 48
func.func @stream(%in: memref<4096x4096xf32>, %out: memref<4096x4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %c4096 = arith.constant 4096 : index
  %pad = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4096 step %c1 {
    scf.for %b = %c0 to %c128 step %c1 {
      %j = arith.muli %b, %c32 : index
      %v = vector.transfer_read %in[%i, %j], %pad {in_bounds = [true]} : memref<4096x4096xf32>, vector<32xf32>
      vector.transfer_write %v, %out[%i, %j] {in_bounds = [true]} : vector<32xf32>, memref<4096x4096xf32>
    }
  }
  return
}

// Offsets that are not multiples of 64 bytes, small buffers, partial vectors
// and sub-line vectors keep ordinary stores.
// CHECK-LABEL: func @not_streamed
// CHECK-NOT: nontemporal
// CHECK: return
func.func @not_streamed(%in: memref<4096x4096xf32>, %out: memref<4096x4096xf32>, %small: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %j = arith.muli %i, %c4 : index
    %v = vector.transfer_read %in[%i, %j], %pad {in_bounds = [true]} : memref<4096x4096xf32>, vector<32xf32>
    vector.transfer_write %v, %out[%i, %j] {in_bounds = [true]} : vector<32xf32>, memref<4096x4096xf32>
    %w = vector.transfer_read %small[%i, %c0], %pad {in_bounds = [true]} : memref<64x64xf32>, vector<32xf32>
    vector.transfer_write %w, %small[%i, %c0] {in_bounds = [true]} : vector<32xf32>, memref<64x64xf32>
    %h = vector.transfer_read %in[%i, %c0], %pad {in_bounds = [true]} : memref<4096x4096xf32>, vector<8xf32>
    vector.transfer_write %h, %out[%i, %c0] {in_bounds = [true]} : vector<8xf32>, memref<4096x4096xf32>
    vector.transfer_write %v, %out[%i, %c0] : vector<32xf32>, memref<4096x4096xf32>
  }
  return
}
