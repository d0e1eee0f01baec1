// RUN: mx-opt %s --mx-import-quant --mx-export-quant | FileCheck %s
// RUN: mx-opt %s --mx-import-quant --mx-export-quant --mx-import-quant | FileCheck %s --check-prefix=MX

// Import then export gives back the upstream types (the sub-channel one
// spelled with every dimension, as the exporter writes it; u8 stays u8).

// CHECK-LABEL: func.func @f
// CHECK: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: quant.dcast %{{.*}} : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>> to tensor<2x4xf32>
// CHECK: quant.qcast %{{.*}} : tensor<4x3xf32> to tensor<4x3x!quant.uniform<i8:f32:1, {2.500000e-01,5.000000e-01,1.000000e+00}>>
// CHECK: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}, {1.000000e+00:3, 2.000000e+00:4}}>>
// CHECK: quant.scast %{{.*}} : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.250000e-01:-1>>
// CHECK: quant.scast %{{.*}} : tensor<4x!quant.uniform<i8:f32, 1.250000e-01:-1>> to tensor<4xi8>
// CHECK-NOT: mx.
// MX-NOT: quant.
func.func @f(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %c: tensor<4xi8>) -> (tensor<2x4xf32>, tensor<4x3xf32>, tensor<2x4xf32>, tensor<4xi8>) {
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>
  %xd = quant.dcast %xq : tensor<2x4x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x4xf32>
  %wq = quant.qcast %w : tensor<4x3xf32> to tensor<4x3x!quant.uniform<i8:f32:1, {0.25, 0.5, 1.0}>>
  %wd = quant.dcast %wq : tensor<4x3x!quant.uniform<i8:f32:1, {0.25, 0.5, 1.0}>> to tensor<4x3xf32>
  %bq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>>
  %bd = quant.dcast %bq : tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>> to tensor<2x4xf32>
  %cq = quant.scast %c : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.125:-1>>
  %ci = quant.scast %cq : tensor<4x!quant.uniform<i8:f32, 0.125:-1>> to tensor<4xi8>
  return %xd, %wd, %bd, %ci : tensor<2x4xf32>, tensor<4x3xf32>, tensor<2x4xf32>, tensor<4xi8>
}
