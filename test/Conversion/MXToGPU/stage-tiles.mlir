// RUN: mx-opt %s -split-input-file -mx-map-warp-kernels -verify-diagnostics | FileCheck %s

// The staging buffers of the warp tiles (stage-tiles, after bufferization):
// workgroup allocations inside the GPU-mapped loop become workgroup
// attributions of the launch; the copies into them (the same tile in every
// thread) become cooperative: thread i of the 128 copies 16-byte chunks i,
// i + 128, ... with cp.async where the rows are whole chunks (else
// elements i, i + 128, ...); copies one after the other share their
// barriers (one before the first, one after the last, preceded by the
// commit and wait of the asynchronous copies); the warps then read the
// buffer.

// CHECK-LABEL: func.func @staged
// CHECK: gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %[[BZ:.*]]) in ({{.*}} = %c2{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %[[TZ:.*]]) in ({{.*}} = %c128{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) workgroup(%[[A:.*]] : memref<32x32xi8, #gpu.address_space<workgroup>>, %[[S:.*]] : memref<32xi8, #gpu.address_space<workgroup>>)
// CHECK-NOT: memref.alloc
// CHECK: scf.for %[[K:.*]] = %c0{{.*}} to %c4{{.*}}
// CHECK: %[[TILE:.*]] = memref.subview %{{.*}}[%{{.*}}, %{{.*}}] [32, 32] [1, 1]
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: %[[TID:.*]] = affine.apply #{{.*}}()[%[[TX]], %[[TY]], %[[TZ]]]
// The code tile (rows of 32 bytes, row stride 128): 16-byte asynchronous
// copies (cp.async) when the tile's address is 16-byte aligned at run
// time, else the byte copy.
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[TILE]]
// CHECK: %{{.*}}, %[[OFF:.*]], %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[TILE]]
// CHECK: %[[ADDR:.*]] = arith.addi %[[PTR]], %[[OFF]]
// CHECK: %[[REM:.*]] = arith.remui %[[ADDR]], %c16
// CHECK: %[[AL:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK: scf.if %[[AL]] {
// CHECK: scf.for %[[C:.*]] = %[[TID]] to %c64{{.*}} step %c128
// CHECK: nvgpu.device_async_copy %[[TILE]][%[[R:.*]], %[[O:.*]]], %[[A]][%[[R]], %[[O]]], 16 {bypassL1}
// CHECK: } else {
// CHECK: scf.for %[[I:.*]] = %[[TID]] to %c1024{{.*}} step %c128
// CHECK: %[[V:.*]] = memref.load %[[TILE]]
// CHECK: memref.store %[[V]], %[[A]][
// CHECK-NOT: gpu.barrier
// The scale slice (stride 4): bytes.
// CHECK: %[[TID2:.*]] = affine.apply #{{.*}}()[%[[TX]], %[[TY]], %[[TZ]]]
// CHECK: scf.for %[[J:.*]] = %[[TID2]] to %c32{{.*}} step %c128
// CHECK: memref.store %{{.*}}, %[[S]][%[[J]]]
// CHECK: }
// One commit and wait for the step's asynchronous copies, then the barrier.
// CHECK-NEXT: %[[G:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: memref.load %[[A]]
// CHECK: memref.load %[[S]]
// CHECK-NOT: memref.copy
// CHECK: gpu.terminator
func.func @staged(%a: memref<64x128xi8>, %s: memref<64x4xi8>, %out: memref<64x128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  scf.forall (%b, %t) in (2, 128) {
    %row = arith.muli %b, %c32 : index
    scf.for %k = %c0 to %c4 step %c1 {
      %col = arith.muli %k, %c32 : index
      %tile = memref.subview %a[%row, %col] [32, 32] [1, 1] : memref<64x128xi8> to memref<32x32xi8, strided<[128, 1], offset: ?>>
      %buf = memref.alloc() : memref<32x32xi8, #gpu.address_space<workgroup>>
      memref.copy %tile, %buf : memref<32x32xi8, strided<[128, 1], offset: ?>> to memref<32x32xi8, #gpu.address_space<workgroup>>
      %stile = memref.subview %s[%row, %k] [32, 1] [1, 1] : memref<64x4xi8> to memref<32xi8, strided<[4], offset: ?>>
      %sbuf = memref.alloc() : memref<32xi8, #gpu.address_space<workgroup>>
      memref.copy %stile, %sbuf : memref<32xi8, strided<[4], offset: ?>> to memref<32xi8, #gpu.address_space<workgroup>>
      %r = arith.remui %t, %c32 : index
      %x = memref.load %buf[%r, %r] : memref<32x32xi8, #gpu.address_space<workgroup>>
      %y = memref.load %sbuf[%r] : memref<32xi8, #gpu.address_space<workgroup>>
      %z = arith.addi %x, %y : i8
      %orow = arith.addi %row, %r : index
      memref.store %z, %out[%orow, %col] : memref<64x128xi8>
      memref.dealloc %buf : memref<32x32xi8, #gpu.address_space<workgroup>>
    }
  } {mapping = [#gpu.block<x>, #gpu.thread<x>]}
  return
}

// -----

// A source that differs between the threads of a block: the buffer would
// not hold one tile.
func.func @thread_dependent_source(%a: memref<256x32xi8>) {
  scf.forall (%b, %t) in (2, 128) {
    %tile = memref.subview %a[%t, 0] [1, 32] [1, 1] : memref<256x32xi8> to memref<32xi8, strided<[1], offset: ?>>
    %buf = memref.alloc() : memref<32xi8, #gpu.address_space<workgroup>>
    // expected-error @below {{a copy into a workgroup buffer must copy the same data in every thread}}
    memref.copy %tile, %buf : memref<32xi8, strided<[1], offset: ?>> to memref<32xi8, #gpu.address_space<workgroup>>
  } {mapping = [#gpu.block<x>, #gpu.thread<x>]}
  return
}

// -----

// A copy that only some threads reach (barriers would deadlock).
func.func @divergent(%a: memref<32xi8>) {
  %c0 = arith.constant 0 : index
  scf.forall (%b, %t) in (2, 128) {
    %buf = memref.alloc() : memref<32xi8, #gpu.address_space<workgroup>>
    %first = arith.cmpi eq, %t, %c0 : index
    scf.if %first {
      // expected-error @below {{a copy into a workgroup buffer must run in every thread of the block}}
      memref.copy %a, %buf : memref<32xi8> to memref<32xi8, #gpu.address_space<workgroup>>
    }
  } {mapping = [#gpu.block<x>, #gpu.thread<x>]}
  return
}

// -----

// A thread-dependent loop around the copy.
func.func @thread_dependent_loop(%a: memref<32xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.forall (%b, %t) in (2, 128) {
    %buf = memref.alloc() : memref<32xi8, #gpu.address_space<workgroup>>
    scf.for %i = %c0 to %t step %c1 {
      // expected-error @below {{a copy into a workgroup buffer must run in every thread of the block}}
      memref.copy %a, %buf : memref<32xi8> to memref<32xi8, #gpu.address_space<workgroup>>
    }
  } {mapping = [#gpu.block<x>, #gpu.thread<x>]}
  return
}

// -----

func.func @dynamic(%a: memref<?xi8>, %n: index) {
  scf.forall (%b, %t) in (2, 128) {
    // expected-error @below {{a workgroup buffer in a GPU-mapped loop needs a static shape and the identity layout}}
    %buf = memref.alloc(%n) : memref<?xi8, #gpu.address_space<workgroup>>
    memref.copy %a, %buf : memref<?xi8> to memref<?xi8, #gpu.address_space<workgroup>>
  } {mapping = [#gpu.block<x>, #gpu.thread<x>]}
  return
}
