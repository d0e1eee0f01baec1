// |x * 2^rx| [32 x 64] times |w * 2^cw| [64 x 64], the rows of x and the
// columns of w scaled by different powers of two (2^-8 .. 2^8), so every row
// and column of a 16 x 8 tile has its own E8M0 block scale: a scale applied
// to the wrong row or column is off by a power of two
// (integration_test/GPU/mma-block-scale.test).
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @mm(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> tensor<32x64xf32> {
  %rs = arith.constant dense<[0.00390625, 0.125, 4.0, 128.0, 0.03125, 1.0, 32.0, 0.0078125, 0.25, 8.0, 256.0, 0.0625, 2.0, 64.0, 0.015625, 0.5, 16.0, 0.00390625, 0.125, 4.0, 128.0, 0.03125, 1.0, 32.0, 0.0078125, 0.25, 8.0, 256.0, 0.0625, 2.0, 64.0, 0.015625]> : tensor<32xf32>
  %cs = arith.constant dense<[0.015625, 2.0, 0.03125, 4.0, 0.0625, 8.0, 0.125, 16.0, 0.25, 32.0, 0.5, 64.0, 1.0, 0.015625, 2.0, 0.03125, 4.0, 0.0625, 8.0, 0.125, 16.0, 0.25, 32.0, 0.5, 64.0, 1.0, 0.015625, 2.0, 0.03125, 4.0, 0.0625, 8.0, 0.125, 16.0, 0.25, 32.0, 0.5, 64.0, 1.0, 0.015625, 2.0, 0.03125, 4.0, 0.0625, 8.0, 0.125, 16.0, 0.25, 32.0, 0.5, 64.0, 1.0, 0.015625, 2.0, 0.03125, 4.0, 0.0625, 8.0, 0.125, 16.0, 0.25, 32.0, 0.5, 64.0]> : tensor<64xf32>
  %ex = tensor.empty() : tensor<32x64xf32>
  %ew = tensor.empty() : tensor<64x64xf32>
  %xs = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %rs : tensor<32x64xf32>, tensor<32xf32>) outs(%ex : tensor<32x64xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    %p = math.absf %m : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %ws = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%w, %cs : tensor<64x64xf32>, tensor<64xf32>) outs(%ew : tensor<64x64xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    %p = math.absf %m : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%ex : tensor<32x64xf32>) -> tensor<32x64xf32>
  %y = linalg.matmul ins(%xs, %ws : tensor<32x64xf32>, tensor<64x64xf32>) outs(%f : tensor<32x64xf32>) -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}
