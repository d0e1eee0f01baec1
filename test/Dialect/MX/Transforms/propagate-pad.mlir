// RUN: mx-opt %s -split-input-file --mx-propagate="remarks=true" -verify-diagnostics | FileCheck %s

// Zero padding (tensor.pad, tosa.pad) becomes mx.pad on quantized tensors:
// a quantization moves before it whenever the padded tensor can be stored
// (zeros never raise a maximum); a dequantization moves after it only when
// no padding element shares a runtime scale with data.

// Blocks along axis 1, padding of whole blocks and of another axis: both
// directions move.
// CHECK-LABEL: func @pad_block_forward
// CHECK: %[[Q:.*]] = mx.quantize %arg0
// CHECK: %[[P:.*]] = mx.pad %[[Q]] low = [1, 32] high = [2, 64] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<11x160x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[D:.*]] = mx.dequantize %[[P]]
// CHECK-NOT: tensor.pad
// CHECK: return %[[D]]
func.func @pad_block_forward(%x: tensor<8x64xf32>) -> tensor<11x160xf32> {
  %zero = arith.constant 0.0 : f32
  %q = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
  %p = tensor.pad %d low[1, 32] high[2, 64] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x64xf32> to tensor<11x160xf32>
  // expected-remark@-4 {{dequantization stays: 'func.return' does not commute}}
  return %p : tensor<11x160xf32>
}

// -----

// CHECK-LABEL: func @pad_block_backward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: %[[P:.*]] = mx.pad %[[Q]] low = [1, 32] high = [2, 64]
// CHECK: return %[[P]]
func.func @pad_block_backward(%x: tensor<8x64xf32>) -> tensor<11x160x!mx.q<mxfp4_e2m1, axis = 1>> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 32] high[2, 64] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x64xf32> to tensor<11x160xf32>
  %q = mx.quantize %p : tensor<11x160xf32> -> tensor<11x160x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<11x160x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// The last block along the axis is partial (40 = 32 + 8) and padded at the
// end: its runtime scale covers the padding, so a NaN in it would turn
// padding into NaN. The dequantization stays; the quantization moves (the
// zeros do not change that block's maximum, NaN or not).
// CHECK-LABEL: func @pad_partial_block
// CHECK: %[[Q:.*]] = mx.quantize %arg0
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]]
// CHECK: tensor.pad %[[D]]
// CHECK: %[[Q2:.*]] = mx.quantize %arg0 : tensor<4x40xf32> -> tensor<4x40x!mx.q<mxfp8_e5m2, axis = 1>>
// CHECK: mx.pad %[[Q2]] low = [0, 0] high = [0, 24]
func.func @pad_partial_block(%x: tensor<4x40xf32>) -> (tensor<4x64xf32>, tensor<4x64x!mx.q<mxfp8_e5m2, axis = 1>>) {
  %zero = arith.constant 0.0 : f32
  %q = mx.quantize %x : tensor<4x40xf32> -> tensor<4x40x!mx.q<mxfp8_e5m2, axis = 1>>
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.pad': the padding extends the partial last block along axis 1, whose runtime scale is NaN when it holds NaN or Inf (padding must stay +0.0)}}
  %d = mx.dequantize %q : tensor<4x40x!mx.q<mxfp8_e5m2, axis = 1>> -> tensor<4x40xf32>
  %p = tensor.pad %d low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x40xf32> to tensor<4x64xf32>
  %p2 = tensor.pad %x low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x40xf32> to tensor<4x64xf32>
  %q2 = mx.quantize %p2 : tensor<4x64xf32> -> tensor<4x64x!mx.q<mxfp8_e5m2, axis = 1>>
  return %p, %q2 : tensor<4x64xf32>, tensor<4x64x!mx.q<mxfp8_e5m2, axis = 1>>
}

// -----

// Along the block axis the low padding must be whole blocks.
func.func @pad_block_axis_misaligned(%x: tensor<8x64xf32>) -> tensor<8x65x!mx.q<mxint8, axis = 1>> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x64xf32> to tensor<8x65xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.pad': the padded tensor cannot be stored: the low padding 1 of the block axis is not a multiple of the block size 32}}
  %q = mx.quantize %p : tensor<8x65xf32> -> tensor<8x65x!mx.q<mxint8, axis = 1>>
  return %q : tensor<8x65x!mx.q<mxint8, axis = 1>>
}

// -----

// INT8 per tensor with a runtime scale: the quantization moves (zeros do
// not raise the maximum; +0.0 quantizes to the zero point), the
// dequantization does not (a NaN scale would make the padding NaN).
// CHECK-LABEL: func @pad_int8_dynamic
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<1x4x4x16xf32> -> tensor<1x4x4x16x!mx.q<int8, elem = ui8, zero_point = true>>
// CHECK: %[[P:.*]] = mx.pad %[[Q]] low = [0, 1, 1, 0] high = [0, 1, 1, 0]
// CHECK: return %[[P]]
// CHECK-LABEL: func @pad_int8_dynamic_forward
// CHECK: mx.dequantize
// CHECK: tensor.pad
func.func @pad_int8_dynamic(%x: tensor<1x4x4x16xf32>) -> tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  %q = mx.quantize %p : tensor<1x6x6x16xf32> -> tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>>
  return %q : tensor<1x6x6x16x!mx.q<int8, elem = ui8, zero_point = true>>
}
func.func @pad_int8_dynamic_forward(%q: tensor<1x4x4x16x!mx.q<int8>>) -> tensor<1x6x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-remark@+1 {{dequantization stays: stopped at 'tensor.pad': the padding would share a runtime scale with the data, which is NaN when the data holds NaN or Inf (padding must stay +0.0)}}
  %d = mx.dequantize %q : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x4x4x16xf32>
  %p = tensor.pad %d low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  return %p : tensor<1x6x6x16xf32>
}

// -----

// A static scale is never NaN: the dequantization moves too.
// CHECK-LABEL: func @pad_int8_static_forward
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {calibration = "a", static_scale = 5.000000e-01 : f32}
// CHECK: %[[P:.*]] = mx.pad %[[Q]] low = [0, 1, 1, 0] high = [0, 1, 1, 0]
// CHECK: mx.dequantize %[[P]]
func.func @pad_int8_static_forward(%x: tensor<1x4x4x16xf32>) -> tensor<1x6x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %q = mx.quantize %x {calibration = "a", static_scale = 0.5 : f32} : tensor<1x4x4x16xf32> -> tensor<1x4x4x16x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x4x4x16xf32>
  %p = tensor.pad %d low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  // expected-remark@-4 {{dequantization stays: 'func.return' does not commute}}
  return %p : tensor<1x6x6x16xf32>
}

// -----

// Per channel: the channel axis must not be padded.
func.func @pad_channel_axis(%x: tensor<4x16xf32>) -> tensor<4x18x!mx.q<int8, granularity = channel, axis = 1>> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x16xf32> to tensor<4x18xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.pad': the padded tensor cannot be stored: the channel axis 1 is padded (new channels have no scale)}}
  %q = mx.quantize %p : tensor<4x18xf32> -> tensor<4x18x!mx.q<int8, granularity = channel, axis = 1>>
  return %q : tensor<4x18x!mx.q<int8, granularity = channel, axis = 1>>
}

// -----

// Padding with anything but +0.0 stops (-0.0 has its own code in
// sign-magnitude formats).
func.func @pad_negative_zero(%x: tensor<4x64xf32>) -> tensor<6x64x!mx.q<mxfp8_e4m3, axis = 1>> {
  %nz = arith.constant -0.0 : f32
  %p = tensor.pad %x low[1, 0] high[1, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %nz : f32
  } : tensor<4x64xf32> to tensor<6x64xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.pad': the padding value is not +0.0}}
  %q = mx.quantize %p : tensor<6x64xf32> -> tensor<6x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return %q : tensor<6x64x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// Sub-byte codes: the last dimension's padding must keep packing groups.
func.func @pad_packing(%x: tensor<4x64xf32>) -> tensor<4x65x!mx.q<mxfp4_e2m1, axis = 0>> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x64xf32> to tensor<4x65xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tensor.pad': the padded tensor cannot be stored: the padding of the last dimension cuts packing groups of 2 elements}}
  %q = mx.quantize %p : tensor<4x65xf32> -> tensor<4x65x!mx.q<mxfp4_e2m1, axis = 0>>
  return %q : tensor<4x65x!mx.q<mxfp4_e2m1, axis = 0>>
}

// -----

// tosa.pad with a zero pad_const: the same rules.
// CHECK-LABEL: func @tosa_pad
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<1x4x4x64xf32> -> tensor<1x4x4x64x!mx.q<mxfp8_e4m3, axis = 3>>
// CHECK: %[[P:.*]] = mx.pad %[[Q]] low = [0, 1, 1, 0] high = [0, 1, 1, 0]
// CHECK: return %[[P]]
func.func @tosa_pad(%x: tensor<1x4x4x64xf32>) -> tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>> {
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 1, 1, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %c = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.pad %x, %padding, %c : (tensor<1x4x4x64xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x6x6x64xf32>
  %q = mx.quantize %p : tensor<1x6x6x64xf32> -> tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>>
  return %q : tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>>
}

// -----

func.func @tosa_pad_one(%x: tensor<1x4x4x64xf32>) -> tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>> {
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 1, 1, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %c = "tosa.const"() {values = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.pad %x, %padding, %c : (tensor<1x4x4x64xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x6x6x64xf32>
  // expected-remark@+1 {{quantization stays: stopped at 'tosa.pad': the padding value is not +0.0}}
  %q = mx.quantize %p : tensor<1x6x6x64xf32> -> tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>>
  return %q : tensor<1x6x6x64x!mx.q<mxfp8_e4m3, axis = 3>>
}
