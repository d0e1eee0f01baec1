// Zero padding after a dequantization and before a quantization, of rows
// and of whole blocks of columns (@f; the two paddings differ, so that the
// propagated computations do not become one), and at the end of a partial
// last block (@g). QTYPE (the quantized element type, axis 1 for block
// formats) and QATTR (static scale attributes or nothing) are substituted
// by the test.
func.func @f(%x: tensor<64x256xf32>) -> (tensor<66x320xf32>, tensor<66x320xf32>) {
  %zero = arith.constant 0.0 : f32
  %q = mx.quantize %x QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %d = mx.dequantize %q : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %p = tensor.pad %d low[1, 32] high[1, 32] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x256xf32> to tensor<66x320xf32>
  %p2 = tensor.pad %x low[2, 64] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x256xf32> to tensor<66x320xf32>
  %q2 = mx.quantize %p2 QATTR : tensor<66x320xf32> -> tensor<66x320xQTYPE>
  %d2 = mx.dequantize %q2 : tensor<66x320xQTYPE> -> tensor<66x320xf32>
  return %p, %d2 : tensor<66x320xf32>, tensor<66x320xf32>
}

func.func @g(%x: tensor<64x256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %s = tensor.extract_slice %x[0, 0] [64, 200] [1, 1] : tensor<64x256xf32> to tensor<64x200xf32>
  %q = mx.quantize %s QATTR : tensor<64x200xf32> -> tensor<64x200xQTYPE>
  %d = mx.dequantize %q : tensor<64x200xQTYPE> -> tensor<64x200xf32>
  %p = tensor.pad %d low[0, 0] high[0, 56] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x200xf32> to tensor<64x256xf32>
  %p2 = tensor.pad %s low[0, 0] high[0, 56] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x200xf32> to tensor<64x256xf32>
  %q2 = mx.quantize %p2 QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %d2 = mx.dequantize %q2 : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  return %p, %d2 : tensor<64x256xf32>, tensor<64x256xf32>
}
