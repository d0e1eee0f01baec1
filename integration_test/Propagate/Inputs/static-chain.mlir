// Static INT8 (QATTR: a fixed scale, QTYPE: the INT8 element type): relu ->
// max-pool -> zero pad -> Q -> DQ, as between two convolutions, and a
// concatenation of two tensors quantized with the same fixed scale.
// --mx-propagate moves the quantization before relu (Q -> mx.clamp ->
// mx.max_pool -> mx.pad -> DQ) and the dequantizations after the
// concatenation.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @f(%x: tensor<64x256xf32>) -> (tensor<1x34x10x16xf32>, tensor<64x512xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %img = tensor.expand_shape %x [[0, 1], [2, 3]] output_shape [1, 64, 16, 16] : tensor<64x256xf32> into tensor<1x64x16x16xf32>
  %re = tensor.empty() : tensor<1x64x16x16xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%img : tensor<1x64x16x16xf32>) outs(%re : tensor<1x64x16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x64x16x16xf32>
  %pe = tensor.empty() : tensor<1x32x8x16xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x32x8x16xf32>) -> tensor<1x32x8x16xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%r, %win : tensor<1x64x16x16xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x32x8x16xf32>) -> tensor<1x32x8x16xf32>
  %pad = tensor.pad %p low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x32x8x16xf32> to tensor<1x34x10x16xf32>
  %q = mx.quantize %pad QATTR : tensor<1x34x10x16xf32> -> tensor<1x34x10x16xQTYPE>
  %d = mx.dequantize %q : tensor<1x34x10x16xQTYPE> -> tensor<1x34x10x16xf32>
  %ne = tensor.empty() : tensor<64x256xf32>
  %r2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x256xf32>) outs(%ne : tensor<64x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<64x256xf32>
  %qa = mx.quantize %x QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %qb = mx.quantize %r2 QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %da = mx.dequantize %qa : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %db = mx.dequantize %qb : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %c = tensor.concat dim(1) %da, %db : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x512xf32>
  return %d, %c : tensor<1x34x10x16xf32>, tensor<64x512xf32>
}
