//===- ContractResult.h - The result of a tiled mx.contract ------*- C++
//-*-===//
//
// Shared by the GPU tilings of mx.contract (warp tiles of mx.warp_mma and
// CTA tiles of mx.tcgen05_mma): both gather their operands' codes into
// i8 tiles, compute the f32 result and then replace the contract with it,
// re-quantized like the contract's result.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOGPU_CONTRACTRESULT_H
#define MX_LIB_CONVERSION_MXTOGPU_CONTRACTRESULT_H

#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Dialect/MX/IR/MXOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mx {

/// A 2-D i8 tensor of `shape` whose element (i, j) is `body(b, i, j)`
/// (tensor.generate): the padded code and scale tiles of the tilings.
inline mlir::Value generateI8Tile(
    mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Value, mlir::Value)>
        body) {
  return mlir::tensor::GenerateOp::create(
             b, loc, mlir::RankedTensorType::get(shape, b.getI8Type()),
             mlir::ValueRange{},
             [&](mlir::OpBuilder &nested, mlir::Location,
                 mlir::ValueRange ivs) {
               mlir::tensor::YieldOp::create(nested, loc,
                                             body(nested, ivs[0], ivs[1]));
             })
      .getResult();
}

/// emitContractEpilogue on the f32 result element `x` whose indices the
/// operand maps give through `at` (a map over the contraction's loops ->
/// the indices of that operand's element): the bias and residual values
/// are read there.
inline mlir::Value emitContractEpilogueAt(
    mlir::OpBuilder &b, mlir::Location loc, ContractOp op, mlir::Value x,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::AffineMap)> at) {
  mlir::Value bias, residual;
  if (op.getBias())
    bias = mlir::tensor::ExtractOp::create(b, loc, op.getBias(),
                                           at(*op.getBiasMap()));
  if (op.getResidual())
    residual = mlir::tensor::ExtractOp::create(
        b, loc, op.getResidual(),
        at(llvm::cast<mlir::AffineMapAttr>(op.getIndexingMaps()[2])
               .getValue()));
  return emitContractEpilogue(b, loc, op, x, bias, residual);
}

/// Replaces `op` by `result` (its f32 value). A quantized contract result
/// becomes an mx.quantize of `result` with the contract's static output
/// scale(s) and zero points, lowered afterwards by the same conversion
/// (tile by tile).
inline void replaceContractWithF32Result(mlir::PatternRewriter &rewriter,
                                         ContractOp op, mlir::Value result) {
  if (!op.getResultQuantizedType()) {
    rewriter.replaceOp(op, result);
    return;
  }
  auto q =
      QuantizeOp::create(rewriter, op.getLoc(), op.getResultType(), result);
  if (op.getOutputScale())
    q.setStaticScaleAttr(op.getOutputScaleAttr());
  if (op.getOutputScales())
    q.setStaticScalesAttr(*op.getOutputScales());
  if (op.getOutputZeroPoints())
    q.setStaticZeroPointsAttr(*op.getOutputZeroPoints());
  rewriter.replaceOp(op, q.getResult());
}

} // namespace mx

#endif // MX_LIB_CONVERSION_MXTOGPU_CONTRACTRESULT_H
