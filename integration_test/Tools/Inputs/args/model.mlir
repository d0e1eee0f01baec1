// x @ w + y for the mx-calibrate tests with several per-batch arguments:
// x (argument 0) and y (argument 2) change with every batch, w (argument 1,
// Inputs/calib/w.npy) is fixed.
func.func @g(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = linalg.add ins(%r, %y : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}
// The packed bytes of an MXFP8 quantization: a uint8 .npy (a wrong dtype
// for @g's arguments).
func.func @bytes(%x: tensor<2x32xf32>) -> tensor<2x32x!mx.q<mxfp8_e4m3, axis = 1>> {
  %q = mx.quantize %x : tensor<2x32xf32> -> tensor<2x32x!mx.q<mxfp8_e4m3, axis = 1>>
  return %q : tensor<2x32x!mx.q<mxfp8_e4m3, axis = 1>>
}
