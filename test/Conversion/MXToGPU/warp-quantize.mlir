// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks="chip=sm_90 warp-reductions=true" --canonicalize --cse | FileCheck %s
// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks="warp-reductions=true emulate-warps=true" --canonicalize --cse | FileCheck %s --check-prefix=EMU
// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks="chip=sm_100a warp-reductions=true" --canonicalize --cse | FileCheck %s --check-prefix=SM100

// The warp kernel of an E4M3 quantization: one lane per element pair (128
// lanes: one CTA of four warps), the block maximum of |x| bits by a
// butterfly of gpu.shuffle xor over the 16 lanes of a block, one cvt per
// lane, two data bytes per lane, the scale stored by the first lane of each
// group (a slice of 0 or 1 element).
// CHECK-LABEL: func.func @q(
// CHECK-SAME: -> (tensor<4x64xi8>, tensor<4x2xi8>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<4x64xf32> into tensor<256xf32>
// CHECK: scf.forall (%{{.*}}, %[[LANE:.*]]) in (1, 128)
// CHECK: %[[FIRST:.*]] = arith.muli %[[LANE]], %c2
// CHECK: tensor.extract %{{.*}}[%[[FIRST]]]
// CHECK: arith.andi %{{.*}}, %c2147483647_i32
// CHECK: %[[M0:.*]] = arith.maxsi
// CHECK: %[[S8:.*]], %{{.*}} = gpu.shuffle xor %[[M0]], %c8_i32, %c32_i32 : i32
// CHECK: %[[M1:.*]] = arith.maxsi %[[M0]], %[[S8]]
// CHECK: gpu.shuffle xor %[[M1]], %c4_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32
// CHECK-NOT: gpu.shuffle
// CHECK: nvvm.convert.f32x2.to.f8x2 {{.*}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK-NOT: nvvm.convert
// CHECK: %[[DATA:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi8>
// CHECK: %[[BLOCK:.*]] = arith.divui %[[FIRST]], %c32
// CHECK: %[[PAIR:.*]] = arith.divui %[[FIRST]], %c2
// CHECK: %[[IN:.*]] = arith.remui %[[PAIR]], %c16
// CHECK: %[[IS0:.*]] = arith.cmpi eq, %[[IN]], %c0
// CHECK: %[[N:.*]] = arith.select %[[IS0]], %c1, %c0
// CHECK: %[[ONE:.*]] = tensor.from_elements %{{.*}} : tensor<1xi8>
// CHECK: %[[SC:.*]] = tensor.extract_slice %[[ONE]][0] [%[[N]]] [1] : tensor<1xi8> to tensor<?xi8>
// CHECK: tensor.parallel_insert_slice %[[DATA]] into %{{.*}}[%[[FIRST]]] [2] [1] : tensor<2xi8> into tensor<256xi8>
// CHECK: tensor.parallel_insert_slice %[[SC]] into %{{.*}}[%[[BLOCK]]] [%[[N]]] [1] : tensor<?xi8> into tensor<8xi8>
// CHECK: {mapping = [#gpu.block<x>, #gpu.thread<x>]}
// CHECK: tensor.expand_shape %{{.*}} output_shape [4, 64] : tensor<256xi8> into tensor<4x64xi8>
// CHECK: tensor.expand_shape %{{.*}} output_shape [4, 2] : tensor<8xi8> into tensor<4x2xi8>

// The CPU emulation: one iteration per warp (64 elements), the lanes as
// vector<32>, each shuffle a vector.shuffle with the xor permutation.
// EMU-LABEL: func.func @q(
// EMU: scf.forall (%{{.*}}) in (4)
// EMU: vector.deinterleave %{{.*}} : vector<64xf32> -> vector<32xf32>
// EMU: vector.shuffle %[[V:.*]], %[[V]] [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31, 16, 17, 18, 19, 20, 21, 22, 23] : vector<32xi32>, vector<32xi32>
// EMU: vector.shuffle {{.*}} [4, 5, 6, 7, 0, 1, 2, 3,
// EMU: vector.shuffle {{.*}} [2, 3, 0, 1, 6, 7, 4, 5,
// EMU: vector.shuffle {{.*}} [1, 0, 3, 2, 5, 4, 7, 6,
// The data bytes of the lanes' pairs, then the scales: the first lane of
// each of the two blocks holds its block's scale.
// EMU: vector.interleave %{{.*}}, %{{.*}} : vector<32xi8> -> vector<64xi8>
// EMU: vector.shuffle %{{.*}}, %{{.*}} [0, 16] : vector<32xi8>, vector<32xi8>
// EMU-NOT: nvvm.
func.func @q(%x: tensor<4x64xf32>) -> tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>> {
  %q = mx.quantize %x : tensor<4x64xf32> -> tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>
  return %q : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// FP4 fake quantization on sm_90 (no e2m1 cvt): integer code, four
// elements per lane (256 lanes in two CTAs), 8 lanes per block (shuffles
// 4, 2, 1), four f32 results per lane.
// CHECK-LABEL: func.func @fq4(
// CHECK: scf.forall (%{{.*}}, %[[L4:.*]]) in (2, 128)
// CHECK: arith.muli %{{.*}}, %c4
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32
// CHECK-NOT: gpu.shuffle
// CHECK-NOT: nvvm.convert
// CHECK: tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf32>
// CHECK: {mapping = [#gpu.block<x>, #gpu.thread<x>]}
// EMU-LABEL: func.func @fq4(
// EMU: scf.forall (%{{.*}}) in (8)
// EMU: vector.transfer_read {{.*}} : tensor<1024xf32>, vector<128xf32>
// EMU: vector.deinterleave %{{.*}} : vector<128xf32> -> vector<64xf32>
// EMU: vector.deinterleave %{{.*}} : vector<64xf32> -> vector<32xf32>
// EMU: vector.deinterleave %{{.*}} : vector<64xf32> -> vector<32xf32>
// EMU: vector.shuffle {{.*}} [4, 5, 6, 7, 0, 1, 2, 3,
// EMU: vector.shuffle {{.*}} [2, 3, 0, 1, 6, 7, 4, 5,
// EMU: vector.shuffle {{.*}} [1, 0, 3, 2, 5, 4, 7, 6,
// EMU-NOT: vector.shuffle
// EMU: vector.interleave %{{.*}}, %{{.*}} : vector<64xf32> -> vector<128xf32>
func.func @fq4(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// FP4 quantization: two data bytes per lane at byte 2 * lane; integer code
// on sm_90, two e2m1x2 cvt per lane (elements 0, 1 and 2, 3) on sm_100a.
// SM100-LABEL: func.func @q4(
// SM100-COUNT-2: nvvm.convert.f32x2.to.f4x2
// SM100-NOT: nvvm.convert
// SM100: tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi8>
// CHECK-LABEL: func.func @q4(
// CHECK-SAME: -> (tensor<4x32xi8>, tensor<4x2xi8>)
// CHECK: scf.forall (%{{.*}}, %[[L:.*]]) in (1, 64)
// CHECK: %[[F:.*]] = arith.muli %[[L]], %c4
// CHECK-COUNT-3: gpu.shuffle xor
// CHECK-NOT: gpu.shuffle
// CHECK-NOT: nvvm.convert
// CHECK: %[[D:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi8>
// CHECK: %[[OFF:.*]] = arith.divui %[[F]], %c2
// CHECK: tensor.parallel_insert_slice %[[D]] into %{{.*}}[%[[OFF]]] [2] [1] : tensor<2xi8> into tensor<128xi8>
func.func @q4(%x: tensor<4x64xf32>) -> tensor<4x64x!mx.q<mxfp4_e2m1, axis = 1>> {
  %q = mx.quantize %x : tensor<4x64xf32> -> tensor<4x64x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<4x64x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// Not warp kernels: f6 elements (four codes in three bytes), blocks along
// another axis, and a row of lanes that is not a whole warp.
// CHECK-LABEL: func.func @other(
// CHECK-NOT: gpu.shuffle
// CHECK: return
// EMU-LABEL: func.func @other(
// EMU-NOT: vector.deinterleave
// EMU: return
func.func @other(%x: tensor<4x64xf32>, %y: tensor<64x8xf32>, %z: tensor<1x32xf32>) -> (tensor<4x64xf32>, tensor<64x8xf32>, tensor<1x32xf32>) {
  %a = mx.fake_quant %x {format = "mxfp6_e2m3", axis = 1 : i64} : tensor<4x64xf32>
  %b = mx.fake_quant %y {format = "mxfp8_e4m3", axis = 0 : i64} : tensor<64x8xf32>
  %c = mx.fake_quant %z {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<1x32xf32>
  return %a, %b, %c : tensor<4x64xf32>, tensor<64x8xf32>, tensor<1x32xf32>
}
