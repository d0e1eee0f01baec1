// RUN: split-file %s %t
// RUN: mx-opt %t/f16.mlir --mx-instrument-calibration="all=true" | FileCheck %s
// RUN: mx-opt %t/f16.mlir --mx-instrument-calibration | FileCheck %s --check-prefix=NAMED
// RUN: mx-opt %t/other.mlir --mx-instrument-calibration="all=true" --verify-diagnostics | FileCheck %s --check-prefix=OTHER

//--- f16.mlir
// f16 and bf16 tensors are observed through an exact arith.extf to f32
// (every f16 and bf16 value is an f32), under the names f32 tensors get.
func.func @m(%x: tensor<2x4xf16>, %w: tensor<4x3xf16>, %b: tensor<3xbf16>) -> (tensor<2x3xf16>, tensor<3xbf16>) {
  %c0 = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<2x3xf16>
  %acc = linalg.fill ins(%c0 : f16) outs(%e : tensor<2x3xf16>) -> tensor<2x3xf16>
  %qx = mx.quantize %x {calibration = "m:x"} : tensor<2x4xf16> -> tensor<2x4x!mx.q<int8>>
  %dx = mx.dequantize %qx : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf16>
  %r = linalg.matmul ins(%dx, %w : tensor<2x4xf16>, tensor<4x3xf16>) outs(%acc : tensor<2x3xf16>) -> tensor<2x3xf16>
  %bb = arith.addf %b, %b : tensor<3xbf16>
  return %r, %bb : tensor<2x3xf16>, tensor<3xbf16>
}
// CHECK-LABEL: func.func @m
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf16>, %[[W:.*]]: tensor<4x3xf16>, %[[B:.*]]: tensor<3xbf16>)
// CHECK-DAG: %[[X32:.*]] = arith.extf %[[X]] : tensor<2x4xf16> to tensor<2x4xf32>
// CHECK-DAG: mx.observe %[[X32]] {name = "m:arg0"} : tensor<2x4xf32>
// CHECK-DAG: %[[W32:.*]] = arith.extf %[[W]] : tensor<4x3xf16> to tensor<4x3xf32>
// CHECK-DAG: mx.observe %[[W32]] {name = "m:arg1"} : tensor<4x3xf32>
// CHECK-DAG: %[[B32:.*]] = arith.extf %[[B]] : tensor<3xbf16> to tensor<3xf32>
// CHECK-DAG: mx.observe %[[B32]] {name = "m:arg2"} : tensor<3xf32>
// CHECK: linalg.fill
// The named quantization: observed, then bypassed (the matmul reads %x).
// CHECK: %[[Q32:.*]] = arith.extf %[[X]] : tensor<2x4xf16> to tensor<2x4xf32>
// CHECK: mx.observe %[[Q32]] {name = "m:x"} : tensor<2x4xf32>
// CHECK-NOT: mx.quantize
// CHECK: %[[R:.*]] = linalg.matmul ins(%[[X]], %[[W]] :
// CHECK: %[[R32:.*]] = arith.extf %[[R]] : tensor<2x3xf16> to tensor<2x3xf32>
// CHECK: mx.observe %[[R32]] {name = "m:linalg.matmul#0:out0"} : tensor<2x3xf32>
// CHECK: %[[BB:.*]] = arith.addf %[[B]], %[[B]] : tensor<3xbf16>
// CHECK: %[[BB32:.*]] = arith.extf %[[BB]] : tensor<3xbf16> to tensor<3xf32>
// CHECK: mx.observe %[[BB32]] {name = "m:arith.addf#0:out0"} : tensor<3xf32>

// NAMED-LABEL: func.func @m
// NAMED: %[[Q32:.*]] = arith.extf %{{.*}} : tensor<2x4xf16> to tensor<2x4xf32>
// NAMED-NEXT: mx.observe %[[Q32]] {name = "m:x"} : tensor<2x4xf32>
// NAMED-NOT: mx.observe

//--- other.mlir
// --all leaves tensors of other element types unobserved, and says so with
// a warning naming each (their names will be missing from the table).
// expected-warning @below {{--all: g:arg0 ('tensor<4xf64>') is not observed: observers take f32, f16 or bf16 tensors}}
// expected-warning @below {{--all: g:arg1 ('tensor<4xi32>') is not observed}}
func.func @g(%d: tensor<4xf64>, %i: tensor<4xi32>, %x: tensor<4xf32>) -> (tensor<4xf64>, tensor<4xi32>, tensor<4xf32>) {
  // expected-warning @below {{--all: arith.addf result 0 ('tensor<4xf64>') is not observed}}
  %dd = arith.addf %d, %d : tensor<4xf64>
  // expected-warning @below {{--all: arith.addi result 0 ('tensor<4xi32>') is not observed}}
  %ii = arith.addi %i, %i : tensor<4xi32>
  %xx = arith.addf %x, %x : tensor<4xf32>
  return %dd, %ii, %xx : tensor<4xf64>, tensor<4xi32>, tensor<4xf32>
}
// The f32 tensors are observed, and the ordinals count only observed ops:
// the f32 addition is arith.addf #0.
// OTHER-LABEL: func.func @g
// OTHER: mx.observe %{{.*}} {name = "g:arg2"} : tensor<4xf32>
// OTHER: mx.observe %{{.*}} {name = "g:arith.addf#0:out0"} : tensor<4xf32>
// OTHER-NOT: mx.observe
