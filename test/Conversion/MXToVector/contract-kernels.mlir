// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=avx512vnni | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=generic | FileCheck %s --check-prefixes=CHECK,GENERIC
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector="contract-kernels=avx512vnni contract-exact=true" | FileCheck %s --check-prefix=EXACT
// RUN: not mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=avx2 2>&1 | FileCheck %s --check-prefix=BAD

// The kernels of mx.contract in matmul form (docs/Lowering.md, "Kernels for
// mx.contract"). Sizes are odd on purpose: M = 13, N = 37, K = 70.
// BAD: contract-kernels must be none, generic, avx512vnni, amx or auto, not 'avx2'

// MXINT8: the integer kernel. A becomes unsigned bytes (+128), four per
// i32; B is interleaved into VNNI groups with its column sums; the
// micro-kernel accumulates 8-bit dot products in i32 per 32-element block,
// then scales each block sum once (one fma per block).
// CHECK-LABEL: func @mxint8
// CHECK: vector.transfer_read {{.*}} : tensor<13x70xi8>, vector<32xi8>
// CHECK: arith.addi {{.*}} : vector<32xi8>
// CHECK: vector.bitcast {{.*}} : vector<32xi8> to vector<8xi32>
// CHECK: vector.interleave {{.*}} : vector<32xi8> -> vector<64xi8>
// CHECK: vector.interleave {{.*}} : vector<32xi16> -> vector<64xi16>
// CHECK: arith.muli {{.*}} : vector<32xi32>
// The micro-kernel: 6 rows x 2 registers (12 dot products per group of 4
// k), then a single row for the 13th.
// CHECK: vector.bitcast {{.*}} : vector<16xi32> to vector<64xi8>
// VNNI-COUNT-12: vector.multi_reduction <add>, {{.*}} {mx.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
// GENERIC-COUNT-12: vector.multi_reduction <add>, {{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// GENERIC-NOT: mx.vnni_dot
// CHECK: arith.sitofp {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<13x37xf32>
// EXACT-LABEL: func @mxint8
// EXACT-NOT: mx.vnni_dot
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

// NVFP4: the integer kernel over 16-element blocks (docs/Lowering.md,
// "NVFP4 on the integer path"). A is 2 * E2M1 + 12; B's E4M3 block scale
// codes are read with 0x38 (1.0) past N; every block takes the fast fold
// (no scf.if on the scales' range); the two tensor scales multiply the
// result in f64. Under contract-exact: the f32 kernel.
// CHECK-LABEL: func @nvfp4
// CHECK: arith.constant dense<12> : vector<32xi8>
// CHECK: arith.constant 56 : i8
// VNNI: vector.multi_reduction <add>, {{.*}} {mx.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
// GENERIC-NOT: mx.vnni_dot
// CHECK-NOT: scf.if
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: scf.if
// CHECK: arith.extf {{.*}} : f32 to f64
// CHECK: arith.mulf {{.*}} : f64
// CHECK: arith.extf {{.*}} : f32 to f64
// CHECK: arith.mulf {{.*}} : f64
// CHECK: arith.truncf {{.*}} : f64 to f32
// A NaN or infinite tensor scale gives NaN (0x7FC00000), as the dequantizer.
// CHECK: arith.select {{.*}} : f32
// CHECK: return
// EXACT-LABEL: func @nvfp4
// EXACT-NOT: mx.vnni_dot
// EXACT-NOT: f64
// EXACT: return
func.func @nvfp4(%a: tensor<13x70x!mx.q<nvfp4, axis = 1>>, %b: tensor<70x37x!mx.q<nvfp4, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<nvfp4, axis = 1>>, tensor<70x37x!mx.q<nvfp4, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}

// -----

// E2M1 under E4M3 block scales without a tensor scale: the same integer
// kernel, nothing to apply to the result.
// CHECK-LABEL: func @e4m3_no_tensor_scale
// VNNI: mx.vnni_dot
// CHECK-NOT: f64
// CHECK: return
func.func @e4m3_no_tensor_scale(%a: tensor<13x70x!mx.q<nvfp4, tensor_scale = false, axis = 1>>, %b: tensor<70x37x!mx.q<nvfp4, tensor_scale = false, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<nvfp4, tensor_scale = false, axis = 1>>, tensor<70x37x!mx.q<nvfp4, tensor_scale = false, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}

// -----

// A mixed pair (E4M3 and E8M0 block scales, both blocks of 16) is not an
// integer-kernel pair (isIntKernelPair): the f32 kernel.
// CHECK-LABEL: func @mixed_scales
// CHECK-NOT: vector.multi_reduction
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK-NOT: vector.multi_reduction
// CHECK: return
func.func @mixed_scales(%a: tensor<13x70x!mx.q<nvfp4, axis = 1>>, %b: tensor<70x37x!mx.q<mxfp4_e2m1, block = 16, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<nvfp4, axis = 1>>, tensor<70x37x!mx.q<mxfp4_e2m1, block = 16, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}
