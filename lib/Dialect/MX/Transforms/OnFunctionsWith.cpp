//===- OnFunctionsWith.cpp - A pipeline on the functions that need it -----===//
//
// Part of mx-opt. See the description of mx-on-functions-with in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringSet.h"

namespace mx {
#define GEN_PASS_DEF_MXONFUNCTIONSWITH
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// A call chain of outlined kernels after bufferization: one block of
/// memref.alloc (static shape, used by a func.call), memref.dealloc,
/// func.call and func.return. Canonicalization and expand-strided-metadata
/// have nothing to rewrite or fold in it (see skip-call-chains in
/// Passes.td).
static bool isCallChain(Operation *func) {
  if (func->getNumRegions() != 1 || !func->getRegion(0).hasOneBlock())
    return false;
  for (Operation &op : func->getRegion(0).front()) {
    if (isa<func::CallOp, func::ReturnOp, memref::DeallocOp>(op))
      continue;
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc || alloc->getNumOperands() != 0 ||
        !alloc.getType().hasStaticShape() ||
        llvm::none_of(alloc->getUsers(), llvm::IsaPred<func::CallOp>))
      return false;
  }
  return true;
}

struct MXOnFunctionsWithPass
    : mx::impl::MXOnFunctionsWithBase<MXOnFunctionsWithPass> {
  using Base::Base;
  /// From C++: the pipeline as built (its passes need not be registered,
  /// as in tools that register none); the option keeps its text for
  /// printing.
  MXOnFunctionsWithPass(ArrayRef<std::string> dialectNames,
                        OpPassManager pipelinePM, bool skipChains = false) {
    dialects = dialectNames;
    skipCallChains = skipChains;
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
    // Whether ops of a name belong to one of `dialects`, looked up once per
    // op name (the walks cover every op of the call chains).
    llvm::DenseMap<OperationName, bool> inDialects;
    int64_t numRunHere = 0;
    auto isSelecting = [&](Operation *op) {
      auto [it, inserted] = inDialects.try_emplace(op->getName(), false);
      if (inserted)
        it->second = namespaces.contains(op->getName().getDialectNamespace());
      return it->second;
    };
    for (Operation &op : llvm::make_early_inc_range(
             getOperation().getBody()->getOperations())) {
      if (op.getName() != anchor)
        continue;
      bool selected;
      if (skipCallChains && isCallChain(&op))
        selected = false;
      else if (namespaces.empty())
        selected = true;
      else
        selected = op.walk([&](Operation *nestedOp) {
                       if (nestedOp != &op && isSelecting(nestedOp))
                         return WalkResult::interrupt();
                       return WalkResult::advance();
                     }).wasInterrupted();
      if (!selected) {
        ++numSkipped;
        continue;
      }
      ++numRun;
      ++numRunHere;
      if (failed(runPipeline(*nested, &op)))
        return signalPassFailure();
    }
    // As upstream's pass adaptor does for a nested pass manager: the
    // pipeline verified every function it ran on after each of its passes
    // (when the pass manager verifies), so only the module op itself is
    // verified again, not every op of the module. The pass manager verifies
    // recursively after a pass unless it preserved all analyses, so this
    // pass drops the analyses of the module and its functions itself and
    // then says all are preserved. With no function selected, nothing
    // changed.
    if (numRunHere != 0) {
      if (failed(verify(getOperation(), /*verifyRecursively=*/false)))
        return signalPassFailure();
      getAnalysisManager().clear();
    }
    markAllAnalysesPreserved();
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

std::unique_ptr<Pass>
mx::createMXOnFunctionsWith(ArrayRef<std::string> dialects,
                            OpPassManager pipeline, bool skipCallChains) {
  return std::make_unique<MXOnFunctionsWithPass>(dialects, std::move(pipeline),
                                                 skipCallChains);
}
