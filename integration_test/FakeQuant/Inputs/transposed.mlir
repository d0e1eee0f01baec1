// fake_quant along axis 0 of X, and along axis 1 of X^T transposed back: the
// two results must be identical bit for bit (the column-tile lowering against
// the row-tile lowering, which the reference checks directly).
func.func @f(%x: tensor<96x256xf32>) -> (tensor<96x256xf32>, tensor<96x256xf32>) {
  %a = mx.fake_quant %x {format = FORMAT, axis = 0 : i64} : tensor<96x256xf32>
  %e = tensor.empty() : tensor<256x96xf32>
  %t = linalg.transpose ins(%x : tensor<96x256xf32>) outs(%e : tensor<256x96xf32>) permutation = [1, 0]
  %q = mx.fake_quant %t {format = FORMAT, axis = 1 : i64} : tensor<256x96xf32>
  %e2 = tensor.empty() : tensor<96x256xf32>
  %b = linalg.transpose ins(%q : tensor<256x96xf32>) outs(%e2 : tensor<96x256xf32>) permutation = [1, 0]
  return %a, %b : tensor<96x256xf32>, tensor<96x256xf32>
}
