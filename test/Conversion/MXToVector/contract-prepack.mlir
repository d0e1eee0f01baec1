// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=avx512vnni | FileCheck %s
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector="contract-kernels=avx512vnni contract-prepack=false" | FileCheck %s --check-prefix=RUNTIME

// Constant weights packed at compile time (docs/Lowering.md, "Prepacked
// constant weights"): the quantization of the constant B folds to its
// storage parts, and the kernel's packing of B is computed from them into
// constants tagged mx.packed_layout; no packing loop for B remains.

// MXINT8, K = 4, N = 2 (one partial block of 32, one partial panel of 32
// columns). Column 0 is 1, 2, 3, 4 (shared exponent 2: codes 16, 32, 48,
// 64), column 1 is -1, 0, 0.5, 1 (exponent 0: codes -64, 0, 32, 64). The
// VNNI panel holds the four codes of each column together; the corrections
// are -128 times the column sums (160 and 32); the block scales are
// 2^(2-6) and 2^(0-6), and 2^-6 (code 127) past N.
// CHECK-LABEL: func @mxint8_const
// (The panel prints in hex: 16, 32, 48, 64, -64, 0, 32, 64, then zeros.)
// CHECK-DAG: arith.constant {mx.packed_layout = "vnni-panels [batch][N/32][Kp/4][32*4] i8"} dense<"0x10203040C000204000000000{{0+}}"> : tensor<1x1x8x128xi8>
// CHECK-DAG: arith.constant {mx.packed_layout = "vnni-column-corrections [batch][N/32][blocks][32] i32"} dense<{{\[\[\[\[}}-20480, -4096, 0, 0, {{.*}}> : tensor<1x1x1x32xi32>
// CHECK-DAG: arith.constant {mx.packed_layout = "vnni-block-scales [batch][N/32][blocks][32] f32"} dense<{{\[\[\[\[}}6.250000e-02, 1.562500e-02, 1.562500e-02, {{.*}}> : tensor<1x1x1x32xf32>
// No interleaving of B into VNNI groups, no column sums: only A is packed.
// CHECK-NOT: vector.interleave
// CHECK-NOT: arith.muli {{.*}} : vector<32xi32>
// CHECK: mx.vnni_dot
// CHECK: return
// RUNTIME-LABEL: func @mxint8_const
// RUNTIME-NOT: mx.packed_layout
// RUNTIME: vector.interleave {{.*}} : vector<32xi8> -> vector<64xi8>
// RUNTIME: arith.muli {{.*}} : vector<32xi32>
// RUNTIME: return
func.func @mxint8_const(%a: tensor<13x4x!mx.q<mxint8, axis = 1>>) -> tensor<13x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [2.0, 0.0], [3.0, 0.5], [4.0, 1.0]]> : tensor<4x2xf32>
  %b = mx.quantize %w : tensor<4x2xf32> -> tensor<4x2x!mx.q<mxint8, axis = 0>>
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x4x!mx.q<mxint8, axis = 1>>, tensor<4x2x!mx.q<mxint8, axis = 0>> -> tensor<13x2xf32>
  return %c : tensor<13x2xf32>
}

// -----

// MXFP8 E4M3 takes the f32 kernel: B decoded to f32 (1, 2, 3, 4 and -1, 0,
// 0.5, 1 are exact) in a [K][32] panel with zeros past N. The run-time
// decoding of B is left unused (removed by the canonicalizer).
// CHECK-LABEL: func @mxfp8_const
// (In hex: 1.0 = 0x3F800000, -1.0, 30 zeros, then 2.0, 0, ..., 3.0, 0.5,
// ..., 4.0, 1.0, ...)
// CHECK: arith.constant {mx.packed_layout = "f32-panels [batch][N/32][K][32] f32"} dense<"0x0000803F000080BF{{0+}}0000004000000000{{0+}}000040400000003F{{0+}}000080400000803F{{0+}}"> : tensor<1x1x4x32xf32>
// CHECK: return
// RUNTIME-LABEL: func @mxfp8_const
// RUNTIME-NOT: mx.packed_layout
// RUNTIME: return
func.func @mxfp8_const(%a: tensor<13x4x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<13x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [2.0, 0.0], [3.0, 0.5], [4.0, 1.0]]> : tensor<4x2xf32>
  %b = mx.quantize %w : tensor<4x2xf32> -> tensor<4x2x!mx.q<mxfp8_e4m3, axis = 0>>
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x4x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<4x2x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<13x2xf32>
  return %c : tensor<13x2xf32>
}

// -----

// A weight that is a function argument (the external storage layout of the
// ABI) is packed at run time as before.
// CHECK-LABEL: func @mxint8_arg
// CHECK-NOT: mx.packed_layout
// CHECK: vector.interleave {{.*}} : vector<32xi8> -> vector<64xi8>
// CHECK: return
func.func @mxint8_arg(%a: tensor<13x4x!mx.q<mxint8, axis = 1>>, %b: tensor<4x2x!mx.q<mxint8, axis = 0>>) -> tensor<13x2xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x4x!mx.q<mxint8, axis = 1>>, tensor<4x2x!mx.q<mxint8, axis = 0>> -> tensor<13x2xf32>
  return %c : tensor<13x2xf32>
}
