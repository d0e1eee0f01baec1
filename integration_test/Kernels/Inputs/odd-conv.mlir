// Convolutions for the im2col path of the contract kernels
// (ContractConv.cpp): odd spatial sizes, channel counts that are not
// multiples of the 32-element blocks, padding, stride and dilation, an
// NHWC/HWCF convolution with bias + relu and an NCHW/FCHW one (the
// weights reordered to [K, N], the result transposed back).
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc4 = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @nhwc(%x2: tensor<198x40xf32>, %w2: tensor<360x37xf32>) -> tensor<2x6x5x37xf32> {
  %zero = arith.constant 0.0 : f32
  %bias = arith.constant dense<0.25> : tensor<37xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [2, 11, 9, 40] : tensor<198x40xf32> into tensor<2x11x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [3, 3, 40, 37] : tensor<360x37xf32> into tensor<3x3x40x37xf32>
  %xp = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x11x9x40xf32> to tensor<2x13x11x40xf32>
  %e = tensor.empty() : tensor<2x6x5x37xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x6x5x37xf32>) -> tensor<2x6x5x37xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xp, %w : tensor<2x13x11x40xf32>, tensor<3x3x40x37xf32>) outs(%acc : tensor<2x6x5x37xf32>) -> tensor<2x6x5x37xf32>
  %b = linalg.generic {indexing_maps = [#id4, #bc4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %bias : tensor<2x6x5x37xf32>, tensor<37xf32>) outs(%e : tensor<2x6x5x37xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.addf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<2x6x5x37xf32>
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<2x6x5x37xf32>) outs(%e : tensor<2x6x5x37xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x6x5x37xf32>
  return %relu : tensor<2x6x5x37xf32>
}

func.func @nchw(%x2: tensor<20x72xf32>, %w2: tensor<19x240xf32>) -> tensor<1x19x5x2xf32> {
  %zero = arith.constant 0.0 : f32
  %x = tensor.expand_shape %x2 [[0, 1], [2, 3]] output_shape [1, 20, 9, 8] : tensor<20x72xf32> into tensor<1x20x9x8xf32>
  %w = tensor.expand_shape %w2 [[0], [1, 2, 3]] output_shape [19, 20, 3, 4] : tensor<19x240xf32> into tensor<19x20x3x4xf32>
  %e = tensor.empty() : tensor<1x19x5x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x19x5x2xf32>) -> tensor<1x19x5x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x20x9x8xf32>, tensor<19x20x3x4xf32>) outs(%acc : tensor<1x19x5x2xf32>) -> tensor<1x19x5x2xf32>
  return %c : tensor<1x19x5x2xf32>
}
