// E2M1: [1.0, 6.0, -0.5, 0.0] -> codes 2, 7, 9, 0 -> bytes 0x72 = 114, 0x09.
func.func @q() -> tensor<1x4x!mx.q<mxfp4_e2m1, axis = 1>> {
  %w = arith.constant dense<[[1.0, 6.0, -0.5, 0.0]]> : tensor<1x4xf32>
  %q = mx.quantize %w : tensor<1x4xf32> -> tensor<1x4x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<1x4x!mx.q<mxfp4_e2m1, axis = 1>>
}
