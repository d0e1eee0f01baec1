//===- ContractGemv.h - Decode-shape kernels for mx.contract ----*- C++ -*-===//
//
// Part of mx-opt. mx.contract in matmul form with few rows (M <= 4, the
// decode shape of a language model) as a matrix-vector product that reads
// the weights in their stored layout, once (docs/Lowering.md, "Decode-shape
// kernels").
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOVECTOR_CONTRACTGEMV_H
#define MX_CONVERSION_MXTOVECTOR_CONTRACTGEMV_H

#include "mx/Conversion/MXToVector/ContractKernels.h"

namespace mx {

/// Rows of the result up to which the decode-shape kernels apply.
constexpr int64_t kGemvMaxRows = 4;

/// emitContractKernel (ContractKernels.h) for decode shapes: the
/// accumulator computed by a decode-shape kernel, or a null Value when none
/// applies (not matmul form, more than kGemvMaxRows rows, padding,
/// bias_init, or `options.target` is None).
ContractKernelFn emitContractGemv;

} // namespace mx

#endif // MX_CONVERSION_MXTOVECTOR_CONTRACTGEMV_H
