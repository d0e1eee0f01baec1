// RUN: mx-opt %s -split-input-file -verify-diagnostics

func.func @pad_block_axis(%a: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  // expected-error@+1 {{'mx.pad' op the low padding 8 of the block axis is not a multiple of the block size 32}}
  %p = mx.pad %a low = [0, 8] high = [0, 0] : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x72x!mx.q<mxfp8_e4m3, axis = 1>>
  return
}

// -----

func.func @pad_shape(%a: tensor<4x64x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.pad' op result dimension 0 is 5, expected 6}}
  %p = mx.pad %a low = [1, 0] high = [1, 0] : tensor<4x64x!mx.q<int8>> -> tensor<5x64x!mx.q<int8>>
  return
}

// -----

func.func @pad_channel(%a: tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>>) {
  // expected-error@+1 {{'mx.pad' op the channel axis 1 is padded (new channels have no scale)}}
  %p = mx.pad %a low = [0, 1] high = [0, 0] : tensor<4x16x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x17x!mx.q<int8, granularity = channel, axis = 1>>
  return
}

// -----

func.func @pad_packing(%a: tensor<64x5x!mx.q<mxfp4_e2m1, axis = 0>>) {
  // expected-error@+1 {{'mx.pad' op the padding of the last dimension cuts packing groups of 2 elements}}
  %p = mx.pad %a low = [0, 0] high = [0, 1] : tensor<64x5x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<64x6x!mx.q<mxfp4_e2m1, axis = 0>>
  return
}

// -----

func.func @pad_negative(%a: tensor<4x64x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.pad' op padding must not be negative}}
  %p = mx.pad %a low = [-1, 0] high = [1, 0] : tensor<4x64x!mx.q<int8>> -> tensor<4x64x!mx.q<int8>>
  return
}

// -----

func.func @broadcast_axis(%a: tensor<64x!mx.q<mxfp8_e4m3, axis = 0>>) {
  // expected-error@+1 {{'mx.broadcast' op result axis must be 1 (input axis 0 in the result), got 0}}
  %b = mx.broadcast %a dimensions = [0] : tensor<64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<2x64x!mx.q<mxfp8_e4m3, axis = 0>>
  return
}

// -----

func.func @broadcast_packed(%a: tensor<64x!mx.q<mxfp4_e2m1, axis = 0>>) {
  // expected-error@+1 {{'mx.broadcast' op sub-byte elements are packed along the last dimension, which must be the input's last}}
  %b = mx.broadcast %a dimensions = [1] : tensor<64x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<64x2x!mx.q<mxfp4_e2m1, axis = 0>>
  return
}

// -----

func.func @broadcast_dims(%a: tensor<64x!mx.q<int8>>) {
  // expected-error@+1 {{'mx.broadcast' op result dimension 0 must be input dimension 0}}
  %b = mx.broadcast %a dimensions = [1] : tensor<64x!mx.q<int8>> -> tensor<32x64x!mx.q<int8>>
  return
}
