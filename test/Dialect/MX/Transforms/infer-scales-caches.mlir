// RUN: split-file %s %t
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/trt.cache" | FileCheck %s --check-prefix=TRT
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/trt.cache method=max" | FileCheck %s --check-prefix=TRT
// RUN: mx-opt %t/model.mlir --mx-infer-scales="table=%t/tpu.table" | FileCheck %s --check-prefix=TPU
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/partial.cache" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mx-opt %t/model.mlir --mx-infer-scales="table=%t/bad.table" 2>&1 | FileCheck %s --check-prefix=BAD

// TensorRT caches give the scale bits directly (0x3d000000 = 0.03125), the
// method is ignored; tpu-mlir tables give thresholds (12.7 / 127 = 0.1).
// TRT: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#0:in0", static_scale = 3.125000e-02 : f32}
// TRT: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#1:in0", static_scale = 2.500000e-01 : f32}
// TPU: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#0:in0", static_scale = 1.000000e-01 : f32}
// TPU: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#1:in0", static_scale = 5.000000e-01 : f32}
// MISSING: error: 'mx.quantize' op tensor 'm:linalg.matmul#1:in0' is not in the calibration table {{.*}}partial.cache
// BAD: error: mx-infer-scales: {{.*}}bad.table:3: expected 'op_name threshold min max' (4 fields), got 2

//--- model.mlir
func.func @m(%x: tensor<8x64xf32>) -> (tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<int8>>) {
  %a = mx.quantize %x {calibration = "m:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  %b = mx.quantize %x {calibration = "m:linalg.matmul#1:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %a, %b : tensor<8x64x!mx.q<int8>>, tensor<8x64x!mx.q<int8>>
}
//--- trt.cache
TRT-8601-EntropyCalibration2
m:linalg.matmul#0:in0: 3d000000
m:linalg.matmul#1:in0: 3e800000
//--- partial.cache
TRT-8601-EntropyCalibration2
m:linalg.matmul#0:in0: 3d000000
//--- tpu.table
# op_name    threshold    min    max
m:linalg.matmul#0:in0 12.7 -12.7 10
m:linalg.matmul#1:in0 63.5 -1 63.5
//--- bad.table
# op_name    threshold    min    max
m:linalg.matmul#0:in0 12.7 -12.7 10
m:linalg.matmul#1:in0 63.5
