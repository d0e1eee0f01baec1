//===- MXDialect.h - mx dialect ---------------------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXDIALECT_H
#define MX_DIALECT_MX_IR_MXDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "mx/Dialect/MX/IR/MXDialect.h.inc"

#endif // MX_DIALECT_MX_IR_MXDIALECT_H
