// Weights of 2048x2048 quantized along axis 0 (column tiles): before the
// vector-to-scf full unrolling, every tile left a stack temporary inside
// the loop and the program overflowed the stack (integration_test/Fuse).
func.func @mm(%x: tensor<4x2048xf32>, %w: tensor<2048x2048xf32>) -> tensor<4x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2048xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2048xf32>) -> tensor<4x2048xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x2048xf32>, tensor<2048x2048xf32>) outs(%acc : tensor<4x2048xf32>) -> tensor<4x2048xf32>
  return %mm : tensor<4x2048xf32>
}
