// RUN: mx-opt %s --mx-import-tosa --split-input-file -verify-diagnostics | FileCheck %s

// TOSA 1.1 block-scaled ops to mx, and what stays (with a remark).

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<2x64xbf16>)
// CHECK: %[[Q:.*]] = mx.quantize %[[X]] : tensor<2x64xbf16> -> tensor<2x64x!mx.q<mxfp6_e2m3, axis = 1>>
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]] : tensor<2x64x!mx.q<mxfp6_e2m3, axis = 1>> -> tensor<2x64xbf16>
// CHECK: return %[[D]]
// CHECK-NOT: tosa.
func.func @cast(%x: tensor<2x64xbf16>) -> tensor<2x64xbf16> {
  %d, %s = tosa.cast_to_block_scaled %x {block_size = BLOCK_SIZE_32} : (tensor<2x64xbf16>) -> (tensor<2x64xf6E2M3FN>, tensor<2x2xf8E8M0FNU>)
  %y = tosa.cast_from_block_scaled %d, %s {block_size = BLOCK_SIZE_32} : (tensor<2x64xf6E2M3FN>, tensor<2x2xf8E8M0FNU>) -> tensor<2x64xbf16>
  return %y : tensor<2x64xbf16>
}

// -----

// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A0:.*]]: tensor<2x4x64xf32>, %[[B0:.*]]: tensor<2x3x64xf32>)
// CHECK-DAG: %[[QA:.*]] = mx.quantize %[[A0]] : tensor<2x4x64xf32> -> tensor<2x4x64x!mx.q<mxfp8_e5m2, axis = 2>>
// CHECK-DAG: %[[QB:.*]] = mx.quantize %[[B0]] : tensor<2x3x64xf32> -> tensor<2x3x64x!mx.q<mxfp8_e5m2, axis = 2>>
// CHECK-DAG: %[[DA:.*]] = mx.dequantize %[[QA]] : {{.*}} -> tensor<2x4x64xf32>
// CHECK-DAG: %[[DB:.*]] = mx.dequantize %[[QB]] : {{.*}} -> tensor<2x3x64xf32>
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[MM:.*]] = linalg.batch_matmul indexing_maps = [#[[$A]], #[[$B]], #[[$C]]] ins(%[[DA]], %[[DB]] : tensor<2x4x64xf32>, tensor<2x3x64xf32>) outs(%[[FILL]] : tensor<2x4x3xf32>)
// CHECK: return %[[MM]]
func.func @matmul(%a: tensor<2x4x64xf32>, %b: tensor<2x3x64xf32>) -> tensor<2x4x3xf32> {
  %ad, %as = tosa.cast_to_block_scaled %a {block_size = BLOCK_SIZE_32} : (tensor<2x4x64xf32>) -> (tensor<2x4x64xf8E5M2>, tensor<2x4x2xf8E8M0FNU>)
  %bd, %bs = tosa.cast_to_block_scaled %b {block_size = BLOCK_SIZE_32} : (tensor<2x3x64xf32>) -> (tensor<2x3x64xf8E5M2>, tensor<2x3x2xf8E8M0FNU>)
  %y = tosa.matmul_t_block_scaled %ad, %as, %bd, %bs {block_size = BLOCK_SIZE_32} : (tensor<2x4x64xf8E5M2>, tensor<2x4x2xf8E8M0FNU>, tensor<2x3x64xf8E5M2>, tensor<2x3x2xf8E8M0FNU>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

// B comes in block-scaled already: the matmul and A's cast stay.
// CHECK-LABEL: func.func @stored_weights
// CHECK: tosa.cast_to_block_scaled
// CHECK: tosa.matmul_t_block_scaled
func.func @stored_weights(%a: tensor<1x4x64xf32>, %bd: tensor<1x3x64xf4E2M1FN>, %bs: tensor<1x3x2xf8E8M0FNU>) -> tensor<1x4x3xf32> {
  // expected-remark@+1 {{mx-import-tosa: 'tosa.cast_to_block_scaled' left alone: it feeds a tosa.matmul_t_block_scaled whose other operand is not an imported tosa.cast_to_block_scaled}}
  %ad, %as = tosa.cast_to_block_scaled %a {block_size = BLOCK_SIZE_32} : (tensor<1x4x64xf32>) -> (tensor<1x4x64xf4E2M1FN>, tensor<1x4x2xf8E8M0FNU>)
  // expected-remark@+1 {{mx-import-tosa: 'tosa.matmul_t_block_scaled' left alone: its operands do not come from an imported tosa.cast_to_block_scaled}}
  %y = tosa.matmul_t_block_scaled %ad, %as, %bd, %bs {block_size = BLOCK_SIZE_32} : (tensor<1x4x64xf4E2M1FN>, tensor<1x4x2xf8E8M0FNU>, tensor<1x3x64xf4E2M1FN>, tensor<1x3x2xf8E8M0FNU>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

// The block-scaled data escapes: no mx form for TOSA's separate tensors.
func.func @escapes(%x: tensor<2x64xf32>) -> (tensor<2x64xf8E4M3FN>, tensor<2x64xf32>) {
  // expected-remark@+1 {{'tosa.cast_to_block_scaled' left alone: its data and scale are used by 'func.return' other than as one pair of a block-scaled TOSA op (the separate data and scale tensors have no mx form)}}
  %d, %s = tosa.cast_to_block_scaled %x {block_size = BLOCK_SIZE_32} : (tensor<2x64xf32>) -> (tensor<2x64xf8E4M3FN>, tensor<2x2xf8E8M0FNU>)
  // expected-remark@+1 {{'tosa.cast_from_block_scaled' left alone: its operands do not come from an imported tosa.cast_to_block_scaled}}
  %y = tosa.cast_from_block_scaled %d, %s {block_size = BLOCK_SIZE_32} : (tensor<2x64xf8E4M3FN>, tensor<2x2xf8E8M0FNU>) -> tensor<2x64xf32>
  return %d, %y : tensor<2x64xf8E4M3FN>, tensor<2x64xf32>
}
