// Four matmul + relu layers (three of the same shape, so their kernels are
// shared after mx-outline-kernels) with a bias on the last one and a weight
// reused by two layers, then a transpose of the result
// (integration_test/Compile).
#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d1)>
func.func @layers(%x: tensor<8x64xf32>, %w1: tensor<64x64xf32>, %w2: tensor<64x64xf32>, %w3: tensor<64x32xf32>) -> tensor<32x8xf32> {
  %zero = arith.constant 0.0 : f32
  %bias = arith.constant dense<[0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 1.5, 0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 1.5, 0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 1.5, 0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 1.5]> : tensor<32xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<8x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<8x64xf32>) -> tensor<8x64xf32>
  %h1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m1 : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %m2 = linalg.matmul ins(%h1, %w2 : tensor<8x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<8x64xf32>) -> tensor<8x64xf32>
  %h2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m2 : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %m3 = linalg.matmul ins(%h2, %w2 : tensor<8x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<8x64xf32>) -> tensor<8x64xf32>
  %h3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m3 : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %e4 = tensor.empty() : tensor<8x32xf32>
  %acc4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m4 = linalg.matmul ins(%h3, %w3 : tensor<8x64xf32>, tensor<64x32xf32>) outs(%acc4 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %h4 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%m4, %bias : tensor<8x32xf32>, tensor<32xf32>) outs(%e4 : tensor<8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x32xf32>
  %et = tensor.empty() : tensor<32x8xf32>
  %t = linalg.transpose ins(%h4 : tensor<8x32xf32>) outs(%et : tensor<32x8xf32>) permutation = [1, 0]
  return %t : tensor<32x8xf32>
}
