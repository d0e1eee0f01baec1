// Propagation is exact: the model computes the same bits before and after
// --mx-propagate moves its dequantizations past reshapes (and cancels a
// re-quantization), which then run on quantized storage.
// RUN: mx-ref gen-vectors %t.x.npy --rows 32 --cols 256 --seed 2 --finite
// RUN: mx-ref gen-vectors %t.w.npy --rows 256 --cols 32 --seed 3 --finite
// RUN: mx-run %s --entry blocks --input %t.x.npy --output %t.a.npy
// RUN: mx-opt %s --mx-propagate | mx-run - --entry blocks --input %t.x.npy --output %t.b.npy
// RUN: mx-ref compare %t.a.npy %t.b.npy | FileCheck %s
// RUN: mx-run %s --entry per_tensor --input %t.x.npy --input %t.w.npy --output %t.c.npy
// RUN: mx-opt %s --mx-propagate | mx-run - --entry per_tensor --input %t.x.npy --input %t.w.npy --output %t.d.npy
// RUN: mx-ref compare %t.c.npy %t.d.npy | FileCheck %s --check-prefix=PT
// RUN: mx-opt %s --mx-propagate | FileCheck %s --check-prefix=IR
// CHECK: 8192 elements match
// PT: 1024 elements match

// The quantization moves before the expansion, the dequantization after the
// collapse, and the re-quantization cancels: both reshapes run quantized.
// IR-LABEL: func @blocks
// IR: %[[Q:.*]] = mx.quantize %arg0 : tensor<32x256xf32> -> tensor<32x256x!mx.q<mxfp8_e4m3, axis = 0>>
// IR: %[[E:.*]] = tensor.expand_shape %[[Q]] {{\[\[}}0], [1, 2]] output_shape [32, 4, 64] : tensor<32x256x!mx.q<mxfp8_e4m3, axis = 0>> into tensor<32x4x64x!mx.q<mxfp8_e4m3, axis = 0>>
// IR: %[[R:.*]] = tensor.collapse_shape %[[E]] {{\[\[}}0], [1, 2]] : tensor<32x4x64x!mx.q<mxfp8_e4m3, axis = 0>> into tensor<32x256x!mx.q<mxfp8_e4m3, axis = 0>>
// IR-NOT: mx.quantize
// IR: mx.dequantize %[[R]]
func.func @blocks(%x: tensor<32x256xf32>) -> tensor<32x256xf32> {
  %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [32, 4, 64] : tensor<32x256xf32> into tensor<32x4x64xf32>
  %q = mx.quantize %e : tensor<32x4x64xf32> -> tensor<32x4x64x!mx.q<mxfp8_e4m3, axis = 0>>
  %d = mx.dequantize %q : tensor<32x4x64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<32x4x64xf32>
  %r = tensor.collapse_shape %d [[0], [1, 2]] : tensor<32x4x64xf32> into tensor<32x256xf32>
  %q2 = mx.quantize %r : tensor<32x256xf32> -> tensor<32x256x!mx.q<mxfp8_e4m3, axis = 0>>
  %d2 = mx.dequantize %q2 : tensor<32x256x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<32x256xf32>
  return %d2 : tensor<32x256xf32>
}

// IR-LABEL: func @per_tensor
// IR: %[[Q:.*]] = mx.quantize %arg0 : tensor<32x256xf32> -> tensor<32x256x!mx.q<int8>>
// IR: tensor.expand_shape %[[Q]]
// IR: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<32x4x64x!mx.q<int8>> into tensor<32x256x!mx.q<int8>>
// IR: mx.dequantize
// IR: linalg.matmul
func.func @per_tensor(%x: tensor<32x256xf32>, %w: tensor<256x32xf32>) -> tensor<32x32xf32> {
  %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [32, 4, 64] : tensor<32x256xf32> into tensor<32x4x64xf32>
  %q = mx.quantize %e : tensor<32x4x64xf32> -> tensor<32x4x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<32x4x64x!mx.q<int8>> -> tensor<32x4x64xf32>
  %r = tensor.collapse_shape %d [[0], [1, 2]] : tensor<32x4x64xf32> into tensor<32x256xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<32x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<32x32xf32>) -> tensor<32x32xf32>
  %y = linalg.matmul ins(%r, %w : tensor<32x256xf32>, tensor<256x32xf32>) outs(%acc : tensor<32x32xf32>) -> tensor<32x32xf32>
  return %y : tensor<32x32xf32>
}
