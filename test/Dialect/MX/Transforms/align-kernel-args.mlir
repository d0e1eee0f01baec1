// RUN: mx-opt %s -split-input-file --mx-align-kernel-args="arg-alignment=64" | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-align-kernel-args | FileCheck %s --check-prefix=NOARG
// RUN: not mx-opt %s -split-input-file --mx-align-kernel-args="arg-alignment=48" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: arg-alignment must be zero or a power of two, got 48

// Allocations passed to a private function become 64-byte aligned; its
// arguments record the smallest alignment over the calls: an aligned
// allocation (64), a public argument (what arg-alignment promises), a
// reshape or a reinterpretation at offset 0 of one; a strided view makes
// it 0.
// CHECK-LABEL: func.func @caller
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1024xi8>
// NOARG-LABEL: func.func @caller
// NOARG: memref.alloc() {alignment = 64 : i64} : memref<1024xi8>
func.func @caller(%in: memref<1024xf32>, %out: memref<32x32xi8>, %sub: memref<1024xi8, strided<[1], offset: ?>>) {
  %a = memref.alloc() : memref<1024xi8>
  call @kernel(%in, %a) : (memref<1024xf32>, memref<1024xi8>) -> ()
  %flat = memref.collapse_shape %out [[0, 1]] : memref<32x32xi8> into memref<1024xi8>
  call @kernel(%in, %flat) : (memref<1024xf32>, memref<1024xi8>) -> ()
  %rc = memref.reinterpret_cast %out to offset: [0], sizes: [1024], strides: [1] : memref<32x32xi8> to memref<1024xi8>
  call @kernel(%in, %rc) : (memref<1024xf32>, memref<1024xi8>) -> ()
  call @unknown(%sub) : (memref<1024xi8, strided<[1], offset: ?>>) -> ()
  %f = func.constant @escapes : (memref<8xf32>) -> ()
  return
}
// CHECK: func.func private @kernel(%{{.*}}: memref<1024xf32> {mx.alignment = 64 : i64}, %{{.*}}: memref<1024xi8> {mx.alignment = 64 : i64})
// NOARG: func.func private @kernel(%{{.*}}: memref<1024xf32> {mx.alignment = 0 : i64}, %{{.*}}: memref<1024xi8> {mx.alignment = 0 : i64})
func.func private @kernel(%x: memref<1024xf32>, %y: memref<1024xi8>) {
  return
}
// CHECK: func.func private @unknown(%{{.*}}: memref<1024xi8, strided<[1], offset: ?>> {mx.alignment = 0 : i64})
func.func private @unknown(%x: memref<1024xi8, strided<[1], offset: ?>>) {
  return
}
// A function whose symbol escapes (func.constant) may be called from
// anywhere: unknown.
// CHECK: func.func private @escapes(%{{.*}}: memref<8xf32> {mx.alignment = 0 : i64})
func.func private @escapes(%x: memref<8xf32>) {
  return
}
