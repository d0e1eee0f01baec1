//===- TransformUtils.h - Helpers shared by the mx passes -------*- C++ -*-===//
//
// Part of mx-opt. Small helpers that more than one pass of
// lib/Dialect/MX/Transforms needs (mx-quantize and
// mx-instrument-calibration name tensors and pick float tensors alike).
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_DIALECT_MX_TRANSFORMS_TRANSFORMUTILS_H
#define MX_LIB_DIALECT_MX_TRANSFORMS_TRANSFORMUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <optional>
#include <string>

namespace mx {

/// The first name of a (possibly fused) location.
inline std::optional<std::string> getFirstLocationName(mlir::Location loc) {
  if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc))
    return name.getName().str();
  if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc))
    for (mlir::Location l : fused.getLocations())
      if (std::optional<std::string> n = getFirstLocationName(l))
        return n;
  return std::nullopt;
}

/// Whether `type` is a ranked tensor of f32, f16 or bf16: the float
/// tensors the passes quantize and observe.
inline bool isF32F16BF16Tensor(mlir::Type type) {
  auto t = llvm::dyn_cast<mlir::RankedTensorType>(type);
  return t && (t.getElementType().isF32() || t.getElementType().isF16() ||
               t.getElementType().isBF16());
}

} // namespace mx

#endif // MX_LIB_DIALECT_MX_TRANSFORMS_TRANSFORMUTILS_H
