// The same static-scale quantization at run time.
func.func @q(%w: tensor<4x256xf32>) -> QTYPE {
  %q = mx.quantize %w {ATTRS} : tensor<4x256xf32> -> QTYPE
  return %q : QTYPE
}
