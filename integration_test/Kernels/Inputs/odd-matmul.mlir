// Matmuls whose sizes are not multiples of the kernels' tiles (MR rows,
// 32-column panels, groups of 4 along K, 192-row blocks) nor of the
// 32-element blocks: bias + relu fused, a batch matmul, and one large
// enough for several row blocks and a partial last block (K = 100).
#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d1)>
func.func @mm(%x: tensor<13x70xf32>, %w: tensor<70x37xf32>) -> tensor<13x37xf32> {
  %zero = arith.constant 0.0 : f32
  %bias = arith.constant dense<0.25> : tensor<37xf32>
  %e = tensor.empty() : tensor<13x37xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<13x37xf32>) -> tensor<13x37xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<13x70xf32>, tensor<70x37xf32>) outs(%acc : tensor<13x37xf32>) -> tensor<13x37xf32>
  %b = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<13x37xf32>, tensor<37xf32>) outs(%e : tensor<13x37xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<13x37xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<13x37xf32>) outs(%e : tensor<13x37xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<13x37xf32>
  return %relu : tensor<13x37xf32>
}

func.func @batch(%a2: tensor<15x72xf32>, %b2: tensor<216x19xf32>) -> tensor<3x5x19xf32> {
  %zero = arith.constant 0.0 : f32
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [3, 5, 72] : tensor<15x72xf32> into tensor<3x5x72xf32>
  %b = tensor.expand_shape %b2 [[0, 1], [2]] output_shape [3, 72, 19] : tensor<216x19xf32> into tensor<3x72x19xf32>
  %e = tensor.empty() : tensor<3x5x19xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5x19xf32>) -> tensor<3x5x19xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<3x5x72xf32>, tensor<3x72x19xf32>) outs(%acc : tensor<3x5x19xf32>) -> tensor<3x5x19xf32>
  return %c : tensor<3x5x19xf32>
}

func.func @large(%x: tensor<200x100xf32>, %w: tensor<100x70xf32>) -> tensor<200x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<200x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<200x70xf32>) -> tensor<200x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<200x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<200x70xf32>) -> tensor<200x70xf32>
  return %mm : tensor<200x70xf32>
}
