// Two halves quantized separately and concatenated along dimension 1.
// QTYPE (the quantized element of a 64x128 tensor) is substituted.
func.func @f(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %a = tensor.extract_slice %x[0, 0] [64, 128] [1, 1] : tensor<64x256xf32> to tensor<64x128xf32>
  %b = tensor.extract_slice %x[0, 128] [64, 128] [1, 1] : tensor<64x256xf32> to tensor<64x128xf32>
  %qa = mx.quantize %a : tensor<64x128xf32> -> tensor<64x128xQTYPE>
  %qb = mx.quantize %b : tensor<64x128xf32> -> tensor<64x128xQTYPE>
  %da = mx.dequantize %qa : tensor<64x128xQTYPE> -> tensor<64x128xf32>
  %db = mx.dequantize %qb : tensor<64x128xQTYPE> -> tensor<64x128xf32>
  %c = tensor.concat dim(1) %da, %db : (tensor<64x128xf32>, tensor<64x128xf32>) -> tensor<64x256xf32>
  return %c : tensor<64x256xf32>
}
