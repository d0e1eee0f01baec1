// TensorRT's chain: conv -> Q -> DQ -> relu -> max-pool -> reshape -> next
// layer (a matmul). --mx-propagate runs relu and max-pooling on the codes
// and dequantizes right before the matmul. QTYPE (the quantized element of
// a 1x14x14x16 NHWC tensor) and QATTR are substituted by the test.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @f(%x: tensor<64x256xf32>, %w1: tensor<576x16xf32>, %w2: tensor<784x10xf32>) -> (tensor<1x784xf32>, tensor<1x10xf32>) {
  %in = tensor.expand_shape %x [[0, 1, 2], [3]] output_shape [1, 16, 4, 256] : tensor<64x256xf32> into tensor<1x16x4x256xf32>
  %in2 = tensor.collapse_shape %in [[0], [1], [2, 3]] : tensor<1x16x4x256xf32> into tensor<1x16x1024xf32>
  %img = tensor.expand_shape %in2 [[0], [1], [2, 3]] output_shape [1, 16, 16, 64] : tensor<1x16x1024xf32> into tensor<1x16x16x64xf32>
  %k = tensor.expand_shape %w1 [[0, 1, 2], [3]] output_shape [3, 3, 64, 16] : tensor<576x16xf32> into tensor<3x3x64x16xf32>
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty() : tensor<1x14x14x16xf32>
  %cf = linalg.fill ins(%zero : f32) outs(%ce : tensor<1x14x14x16xf32>) -> tensor<1x14x14x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %k : tensor<1x16x16x64xf32>, tensor<3x3x64x16xf32>) outs(%cf : tensor<1x14x14x16xf32>) -> tensor<1x14x14x16xf32>
  %q = mx.quantize %conv QATTR : tensor<1x14x14x16xf32> -> tensor<1x14x14x16xQTYPE>
  %d = mx.dequantize %q : tensor<1x14x14x16xQTYPE> -> tensor<1x14x14x16xf32>
  %re = tensor.empty() : tensor<1x14x14x16xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : tensor<1x14x14x16xf32>) outs(%re : tensor<1x14x14x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x14x14x16xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %pe = tensor.empty() : tensor<1x7x7x16xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%r, %win : tensor<1x14x14x16xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %flat = tensor.collapse_shape %p [[0], [1, 2, 3]] : tensor<1x7x7x16xf32> into tensor<1x784xf32>
  %me = tensor.empty() : tensor<1x10xf32>
  %mf = linalg.fill ins(%zero : f32) outs(%me : tensor<1x10xf32>) -> tensor<1x10xf32>
  %mm = linalg.matmul ins(%flat, %w2 : tensor<1x784xf32>, tensor<784x10xf32>) outs(%mf : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %flat, %mm : tensor<1x784xf32>, tensor<1x10xf32>
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

// The same on softsign(x) = x / (1 + |x|): moderate values, so asymmetric
// INT8 ranges do not overflow (the test inputs reach +-FLT_MAX).
#idsoft_w1 = affine_map<(d0, d1) -> (d0, d1)>
func.func private @softsign_w1(%x: tensor<576x16xf32>) -> tensor<576x16xf32> {
  %e = tensor.empty() : tensor<576x16xf32>
  %s = linalg.generic {indexing_maps = [#idsoft_w1, #idsoft_w1], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<576x16xf32>) outs(%e : tensor<576x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %abs = math.absf %a : f32
    %den = arith.addf %abs, %one : f32
    %r = arith.divf %a, %den : f32
    linalg.yield %r : f32
  } -> tensor<576x16xf32>
  return %s : tensor<576x16xf32>
}

// The same on softsign(x) = x / (1 + |x|): moderate values, so asymmetric
// INT8 ranges do not overflow (the test inputs reach +-FLT_MAX).
#idsoft_w2 = affine_map<(d0, d1) -> (d0, d1)>
func.func private @softsign_w2(%x: tensor<784x10xf32>) -> tensor<784x10xf32> {
  %e = tensor.empty() : tensor<784x10xf32>
  %s = linalg.generic {indexing_maps = [#idsoft_w2, #idsoft_w2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<784x10xf32>) outs(%e : tensor<784x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %abs = math.absf %a : f32
    %den = arith.addf %abs, %one : f32
    %r = arith.divf %a, %den : f32
    linalg.yield %r : f32
  } -> tensor<784x10xf32>
  return %s : tensor<784x10xf32>
}

func.func @soft(%x: tensor<64x256xf32>, %w1: tensor<576x16xf32>, %w2: tensor<784x10xf32>) -> (tensor<1x784xf32>, tensor<1x10xf32>) {
  %sx = func.call @softsign_x(%x) : (tensor<64x256xf32>) -> tensor<64x256xf32>
  %s1 = func.call @softsign_w1(%w1) : (tensor<576x16xf32>) -> tensor<576x16xf32>
  %s2 = func.call @softsign_w2(%w2) : (tensor<784x10xf32>) -> tensor<784x10xf32>
  %r:2 = func.call @f(%sx, %s1, %s2) : (tensor<64x256xf32>, tensor<576x16xf32>, tensor<784x10xf32>) -> (tensor<1x784xf32>, tensor<1x10xf32>)
  return %r#0, %r#1 : tensor<1x784xf32>, tensor<1x10xf32>
}
