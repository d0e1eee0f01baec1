//===- TCGen05Layout.h - The scale layout of mx.tcgen05_mma -----*- C++ -*-===//
//
// Part of mx-opt. Where the block-scaled tcgen05 MMA reads its E8M0 scales
// (scale_layout = "tmem_lane_row", docs/GPU.md "Block-scaled MMA on
// sm_100a"), shared by the CPU lowering of mx.tcgen05_mma (TCGen05MMA.cpp,
// the test path) and its NVVM lowering (lib/Conversion/MXToGPU/TCGen05.cpp),
// so a wrong index breaks both in the same way and the CPU test sees it.
//
// Block j (of 32 elements along K) of row r of A (column n of B) lives in
// tensor memory at lane r (n), in the 4-column chunk of blocks
// 16 c .. 16 c + 15 (c = j / 16): column (j mod 16) / 4, byte j mod 4. The
// chunk is copied by one tcgen05.cp.128x128b from a row-major [128, 16]
// byte image in shared memory: byte 4 * column + byte of row r is lane r's
// column `column`, byte `byte` (little endian).
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_TCGEN05LAYOUT_H
#define MX_LIB_CONVERSION_MXTOVECTOR_TCGEN05LAYOUT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mx {
namespace tcgen05 {

/// Rows of A per CTA tile (tensor-memory lanes).
constexpr int64_t kM = 128;
/// Bytes of codes per row per MMA step: K = 32 f8 codes or 64 f4 codes.
constexpr int64_t kStepBytes = 32;
/// Scale blocks per chunk (one tcgen05.cp.128x128b: 16 bytes per lane).
constexpr int64_t kChunkBlocks = 16;
/// The name of the layout (the scale_layout attribute of mx.tcgen05_mma).
constexpr const char *kScaleLayout = "tmem_lane_row";

/// Byte offset of block `j` in its row's 16-byte chunk image (index
/// values): 4 * ((j mod 16) / 4) + j mod 4.
inline mlir::Value scaleImageByte(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value j) {
  auto c = [&](int64_t v) -> mlir::Value {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  };
  mlir::Value inChunk = mlir::arith::RemUIOp::create(b, loc, j, c(16));
  mlir::Value column = mlir::arith::DivUIOp::create(b, loc, inChunk, c(4));
  mlir::Value byte = mlir::arith::RemUIOp::create(b, loc, j, c(4));
  return mlir::arith::AddIOp::create(
      b, loc, mlir::arith::MulIOp::create(b, loc, column, c(4)), byte);
}

/// The tensor-memory column (within the chunk) and scale id (byte) that an
/// MMA step whose first block is `j0` names: ((j0 mod 16) / 4, j0 mod 4).
/// The instruction reads blocks j0, j0 + 1, ... of the step at bytes id,
/// id + 1, ... of that column.
inline std::pair<mlir::Value, mlir::Value>
scaleAddress(mlir::OpBuilder &b, mlir::Location loc, mlir::Value j0) {
  auto c = [&](int64_t v) -> mlir::Value {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  };
  mlir::Value inChunk = mlir::arith::RemUIOp::create(b, loc, j0, c(16));
  return {mlir::arith::DivUIOp::create(b, loc, inChunk, c(4)),
          mlir::arith::RemUIOp::create(b, loc, j0, c(4))};
}

} // namespace tcgen05
} // namespace mx

#endif // MX_LIB_CONVERSION_MXTOVECTOR_TCGEN05LAYOUT_H
