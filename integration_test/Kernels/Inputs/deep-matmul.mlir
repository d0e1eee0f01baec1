// A matmul deep enough (K = 1100) for the AMX INT8 kernel's accumulator
// spills (18 tile products of 64: 8, then a loop of 8, then 2) and a
// partial last MX block, wide enough (N = 300) for two 256-column blocks,
// with M (40) and N not multiples of the 32 x 32 result tiles.
func.func @deep(%x: tensor<40x1100xf32>, %w: tensor<1100x300xf32>) -> tensor<40x300xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40x300xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x300xf32>) -> tensor<40x300xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<40x1100xf32>, tensor<1100x300xf32>) outs(%acc : tensor<40x300xf32>) -> tensor<40x300xf32>
  return %mm : tensor<40x300xf32>
}
