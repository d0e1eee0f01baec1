// Quantize with QTYPE, dequantize, then take a block-aligned slice.
func.func @f(%x: tensor<64x256xf32>) -> tensor<32x128xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %d = mx.dequantize %q : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %s = tensor.extract_slice %d[32, 64] [32, 128] [1, 1] : tensor<64x256xf32> to tensor<32x128xf32>
  return %s : tensor<32x128xf32>
}
