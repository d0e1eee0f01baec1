// RUN: mx-opt %s --convert-mx-to-vector --canonicalize --cse | FileCheck %s

// A calibrated NVFP4 tensor scale is a constant: no pass over the tensor
// for its maximum (the dynamic form below has one), and the stored tensor
// scale part is the constant.
// CHECK-LABEL: func.func @static_nvfp4
// CHECK-SAME: -> (tensor<4x32xi8>, tensor<4x4xi8>, tensor<f32>)
// CHECK: %[[TS:.*]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NOT: 2.688000e+03
// CHECK-NOT: -> (vector<16xi32>)
// CHECK: %[[R:.*]]:2 = scf.for
// CHECK-NOT: scf.for
// CHECK: return %[[R]]#0, %[[R]]#1, %[[TS]]
func.func @static_nvfp4(%x: tensor<4x64xf32>) -> tensor<4x64x!mx.q<nvfp4, axis = 1>> {
  %q = mx.quantize %x {calibration = "x", static_scale = 0.25 : f32} : tensor<4x64xf32> -> tensor<4x64x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<4x64x!mx.q<nvfp4, axis = 1>>
}

// CHECK-LABEL: func.func @dynamic_nvfp4
// CHECK: arith.constant 2.688000e+03 : f32
// CHECK: scf.for {{.*}} -> (vector<64xi32>)
// CHECK: vector.reduction <maxui>, %{{.*}} : vector<64xi32> into i32
// CHECK: scf.for
// CHECK: tensor.from_elements %{{.*}} : tensor<f32>
func.func @dynamic_nvfp4(%x: tensor<4x64xf32>) -> tensor<4x64x!mx.q<nvfp4, axis = 1>> {
  %q = mx.quantize %x : tensor<4x64xf32> -> tensor<4x64x!mx.q<nvfp4, axis = 1>>
  return %q : tensor<4x64x!mx.q<nvfp4, axis = 1>>
}

// An MX format with a calibrated pre-scale divides by it before the MX rule
// and stores it; no tensor maximum.
// CHECK-LABEL: func.func @static_prescale
// CHECK-SAME: -> (tensor<4x32xi8>, tensor<4x2xi8>, tensor<f32>)
// CHECK-DAG: %[[TS:.*]] = arith.constant dense<3.000000e+00> : tensor<f32>
// CHECK-DAG: %[[V:.*]] = arith.constant dense<3.000000e+00> : vector<32xf32>
// CHECK-NOT: -> (vector<16xi32>)
// CHECK: scf.for
// CHECK: arith.divf %{{.*}}, %[[V]] : vector<32xf32>
// CHECK: return %{{.*}}, %{{.*}}, %[[TS]]
func.func @static_prescale(%x: tensor<4x64xf32>) -> tensor<4x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>> {
  %q = mx.quantize %x {calibration = "x", static_scale = 3.0 : f32} : tensor<4x64xf32> -> tensor<4x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
  return %q : tensor<4x64x!mx.q<mxfp4_e2m1, tensor_scale = true, axis = 1>>
}
