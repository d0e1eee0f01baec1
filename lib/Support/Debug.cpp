//===- Debug.cpp - --debug / --debug-only for release LLVM ----------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Debug.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"

#include <string>
#include <vector>

// In release builds of LLVM these functions exist in libLLVM but Debug.h
// replaces their declarations with macros; declare them again, with the
// names parenthesized so the macros do not apply.
#ifdef NDEBUG
namespace llvm {
bool(isCurrentDebugType)(const char *type, int level);
void(setCurrentDebugTypes)(const char **types, unsigned count);
} // namespace llvm
#endif

bool mx::detail::isDebugTypeSelected(const char *type) {
  return (llvm::isCurrentDebugType)(type, 0);
}

namespace {
/// Storage for the selected types: setCurrentDebugTypes keeps the pointers.
std::vector<std::string> &debugTypeStorage() {
  static std::vector<std::string> storage;
  return storage;
}

} // namespace

void mx::registerDebugOptions() {
  auto options = llvm::cl::getRegisteredOptions();
  if (options.count("debug") || options.count("debug-only"))
    return;
  static llvm::cl::opt<bool, true> debug(
      "debug", llvm::cl::desc("Print all debug output of mx passes"),
      llvm::cl::location(llvm::DebugFlag), llvm::cl::Hidden);
  static llvm::cl::list<std::string> debugOnly(
      "debug-only",
      llvm::cl::desc("Print the debug output of the given DEBUG_TYPEs only "
                     "(comma-separated, e.g. mx-expand-fake-quant)"),
      llvm::cl::CommaSeparated, llvm::cl::value_desc("type"),
      llvm::cl::callback([](const std::string &type) {
        llvm::DebugFlag = true;
        std::vector<std::string> &storage = debugTypeStorage();
        storage.push_back(type);
        std::vector<const char *> ptrs;
        for (const std::string &s : storage)
          ptrs.push_back(s.c_str());
        (llvm::setCurrentDebugTypes)(ptrs.data(), ptrs.size());
      }));
}
