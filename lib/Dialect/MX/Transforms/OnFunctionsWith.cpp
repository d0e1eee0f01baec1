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
  /// From C++: the pipeline as built (its passes need not be registered,
  /// as in tools that register none); the option keeps its text for
  /// printing.
  MXOnFunctionsWithPass(ArrayRef<std::string> dialectNames,
                        OpPassManager pipelinePM) {
    dialects = dialectNames;
    std::string text;
    llvm::raw_string_ostream os(text);
    pipelinePM.printAsTextualPipeline(os);
    pipeline = text;
    prebuilt.emplace(std::move(pipelinePM));
  }

  void getDependentDialects(DialectRegistry &registry) const override {
    if (prebuilt) {
      prebuilt->getDependentDialects(registry);
      return;
    }
    // Errors are reported by initialize().
    std::string ignored;
    llvm::raw_string_ostream os(ignored);
    FailureOr<OpPassManager> pm = parsePassPipeline(pipeline, os);
    if (succeeded(pm))
      pm->getDependentDialects(registry);
  }

  LogicalResult initialize(MLIRContext *context) override {
    namespaces.clear();
    for (const std::string &d : dialects)
      namespaces.insert(d);
    if (prebuilt) {
      nested.emplace(*prebuilt);
      return success();
    }
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
  std::optional<OpPassManager> prebuilt, nested;
  llvm::StringSet<> namespaces;
};

} // namespace

std::unique_ptr<Pass>
mx::createMXOnFunctionsWith(ArrayRef<std::string> dialects,
                            OpPassManager pipeline) {
  return std::make_unique<MXOnFunctionsWithPass>(dialects, std::move(pipeline));
}
