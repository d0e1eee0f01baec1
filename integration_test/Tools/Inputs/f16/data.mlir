// Test data for the f16 / bf16 calibration tests.
#id = affine_map<(d0, d1) -> (d0, d1)>
// x[i][j] = (64 i + j - 100) / 4: the 256 quarters from -25 to 38.75, every
// one exact in f16 and in bf16 (at most 8 significant bits).
func.func @make() -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<4x64xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c64 = arith.constant 64 : index
    %c100 = arith.constant 100 : index
    %k0 = arith.muli %i, %c64 : index
    %k1 = arith.addi %k0, %j : index
    %k2 = arith.subi %k1, %c100 : index
    %ki = arith.index_cast %k2 : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %quarter = arith.constant 0.25 : f32
    %v = arith.mulf %kf, %quarter : f32
    linalg.yield %v : f32
  } -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
func.func @to_f16(%x: tensor<4x64xf32>) -> tensor<4x64xf16> {
  %y = arith.truncf %x : tensor<4x64xf32> to tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
func.func @to_bf16(%x: tensor<4x64xf32>) -> tensor<4x64xbf16> {
  %y = arith.truncf %x : tensor<4x64xf32> to tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}
