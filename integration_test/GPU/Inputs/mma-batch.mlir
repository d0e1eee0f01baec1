// batch matmul: 3 x ([16 x 32] x [32 x 24]), inputs and result flattened
// to 2-D for mx-ref's .npy files (integration_test/GPU).
func.func @bmm(%x: tensor<48x32xf32>, %w: tensor<96x24xf32>) -> tensor<48x24xf32> {
  %zero = arith.constant 0.0 : f32
  %x3 = tensor.expand_shape %x [[0, 1], [2]] output_shape [3, 16, 32] : tensor<48x32xf32> into tensor<3x16x32xf32>
  %w3 = tensor.expand_shape %w [[0, 1], [2]] output_shape [3, 32, 24] : tensor<96x24xf32> into tensor<3x32x24xf32>
  %e = tensor.empty() : tensor<3x16x24xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x16x24xf32>) -> tensor<3x16x24xf32>
  %y = linalg.batch_matmul ins(%x3, %w3 : tensor<3x16x32xf32>, tensor<3x32x24xf32>) outs(%acc : tensor<3x16x24xf32>) -> tensor<3x16x24xf32>
  %y2 = tensor.collapse_shape %y [[0, 1], [2]] : tensor<3x16x24xf32> into tensor<48x24xf32>
  return %y2 : tensor<48x24xf32>
}
