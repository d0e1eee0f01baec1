// A static INT8 quantization of an argument whose element type tests
// substitute (TYPE: f32, f16 or bf16), for mx-calibrate on non-f32 models.
func.func @h(%x: tensor<4x64xTYPE>) -> tensor<4x64xTYPE> {
  %q = mx.quantize %x {calibration = "h:x"} : tensor<4x64xTYPE> -> tensor<4x64x!mx.q<int8>>
  %d = mx.dequantize %q : tensor<4x64x!mx.q<int8>> -> tensor<4x64xTYPE>
  return %d : tensor<4x64xTYPE>
}
