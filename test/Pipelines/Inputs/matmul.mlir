// A matmul for the GPU tests: [32 x 64] x [64 x 256].
func.func @mm(%x: tensor<32x64xf32>, %w: tensor<64x256xf32>) -> tensor<32x256xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<32x256xf32>) -> tensor<32x256xf32>
  %y = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x256xf32>) outs(%f : tensor<32x256xf32>) -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}
