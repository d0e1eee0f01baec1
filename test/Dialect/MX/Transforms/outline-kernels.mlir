// RUN: mx-opt %s -split-input-file --mx-outline-kernels | FileCheck %s
// RUN: mx-opt %s -split-input-file --mx-outline-kernels --mx-outline-kernels | FileCheck %s
// RUN: not mx-opt %s -split-input-file --mx-outline-kernels="max-block-ops=-1" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: max-block-ops must not be negative

// Identical quantizations share one kernel; another shape gets its own.
// CHECK-LABEL: func.func @shared
// CHECK: %[[A:.*]] = call @mx_kernel_quantize(%arg0) : (tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[B:.*]] = call @mx_kernel_quantize(%arg1) : (tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK: %[[C:.*]] = call @mx_kernel_quantize_0(%arg2) : (tensor<4x32xf32>) -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK-NOT: mx.quantize
// CHECK: return %[[A]], %[[B]], %[[C]]
// CHECK: func.func private @mx_kernel_quantize(%[[X:.*]]: tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>> attributes {mx.kernel}
// CHECK-NEXT: %[[Q:.*]] = mx.quantize %[[X]] : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK-NEXT: return %[[Q]]
// CHECK: func.func private @mx_kernel_quantize_0(%{{.*}}: tensor<4x32xf32>)
// CHECK-NOT: func.func
func.func @shared(%a: tensor<8x32xf32>, %b: tensor<8x32xf32>, %c: tensor<4x32xf32>) -> (tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>) {
  %qa = mx.quantize %a : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %qb = mx.quantize %b : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %qc = mx.quantize %c : tensor<4x32xf32> -> tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
  return %qa, %qb, %qc : tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<4x32x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// Other formats or attributes are other kernels; a dequantization of a
// quantization with one use is one kernel with both ops.
// CHECK-LABEL: func.func @attrs
// CHECK: call @mx_kernel_quantize_dequantize(%arg0) : (tensor<8x32xf32>) -> tensor<8x32xf32>
// CHECK: call @mx_kernel_fake_quant(%arg0) : (tensor<8x32xf32>) -> tensor<8x32xf32>
// CHECK: call @mx_kernel_quantize(%arg0) : (tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>
// CHECK: func.func private @mx_kernel_quantize_dequantize(%[[X:.*]]: tensor<8x32xf32>)
// CHECK-NEXT: %[[Q:.*]] = mx.quantize %[[X]] : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
// CHECK-NEXT: %[[D:.*]] = mx.dequantize %[[Q]]
// CHECK-NEXT: return %[[D]]
// CHECK: func.func private @mx_kernel_fake_quant(
// CHECK-NEXT: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp4_e2m1>}
// CHECK: func.func private @mx_kernel_quantize(
// CHECK-NEXT: mx.quantize %{{.*}} -> tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>
func.func @attrs(%a: tensor<8x32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>) {
  %q = mx.quantize %a : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x32xf32>
  %f = mx.fake_quant %a {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<8x32xf32>
  %q4 = mx.quantize %a : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>
  return %d, %f, %q4 : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32x!mx.q<mxfp4_e2m1, axis = 1>>
}

// -----

// A contraction with a constant weight: the constant and its quantization
// are cloned into the kernel (they still fold there); the activation is an
// argument. An operand used twice is two arguments.
// CHECK-LABEL: func.func @contract
// CHECK: %[[QX:.*]] = call @mx_kernel_quantize(%arg0)
// CHECK: call @mx_kernel_contract(%[[QX]]) : (tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<4x16xf32>
// CHECK: call @mx_kernel_contract_0(%[[QX]], %[[QX]])
// CHECK: func.func private @mx_kernel_contract(%[[A:.*]]: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<4x16xf32> attributes {mx.kernel}
// CHECK-NEXT: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<64x16xf32>
// CHECK-NEXT: %[[QW:.*]] = mx.quantize %[[W]]
// CHECK-NEXT: %[[C:.*]] = mx.contract %[[A]], %[[QW]] {clamp_min = 0.000000e+00 : f32
// CHECK-NEXT: return %[[C]]
// CHECK: func.func private @mx_kernel_contract_0(%[[A:.*]]: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, %[[B:.*]]: tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>)
// CHECK-NEXT: mx.contract %[[A]], %[[B]]
func.func @contract(%x: tensor<4x64xf32>) -> (tensor<4x16xf32>, tensor<4x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %qw = mx.quantize %w : tensor<64x16xf32> -> tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>
  %qx = mx.quantize %x : tensor<4x64xf32> -> tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>
  %c = mx.contract %qx, %qw {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                          affine_map<(m, n, k) -> (k, n)>,
                          affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"], clamp_min = 0.0 : f32}
       : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<4x16xf32>
  %s = mx.contract %qx, %qx {
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                          affine_map<(m, n, k) -> (n, k)>,
                          affine_map<(m, n, k) -> (m, n)>],
         iterator_types = ["parallel", "parallel", "reduction"]}
       : tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<4x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<4x4xf32>
  return %c, %s : tensor<4x16xf32>, tensor<4x4xf32>
}

// -----

// Left in place: a quantization of a constant (it folds), dynamic shapes, an
// unresolved static quantization.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: call
// CHECK: mx.quantize %cst
// CHECK: mx.quantize %arg0 : tensor<?x32xf32>
// CHECK: mx.quantize %arg1 {calibration = "t0"}
// CHECK-NOT: func.func
func.func @kept(%d: tensor<?x32xf32>, %x: tensor<8x64xf32>) -> (tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>, tensor<?x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x64x!mx.q<int8>>) {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %qw = mx.quantize %w : tensor<64x16xf32> -> tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>
  %qd = mx.quantize %d : tensor<?x32xf32> -> tensor<?x32x!mx.q<mxfp8_e4m3, axis = 1>>
  %qs = mx.quantize %x {calibration = "t0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
  return %qw, %qd, %qs : tensor<64x16x!mx.q<mxfp8_e4m3, axis = 0>>, tensor<?x32x!mx.q<mxfp8_e4m3, axis = 1>>, tensor<8x64x!mx.q<int8>>
}

// -----

// Ops on quantized tensors and ops inside loops.
// CHECK-LABEL: func.func @data_movement
// CHECK: call @mx_kernel_max_pool(%arg0)
// CHECK: call @mx_kernel_transpose(%arg1)
// CHECK: scf.for
// CHECK-NEXT: func.call @mx_kernel_clamp(
// CHECK: func.func private @mx_kernel_max_pool(
// CHECK-NEXT: mx.max_pool
// CHECK: func.func private @mx_kernel_transpose(
// CHECK-NEXT: mx.transpose
// CHECK: func.func private @mx_kernel_clamp(
// CHECK-NEXT: mx.clamp
func.func @data_movement(%q: tensor<1x4x4x16x!mx.q<int8>>, %t: tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>, %n: index) -> (tensor<1x2x2x16x!mx.q<int8>>, tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>, tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x4x4x16x!mx.q<int8>> -> tensor<1x2x2x16x!mx.q<int8>>
  %tr = mx.transpose %t permutation = [1, 0] : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %t) -> (tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>) {
    %c = mx.clamp %acc {min = 0.0 : f32} : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
    scf.yield %c : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
  }
  return %p, %tr, %r : tensor<1x2x2x16x!mx.q<int8>>, tensor<64x8x!mx.q<mxfp8_e4m3, axis = 0>>, tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
}

// -----

// Tensors with compile-time parts (a static INT8 scale, forwarded by
// mx.clamp) are produced where they are used: the lowering of their
// concatenation needs the scale as a constant of the same function. Their
// dequantization is a kernel as usual.
// CHECK-LABEL: func.func @static_parts
// CHECK: %[[Q:.*]] = mx.quantize %arg0 {calibration = "x", static_scale = 6.250000e-02 : f32}
// CHECK: %[[R:.*]] = mx.clamp %[[Q]]
// CHECK: %[[C:.*]] = tensor.concat dim(1) %[[R]], %[[Q]]
// CHECK: call @mx_kernel_dequantize(%[[C]])
// CHECK: call @mx_kernel_quantize(%arg0)
func.func @static_parts(%x: tensor<8x32xf32>) -> (tensor<8x64xf32>, tensor<8x32x!mx.q<int8>>) {
  %q = mx.quantize %x {calibration = "x", static_scale = 0.0625 : f32} : tensor<8x32xf32> -> tensor<8x32x!mx.q<int8>>
  %r = mx.clamp %q {min = 0.0 : f32} : tensor<8x32x!mx.q<int8>>
  %c = tensor.concat dim(1) %r, %q : (tensor<8x32x!mx.q<int8>>, tensor<8x32x!mx.q<int8>>) -> tensor<8x64x!mx.q<int8>>
  %d = mx.dequantize %c : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
  %dyn = mx.quantize %x : tensor<8x32xf32> -> tensor<8x32x!mx.q<int8>>
  return %d, %dyn : tensor<8x64xf32>, tensor<8x32x!mx.q<int8>>
}
