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


// -----

// A padded INT8 lhs with a per-tensor zero point (u8 activations): the
// codes are padded with the zero point's code (it decodes to 0), then the
// i32 contraction of (q - zp) products reads the padded codes; the result
// is requantized with per-channel static scales and zero points, as
// mx.quantize with static_scales does.
// CHECK-LABEL: func @int8_pad_zero_point
// CHECK-SAME: (%[[AD:.*]]: tensor<1x4x4x8xi8>, %[[AS:.*]]: tensor<f32>, %[[AZ:.*]]: tensor<i32>, %[[BD:.*]]: tensor<4x3x3x8xi8>, %[[BS:.*]]: tensor<4xf32>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK: %[[ZP:.*]] = tensor.extract %[[AZ]][] : tensor<i32>
// CHECK: %[[ZC:.*]] = arith.trunci %[[ZP]] : i32 to i8
// CHECK: %[[P:.*]] = tensor.pad %[[AD]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:   tensor.yield %[[ZC]] : i8
// CHECK: } : tensor<1x4x4x8xi8> to tensor<1x6x6x8xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[P]], %[[BD]], %[[AZ]] : tensor<1x6x6x8xi8>, tensor<4x3x3x8xi8>, tensor<i32>) outs(%{{.*}} : tensor<1x4x4x4xi32>)
// CHECK:   arith.extui %{{.*}} : i8 to i32
// CHECK:   arith.extsi %{{.*}} : i8 to i32
// CHECK:   arith.subi
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[AS]], %[[BS]], %[[BIAS]] : tensor<1x4x4x4xi32>, tensor<f32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-DAG: %[[OS:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[OZ:.*]] = arith.constant dense<[0, 1, -2, 3]> : tensor<4xi32>
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[Y]], %[[OS]], %[[OZ]] : tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xi32>) outs(%{{.*}} : tensor<1x4x4x4xi8>)
// CHECK:   math.roundeven
// CHECK: return %[[Q]], %[[OS]], %[[OZ]]
func.func @int8_pad_zero_point(%a: tensor<1x4x4x8x!mx.q<int8, elem = ui8, zero_point = true>>, %b: tensor<4x3x3x8x!mx.q<int8, granularity = channel, axis = 0>>, %bias: tensor<4xf32>) -> tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>> {
  %c = mx.contract %a, %b bias(%bias : tensor<4xf32>) {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         bias_map = affine_map<(n, h, w, f, kh, kw, c) -> (f)>, bias_init,
         lhs_pad_low = array<i64: 0, 1, 1, 0>, lhs_pad_high = array<i64: 0, 1, 1, 0>,
         output_scales = dense<[0.5, 0.25, 1.0, 2.0]> : tensor<4xf32>,
         output_zero_points = dense<[0, 1, -2, 3]> : tensor<4xi32>}
       : tensor<1x4x4x8x!mx.q<int8, elem = ui8, zero_point = true>>, tensor<4x3x3x8x!mx.q<int8, granularity = channel, axis = 0>> -> tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>>
  return %c : tensor<1x4x4x4x!mx.q<int8, granularity = channel, zero_point = true, axis = 3>>
}

// -----

// E8M0 codes read directly: the codes are padded with code 0 and the
// block scales with 127 (2^0), so a padded element decodes to +0.0; the
// accumulator starts at the broadcast bias (bias_init), and no epilogue
// adds it again.
// CHECK-LABEL: func @mxfp8_pad_bias_init
// CHECK-SAME: (%[[AD:.*]]: tensor<1x4x4x32xi8>, %[[AS:.*]]: tensor<1x4x4x1xi8>, %[[BD:.*]]: tensor<4x3x3x32xi8>, %[[BS:.*]]: tensor<4x3x3x1xi8>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : i8
// CHECK: %[[PD:.*]] = tensor.pad %[[AD]] low[0, 1, 0, 0] high[0, 0, 1, 0]
// CHECK:   tensor.yield %[[C0]] : i8
// CHECK: %[[C127:.*]] = arith.constant 127 : i8
// CHECK: %[[PS:.*]] = tensor.pad %[[AS]] low[0, 1, 0, 0] high[0, 0, 1, 0]
// CHECK:   tensor.yield %[[C127]] : i8
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], {{.*}} ins(%[[BIAS]] : tensor<4xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[PD]], %[[PS]], %[[BD]], %[[BS]] : tensor<1x5x5x32xi8>, tensor<1x5x5x1xi8>, tensor<4x3x3x32xi8>, tensor<4x3x3x1xi8>) outs(%[[INIT]] : tensor<1x3x3x4xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[ACC]]
func.func @mxfp8_pad_bias_init(%a: tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>>, %bias: tensor<4xf32>) -> tensor<1x3x3x4xf32> {
  %c = mx.contract %a, %b bias(%bias : tensor<4xf32>) {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         bias_map = affine_map<(n, h, w, f, kh, kw, c) -> (f)>, bias_init,
         lhs_pad_low = array<i64: 0, 1, 0, 0>, lhs_pad_high = array<i64: 0, 0, 1, 0>}
       : tensor<1x4x4x32x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<4x3x3x32x!mx.q<mxfp8_e4m3, axis = 3>> -> tensor<1x3x3x4xf32>
  return %c : tensor<1x3x3x4xf32>
}

// -----

// Formats decoded to f32 first (here MX6) are padded after decoding, with
// +0.0.
// CHECK-LABEL: func @mx6_pad
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:   tensor.yield %[[Z]] : f32
// CHECK: } : tensor<1x3x3x16xf32> to tensor<1x5x5x16xf32>
func.func @mx6_pad(%a: tensor<1x3x3x16x!mx.q<mx6, axis = 3>>, %b: tensor<4x3x3x16x!mx.q<mx6, axis = 3>>) -> tensor<1x3x3x4xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (f, kh, kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         lhs_pad_low = array<i64: 0, 1, 1, 0>, lhs_pad_high = array<i64: 0, 1, 1, 0>}
       : tensor<1x3x3x16x!mx.q<mx6, axis = 3>>, tensor<4x3x3x16x!mx.q<mx6, axis = 3>> -> tensor<1x3x3x4xf32>
  return %c : tensor<1x3x3x4xf32>
}
