// RUN: mx-opt %s --split-input-file --convert-mx-to-parallel-blocks --verify-diagnostics
// RUN: not mx-opt %s --split-input-file --convert-mx-to-parallel-blocks=chip=gfx942 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: unknown GPU chip 'gfx942' (expected sm_<number>, optionally with a or f: sm_90, sm_100a)

func.func @dynamic(%x: tensor<?x256xf32>) -> tensor<?x256xf32> {
  // expected-error @+1 {{the parallel-block (GPU) lowering needs static shapes}}
  %y = mx.fake_quant %x {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}
