// tensor.insert_slice, linalg.broadcast and TOSA slice / concat / reshape
// after dequantizations and before quantizations. QTYPE (axis 1 for block
// formats) and QATTR are substituted by the test; TOSA is lowered with
// tosa-to-tensor after --mx-propagate.
func.func @f(%x: tensor<64x256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>, tensor<8x256xf32>, tensor<8x256xf32>) {
  // Insert columns [0, 64) into columns [128, 192) (and [64, 128): the
  // computations must differ after propagation, or CSE merges them).
  %a = tensor.extract_slice %x[0, 0] [64, 64] [1, 1] : tensor<64x256xf32> to tensor<64x64xf32>
  %qa = mx.quantize %a QATTR : tensor<64x64xf32> -> tensor<64x64xQTYPE>
  %qx = mx.quantize %x QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %da = mx.dequantize %qa : tensor<64x64xQTYPE> -> tensor<64x64xf32>
  %dx = mx.dequantize %qx : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %i = tensor.insert_slice %da into %dx[0, 128] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x256xf32>
  %i2 = tensor.insert_slice %a into %x[0, 64] [64, 64] [1, 1] : tensor<64x64xf32> into tensor<64x256xf32>
  %qi = mx.quantize %i2 QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %di = mx.dequantize %qi : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  // Broadcast rows 11 (NaN and Inf blocks) and 23 along a new leading
  // dimension.
  %r = tensor.extract_slice %x[11, 0] [1, 256] [1, 1] : tensor<64x256xf32> to tensor<1x256xf32>
  %qr = mx.quantize %r QATTR : tensor<1x256xf32> -> tensor<1x256xQTYPE>
  %dr = mx.dequantize %qr : tensor<1x256xQTYPE> -> tensor<1x256xf32>
  %e = tensor.empty() : tensor<8x1x256xf32>
  %b = linalg.broadcast ins(%dr : tensor<1x256xf32>) outs(%e : tensor<8x1x256xf32>) dimensions = [0]
  %bc = tensor.collapse_shape %b [[0, 1], [2]] : tensor<8x1x256xf32> into tensor<8x256xf32>
  %r2 = tensor.extract_slice %x[23, 0] [1, 256] [1, 1] : tensor<64x256xf32> to tensor<1x256xf32>
  %b2 = linalg.broadcast ins(%r2 : tensor<1x256xf32>) outs(%e : tensor<8x1x256xf32>) dimensions = [0]
  %qb = mx.quantize %b2 QATTR : tensor<8x1x256xf32> -> tensor<8x1x256xQTYPE2>
  %db = mx.dequantize %qb : tensor<8x1x256xQTYPE2> -> tensor<8x1x256xf32>
  %dbc = tensor.collapse_shape %db [[0, 1], [2]] : tensor<8x1x256xf32> into tensor<8x256xf32>
  return %i, %di, %bc, %dbc : tensor<64x256xf32>, tensor<64x256xf32>, tensor<8x256xf32>, tensor<8x256xf32>
}

// TOSA: slice columns [32, 160) and concatenate with columns [0, 64); a
// reshape that splits the rows into 2 x 32 (the block axis 1 becomes 2, so
// only per-tensor formats move through it; QTYPE3 has axis 2).
func.func @t(%x: tensor<64x256xf32>) -> (tensor<64x192xf32>, tensor<2x32x192xf32>) {
  %q = mx.quantize %x QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %d = mx.dequantize %q : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %s0 = tosa.const_shape {values = dense<[0, 32]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %z0 = tosa.const_shape {values = dense<[64, 128]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %d, %s0, %z0 : (tensor<64x256xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<64x128xf32>
  %q2 = mx.quantize %x QATTR : tensor<64x256xf32> -> tensor<64x256xQTYPE>
  %d2 = mx.dequantize %q2 : tensor<64x256xQTYPE> -> tensor<64x256xf32>
  %s1 = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %z1 = tosa.const_shape {values = dense<[64, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.slice %d2, %s1, %z1 : (tensor<64x256xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<64x64xf32>
  %c = tosa.concat %s, %t {axis = 1 : i32} : (tensor<64x128xf32>, tensor<64x64xf32>) -> tensor<64x192xf32>
  %shape = tosa.const_shape {values = dense<[2, 32, 256]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %re = tosa.reshape %x, %shape : (tensor<64x256xf32>, !tosa.shape<3>) -> tensor<2x32x256xf32>
  %qr = mx.quantize %re QATTR : tensor<2x32x256xf32> -> tensor<2x32x256xQTYPE3>
  %dr = mx.dequantize %qr : tensor<2x32x256xQTYPE3> -> tensor<2x32x256xf32>
  %s2 = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %z2 = tosa.const_shape {values = dense<[2, 32, 192]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %rs = tosa.slice %dr, %s2, %z2 : (tensor<2x32x256xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<2x32x192xf32>
  return %c, %rs : tensor<64x192xf32>, tensor<2x32x192xf32>
}
