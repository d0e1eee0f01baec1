// RUN: mx-opt %s -split-input-file --mx-propagate="remarks=true" -verify-diagnostics | FileCheck %s

// tensor.insert_slice, linalg.broadcast (-> mx.broadcast) and the TOSA
// reshape / slice / concat (-> tensor ops on quantized tensors).

// Insertion of whole blocks: both operands dequantized alike.
// CHECK-LABEL: func @insert_block
// CHECK: %[[I:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 32] [4, 32] [1, 1] : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> into tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.dequantize %[[I]]
func.func @insert_block(%a: tensor<4x32xf32>, %b: tensor<4x96xf32>) -> tensor<4x96xf32> {
  %qa = mx.quantize %a : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %qb = mx.quantize %b : tensor<4x96xf32> -> tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>
  %da = mx.dequantize %qa : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x32xf32>
  %db = mx.dequantize %qb : tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x96xf32>
  %i = tensor.insert_slice %da into %db[0, 32] [4, 32] [1, 1] : tensor<4x32xf32> into tensor<4x96xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %i : tensor<4x96xf32>
}

// -----

// A slice that cuts blocks stops.
func.func @insert_cuts_blocks(%a: tensor<4x16xf32>, %b: tensor<4x96xf32>) -> tensor<4x96xf32> {
  %qa = mx.quantize %a : tensor<4x16xf32> -> tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>>
  %qb = mx.quantize %b : tensor<4x96xf32> -> tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.insert_slice': the slice cuts blocks of 32 along axis 1}}
  %da = mx.dequantize %qa : tensor<4x16x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x16xf32>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.insert_slice': the slice cuts blocks of 32 along axis 1}}
  %db = mx.dequantize %qb : tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x96xf32>
  %i = tensor.insert_slice %da into %db[0, 32] [4, 16] [1, 1] : tensor<4x16xf32> into tensor<4x96xf32>
  return %i : tensor<4x96xf32>
}

// -----

// Per-tensor runtime scales differ between slice and destination: stays.
// The quantization of the result moves onto both for block formats.
// CHECK-LABEL: func @insert_per_tensor
// CHECK: mx.dequantize
// CHECK: tensor.insert_slice {{.*}} : tensor<4x32xf32> into tensor<4x96xf32>
// CHECK-LABEL: func @insert_backward
// CHECK-DAG: %[[A:.*]] = mx.quantize %arg0 : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxint8, axis = 1>>
// CHECK-DAG: %[[B:.*]] = mx.quantize %arg1 : tensor<4x96xf32> -> tensor<4x96x!mx.q<mxint8, axis = 1>>
// CHECK: tensor.insert_slice %[[A]] into %[[B]][0, 64] [4, 32] [1, 1]
func.func @insert_per_tensor(%a: tensor<4x32xf32>, %b: tensor<4x96xf32>) -> tensor<4x96xf32> {
  %qa = mx.quantize %a : tensor<4x32xf32> -> tensor<4x32x!mx.q<int8>>
  %qb = mx.quantize %b : tensor<4x96xf32> -> tensor<4x96x!mx.q<int8>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.insert_slice': the slice and the destination have their own runtime per-tensor scales}}
  %da = mx.dequantize %qa : tensor<4x32x!mx.q<int8>> -> tensor<4x32xf32>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.insert_slice': the slice and the destination have their own runtime per-tensor scales}}
  %db = mx.dequantize %qb : tensor<4x96x!mx.q<int8>> -> tensor<4x96xf32>
  %i = tensor.insert_slice %da into %db[0, 32] [4, 32] [1, 1] : tensor<4x32xf32> into tensor<4x96xf32>
  return %i : tensor<4x96xf32>
}
func.func @insert_backward(%a: tensor<4x32xf32>, %b: tensor<4x96xf32>) -> tensor<4x96x!mx.q<mxint8, axis = 1>> {
  %i = tensor.insert_slice %a into %b[0, 64] [4, 32] [1, 1] : tensor<4x32xf32> into tensor<4x96xf32>
  %q = mx.quantize %i : tensor<4x96xf32> -> tensor<4x96x!mx.q<mxint8, axis = 1>>
  return %q : tensor<4x96x!mx.q<mxint8, axis = 1>>
}

// -----

// linalg.broadcast: the block axis is renumbered.
// CHECK-LABEL: func @broadcast_block
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<64xf32> -> tensor<64x!mx.q<mxfp4_e2m1, axis = 0>>
// CHECK: %[[B:.*]] = mx.broadcast %[[Q]] dimensions = [0] : tensor<64x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: mx.dequantize %[[B]]
func.func @broadcast_block(%x: tensor<64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<64xf32> -> tensor<64x!mx.q<mxfp4_e2m1, axis = 0>>
  %d = mx.dequantize %q : tensor<64x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %b = linalg.broadcast ins(%d : tensor<64xf32>) outs(%e : tensor<8x64xf32>) dimensions = [0]
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %b : tensor<8x64xf32>
}

// -----

// Backward through a broadcast, per channel (axis 2 of the result is axis
// 1 of the input); a broadcast along the packed last dimension stops.
// CHECK-LABEL: func @broadcast_backward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>>
// CHECK: mx.broadcast %[[Q]] dimensions = [1] : tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x3x16x!mx.q<int8, granularity = channel, axis = 2>>
func.func @broadcast_backward(%x: tensor<4x16xf32>) -> tensor<4x3x16x!mx.q<int8, granularity = channel, axis = 2>> {
  %e = tensor.empty() : tensor<4x3x16xf32>
  %b = linalg.broadcast ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x3x16xf32>) dimensions = [1]
  %q = mx.quantize %b : tensor<4x3x16xf32> -> tensor<4x3x16x!mx.q<int8, granularity = channel, axis = 2>>
  return %q : tensor<4x3x16x!mx.q<int8, granularity = channel, axis = 2>>
}
func.func @broadcast_packed(%x: tensor<64x4xf32>) -> tensor<64x4x2x!mx.q<mxfp4_e2m1, axis = 0>> {
  %e = tensor.empty() : tensor<64x4x2xf32>
  %b = linalg.broadcast ins(%x : tensor<64x4xf32>) outs(%e : tensor<64x4x2xf32>) dimensions = [2]
  // expected-remark@+1 {{quantization stays: stopped at 'linalg.broadcast': the broadcast adds a last dimension, along which the sub-byte elements are packed}}
  %q = mx.quantize %b : tensor<64x4x2xf32> -> tensor<64x4x2x!mx.q<mxfp4_e2m1, axis = 0>>
  return %q : tensor<64x4x2x!mx.q<mxfp4_e2m1, axis = 0>>
}

// -----

// tosa.reshape as a collapse (the block axis a group of its own, at the
// same index); one that would renumber the axis stops.
// CHECK-LABEL: func @tosa_reshape
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<64x2x4xf32> -> tensor<64x2x4x!mx.q<mxfp8_e4m3, axis = 0>>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[Q]] {{\[}}[0], [1, 2]] : tensor<64x2x4x!mx.q<mxfp8_e4m3, axis = 0>> into tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
// CHECK: mx.dequantize %[[C]]
// CHECK-LABEL: func @tosa_reshape_axis_moves
// CHECK: tosa.reshape
func.func @tosa_reshape(%x: tensor<64x2x4xf32>) -> tensor<64x8xf32> {
  %q = mx.quantize %x : tensor<64x2x4xf32> -> tensor<64x2x4x!mx.q<mxfp8_e4m3, axis = 0>>
  %d = mx.dequantize %q : tensor<64x2x4x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<64x2x4xf32>
  %s = tosa.const_shape {values = dense<[64, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %s : (tensor<64x2x4xf32>, !tosa.shape<2>) -> tensor<64x8xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %r : tensor<64x8xf32>
}
func.func @tosa_reshape_axis_moves(%x: tensor<2x4x64xf32>) -> tensor<8x64xf32> {
  %q = mx.quantize %x : tensor<2x4x64xf32> -> tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tosa.reshape': the reshape would move the quantization axis from 2 to 1}}
  %d = mx.dequantize %q : tensor<2x4x64x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<2x4x64xf32>
  %s = tosa.const_shape {values = dense<[8, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %s : (tensor<2x4x64xf32>, !tosa.shape<2>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

// tosa.reshape expanding, backward: the quantization moves before it.
// CHECK-LABEL: func @tosa_reshape_expand
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
// CHECK: tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2]] output_shape [2, 4, 64] : tensor<8x64x!mx.q<int8>> into tensor<2x4x64x!mx.q<int8>>
func.func @tosa_reshape_expand(%x: tensor<8x64xf32>) -> tensor<2x4x64x!mx.q<int8>> {
  %s = tosa.const_shape {values = dense<[2, 4, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %x, %s : (tensor<8x64xf32>, !tosa.shape<3>) -> tensor<2x4x64xf32>
  %q = mx.quantize %r : tensor<2x4x64xf32> -> tensor<2x4x64x!mx.q<int8>>
  return %q : tensor<2x4x64x!mx.q<int8>>
}

// -----

// tosa.slice of whole blocks -> tensor.extract_slice.
// CHECK-LABEL: func @tosa_slice
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 32] [4, 64] [1, 1] : tensor<4x128x!mx.q<mxfp8_e5m2, axis = 1>> to tensor<4x64x!mx.q<mxfp8_e5m2, axis = 1>>
// CHECK: mx.dequantize %[[S]]
func.func @tosa_slice(%x: tensor<4x128xf32>) -> tensor<4x64xf32> {
  %q = mx.quantize %x : tensor<4x128xf32> -> tensor<4x128x!mx.q<mxfp8_e5m2, axis = 1>>
  %d = mx.dequantize %q : tensor<4x128x!mx.q<mxfp8_e5m2, axis = 1>> -> tensor<4x128xf32>
  %start = tosa.const_shape {values = dense<[0, 32]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[4, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %d, %start, %size : (tensor<4x128xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<4x64xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %s : tensor<4x64xf32>
}

// -----

// tosa.concat of separately quantized halves -> tensor.concat.
// CHECK-LABEL: func @tosa_concat
// CHECK: %[[C:.*]] = tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: mx.dequantize %[[C]]
func.func @tosa_concat(%a: tensor<4x32xf32>, %b: tensor<4x32xf32>) -> tensor<4x64xf32> {
  %qa = mx.quantize %a : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %qb = mx.quantize %b : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %da = mx.dequantize %qa : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x32xf32>
  %db = mx.dequantize %qb : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x32xf32>
  %c = tosa.concat %da, %db {axis = 1 : i32} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x64xf32>
  // expected-remark@-1 {{dequantization stays: 'func.return' does not commute}}
  return %c : tensor<4x64xf32>
}
