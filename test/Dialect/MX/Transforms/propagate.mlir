// RUN: mx-opt %s -split-input-file --mx-propagate="remarks=true" -verify-diagnostics | FileCheck %s

// Per-tensor: the dequantization moves past reshapes in both directions.
// CHECK-LABEL: func @per_tensor
// CHECK: %[[Q:.*]] = mx.quantize
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[Q]] {{\[\[}}0, 1]] : tensor<8x64x!mx.q<int8>> into tensor<512x!mx.q<int8>>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0, 1]] output_shape [16, 32] : tensor<512x!mx.q<int8>> into tensor<16x32x!mx.q<int8>>
// CHECK: %[[D:.*]] = mx.dequantize %[[E]]
// CHECK: return %[[D]]
func.func @per_tensor(%x: tensor<8x64xf32>) -> tensor<16x32xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %c = tensor.collapse_shape %d [[0, 1]] : tensor<8x64xf32> into tensor<512xf32>
  %e = tensor.expand_shape %c [[0, 1]] output_shape [16, 32] : tensor<512xf32> into tensor<16x32xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute with quantization}}
  return %e : tensor<16x32xf32>
}

// -----

// Blocks: a reshape that merges the block axis stops the dequantization.
// CHECK-LABEL: func @merges_axis
// CHECK: mx.dequantize
// CHECK: tensor.collapse_shape %{{.*}} : tensor<8x64xf32> into tensor<512xf32>
func.func @merges_axis(%x: tensor<8x64xf32>) -> tensor<512xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.collapse_shape': the reshape merges or splits the quantization axis 1}}
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %c = tensor.collapse_shape %d [[0, 1]] : tensor<8x64xf32> into tensor<512xf32>
  return %c : tensor<512xf32>
}

// -----

// A reshape that keeps the axis as its own dimension but renumbers it: the
// axis is part of the element type, which a tensor reshape keeps.
// CHECK-LABEL: func @moves_axis
// CHECK: mx.dequantize
// CHECK: tensor.collapse_shape %{{.*}} : tensor<2x4x64xf32> into tensor<8x64xf32>
func.func @moves_axis(%x: tensor<2x4x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<2x4x64xf32> -> tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>>
  // expected-remark@+1 {{stopped at 'tensor.collapse_shape': the reshape would move the quantization axis from 2 to 1}}
  %d = mx.dequantize %q : tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<2x4x64xf32>
  %c = tensor.collapse_shape %d [[0, 1], [2]] : tensor<2x4x64xf32> into tensor<8x64xf32>
  return %c : tensor<8x64xf32>
}

// -----

// 4-bit elements are packed along the last dimension: reshaping it stops.
// CHECK-LABEL: func @packed_last
// CHECK: mx.dequantize
// CHECK: tensor.collapse_shape
func.func @packed_last(%x: tensor<64x4x8xf32>) -> tensor<64x32xf32> {
  %q = mx.quantize %x : tensor<64x4x8xf32> -> tensor<64x4x8x!mx.q<mxfp4_e2m1, axis = 0>>
  // expected-remark@+1 {{the reshape changes the last dimension, along which the sub-byte elements are packed}}
  %d = mx.dequantize %q : tensor<64x4x8x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<64x4x8xf32>
  %c = tensor.collapse_shape %d [[0], [1, 2]] : tensor<64x4x8xf32> into tensor<64x32xf32>
  return %c : tensor<64x32xf32>
}

// -----

// quantize(dequantize(q)) with the same E8M0 floor-rule format cancels.
// CHECK-LABEL: func @cancel
// CHECK: %[[Q:.*]] = mx.quantize %arg0
// CHECK-NOT: mx.quantize
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]]
// CHECK: return %[[D]]
func.func @cancel(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x64xf32>
  %q2 = mx.quantize %d : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  // expected-remark@+1 {{dequantization stays}}
  %d2 = mx.dequantize %q2 : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x64xf32>
  return %d2 : tensor<8x64xf32>
}

// -----

// Pairs that must stay: rceil, dynamic INT8, codes from a function argument.
// CHECK-LABEL: func @keep
// CHECK-COUNT-3: mx.quantize
func.func @keep(%x: tensor<8x64xf32>, %ext: tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>) -> (tensor<8x64x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>, tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>) {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>> -> tensor<8x64xf32>
  // expected-remark@+1 {{quantize(dequantize) pair stays: re-quantizing would not reproduce the codes exactly}}
  %q2 = mx.quantize %d : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>
  %i = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %di = mx.dequantize %i : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  // expected-remark@+1 {{quantize(dequantize) pair stays}}
  %i2 = mx.quantize %di : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %de = mx.dequantize %ext : tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<8x64xf32>
  // expected-remark@+1 {{quantize(dequantize) pair stays}}
  %e2 = mx.quantize %de : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q2, %i2, %e2 : tensor<8x64x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>, tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// Slices: block-aligned ones move; one that cuts blocks stops.
// CHECK-LABEL: func @slices
// CHECK: tensor.extract_slice %{{.*}}[0, 32] [8, 32] [1, 1] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> to tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.dequantize
// CHECK: tensor.extract_slice %{{.*}}[0, 16] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
func.func @slices(%x: tensor<8x64xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %a = tensor.extract_slice %d[0, 32] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  %q2 = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{stopped at 'tensor.extract_slice': the slice cuts blocks of 32 along axis 1}}
  %d2 = mx.dequantize %q2 : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %b = tensor.extract_slice %d2[0, 16] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
  return %a, %b : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Quantizations move backward: before reshapes (any format that keeps its
// blocks), before block-aligned slices for block formats; a per-tensor
// scale must not move before a slice (its maximum would change).
// CHECK-LABEL: func @backward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<8x4x16xf32> -> tensor<8x4x16x!mx.q<int8>>
// CHECK: tensor.collapse_shape %[[Q]]
// CHECK: %[[QB:.*]] = mx.quantize %arg1 : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: tensor.extract_slice %[[QB]][0, 32] [8, 32] [1, 1]
// CHECK: %[[S:.*]] = tensor.extract_slice %arg1[0, 32] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
// CHECK: mx.quantize %[[S]] : tensor<8x32xf32> -> tensor<8x32x!mx.q<int8>>
func.func @backward(%x: tensor<8x4x16xf32>, %y: tensor<8x64xf32>) -> (tensor<8x64x!mx.q<int8>>, tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x32x!mx.q<int8>>) {
  %r = tensor.collapse_shape %x [[0], [1, 2]] : tensor<8x4x16xf32> into tensor<8x64xf32>
  %q = mx.quantize %r : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %s = tensor.extract_slice %y[0, 32] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
  %qb = mx.quantize %s : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %s2 = tensor.extract_slice %y[0, 32] [8, 32] [1, 1] : tensor<8x64xf32> to tensor<8x32xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.extract_slice': a slice changes the maximum of per-tensor and per-channel scales}}
  %qt = mx.quantize %s2 : tensor<8x32xf32> -> tensor<8x32x!mx.q<int8>>
  return %q, %qb, %qt : tensor<8x64x!mx.q<int8>>, tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x32x!mx.q<int8>>
}
