// A fake-quantization kernel; tests substitute FORMAT, AXIS and SHAPE.
func.func @f(%x: tensor<SHAPExf32>) -> tensor<SHAPExf32> {
  %y = mx.fake_quant %x {format = FORMAT AXIS} : tensor<SHAPExf32>
  return %y : tensor<SHAPExf32>
}
