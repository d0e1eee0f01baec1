//===- MXAttrs.h - mx dialect attributes ------------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXATTRS_H
#define MX_DIALECT_MX_IR_MXATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mx/Support/Format.h"

#include "mx/Dialect/MX/IR/MXEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mx/Dialect/MX/IR/MXAttrs.h.inc"

#endif // MX_DIALECT_MX_IR_MXATTRS_H
