//===- WarpMMA.h - Shared pieces of the mx.warp_mma lowerings ---*- C++ -*-===//
//
// Part of mx-opt. The element decoding, fragment geometry and scale
// application of mx.warp_mma, shared by its CPU lowering (WarpMMA.cpp here)
// and its NVVM lowering (lib/Conversion/MXToGPU/WarpMMAToNVVM.cpp), so both
// compute the same values around the tensor-core instruction.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_WARPMMA_H
#define MX_LIB_CONVERSION_MXTOVECTOR_WARPMMA_H

#include "mx/Support/Format.h"

#include "mlir/IR/Builders.h"

namespace mx {
namespace warp_mma {

/// Tile geometry: a warp computes M x N outputs per K slice.
constexpr int64_t kM = 16, kN = 8, kK = 32;

/// Row and column (index values) of accumulator element `r` (0..3) of
/// `lane`: (lane / 4 + 8 * (r / 2), 2 * (lane % 4) + r % 2).
std::pair<mlir::Value, mlir::Value> accumulatorPosition(mlir::OpBuilder &b,
                                                        mlir::Location loc,
                                                        mlir::Value lane,
                                                        int64_t r);

/// The element code (i32, zero-extended; the nibble for 4-bit elements) at
/// (row, col) of a tile stored as `tile` (packed along its last dimension).
mlir::Value loadCode(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tile,
                     mlir::Value row, mlir::Value col, const FormatSpec &spec);

/// The unscaled value (f32, exact) of an element code of a float format.
mlir::Value elementValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value code, const FormatSpec &spec);

/// The signed integer (i32) of an int8 element code.
mlir::Value integerValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value code);

/// acc + sum * 2^(sa - 127) * 2^(sb - 127) (times 2^-12 for MXINT8, whose
/// codes are integers times 2^-6), with `sum` the f32 sum of the unscaled
/// element products of one K slice and sa, sb the E8M0 codes (i8 values;
/// 0xFF makes the result NaN).
mlir::Value applyScales(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                        mlir::Value sum, mlir::Value sa, mlir::Value sb,
                        const FormatSpec &spec);

/// applyScales for output (row, col) of a slice: `sum` (i32 for integer
/// codes, converted to f32 here, else f32) scaled by the row's code in
/// `aScales` and the column's in `bScales` (the tile's scale tensors) and
/// added to `acc`.
mlir::Value applySliceScales(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value acc, mlir::Value sum,
                             bool integerCodes, mlir::Value aScales,
                             mlir::Value row, mlir::Value bScales,
                             mlir::Value col, const FormatSpec &spec);

/// The block-scaled mma.sync scale layout (#mx.warp_scale_layout<
/// m16n8k32_x1>, byte-id 0, thread-id 0): the 32-bit scale register `lane`
/// passes for A (`isA`, byte 0: the code of row lane / 4 + 8 * (lane % 2)
/// of the 16-long `tile`) or for B (byte 0: the code of column lane / 4 of
/// the 8-long `tile`); the other bytes are 0.
mlir::Value scaleRegister(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tile, mlir::Value lane, bool isA);

/// What the block-scaled mma.sync reads as the E8M0 code (i8) of row
/// `index` of A (`isA`) or column `index` of B: byte 0 of the scale register
/// of lane 4 * (index % 8) + index / 8 (A) or lane 4 * index (B), that
/// register built by scaleRegister from `tile` (the CPU emulation of the
/// instruction's scale operands: a register built for the wrong rows
/// changes the result).
mlir::Value scaleFromRegisters(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value tile, mlir::Value index, bool isA);

} // namespace warp_mma
} // namespace mx

#endif // MX_LIB_CONVERSION_MXTOVECTOR_WARPMMA_H
