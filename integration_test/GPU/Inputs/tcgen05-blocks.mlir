// |x| [40 x 640] times |w| [640 x 48], block j = k / 32 of x scaled by
// 2^(j mod 7) and of w by 2^-(j mod 5), so neighbouring blocks have other
// E8M0 scales and a scale read from the wrong block changes the result
// (integration_test/GPU/tcgen05-cpu.test). K = 640: 20 blocks, two
// 16-block scale chunks of the tcgen05 scale layout; M, N not multiples of
// the 128 x 32 CTA tile.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @mm(%x: tensor<40x640xf32>, %w: tensor<640x48xf32>) -> tensor<40x48xf32> {
  %ex = tensor.empty() : tensor<40x640xf32>
  %xs = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x640xf32>) outs(%ex : tensor<40x640xf32>) {
  ^bb0(%a: f32, %o: f32):
    %k = linalg.index 1 : index
    %c32 = arith.constant 32 : index
    %c7 = arith.constant 7 : index
    %c1 = arith.constant 1 : index
    %j = arith.divui %k, %c32 : index
    %r = arith.remui %j, %c7 : index
    %p = arith.shli %c1, %r : index
    %pi = arith.index_cast %p : index to i32
    %f = arith.sitofp %pi : i32 to f32
    %aa = math.absf %a : f32
    %y = arith.mulf %aa, %f : f32
    linalg.yield %y : f32
  } -> tensor<40x640xf32>
  %ew = tensor.empty() : tensor<640x48xf32>
  %ws = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<640x48xf32>) outs(%ew : tensor<640x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %k = linalg.index 0 : index
    %c32 = arith.constant 32 : index
    %c5 = arith.constant 5 : index
    %c1 = arith.constant 1 : index
    %one = arith.constant 1.0 : f32
    %j = arith.divui %k, %c32 : index
    %r = arith.remui %j, %c5 : index
    %p = arith.shli %c1, %r : index
    %pi = arith.index_cast %p : index to i32
    %f = arith.sitofp %pi : i32 to f32
    %inv = arith.divf %one, %f : f32
    %aa = math.absf %a : f32
    %y = arith.mulf %aa, %inv : f32
    linalg.yield %y : f32
  } -> tensor<640x48xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40x48xf32>
  %f0 = linalg.fill ins(%z : f32) outs(%e : tensor<40x48xf32>) -> tensor<40x48xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x640xf32>, tensor<640x48xf32>) outs(%f0 : tensor<40x48xf32>) -> tensor<40x48xf32>
  return %mm : tensor<40x48xf32>
}
