//===- ContractResult.h - The result of a tiled mx.contract ------*- C++
//-*-===//
//
// Shared by the GPU tilings of mx.contract (warp tiles of mx.warp_mma and
// CTA tiles of mx.tcgen05_mma): both compute the f32 result and then
// replace the contract with it, re-quantized like the contract's result.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOGPU_CONTRACTRESULT_H
#define MX_LIB_CONVERSION_MXTOGPU_CONTRACTRESULT_H

#include "mx/Dialect/MX/IR/MXOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mx {

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
