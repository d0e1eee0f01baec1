// A static-scale quantization of a constant, folded at compile time (the
// constant comes from a dense_resource blob appended by the test).
func.func @q() -> QTYPE {
  %w = arith.constant dense_resource<w> : tensor<4x256xf32>
  %q = mx.quantize %w {ATTRS} : tensor<4x256xf32> -> QTYPE
  return %q : QTYPE
}
