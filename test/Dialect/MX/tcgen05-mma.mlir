// RUN: mx-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: mx-opt %s -split-input-file -verify-diagnostics | mx-opt -split-input-file -verify-diagnostics | FileCheck %s

// mx.tcgen05_mma: one thread's row of a 128 x N block-scaled CTA tile, the
// scale layout named by scale_layout; tensor and memref forms.

// CHECK-LABEL: func.func @f8
// CHECK: mx.tcgen05_mma %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) row(%{{.*}}) outs(%{{.*}}) {{.*}}scale_layout = "tmem_lane_row"{{.*}} -> tensor<32xf32>
func.func @f8(%a: tensor<128x64xi8>, %b: tensor<32x64xi8>, %sa: tensor<128x2xi8>, %sb: tensor<32x2xi8>, %t: index) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>, scale_layout = "tmem_lane_row"} : tensor<128x64xi8>, tensor<32x64xi8>, tensor<128x2xi8>, tensor<32x2xi8>, tensor<32xf32> -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

// CHECK-LABEL: func.func @f4_memref
// CHECK: mx.tcgen05_mma {{.*}} : memref<128x32xi8>, memref<16x32xi8>, memref<128x2xi8>, memref<16x2xi8>, memref<16xf32>
func.func @f4_memref(%a: memref<128x32xi8>, %b: memref<16x32xi8>, %sa: memref<128x2xi8>, %sb: memref<16x2xi8>, %t: index, %o: memref<16xf32>) {
  mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%o) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>, scale_layout = "tmem_lane_row"} : memref<128x32xi8>, memref<16x32xi8>, memref<128x2xi8>, memref<16x2xi8>, memref<16xf32>
  return
}

// -----

func.func @mixed_kinds(%a: tensor<128x32xi8>, %b: tensor<32x32xi8>, %sa: tensor<128x1xi8>, %sb: tensor<32x1xi8>, %t: index) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  // expected-error @+1 {{a_format and b_format must be E8M0 blocks of 32 with e4m3 / e5m2 elements (kind::mxf8f6f4) or both e2m1 (kind::mxf4)}}
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxint8>, scale_layout = "tmem_lane_row"} : tensor<128x32xi8>, tensor<32x32xi8>, tensor<128x1xi8>, tensor<32x1xi8>, tensor<32xf32> -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

func.func @layout(%a: tensor<128x32xi8>, %b: tensor<32x32xi8>, %sa: tensor<128x1xi8>, %sb: tensor<32x1xi8>, %t: index) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  // expected-error @+1 {{unknown scale_layout "row_major" (expected "tmem_lane_row")}}
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>, scale_layout = "row_major"} : tensor<128x32xi8>, tensor<32x32xi8>, tensor<128x1xi8>, tensor<32x1xi8>, tensor<32xf32> -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

func.func @n_range(%a: tensor<128x32xi8>, %b: tensor<24x32xi8>, %sa: tensor<128x1xi8>, %sb: tensor<24x1xi8>, %t: index) -> tensor<24xf32> {
  %init = tensor.empty() : tensor<24xf32>
  // expected-error @+1 {{N (the row length) must be a multiple of 16 from 16 to 128, not 24}}
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>, scale_layout = "tmem_lane_row"} : tensor<128x32xi8>, tensor<24x32xi8>, tensor<128x1xi8>, tensor<24x1xi8>, tensor<24xf32> -> tensor<24xf32>
  return %r : tensor<24xf32>
}

// -----

func.func @k_f4(%a: tensor<128x16xi8>, %b: tensor<32x16xi8>, %sa: tensor<128x1xi8>, %sb: tensor<32x1xi8>, %t: index) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  // expected-error @+1 {{K must be a multiple of 64}}
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>, scale_layout = "tmem_lane_row"} : tensor<128x16xi8>, tensor<32x16xi8>, tensor<128x1xi8>, tensor<32x1xi8>, tensor<32xf32> -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

func.func @scales_shape(%a: tensor<128x64xi8>, %b: tensor<32x64xi8>, %sa: tensor<128x1xi8>, %sb: tensor<32x2xi8>, %t: index) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  // expected-error @+1 {{a_scales and b_scales must be [128, K/32] and [N, K/32]}}
  %r = mx.tcgen05_mma %a, %b scales(%sa, %sb) row(%t) outs(%init) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>, scale_layout = "tmem_lane_row"} : tensor<128x64xi8>, tensor<32x64xi8>, tensor<128x1xi8>, tensor<32x2xi8>, tensor<32xf32> -> tensor<32xf32>
  return %r : tensor<32xf32>
}
