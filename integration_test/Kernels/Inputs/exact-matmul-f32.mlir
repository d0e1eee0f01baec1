// One matmul with more rows than the decode kernels take (9 rows, K = 300,
// N = 197): the packed f32 kernel, for contract-exact-adversarial.test.
func.func @m9(%x: tensor<9x300xf32>, %w: tensor<300x197xf32>) -> tensor<9x197xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<9x197xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<9x197xf32>) -> tensor<9x197xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<9x300xf32>, tensor<300x197xf32>) outs(%acc : tensor<9x197xf32>) -> tensor<9x197xf32>
  return %mm : tensor<9x197xf32>
}
