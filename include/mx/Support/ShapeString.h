//===- ShapeString.h - Shapes in diagnostics --------------------*- C++ -*-===//
//
// Part of mx-opt. One spelling of a tensor shape in messages, shared by the
// op verifiers (MXOps.cpp) and the JIT runner's argument checks.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_SHAPESTRING_H
#define MX_SUPPORT_SHAPESTRING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <limits>
#include <string>

namespace mx {

/// A shape as 64x256, with '?' for a dynamic dimension (MLIR's
/// ShapedType::kDynamic, the smallest int64_t); "" for rank 0.
inline std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (d == std::numeric_limits<int64_t>::min())
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

} // namespace mx

#endif // MX_SUPPORT_SHAPESTRING_H
