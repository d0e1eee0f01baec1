// RUN: split-file %s %t
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=max" | FileCheck %s --check-prefix=MAX
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=percentile percentile=50" | FileCheck %s --check-prefix=PCT
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=entropy" | FileCheck %s --check-prefix=RESOLVED
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=mse" | FileCheck %s --check-prefix=RESOLVED
// RUN: not mx-opt %t/missing.mlir --mx-infer-scales="table=%t/good.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/corrupt.json" 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/v2.json" 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/bins.json" 2>&1 | FileCheck %s --check-prefix=BINS
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/nonexistent.json" 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/good.json method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not mx-opt %t/model.mlir --mx-infer-scales 2>&1 | FileCheck %s --check-prefix=NOTABLE
// RUN: mx-opt %t/dynamic.mlir --mx-infer-scales="table=%t/good.json" 2>&1 | FileCheck %s --check-prefix=DYNAMIC

// max: 6.35 / 127 = 0.05.
// MAX: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#0:in0", static_scale = 5.000000e-02 : f32}
// PCT: static_scale = {{.*}} : f32
// RESOLVED: static_scale =
// MISSING: error: 'mx.quantize' op tensor 'm:other#0:in0' is not in the calibration table
// CORRUPT: mx-infer-scales: {{.*}}corrupt.json: not valid JSON: [2:0, byte=62]: Expected object key
// VERSION: table version 2 is not supported (this mx-opt reads version 1)
// BINS: tensor 'm:linalg.matmul#0:in0': "bins" has 10 entries, expected num_bins = 128
// NOFILE: nonexistent.json: cannot read
// METHOD: mx-infer-scales: unknown method 'kl'
// NOTABLE: give the calibration table
// A model quantized with dynamic activation scales has nothing to resolve:
// a warning says the table is unused (the IR is left as it is).
// DYNAMIC: warning: mx-infer-scales: no quantization has a calibration name, so the table {{.*}}good.json resolves nothing (the activations are quantized dynamically; quantize them with --mx-quantize="... activations=static" to use it)
// DYNAMIC-NOT: static_scale
// DYNAMIC: mx.quantize %arg0 : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>

//--- model.mlir
func.func @m(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<int8>> {
  %q = mx.quantize %x {calibration = "m:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %q : tensor<8x64x!mx.q<int8>>
}
//--- dynamic.mlir
func.func @d(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = mx.quantize %x : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

//--- missing.mlir
func.func @m(%x: tensor<8x64xf32>) -> tensor<8x64x!mx.q<int8>> {
  %q = mx.quantize %x {calibration = "m:other#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %q : tensor<8x64x!mx.q<int8>>
}
//--- good.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:linalg.matmul#0:in0": {"count": 101, "min": -6.35, "max": 6.35, "absmax": 6.35, "non_finite": 0, "num_bins": 128, "hist_max": 8.0, "bins": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]}}}
//--- v2.json
{"format": "mx-calibration-table", "version": 2, "tensors": {"m:linalg.matmul#0:in0": {"count": 101, "min": -6.35, "max": 6.35, "absmax": 6.35, "non_finite": 0, "num_bins": 128, "hist_max": 8.0, "bins": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]}}}
//--- bins.json
{"format": "mx-calibration-table", "version": 1, "tensors": {"m:linalg.matmul#0:in0": {"count": 101, "min": -6.35, "max": 6.35, "absmax": 6.35, "non_finite": 0, "num_bins": 128, "hist_max": 8.0, "bins": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]}}}
//--- corrupt.json
{"format": "mx-calibration-table", "version": 1, "tensors": {
