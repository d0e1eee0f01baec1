// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=amx | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-lower-to-llvm=contract-kernels=amx | FileCheck %s --check-prefix=LLVM
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector="contract-kernels=amx contract-exact=true" | FileCheck %s --check-prefix=EXACT

// The AMX kernels of mx.contract (docs/Lowering.md, "Kernels for
// mx.contract"). Sizes are odd on purpose: M = 13, N = 37, K = 70 (MX) or
// 2200 (INT8).

// MXINT8: A packed to signed bytes [1][32][96] (M and K padded to the 32 x
// 32 result tiles and whole 32-element blocks), B to the tile layout
// [1][N/16][K/4][64], A's scales to [1][M/32][blocks][32]; per block, 2 x 2 tile products of 16x32 by 8x64 bytes
// (tdpbssd), the exact i32 sums stored to alternate halves of a scratch
// buffer and scaled into f32 accumulators (sitofp, mulf by the A scale, fma
// with the B scales); the padded result is sliced to 13 x 37.
// CHECK-LABEL: func @mxint8
// CHECK-DAG: %[[A:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x32x96xi8> to memref<1x32x96xi8>
// CHECK-DAG: %[[B:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x4x24x64xi8> to memref<1x4x24x64xi8>
// CHECK-DAG: %[[SA:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x1x3x32xf32> to memref<1x1x3x32xf32>
// CHECK-DAG: %[[SB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x4x3x16xf32> to memref<1x4x3x16xf32>
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xf32>
// CHECK-DAG: %[[SCRATCH:.*]] = memref.alloca() {alignment = 64 : i64} : memref<2x32x32xi32>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xi32>
// CHECK: amx.tile_load %[[A]]{{.*}} : memref<1x32x96xi8> into !amx.tile<16x32xi8>
// CHECK: amx.tile_load %[[A]]{{.*}} : memref<1x32x96xi8> into !amx.tile<16x32xi8>
// CHECK: amx.tile_load %[[B]]{{.*}} : memref<1x4x24x64xi8> into !amx.tile<8x64xi8>
// CHECK: amx.tile_load %[[B]]{{.*}} : memref<1x4x24x64xi8> into !amx.tile<8x64xi8>
// CHECK-COUNT-4: amx.tile_muli {{.*}} : !amx.tile<16x32xi8>, !amx.tile<8x64xi8>, !amx.tile<16x16xi32>
// CHECK-COUNT-4: amx.tile_store %[[SCRATCH]]
// CHECK: vector.load %[[SB]]
// CHECK: memref.load %[[SA]]
// CHECK: vector.load %[[SCRATCH]]
// CHECK: arith.sitofp {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: vector.fma
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable : memref<32x64xf32> to tensor<32x64xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0] [13, 37] [1, 1] : tensor<32x64xf32> to tensor<13x37xf32>
// LLVM-LABEL: llvm.func @mxint8
// LLVM: llvm.call_intrinsic "llvm.x86.tileloadd64.internal"
// LLVM: llvm.call_intrinsic "llvm.x86.tdpbssd.internal"
// LLVM: llvm.call_intrinsic "llvm.x86.tilestored64.internal"
// Under contract-exact, MX formats keep to the f32 kernel.
// EXACT-LABEL: func @mxint8
// EXACT-NOT: amx.
// EXACT-NOT: vector.fma
// EXACT: arith.addf {{.*}} : vector<16xf32>
// EXACT-NOT: vector.fma
// EXACT: return
func.func @mxint8(%a: tensor<13x70x!mx.q<mxint8, axis = 1>>, %b: tensor<70x37x!mx.q<mxint8, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<mxint8, axis = 1>>, tensor<70x37x!mx.q<mxint8, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}

// -----

// MXFP4: A's E2M1 codes are decoded to 2 * value (signed bytes in
// [-12, 12]) while packing, as for the VNNI kernel.
// CHECK-LABEL: func @mxfp4
// CHECK: vector.interleave {{.*}} : vector<16xi8> -> vector<32xi8>
// CHECK: amx.tile_muli {{.*}} : !amx.tile<16x32xi8>, !amx.tile<8x64xi8>, !amx.tile<16x16xi32>
func.func @mxfp4(%a: tensor<13x70x!mx.q<mxfp4_e2m1, axis = 1>>, %b: tensor<70x37x!mx.q<mxfp4_e2m1, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<70x37x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}

// -----

// INT8: i32 sums over all of K in the accumulator tiles; K = 2200 is 35
// tile products of 64 bytes: 16 from zeroed tiles, a loop of one chunk of
// 16 reloading the tiles from the i32 result, then 3; each chunk ends with
// the tiles stored to the result.
// CHECK-LABEL: func @int8
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xi32>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xi32>
// CHECK-COUNT-64: amx.tile_muli {{.*}} : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>
// CHECK-COUNT-4: amx.tile_store %[[OUT]]
// CHECK: scf.for
// CHECK-COUNT-4: amx.tile_load %[[OUT]]
// CHECK-COUNT-64: amx.tile_muli
// CHECK-COUNT-4: amx.tile_store %[[OUT]]
// CHECK: }
// CHECK-COUNT-4: amx.tile_load %[[OUT]]
// CHECK-COUNT-12: amx.tile_muli
// CHECK-COUNT-4: amx.tile_store %[[OUT]]
// CHECK-NOT: amx.tile_muli
// CHECK: tensor.extract_slice {{.*}} : tensor<32x64xi32> to tensor<13x37xi32>
// LLVM-LABEL: llvm.func @int8
// LLVM: llvm.call_intrinsic "llvm.x86.tdpbssd.internal"
func.func @int8(%a: tensor<13x2200x!mx.q<int8>>, %b: tensor<2200x37x!mx.q<int8, granularity = channel, axis = 1>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x2200x!mx.q<int8>>, tensor<2200x37x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}
