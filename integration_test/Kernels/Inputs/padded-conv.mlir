// A padded convolution as --mx-fuse finds it after quantization: the
// dequantized input padded with +0.0 by tensor.pad (the contract's
// lhs_pad_low / lhs_pad_high), stride 2, C = 36 (a partial block), odd
// spatial sizes; the result as [M, F]. FORMAT is replaced by the test (an E8M0 block format).
func.func @padded(%x2: tensor<63x36xf32>, %w2: tensor<108x18xf32>) -> tensor<20x18xf32> {
  %zero = arith.constant 0.0 : f32
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 7, 36] : tensor<63x36xf32> into tensor<1x9x7x36xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [3, 1, 36, 18] : tensor<108x18xf32> into tensor<3x1x36x18xf32>
  %qx = mx.quantize %x : tensor<1x9x7x36xf32> -> tensor<1x9x7x36x!mx.q<FORMAT, axis = 3>>
  %dx = mx.dequantize %qx : tensor<1x9x7x36x!mx.q<FORMAT, axis = 3>> -> tensor<1x9x7x36xf32>
  %qw = mx.quantize %w : tensor<3x1x36x18xf32> -> tensor<3x1x36x18x!mx.q<FORMAT, axis = 2>>
  %dw = mx.dequantize %qw : tensor<3x1x36x18x!mx.q<FORMAT, axis = 2>> -> tensor<3x1x36x18xf32>
  %xp = tensor.pad %dx low[0, 1, 2, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x9x7x36xf32> to tensor<1x11x10x36xf32>
  %e = tensor.empty() : tensor<1x5x4x18xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x4x18xf32>) -> tensor<1x5x4x18xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>} ins(%xp, %dw : tensor<1x11x10x36xf32>, tensor<3x1x36x18xf32>) outs(%acc : tensor<1x5x4x18xf32>) -> tensor<1x5x4x18xf32>
  %r = tensor.collapse_shape %c [[0, 1, 2], [3]] : tensor<1x5x4x18xf32> into tensor<20x18xf32>
  return %r : tensor<20x18xf32>
}

// The reference's operands (f32): the input padded (spatially as above,
// and C to 64: whole blocks) and gathered into its im2col matrix [M, K]
// with K = (kh, kw, c), and the weights padded the same way as [K, F]:
// mx-ref block-matmul on them is the integer kernel's contract.
func.func @im2col(%x2: tensor<63x36xf32>) -> tensor<20x192xf32> {
  %zero = arith.constant 0.0 : f32
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 9, 7, 36] : tensor<63x36xf32> into tensor<1x9x7x36xf32>
  %xp = tensor.pad %x low[0, 1, 2, 0] high[0, 1, 1, 28] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x9x7x36xf32> to tensor<1x11x10x64xf32>
  %e = tensor.empty() : tensor<1x5x4x3x1x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, kh, kw, c) -> (n, oh * 2 + kh, ow * 3 + kw, c)>, affine_map<(n, oh, ow, kh, kw, c) -> (n, oh, ow, kh, kw, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%xp : tensor<1x11x10x64xf32>) outs(%e : tensor<1x5x4x3x1x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x5x4x3x1x64xf32>
  %r = tensor.collapse_shape %g [[0, 1, 2], [3, 4, 5]] : tensor<1x5x4x3x1x64xf32> into tensor<20x192xf32>
  return %r : tensor<20x192xf32>
}

func.func @weights(%w2: tensor<108x18xf32>) -> tensor<192x18xf32> {
  %zero = arith.constant 0.0 : f32
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [3, 1, 36, 18] : tensor<108x18xf32> into tensor<3x1x36x18xf32>
  %wp = tensor.pad %w low[0, 0, 0, 0] high[0, 0, 28, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<3x1x36x18xf32> to tensor<3x1x64x18xf32>
  %r = tensor.collapse_shape %wp [[0, 1, 2], [3]] : tensor<3x1x64x18xf32> into tensor<192x18xf32>
  return %r : tensor<192x18xf32>
}
