// One decode-shaped matmul (3 rows, K = 300, N = 197) for the f32-path
// checks of decode-shapes.test (a small module: mx-run compiles all of it),
// with B as [K, N] (@d3) and stored transposed as [N, K] (@t3).
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhsT = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @d3(%x: tensor<3x300xf32>, %w: tensor<300x197xf32>) -> tensor<3x197xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x197xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x197xf32>) -> tensor<3x197xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<3x300xf32>, tensor<300x197xf32>) outs(%acc : tensor<3x197xf32>) -> tensor<3x197xf32>
  return %mm : tensor<3x197xf32>
}

func.func @t3(%x: tensor<3x300xf32>, %w: tensor<300x197xf32>) -> tensor<3x197xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<197x300xf32>
  %wt = linalg.transpose ins(%w : tensor<300x197xf32>) outs(%et : tensor<197x300xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<3x197xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x197xf32>) -> tensor<3x197xf32>
  %mm = linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %wt : tensor<3x300xf32>, tensor<197x300xf32>) outs(%acc : tensor<3x197xf32>) -> tensor<3x197xf32>
  return %mm : tensor<3x197xf32>
}
