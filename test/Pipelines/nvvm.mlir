// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90" | FileCheck %s
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=PTX
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_80 features=+ptx80" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=SM80
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90 buffer-alignment=0" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=NOALIGN
// RUN: mx-opt %s --mx-lower-to-nvvm="chip=sm_90 warp-reductions=false" | grep -o 'assembly = "[^"]*"' | sed -e 's/\\0A/\n/g' -e 's/\\09/ /g' | FileCheck %s --check-prefix=TILE

// Host code launches the kernel through the CUDA runtime wrappers' ABI; the
// kernel is PTX for the chip in a gpu.binary (default features for sm_90:
// +ptx84, the PTX version of its f8 mma.sync).
// CHECK: llvm.func @fq(
// CHECK: gpu.launch_func @fq_kernel::@fq_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) : i64
// CHECK: llvm.func @_mlir_ciface_fq
// CHECK: gpu.binary @fq_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx84">, properties = {{.*}}, assembly = "

// The warp kernel (the default): one lane per pair of elements, 16 lanes per block of 32;
// the block maximum is a butterfly of shfl.sync.bfly over the 16 lanes
// (offsets 8, 4, 2, 1, full mask), then each lane converts its pair with one
// cvt (round to nearest even, saturating); f32 arithmetic is explicitly
// rounded (.rn: no contraction into fma) and no libdevice function is
// called.
// PTX: .target sm_90
// PTX: .visible .entry fq_kernel(
// PTX-NOT: call
// The lane's pair is one 8-byte load (buffers are 16-byte aligned:
// buffer-alignment, mx-gpu-buffer-alignment) and, after the cvt and the
// decode, one 8-byte store.
// PTX: ld.global.v2.b32
// PTX-NOT: ld.global
// PTX: shfl.sync.bfly.b32 {{.*}}, 8, 31, -1;
// PTX-NEXT: max.s32
// PTX: shfl.sync.bfly.b32 {{.*}}, 4, 31, -1;
// PTX: shfl.sync.bfly.b32 {{.*}}, 2, 31, -1;
// PTX: shfl.sync.bfly.b32 {{.*}}, 1, 31, -1;
// PTX-NOT: shfl
// PTX: cvt.rn.satfinite.e4m3x2.f32
// PTX-NOT: cvt.rn.satfinite
// PTX: st.global.v2.b32
// PTX-NOT: st.global
// PTX: ret;
// Without the alignment assumption: two loads and two stores of 4 bytes.
// NOALIGN: .visible .entry fq_kernel(
// NOALIGN-COUNT-2: ld.global.b32
// NOALIGN-NOT: ld.global.v2
// NOALIGN-COUNT-2: st.global.b32
// NOALIGN-NOT: st.global.v2

// Without warp reductions (warp-reductions=false): one thread per block of 32, 16 cvt.
// TILE: .visible .entry fq_kernel(
// TILE-NOT: shfl
// TILE-COUNT-16: cvt.rn.satfinite.e4m3x2.f32
// TILE-NOT: cvt.rn.satfinite
// TILE: ret;
// SM80 (no f8 cvt): the same warp kernel with the integer conversion.
// SM80: .target sm_80
// SM80: shfl.sync.bfly.b32
// SM80-NOT: cvt.rn.satfinite
// SM80: ret;
func.func @fq(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3", axis = 1 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
