// RUN: mx-opt %s --canonicalize --cse | FileCheck %s

// A quantize/dequantize round trip is lossy: no folder or canonicalization
// may remove it (upstream quant.dcast(quant.qcast(x)) folds to x; mx must
// not). Repeated fake-quantization is kept as written too.

// CHECK-LABEL: func @keep_round_trip
// CHECK: %[[Q:.*]] = mx.quantize %arg0
// CHECK: %[[D:.*]] = mx.dequantize %[[Q]]
// CHECK: return %[[D]]
func.func @keep_round_trip(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// CHECK-LABEL: func @keep_fake_quant
// CHECK: %[[A:.*]] = mx.fake_quant %arg0
// CHECK: %[[B:.*]] = mx.fake_quant %[[A]]
// CHECK: return %[[B]]
func.func @keep_fake_quant(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %a = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<64x256xf32>
  %b = mx.fake_quant %a {format = "mxfp8_e4m3"} : tensor<64x256xf32>
  return %b : tensor<64x256xf32>
}

// Dequantize then quantize back is not folded either: the formats may differ
// and even equal formats do not re-encode identically under every scale rule.
// CHECK-LABEL: func @keep_dq_q
// CHECK: mx.dequantize
// CHECK: mx.quantize
func.func @keep_dq_q(%q: tensor<64x256x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>) -> tensor<64x256x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>> {
  %x = mx.dequantize %q : tensor<64x256x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>> -> tensor<64x256xf32>
  %r = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>
  return %r : tensor<64x256x!mx.q<mxfp8_e4m3, scale_rule = rceil, axis = 1>>
}

// CSE merges identical pure quantizations of the same value.
// CHECK-LABEL: func @cse
// CHECK-COUNT-1: mx.fake_quant
// CHECK-NOT: mx.fake_quant
func.func @cse(%x: tensor<32xf32>) -> (tensor<32xf32>, tensor<32xf32>) {
  %a = mx.fake_quant %x {format = "mx6"} : tensor<32xf32>
  %b = mx.fake_quant %x {format = "mx6"} : tensor<32xf32>
  return %a, %b : tensor<32xf32>, tensor<32xf32>
}
