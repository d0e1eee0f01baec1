// Matmuls for block-scale-extremes.test: @mm takes the packed integer
// kernel (40 rows), @d1 and @t1 the decode-shape kernels with B as [K, N]
// and (transposed) as [N, K].

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhsT = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>

func.func @mm(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @d1(%x: tensor<1x100xf32>, %w: tensor<100x70xf32>) -> tensor<1x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x70xf32>) -> tensor<1x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<1x70xf32>) -> tensor<1x70xf32>
  return %mm : tensor<1x70xf32>
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
