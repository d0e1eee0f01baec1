// Explicit Q/DQ around a max-pool, per channel (axis 3 of NHWC) with zero
// points, quantized at run time. Imported, propagated and run; the numbers
// are worked by hand below with round half to even.
// RUN: mx-opt %s --mx-import-quant --mx-propagate | mx-run - --entry main --output %t.y.npy
// RUN: mx-ref print %t.y.npy | FileCheck %s
//
// Channel 0 (scale 0.5, zp 0): x / 0.5 rounds 1.5 -> 2, 0.5 -> 0, -0.5 -> 0,
//   4.5 -> 4, so x^ = h0 [1, 0, 0, 0], h1 [0.5, 0, 2, -8]; the windows
//   (w 0-1 and 2-3) give 1 and 2 (truncation would give 0.5 for the first),
//   re-quantized exactly.
// Channel 1 (scale 0.25, zp -3): round(x / 0.25) - 3 clamps to [-128, 127]:
//   0.625 -> 2.5 -> 2 -> -1 (upstream adds the zero point first and
//   truncates: -0.5 -> 0, i.e. 0.75), -0.375 -> -2 -> -5, 40 -> 157 -> 127,
//   1 -> 1, -1 -> -7, 0.1 -> -3, -32 -> -131 -> -128, 0.375 -> 2 -> -1;
//   x^ = (q + 3) * 0.25 = h0 [0.5, -0.5, 32.5, 1], h1 [-0.75, 0, -31.25, 0.5];
//   the windows give 0.5 and 32.5.
// Output [w][c]: [1, 0.5], [2, 32.5].
// CHECK:      1
// CHECK-NEXT: 0.5
// CHECK-NEXT: 2
// CHECK-NEXT: 32.5
// CHECK-NOT: {{.}}

!q = !quant.uniform<i8:f32:3, {0.5, 0.25:-3}>
func.func @pool(%x: tensor<1x2x4x2xf32>) -> tensor<1x1x2x2xf32> {
  %xq = quant.qcast %x : tensor<1x2x4x2xf32> to tensor<1x2x4x2x!q>
  %xd = quant.dcast %xq : tensor<1x2x4x2x!q> to tensor<1x2x4x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%xd, %win : tensor<1x2x4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %pq = quant.qcast %p : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!q>
  %pd = quant.dcast %pq : tensor<1x1x2x2x!q> to tensor<1x1x2x2xf32>
  return %pd : tensor<1x1x2x2xf32>
}

func.func @main() -> tensor<1x1x2x2xf32> {
  %x = arith.constant dense<[[[[0.75, 0.625], [0.25, -0.375], [-0.25, 40.0], [0.2, 1.0]],
                              [[0.5, -1.0], [0.2, 0.1], [2.25, -32.0], [-8.0, 0.375]]]]> : tensor<1x2x4x2xf32>
  %y = func.call @pool(%x) : (tensor<1x2x4x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
