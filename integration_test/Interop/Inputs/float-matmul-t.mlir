// The float reference of tosa.matmul_t_block_scaled: a[n, h, c] * b[n, w, c].
func.func @mm(%a2: tensor<4x64xf32>, %b2: tensor<3x64xf32>) -> tensor<1x4x3xf32> {
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [1, 4, 64] : tensor<4x64xf32> into tensor<1x4x64xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [1, 3, 64] : tensor<3x64xf32> into tensor<1x3x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x3xf32>) -> tensor<1x4x3xf32>
  %y = linalg.batch_matmul
         indexing_maps = [affine_map<(n, h, w, c) -> (n, h, c)>, affine_map<(n, h, w, c) -> (n, w, c)>, affine_map<(n, h, w, c) -> (n, h, w)>]
         ins(%a, %b : tensor<1x4x64xf32>, tensor<1x3x64xf32>) outs(%init : tensor<1x4x3xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}
