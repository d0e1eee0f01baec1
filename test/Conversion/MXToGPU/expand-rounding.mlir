// RUN: mx-opt %s --mx-expand-rounding | FileCheck %s

// Round to nearest even: magnitudes below 2^23 go through + 2^23 - 2^23;
// the sign is put back on the bits; no math op is left.
// CHECK-LABEL: func @roundeven
// CHECK-NOT: math.
// CHECK: %[[BIG:.*]] = arith.constant 0x4B000000 : f32
// CHECK: %[[A:.*]] = arith.addf %{{.*}}, %[[BIG]] : f32
// CHECK: arith.subf %[[A]], %[[BIG]] : f32
// CHECK: arith.ori
// CHECK-NOT: math.
func.func @roundeven(%x: f32) -> f32 {
  %r = math.roundeven %x : f32
  return %r : f32
}

// Truncation clears fraction bits; ties away from zero add one when the
// remainder is at least 1/2.
// CHECK-LABEL: func @round
// CHECK-NOT: math.
// CHECK: arith.shli
// CHECK: arith.cmpf olt, %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: arith.cmpf oeq
// CHECK-NOT: math.
func.func @round(%x: vector<4xf32>) -> (vector<4xf32>, vector<4xf32>) {
  %r = math.round %x : vector<4xf32>
  %t = math.trunc %x : vector<4xf32>
  return %r, %t : vector<4xf32>, vector<4xf32>
}

// Other element types are left alone.
// CHECK-LABEL: func @f64
// CHECK: math.roundeven %{{.*}} : f64
func.func @f64(%x: f64) -> f64 {
  %r = math.roundeven %x : f64
  return %r : f64
}

// maxNum / minNum: compare, select, and the other operand for a NaN.
// CHECK-LABEL: func @minmax
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %arg0, %arg1 : f32
// CHECK: %[[M:.*]] = arith.select %[[GT]], %arg0, %arg1 : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %arg1, %arg1 : f32
// CHECK: %[[MAX:.*]] = arith.select %[[NAN]], %arg0, %[[M]] : f32
// CHECK: arith.cmpf olt, %[[MAX]], %arg1 : f32
// CHECK-NOT: arith.maxnumf
// CHECK-NOT: arith.minnumf
func.func @minmax(%x: f32, %y: f32) -> f32 {
  %a = arith.maxnumf %x, %y : f32
  %b = arith.minnumf %a, %y : f32
  return %b : f32
}
