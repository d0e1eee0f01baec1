// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=avx512vnni -mlir-print-local-scope | FileCheck %s
// RUN: mx-opt %s -split-input-file --convert-mx-to-vector=contract-kernels=none -mlir-print-local-scope | FileCheck %s --check-prefix=NONE

// Convolutions on the packed kernels through im2col (ContractConv.cpp;
// docs/Lowering.md, "Convolutions"). Without kernels they keep the
// linalg.generic lowering.
// NONE-LABEL: func @mxfp8_nhwc
// NONE: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// NONE-LABEL: func @mxint8_padded
// NONE: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// NONE-LABEL: func @int8_nchw
// NONE: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]

// MXFP8, NHWC / HWCF, stride 2: the operands decoded to f32, the input
// gathered into im2col [M = 1*3*3, K = 3*3*40] by one copy whose input map
// is the lhs map, the HWCF weights reshaped to [K, F] (no copy), the f32
// kernel (panels [1][1][360][32]), the [M, F] result expanded to NHWC.
// CHECK-LABEL: func @mxfp8_nhwc
// CHECK: %[[IM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x7x7x40xf32>) outs(%{{.*}} : tensor<1x3x3x3x3x40xf32>)
// CHECK: tensor.collapse_shape %[[IM]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x3x3x3x3x40xf32> into tensor<9x360xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<3x3x40x5xf32> into tensor<360x5xf32>
// CHECK: tensor.empty() : tensor<1x1x360x32xf32>
// CHECK: vector.fma
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] output_shape [1, 3, 3, 5] : tensor<9x5xf32> into tensor<1x3x3x5xf32>
// CHECK-NOT: "reduction"
// CHECK: return
func.func @mxfp8_nhwc(%a: tensor<1x7x7x40x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<3x3x40x5x!mx.q<mxfp8_e4m3, axis = 2>>) -> tensor<1x3x3x5xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, 2 * h + kh, 2 * w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (kh, kw, c, f)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       : tensor<1x7x7x40x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<3x3x40x5x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<1x3x3x5xf32>
  return %c : tensor<1x3x3x5xf32>
}

// -----

// MXINT8 with the contract's lhs padding, C = 40: the codes padded with
// code 0 (spatially, then C to 64: two whole blocks), the block scales
// with 127 (2^0) spatially; codes and scales gathered into im2col form
// [M, kh*kw*64] and [M, kh*kw*2]; the weights' codes padded along C and
// reshaped to [K, F], their scales reshaped; the integer kernel with
// 8-bit dot products (vpdpbusd).
// CHECK-LABEL: func @mxint8_padded
// CHECK-SAME: (%[[AD:.*]]: tensor<1x4x4x40xi8>, %[[AS:.*]]: tensor<1x4x4x2xi8>, %[[BD:.*]]: tensor<3x3x40x5xi8>, %[[BS:.*]]: tensor<3x3x2x5xi8>)
// CHECK: %[[PD:.*]] = tensor.pad %[[AD]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[PC:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 0, 24]
// CHECK: %[[IMD:.*]] = linalg.generic {{.*}} ins(%[[PC]] : tensor<1x6x6x64xi8>) outs(%{{.*}} : tensor<1x4x4x3x3x64xi8>)
// CHECK: tensor.collapse_shape %[[IMD]] {{.*}} into tensor<16x576xi8>
// CHECK: %[[PS:.*]] = tensor.pad %[[AS]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[IMS:.*]] = linalg.generic {{.*}} ins(%[[PS]] : tensor<1x6x6x2xi8>) outs(%{{.*}} : tensor<1x4x4x3x3x2xi8>)
// CHECK: tensor.collapse_shape %[[IMS]] {{.*}} into tensor<16x18xi8>
// CHECK: %[[PB:.*]] = tensor.pad %[[BD]] low[0, 0, 0, 0] high[0, 0, 24, 0]
// CHECK: tensor.collapse_shape %[[PB]] {{.*}} : tensor<3x3x64x5xi8> into tensor<576x5xi8>
// CHECK: tensor.collapse_shape %[[BS]] {{.*}} : tensor<3x3x2x5xi8> into tensor<18x5xi8>
// CHECK: tensor.empty() : tensor<1x16x144xi32>
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} {mx.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
// CHECK-NOT: "reduction"
// CHECK: return
func.func @mxint8_padded(%a: tensor<1x4x4x40x!mx.q<mxint8, axis = 3>>, %b: tensor<3x3x40x5x!mx.q<mxint8, axis = 2>>) -> tensor<1x4x4x5xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (kh, kw, c, f)>,
                          affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"],
         lhs_pad_low = array<i64: 0, 1, 1, 0>, lhs_pad_high = array<i64: 0, 1, 1, 0>}
       : tensor<1x4x4x40x!mx.q<mxint8, axis = 3>>, tensor<3x3x40x5x!mx.q<mxint8, axis = 2>> -> tensor<1x4x4x5xf32>
  return %c : tensor<1x4x4x5xf32>
}

// -----

// INT8, NCHW / FCHW: the codes gathered with K = (c, kh, kw) in loop order,
// the weights reordered to [K, F] by a copy, the i32 integer kernel, the
// [M, F] accumulator expanded to (n, h, w, f) and transposed to NCHW
// before the scales' epilogue.
// CHECK-LABEL: func @int8_nchw
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>, {{.*}} outs(%{{.*}} : tensor<1x4x4x8x3x3xi8>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d0, d1, d2)>, {{.*}} ins(%{{.*}} : tensor<6x8x3x3xi8>) outs(%{{.*}} : tensor<8x3x3x6xi8>)
// CHECK: tensor.empty() : tensor<1x16x18xi32>
// CHECK: tensor.expand_shape %{{.*}} : tensor<16x6xi32> into tensor<1x4x4x6xi32>
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>, {{.*}} outs(%{{.*}} : tensor<1x6x4x4xi32>)
// CHECK-NOT: "reduction"
// CHECK: return
func.func @int8_nchw(%a: tensor<1x8x6x6x!mx.q<int8>>, %b: tensor<6x8x3x3x!mx.q<int8, granularity = channel, axis = 0>>) -> tensor<1x6x4x4xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
                          affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>,
                          affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       : tensor<1x8x6x6x!mx.q<int8>>, tensor<6x8x3x3x!mx.q<int8, granularity = channel, axis = 0>> -> tensor<1x6x4x4xf32>
  return %c : tensor<1x6x4x4xf32>
}

// -----

// Depthwise (the channel loop in the input, the weights and the result)
// and an accumulator that starts at the bias stay on the generic lowering.
// CHECK-LABEL: func @depthwise
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
func.func @depthwise(%a: tensor<1x6x6x8x!mx.q<mxfp8_e4m3, axis = 3>>, %b: tensor<3x3x8x!mx.q<mxfp8_e4m3, axis = 2>>) -> tensor<1x4x4x8xf32> {
  %c = mx.contract %a, %b {
         indexing_maps = [affine_map<(n, h, w, c, kh, kw) -> (n, h + kh, w + kw, c)>,
                          affine_map<(n, h, w, c, kh, kw) -> (kh, kw, c)>,
                          affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>],
         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       : tensor<1x6x6x8x!mx.q<mxfp8_e4m3, axis = 3>>, tensor<3x3x8x!mx.q<mxfp8_e4m3, axis = 2>> -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}
