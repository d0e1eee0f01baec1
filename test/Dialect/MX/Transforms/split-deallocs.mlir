// RUN: mx-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mx-split-deallocs))" | FileCheck %s

// Distinct allocations of the block, freed unconditionally, retaining
// nothing: one memref.dealloc each.
// CHECK-LABEL: func.func @distinct
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: %[[B:.*]] = memref.alloc
// CHECK-NOT: bufferization.dealloc
// CHECK: memref.dealloc %[[A]] : memref<8xf32>
// CHECK-NEXT: memref.dealloc %[[B]] : memref<4xi8>
// CHECK-NEXT: return
func.func @distinct(%x: memref<8xf32>) {
  %true = arith.constant true
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<4xi8>
  memref.copy %x, %a : memref<8xf32> to memref<8xf32>
  bufferization.dealloc (%a, %b : memref<8xf32>, memref<4xi8>) if (%true, %true)
  return
}

// -----

// Kept for the simplification: a retained value (it may alias), a runtime
// condition, a view instead of an allocation, a duplicate.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-4: bufferization.dealloc
// CHECK-NOT: memref.dealloc
func.func @kept(%c: i1, %v: memref<8xf32>) -> memref<8xf32> {
  %true = arith.constant true
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  %s = memref.subview %b[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  %r = bufferization.dealloc (%a : memref<8xf32>) if (%true) retain (%v : memref<8xf32>)
  bufferization.dealloc (%b : memref<8xf32>) if (%c)
  bufferization.dealloc (%s : memref<4xf32, strided<[1]>>) if (%true)
  bufferization.dealloc (%a, %a : memref<8xf32>, memref<8xf32>) if (%true, %true)
  return %v : memref<8xf32>
}
