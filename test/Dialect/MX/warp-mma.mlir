// RUN: mx-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: mx-opt %s -split-input-file -verify-diagnostics | mx-opt -split-input-file -verify-diagnostics | FileCheck %s

// mx.warp_mma: one lane's share of a 16x8x32 tensor-core tile. The scale
// layout (one E8M0 code per row of A and per column of B) is in the operands.

// CHECK-LABEL: func @mxfp8
// CHECK: mx.warp_mma %arg0 scales(%arg1 : tensor<16xi8>), %arg2 scales(%arg3 : tensor<8xi8>), %arg4 lane(%arg5) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
func.func @mxfp8(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// Packed 4-bit elements: half as many bytes along the last dimension.
// CHECK-LABEL: func @mxfp4
// CHECK: mx.warp_mma {{.*}} : tensor<16x16xi8>, tensor<32x4xi8>, vector<4xf32> -> vector<4xf32>
func.func @mxfp4(%a: tensor<16x16xi8>, %sa: tensor<16xi8>, %b: tensor<32x4xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>} : tensor<16x16xi8>, tensor<32x4xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// INT8: no scales, exact i32 accumulation.
// CHECK-LABEL: func @int8
// CHECK: mx.warp_mma %arg0, %arg1, %arg2 lane(%arg3) {a_format = #mx.format<int8>, b_format = #mx.format<int8, granularity = channel>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xi32> -> vector<4xi32>
func.func @int8(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %acc: vector<4xi32>, %l: index) -> vector<4xi32> {
  %d = mx.warp_mma %a, %b, %acc lane(%l) {a_format = #mx.format<int8>, b_format = #mx.format<int8, granularity = channel>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xi32> -> vector<4xi32>
  return %d : vector<4xi32>
}

// -----

func.func @no_tile(%a: tensor<16x24xi8>, %sa: tensor<16xi8>, %b: tensor<32x6xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{a_format #mx.format<mxfp6_e3m2> has no tensor-core tile}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp6_e3m2>, b_format = #mx.format<mxfp6_e3m2>} : tensor<16x24xi8>, tensor<32x6xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @mixed(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{a_format and b_format must both be INT8, both MXINT8 or both MX float formats}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxint8>, b_format = #mx.format<mxfp8_e4m3>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @shape(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{a must be the 16x32 tile in storage, tensor<16x16xi8>, not 'tensor<16x32xi8>'}}
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @missing_scales(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{E8M0 formats need a_scales and b_scales}}
  %d = mx.warp_mma %a, %b, %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @scale_layout(%a: tensor<16x32xi8>, %sa: tensor<8xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{a_scales must be tensor<16xi8> (one E8M0 code per row of A)}}
  %d = mx.warp_mma %a scales(%sa : tensor<8xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @int8_f32(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  // expected-error@+1 {{INT8 accumulates in i32}}
  %d = mx.warp_mma %a, %b, %acc lane(%l) {a_format = #mx.format<int8>, b_format = #mx.format<int8>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

func.func @zero_point(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %acc: vector<4xi32>, %l: index) -> vector<4xi32> {
  // expected-error@+1 {{has no tensor-core tile}}
  %d = mx.warp_mma %a, %b, %acc lane(%l) {a_format = #mx.format<int8, zero_point = true>, b_format = #mx.format<int8>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xi32> -> vector<4xi32>
  return %d : vector<4xi32>
}
