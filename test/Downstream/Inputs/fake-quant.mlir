func.func @f(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %y = mx.fake_quant %x {format = "nvfp4"} : tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
