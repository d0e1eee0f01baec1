// TOSA 1.1 block-scaled casts and matmul (imported by --mx-import-tosa).
func.func @cast(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %d, %s = tosa.cast_to_block_scaled %x {block_size = BLOCK_SIZE_32} : (tensor<4x64xf32>) -> (tensor<4x64xf8E4M3FN>, tensor<4x2xf8E8M0FNU>)
  %y = tosa.cast_from_block_scaled %d, %s {block_size = BLOCK_SIZE_32} : (tensor<4x64xf8E4M3FN>, tensor<4x2xf8E8M0FNU>) -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

func.func @mm(%a2: tensor<4x64xf32>, %b2: tensor<3x64xf32>) -> tensor<1x4x3xf32> {
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [1, 4, 64] : tensor<4x64xf32> into tensor<1x4x64xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [1, 3, 64] : tensor<3x64xf32> into tensor<1x3x64xf32>
  %ad, %as = tosa.cast_to_block_scaled %a {block_size = BLOCK_SIZE_32} : (tensor<1x4x64xf32>) -> (tensor<1x4x64xf4E2M1FN>, tensor<1x4x2xf8E8M0FNU>)
  %bd, %bs = tosa.cast_to_block_scaled %b {block_size = BLOCK_SIZE_32} : (tensor<1x3x64xf32>) -> (tensor<1x3x64xf4E2M1FN>, tensor<1x3x2xf8E8M0FNU>)
  %y = tosa.matmul_t_block_scaled %ad, %as, %bd, %bs {block_size = BLOCK_SIZE_32} : (tensor<1x4x64xf4E2M1FN>, tensor<1x4x2xf8E8M0FNU>, tensor<1x3x64xf4E2M1FN>, tensor<1x3x2xf8E8M0FNU>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}
