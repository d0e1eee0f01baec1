// RUN: mx-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// mx.observe: round trip and verifier errors (MXCalibrationOps.td).

// CHECK-LABEL: func.func @round_trip
// CHECK: mx.observe %{{.*}} {name = "a"} : tensor<8x64xf32>
// CHECK: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "b"} : tensor<8x64xf32>
// CHECK: mx.observe %{{.*}} {name = "s"} : tensor<f32>
func.func @round_trip(%x: tensor<8x64xf32>, %s: tensor<f32>) {
  mx.observe %x {name = "a"} : tensor<8x64xf32>
  mx.observe %x {name = "b", channel_axis = 1 : i64} : tensor<8x64xf32>
  mx.observe %s {name = "s"} : tensor<f32>
  return
}

// -----

func.func @empty_name(%x: tensor<8x64xf32>) {
  // expected-error@+1 {{'mx.observe' op needs a non-empty tensor name}}
  mx.observe %x {name = ""} : tensor<8x64xf32>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<8x64xf32>) {
  // expected-error@+1 {{'mx.observe' op channel_axis 2 is out of range for a tensor of rank 2}}
  mx.observe %x {name = "a", channel_axis = 2 : i64} : tensor<8x64xf32>
  return
}

// -----

func.func @not_f32(%x: tensor<8x64xf16>) {
  // expected-error@+1 {{'mx.observe' op operand #0 must be ranked tensor of 32-bit float values}}
  mx.observe %x {name = "a"} : tensor<8x64xf16>
  return
}
