// RUN: mx-opt %s -split-input-file --convert-mx-to-parallel-blocks="tensor-cores=true" | FileCheck %s
// RUN: mx-opt %s -split-input-file --convert-mx-to-parallel-blocks | FileCheck %s --check-prefix=LOOPS

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>

// MXFP8: one iteration per lane of a warp per 16x8 output tile, mapped to
// blocks (y: row tiles, x: column tiles) and the threads of one warp. Each
// lane loops over K in slices of 32: the code tiles and the scale layout of
// the tile (one E8M0 code per row of A, per column of B) go to
// mx.warp_mma; the lane's four outputs are a 2x2 tile with row stride 8.
// CHECK-LABEL: func @mxfp8
// CHECK-SAME: (%[[A:.*]]: tensor<32x64xi8>, %[[SA:.*]]: tensor<32x2xi8>, %[[B:.*]]: tensor<64x16xi8>, %[[SB:.*]]: tensor<2x16xi8>)
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]], %[[L:.*]]) in (2, 2, 32) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<32x16xf32>)
// CHECK: %[[ACC:.*]] = scf.for %[[KB:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[IT:.*]] = %{{.*}}) -> (vector<4xf32>)
// CHECK-DAG: %[[AT:.*]] = tensor.extract_slice %[[A]][{{.*}}] [16, 32] [1, 1] : tensor<32x64xi8> to tensor<16x32xi8>
// CHECK-DAG: %[[BT:.*]] = tensor.extract_slice %[[B]][{{.*}}] [32, 8] [1, 1] : tensor<64x16xi8> to tensor<32x8xi8>
// CHECK-DAG: %[[AS:.*]] = tensor.extract_slice %[[SA]][{{.*}}, %[[KB]]] [16, 1] [1, 1] : tensor<32x2xi8> to tensor<16xi8>
// CHECK-DAG: %[[BS:.*]] = tensor.extract_slice %[[SB]][%[[KB]], {{.*}}] [1, 8] [1, 1] : tensor<2x16xi8> to tensor<8xi8>
// CHECK: mx.warp_mma %[[AT]] scales(%[[AS]] : tensor<16xi8>), %[[BT]] scales(%[[BS]] : tensor<8xi8>), %[[IT]] lane(%[[L]]) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>}
// CHECK: tensor.from_elements {{.*}} : tensor<2x2xf32>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[O]][{{.*}}] [2, 2] [8, 1]
// CHECK: mapping = [#gpu.block<y>, #gpu.block<x>, #gpu.thread<x>]
// LOOPS-LABEL: func @mxfp8
// LOOPS-NOT: mx.warp_mma
// LOOPS: linalg.generic
func.func @mxfp8(%a: tensor<32x64x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<32x16xf32> {
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<32x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>

// MXFP4: packed tiles (16 bytes of K per row of A, 4 bytes of N per row of B).
// CHECK-LABEL: func @mxfp4
// CHECK: tensor.extract_slice %{{.*}} [16, 16] [1, 1] : tensor<32x32xi8> to tensor<16x16xi8>
// CHECK: tensor.extract_slice %{{.*}} [32, 4] [1, 1] : tensor<64x8xi8> to tensor<32x4xi8>
// CHECK: mx.warp_mma {{.*}}a_format = #mx.format<mxfp4_e2m1>{{.*}} : tensor<16x16xi8>, tensor<32x4xi8>, vector<4xf32>
func.func @mxfp4(%a: tensor<32x64x!mx.q<mxfp4_e2m1, axis = 1>>, %b: tensor<64x16x!mx.q<mxfp4_e2m1, axis = 0>>) -> tensor<32x16xf32> {
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<32x64x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<64x16x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
#n = affine_map<(m, n, k) -> (n)>

// INT8 (per-tensor activations, per-channel weights): i32 accumulation over
// the whole K, then the two f32 scales, bias and clamp per output.
// CHECK-LABEL: func @int8
// CHECK-SAME: (%[[A:.*]]: tensor<32x64xi8>, %[[SA:.*]]: tensor<f32>, %[[B:.*]]: tensor<64x16xi8>, %[[SB:.*]]: tensor<16xf32>, %[[BIAS:.*]]: tensor<16xf32>)
// CHECK: scf.for {{.*}} -> (vector<4xi32>)
// CHECK: mx.warp_mma %{{.*}}, %{{.*}}, %{{.*}} lane(%{{.*}}) {a_format = #mx.format<int8>, b_format = #mx.format<int8, granularity = channel>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xi32>
// CHECK: arith.sitofp
// CHECK: tensor.extract %[[SA]][] : tensor<f32>
// CHECK: tensor.extract %[[SB]][%{{.*}}] : tensor<16xf32>
// CHECK: tensor.extract %[[BIAS]][%{{.*}}] : tensor<16xf32>
// CHECK: arith.maximumf
func.func @int8(%a: tensor<32x64x!mx.q<int8>>, %b: tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>>, %bias: tensor<16xf32>) -> tensor<32x16xf32> {
  %c = mx.contract %a, %b bias(%bias : tensor<16xf32>) {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"], bias_map = #n, clamp_min = 0.0 : f32}
       : tensor<32x64x!mx.q<int8>>, tensor<64x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>

// No tensor-core tile (6-bit elements): the loop lowering of mx.contract.
// N not a multiple of 8: the codes of B are padded with zero codes, its
// scales with 1.0 (127), to whole tiles; the padded columns are cut off and
// the epilogue reads its operands at clamped columns.
// CHECK-LABEL: func @fallback
// CHECK-NOT: mx.warp_mma
// CHECK: linalg.generic
// CHECK-LABEL: func @odd
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: tensor.pad %{{.*}} low[0, 0] high[0, 4]
// CHECK: tensor.yield %[[ZERO]]
// CHECK: } : tensor<64x12xi8> to tensor<64x16xi8>
// CHECK: %[[ONE:.*]] = arith.constant 127 : i8
// CHECK: tensor.pad %{{.*}} low[0, 0] high[0, 4]
// CHECK: tensor.yield %[[ONE]]
// CHECK: } : tensor<2x12xi8> to tensor<2x16xi8>
// CHECK: scf.forall {{.*}} in (2, 2, 32) {{.*}} -> (tensor<32x16xf32>)
// CHECK: mx.warp_mma
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [32, 12] [1, 1] : tensor<32x16xf32> to tensor<32x12xf32>
func.func @fallback(%a: tensor<32x64x!mx.q<mxfp6_e3m2, axis = 1>>, %b: tensor<64x16x!mx.q<mxfp6_e3m2, axis = 0>>) -> tensor<32x16xf32> {
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<32x64x!mx.q<mxfp6_e3m2, axis = 1>>, tensor<64x16x!mx.q<mxfp6_e3m2, axis = 0>> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
func.func @odd(%a: tensor<32x64x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<64x12x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<32x12xf32> {
  %c = mx.contract %a, %b {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<32x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x12x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<32x12xf32>
  return %c : tensor<32x12xf32>
}

// -----

#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>

// Batch matmul: the batch is a grid dimension (z); the tiles are
// rank-reducing slices of one batch.
// CHECK-LABEL: func @batch
// CHECK: scf.forall (%[[B:.*]], %{{.*}}, %{{.*}}, %{{.*}}) in (3, 2, 2, 32) {{.*}} -> (tensor<3x32x16xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%[[B]], {{.*}}] [1, 16, 32] [1, 1, 1] : tensor<3x32x64xi8> to tensor<16x32xi8>
// CHECK: mx.warp_mma
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[B]], {{.*}}] [1, 2, 2] [1, 8, 1]
// CHECK: mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>, #gpu.thread<x>]
func.func @batch(%a: tensor<3x32x64x!mx.q<mxfp8_e4m3, axis = 2>>, %b: tensor<3x64x16x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<3x32x16xf32> {
  %c = mx.contract %a, %b {indexing_maps = [#bmk, #bkn, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
       : tensor<3x32x64x!mx.q<mxfp8_e4m3, axis = 2>>, tensor<3x64x16x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<3x32x16xf32>
  return %c : tensor<3x32x16xf32>
}

// -----

#in = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#fl = affine_map<(n, oh, ow, f, kh, kw, c) -> (kh, kw, c, f)>
#out = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh, ow, f)>

// A convolution: implicit GEMM. M = n * oh * ow = 4 (padded to 16), N = f =
// 16, K = 9 taps x 8 channels, each tap's channels padded to 32 so a K
// slice lies in one block: A and B codes and scales are gathered from the
// operands' storage through the indexing maps (zero codes, scales 127
// outside), the [M, N] result is reshaped to the output.
// CHECK-LABEL: func @conv
// CHECK: %[[AC:.*]] = tensor.generate {
// CHECK: } : tensor<16x288xi8>
// CHECK: %[[BC:.*]] = tensor.generate {
// CHECK: } : tensor<288x16xi8>
// CHECK: %[[AS:.*]] = tensor.generate {
// CHECK: } : tensor<16x9xi8>
// CHECK: %[[BS:.*]] = tensor.generate {
// CHECK: } : tensor<9x16xi8>
// CHECK: scf.forall {{.*}} in (1, 2, 32) {{.*}} -> (tensor<16x16xf32>)
// CHECK: scf.for {{.*}} = %c0 to %c9
// CHECK: tensor.extract_slice %[[AC]]
// CHECK: mx.warp_mma
// CHECK: tensor.extract_slice {{.*}} : tensor<16x16xf32> to tensor<4x16xf32>
// CHECK: tensor.expand_shape {{.*}} : tensor<4x16xf32> into tensor<1x2x2x16xf32>
func.func @conv(%x: tensor<1x4x4x8x!mx.q<mxfp8_e4m3, axis = 3>>, %w: tensor<3x3x8x16x!mx.q<mxfp8_e4m3, axis = 2>>) -> tensor<1x2x2x16xf32> {
  %c = mx.contract %x, %w {indexing_maps = [#in, #fl, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       : tensor<1x4x4x8x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<3x3x8x16x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<1x2x2x16xf32>
  return %c : tensor<1x2x2x16xf32>
}
