//===- OnFunctionsWith.cpp - A pipeline on the functions that need it -----===//
//
// Part of mx-opt. See the description of mx-on-functions-with in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringSet.h"

namespace mx {
#define GEN_PASS_DEF_MXONFUNCTIONSWITH
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

struct MXOnFunctionsWithPass
    : mx::impl::MXOnFunctionsWithBase<MXOnFunctionsWithPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    // Errors are reported by initialize().
    std::string ignored;
    llvm::raw_string_ostream os(ignored);
    FailureOr<OpPassManager> pm = parsePassPipeline(pipeline, os);
    if (succeeded(pm))
      pm->getDependentDialects(registry);
  }

  LogicalResult initialize(MLIRContext *context) override {
    std::string message;
    llvm::raw_string_ostream os(message);
    FailureOr<OpPassManager> pm = parsePassPipeline(pipeline, os);
    if (failed(pm))
      return emitError(UnknownLoc::get(context))
             << "mx-on-functions-with: cannot parse pipeline '" << pipeline
             << "': " << message;
    std::optional<OperationName> anchor = pm->getOpName(*context);
    if (!anchor || anchor->getStringRef() == ModuleOp::getOperationName())
      return emitError(UnknownLoc::get(context))
             << "mx-on-functions-with: the pipeline must be anchored on a "
                "function op (e.g. func.func(...)), got '"
             << pipeline << "'";
    nested = std::move(*pm);
    namespaces.clear();
    for (const std::string &d : dialects)
      namespaces.insert(d);
    return success();
  }

  void runOnOperation() override {
    OperationName anchor = *nested->getOpName(getContext());
    for (Operation &op : llvm::make_early_inc_range(
             getOperation().getBody()->getOperations())) {
      if (op.getName() != anchor)
        continue;
      bool selected = op.walk([&](Operation *nestedOp) {
                          if (nestedOp != &op &&
                              namespaces.contains(
                                  nestedOp->getName().getDialectNamespace()))
                            return WalkResult::interrupt();
                          return WalkResult::advance();
                        }).wasInterrupted();
      if (!selected) {
        ++numSkipped;
        continue;
      }
      ++numRun;
      if (failed(runPipeline(*nested, &op)))
        return signalPassFailure();
    }
  }

private:
  std::optional<OpPassManager> nested;
  llvm::StringSet<> namespaces;
};

} // namespace
