// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=generic | FileCheck %s
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector="contract-kernels=generic contract-exact=true" | FileCheck %s --check-prefix=EXACT
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector | FileCheck %s --check-prefix=NONE

// The decode-shape kernels of mx.contract (docs/Lowering.md, "Decode-shape
// kernels"): at most 4 rows, B read in its stored layout (no packing).
// Without contract-kernels (the pass default), the linalg lowering.
// NONE-NOT: vector.multi_reduction
// NONE-NOT: vector<64xi16>

// MXFP4, B as [K, N]: rows of 32 bytes (64 codes) of B, decoded to
// 2 * E2M1 in i8, i16 block sums (a multiply and an add per row), then per
// block one conversion, A's scale and an fma with B's scales.
// CHECK-LABEL: func @kn_mxfp4
// CHECK: vector.transfer_read %arg2[{{.*}}], {{.*}} : tensor<70x19xi8>, vector<32xi8>
// CHECK: vector.interleave {{.*}} : vector<32xi8> -> vector<64xi8>
// CHECK: arith.muli {{.*}} : vector<64xi16>
// CHECK: arith.addi {{.*}} : vector<64xi16>
// CHECK: arith.sitofp {{.*}} : vector<64xi16> to vector<64xf32>
// CHECK: vector.fma {{.*}} : vector<64xf32>
// CHECK: tensor.extract_slice {{.*}} : tensor<1x64xf32> to tensor<1x37xf32>
// EXACT-LABEL: func @kn_mxfp4
// EXACT-NOT: vector<64xi16>
// EXACT: arith.mulf {{.*}} : vector<64xf32>
// EXACT: arith.addf {{.*}} : vector<64xf32>
func.func @kn_mxfp4(%a: tensor<1x70x!mx.q<mxfp4_e2m1, axis = 1>>, %b: tensor<70x37x!mx.q<mxfp4_e2m1, axis = 0>>) -> tensor<1x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<1x70x!mx.q<mxfp4_e2m1, axis = 1>>, tensor<70x37x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<1x37xf32>
  return %c : tensor<1x37xf32>
}

// -----

// MXINT8, B stored transposed as [N, K]: tiles of 16 rows x one block,
// each row's block dot product reduced, then folded in block order.
// CHECK-LABEL: func @nk_mxint8
// CHECK: vector.transfer_read %arg3[{{.*}}], {{.*}} {permutation_map = {{.*}}} : tensor<37x3xi8>, vector<16xi8>
// CHECK: vector.transfer_read %arg2[{{.*}}], {{.*}} {in_bounds = [true, true]} : tensor<37x70xi8>, vector<16x32xi8>
// CHECK: arith.muli {{.*}} : vector<16x32xi32>
// CHECK: vector.multi_reduction <add>, {{.*}} [1] : vector<16x32xi32> to vector<16xi32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
func.func @nk_mxint8(%a: tensor<2x70x!mx.q<mxint8, axis = 1>>, %b: tensor<37x70x!mx.q<mxint8, axis = 1>>) -> tensor<2x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<2x70x!mx.q<mxint8, axis = 1>>, tensor<37x70x!mx.q<mxint8, axis = 1>> -> tensor<2x37xf32>
  return %c : tensor<2x37xf32>
}

// -----

// MXFP8 E4M3, B as [K, N]: 64 codes a row through f16 to f32, then a
// multiply and an add per row in k order.
// CHECK-LABEL: func @kn_mxfp8
// CHECK: vector.transfer_read %arg2[{{.*}}], {{.*}} : tensor<70x37xi8>, vector<64xi8>
// CHECK: arith.extf {{.*}} : vector<64xf16> to vector<64xf32>
// CHECK: arith.mulf {{.*}} : vector<64xf32>
// CHECK: arith.addf {{.*}} : vector<64xf32>
func.func @kn_mxfp8(%a: tensor<1x70x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<70x37x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<1x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<1x70x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<70x37x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<1x37xf32>
  return %c : tensor<1x37xf32>
}

// -----

// MX6, B as [K, N]: every storage part sliced into slabs of 32 rows of B
// (the last one 6 rows), each dequantized to f32 and accumulated.
// CHECK-LABEL: func @kn_mx6
// CHECK: tensor.extract_slice %arg3[{{.*}}] [32, 37] [1, 1] : tensor<70x37xi8> to tensor<32x37xi8>
// CHECK: tensor.extract_slice %arg3[{{.*}}] [6, 37] [1, 1] : tensor<70x37xi8> to tensor<6x37xi8>
func.func @kn_mx6(%a: tensor<1x70x!mx.q<mx6, axis = 1>>, %b: tensor<70x37x!mx.q<mx6, axis = 0>>) -> tensor<1x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<1x70x!mx.q<mx6, axis = 1>>, tensor<70x37x!mx.q<mx6, axis = 0>> -> tensor<1x37xf32>
  return %c : tensor<1x37xf32>
}

// -----

// MXFP8 E4M3, B stored transposed as [N, K]: slabs of 16 rows of B (the
// last one 5 rows) dequantized to f32, 16x16 tiles transposed in
// registers, then a multiply and an add per k in order (the last 6 columns
// of K one by one: no padded products).
// CHECK-LABEL: func @nk_mxfp8
// CHECK: tensor.extract_slice %arg2[{{.*}}] [16, 70] [1, 1] : tensor<37x70xi8> to tensor<16x70xi8>
// CHECK: vector.transfer_read {{.*}} : tensor<16x70xf32>, vector<16x16xf32>
// CHECK: vector.transpose {{.*}} [1, 0] : vector<16x16xf32> to vector<16x16xf32>
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: tensor.extract_slice %arg2[{{.*}}] [5, 70] [1, 1] : tensor<37x70xi8> to tensor<5x70xi8>
// CHECK-NOT: vector.fma
// CHECK: return
// EXACT-LABEL: func @nk_mxfp8
// EXACT: vector.transpose
func.func @nk_mxfp8(%a: tensor<2x70x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<37x70x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<2x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<2x70x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<37x70x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<2x37xf32>
  return %c : tensor<2x37xf32>
}
