// RUN: mx-opt --mx-copy-duplicate-results --split-input-file %s | FileCheck %s
// RUN: mx-opt --mx-lower-to-llvm %s | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @twice
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[Y]])
// CHECK: return %[[Y]], %[[C]], %{{.*}} :
// A function returning one tensor twice used to crash upstream
// buffer-results-to-out-params inside --mx-lower-to-llvm.
// LLVM-LABEL: llvm.func @twice
func.func @twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %x2 = arith.addf %x, %x : tensor<4xf32>
  return %y, %y, %x2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// After bufferization: one buffer returned twice (two tensors bufferized in
// place into it) gets a copy; a dynamically shaped one is left alone
// (buffer-results-to-out-params does not hoist it).
// CHECK-LABEL: func.func @buffer_twice
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[D:.*]]: memref<?xf32>)
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: linalg.copy
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[A]], %[[C]]
// CHECK: return %[[A]], %[[C]], %[[D]], %[[D]] :
// LLVM-LABEL: llvm.func @buffer_twice
func.func @buffer_twice(%x: memref<4xf32>, %d: memref<?xf32>) -> (memref<4xf32>, memref<4xf32>, memref<?xf32>, memref<?xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return %a, %a, %d, %d : memref<4xf32>, memref<4xf32>, memref<?xf32>, memref<?xf32>
}
