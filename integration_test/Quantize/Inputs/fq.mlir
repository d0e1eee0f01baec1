// mx.fake_quant with FORMAT and AXIS substituted.
func.func @f(%x: tensor<SHAPExf32>) -> tensor<SHAPExf32> {
  %y = mx.fake_quant %x {format = #mx.format<FORMAT>AXIS} : tensor<SHAPExf32>
  return %y : tensor<SHAPExf32>
}
