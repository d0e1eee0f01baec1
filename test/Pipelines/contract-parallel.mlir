// RUN: mx-opt %s -split-input-file --mx-lower-to-llvm="contract-kernels=avx512vnni parallel=openmp threads=2" | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-lower-to-llvm=contract-kernels=avx512vnni | FileCheck %s --check-prefix=SERIAL

// The packed contract kernels under parallel=openmp (docs/Lowering.md,
// "Threads"): the operands are quantized arguments, so every omp loop is
// the kernel's: the packing of A (rows), of B (32-column panels, when there
// are several) and the tiles of the result. M = 13 is a single row block
// of 192: the loop over the two 32-column panels (N = 37) is the tile loop
// on the threads (three loops). M = 200 (MXFP8, f32 kernel): the panels of
// the decoded B, and the two row blocks (two loops). M = 5, N = 19: one
// panel and one row block; only A's packing is shared (one loop).
// CHECK-LABEL: llvm.func @small_m(
// CHECK-COUNT-3: omp.wsloop
// CHECK-NOT: omp.wsloop
// CHECK-LABEL: llvm.func @two_row_blocks(
// CHECK-COUNT-2: omp.wsloop
// CHECK-NOT: omp.wsloop
// CHECK-LABEL: llvm.func @one_tile(
// CHECK-COUNT-1: omp.wsloop
// CHECK-NOT: omp.wsloop
// SERIAL-NOT: omp.
func.func @small_m(%a: tensor<13x70x!mx.q<mxint8, axis = 1>>, %b: tensor<70x37x!mx.q<mxint8, axis = 0>>) -> tensor<13x37xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<13x70x!mx.q<mxint8, axis = 1>>, tensor<70x37x!mx.q<mxint8, axis = 0>> -> tensor<13x37xf32>
  return %c : tensor<13x37xf32>
}

// -----

func.func @two_row_blocks(%a: tensor<200x64x!mx.q<mxfp8_e4m3, axis = 1>>, %b: tensor<64x19x!mx.q<mxfp8_e4m3, axis = 0>>) -> tensor<200x19xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<200x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x19x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<200x19xf32>
  return %c : tensor<200x19xf32>
}

// -----

func.func @one_tile(%a: tensor<5x64x!mx.q<mxint8, axis = 1>>, %b: tensor<64x19x!mx.q<mxint8, axis = 0>>) -> tensor<5x19xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<5x64x!mx.q<mxint8, axis = 1>>, tensor<64x19x!mx.q<mxint8, axis = 0>> -> tensor<5x19xf32>
  return %c : tensor<5x19xf32>
}
