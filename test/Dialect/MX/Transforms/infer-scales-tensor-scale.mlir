// RUN: split-file %s %t
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=max" | FileCheck %s --check-prefix=MAX
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=percentile percentile=50" | FileCheck %s --check-prefix=RESOLVED
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=entropy" | FileCheck %s --check-prefix=RESOLVED
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=mse" | FileCheck %s --check-prefix=RESOLVED
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/trt.cache" | FileCheck %s --check-prefix=TRT
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/missing.json method=max" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/wrong-shape.json method=max" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/bins.json" 2>&1 | FileCheck %s --check-prefix=BINS
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/corrupt.json" 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/v2.json" 2>&1 | FileCheck %s --check-prefix=VERSION

// Tensor scales from thresholds: NVFP4 s_t = T / (6 * 448), the pre-scale
// of MXFP4 s_t = T / 6, of MXFP8 E4M3 T / 448. method=max: T = absmax =
// 2688, so 1.0, 448.0 and 6.0.
// MAX: mx.quantize %arg0 {calibration = "m:act", static_scale = 1.000000e+00 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
// MAX: mx.quantize %arg1 {calibration = "m:pre", static_scale = 4.480000e+02 : f32} : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
// MAX: mx.quantize %arg1 {calibration = "m:pre", static_scale = 6.000000e+00 : f32} : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, tensor_scale = true, axis = 1>>
// RESOLVED-COUNT-3: static_scale =
// A TensorRT cache holds INT8 scales: the threshold is scale * 127
// (0x41a80000 = 21, T = 2667: 2667 / 2688 = 0.9921875 for NVFP4).
// TRT: mx.quantize %arg0 {calibration = "m:act", static_scale = 0.9921875 : f32}
// TRT: {calibration = "m:pre", static_scale = 4.445000e+02 : f32}
// MISSING: error: 'mx.quantize' op tensor 'm:pre' is not in the calibration table {{.*}}missing.json
// SHAPE: error: mx-infer-scales: {{.*}}wrong-shape.json: tensor 'm:pre': missing or non-numeric "absmax"
// BINS: error: mx-infer-scales: {{.*}}bins.json: tensor 'm:act': "bins" has 3 entries, expected num_bins = 128
// CORRUPT: error: mx-infer-scales: {{.*}}corrupt.json: not valid JSON: [2:
// VERSION: table version 7 is not supported (this mx-opt reads version 1)

//--- model.mlir
func.func @m(%x: tensor<8x64xf32>, %y: tensor<8x32xf32>) -> (tensor<8x64x!mx.q<nvfp4, axis = 1>>, tensor<8x32x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>, tensor<8x32x!mx.q<mxfp8_e4m3, tensor_scale = true, axis = 1>>) {
  %a = mx.quantize %x {calibration = "m:act"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<nvfp4, axis = 1>>
  %b = mx.quantize %y {calibration = "m:pre"} : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
  %c = mx.quantize %y {calibration = "m:pre"} : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, tensor_scale = true, axis = 1>>
  return %a, %b, %c : tensor<8x64x!mx.q<nvfp4, axis = 1>>, tensor<8x32x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>, tensor<8x32x!mx.q<mxfp8_e4m3, tensor_scale = true, axis = 1>>
}
//--- good.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:act": {"count": 512, "min": -2688.0, "max": 12.0, "absmax": 2688.0, "non_finite": 0, "num_bins": 128, "hist_max": 4096.0, "bins": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}, "m:pre": {"count": 512, "min": -2688.0, "max": 12.0, "absmax": 2688.0, "non_finite": 0, "num_bins": 128, "hist_max": 4096.0, "bins": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}}}
//--- wrong-shape.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:act": {"count": 512, "min": -2688.0, "max": 12.0, "absmax": 2688.0, "non_finite": 0, "num_bins": 128, "hist_max": 4096.0, "bins": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}, "m:pre": {"count": 512, "min": -2688.0, "max": 12.0, "absmax": [2688.0, 1.0], "non_finite": 0, "num_bins": 128, "hist_max": 4096.0, "bins": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}}}
//--- missing.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:act": {"count": 512, "min": -2688.0, "max": 12.0, "absmax": 2688.0, "non_finite": 0, "num_bins": 128, "hist_max": 4096.0, "bins": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}}}
//--- bins.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:act": {"count": 512, "min": -1, "max": 1, "absmax": 1, "non_finite": 0, "num_bins": 128, "hist_max": 1.0, "bins": [1, 2, 3]}}}
//--- corrupt.json
{"format": "mx-calibration-table", "version": 1,
  "tensors": {"m:act": {"count": 512,, }}}
//--- v2.json
{"format": "mx-calibration-table", "version": 7, "tensors": {}}
//--- trt.cache
TRT-8601-MinMaxCalibration
m:act: 41a80000
m:pre: 41a80000
