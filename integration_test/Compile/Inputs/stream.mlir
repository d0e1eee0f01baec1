// Streaming kernels on a 1024x1024 f32 array (4 MiB, the size from which
// mx-stream-memory prefetches and stores non-temporally): the kernels'
// outputs are the caller's buffers after mx-outline-kernels
// (integration_test/Compile).
func.func @stream(%x: tensor<1024x1024xf32>) -> (tensor<1024x1024xf32>, tensor<1024x1024xf32>) {
  %q = mx.quantize %x : tensor<1024x1024xf32> -> tensor<1024x1024x!mx.q<mxfp8_e4m3, axis = 1>>
  %d = mx.dequantize %q : tensor<1024x1024x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<1024x1024xf32>
  %c = mx.clamp %q {min = 0.0 : f32} : tensor<1024x1024x!mx.q<mxfp8_e4m3, axis = 1>>
  %f = mx.dequantize %c : tensor<1024x1024x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<1024x1024xf32>
  return %d, %f : tensor<1024x1024xf32>, tensor<1024x1024xf32>
}
