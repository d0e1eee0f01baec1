// RUN: mx-opt %s --mx-quantize-pipeline="format=int8" | FileCheck %s
// RUN: mx-opt %s --mx-quantize-pipeline="format=int8 propagate=false" | FileCheck %s --check-prefix=NOPROP
// RUN: not mx-opt %s --mx-quantize-pipeline="format=int4" 2>&1 | FileCheck %s --check-prefix=BAD

// Quantize the matmul's inputs, then move the activation's quantization
// before the reshape in front of it: the reshape runs on quantized data.
// CHECK-LABEL: func @model
// CHECK: %[[Q:.*]] = mx.quantize %arg0 : tensor<8x4x16xf32> -> tensor<8x4x16x!mx.q<int8>>
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[Q]]
// CHECK: mx.dequantize %[[R]]
// CHECK: linalg.matmul
// NOPROP-LABEL: func @model
// NOPROP: tensor.collapse_shape %arg0
// NOPROP: mx.quantize
// BAD: mx-quantize: unknown format 'int4'
func.func @model(%x: tensor<8x4x16xf32>, %w: tensor<64x32xf32>) -> tensor<8x32xf32> {
  %r = tensor.collapse_shape %x [[0], [1, 2]] : tensor<8x4x16xf32> into tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %y = linalg.matmul ins(%r, %w : tensor<8x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}
