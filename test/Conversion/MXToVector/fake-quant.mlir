// RUN: mx-opt %s --convert-mx-to-vector --canonicalize --cse | FileCheck %s
// RUN: mx-opt %s --mx-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// Blocks along the last axis: one block per vector<32xf32> tile, four blocks
// per iteration: their maxima (horizontal vector.reduction) go into one
// vector<4xi32> and the scale math runs once for the four.
// CHECK-LABEL: func @last_axis
// CHECK-NOT: mx.
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-4: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<64x256xf32>, vector<32xf32>
// CHECK: %[[M:.*]] = vector.from_elements %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi32>
// CHECK: math.ctlz %{{.*}} : vector<4xi32>
// CHECK: vector.extract %{{.*}}[0] : f32 from vector<4xf32>
// CHECK: arith.mulf %{{.*}} : vector<32xf32>
// CHECK-COUNT-4: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<64x256xf32>
// The LLVM code keeps the vectors: 32 lanes of f32 (two zmm registers).
// LLVM-LABEL: llvm.func @last_axis
// LLVM: llvm.load %{{.*}} : !llvm.ptr -> vector<32xf32>
// LLVM: "llvm.intr.vector.reduce.umax"(%{{.*}}) : (vector<32xi32>) -> i32
// LLVM: llvm.store %{{.*}}, %{{.*}} : vector<32xf32>, !llvm.ptr
func.func @last_axis(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// Rows shorter than four blocks group fewer blocks (no block of a group
// always out of bounds): rows of one block run one block per iteration,
// unmasked; rows of two blocks, two.
// CHECK-LABEL: func @one_block_rows
// CHECK-NOT: vector<4xi32>
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<8x32xf32>, vector<32xf32>
// CHECK-NOT: vector.transfer_read
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<8x32xf32>
// CHECK-NOT: vector.transfer_write
// CHECK-LABEL: func @two_block_rows
// CHECK-COUNT-2: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<8x64xf32>, vector<32xf32>
// CHECK: vector.from_elements %{{.*}}, %{{.*}} : vector<2xi32>
func.func @one_block_rows(%x: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}
func.func @two_block_rows(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %y = mx.fake_quant %x {format = "mxfp8_e4m3"} : tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// A last dimension that is not a multiple of the block: masked tiles.
// CHECK-LABEL: func @partial_block
// CHECK: vector.transfer_read %{{.*}}, %{{.*}} : tensor<8x200xf32>, vector<32xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}] : vector<32xf32>, tensor<8x200xf32>
func.func @partial_block(%x: tensor<8x200xf32>) -> tensor<8x200xf32> {
  %y = mx.fake_quant %x {format = "mxfp4_e2m1"} : tensor<8x200xf32>
  return %y : tensor<8x200xf32>
}

// Blocks along another axis, at most 16 rows long: vector<16x16xf32> tiles
// (16 independent blocks side by side), vertical reductions, elementwise
// rows of 16 lanes.
// CHECK-LABEL: func @first_axis_short
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true, true]} : tensor<1x64x256xf32>, vector<16x16xf32>
// CHECK: vector.multi_reduction <maxui>, %{{.*}} [0] : vector<16x16xi32> to vector<16xi32>
// CHECK: vector.extract %{{.*}}[0] : vector<16xf32> from vector<16x16xf32>
// CHECK: math.roundeven %{{.*}} : vector<16xf32>
func.func @first_axis_short(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = #mx.format<mxint8, block = 16>, axis = 0 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// In a small tensor (at most 64K elements), longer blocks along another
// axis (the MX formats' 32) are not unrolled (the code of a tile grows with
// its rows, and a small tensor gains little from it): a loop over the
// block's rows takes the maximum of 16 blocks side by side, a second one
// quantizes the rows (read again from the cache).
// CHECK-LABEL: func @first_axis
// CHECK-NOT: vector<32x16xf32>
// CHECK: scf.for {{.*}} -> (vector<16xi32>)
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x64x256xf32>, vector<16xf32>
// CHECK: arith.maxui %{{.*}} : vector<16xi32>
// CHECK: scf.for {{.*}} -> (tensor<1x64x256xf32>)
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x64x256xf32>, vector<16xf32>
// CHECK: math.roundeven %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<1x64x256xf32>
// CHECK-NOT: vector<32x16xf32>
func.func @first_axis(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "mxint8", axis = 0 : i64} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// In a larger tensor the 32-row tile pays for its code.
// CHECK-LABEL: func @first_axis_large
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true, true]} : tensor<1x512x256xf32>, vector<32x16xf32>
// CHECK: vector.multi_reduction <maxui>, %{{.*}} [0] : vector<32x16xi32> to vector<16xi32>
func.func @first_axis_large(%x: tensor<512x256xf32>) -> tensor<512x256xf32> {
  %y = mx.fake_quant %x {format = "mxint8", axis = 0 : i64} : tensor<512x256xf32>
  return %y : tensor<512x256xf32>
}

// Shared microexponents: 16 blocks of 16 per iteration transposed in
// registers (lane blocks: the first stage of the transpose swaps 8-lane
// halves), then block and sub-block maxima by vertical reductions over the
// [16 x 16] tile (one block per lane).
// CHECK-LABEL: func @microexponents
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] : vector<16xf32>, vector<16xf32>
// CHECK: vector.multi_reduction <maxui>, %{{.*}} [0] : vector<16x16xi32> to vector<16xi32>
// CHECK: vector.shape_cast %{{.*}} : vector<16x16xi32> to vector<8x2x16xi32>
// CHECK: vector.multi_reduction <maxui>, %{{.*}} [1] : vector<8x2x16xi32> to vector<8x16xi32>
func.func @microexponents(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = mx.fake_quant %x {format = "mx6"} : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// Per-tensor INT8: a reduction pass over a 1-D view, then an elementwise
// pass, both on vector<64xf32> (64 divides the size; whole cache lines of
// codes per store).
// CHECK-LABEL: func @per_tensor
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<64x256xf32> into tensor<16384xf32>
// CHECK: scf.for {{.*}} -> (vector<64xi32>)
// CHECK: vector.reduction <maxui>, %{{.*}} : vector<64xi32> into i32
// CHECK: scf.for {{.*}} -> (tensor<16384xf32>)
// CHECK: math.roundeven %{{.*}} : vector<64xf32>
func.func @per_tensor(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "int8"} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// NVFP4: the tensor scale first, then E4M3 block scales over 16 elements.
// CHECK-LABEL: func @nvfp4
// CHECK: scf.for {{.*}} -> (vector<64xi32>)
// CHECK: arith.divf %{{.*}} : f32
// CHECK: vector.transfer_read %{{.*}} : tensor<64x256xf32>, vector<16xf32>
func.func @nvfp4(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = mx.fake_quant %x {format = "nvfp4"} : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// f16 input: extended to f32 exactly, truncated back.
// CHECK-LABEL: func @half
// CHECK: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
// CHECK: arith.truncf %{{.*}} : vector<32xf32> to vector<32xf16>
func.func @half(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %y = mx.fake_quant %x {format = "mxfp6_e3m2"} : tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}

// A quantize -> dequantize pair lowers like the fake quantization it is.
// CHECK-LABEL: func @pair
// CHECK-NOT: mx.
// CHECK: vector.reduction <maxui>
func.func @pair(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
  %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
