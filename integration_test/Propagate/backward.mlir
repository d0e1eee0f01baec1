// Quantizations moved before a reshape and a block-aligned slice compute the
// same bits.
// RUN: mx-ref gen-vectors %t.x.npy --rows 32 --cols 256 --seed 8 --finite
// RUN: mx-run %s --entry f --input %t.x.npy --output %t.a.npy --output %t.b.npy
// RUN: mx-opt %s --mx-propagate | FileCheck %s --check-prefix=IR
// RUN: mx-opt %s --mx-propagate | mx-run - --entry f --input %t.x.npy --output %t.c.npy --output %t.d.npy
// RUN: mx-ref compare %t.a.npy %t.c.npy | FileCheck %s --check-prefix=A
// RUN: mx-ref compare %t.b.npy %t.d.npy | FileCheck %s --check-prefix=B
// A: 8192 elements match
// B: 4096 elements match
// IR: mx.quantize %arg0 : tensor<32x256xf32> -> tensor<32x256x!mx.q<int8>>
// IR: mx.quantize %arg0 : tensor<32x256xf32> -> tensor<32x256x!mx.q<mxfp6_e2m3, axis = 1>>
func.func @f(%x: tensor<32x256xf32>) -> (tensor<32x4x64xf32>, tensor<32x128xf32>) {
  %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [32, 4, 64] : tensor<32x256xf32> into tensor<32x4x64xf32>
  %q = mx.quantize %e : tensor<32x4x64xf32> -> tensor<32x4x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<32x4x64x!mx.q<int8>> -> tensor<32x4x64xf32>
  %s = tensor.extract_slice %x[0, 64] [32, 128] [1, 1] : tensor<32x256xf32> to tensor<32x128xf32>
  %q2 = mx.quantize %s : tensor<32x128xf32> -> tensor<32x128x!mx.q<mxfp6_e2m3, axis = 1>>
  %d2 = mx.dequantize %q2 : tensor<32x128x!mx.q<mxfp6_e2m3, axis = 1>> -> tensor<32x128xf32>
  return %d, %d2 : tensor<32x4x64xf32>, tensor<32x128xf32>
}
