//===- QuantToMX.h - Import and export upstream quant -----------*- C++ -*-===//
//
// Part of mx-opt. Upstream `quant` Q/DQ to mx and back (docs/Interop.md).
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_QUANTTOMX_QUANTTOMX_H
#define MX_CONVERSION_QUANTTOMX_QUANTTOMX_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mx {

#define GEN_PASS_DECL_MXIMPORTQUANT
#define GEN_PASS_DECL_MXEXPORTQUANT
#include "mx/Conversion/Passes.h.inc"

/// An upstream quantized tensor type in mx terms: the `!mx.q` tensor type
/// and the static scales and zero points (null when symmetric) in the
/// shape of its storage parts.
struct ImportedQuantType {
  mlir::RankedTensorType type;
  mlir::DenseFPElementsAttr scales;
  mlir::DenseIntElementsAttr zeroPoints;
};

/// Converts `tensor<S x !quant.uniform<...>>` to mx; on failure `reason`
/// says what mx cannot represent.
mlir::FailureOr<ImportedQuantType> importQuantTensorType(mlir::Type type,
                                                         std::string &reason);

/// The `!quant.uniform` tensor type for the mx quantized tensor type
/// `type` with the static `scales` and `zeroPoints` (null when the format
/// has none) over `expressed` floats; on failure `reason` says why
/// upstream cannot represent it.
mlir::FailureOr<mlir::RankedTensorType>
exportQuantTensorType(mlir::RankedTensorType type, mlir::Type expressed,
                      mlir::DenseFPElementsAttr scales,
                      mlir::DenseIntElementsAttr zeroPoints,
                      std::string &reason);

/// Patterns that rewrite quant.qcast / quant.scast (integer to quantized)
/// and their quant.dcast / quant.scast users into mx ops.
void populateQuantToMXPatterns(mlir::RewritePatternSet &patterns);

/// Patterns that rewrite mx.quantize with static INT8 scales (and
/// mx.assemble with constant scales) and their users into upstream quant.
void populateMXToQuantPatterns(mlir::RewritePatternSet &patterns);

} // namespace mx

#endif // MX_CONVERSION_QUANTTOMX_QUANTTOMX_H
