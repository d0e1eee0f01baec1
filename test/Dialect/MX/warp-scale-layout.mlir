// RUN: mx-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// mx.warp_mma's scale_layout: the block-scaled mma.sync layout of MXFP8
// tiles (#mx.warp_scale_layout, docs/GPU.md), printed and parsed back.
// CHECK-LABEL: func @mxfp8
// CHECK: mx.warp_mma {{.*}}scale_layout = #mx.warp_scale_layout<m16n8k32_x1>
func.func @mxfp8(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>, scale_layout = #mx.warp_scale_layout<m16n8k32_x1>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @mxfp4_layout(%a: tensor<16x16xi8>, %sa: tensor<16xi8>, %b: tensor<32x4xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error @+1 {{scale_layout m16n8k32_x1 needs MXFP8 (e4m3 or e5m2) operands}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>, scale_layout = #mx.warp_scale_layout<m16n8k32_x1>} : tensor<16x16xi8>, tensor<32x4xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @mxint8_layout(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error @+1 {{scale_layout m16n8k32_x1 needs MXFP8 (e4m3 or e5m2) operands}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxint8>, b_format = #mx.format<mxint8>, scale_layout = #mx.warp_scale_layout<m16n8k32_x1>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @bad_layout(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error @+2 {{expected ::mx::WarpScaleLayout to be one of: m16n8k32_x1}}
  // expected-error @+1 {{failed to parse MX_WarpScaleLayoutAttr parameter 'value'}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>, scale_layout = #mx.warp_scale_layout<m16n8k64_x2>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}
