//===- BarePtr.h - The llvm.bareptr convention of private kernels -*- C++
//-*-===//
//
// Part of mx-opt. mx-bare-ptr-kernels marks the kernels that take their
// buffers as bare pointers; mx-finalize-to-llvm lowers the call chains of
// such kernels directly. Both read and write the mark through these.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_DIALECT_MX_TRANSFORMS_BAREPTR_H
#define MX_LIB_DIALECT_MX_TRANSFORMS_BAREPTR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace mx {

/// The attribute that convert-func-to-llvm reads (FuncToLLVM.cpp): the
/// function's memref arguments are passed as one aligned pointer each.
inline constexpr llvm::StringLiteral kBarePtrAttrName = "llvm.bareptr";

/// Whether `func` has the bare-pointer calling convention.
inline bool hasBarePtrConvention(mlir::Operation *func) {
  return func->hasAttr(kBarePtrAttrName);
}

/// Gives `func` the bare-pointer calling convention.
inline void setBarePtrConvention(mlir::Operation *func) {
  func->setAttr(kBarePtrAttrName, mlir::UnitAttr::get(func->getContext()));
}

} // namespace mx

#endif // MX_LIB_DIALECT_MX_TRANSFORMS_BAREPTR_H
