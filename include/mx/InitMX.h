//===- InitMX.h - Register the mx dialect and passes ------------*- C++ -*-===//
//
// Part of mx-opt. The public entry points for tools that embed mx: add the
// dialect (and the interfaces it attaches to upstream dialects) to a
// registry, and register every mx pass and pipeline with the global pass
// registry so that `--mx-...` options and pass-pipeline strings find them.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INITMX_H
#define MX_INITMX_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mx {
/// Adds the mx dialect and its extensions to `registry`.
void registerMXDialect(mlir::DialectRegistry &registry);
/// Registers every mx pass and named pipeline.
void registerMXPasses();
} // namespace mx

#endif // MX_INITMX_H
