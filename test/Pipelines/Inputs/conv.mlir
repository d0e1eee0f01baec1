// A padded 3x3 convolution (NHWC / HWCF) with bias and relu for the GPU
// tests: [2 x 6 x 6 x 8] -> [2 x 6 x 6 x 16] (implicit GEMM: M = 72,
// N = 16, K = 9 x 8 channels, padded to 9 x 32).
#nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv(%x: tensor<2x6x6x8xf32>, %w: tensor<3x3x8x16xf32>, %b: tensor<16xf32>) -> tensor<2x6x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %xp = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<2x6x6x8xf32> to tensor<2x8x8x8xf32>
  %e = tensor.empty() : tensor<2x6x6x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x6x6x16xf32>) -> tensor<2x6x6x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xp, %w : tensor<2x8x8x8xf32>, tensor<3x3x8x16xf32>) outs(%f : tensor<2x6x6x16xf32>) -> tensor<2x6x6x16xf32>
  %a = linalg.generic {indexing_maps = [#nhwc, #chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<2x6x6x16xf32>, tensor<16xf32>) outs(%e : tensor<2x6x6x16xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6x16xf32>
  return %a : tensor<2x6x6x16xf32>
}
