// A strided convolution whose channel count (40) is not a multiple of the
// block, and a batch matmul with K = 72: partial blocks along the reduction.
func.func @conv(%x2: tensor<81x40xf32>, %w2: tensor<360x8xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [3, 3, 40, 8] : tensor<360x8xf32> into tensor<3x3x40x8xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x40xf32>, tensor<3x3x40x8xf32>) outs(%acc : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}

func.func @batch(%a2: tensor<6x72xf32>, %b2: tensor<144x5xf32>) -> tensor<2x3x5xf32> {
  %zero = arith.constant 0.0 : f32
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [2, 3, 72] : tensor<6x72xf32> into tensor<2x3x72xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [2, 72, 5] : tensor<144x5xf32> into tensor<2x72x5xf32>
  %e = tensor.empty() : tensor<2x3x5xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<2x3x72xf32>, tensor<2x72x5xf32>) outs(%acc : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}
