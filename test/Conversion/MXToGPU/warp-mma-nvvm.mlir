// RUN: mx-opt %s --convert-mx-warp-mma-to-nvvm="chip=sm_90" | FileCheck %s --check-prefixes=CHECK,F8
// RUN: mx-opt %s --convert-mx-warp-mma-to-nvvm="chip=sm_100a" | FileCheck %s --check-prefixes=CHECK,F8
// RUN: mx-opt %s --convert-mx-warp-mma-to-nvvm="chip=sm_80" | FileCheck %s --check-prefixes=CHECK,F16
// RUN: mx-opt %s --convert-mx-warp-mma-to-nvvm="chip=sm_90 f8=false" | FileCheck %s --check-prefixes=CHECK,F16
// RUN: not mx-opt %s --convert-mx-warp-mma-to-nvvm="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: unknown GPU chip 'gfx90a'

// MXFP8 on sm_89+: four 32-bit registers of A and two of B (four codes
// each, packed little-endian), the f8 mma.sync as inline PTX (MLIR 22's
// nvvm.mma.sync has no dense f8 kind), the block scales in f32 after it.
// Before sm_89 (or PTX < 8.4): elements decoded to f16, two m16n8k16.
// CHECK-LABEL: func @mxfp8
// F8-COUNT-6: vector.bitcast %{{.*}} : vector<4xi8> to vector<1xi32>
// F8: llvm.inline_asm "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};", "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f"
// F8-NOT: nvvm.mma.sync
// F16-NOT: llvm.inline_asm
// F16: arith.truncf %{{.*}} : f32 to f16
// F16: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// F16: nvvm.mma.sync {{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<16xi8>
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<8xi8>
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
// CHECK-NOT: mx.warp_mma
func.func @mxfp8(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp8_e4m3>, b_format = #mx.format<mxfp8_e5m2>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// MXFP4 on every chip: no dense f4 mma.sync before sm_120a; elements
// decoded to f16 (exact), two m16n8k16 with f32 accumulation.
// CHECK-LABEL: func @mxfp4
// CHECK-NOT: llvm.inline_asm
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: nvvm.mma.sync {{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK: nvvm.mma.sync {{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK-NOT: nvvm.mma.sync
// CHECK: return
func.func @mxfp4(%a: tensor<16x16xi8>, %sa: tensor<16xi8>, %b: tensor<32x4xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxfp4_e2m1>, b_format = #mx.format<mxfp4_e2m1>} : tensor<16x16xi8>, tensor<32x4xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// MXINT8: s8 mma.sync from zero, the exact i32 sum to f32, times 2^-12 and
// the block scales.
// CHECK-LABEL: func @mxint8
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK: arith.sitofp
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
func.func @mxint8(%a: tensor<16x32xi8>, %sa: tensor<16xi8>, %b: tensor<32x8xi8>, %sb: tensor<8xi8>, %acc: vector<4xf32>, %l: index) -> vector<4xf32> {
  %d = mx.warp_mma %a scales(%sa : tensor<16xi8>), %b scales(%sb : tensor<8xi8>), %acc lane(%l) {a_format = #mx.format<mxint8>, b_format = #mx.format<mxint8>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xf32> -> vector<4xf32>
  return %d : vector<4xf32>
}

// INT8: the accumulator goes into the s8 mma.sync (exact i32 sums).
// CHECK-LABEL: func @int8
// CHECK-SAME: %[[ACC:[^:]*]]: vector<4xi32>
// CHECK: %[[C0:.*]] = vector.extract %[[ACC]][0] : i32 from vector<4xi32>
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[%[[C0]], {{.*}}] {{.*}}multiplicandAPtxType = #nvvm.mma_type<s8>{{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 32>
// CHECK-NOT: arith.mulf
// CHECK: vector.from_elements {{.*}} : vector<4xi32>
func.func @int8(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %acc: vector<4xi32>, %l: index) -> vector<4xi32> {
  %d = mx.warp_mma %a, %b, %acc lane(%l) {a_format = #mx.format<int8>, b_format = #mx.format<int8>} : tensor<16x32xi8>, tensor<32x8xi8>, vector<4xi32> -> vector<4xi32>
  return %d : vector<4xi32>
}
