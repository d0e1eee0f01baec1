//===- MXTypes.h - mx dialect types -----------------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXTYPES_H
#define MX_DIALECT_MX_IR_MXTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "mx/Dialect/MX/IR/MXAttrs.h"

#define GET_TYPEDEF_CLASSES
#include "mx/Dialect/MX/IR/MXTypes.h.inc"

#endif // MX_DIALECT_MX_IR_MXTYPES_H
