// RUN: mx-opt %s --mx-bare-ptr-kernels | FileCheck %s
// RUN: mx-opt %s --mx-bare-ptr-kernels --convert-func-to-llvm | FileCheck %s --check-prefix=LLVM

// A private kernel with static buffers, called directly: bare pointers.
// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME: attributes {llvm.bareptr}
// LLVM-LABEL: llvm.func @kernel(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
func.func private @kernel(%x: memref<8x32xf32>, %y: memref<8x32xi8>) {
  return
}

// The public entry keeps its descriptors; its call of @kernel passes one
// pointer per buffer (the aligned one).
// CHECK-LABEL: func.func @entry(
// CHECK-NOT: llvm.bareptr
// LLVM-LABEL: llvm.func @entry(
// LLVM: %[[A:.*]] = llvm.extractvalue %{{.*}}[1]
// LLVM: %[[B:.*]] = llvm.extractvalue %{{.*}}[1]
// LLVM: llvm.call @kernel(%[[A]], %[[B]]) : (!llvm.ptr, !llvm.ptr) -> ()
func.func @entry(%x: memref<8x32xf32>, %y: memref<8x32xi8>) {
  call @kernel(%x, %y) : (memref<8x32xf32>, memref<8x32xi8>) -> ()
  call @dynamic(%x) : (memref<8x32xf32>) -> ()
  %r = call @returns(%x) : (memref<8x32xf32>) -> memref<8x32xf32>
  %f = func.constant @escapes : (memref<8x32xf32>) -> ()
  call @strided(%x) : (memref<8x32xf32>) -> ()
  // A symbol in another attribute of a call is not a call of it.
  call @kernel(%x, %y) {mx.ref = @referenced} : (memref<8x32xf32>, memref<8x32xi8>) -> ()
  return
}

// Marked: static buffers, called directly (it passes a cast of its
// buffer on to @dyn with a descriptor).
// CHECK-LABEL: func.func private @dynamic(
// CHECK-SAME: %arg0: memref<8x32xf32>) attributes {llvm.bareptr} {{[{]$}}
func.func private @dynamic(%x: memref<8x32xf32>) {
  %c = memref.cast %x : memref<8x32xf32> to memref<?x32xf32>
  call @dyn(%c) : (memref<?x32xf32>) -> ()
  return
}
// Not marked: a dynamic shape, a returned buffer (freeing it needs the
// allocated pointer), a symbol used by func.constant or named in an
// attribute inside a function body (the uses are looked up in the module's
// body, not on the module op), a declaration.
// CHECK-LABEL: func.func private @dyn(
// CHECK-SAME: %arg0: memref<?x32xf32>) {{[{]$}}
func.func private @dyn(%x: memref<?x32xf32>) {
  return
}
// CHECK-LABEL: func.func private @returns(
// CHECK-SAME: %arg0: memref<8x32xf32>) -> memref<8x32xf32> {{[{]$}}
func.func private @returns(%x: memref<8x32xf32>) -> memref<8x32xf32> {
  return %x : memref<8x32xf32>
}
// CHECK-LABEL: func.func private @escapes(
// CHECK-SAME: %arg0: memref<8x32xf32>) {{[{]$}}
func.func private @escapes(%x: memref<8x32xf32>) {
  return
}
// CHECK-LABEL: func.func private @referenced(
// CHECK-SAME: %arg0: memref<8x32xf32>) {{[{]$}}
func.func private @referenced(%x: memref<8x32xf32>) {
  return
}
// CHECK-LABEL: func.func private @strided(
// CHECK-NOT: llvm.bareptr
func.func private @strided(%x: memref<8x32xf32>)
