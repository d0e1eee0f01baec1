// ONNX QDQ / TensorRT explicit quantization with u8 activations (zero
// point 128) into a padded TOSA conv2d and an ONNX-style MatMul: per-axis
// i8 weights, and outputs requantized per channel with zero points (conv)
// and to u8 with a zero point (matmul). Power-of-two input scales and a
// bias on their grid keep the unfused f32 sums exact, so the fused INT8
// path (i32 sums of (q - zp) products) must give the same bits.
!qx = !quant.uniform<u8:f32, 0.0625:128>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125, 0.5, 0.0625, 0.25, 0.125, 0.5, 0.03125}>
!qy = !quant.uniform<i8:f32:3, {0.3:0, 0.7:5, 0.11:-3, 1.9:10, 0.5:-128, 0.25:127, 0.05:1, 1.3:-7}>
!zp = tensor<1xf32>
func.func @conv(%x2: tensor<81x40xf32>, %w2: tensor<72x40xf32>) -> tensor<1x5x5x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> !zp
  %b = "tosa.const"() <{values = dense<[0.5, -1.25, 0.75, 2.0, -0.5, 0.0, 1.5, -3.0]> : tensor<8xf32>}> : () -> tensor<8xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 9, 40] : tensor<81x40xf32> into tensor<1x9x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [8, 3, 3, 40] : tensor<72x40xf32> into tensor<8x3x3x40xf32>
  %xq = quant.qcast %x : tensor<1x9x9x40xf32> to tensor<1x9x9x40x!qx>
  %xd = quant.dcast %xq : tensor<1x9x9x40x!qx> to tensor<1x9x9x40xf32>
  %wq = quant.qcast %w : tensor<8x3x3x40xf32> to tensor<8x3x3x40x!qw>
  %wd = quant.dcast %wq : tensor<8x3x3x40x!qw> to tensor<8x3x3x40xf32>
  %c = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x9x9x40xf32>, tensor<8x3x3x40xf32>, tensor<8xf32>, !zp, !zp) -> tensor<1x5x5x8xf32>
  %y = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  %yq = quant.qcast %y : tensor<1x5x5x8xf32> to tensor<1x5x5x8x!qy>
  %yd = quant.dcast %yq : tensor<1x5x5x8x!qy> to tensor<1x5x5x8xf32>
  return %yd : tensor<1x5x5x8xf32>
}

!qa = !quant.uniform<u8:f32, 0.0625:128>
!qb = !quant.uniform<i8:f32:1, {0.125, 0.25, 0.5, 0.03125, 0.0625, 0.125, 0.25, 0.5}>
!qo = !quant.uniform<u8:f32, 0.17:37>
func.func @matmul(%a: tensor<32x256xf32>, %b2: tensor<256x32xf32>) -> tensor<32x8xf32> {
  %b = tensor.extract_slice %b2[0, 0] [256, 8] [1, 1] : tensor<256x32xf32> to tensor<256x8xf32>
  %aq = quant.qcast %a : tensor<32x256xf32> to tensor<32x256x!qa>
  %ad = quant.dcast %aq : tensor<32x256x!qa> to tensor<32x256xf32>
  %bq = quant.qcast %b : tensor<256x8xf32> to tensor<256x8x!qb>
  %bd = quant.dcast %bq : tensor<256x8x!qb> to tensor<256x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<32x8xf32>) -> tensor<32x8xf32>
  %y = linalg.matmul ins(%ad, %bd : tensor<32x256xf32>, tensor<256x8xf32>) outs(%acc : tensor<32x8xf32>) -> tensor<32x8xf32>
  %yq = quant.qcast %y : tensor<32x8xf32> to tensor<32x8x!qo>
  %yd = quant.dcast %yq : tensor<32x8x!qo> to tensor<32x8xf32>
  return %yd : tensor<32x8xf32>
}

// Both in one entry (one compilation per run).
func.func @all(%x: tensor<81x40xf32>, %w: tensor<72x40xf32>, %a: tensor<32x256xf32>, %b: tensor<256x32xf32>) -> (tensor<1x5x5x8xf32>, tensor<32x8xf32>) {
  %0 = func.call @conv(%x, %w) : (tensor<81x40xf32>, tensor<72x40xf32>) -> tensor<1x5x5x8xf32>
  %1 = func.call @matmul(%a, %b) : (tensor<32x256xf32>, tensor<256x32xf32>) -> tensor<32x8xf32>
  return %0, %1 : tensor<1x5x5x8xf32>, tensor<32x8xf32>
}
