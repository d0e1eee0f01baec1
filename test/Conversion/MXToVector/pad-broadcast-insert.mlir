// RUN: mx-opt %s -split-input-file --convert-mx-to-vector | FileCheck %s

// mx.pad, mx.broadcast and tensor.insert_slice / concat of quantized
// tensors become the same operation on the storage parts.

// INT8 with a zero point: the data is padded with the zero point's code;
// the scale and zero point pass through.
// CHECK-LABEL: func @pad_zero_point
// CHECK-SAME: (%[[DATA:.*]]: tensor<1x4x4x16xi8>, %[[SCALE:.*]]: tensor<f32>, %[[ZP:.*]]: tensor<i32>)
// CHECK: %[[Z:.*]] = tensor.extract %[[ZP]][]
// CHECK: %[[Z8:.*]] = arith.trunci %[[Z]] : i32 to i8
// CHECK: %[[P:.*]] = tensor.pad %[[DATA]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[Z8]] : i8
// CHECK: return %[[P]], %[[SCALE]], %[[ZP]]
func.func @pad_zero_point(%q: tensor<1x4x4x16x!mx.q<int8, elem = ui8, zero_point = true>>) -> tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>> {
  %p = mx.pad %q low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<1x4x4x16x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>>
  return %p : tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>>
}

// -----

// Blocks along axis 1: the scales are padded by whole blocks with the
// all-zero block's scale (E8M0 code 0); 4-bit data by bytes.
// CHECK-LABEL: func @pad_block
// CHECK-SAME: (%[[DATA:.*]]: tensor<4x20xi8>, %[[SCALES:.*]]: tensor<4x2xi8>) -> (tensor<6x40xi8>, tensor<6x3xi8>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : i8
// CHECK: %[[PD:.*]] = tensor.pad %[[DATA]] low[2, 16] high[0, 4]
// CHECK: %[[PS:.*]] = tensor.pad %[[SCALES]] low[2, 1] high[0, 0]
// CHECK: return %[[PD]], %[[PS]]
func.func @pad_block(%q: tensor<4x40x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>> {
  %p = mx.pad %q low = [2, 32] high = [0, 8] : tensor<4x40x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>
  return %p : tensor<6x80x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// mx.broadcast: every part with the tensor's rank broadcast alike.
// CHECK-LABEL: func @broadcast
// CHECK-SAME: (%[[DATA:.*]]: tensor<64xi8>, %[[SCALES:.*]]: tensor<2xi8>)
// CHECK: %[[BD:.*]] = linalg.broadcast ins(%[[DATA]] : tensor<64xi8>) outs(%{{.*}} : tensor<8x64xi8>) dimensions = [0]
// CHECK: %[[BS:.*]] = linalg.broadcast ins(%[[SCALES]] : tensor<2xi8>) outs(%{{.*}} : tensor<8x2xi8>) dimensions = [0]
// CHECK: return %[[BD]], %[[BS]]
func.func @broadcast(%q: tensor<64x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> {
  %b = mx.broadcast %q dimensions = [0] : tensor<64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return %b : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// tensor.insert_slice: block offsets in scale units.
// CHECK-LABEL: func @insert
// CHECK-SAME: (%[[SD:.*]]: tensor<4x32xi8>, %[[SS:.*]]: tensor<4x1xi8>, %[[DD:.*]]: tensor<4x96xi8>, %[[DS:.*]]: tensor<4x3xi8>)
// CHECK: %[[ID:.*]] = tensor.insert_slice %[[SD]] into %[[DD]][0, 64] [4, 32] [1, 1]
// CHECK: %[[IS:.*]] = tensor.insert_slice %[[SS]] into %[[DS]][0, 2] [4, 1] [1, 1]
// CHECK: return %[[ID]], %[[IS]]
func.func @insert(%a: tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>> {
  %i = tensor.insert_slice %a into %b[0, 64] [4, 32] [1, 1] : tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>> into tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>
  return %i : tensor<4x96x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// One static scale for both operands: the concatenation keeps one scale.
// CHECK-LABEL: func @concat_static
// CHECK: %[[S:.*]] = tensor.from_elements %{{.*}} : tensor<f32>
// CHECK: tensor.from_elements %{{.*}} : tensor<f32>
// CHECK: %[[C:.*]] = tensor.concat dim(0)
// CHECK-SAME: (tensor<4x16xi8>, tensor<4x16xi8>) -> tensor<8x16xi8>
// CHECK-NEXT: return %[[C]], %[[S]] : tensor<8x16xi8>, tensor<f32>
func.func @concat_static(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<8x16x!mx.q<int8>> {
  %qa = mx.quantize %a {calibration = "a", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  %qb = mx.quantize %b {calibration = "b", static_scale = 0.5 : f32} : tensor<4x16xf32> -> tensor<4x16x!mx.q<int8>>
  %c = tensor.concat dim(0) %qa, %qb : (tensor<4x16x!mx.q<int8>>, tensor<4x16x!mx.q<int8>>) -> tensor<8x16x!mx.q<int8>>
  return %c : tensor<8x16x!mx.q<int8>>
}
