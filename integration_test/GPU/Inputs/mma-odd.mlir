// matmul [13 x 20] x [20 x 21] -> bias -> residual -> clamp(0, 6): M, N, K
// not multiples of the 16 x 8 x 32 tensor-core tile (integration_test/GPU).
#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d1)>
func.func @mm(%x: tensor<13x20xf32>, %w: tensor<20x21xf32>, %res: tensor<13x21xf32>) -> tensor<13x21xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %bias = arith.constant dense<[0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0, 0.5, -0.25, 1.0, 2.0, -3.0, 0.125, 0.0]> : tensor<21xf32>
  %e = tensor.empty() : tensor<13x21xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<13x21xf32>) -> tensor<13x21xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<13x20xf32>, tensor<20x21xf32>) outs(%acc : tensor<13x21xf32>) -> tensor<13x21xf32>
  %b = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<13x21xf32>, tensor<21xf32>) outs(%e : tensor<13x21xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<13x21xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b, %res : tensor<13x21xf32>, tensor<13x21xf32>) outs(%e : tensor<13x21xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %c, %a : f32
    linalg.yield %s : f32
  } -> tensor<13x21xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<13x21xf32>) outs(%e : tensor<13x21xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    %t = arith.minimumf %s, %six : f32
    linalg.yield %t : f32
  } -> tensor<13x21xf32>
  return %relu : tensor<13x21xf32>
}
