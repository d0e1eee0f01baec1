// A matmul deep enough (K = 2200) for the AMX INT8 kernel's accumulator
// spills (35 tile products of 64: 16, then a loop of 16, then 3) and a
// partial last MX block, wide enough (N = 300) for two 256-column blocks,
// with M (40) and N not multiples of the 32 x 32 result tiles.
func.func @deep(%x: tensor<40x2200xf32>, %w: tensor<2200x300xf32>) -> tensor<40x300xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40x300xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x300xf32>) -> tensor<40x300xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<40x2200xf32>, tensor<2200x300xf32>) outs(%acc : tensor<40x300xf32>) -> tensor<40x300xf32>
  return %mm : tensor<40x300xf32>
}
