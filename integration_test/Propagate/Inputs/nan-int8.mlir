// INT8 with a zero point on data holding a NaN (row 11 of mx-ref
// gen-vectors, whose first 32 columns hold one NaN): @dynamic quantizes
// with a runtime scale and dequantizes directly, after mx.clamp and after
// mx.max_pool; @static with a fixed scale 0.5 and zero point 100.
func.func @dynamic(%rows: tensor<12x32xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>) {
  %r = tensor.extract_slice %rows[11, 0] [1, 32] [1, 1] : tensor<12x32xf32> to tensor<1x32xf32>
  %x = tensor.expand_shape %r [[0], [1, 2, 3]] output_shape [1, 4, 4, 2] : tensor<1x32xf32> into tensor<1x4x4x2xf32>
  %q = mx.quantize %x : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!mx.q<int8, elem = ui8, zero_point = true>>
  %d = mx.dequantize %q : tensor<1x4x4x2x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x4x4x2xf32>
  %c = mx.clamp %q {min = 0.0 : f32} : tensor<1x4x4x2x!mx.q<int8, elem = ui8, zero_point = true>>
  %dc = mx.dequantize %c : tensor<1x4x4x2x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x4x4x2xf32>
  %p = mx.max_pool %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>} : tensor<1x4x4x2x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x2x2x2x!mx.q<int8, elem = ui8, zero_point = true>>
  %dp = mx.dequantize %p : tensor<1x2x2x2x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x2x2x2xf32>
  return %d, %dc, %dp : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>
}

func.func @static(%rows: tensor<12x32xf32>) -> tensor<1x32xf32> {
  %r = tensor.extract_slice %rows[11, 0] [1, 32] [1, 1] : tensor<12x32xf32> to tensor<1x32xf32>
  %q = mx.quantize %r {static_scales = dense<0.5> : tensor<f32>, static_zero_points = dense<100> : tensor<i32>} : tensor<1x32xf32> -> tensor<1x32x!mx.q<int8, elem = ui8, zero_point = true>>
  %d = mx.dequantize %q : tensor<1x32x!mx.q<int8, elem = ui8, zero_point = true>> -> tensor<1x32xf32>
  return %d : tensor<1x32xf32>
}
