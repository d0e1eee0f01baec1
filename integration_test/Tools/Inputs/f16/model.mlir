// A static INT8 quantization of an argument whose element type tests
// substitute (TYPE: f32, f16 or bf16), for mx-calibrate on non-f32 models.
func.func @h(%x: tensor<4x64xTYPE>) -> tensor<4x64xTYPE> {
  %q = mx.quantize %x {calibration = "h:x"} : tensor<4x64xTYPE> -> tensor<4x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<4x64x!mx.q<int8>> -> tensor<4x64xTYPE>
  return %d : tensor<4x64xTYPE>
}
// Conversions of the test data.
func.func @to_f16(%x: tensor<4x64xf32>) -> tensor<4x64xf16> {
  %y = arith.truncf %x : tensor<4x64xf32> to tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
func.func @to_bf16(%x: tensor<4x64xf32>) -> tensor<4x64xbf16> {
  %y = arith.truncf %x : tensor<4x64xf32> to tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}
func.func @from_f16(%x: tensor<4x64xf16>) -> tensor<4x64xf32> {
  %y = arith.extf %x : tensor<4x64xf16> to tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
func.func @from_bf16(%x: tensor<4x64xbf16>) -> tensor<4x64xf32> {
  %y = arith.extf %x : tensor<4x64xbf16> to tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
