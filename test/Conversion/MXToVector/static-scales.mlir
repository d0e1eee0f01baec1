// RUN: mx-opt %s --convert-mx-to-vector --canonicalize | FileCheck %s

// Static INT8 scales of any granularity (mx.quantize static_scales /
// static_zero_points) lower to one elementwise linalg.generic that looks up
// each element's scale; the scales and zero points become the constant
// storage parts. A constant input folds at compile time.

!blk = !mx.q<int8, block = 2, zero_point = true, axis = 1>

// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$BLK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-DAG: #[[$CH:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @block
// CHECK-SAME: -> (tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi32>, tensor<2x4xf32>)
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<{{\[\[}}0, 1], [2, 3]]> : tensor<2x2xi32>
// CHECK: %[[Q:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$BLK]], #[[$BLK]], #[[$ID]]]{{.*}} ins(%arg0, %[[S]], %[[Z]] : tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xi32>) outs(%{{.*}} : tensor<2x4xi8>)
// CHECK:   arith.divf
// CHECK:   math.roundeven
// CHECK:   arith.addf
// CHECK:   arith.minnumf
// CHECK:   arith.maxnumf
// CHECK:   arith.trunci
// The dequantization of block-wise INT8 with zero points looks up too.
// CHECK: %[[D:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$BLK]], #[[$BLK]], #[[$ID]]]{{.*}} ins(%[[Q]], %[[S]], %[[Z]] : tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi32>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK:   arith.subf
// CHECK:   arith.mulf
// CHECK: return %[[Q]], %[[S]], %[[Z]], %[[D]]
func.func @block(%x: tensor<2x4xf32>) -> (tensor<2x4x!blk>, tensor<2x4xf32>) {
  %q = mx.quantize %x {static_scales = dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>, static_zero_points = dense<[[0, 1], [2, 3]]> : tensor<2x2xi32>} : tensor<2x4xf32> -> tensor<2x4x!blk>
  %d = mx.dequantize %q : tensor<2x4x!blk> -> tensor<2x4xf32>
  return %q, %d : tensor<2x4x!blk>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @channel
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CH]], #[[$ID]]]
func.func @channel(%x: tensor<2x4xf32>) -> tensor<2x4x!mx.q<int8, granularity = channel, axis = 0>> {
  %q = mx.quantize %x {static_scales = dense<[0.5, 0.25]> : tensor<2xf32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8, granularity = channel, axis = 0>>
  return %q : tensor<2x4x!mx.q<int8, granularity = channel, axis = 0>>
}

// Ties round to even (0.5 -> 0, 1.5 -> 2, -1.5 -> -2), 200 saturates.
// CHECK-LABEL: func.func @folded
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[0, 2, -2, 127]> : tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[C]], %[[S]]
func.func @folded() -> tensor<4x!mx.q<int8>> {
  %c = arith.constant dense<[0.25, 0.75, -0.75, 100.0]> : tensor<4xf32>
  %q = mx.quantize %c {static_scales = dense<0.5> : tensor<f32>} : tensor<4xf32> -> tensor<4x!mx.q<int8>>
  return %q : tensor<4x!mx.q<int8>>
}

// Per channel with zero points along axis 0: folded with each row's scale.
// Row 0 (0.5, zp 0): 0.25 -> 0, 0.75 -> 2; row 1 (0.25, zp 10): 0.125 ->
// 0.5 -> 0 + 10, -0.375 -> -1.5 -> -2 + 10.
// CHECK-LABEL: func.func @folded_channel
// CHECK: arith.constant dense<{{\[\[}}0, 2], [10, 8]]> : tensor<2x2xi8>
func.func @folded_channel() -> tensor<2x2x!mx.q<int8, granularity = channel, zero_point = true, axis = 0>> {
  %c = arith.constant dense<[[0.25, 0.75], [0.125, -0.375]]> : tensor<2x2xf32>
  %q = mx.quantize %c {static_scales = dense<[0.5, 0.25]> : tensor<2xf32>, static_zero_points = dense<[0, 10]> : tensor<2xi32>} : tensor<2x2xf32> -> tensor<2x2x!mx.q<int8, granularity = channel, zero_point = true, axis = 0>>
  return %q : tensor<2x2x!mx.q<int8, granularity = channel, zero_point = true, axis = 0>>
}

// mx.assemble / mx.disassemble forward the storage parts.
// CHECK-LABEL: func.func @parts
// CHECK-SAME: (%[[D:.*]]: tensor<4xi8>, %{{.*}}: tensor<f32>) -> tensor<4xi8>
// CHECK-NEXT: return %[[D]]
func.func @parts(%d: tensor<4xi8>, %s: tensor<f32>) -> tensor<4xi8> {
  %q = mx.assemble %d, %s : tensor<4xi8>, tensor<f32> -> tensor<4x!mx.q<int8>>
  %p:2 = mx.disassemble %q : tensor<4x!mx.q<int8>> -> tensor<4xi8>, tensor<f32>
  return %p#0 : tensor<4xi8>
}
