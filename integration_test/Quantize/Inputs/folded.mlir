// Quantization of a constant, folded at compile time (the constant comes
// from a dense_resource blob appended by the test).
func.func @q() -> QTYPE {
  %w = arith.constant dense_resource<w> : tensor<SHAPExf32>
  %q = mx.quantize %w : tensor<SHAPExf32> -> QTYPE
  return %q : QTYPE
}
