// ONNX QDQ / TensorRT explicit quantization around a matmul: u8 activations
// with a zero point, per-output-channel i8 weights (a constant, folded at
// compile time), an i8 output Q/DQ. Imported, propagated and run; the
// numbers are worked by hand below with round half to even.
// RUN: mx-opt %s --mx-import-quant | FileCheck %s --check-prefix=IR
// RUN: mx-opt %s --mx-import-quant --mx-propagate | mx-run - --entry main --output %t.y.npy
// RUN: mx-ref print %t.y.npy | FileCheck %s
// Fused into mx.contract (INT8 path, the output's static scale as its
// output_scale): the same numbers.
// RUN: mx-opt %s --mx-import-quant --mx-propagate --mx-fuse | FileCheck %s --check-prefix=FUSED
// RUN: mx-opt %s --mx-import-quant --mx-propagate --mx-fuse | mx-run - --entry main --output %t.f.npy
// RUN: mx-ref print %t.f.npy | FileCheck %s
// FUSED-LABEL: func.func @mm
// FUSED: mx.contract
// FUSED-SAME: output_scale = 5.000000e-01 : f32
// FUSED-NOT: linalg.matmul
//
// x / 0.5 + 128 (u8):  0.25 -> 0.5 -> 0 | 0.75 -> 1.5 -> 2 (truncation: 1)
//                      -0.25 -> -0.5 -> -0 | 1.25 -> 2.5 -> 2
//                      2.5 -> 5 | -1.75 -> -3.5 -> -4 (truncation: -3)
//                      0.5 -> 1 | 70 -> 140 + 128 saturates at 255 -> 63.5
//   x^ = [[0, 1, 0, 1], [2.5, -2, 0.5, 63.5]]
// W per column (scales 0.25, 0.5, 1):
//   W^ = [[0.5, 0, 2], [0, 1, 2], [0.5, -1, -4], [0.5, 2, 0]]
// x^ W^ = [[0.5, 3, 2], [33.25, 124.5, -1]]
// y / 0.5 (i8): 1, 6, 4, 66.5 -> 66, 249 saturates at 127, -2
// CHECK:      0.5
// CHECK-NEXT: 3
// CHECK-NEXT: 2
// CHECK-NEXT: 33
// CHECK-NEXT: 63.5
// CHECK-NEXT: -1
// IR-LABEL: func.func @mm
// IR: mx.quantize %{{.*}} {static_scales = dense<5.000000e-01> : tensor<f32>, static_zero_points = dense<128> : tensor<i32>} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8, elem = ui8, zero_point = true>>
// IR: mx.quantize %{{.*}} {static_scales = dense<[2.500000e-01, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>} : tensor<4x3xf32> -> tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>>
// IR: linalg.matmul
// IR-NOT: quant.

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.5, 1.0}>
!qy = !quant.uniform<i8:f32, 0.5>
func.func @mm(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.375, 0.25, 1.5], [-0.125, 1.25, 2.5], [0.5, -0.75, -3.5], [0.625, 2.0, 0.49]]> : tensor<4x3xf32>
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!qx>
  %xd = quant.dcast %xq : tensor<2x4x!qx> to tensor<2x4xf32>
  %wq = quant.qcast %w : tensor<4x3xf32> to tensor<4x3x!qw>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %y : tensor<2x3xf32> to tensor<2x3x!qy>
  %yd = quant.dcast %yq : tensor<2x3x!qy> to tensor<2x3xf32>
  return %yd : tensor<2x3xf32>
}

// The activations come in through a call, so they are quantized at run time.
func.func @main() -> tensor<2x3xf32> {
  %x = arith.constant dense<[[0.25, 0.75, -0.25, 1.25], [2.5, -1.75, 0.5, 70.0]]> : tensor<2x4xf32>
  %y = func.call @mm(%x) : (tensor<2x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
