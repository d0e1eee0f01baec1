// RUN: mx-opt %s --mx-finalize-to-llvm --reconcile-unrealized-casts | FileCheck %s
// RUN: mx-opt %s --mx-finalize-to-llvm="use-aligned-alloc=false" --reconcile-unrealized-casts | FileCheck %s --check-prefix=MALLOC

// A kernel with a loop: the upstream memref, func and cf patterns, in one
// conversion (bare pointers from llvm.bareptr, cf.br / cf.cond_br).
// CHECK-LABEL: llvm.func @kernel(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: llvm.bareptr
// CHECK: llvm.br
// CHECK: llvm.load
// CHECK: llvm.store
// CHECK: llvm.cond_br
// CHECK-NOT: unrealized_conversion_cast
func.func private @kernel(%x: memref<8xf32>, %y: memref<8xf32>) attributes {llvm.bareptr} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  cf.br ^loop(%c0 : index)
^loop(%i: index):
  %v = memref.load %x[%i] : memref<8xf32>
  memref.store %v, %y[%i] : memref<8xf32>
  %next = arith.addi %i, %c1 : index
  %more = arith.cmpi slt, %next, %c8 : index
  cf.cond_br %more, ^loop(%next : index), ^exit
^exit:
  return
}

func.func private @to_i8(%x: memref<8xf32>, %y: memref<8xi8>) attributes {llvm.bareptr} {
  return
}

// A call chain: lowered straight to pointers, one aligned_alloc per
// buffer (8 x i8 = 8 bytes rounded up to the alignment, 64), free per
// dealloc, the arguments' attributes kept.
// CHECK-LABEL: llvm.func @chain(
// CHECK-SAME: %[[X:.*]]: !llvm.ptr {mx.alignment = 64 : i64})
// CHECK-SAME: attributes {llvm.bareptr, sym_visibility = "private"}
// CHECK-DAG: %[[C64:.*]] = llvm.mlir.constant(64 : index) : i64
// CHECK-DAG: %[[C16:.*]] = llvm.mlir.constant(16 : index) : i64
// CHECK-DAG: %[[C32:.*]] = llvm.mlir.constant(32 : index) : i64
// CHECK: %[[A:.*]] = llvm.call @aligned_alloc(%[[C64]], %[[C64]]) : (i64, i64) -> !llvm.ptr
// CHECK: llvm.call @to_i8(%[[X]], %[[A]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: %[[B:.*]] = llvm.call @aligned_alloc(%[[C16]], %[[C32]]) : (i64, i64) -> !llvm.ptr
// CHECK: llvm.call @kernel(%[[X]], %[[B]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: llvm.call @free(%[[A]]) : (!llvm.ptr) -> ()
// CHECK: llvm.call @free(%[[B]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// MALLOC-LABEL: llvm.func @chain(
// MALLOC: llvm.call @malloc
func.func private @chain(%x: memref<8xf32> {mx.alignment = 64 : i64}) attributes {llvm.bareptr} {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8xi8>
  call @to_i8(%x, %a) : (memref<8xf32>, memref<8xi8>) -> ()
  %b = memref.alloc() : memref<8xf32>
  call @kernel(%x, %b) : (memref<8xf32>, memref<8xf32>) -> ()
  memref.dealloc %a : memref<8xi8>
  memref.dealloc %b : memref<8xf32>
  return
}

// Not a call chain (a load): the generic conversion, with the descriptor
// of the allocation.
// CHECK-LABEL: llvm.func @not_chain(
// CHECK: llvm.call @aligned_alloc
// CHECK: llvm.insertvalue
// CHECK: llvm.load
func.func private @not_chain(%x: memref<8xf32>) -> f32 attributes {llvm.bareptr} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<8xf32>
  call @kernel(%x, %a) : (memref<8xf32>, memref<8xf32>) -> ()
  %v = memref.load %a[%c0] : memref<8xf32>
  memref.dealloc %a : memref<8xf32>
  return %v : f32
}

// The public entry keeps its descriptors (convert-func-to-llvm's C
// interface) and calls the chain with the aligned pointer.
// CHECK-LABEL: llvm.func @entry(
// CHECK: %[[P:.*]] = llvm.extractvalue %{{.*}}[1]
// CHECK: llvm.call @chain(%[[P]]) : (!llvm.ptr) -> ()
// CHECK-LABEL: llvm.func @_mlir_ciface_entry(
func.func @entry(%x: memref<8xf32>) attributes {llvm.emit_c_interface} {
  call @chain(%x) : (memref<8xf32>) -> ()
  return
}
