//===- TileFormats.h - Per-block numerics on vector tiles -------*- C++ -*-===//
//
// Part of mx-opt. A TileFormat computes a block's scale for a vector tile
// (from the data, or from stored scales) and applies the element functions
// of mx/Support/Numerics.h to the tile's rows. Dim 0 of a tile is the block
// axis: vector<K> (one block) or vector<K x V> (V blocks side by side).
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_TILEFORMATS_H
#define MX_LIB_CONVERSION_MXTOVECTOR_TILEFORMATS_H

#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Support/Format.h"

#include "mlir/IR/Builders.h"

#include <memory>

namespace mx {

/// Per-row context: the row's index in a 2-D tile (-1 for a whole 1-D tile)
/// and a function that spreads a per-block value over the row.
struct RowContext {
  int64_t index;
  llvm::function_ref<mlir::Value(mlir::Value)> spread;
};

class TileFormat {
public:
  virtual ~TileFormat() = default;

  /// Computes the block scales of an f32 tile.
  virtual void fromData(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value tile) = 0;
  /// Whether the scales follow from each block's absolute maximum alone, so
  /// several 1-D blocks can share one vector of scales (fromBlockMax).
  virtual bool scalesFromMaxOnly() const { return true; }
  /// Computes the scales of blocks from the bits of their absolute maxima
  /// (a scalar, or a vector with one lane per block).
  virtual void fromBlockMax(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value amaxBits) {}
  /// Takes the block scales from storage: `scale` has the block shape (i32
  /// codes, or f32 for INT8), `micro` the sub-block shape (sm formats).
  virtual void fromStorage(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value scale, mlir::Value micro) = 0;

  /// Element functions on one row (f32 in; i32 codes for encode).
  virtual mlir::Value fakeQuant(NumericsEmitter &t, mlir::Value row,
                                const RowContext &ctx) = 0;
  virtual mlir::Value encode(NumericsEmitter &t, mlir::Value row,
                             const RowContext &ctx) = 0;
  virtual mlir::Value decode(NumericsEmitter &t, mlir::Value codes,
                             const RowContext &ctx) = 0;

  /// The block-shaped scale to store (i32 code or f32).
  virtual mlir::Value getStoredScale() = 0;
  /// The sub-block microexponents to store (i32), or null.
  virtual mlir::Value getStoredMicro() { return {}; }
  /// Whether scales are stored as f32 (else as i8 codes).
  virtual bool scaleIsF32() const { return false; }
};

/// The tile format for a block format. `tensorScale` is the scalar f32
/// per-tensor scale of `tensor_scale = true` formats (null otherwise): the
/// tensor scale under NVFP4's E4M3 block scales, the pre-scale of an MX
/// format. Returns null for
/// formats without block tiles (per-tensor and per-channel INT8).
std::unique_ptr<TileFormat> createTileFormat(const FormatSpec &spec,
                                             mlir::Value tensorScale);

/// The E4M3-scaled format of `spec` (NVFP4) whose fake quantization uses
/// threshold encoding (Numerics.h, "Threshold encoding"), or null when it
/// does not apply to the element. Exact only where
/// thresholdsExactFor(tensorScale) holds.
std::unique_ptr<TileFormat> createThresholdTileFormat(const FormatSpec &spec,
                                                      mlir::Value tensorScale);

/// The bits of the absolute maximum of a 1-D tile (a shuffle-tree
/// reduction); NaN and Inf order above every finite value.
mlir::Value blockAmaxBits1D(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value tile);

/// The RowContext of block `r` of a group whose per-block values have one
/// lane per block: values are extracted and broadcast over `rowShape`.
mlir::Value spreadLane(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       int64_t lane, llvm::ArrayRef<int64_t> rowShape);

/// Runs `fn` on the rows of `tile` and reassembles the results.
mlir::Value
mapRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tile,
        llvm::function_ref<mlir::Value(NumericsEmitter &, mlir::Value,
                                       const RowContext &)>
            fn);

} // namespace mx

#endif // MX_LIB_CONVERSION_MXTOVECTOR_TILEFORMATS_H
