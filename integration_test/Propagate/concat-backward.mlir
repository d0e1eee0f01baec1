// Quantizations moved before block-aligned concatenations (onto every
// operand) compute the same bits: E4M3 along the concatenated axis, 4-bit
// codes along another axis, per-channel INT8 along the channel axis.
// RUN: mx-ref gen-vectors %t.x.npy --rows 64 --cols 256 --seed 41
// RUN: mx-run %s --entry f --input %t.x.npy --output %t.a.npy --output %t.b.npy --output %t.c.npy
// RUN: mx-opt %s --mx-propagate | FileCheck %s --check-prefix=IR
// RUN: mx-opt %s --mx-propagate | mx-run - --entry f --input %t.x.npy --output %t.d.npy --output %t.e.npy --output %t.f.npy
// RUN: mx-ref compare %t.d.npy %t.a.npy | FileCheck %s
// RUN: mx-ref compare %t.e.npy %t.b.npy | FileCheck %s
// RUN: mx-ref compare %t.f.npy %t.c.npy | FileCheck %s
// CHECK: 16384 elements match
// IR-COUNT-3: tensor.concat {{.*}}!mx.q
func.func @f(%x: tensor<64x256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>) {
  %a = tensor.extract_slice %x[0, 0] [64, 96] [1, 1] : tensor<64x256xf32> to tensor<64x96xf32>
  %b = tensor.extract_slice %x[0, 96] [64, 160] [1, 1] : tensor<64x256xf32> to tensor<64x160xf32>
  %c = tensor.concat dim(1) %a, %b : (tensor<64x96xf32>, tensor<64x160xf32>) -> tensor<64x256xf32>
  %q = mx.quantize %c : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<64x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x256xf32>
  %c2 = tensor.concat dim(1) %a, %b : (tensor<64x96xf32>, tensor<64x160xf32>) -> tensor<64x256xf32>
  %q2 = mx.quantize %c2 : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 0>>
  %d2 = mx.dequantize %q2 : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<64x256xf32>
  %c3 = tensor.concat dim(1) %a, %b : (tensor<64x96xf32>, tensor<64x160xf32>) -> tensor<64x256xf32>
  %q3 = mx.quantize %c3 : tensor<64x256xf32> -> tensor<64x256x!mx.q<int8, granularity = channel, axis = 1>>
  %d3 = mx.dequantize %q3 : tensor<64x256x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<64x256xf32>
  return %d, %d2, %d3 : tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>
}
