//===- Common.h - Steps shared by the mx pipelines --------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PIPELINES_COMMON_H
#define MX_PIPELINES_COMMON_H

#include "mlir/Pass/PassManager.h"

namespace mx {

/// One-shot bufferization of the whole module, function boundaries
/// included, with identity layouts on function arguments and results, then
/// a canonicalization that drops the loop-carried memrefs that only forward
/// a buffer (so results are the allocations themselves). The CPU and the
/// NVVM pipelines share it.
void addFunctionBoundaryBufferization(mlir::OpPassManager &pm);

} // namespace mx

#endif // MX_PIPELINES_COMMON_H
