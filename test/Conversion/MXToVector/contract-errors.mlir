// RUN: mx-opt %s --convert-mx-to-vector -verify-diagnostics

func.func @dynamic(%a: tensor<?x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8>>) -> tensor<?x16xf32> {
  // expected-error @below {{dynamic shapes are not supported by the lowering of mx.contract}}
  // expected-error @below {{failed to legalize operation 'mx.contract' that was explicitly marked illegal}}
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<?x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8>> -> tensor<?x16xf32>
  return %c : tensor<?x16xf32>
}
