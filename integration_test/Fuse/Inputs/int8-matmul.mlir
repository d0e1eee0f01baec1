// A plain matmul: with --mx-quantize=format=int8 the activations are
// per-tensor and the weights per output channel (dynamic scales).
func.func @mm(%x: tensor<32x256xf32>, %w: tensor<256x32xf32>) -> tensor<32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<32x32xf32>) -> tensor<32x32xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<32x256xf32>, tensor<256x32xf32>) outs(%acc : tensor<32x32xf32>) -> tensor<32x32xf32>
  return %mm : tensor<32x32xf32>
}
