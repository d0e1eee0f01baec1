// RUN: split-file %s %t
// RUN: mx-opt %t/static.mlir --mx-instrument-calibration | FileCheck %s --check-prefix=STATIC
// RUN: mx-opt %t/static.mlir --mx-instrument-calibration="bypass-unresolved=false" | FileCheck %s --check-prefix=KEEP
// RUN: mx-opt %t/static.mlir --mx-instrument-calibration="all=true channel-axis=1" | FileCheck %s --check-prefix=ALL
// RUN: mx-opt %t/names.mlir --mx-instrument-calibration="all=true" | FileCheck %s --check-prefix=NAMES
// RUN: not mx-opt %t/propagated.mlir --mx-instrument-calibration 2>&1 | FileCheck %s --check-prefix=PROPAGATED
// RUN: not mx-opt %t/static.mlir --mx-instrument-calibration="channel-axis=-2" 2>&1 | FileCheck %s --check-prefix=AXIS

//--- static.mlir
// The unresolved static quantization of %x is observed under its name and
// bypassed (the matmul reads %x); the resolved one of %y is observed and
// kept; the dynamic weight quantization is left alone.
func.func @m(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>, %w: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %qx = mx.quantize %x {calibration = "m:linalg.matmul#0:in0"} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %dx = mx.dequantize %qx : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf32>
  %qw = mx.quantize %w : tensor<4x3xf32> -> tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>>
  %dw = mx.dequantize %qw : tensor<4x3x!mx.q<int8, granularity = channel, axis = 1>> -> tensor<4x3xf32>
  %r = linalg.matmul ins(%dx, %dw : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %qy = mx.quantize %y {calibration = "m:linalg.matmul#1:in0", static_scale = 0.5 : f32} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  %dy = mx.dequantize %qy : tensor<2x4x!mx.q<int8>> -> tensor<2x4xf32>
  %s = linalg.matmul ins(%dy, %dw : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r, %s : tensor<2x3xf32>, tensor<2x3xf32>
}

// STATIC-LABEL: func.func @m
// STATIC-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[Y:.*]]: tensor<2x4xf32>, %[[W:.*]]: tensor<4x3xf32>)
// STATIC: mx.observe %[[X]] {name = "m:linalg.matmul#0:in0"} : tensor<2x4xf32>
// STATIC-NOT: calibration = "m:linalg.matmul#0:in0"
// STATIC: %[[QW:.*]] = mx.quantize %[[W]]
// STATIC: %[[DW:.*]] = mx.dequantize %[[QW]]
// STATIC: linalg.matmul ins(%[[X]], %[[DW]] :
// STATIC: mx.observe %[[Y]] {name = "m:linalg.matmul#1:in0"} : tensor<2x4xf32>
// STATIC: %[[QY:.*]] = mx.quantize %[[Y]] {calibration = "m:linalg.matmul#1:in0", static_scale = 5.000000e-01 : f32}
// STATIC: %[[DY:.*]] = mx.dequantize %[[QY]]
// STATIC: linalg.matmul ins(%[[DY]], %[[DW]] :
// STATIC-NOT: mx.observe

// KEEP: mx.observe %{{.*}} {name = "m:linalg.matmul#0:in0"}
// KEEP: mx.quantize %{{.*}} {calibration = "m:linalg.matmul#0:in0"}

// Every f32 activation: arguments, matmul results; not the constant, the
// tensor.empty, the linalg.fill or the quantizations. channel-axis=1 applies
// to every observed tensor.
// ALL-LABEL: func.func @m
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:arg0"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:arg1"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:arg2"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:linalg.matmul#0:in0"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:linalg.matmul#1:in0"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:linalg.matmul#0:out0"}
// ALL-DAG: mx.observe %{{.*}} {channel_axis = 1 : i64, name = "m:linalg.matmul#1:out0"}
// ALL-NOT: linalg.fill{{.*}}:out0

//--- names.mlir
// Location names win over ordinals; ordinals count ops of the same name.
func.func @n(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = math.exp %x : tensor<4xf32>
  %b = math.exp %a : tensor<4xf32> loc("second_exp")
  %c = math.exp %b : tensor<4xf32>
  return %c : tensor<4xf32>
}
// NAMES-LABEL: func.func @n
// NAMES: mx.observe %{{.*}} {name = "n:arg0"}
// NAMES: math.exp
// NAMES-NEXT: mx.observe %{{.*}} {name = "n:math.exp#0:out0"}
// NAMES: math.exp
// NAMES-NEXT: mx.observe %{{.*}} {name = "second_exp:out0"}
// NAMES: math.exp
// NAMES-NEXT: mx.observe %{{.*}} {name = "n:math.exp#2:out0"}

//--- propagated.mlir
func.func @p(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  %q = mx.quantize %x {calibration = "p:in0"} : tensor<2x4xf32> -> tensor<2x4x!mx.q<int8>>
  // PROPAGATED: error: cannot calibrate: the unresolved static quantization 'p:in0' is used by 'tensor.collapse_shape', not by a dequantization to 'tensor<2x4xf32>'; calibrate the model before --mx-propagate
  %c = tensor.collapse_shape %q [[0, 1]] : tensor<2x4x!mx.q<int8>> into tensor<8x!mx.q<int8>>
  %d = mx.dequantize %c : tensor<8x!mx.q<int8>> -> tensor<8xf32>
  return %d : tensor<8xf32>
}

// AXIS: error: mx-instrument-calibration: channel-axis must be >= 0 (or -1 for none), got -2
