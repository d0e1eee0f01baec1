// |x| [32 x 64] times |w| [64 x 64]: non-negative products, so the sums
// of two accumulation orders differ by at most 2 (K - 1) ulps
// (integration_test/GPU/mma-cpu.test).
func.func @mm(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> tensor<32x64xf32> {
  %xa = math.absf %x : tensor<32x64xf32>
  %wa = math.absf %w : tensor<64x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %y = linalg.matmul ins(%xa, %wa : tensor<32x64xf32>, tensor<64x64xf32>) outs(%f : tensor<32x64xf32>) -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}
