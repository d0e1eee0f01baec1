//===- Passes.h - mx dialect transformations --------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_PASSES_H
#define MX_DIALECT_MX_TRANSFORMS_PASSES_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mx/Dialect/MX/IR/MXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mx {

#define GEN_PASS_DECL
#include "mx/Dialect/MX/Transforms/Passes.h.inc"

/// The attribute in which mx-export-entry-points records a function's
/// tensor-level type.
inline constexpr llvm::StringLiteral kSignatureAttrName = "mx.signature";

/// The argument attribute in which mx-align-kernel-args records the
/// alignment in bytes that every caller of a private function guarantees.
inline constexpr llvm::StringLiteral kAlignmentAttrName = "mx.alignment";

/// mx-on-functions-with running `pipeline` (anchored on a function op)
/// as built, without parsing its text (its passes need not be registered).
std::unique_ptr<mlir::Pass>
createMXOnFunctionsWith(llvm::ArrayRef<std::string> dialects,
                        mlir::OpPassManager pipeline);
/// The same, never selecting the call chains of outlined kernels when
/// `skipCallChains` (mx-on-functions-with{skip-call-chains}); no
/// `dialects` selects every other function.
std::unique_ptr<mlir::Pass>
createMXOnFunctionsWith(llvm::ArrayRef<std::string> dialects,
                        mlir::OpPassManager pipeline, bool skipCallChains);

/// The attribute that marks the kernel functions of mx-outline-kernels.
inline constexpr llvm::StringLiteral kKernelAttrName = "mx.kernel";

/// Alignment in bytes of the start of `buffer` (0 when unknown): an aligned
/// memref.alloc, reshapes of one, an argument of a public function
/// (`argAlignment`, what its callers guarantee) or of a private function
/// with `mx.alignment`.
int64_t knownBaseAlignment(mlir::Value buffer, int64_t argAlignment);

/// Adds the patterns that rewrite mx.fake_quant into mx.quantize followed by
/// mx.dequantize.
void populateExpandFakeQuantPatterns(mlir::RewritePatternSet &patterns);

/// Adds the patterns that rewrite front-end variants of linalg ops into the
/// forms --mx-propagate and --mx-fuse recognise (a bias linalg.add of a
/// linalg.broadcast, linalg.max / linalg.min with a splat, NCHW max
/// pooling), computing the same values. --mx-quantize applies them first.
void populateNormalizeFrontEndPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "mx/Dialect/MX/Transforms/Passes.h.inc"

} // namespace mx

#endif // MX_DIALECT_MX_TRANSFORMS_PASSES_H
