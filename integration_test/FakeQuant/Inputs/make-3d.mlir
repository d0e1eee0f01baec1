// Builds a 3x40x20 test tensor from a 60x40 array.
func.func @f(%x: tensor<60x40xf32>) -> tensor<3x40x20xf32> {
  %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [3, 20, 40] : tensor<60x40xf32> into tensor<3x20x40xf32>
  %o = tensor.empty() : tensor<3x40x20xf32>
  %t = linalg.transpose ins(%e : tensor<3x20x40xf32>) outs(%o : tensor<3x40x20xf32>) permutation = [0, 2, 1]
  return %t : tensor<3x40x20xf32>
}
