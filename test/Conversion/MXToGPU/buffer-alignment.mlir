// RUN: mx-opt %s --mx-gpu-buffer-alignment | FileCheck %s
// RUN: mx-opt %s --mx-gpu-buffer-alignment=alignment=0 | FileCheck %s --check-prefix=OFF
// RUN: not mx-opt %s --mx-gpu-buffer-alignment=alignment=12 2>&1 | FileCheck %s --check-prefix=BAD

// Host allocations get 16 bytes of alignment (a larger one is kept); kernel
// arguments with the identity layout are assumed 16-byte aligned at the
// kernel's entry (every use goes through the assumption); a strided view
// with a dynamic offset says nothing about its elements' alignment and is
// left alone, as are non-kernel functions.
// CHECK-LABEL: func.func @host(
// CHECK: memref.alloc() {alignment = 16 : i64} : memref<256xi8>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<8xi8>
// CHECK: gpu.func @k(%[[X:.*]]: memref<256xf32>, %[[D:.*]]: memref<256xi8>, %[[V:.*]]: memref<4xf32, strided<[1], offset: ?>>) kernel
// CHECK-NEXT: %[[AX:.*]] = memref.assume_alignment %[[X]], 16 : memref<256xf32>
// CHECK-NEXT: %[[AD:.*]] = memref.assume_alignment %[[D]], 16 : memref<256xi8>
// CHECK-NOT: memref.assume_alignment
// CHECK: memref.load %[[AX]]
// CHECK: memref.load %[[V]]
// CHECK: memref.store %{{.*}}, %[[AD]]
// CHECK: gpu.func @helper(%{{.*}}: memref<4xf32>)
// CHECK-NOT: memref.assume_alignment
// CHECK: gpu.return

// OFF-NOT: memref.assume_alignment
// OFF: memref.alloc() : memref<256xi8>
// OFF-NOT: memref.assume_alignment

// BAD: error: mx-gpu-buffer-alignment: alignment 12 is not a power of two
module attributes {gpu.container_module} {
  func.func @host() -> (memref<256xi8>, memref<8xi8>) {
    %a = memref.alloc() : memref<256xi8>
    %b = memref.alloc() {alignment = 64 : i64} : memref<8xi8>
    return %a, %b : memref<256xi8>, memref<8xi8>
  }
  gpu.module @kernels {
    gpu.func @k(%x: memref<256xf32>, %d: memref<256xi8>, %v: memref<4xf32, strided<[1], offset: ?>>) kernel {
      %c0 = arith.constant 0 : index
      %f = memref.load %x[%c0] : memref<256xf32>
      %g = memref.load %v[%c0] : memref<4xf32, strided<[1], offset: ?>>
      %s = arith.addf %f, %g : f32
      %i = arith.fptosi %s : f32 to i8
      memref.store %i, %d[%c0] : memref<256xi8>
      gpu.return
    }
    gpu.func @helper(%x: memref<4xf32>) {
      gpu.return
    }
  }
}
