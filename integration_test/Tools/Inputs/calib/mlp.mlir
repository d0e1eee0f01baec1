// The FP32 two-layer MLP of examples/mlp.mlir, alone (for mx-calibrate tests).
func.func @mlp_fp32(%x: tensor<8x64xf32>, %w1: tensor<64x128xf32>, %w2: tensor<128x10xf32>) -> tensor<8x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x128xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<8x64xf32>, tensor<64x128xf32>) outs(%f1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %r = linalg.elementwise kind=#linalg.elementwise_kind<max_signed> ins(%h, %f1 : tensor<8x128xf32>, tensor<8x128xf32>) outs(%e1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %e2 = tensor.empty() : tensor<8x10xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x10xf32>) -> tensor<8x10xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<8x128xf32>, tensor<128x10xf32>) outs(%f2 : tensor<8x10xf32>) -> tensor<8x10xf32>
  return %y : tensor<8x10xf32>
}
