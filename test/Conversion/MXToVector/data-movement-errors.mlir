// RUN: not mx-opt %s --convert-mx-to-vector 2>&1 | FileCheck %s

// CHECK: error: 'tensor.concat' op cannot concatenate the storage part 'tensor<f32>': each operand has its own scale for the whole tensor or channel
// A concatenation of per-tensor scales (written by hand; --mx-propagate
// never builds it) is an error, not a silent choice of one scale.
func.func @concat_per_tensor(%a: tensor<8x64x!mx.q<int8>>, %b: tensor<8x64x!mx.q<int8>>) -> tensor<16x64x!mx.q<int8>> {
  %c = tensor.concat dim(0) %a, %b : (tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<int8>>) -> tensor<16x64x!mx.q<int8>>
  return %c : tensor<16x64x!mx.q<int8>>
}
