//===- ExportEntryPoints.cpp - C entry points with recorded signatures ----===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mx {
#define GEN_PASS_DEF_MXEXPORTENTRYPOINTS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {
struct MXExportEntryPointsPass
    : mx::impl::MXExportEntryPointsBase<MXExportEntryPointsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      func->setAttr("llvm.emit_c_interface", UnitAttr::get(&getContext()));
      if (!func->hasAttr(mx::kSignatureAttrName))
        func->setAttr(mx::kSignatureAttrName,
                      TypeAttr::get(func.getFunctionType()));
    }
  }
};
} // namespace
