//===- MXInterfaces.h - mx interfaces ---------------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXINTERFACES_H
#define MX_DIALECT_MX_IR_MXINTERFACES_H

#include "mx/Dialect/MX/IR/MXTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OpDefinition.h"

#include <cstdint>
#include <string>

namespace mx {
/// A fixed per-tensor INT8 quantization (static INT8): codes are
/// clamp(round(x / scale) + zeroPoint, qmin, qmax) with a compile-time
/// positive scale and integer zero point.
struct StaticScale {
  float scale = 1.0f;
  int64_t zeroPoint = 0;
  bool operator==(const StaticScale &o) const {
    return scale == o.scale && zeroPoint == o.zeroPoint;
  }
};
} // namespace mx

#include "mx/Dialect/MX/IR/MXInterfaces.h.inc"

namespace mx {
/// Attaches QuantCommutingOpInterface to upstream ops (tensor reshapes).
void registerQuantCommutingExternalModels(mlir::DialectRegistry &registry);
} // namespace mx

#endif // MX_DIALECT_MX_IR_MXINTERFACES_H
