// RUN: mx-opt %s --mx-quantize="format=nvfp4" | FileCheck %s --check-prefix=DYN
// RUN: mx-opt %s --mx-quantize="format=nvfp4 tensor-scale=calibrated" | FileCheck %s --check-prefix=CAL
// RUN: mx-opt %s --mx-quantize="format=mxfp4_e2m1 pre-scale=true" | FileCheck %s --check-prefix=PRE
// RUN: mx-opt %s --mx-quantize="format=mxfp8_e4m3 weight-format=mx6 pre-scale=true tensor-scale=calibrated" | FileCheck %s --check-prefix=PRECAL
// RUN: not mx-opt %s --mx-quantize="format=nvfp4 tensor-scale=sometimes" 2>&1 | FileCheck %s --check-prefix=BADTS
// RUN: not mx-opt %s --mx-quantize="format=mxfp8_e4m3 tensor-scale=calibrated" 2>&1 | FileCheck %s --check-prefix=NOTS
// RUN: not mx-opt %s --mx-quantize="format=int8 pre-scale=true" 2>&1 | FileCheck %s --check-prefix=BADPRE
// RUN: not mx-opt %s --mx-quantize="format=mx6 pre-scale=true" 2>&1 | FileCheck %s --check-prefix=BADPRE

// NVFP4: the tensor scale is dynamic unless calibrated; calibrated
// activations are named (as static INT8), weights stay dynamic.
// DYN-LABEL: func @matmul
// DYN: mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
// DYN: mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<nvfp4, axis = 0>>
// CAL-LABEL: func @matmul
// CAL: mx.quantize %arg0 {calibration = "matmul:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
// CAL: mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<nvfp4, axis = 0>>
// pre-scale=true: the first level on MX formats (activations and weights
// whose format takes it; mx6 has shared microexponents and does not).
// PRE-LABEL: func @matmul
// PRE: mx.quantize %arg0 : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
// PRE: mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 0>>
// PRECAL-LABEL: func @matmul
// PRECAL: mx.quantize %arg0 {calibration = "matmul:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, tensor_scale = true, axis = 1>>
// PRECAL: mx.quantize %arg1 : tensor<64x128xf32> -> tensor<64x128x!mx.q<mx6, axis = 0>>
// BADTS: mx-quantize: tensor-scale must be dynamic or calibrated, got 'sometimes'
// NOTS: mx-quantize: tensor-scale=calibrated needs an activation format with a per-tensor f32 scale (nvfp4, or an MX format with pre-scale=true), not 'mxfp8_e4m3'
// BADPRE: mx-quantize: pre-scale=true needs an MX activation format with E8M0 block scales
func.func @matmul(%x: tensor<8x64xf32>, %w: tensor<64x128xf32>, %acc: tensor<8x128xf32>) -> tensor<8x128xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<8x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
  return %y : tensor<8x128xf32>
}
