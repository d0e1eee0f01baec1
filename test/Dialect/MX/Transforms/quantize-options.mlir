// RUN: mx-opt %s --mx-quantize="format=mxfp8_e4m3 ops=linalg.matmul remarks=true" -verify-diagnostics | FileCheck %s --check-prefix=OPS
// RUN: mx-opt %s --mx-quantize="format=mxfp8_e4m3 exclude=head" | FileCheck %s --check-prefix=EXCLUDE
// RUN: not mx-opt %s --mx-quantize="format=mxfp9" 2>&1 | FileCheck %s --check-prefix=BADFMT
// RUN: not mx-opt %s --mx-quantize="format=int8 block-size=32" 2>&1 | FileCheck %s --check-prefix=BADBLOCK
// RUN: not mx-opt %s --mx-quantize="format=int8 scale-rule=rceil" 2>&1 | FileCheck %s --check-prefix=BADRULE
// RUN: not mx-opt %s --mx-quantize="format=mxfp8_e4m3 rounding=up" 2>&1 | FileCheck %s --check-prefix=BADROUND
// RUN: not mx-opt %s --mx-quantize="format=mxfp8_e4m3 activations=static" 2>&1 | FileCheck %s --check-prefix=BADSTATIC
// RUN: not mx-opt %s --mx-quantize="format=int8 activations=sometimes" 2>&1 | FileCheck %s --check-prefix=BADACTS

// BADFMT: mx-quantize: unknown format 'mxfp9'; expected one of mxfp8_e4m3,
// BADBLOCK: mx-quantize: block-size does not apply to the per-tensor format 'int8'
// BADRULE: mx-quantize: format 'int8' with these options is not a valid format: scale rule 'rceil' does not apply
// BADROUND: mx-quantize: unknown rounding 'up'
// BADSTATIC: mx-quantize: activations=static needs a symmetric per-tensor activation format
// BADACTS: mx-quantize: activations must be static or dynamic, got 'sometimes'

// OPS-LABEL: func @two
// OPS: mx.quantize
// OPS: linalg.matmul
// OPS-NOT: mx.quantize
// OPS: linalg.batch_matmul
// EXCLUDE-LABEL: func @two
// EXCLUDE: mx.quantize
// EXCLUDE: linalg.matmul
// EXCLUDE-NOT: mx.quantize
// EXCLUDE: linalg.batch_matmul
func.func @two(%x: tensor<8x64xf32>, %w: tensor<64x128xf32>, %acc: tensor<8x128xf32>, %bx: tensor<2x8x64xf32>, %bw: tensor<2x64x16xf32>, %bacc: tensor<2x8x16xf32>) -> (tensor<8x128xf32>, tensor<2x8x16xf32>) {
  %y = linalg.matmul ins(%x, %w : tensor<8x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
  // expected-remark@unknown {{not quantized: not in the ops option}}
  %z = linalg.batch_matmul ins(%bx, %bw : tensor<2x8x64xf32>, tensor<2x64x16xf32>) outs(%bacc : tensor<2x8x16xf32>) -> tensor<2x8x16xf32> loc("head")
  return %y, %z : tensor<8x128xf32>, tensor<2x8x16xf32>
}

// Integer matmuls are left alone (with a remark).
// OPS-LABEL: func @integer
func.func @integer(%x: tensor<8x64xi8>, %w: tensor<64x128xi8>, %acc: tensor<8x128xi32>) -> tensor<8x128xi32> {
  // expected-remark@+1 {{not quantized: input 0 is not a ranked tensor of f32, f16 or bf16}}
  %y = linalg.matmul ins(%x, %w : tensor<8x64xi8>, tensor<64x128xi8>) outs(%acc : tensor<8x128xi32>) -> tensor<8x128xi32>
  return %y : tensor<8x128xi32>
}
