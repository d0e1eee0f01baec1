// A tosa.matmul with one batch, for mx-ref's independent INT8 reference
// (A per tensor, B per column).
func.func @mm(%a2: tensor<32x256xf32>, %b2: tensor<256x32xf32>) -> tensor<32x32xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [1, 32, 256] : tensor<32x256xf32> into tensor<1x32x256xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [1, 256, 32] : tensor<256x32xf32> into tensor<1x256x32xf32>
  %c = tosa.matmul %a, %b, %zp, %zp : (tensor<1x32x256xf32>, tensor<1x256x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x32x32xf32>
  %y = tensor.collapse_shape %c [[0, 1], [2]] : tensor<1x32x32xf32> into tensor<32x32xf32>
  return %y : tensor<32x32xf32>
}
