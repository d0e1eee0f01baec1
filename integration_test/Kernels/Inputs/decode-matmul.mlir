// Decode-shaped matmuls (M = 1..4 rows) whose sizes are not multiples of
// the decode kernels' steps (64 columns of B as [K, N], 16 rows of B as
// [N, K]) nor of the 32-element blocks: B as [K, N] (@d1, @d3, @d4) and
// stored transposed as [N, K] (@t1, @t2), plus five rows (@d5), which take
// the packed kernels.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhsT = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @d1(%x: tensor<1x100xf32>, %w: tensor<100x70xf32>) -> tensor<1x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x70xf32>) -> tensor<1x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<1x70xf32>) -> tensor<1x70xf32>
  return %mm : tensor<1x70xf32>
}

func.func @d3(%x: tensor<3x300xf32>, %w: tensor<300x197xf32>) -> tensor<3x197xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x197xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x197xf32>) -> tensor<3x197xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<3x300xf32>, tensor<300x197xf32>) outs(%acc : tensor<3x197xf32>) -> tensor<3x197xf32>
  return %mm : tensor<3x197xf32>
}

func.func @d4(%x: tensor<4x64xf32>, %w: tensor<64x128xf32>) -> tensor<4x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x128xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x128xf32>) -> tensor<4x128xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<4x128xf32>) -> tensor<4x128xf32>
  return %mm : tensor<4x128xf32>
}

func.func @d5(%x: tensor<5x100xf32>, %w: tensor<100x70xf32>) -> tensor<5x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<5x70xf32>) -> tensor<5x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<5x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<5x70xf32>) -> tensor<5x70xf32>
  return %mm : tensor<5x70xf32>
}

func.func @t1(%x: tensor<1x100xf32>, %w: tensor<100x70xf32>) -> tensor<1x70xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<70x100xf32>
  %wt = linalg.transpose ins(%w : tensor<100x70xf32>) outs(%et : tensor<70x100xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<1x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x70xf32>) -> tensor<1x70xf32>
  %mm = linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %wt : tensor<1x100xf32>, tensor<70x100xf32>) outs(%acc : tensor<1x70xf32>) -> tensor<1x70xf32>
  return %mm : tensor<1x70xf32>
}

func.func @t2(%x: tensor<2x300xf32>, %w: tensor<300x197xf32>) -> tensor<2x197xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<197x300xf32>
  %wt = linalg.transpose ins(%w : tensor<300x197xf32>) outs(%et : tensor<197x300xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<2x197xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x197xf32>) -> tensor<2x197xf32>
  %mm = linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %wt : tensor<2x300xf32>, tensor<197x300xf32>) outs(%acc : tensor<2x197xf32>) -> tensor<2x197xf32>
  return %mm : tensor<2x197xf32>
}
