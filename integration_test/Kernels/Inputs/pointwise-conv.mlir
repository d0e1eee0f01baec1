// A 1x1 convolution (NHWC/HWCF, stride 1) as --mx-fuse finds it after
// quantization: its im2col matrix is the input itself ([H*W, C]) and its
// weights are [C, F], so the dynamic tensor scales of the quantized
// operands are those of the [M, K] and [K, N] matrices mx-ref block-matmul
// quantizes. C = 40 (a partial block of 16 and of 32), 7 x 9 pixels,
// F = 37. FORMAT is replaced by the test.
func.func @pointwise(%x2: tensor<63x40xf32>, %w2: tensor<40x37xf32>) -> tensor<63x37xf32> {
  %zero = arith.constant 0.0 : f32
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [1, 7, 9, 40] : tensor<63x40xf32> into tensor<1x7x9x40xf32>
  %w = tensor.expand_shape %w2 [[0, 1, 2], [3]] output_shape [1, 1, 40, 37] : tensor<40x37xf32> into tensor<1x1x40x37xf32>
  %qx = mx.quantize %x : tensor<1x7x9x40xf32> -> tensor<1x7x9x40x!mx.q<FORMAT, axis = 3>>
  %dx = mx.dequantize %qx : tensor<1x7x9x40x!mx.q<FORMAT, axis = 3>> -> tensor<1x7x9x40xf32>
  %qw = mx.quantize %w : tensor<1x1x40x37xf32> -> tensor<1x1x40x37x!mx.q<FORMAT, axis = 2>>
  %dw = mx.dequantize %qw : tensor<1x1x40x37x!mx.q<FORMAT, axis = 2>> -> tensor<1x1x40x37xf32>
  %e = tensor.empty() : tensor<1x7x9x37xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x9x37xf32>) -> tensor<1x7x9x37xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%dx, %dw : tensor<1x7x9x40xf32>, tensor<1x1x40x37xf32>) outs(%acc : tensor<1x7x9x37xf32>) -> tensor<1x7x9x37xf32>
  %r = tensor.collapse_shape %c [[0, 1, 2], [3]] : tensor<1x7x9x37xf32> into tensor<63x37xf32>
  return %r : tensor<63x37xf32>
}
