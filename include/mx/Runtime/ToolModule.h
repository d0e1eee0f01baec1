//===- ToolModule.h - The model file of a JIT tool --------------*- C++ -*-===//
//
// Part of mx-opt. mx-run and mx-calibrate read one MLIR file with every
// upstream dialect and mx, and print later diagnostics (of the passes they
// run) with source lines: this header holds that set-up once.
//
//===----------------------------------------------------------------------===//

#ifndef MX_RUNTIME_TOOLMODULE_H
#define MX_RUNTIME_TOOLMODULE_H

#include "mx/InitMX.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <string>

namespace mx {

/// The dialects a tool parses models with: every upstream dialect and
/// extension, and mx.
inline void registerToolDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerMXDialect(registry);
}

/// A model file parsed into a context. While it lives, the context's
/// diagnostics are printed with their source lines. Declare it after the
/// context (it must be destroyed first).
class ToolModule {
  llvm::SourceMgr sourceMgr;
  std::optional<mlir::SourceMgrDiagnosticHandler> diagHandler;

public:
  mlir::OwningOpRef<mlir::ModuleOp> module;

  /// Reads `path` ('-': stdin). Fails with `errorMessage` set when the file
  /// cannot be opened, and with it empty when the file does not parse (the
  /// parser printed the diagnostic).
  mlir::LogicalResult parse(llvm::StringRef path, mlir::MLIRContext &context,
                            std::string &errorMessage) {
    auto file = mlir::openInputFile(path, &errorMessage);
    if (!file)
      return mlir::failure();
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    diagHandler.emplace(sourceMgr, &context);
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    return mlir::success(static_cast<bool>(module));
  }
};

} // namespace mx

#endif // MX_RUNTIME_TOOLMODULE_H
