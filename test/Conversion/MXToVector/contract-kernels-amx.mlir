// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=amx | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-lower-to-llvm=contract-kernels=amx | FileCheck %s --check-prefix=LLVM
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector="contract-kernels=amx contract-exact=true" | FileCheck %s --check-prefix=EXACT

// The AMX kernels of mx.contract (docs/Lowering.md, "Kernels for
// mx.contract"). Sizes are odd on purpose: M = 13, N = 37, K = 70 (MX) or
// 2200 (INT8).

// MXINT8 (block scales in range, checked at run time): every integer is
// multiplied by its block scale and packed as bf16, A one tile per 16 rows
// and block [1][2][3][16][32] (M padded to the 32 x 32 result tiles, K to
// whole 32-element blocks), B in pairs of rows [1][N/16][K/2][32]; the f32
// accumulator tiles take one tdpbf16ps per block (3 blocks: 12 tile
// products) and are stored to the padded result, sliced to 13 x 37.
// Scales outside the exact range take the VNNI kernel, whose result is
// copied into the same buffer.
// CHECK-LABEL: func @mxint8
// CHECK-COUNT-2: vector.reduction <minimumf>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xf32>
// CHECK: scf.if
// CHECK: arith.truncf {{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK: %[[A:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x2x3x16x32xbf16> to memref<1x2x3x16x32xbf16>
// CHECK: vector.interleave {{.*}} : vector<16xbf16> -> vector<32xbf16>
// CHECK: %[[B:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x4x48x32xbf16> to memref<1x4x48x32xbf16>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xf32>
// CHECK: amx.tile_load %[[A]]{{.*}} : memref<1x2x3x16x32xbf16> into !amx.tile<16x32xbf16>
// CHECK: amx.tile_load %[[A]]
// CHECK: amx.tile_load %[[B]]{{.*}} : memref<1x4x48x32xbf16> into !amx.tile<16x32xbf16>
// CHECK: amx.tile_load %[[B]]
// CHECK-COUNT-12: amx.tile_mulf {{.*}} : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
// CHECK-NOT: amx.tile_mulf
// CHECK-COUNT-4: amx.tile_store %[[OUT]]
// CHECK: } else {
// CHECK-NOT: amx.
// CHECK: vector.multi_reduction
// CHECK: bufferization.materialize_in_destination {{.*}} in writable %{{.*}} : (tensor<13x37xf32>, memref<13x37xf32, strided<[64, 1]>>) -> ()
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable : memref<32x64xf32> to tensor<32x64xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0] [13, 37] [1, 1] : tensor<32x64xf32> to tensor<13x37xf32>
// LLVM-LABEL: llvm.func @mxint8
// LLVM: llvm.call_intrinsic "llvm.x86.tileloadd64.internal"
// LLVM: llvm.call_intrinsic "llvm.x86.tdpbf16ps.internal"
// LLVM: llvm.call_intrinsic "llvm.x86.tilestored64.internal"
// LLVM: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
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

// MXFP4: the E2M1 codes are decoded to 2 * value (integers in [-12, 12])
// while packing, as for the VNNI kernel, then scaled into bf16.
// CHECK-LABEL: func @mxfp4
// CHECK: scf.if
// CHECK: vector.interleave {{.*}} : vector<16xi8> -> vector<32xi8>
// CHECK: arith.truncf {{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK: amx.tile_mulf {{.*}} : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
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

// -----

// NVFP4: the AMX kernel decodes E8M0 scales only, so under
// contract-kernels=amx its contractions take the VNNI integer kernel
// (docs/Lowering.md, "NVFP4 on the integer path"): no tile op, the VNNI
// dot products, the tensor scales applied in f64.
// CHECK-LABEL: func @nvfp4
// CHECK-NOT: amx.
// CHECK: mx.vnni_dot
// CHECK-NOT: amx.
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK-NOT: amx.
// CHECK: return
// LLVM-LABEL: llvm.func @nvfp4
// LLVM-NOT: tdpb
// LLVM: llvm.x86.avx512.vpdpbusd.512
// LLVM-NOT: tdpb
// LLVM: llvm.return
func.func @nvfp4(%a: tensor<13x70x!mx.q<nvfp4, axis = 1>>, %b: tensor<70x37x!mx.q<nvfp4, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<nvfp4, axis = 1>>, tensor<70x37x!mx.q<nvfp4, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}
