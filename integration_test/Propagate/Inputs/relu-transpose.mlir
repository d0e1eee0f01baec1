// relu (maximumf with +0.0) then a transpose that renumbers dimensions 0
// and 1, and min(x, 0) of a second quantization. QTYPE (the quantized
// element of a 2x32x256 tensor) and QATTR are substituted by the test.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @f(%x: tensor<64x256xf32>) -> (tensor<32x2x256xf32>, tensor<2x32x256xf32>) {
  %in = tensor.expand_shape %x [[0, 1], [2]] output_shape [2, 32, 256] : tensor<64x256xf32> into tensor<2x32x256xf32>
  %q = mx.quantize %in QATTR : tensor<2x32x256xf32> -> tensor<2x32x256xQTYPE>
  %d = mx.dequantize %q : tensor<2x32x256xQTYPE> -> tensor<2x32x256xf32>
  %re = tensor.empty() : tensor<2x32x256xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%d : tensor<2x32x256xf32>) outs(%re : tensor<2x32x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x32x256xf32>
  %te = tensor.empty() : tensor<32x2x256xf32>
  %t = linalg.transpose ins(%r : tensor<2x32x256xf32>) outs(%te : tensor<32x2x256xf32>) permutation = [1, 0, 2]
  %q2 = mx.quantize %in QATTR : tensor<2x32x256xf32> -> tensor<2x32x256xQTYPE>
  %d2 = mx.dequantize %q2 : tensor<2x32x256xQTYPE> -> tensor<2x32x256xf32>
  %me = tensor.empty() : tensor<2x32x256xf32>
  %n = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%d2 : tensor<2x32x256xf32>) outs(%me : tensor<2x32x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.minimumf %zero, %a : f32
    linalg.yield %m : f32
  } -> tensor<2x32x256xf32>
  return %t, %n : tensor<32x2x256xf32>, tensor<2x32x256xf32>
}

// The same on softsign(x) = x / (1 + |x|): moderate values, so asymmetric
// INT8 ranges do not overflow (the test inputs reach +-FLT_MAX).
#idsoft_x = affine_map<(d0, d1) -> (d0, d1)>
func.func private @softsign_x(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %e = tensor.empty() : tensor<64x256xf32>
  %s = linalg.generic {indexing_maps = [#idsoft_x, #idsoft_x], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x256xf32>) outs(%e : tensor<64x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %abs = math.absf %a : f32
    %den = arith.addf %abs, %one : f32
    %r = arith.divf %a, %den : f32
    linalg.yield %r : f32
  } -> tensor<64x256xf32>
  return %s : tensor<64x256xf32>
}

func.func @soft(%x: tensor<64x256xf32>) -> (tensor<32x2x256xf32>, tensor<2x32x256xf32>) {
  %s = func.call @softsign_x(%x) : (tensor<64x256xf32>) -> tensor<64x256xf32>
  %r:2 = func.call @f(%s) : (tensor<64x256xf32>) -> (tensor<32x2x256xf32>, tensor<2x32x256xf32>)
  return %r#0, %r#1 : tensor<32x2x256xf32>, tensor<2x32x256xf32>
}
