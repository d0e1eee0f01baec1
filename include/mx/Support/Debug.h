//===- Debug.h - Debug output that works in release builds ------*- C++ -*-===//
//
// Part of mx-opt. Debian's LLVM is built without assertions, so LLVM_DEBUG
// compiles to nothing and `-debug-only` does not exist. MX_DEBUG behaves like
// LLVM_DEBUG in every build: it prints when llvm::DebugFlag is set and
// DEBUG_TYPE is selected, which the tools do for `--debug` and
// `--debug-only=TYPE[,TYPE...]` (see mx/Tools/DebugOptions.h).
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_DEBUG_H
#define MX_SUPPORT_DEBUG_H

#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

namespace mx::detail {
/// llvm::isCurrentDebugType, which release builds of LLVM still export but
/// hide behind a macro.
bool isDebugTypeSelected(const char *type);
} // namespace mx::detail

#define MX_DEBUG(X)                                                            \
  do {                                                                         \
    if (::llvm::DebugFlag && ::mx::detail::isDebugTypeSelected(DEBUG_TYPE)) {  \
      X;                                                                       \
    }                                                                          \
  } while (false)

namespace mx {
/// Registers `--debug` and `--debug-only=TYPE[,TYPE...]` with llvm::cl when
/// the LLVM in use does not provide them (release builds), wiring them to
/// llvm::DebugFlag and llvm::setCurrentDebugTypes. Call before parsing the
/// command line.
void registerDebugOptions();
} // namespace mx

#endif // MX_SUPPORT_DEBUG_H
