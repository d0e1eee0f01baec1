// Quantize to packed storage (one function) and dequantize it (another);
// tests substitute QTYPE and SHAPE.
func.func @q(%x: tensor<SHAPExf32>) -> QTYPE {
  %q = mx.quantize %x : tensor<SHAPExf32> -> QTYPE
  return %q : QTYPE
}
func.func @d(%q: QTYPE) -> tensor<SHAPExf32> {
  %x = mx.dequantize %q : QTYPE -> tensor<SHAPExf32>
  return %x : tensor<SHAPExf32>
}
