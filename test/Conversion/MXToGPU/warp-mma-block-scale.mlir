// RUN: mx-opt %s --split-input-file --convert-mx-warp-mma-to-nvvm="chip=sm_120a" 2>&1 | FileCheck %s
// RUN: mx-opt %s --split-input-file --convert-mx-warp-mma-to-nvvm="chip=sm_121a" 2>&1 | FileCheck %s
// RUN: mx-opt %s --split-input-file --convert-mx-warp-mma-to-nvvm="chip=sm_120f" 2>&1 | FileCheck %s
// RUN: not mx-opt %s --split-input-file --convert-mx-warp-mma-to-nvvm="chip=sm_100a" 2>&1 | FileCheck %s --check-prefix=NOCHIP
// RUN: not mx-opt %s --split-input-file --convert-mx-warp-mma-to-nvvm="chip=sm_120a block-scale=false" 2>&1 | FileCheck %s --check-prefix=NOCHIP

// MXFP8 with the block-scaled mma.sync layout (sm_120a family): the A and
// B registers of the f8 mma.sync, the accumulator as C, and each lane's
// scale registers: A byte 0 = code of row lane/4 + 8 * (lane % 2), B byte 0
// = code of column lane/4, selectors byte-id 0 / thread-id 0; the tensor
// core applies the scales (no f32 scaling after it).
// CHECK: #[[$COLMAP:map]] = affine_map<()[s0] -> (s0 floordiv 4)>
// CHECK: #[[$ROWMAP:map[0-9]+]] = affine_map<()[s0] -> (s0 * 8 + s0 floordiv 4 - (s0 floordiv 2) * 16)>
// CHECK-LABEL: func @mxfp8
// CHECK: %[[ROW:.*]] = affine.apply #[[$ROWMAP]]()[%arg5]
// CHECK: %[[SA8:.*]] = tensor.extract %arg1[%[[ROW]]] : tensor<16xi8>
// CHECK: %[[SA:.*]] = arith.extui %[[SA8]] : i8 to i32
// CHECK: %[[COL:.*]] = affine.apply #[[$COLMAP]]()[%arg5]
// CHECK: %[[SB8:.*]] = tensor.extract %arg3[%[[COL]]] : tensor<8xi8>
// CHECK: %[[SB:.*]] = arith.extui %[[SB8]] : i8 to i32
// CHECK: %[[Z16:.*]] = arith.constant 0 : i16
// CHECK: nvvm.mma.block_scale A[{{.*}}, {{.*}}, {{.*}}, {{.*}}] B[{{.*}}, {{.*}}] C[{{.*}}, {{.*}}, {{.*}}, {{.*}}] scaleA[%[[SA]], %[[Z16]], %[[Z16]]] scaleB[%[[SB]], %[[Z16]], %[[Z16]]] {blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf8f6f4>, multiplicandAPtxType = #nvvm.mma_type<e4m3>, multiplicandBPtxType = #nvvm.mma_type<e5m2>, scaleVecSize = #nvvm.scale_vec_size<x1>, shape = #nvvm.shape<m = 16, n = 8, k = 32>}
// CHECK-NOT: arith.mulf
// CHECK-NOT: llvm.inline_asm
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
// NOCHIP: error: 'mx.warp_mma' op has scale_layout #mx.warp_scale_layout<m16n8k32_x1> but chip '{{.*}}' has no block-scaled mma.sync
func.func @mxfp8(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>, scale_layout = #mx.warp_scale_layout<m16n8k32_x1>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// -----

// Without the layout, sm_120a keeps the f8 mma.sync with the scales in f32.
// CHECK-LABEL: func @no_layout
// CHECK: llvm.inline_asm "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-NOT: nvvm.mma.block_scale
// CHECK: arith.mulf
func.func @no_layout(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e4m3>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}
