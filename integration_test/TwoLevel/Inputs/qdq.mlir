// Two-level quantization kernels; tests substitute FORMAT (the element
// type's format), ATTRS (the quantization's attributes: a calibrated
// `static_scale` tensor scale, or nothing for the dynamic one) and SHAPE.
// @q quantizes to the storage parts, @d decodes them, @f is the round trip
// (lowered as one fused loop).
func.func @q(%x: tensor<SHAPExf32>) -> tensor<SHAPEx!mx.q<FORMAT, axis = 1>> {
  %q = mx.quantize %x ATTRS : tensor<SHAPExf32> -> tensor<SHAPEx!mx.q<FORMAT, axis = 1>>
  return %q : tensor<SHAPEx!mx.q<FORMAT, axis = 1>>
}
func.func @d(%q: tensor<SHAPEx!mx.q<FORMAT, axis = 1>>) -> tensor<SHAPExf32> {
  %x = mx.dequantize %q : tensor<SHAPEx!mx.q<FORMAT, axis = 1>> -> tensor<SHAPExf32>
  return %x : tensor<SHAPExf32>
}
func.func @f(%x: tensor<SHAPExf32>) -> tensor<SHAPExf32> {
  %q = mx.quantize %x ATTRS : tensor<SHAPExf32> -> tensor<SHAPEx!mx.q<FORMAT, axis = 1>>
  %y = mx.dequantize %q : tensor<SHAPEx!mx.q<FORMAT, axis = 1>> -> tensor<SHAPExf32>
  return %y : tensor<SHAPExf32>
}
// The stored tensor scale as a 1-element array (mx-ref prints rank >= 1).
func.func @ts(%t: tensor<f32>) -> tensor<1xf32> {
  %r = tensor.expand_shape %t [] output_shape [1] : tensor<f32> into tensor<1xf32>
  return %r : tensor<1xf32>
}
