// Exhaustive decode: every code of every element format of 8 bits or fewer,
// packed by hand as the storage ABI says (@make_*), under the scale 2^0
// (E8M0 code 127), is passed as a quantized argument and decodes to what the
// independent reference mx-ref says the code means (NaN codes to NaN, E5M2's
// infinities to Inf).

// RUN: mx-run %s --entry make_e4m3 --output %t.e4m3.data.npy --output %t.e4m3.scales.npy
// RUN: mx-run %s --entry e4m3 --input %t.e4m3.data.npy --input %t.e4m3.scales.npy --output %t.e4m3.npy
// RUN: mx-ref exhaustive e4m3 %t.e4m3.ref.npy && mx-ref compare %t.e4m3.npy %t.e4m3.ref.npy | FileCheck %s --check-prefix=CHECK-256
// RUN: mx-run %s --entry make_e5m2 --output %t.e5m2.data.npy --output %t.e5m2.scales.npy
// RUN: mx-run %s --entry e5m2 --input %t.e5m2.data.npy --input %t.e5m2.scales.npy --output %t.e5m2.npy
// RUN: mx-ref exhaustive e5m2 %t.e5m2.ref.npy && mx-ref compare %t.e5m2.npy %t.e5m2.ref.npy | FileCheck %s --check-prefix=CHECK-256
// RUN: mx-run %s --entry make_mxint8 --output %t.mxint8.data.npy --output %t.mxint8.scales.npy
// RUN: mx-run %s --entry mxint8 --input %t.mxint8.data.npy --input %t.mxint8.scales.npy --output %t.mxint8.npy
// RUN: mx-ref exhaustive mxint8 %t.mxint8.ref.npy && mx-ref compare %t.mxint8.npy %t.mxint8.ref.npy | FileCheck %s --check-prefix=CHECK-256
// RUN: mx-run %s --entry make_e3m2 --output %t.e3m2.data.npy --output %t.e3m2.scales.npy
// RUN: mx-run %s --entry e3m2 --input %t.e3m2.data.npy --input %t.e3m2.scales.npy --output %t.e3m2.npy
// RUN: mx-ref exhaustive e3m2 %t.e3m2.ref.npy && mx-ref compare %t.e3m2.npy %t.e3m2.ref.npy | FileCheck %s --check-prefix=CHECK-64
// RUN: mx-run %s --entry make_e2m3 --output %t.e2m3.data.npy --output %t.e2m3.scales.npy
// RUN: mx-run %s --entry e2m3 --input %t.e2m3.data.npy --input %t.e2m3.scales.npy --output %t.e2m3.npy
// RUN: mx-ref exhaustive e2m3 %t.e2m3.ref.npy && mx-ref compare %t.e2m3.npy %t.e2m3.ref.npy | FileCheck %s --check-prefix=CHECK-64
// RUN: mx-run %s --entry make_e2m1 --output %t.e2m1.data.npy --output %t.e2m1.scales.npy
// RUN: mx-run %s --entry e2m1 --input %t.e2m1.data.npy --input %t.e2m1.scales.npy --output %t.e2m1.npy
// RUN: mx-ref exhaustive e2m1 %t.e2m1.ref.npy && mx-ref compare %t.e2m1.npy %t.e2m1.ref.npy | FileCheck %s --check-prefix=CHECK-16
// CHECK-256: 256 elements match
// CHECK-64: 64 elements match
// CHECK-16: 16 elements match

func.func @make_e4m3() -> (tensor<1x256xi8>, tensor<1x8xi8>) {
  %data = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1]]> : tensor<1x256xi8>
  %scales = arith.constant dense<127> : tensor<1x8xi8>
  return %data, %scales : tensor<1x256xi8>, tensor<1x8xi8>
}
func.func @e4m3(%q: tensor<1x256x!mx.q<mxfp8_e4m3, axis = 1>>) -> tensor<256xf32> {
  %x = mx.dequantize %q : tensor<1x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<1x256xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x256xf32> into tensor<256xf32>
  return %y : tensor<256xf32>
}

func.func @make_e5m2() -> (tensor<1x256xi8>, tensor<1x8xi8>) {
  %data = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1]]> : tensor<1x256xi8>
  %scales = arith.constant dense<127> : tensor<1x8xi8>
  return %data, %scales : tensor<1x256xi8>, tensor<1x8xi8>
}
func.func @e5m2(%q: tensor<1x256x!mx.q<mxfp8_e5m2, axis = 1>>) -> tensor<256xf32> {
  %x = mx.dequantize %q : tensor<1x256x!mx.q<mxfp8_e5m2, axis = 1>> -> tensor<1x256xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x256xf32> into tensor<256xf32>
  return %y : tensor<256xf32>
}

func.func @make_mxint8() -> (tensor<1x256xi8>, tensor<1x8xi8>) {
  %data = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1]]> : tensor<1x256xi8>
  %scales = arith.constant dense<127> : tensor<1x8xi8>
  return %data, %scales : tensor<1x256xi8>, tensor<1x8xi8>
}
func.func @mxint8(%q: tensor<1x256x!mx.q<mxint8, axis = 1>>) -> tensor<256xf32> {
  %x = mx.dequantize %q : tensor<1x256x!mx.q<mxint8, axis = 1>> -> tensor<1x256xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x256xf32> into tensor<256xf32>
  return %y : tensor<256xf32>
}

func.func @make_e3m2() -> (tensor<1x48xi8>, tensor<1x2xi8>) {
  %data = arith.constant dense<[[64, 32, 12, 68, 97, 28, 72, -94, 44, 76, -29, 60, 80, 36, 77, 84, 101, 93, 88, -90, 109, 92, -25, 125, 96, 40, -114, 100, 105, -98, 104, -86, -82, 108, -21, -66, 112, 44, -49, 116, 109, -33, 120, -82, -17, 124, -17, -1]]> : tensor<1x48xi8>
  %scales = arith.constant dense<127> : tensor<1x2xi8>
  return %data, %scales : tensor<1x48xi8>, tensor<1x2xi8>
}
func.func @e3m2(%q: tensor<1x64x!mx.q<mxfp6_e3m2, axis = 1>>) -> tensor<64xf32> {
  %x = mx.dequantize %q : tensor<1x64x!mx.q<mxfp6_e3m2, axis = 1>> -> tensor<1x64xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x64xf32> into tensor<64xf32>
  return %y : tensor<64xf32>
}

func.func @make_e2m3() -> (tensor<1x48xi8>, tensor<1x2xi8>) {
  %data = arith.constant dense<[[64, 32, 12, 68, 97, 28, 72, -94, 44, 76, -29, 60, 80, 36, 77, 84, 101, 93, 88, -90, 109, 92, -25, 125, 96, 40, -114, 100, 105, -98, 104, -86, -82, 108, -21, -66, 112, 44, -49, 116, 109, -33, 120, -82, -17, 124, -17, -1]]> : tensor<1x48xi8>
  %scales = arith.constant dense<127> : tensor<1x2xi8>
  return %data, %scales : tensor<1x48xi8>, tensor<1x2xi8>
}
func.func @e2m3(%q: tensor<1x64x!mx.q<mxfp6_e2m3, axis = 1>>) -> tensor<64xf32> {
  %x = mx.dequantize %q : tensor<1x64x!mx.q<mxfp6_e2m3, axis = 1>> -> tensor<1x64xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x64xf32> into tensor<64xf32>
  return %y : tensor<64xf32>
}

func.func @make_e2m1() -> (tensor<1x8xi8>, tensor<1x1xi8>) {
  %data = arith.constant dense<[[16, 50, 84, 118, -104, -70, -36, -2]]> : tensor<1x8xi8>
  %scales = arith.constant dense<127> : tensor<1x1xi8>
  return %data, %scales : tensor<1x8xi8>, tensor<1x1xi8>
}
func.func @e2m1(%q: tensor<1x16x!mx.q<mxfp4_e2m1, axis = 1>>) -> tensor<16xf32> {
  %x = mx.dequantize %q : tensor<1x16x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<1x16xf32>
  %y = tensor.collapse_shape %x [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
  return %y : tensor<16xf32>
}
