// Static INT8 around TOSA compute ops: power-of-two input scales and a
// bias on their grid, so the unfused f32 sums are exact and the fused i32
// path must give the same bits; outputs requantized with per-channel
// static scales and zero points (not powers of two: the rounding of the
// requantization itself is compared).
!zp = tensor<1xf32>
!qx = tensor<1x9x9x40x!mx.q<int8>>
!qw = tensor<8x3x3x40x!mx.q<int8, granularity = channel, axis = 0>>
!qy = tensor<1x5x5x8x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>>
func.func @conv(%x2: tensor<81x40xf32>, %w2: tensor<72x40xf32>) -> tensor<1x5x5x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %b = "tosa.const"() <{values = dense<[0.5, -1.25, 0.75, 2.0, -0.5, 0.0, 1.5, -3.0]> : tensor<8xf32>}> : () -> tensor<8xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [8, 3, 3, 40] : tensor<72x40xf32> into tensor<8x3x3x40xf32>
  %xq = mx.quantize %x {static_scales = dense<0.125> : tensor<f32>} : tensor<1x9x9x40xf32> -> !qx
  %xd = mx.dequantize %xq : !qx -> tensor<1x9x9x40xf32>
  %wq = mx.quantize %w {static_scales = dense<[0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125]> : tensor<8xf32>} : tensor<8x3x3x40xf32> -> !qw
  %wd = mx.dequantize %wq : !qw -> tensor<8x3x3x40xf32>
  %c = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x9x9x40xf32>, tensor<8x3x3x40xf32>, tensor<8xf32>, !zp, !zp) -> tensor<1x5x5x8xf32>
  %y = tosa.clamp %c {min_val = -20.0 : f32, max_val = 20.0 : f32} : (tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  %yq = mx.quantize %y {static_scales = dense<[0.3, 0.7, 0.11, 1.9, 0.5, 0.25, 0.05, 1.3]> : tensor<8xf32>, static_zero_points = dense<[0, 5, -3, 10, -128, 127, 1, -7]> : tensor<8xi32>} : tensor<1x5x5x8xf32> -> !qy
  %yd = mx.dequantize %yq : !qy -> tensor<1x5x5x8xf32>
  return %yd : tensor<1x5x5x8xf32>
}

!qdw = tensor<3x3x40x1x!mx.q<int8, granularity = channel, axis = 2>>
!qdy = tensor<1x9x9x40x!mx.q<int8, zero_point = true>>
func.func @depthwise(%x2: tensor<81x40xf32>, %w2: tensor<9x40xf32>) -> tensor<1x9x9x40xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %b = "tosa.const"() <{values = dense<0.25> : tensor<40xf32>}> : () -> tensor<40xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1], [2, 3]] output_shape [3, 3, 40, 1] : tensor<9x40xf32> into tensor<3x3x40x1xf32>
  %xq = mx.quantize %x {static_scales = dense<0.125> : tensor<f32>} : tensor<1x9x9x40xf32> -> !qx
  %xd = mx.dequantize %xq : !qx -> tensor<1x9x9x40xf32>
  %wq = mx.quantize %w {static_scales = dense<[0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125, 0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125, 0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125, 0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125, 0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125]> : tensor<40xf32>} : tensor<3x3x40x1xf32> -> !qdw
  %wd = mx.dequantize %wq : !qdw -> tensor<3x3x40x1xf32>
  %c = tosa.depthwise_conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x9x9x40xf32>, tensor<3x3x40x1xf32>, tensor<40xf32>, !zp, !zp) -> tensor<1x9x9x40xf32>
  %yq = mx.quantize %c {static_scales = dense<0.37> : tensor<f32>, static_zero_points = dense<-9> : tensor<i32>} : tensor<1x9x9x40xf32> -> !qdy
  %yd = mx.dequantize %yq : !qdy -> tensor<1x9x9x40xf32>
  return %yd : tensor<1x9x9x40xf32>
}

!qa = tensor<2x3x72x!mx.q<int8>>
!qb = tensor<2x72x5x!mx.q<int8, granularity = channel, axis = 2>>
!qm = tensor<2x3x5x!mx.q<int8, granularity = channel, axis = 2>>
func.func @matmul(%a2: tensor<6x72xf32>, %b2: tensor<144x5xf32>) -> tensor<2x3x5xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [2, 3, 72] : tensor<6x72xf32> into tensor<2x3x72xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [2, 72, 5] : tensor<144x5xf32> into tensor<2x72x5xf32>
  %aq = mx.quantize %a {static_scales = dense<0.0625> : tensor<f32>} : tensor<2x3x72xf32> -> !qa
  %ad = mx.dequantize %aq : !qa -> tensor<2x3x72xf32>
  %bq = mx.quantize %b {static_scales = dense<[0.125, 0.25, 0.5, 0.03125, 0.0625]> : tensor<5xf32>} : tensor<2x72x5xf32> -> !qb
  %bd = mx.dequantize %bq : !qb -> tensor<2x72x5xf32>
  %c = tosa.matmul %ad, %bd, %zp, %zp : (tensor<2x3x72xf32>, tensor<2x72x5xf32>, !zp, !zp) -> tensor<2x3x5xf32>
  %mq = mx.quantize %c {static_scales = dense<[0.02, 0.3, 0.9, 0.125, 0.07]> : tensor<5xf32>} : tensor<2x3x5xf32> -> !qm
  %md = mx.dequantize %mq : !qm -> tensor<2x3x5xf32>
  return %md : tensor<2x3x5xf32>
}

// All three in one entry (one compilation per run).
func.func @all(%x: tensor<81x40xf32>, %w: tensor<72x40xf32>, %dw: tensor<9x40xf32>, %ma: tensor<6x72xf32>, %mb: tensor<144x5xf32>) -> (tensor<1x5x5x8xf32>, tensor<1x9x9x40xf32>, tensor<2x3x5xf32>) {
  %0 = func.call @conv(%x, %w) : (tensor<81x40xf32>, tensor<72x40xf32>) -> tensor<1x5x5x8xf32>
  %1 = func.call @depthwise(%x, %dw) : (tensor<81x40xf32>, tensor<9x40xf32>) -> tensor<1x9x9x40xf32>
  %2 = func.call @matmul(%ma, %mb) : (tensor<6x72xf32>, tensor<144x5xf32>) -> tensor<2x3x5xf32>
  return %0, %1, %2 : tensor<1x5x5x8xf32>, tensor<1x9x9x40xf32>, tensor<2x3x5xf32>
}
