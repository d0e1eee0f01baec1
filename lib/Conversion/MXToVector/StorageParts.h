//===- StorageParts.h - Shared helpers of the 1:N storage patterns -*- C++ -*-//
//
// Part of mx-opt. The data-movement patterns of convert-mx-to-vector
// (DataMovement.cpp, and the tensor reshapes and slices in MXToVector.cpp)
// apply one operation to every storage part of a quantized tensor (data,
// scales, [microexponents], [tensor scale], [zero points]): these helpers
// hold the part loop and the offset arithmetic they share.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_STORAGEPARTS_H
#define MX_LIB_CONVERSION_MXTOVECTOR_STORAGEPARTS_H

#include "mx/Dialect/MX/IR/MXTypes.h"
#include "mx/Support/Format.h"
#include "mx/Support/Quantize.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mx {

/// The element codes of a packed row of the data part (numerics.md section
/// 5: 8-bit one per byte, 4-bit two per byte, 6-bit four per three bytes):
/// vector<bytes of n elements x i8> -> vector<n x i32>. MXToVector.cpp.
mlir::Value unpackRow(mlir::OpBuilder &b, mlir::Location loc, mlir::Value bytes,
                      int64_t n, unsigned bits);

/// The storage types of `resultType`, the quantized result of a
/// data-movement mx op, which the CPU lowering needs static; emits "needs
/// static shapes in the CPU lowering" otherwise.
inline mlir::FailureOr<llvm::SmallVector<mlir::RankedTensorType>>
getStaticStorageTypes(mlir::Operation *op, mlir::RankedTensorType resultType) {
  if (!resultType.hasStaticShape())
    return op->emitOpError("needs static shapes in the CPU lowering");
  return llvm::cast<QuantizedType>(resultType.getElementType())
      .getStorageTypes(resultType.getShape());
}

/// Replaces `op` by the storage parts `parts` with the data (part 0)
/// replaced by `data`: ops on the codes alone keep the scales.
inline void replaceData(mlir::Operation *op, mlir::ValueRange parts,
                        mlir::Value data,
                        mlir::ConversionPatternRewriter &rewriter) {
  llvm::SmallVector<mlir::Value> results(parts.begin(), parts.end());
  results.front() = data;
  rewriter.replaceOpWithMultiple(op, {results});
}

/// Replaces `op` by its storage parts moved one by one: part `i` becomes
/// `build(i, part, outTypes[i])` when `moves(partType, outTypes[i])`, and
/// otherwise passes through when its type already is `outTypes[i]`; any
/// other part is an error "cannot `verb` the storage part ... to ...".
/// `build` returns failure after emitting its own error.
template <typename MovesFn, typename BuildFn>
mlir::LogicalResult replaceWithMovedParts(
    mlir::Operation *op, mlir::ValueRange parts,
    llvm::ArrayRef<mlir::RankedTensorType> outTypes, llvm::StringRef verb,
    mlir::ConversionPatternRewriter &rewriter, MovesFn moves, BuildFn build) {
  llvm::SmallVector<mlir::Value> results;
  for (auto [index, part, outType] : llvm::enumerate(parts, outTypes)) {
    auto partType = llvm::cast<mlir::RankedTensorType>(part.getType());
    if (!moves(partType, outType)) {
      if (partType != outType)
        return op->emitOpError("cannot ")
               << verb << " the storage part " << partType << " to " << outType;
      results.push_back(part);
      continue;
    }
    mlir::FailureOr<mlir::Value> moved =
        build(static_cast<unsigned>(index), part, outType);
    if (mlir::failed(moved))
      return mlir::failure();
    results.push_back(*moved);
  }
  rewriter.replaceOpWithMultiple(op, {results});
  return mlir::success();
}

/// The offsets in storage part `index` (of rank `partRank`) of the element
/// at `offsets` of a quantized tensor with quantization axis `axis`: one
/// getStoragePartOffset a dimension; a part of lower rank (per-channel
/// scales, [C]) is indexed along the axis.
inline llvm::SmallVector<int64_t>
getStoragePartOffsets(const FormatSpec &spec, int64_t axis, unsigned index,
                      int64_t partRank, llvm::ArrayRef<int64_t> offsets) {
  int64_t rank = offsets.size();
  llvm::SmallVector<int64_t> partOffsets;
  for (int64_t d = 0; d < partRank; ++d) {
    int64_t srcDim = index == 0 || partRank == rank ? d : axis;
    partOffsets.push_back(
        getStoragePartOffset(spec, axis, index, srcDim, rank, offsets[srcDim]));
  }
  return partOffsets;
}

} // namespace mx

#endif // MX_LIB_CONVERSION_MXTOVECTOR_STORAGEPARTS_H
