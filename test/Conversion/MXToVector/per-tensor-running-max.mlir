// RUN: mx-opt %s --split-input-file --convert-mx-to-vector --canonicalize --cse | FileCheck %s

// Per-tensor INT8 with a dynamic symmetric scale over at least two whole
// 16384-element chunks: the maximum of chunk 0, then one loop per chunk c
// that takes chunk c's maximum and writes chunk c - 1's codes under the
// running maximum, the running maximum and where it last rose carried
// along; then the last chunk and the stale prefix [0, rose) under the
// final scale (integration_test/Quantize/int8-running-max.test checks
// the bits).

// CHECK-LABEL: func.func @running
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[CHUNK:.*]] = arith.constant 16384 : index
// CHECK-DAG:   %[[N:.*]] = arith.constant 65536 : index
// CHECK-DAG:   %[[LAST:.*]] = arith.constant 49152 : index
// CHECK:       %[[M0V:.*]] = scf.for %{{.*}} = %[[C0]] to %[[CHUNK]] step %{{.*}} iter_args(%{{.*}}) -> (vector<64xi32>)
// CHECK:         arith.maxui
// CHECK:       %[[M0:.*]] = vector.reduction <maxui>, %[[M0V]]
// CHECK:       %[[R:.*]]:3 = scf.for %[[C:.*]] = %[[CHUNK]] to %[[N]] step %[[CHUNK]] iter_args(%[[RMAX:.*]] = %[[M0]], %[[ROSE:.*]] = %[[C0]], %{{.*}} = %{{.*}}) -> (i32, index, tensor<65536xi8>)
// CHECK:         %[[PREV:.*]] = arith.subi %[[C]], %[[CHUNK]]
// CHECK:         %[[BOTH:.*]]:2 = scf.for %[[J:.*]] = %[[C0]] to %[[CHUNK]] {{.*}} -> (vector<64xi32>, tensor<65536xi8>)
// CHECK:           %[[AT:.*]] = arith.addi %[[C]], %[[J]]
// CHECK:           vector.transfer_read %{{.*}}[%[[AT]]]
// CHECK:           arith.maxui
// CHECK:           %[[OFF:.*]] = arith.addi %[[PREV]], %[[J]]
// CHECK:           vector.transfer_read %{{.*}}[%[[OFF]]]
// CHECK:           arith.divf
// CHECK:           vector.transfer_write %{{.*}}[%[[OFF]]]
// CHECK:         %[[CM:.*]] = vector.reduction <maxui>, %[[BOTH]]#0
// CHECK:         %[[NEW:.*]] = arith.maxui %[[RMAX]], %[[CM]]
// CHECK:         %[[UP:.*]] = arith.cmpi ne, %[[NEW]], %[[RMAX]]
// CHECK:         %[[NROSE:.*]] = arith.select %[[UP]], %[[C]], %[[ROSE]] : index
// CHECK:         scf.yield %[[NEW]], %[[NROSE]], %[[BOTH]]#1
// CHECK:       %[[TAIL:.*]] = scf.for %{{.*}} = %[[LAST]] to %[[N]] {{.*}} iter_args(%{{.*}} = %[[R]]#2)
// CHECK:       %[[ALL:.*]] = scf.for %{{.*}} = %[[C0]] to %[[R]]#1 {{.*}} iter_args(%{{.*}} = %[[TAIL]])
// CHECK:       tensor.expand_shape %[[ALL]]
func.func @running(%x: tensor<64x1024xf32>) -> tensor<64x1024x!mx.q<int8>> {
  %q = mx.quantize %x : tensor<64x1024xf32> -> tensor<64x1024x!mx.q<int8>>
  return %q : tensor<64x1024x!mx.q<int8>>
}

// -----

// Fake quantization takes the same loops.
// CHECK-LABEL: func.func @running_fake_quant
// CHECK:       scf.for {{.*}} -> (i32, index, tensor<65536xf32>)
// CHECK:         scf.for {{.*}} -> (vector<64xi32>, tensor<65536xf32>)
func.func @running_fake_quant(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %y = mx.fake_quant %x {format = "int8"} : tensor<64x1024xf32>
  return %y : tensor<64x1024xf32>
}

// -----

// One chunk, a size that is not a multiple of the chunk, and a zero point
// (asymmetric: min and max) keep the two passes: a whole-tensor reduction,
// then one elementwise loop.
// CHECK-LABEL: func.func @one_chunk
// CHECK-NOT:   -> (i32, index
// CHECK:       vector.reduction <maxui>
// CHECK-LABEL: func.func @not_multiple
// CHECK-NOT:   -> (i32, index
// CHECK:       vector.reduction <maxui>
// CHECK-LABEL: func.func @zero_point
// CHECK-NOT:   -> (i32, index
// CHECK:       vector.reduction <minnumf>
func.func @one_chunk(%x: tensor<128x128xf32>) -> tensor<128x128x!mx.q<int8>> {
  %q = mx.quantize %x : tensor<128x128xf32> -> tensor<128x128x!mx.q<int8>>
  return %q : tensor<128x128x!mx.q<int8>>
}
func.func @not_multiple(%x: tensor<65x1024xf32>) -> tensor<65x1024x!mx.q<int8>> {
  %q = mx.quantize %x : tensor<65x1024xf32> -> tensor<65x1024x!mx.q<int8>>
  return %q : tensor<65x1024x!mx.q<int8>>
}
func.func @zero_point(%x: tensor<64x1024xf32>) -> tensor<64x1024x!mx.q<int8, elem = ui8, zero_point = true>> {
  %q = mx.quantize %x : tensor<64x1024xf32> -> tensor<64x1024x!mx.q<int8, elem = ui8, zero_point = true>>
  return %q : tensor<64x1024x!mx.q<int8, elem = ui8, zero_point = true>>
}
