// fake_quant along the middle axis of a 3-D tensor (column tiles with an
// outer and an inner dimension) equals the last-axis lowering on the
// transposed tensor.
func.func @f(%x: tensor<3x40x20xf32>) -> (tensor<3x40x20xf32>, tensor<3x40x20xf32>) {
  %a = mx.fake_quant %x {format = "FMT", axis = 1 : i64} : tensor<3x40x20xf32>
  %e = tensor.empty() : tensor<3x20x40xf32>
  %t = linalg.transpose ins(%x : tensor<3x40x20xf32>) outs(%e : tensor<3x20x40xf32>) permutation = [0, 2, 1]
  %q = mx.fake_quant %t {format = "FMT", axis = 2 : i64} : tensor<3x20x40xf32>
  %e2 = tensor.empty() : tensor<3x40x20xf32>
  %b = linalg.transpose ins(%q : tensor<3x20x40xf32>) outs(%e2 : tensor<3x40x20xf32>) permutation = [0, 2, 1]
  return %a, %b : tensor<3x40x20xf32>, tensor<3x40x20xf32>
}
