// RUN: mx-opt %s -split-input-file --convert-mx-to-vector -mlir-print-local-scope | FileCheck %s

// INT8 per tensor x per output channel: an i32 contraction of the codes,
// then one epilogue with both scales, the bias and the clamp.
// CHECK-LABEL: func @int8
// CHECK-SAME: (%[[AD:.*]]: tensor<4x64xi8>, %[[AS:.*]]: tensor<f32>, %[[BD:.*]]: tensor<64x16xi8>, %[[BS:.*]]: tensor<16xf32>, %[[BIAS:.*]]: tensor<16xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[AD]], %[[BD]] : tensor<4x64xi8>, tensor<64x16xi8>) outs(%{{.*}} : tensor<4x16xi32>)
// CHECK:   arith.extsi %{{.*}} : i8 to i32
// CHECK:   arith.extsi %{{.*}} : i8 to i32
// CHECK:   arith.muli
// CHECK:   arith.addi
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[AS]], %[[BS]], %[[BIAS]] : tensor<4x16xi32>, tensor<f32>, tensor<16xf32>, tensor<16xf32>)
// CHECK:   arith.sitofp
// CHECK:   arith.addf
// CHECK:   arith.maximumf
func.func @int8(%a: tensor<4x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>>, %bias: tensor<16xf32>) -> tensor<4x16xf32> {
  %c = mx.contract %a, %b bias(%bias : tensor<16xf32>) {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"],
         bias_map = affine_map<(m, n, k) -> (n)>, clamp_min = 0.0 : f32}
       : tensor<4x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// -----

// MXFP4: codes two per byte (the last dimension halved in the map, the
// nibble chosen by the index parity) and E8M0 scales per 32 along K. K
// appears only divided, so a shape-only operand (tensor<64xi8>, never read)
// gives linalg its extent.
// CHECK-LABEL: func @mxfp4
// CHECK-SAME: (%[[AD:.*]]: tensor<4x32xi8>, %[[AS:.*]]: tensor<4x2xi8>, %[[BD:.*]]: tensor<16x32xi8>, %[[BS:.*]]: tensor<16x2xi8>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2 floordiv 2)>, affine_map<(d0, d1, d2) -> (d0, d2 floordiv 32)>, affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>, affine_map<(d0, d1, d2) -> (d1, d2 floordiv 32)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[AD]], %[[AS]], %[[BD]], %[[BS]], %{{.*}} : tensor<4x32xi8>, tensor<4x2xi8>, tensor<16x32xi8>, tensor<16x2xi8>, tensor<64xi8>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK:   linalg.index 2
// CHECK:   affine.apply affine_map<(d0, d1, d2) -> (d2 mod 2)>
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK-NOT: linalg.generic
func.func @mxfp4(%a: tensor<4x64x!mx.q<mxfp4_e2m1, axis = 1>>, %b: tensor<16x64x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<4x16xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<4x64x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<16x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// -----

// Formats without a direct path (here MX6) are decoded to f32 first; a
// quantized result is quantized after the contraction.
// CHECK-LABEL: func @mx6_requantized
// CHECK: scf.for
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x64xf32>, tensor<64x16xf32>)
// CHECK: scf.for
// CHECK: return {{.*}} : tensor<4x16xi8>, tensor<4x1xi8>, tensor<4x8xi8>
func.func @mx6_requantized(%a: tensor<4x64x!mx.q<mx6, axis = 1>>, %b: tensor<64x16x!mx.q<mx6, axis = 0>>) -> tensor<4x16x!mx.q<mx6, axis = 1>> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<4x64x!mx.q<mx6, axis = 1>>, tensor<64x16x!mx.q<mx6, axis = 0>> -> tensor<4x16x!mx.q<mx6, axis = 1>>
  return %c : tensor<4x16x!mx.q<mx6, axis = 1>>
}

