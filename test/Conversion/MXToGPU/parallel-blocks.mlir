// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks | FileCheck %s
// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks=chip=sm_90 | FileCheck %s --check-prefix=SM90
// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks=chip=sm_100a | FileCheck %s --check-prefix=SM100
// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks=chip=sm_80 | FileCheck %s --check-prefix=SM80

// Blocks along the last axis: tiles of four blocks (one with the NVVM
// packed conversions, which take pairs of f32 values).
// CHECK-LABEL: func @fq_e4m3
// CHECK: scf.forall (%[[T:.*]]) in (128) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<64x256xf32>)
// CHECK: affine.delinearize_index %[[T]] into (64, 2)
// CHECK: tensor.extract_slice %{{.*}} [1, 128] [1, 1] : tensor<64x256xf32> to tensor<1x128xf32>
// CHECK-NOT: nvvm.
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[O]][%{{.*}}, %{{.*}}] [1, 128] [1, 1]
// SM90-LABEL: func @fq_e4m3
// SM90: scf.forall (%{{.*}}) in (512)
// SM90: tensor.extract_slice %{{.*}} [1, 32] [1, 1]
// SM90-COUNT-16: nvvm.convert.f32x2.to.f8x2 %{{.*}}, %{{.*}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// SM90-NOT: nvvm.convert
// SM90: tensor.parallel_insert_slice
// SM80-LABEL: func @fq_e4m3
// SM80-NOT: nvvm.convert
// SM80: return
func.func @fq_e4m3(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// f4 conversions exist on sm_100a, not on sm_90: packed bytes straight from
// nvvm.convert.f32x2.to.f4x2 (element 2i in the low nibble).
// CHECK-LABEL: func @q_e2m1
// CHECK-SAME: -> (tensor<64x128xi8>, tensor<64x8xi8>)
// CHECK: %[[R:.*]]:2 = scf.forall (%{{.*}}) in (128) shared_outs(%[[D:.*]] = %{{.*}}, %[[S:.*]] = %{{.*}}) -> (tensor<64x128xi8>, tensor<64x8xi8>)
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[D]][%{{.*}}, %{{.*}}] [1, 64] [1, 1] : tensor<1x64xi8> into tensor<64x128xi8>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[S]][%{{.*}}, %{{.*}}] [1, 4] [1, 1] : tensor<1x4xi8> into tensor<64x8xi8>
// CHECK: return %[[R]]#0, %[[R]]#1
// SM90-LABEL: func @q_e2m1
// SM90-NOT: nvvm.convert
// SM90: return
// SM100-LABEL: func @q_e2m1
// SM100: scf.forall (%{{.*}}) in (512)
// SM100-COUNT-16: nvvm.convert.f32x2.to.f4x2 %{{.*}}, %{{.*}} : i8(f4E2M1FN)
// SM100: tensor.parallel_insert_slice %{{.*}} [1, 16] [1, 1] : tensor<1x16xi8> into tensor<64x128xi8>
// SM100: tensor.parallel_insert_slice %{{.*}} [1, 1] [1, 1] : tensor<1x1xi8> into tensor<64x8xi8>
func.func @q_e2m1(%x: tensor<64x256xf32>) -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
  return %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// Blocks along axis 0: a block by 16 columns per tile; the scales follow.
// CHECK-LABEL: func @dq_axis0
// CHECK: scf.forall (%[[T:.*]]) in (32)
// CHECK: affine.delinearize_index %[[T]] into (2, 16)
// CHECK: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}] [32, 16] [1, 1] : tensor<64x256xi8> to tensor<32x16xi8>
// CHECK: tensor.extract_slice %arg1[%{{.*}}, %{{.*}}] [1, 16] [1, 1] : tensor<2x256xi8> to tensor<1x16xi8>
// CHECK: tensor.parallel_insert_slice %{{.*}} [32, 16] [1, 1] : tensor<32x16xf32> into tensor<64x256xf32>
func.func @dq_axis0(%q: tensor<64x256x!mx.q<mxint8, axis = 0>>) -> tensor<64x256xf32> {
  %d = mx.dequantize %q : tensor<64x256x!mx.q<mxint8, axis = 0>> -> tensor<64x256xf32>
  return %d : tensor<64x256xf32>
}

// -----

// Dynamic per-tensor INT8 needs the whole tensor's maximum: one tile. Per
// channel: one channel per tile.
// CHECK-LABEL: func @int8
// CHECK: scf.forall (%{{.*}}) in (1) shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<64x256xi8>, tensor<f32>)
// CHECK: scf.forall (%{{.*}}) in (256) shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<64x256xi8>, tensor<256xf32>)
// CHECK: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}] [64, 1] [1, 1]
func.func @int8(%x: tensor<64x256xf32>) -> (tensor<64x256x!mx.q<int8>>, tensor<64x256x!mx.q<int8, granularity = channel, axis = 1>>) {
  %a = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<int8>>
  %b = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<int8, granularity = channel, axis = 1>>
  return %a, %b : tensor<64x256x!mx.q<int8>>, tensor<64x256x!mx.q<int8, granularity = channel, axis = 1>>
}
