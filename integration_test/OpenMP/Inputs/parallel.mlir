// Programs for openmp.test: streams (quantize, dequantize, fake-quant) and
// a matmul (mx-quantize + mx-fuse give an mx.contract) large enough that
// the loops marked parallel have several iterations per thread.

func.func @roundtrip(%x: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %q = mx.quantize %x : tensor<256x512xf32> -> tensor<256x512x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<256x512x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<256x512xf32>
  return %d : tensor<256x512xf32>
}

func.func @columns(%x: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %q = mx.quantize %x : tensor<256x512xf32> -> tensor<256x512x!mx.q<mxfp4_e2m1, axis = 0>>
  %d = mx.dequantize %q : tensor<256x512x!mx.q<mxfp4_e2m1, axis = 0>> -> tensor<256x512xf32>
  return %d : tensor<256x512xf32>
}

func.func @fakequant(%x: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %y = mx.fake_quant %x {format = "mxint8"} : tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
