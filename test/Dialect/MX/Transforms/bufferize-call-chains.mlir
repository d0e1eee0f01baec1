// RUN: mx-opt %s --mx-bufferize-call-chains --split-input-file | FileCheck %s

// The callers of two kernels: the chains @part and @entry are bufferized
// directly (identity-layout memrefs), the kernels by One-Shot Bufferize;
// @writes_arg writes into its argument, so its operand gets a copy.
// CHECK-LABEL: func.func @entry(
// CHECK-SAME: %[[X:.*]]: memref<8x32xf32>, %[[W:.*]]: memref<32x32xf32>) -> memref<8x32xf32>
// CHECK: %[[R:.*]] = call @part(%[[X]], %[[W]]) : (memref<8x32xf32>, memref<32x32xf32>) -> memref<8x32xf32>
// CHECK: return %[[R]] : memref<8x32xf32>
func.func @entry(%x: tensor<8x32xf32>, %w: tensor<32x32xf32>) -> tensor<8x32xf32> {
  %0 = call @part(%x, %w) : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// CHECK-LABEL: func.func private @reads(
// CHECK-SAME: memref<8x32xf32>
func.func private @reads(%x: tensor<8x32xf32>, %w: tensor<32x32xf32>) -> tensor<8x32xf32> {
  %e = tensor.empty() : tensor<8x32xf32>
  %c = arith.constant 0.0 : f32
  %f = linalg.fill ins(%c : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// CHECK-LABEL: func.func private @writes_arg(
// CHECK-SAME: %[[A:.*]]: memref<8x32xf32>) -> memref<8x32xf32>
// CHECK: linalg.fill {{.*}} outs(%[[A]] : memref<8x32xf32>)
func.func private @writes_arg(%x: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %c = arith.constant 1.0 : f32
  %f = linalg.fill ins(%c : f32) outs(%x : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %f : tensor<8x32xf32>
}

// CHECK-LABEL: func.func private @part(
// CHECK-SAME: %[[X:.*]]: memref<8x32xf32>, %[[W:.*]]: memref<32x32xf32>) -> memref<8x32xf32>
// CHECK: %[[M:.*]] = call @reads(%[[X]], %[[W]])
// CHECK: %[[COPY:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x32xf32>
// CHECK: memref.copy %[[M]], %[[COPY]]
// CHECK: %[[F:.*]] = call @writes_arg(%[[COPY]])
// CHECK: %[[N:.*]] = call @reads(%[[M]], %[[W]])
// CHECK: return %[[N]]
func.func private @part(%x: tensor<8x32xf32>, %w: tensor<32x32xf32>) -> tensor<8x32xf32> {
  %m = call @reads(%x, %w) : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  %f = call @writes_arg(%m) : (tensor<8x32xf32>) -> tensor<8x32xf32>
  %n = call @reads(%m, %w) : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  return %n : tensor<8x32xf32>
}

// -----

// A chain called by a function that is not one (@user has a tensor op):
// both are left to One-Shot Bufferize, which bufferizes them all the same.
// CHECK-LABEL: func.func @user(
// CHECK-SAME: memref<4xf32>
// CHECK: call @chain(%{{.*}}) : (memref<4xf32>) -> memref<4xf32>
func.func @user(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = call @chain(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %1 = linalg.copy ins(%0 : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
// CHECK-LABEL: func.func private @chain(
// CHECK-SAME: memref<4xf32>
func.func private @chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = call @kernel(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @kernel(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.copy ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
