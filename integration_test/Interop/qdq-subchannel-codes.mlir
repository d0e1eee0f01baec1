// A sub-channel quantization with zero points (blocks of 2 along the rows)
// at run time: the codes (quant.scast to the storage tensor, what ONNX
// QuantizeLinear returns) and the dequantized values, worked by hand.
// RUN: mx-opt %s --mx-import-quant --mx-propagate | mx-run - --entry main --output %t.codes.npy --output %t.y.npy
// RUN: mx-ref print %t.codes.npy | FileCheck %s --check-prefix=CODES
// RUN: mx-ref print %t.y.npy | FileCheck %s --check-prefix=Y
//
// Columns 0-1: scale 0.5, zp 1; columns 2-3: scale 0.25, zp -2.
//   0.75 -> 1.5 -> 2 -> 3      -0.25 -> -0.5 -> 0 -> 1
//   0.375 -> 1.5 -> 2 -> 0     100 -> 400 -> 398 -> 127 (saturates)
//   1.25 -> 2.5 -> 2 -> 3      -1 -> -2 -> -1
//   -0.125 -> -0.5 -> 0 -> -2  -40 -> -160 -> -162 -> -128 (saturates)
// (main returns the codes as f32 to print them.)
// CODES:      3
// CODES-NEXT: 1
// CODES-NEXT: 0
// CODES-NEXT: 127
// CODES-NEXT: 3
// CODES-NEXT: -1
// CODES-NEXT: -2
// CODES-NEXT: -128
// (q - zp) * s:
// Y:      1
// Y-NEXT: 0
// Y-NEXT: 0.5
// Y-NEXT: 32.25
// Y-NEXT: 1
// Y-NEXT: -1
// Y-NEXT: 0
// Y-NEXT: -31.5

!q = !quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:-2}}>
func.func @qdq(%x: tensor<2x4xf32>) -> (tensor<2x4xi8>, tensor<2x4xf32>) {
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!q>
  %c = quant.scast %q : tensor<2x4x!q> to tensor<2x4xi8>
  %y = quant.dcast %q : tensor<2x4x!q> to tensor<2x4xf32>
  return %c, %y : tensor<2x4xi8>, tensor<2x4xf32>
}

func.func @main() -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %x = arith.constant dense<[[0.75, -0.25, 0.375, 100.0], [1.25, -1.0, -0.125, -40.0]]> : tensor<2x4xf32>
  %c, %y = func.call @qdq(%x) : (tensor<2x4xf32>) -> (tensor<2x4xi8>, tensor<2x4xf32>)
  %cf = arith.sitofp %c : tensor<2x4xi8> to tensor<2x4xf32>
  return %cf, %y : tensor<2x4xf32>, tensor<2x4xf32>
}
