// The worked vectors of numerics.md section 2, run as compiled code.
// RUN: mx-run %s --entry e4m3_floor --output %t.a.npy && mx-ref print %t.a.npy | FileCheck %s --check-prefix=E4M3-FLOOR
// RUN: mx-run %s --entry e4m3_rceil --output %t.b.npy && mx-ref print %t.b.npy | FileCheck %s --check-prefix=E4M3-RCEIL
// RUN: mx-run %s --entry e5m2 --output %t.c.npy && mx-ref print %t.c.npy | FileCheck %s --check-prefix=E5M2
// RUN: mx-run %s --entry e2m1_floor --output %t.d.npy && mx-ref print %t.d.npy | FileCheck %s --check-prefix=E2M1-FLOOR
// RUN: mx-run %s --entry e2m1_rceil --output %t.e.npy && mx-ref print %t.e.npy | FileCheck %s --check-prefix=E2M1-RCEIL
// RUN: mx-run %s --entry e2m1_ties --output %t.f.npy && mx-ref print %t.f.npy | FileCheck %s --check-prefix=E2M1-TIES
// RUN: mx-run %s --entry e2m1_small --output %t.g.npy && mx-ref print %t.g.npy | FileCheck %s --check-prefix=E2M1-SMALL
// RUN: mx-run %s --entry mxint8 --output %t.h.npy && mx-ref print %t.h.npy | FileCheck %s --check-prefix=MXINT8
// RUN: mx-run %s --entry below_pow2 --output %t.i.npy && mx-ref print %t.i.npy | FileCheck %s --check-prefix=BELOW-POW2
// RUN: mx-run %s --entry asymmetric --output %t.k.npy && mx-ref print %t.k.npy | FileCheck %s --check-prefix=ZP
// RUN: mx-opt %s --canonicalize | FileCheck %s --check-prefix=ZP-FOLDED
// RUN: mx-run %s --entry special_blocks --output %t.j.npy && mx-ref print %t.j.npy | FileCheck %s --check-prefix=SPECIAL

// E4M3, block max 957: shared_exp = 9 - 8 = 1; 957/2 = 478.5 saturates to 448.
// E4M3-FLOOR: 896
// E4M3-FLOOR-NEXT: 2
func.func @e4m3_floor() -> tensor<2xf32> {
  %x = arith.constant dense<[957.0, 2.0]> : tensor<2xf32>
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<2xf32>
  return %y : tensor<2xf32>
}

// E4M3-RCEIL: 960
func.func @e4m3_rceil() -> tensor<1xf32> {
  %x = arith.constant dense<[957.0]> : tensor<1xf32>
  %y = mx.fake_quant %x {format = #mx.format<mxfp8_e4m3, scale_rule = rceil>} : tensor<1xf32>
  return %y : tensor<1xf32>
}

// E5M2, amax 127.9999: shared_exp = 6 - 15 = -9; 65535.95 saturates: 112.
// E5M2: 112
func.func @e5m2() -> tensor<1xf32> {
  %x = arith.constant dense<[127.9999]> : tensor<1xf32>
  %y = mx.fake_quant %x {format = "mxfp8_e5m2"} : tensor<1xf32>
  return %y : tensor<1xf32>
}

// E2M1, amax 7: 6 under the floor rule, 8 under rceil.
// E2M1-FLOOR: 6
// E2M1-RCEIL: 8
func.func @e2m1_floor() -> tensor<1xf32> {
  %x = arith.constant dense<[7.0]> : tensor<1xf32>
  %y = mx.fake_quant %x {format = "mxfp4_e2m1"} : tensor<1xf32>
  return %y : tensor<1xf32>
}
func.func @e2m1_rceil() -> tensor<1xf32> {
  %x = arith.constant dense<[7.0]> : tensor<1xf32>
  %y = mx.fake_quant %x {format = #mx.format<mxfp4_e2m1, scale_rule = rceil>} : tensor<1xf32>
  return %y : tensor<1xf32>
}

// E2M1 ties to even: 1.25 -> 1, 2.5 -> 2, 5 -> 4 (block max 6 keeps the
// shared exponent at 0).
// E2M1-TIES: 1
// E2M1-TIES-NEXT: 2
// E2M1-TIES-NEXT: 4
// E2M1-TIES-NEXT: 6
// E2M1-TIES-NEXT: -1
func.func @e2m1_ties() -> tensor<5xf32> {
  %x = arith.constant dense<[1.25, 2.5, 5.0, 6.0, -1.25]> : tensor<5xf32>
  %y = mx.fake_quant %x {format = "mxfp4_e2m1"} : tensor<5xf32>
  return %y : tensor<5xf32>
}

// [0.125, 0.25, 0.5, 8.0]: shared_exp = 3 - 2 = 1; decodes to 0, 0, 0, 8.
// E2M1-SMALL: 0
// E2M1-SMALL-NEXT: 0
// E2M1-SMALL-NEXT: 0
// E2M1-SMALL-NEXT: 8
func.func @e2m1_small() -> tensor<4xf32> {
  %x = arith.constant dense<[0.125, 0.25, 0.5, 8.0]> : tensor<4xf32>
  %y = mx.fake_quant %x {format = "mxfp4_e2m1"} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// The MXINT8 element is round(V / 2^se * 64) / 64; a negative value rounding
// to zero is +0.
// Block max 1.5: se = 0. 0.0234375 = 1.5/64 ties to 2/64 (even),
// 0.0078125 = 0.5/64 ties to 0; -0.001 -> +0.
// MXINT8: 1.5
// MXINT8-NEXT: 0.03125
// MXINT8-NEXT: 0
// MXINT8-NEXT: 0
// MXINT8-NEXT: -1.5
func.func @mxint8() -> tensor<5xf32> {
  %x = arith.constant dense<[1.5, 0.0234375, 0.0078125, -0.001, -1.5]> : tensor<5xf32>
  %y = mx.fake_quant %x {format = "mxint8"} : tensor<5xf32>
  return %y : tensor<5xf32>
}

// amax = 1.9073485e-06 is just below 2^-19: floor(log2) is -20, so with E4M3
// (emax 8) se = -28 and the scaled value 511.99997 saturates to 448:
// 448 * 2^-28. A float log2 says -19 (se = -27), which would give
// 256 * 2^-27 = 1.90734863e-06 instead.
// BELOW-POW2: 1.66893005e-06
func.func @below_pow2() -> tensor<1xf32> {
  %x = arith.constant dense<[1.9073485e-06]> : tensor<1xf32>
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<1xf32>
  return %y : tensor<1xf32>
}

// Zero block, a block with NaN, a block with Inf (each block of 32 = one row).
// SPECIAL-COUNT-32: {{^}}0
// SPECIAL-COUNT-32: nan
// SPECIAL-COUNT-32: nan
func.func @special_blocks() -> tensor<3x32xf32> {
  %z = arith.constant 0.0 : f32
  %nan = arith.constant 0x7FC00000 : f32
  %inf = arith.constant 0x7F800000 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c5 = arith.constant 5 : index
  %one = arith.constant 1.0 : f32
  %e = tensor.splat %one : tensor<3x32xf32>
  %a = tensor.insert %z into %e[%c0, %c0] : tensor<3x32xf32>
  %row0 = tensor.splat %z : tensor<1x32xf32>
  %b = tensor.insert_slice %row0 into %a[0, 0] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<3x32xf32>
  %c = tensor.insert %nan into %b[%c1, %c5] : tensor<3x32xf32>
  %d = tensor.insert %inf into %c[%c2, %c0] : tensor<3x32xf32>
  %y = mx.fake_quant %d {format = "mxfp8_e4m3"} : tensor<3x32xf32>
  return %y : tensor<3x32xf32>
}

// Asymmetric per-channel INT8 (ONNX style). Row 0: range [-1, 3], s = 4/255,
// zp = -128 - round(-1 / s) = -64; row 1: range [0, 8], zp = -128.
// ZP: -1.00392163
// ZP-NEXT: 0
// ZP-NEXT: 0.501960814
// ZP-NEXT: 2.99607849
// ZP-NEXT: 2.00784326
// ZP-NEXT: 3.98431396
// ZP-NEXT: 5.99215698
// ZP-NEXT: 8
// The constant folds (C++) to the same values the compiled code computes.
// ZP-FOLDED: arith.constant dense<{{\[\[}}-1.00392163, 0.000000e+00, 0.501960814, 2.99607849], [2.00784326, 3.98431396, 5.99215698, 8.000000e+00]]>
func.func @asymmetric() -> tensor<2x4xf32> {
  %x = arith.constant dense<[[-1.0, 0.0, 0.5, 3.0], [2.0, 4.0, 6.0, 8.0]]> : tensor<2x4xf32>
  %y = mx.fake_quant %x {format = #mx.format<int8, granularity = channel, zero_point = true>, axis = 0 : i64} : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
