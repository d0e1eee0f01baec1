// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90" | FileCheck %s
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=PTX
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_80 features=+ptx80" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=SM80

// Host code launches the kernel through the CUDA runtime wrappers' ABI; the
// kernel is PTX for the chip in a gpu.binary (default features for sm_90:
// +ptx84, the PTX version of its f8 mma.sync).
// CHECK: llvm.func @fq(
// CHECK: gpu.launch_func @fq_kernel::@fq_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) : i64
// CHECK: llvm.func @_mlir_ciface_fq
// CHECK: gpu.binary @fq_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx84">, properties = {{.*}}, assembly = "

// One thread per block of 32; pairs of elements become E4M3 with one cvt
// (round to nearest even, saturating); f32 arithmetic is explicitly rounded
// (.rn: no contraction into fma) and no libdevice function is called.
// PTX: .target sm_90
// PTX: .visible .entry fq_kernel(
// PTX-NOT: call
// PTX-COUNT-16: cvt.rn.satfinite.e4m3x2.f32
// PTX-NOT: cvt.rn.satfinite
// PTX: ret;
// SM80: .target sm_80
// SM80-NOT: cvt.rn.satfinite
// SM80: ret;
func.func @fq(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
