//===- TosaToMX.h - Import TOSA 1.1 block-scaled ops ------------*- C++ -*-===//
//
// Part of mx-opt. tosa.cast_to_block_scaled / cast_from_block_scaled /
// matmul_t_block_scaled to mx Q/DQ and a float matmul (docs/Interop.md).
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_TOSATOMX_TOSATOMX_H
#define MX_CONVERSION_TOSATOMX_TOSATOMX_H

#include "mlir/IR/Operation.h"
#include "mlir/Pass/Pass.h"

namespace mx {

#define GEN_PASS_DECL_MXIMPORTTOSA
#include "mx/Conversion/Passes.h.inc"

/// Imports the TOSA block-scaled ops nested in `root`; emits a remark on
/// every one left alone. Returns the number of casts imported.
int64_t importTosaBlockScaled(mlir::Operation *root);

} // namespace mx

#endif // MX_CONVERSION_TOSATOMX_TOSATOMX_H
