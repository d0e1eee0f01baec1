// The stock mlir-opt from Debian loads the mx dialect and passes as plugins.
// Pass plugins are loaded after the command line is parsed, so their passes
// are reached through --pass-pipeline (as for every mlir-opt pass plugin).
// RUN: %mlir_opt %s --load-dialect-plugin=%mx_libs/libMXDialectPlugin.so | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: %mlir_opt %s --load-dialect-plugin=%mx_libs/libMXDialectPlugin.so --load-pass-plugin=%mx_libs/libMXPassPlugin.so --pass-pipeline="builtin.module(func.func(mx-expand-fake-quant))" | FileCheck %s --check-prefix=PASS
// Without the plugin the stock tool rejects the dialect.
// RUN: not %mlir_opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// ROUNDTRIP: mx.fake_quant %{{.*}} {axis = 1 : i64, format = #mx.format<mxfp4_e2m1>} : tensor<64x256xf32>
// PASS: %[[Q:.*]] = mx.quantize %{{.*}} -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
// PASS: mx.dequantize %[[Q]]
// NOPLUGIN: Dialect `mx' not found for custom op 'mx.fake_quant'
func.func @f(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
