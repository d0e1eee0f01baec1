// TOSA compute ops with epilogues, fused directly by --mx-fuse (no
// tosa-to-linalg first): a padded, strided conv2d with its bias, a residual
// add and relu6; a padded, dilated conv2d with a zero bias, a broadcast
// bias add and a clamp; a padded depthwise conv2d with its bias and relu;
// a batched matmul with a broadcast bias add and a clamp. 40 channels and
// K = 72: partial blocks along the reduction.
!zp = tensor<1xf32>
func.func @conv(%x2: tensor<81x40xf32>, %w2: tensor<72x40xf32>, %b2: tensor<1x8xf32>, %r2: tensor<25x8xf32>) -> tensor<1x5x5x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [8, 3, 3, 40] : tensor<72x40xf32> into tensor<8x3x3x40xf32>
  %b = tensor.collapse_shape %b2 [[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
  %r = tensor.expand_shape %r2 [[0, 1, 2], [3]] output_shape [1, 5, 5, 8] : tensor<25x8xf32> into tensor<1x5x5x8xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x9x9x40xf32>, tensor<8x3x3x40xf32>, tensor<8xf32>, !zp, !zp) -> tensor<1x5x5x8xf32>
  %s = tosa.add %c, %r : (tensor<1x5x5x8xf32>, tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  %y = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  return %y : tensor<1x5x5x8xf32>
}

func.func @dilated(%x2: tensor<81x40xf32>, %w2: tensor<72x40xf32>, %b2: tensor<1x8xf32>) -> tensor<1x8x7x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %zb = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [8, 3, 3, 40] : tensor<72x40xf32> into tensor<8x3x3x40xf32>
  %b = tensor.expand_shape %b2 [[0, 1, 2], [3]] output_shape [1, 1, 1, 8] : tensor<1x8xf32> into tensor<1x1x1x8xf32>
  %c = tosa.conv2d %x, %w, %zb, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 1, 0, 2>, stride = array<i64: 1, 1>} : (tensor<1x9x9x40xf32>, tensor<8x3x3x40xf32>, tensor<8xf32>, !zp, !zp) -> tensor<1x8x7x8xf32>
  %s = tosa.add %c, %b : (tensor<1x8x7x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x8x7x8xf32>
  %y = tosa.clamp %s {min_val = -1.5 : f32, max_val = 2.5 : f32} : (tensor<1x8x7x8xf32>) -> tensor<1x8x7x8xf32>
  return %y : tensor<1x8x7x8xf32>
}

func.func @depthwise(%x2: tensor<81x40xf32>, %w2: tensor<9x40xf32>, %b2: tensor<1x40xf32>) -> tensor<1x9x9x40xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1], [2, 3]] output_shape [3, 3, 40, 1] : tensor<9x40xf32> into tensor<3x3x40x1xf32>
  %b = tensor.collapse_shape %b2 [[0, 1]] : tensor<1x40xf32> into tensor<40xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x9x9x40xf32>, tensor<3x3x40x1xf32>, tensor<40xf32>, !zp, !zp) -> tensor<1x9x9x40xf32>
  %y = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x9x9x40xf32>) -> tensor<1x9x9x40xf32>
  return %y : tensor<1x9x9x40xf32>
}

func.func @matmul(%a2: tensor<6x72xf32>, %b2: tensor<144x5xf32>, %bias2: tensor<1x5xf32>) -> tensor<2x3x5xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [2, 3, 72] : tensor<6x72xf32> into tensor<2x3x72xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [2, 72, 5] : tensor<144x5xf32> into tensor<2x72x5xf32>
  %bias = tensor.expand_shape %bias2 [[0, 1], [2]] output_shape [1, 1, 5] : tensor<1x5xf32> into tensor<1x1x5xf32>
  %c = tosa.matmul %a, %b, %zp, %zp : (tensor<2x3x72xf32>, tensor<2x72x5xf32>, !zp, !zp) -> tensor<2x3x5xf32>
  %s = tosa.add %bias, %c : (tensor<1x1x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %y = tosa.clamp %s {min_val = -2.0 : f32, max_val = 2.0 : f32} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// All four in one entry (one compilation per run).
func.func @all(%x: tensor<81x40xf32>, %w: tensor<72x40xf32>, %dw: tensor<9x40xf32>, %b: tensor<1x8xf32>, %db: tensor<1x40xf32>, %r: tensor<25x8xf32>, %ma: tensor<6x72xf32>, %mb: tensor<144x5xf32>, %mbias: tensor<1x5xf32>) -> (tensor<1x5x5x8xf32>, tensor<1x8x7x8xf32>, tensor<1x9x9x40xf32>, tensor<2x3x5xf32>) {
  %0 = func.call @conv(%x, %w, %b, %r) : (tensor<81x40xf32>, tensor<72x40xf32>, tensor<1x8xf32>, tensor<25x8xf32>) -> tensor<1x5x5x8xf32>
  %1 = func.call @dilated(%x, %w, %b) : (tensor<81x40xf32>, tensor<72x40xf32>, tensor<1x8xf32>) -> tensor<1x8x7x8xf32>
  %2 = func.call @depthwise(%x, %dw, %db) : (tensor<81x40xf32>, tensor<9x40xf32>, tensor<1x40xf32>) -> tensor<1x9x9x40xf32>
  %3 = func.call @matmul(%ma, %mb, %mbias) : (tensor<6x72xf32>, tensor<144x5xf32>, tensor<1x5xf32>) -> tensor<2x3x5xf32>
  return %0, %1, %2, %3 : tensor<1x5x5x8xf32>, tensor<1x8x7x8xf32>, tensor<1x9x9x40xf32>, tensor<2x3x5xf32>
}
