//===- BufferizeCallChains.cpp - Call chains bufferized directly ----------===//
//
// Part of mx-opt. See the description of mx-bufferize-call-chains in
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mx {
#define GEN_PASS_DEF_MXBUFFERIZECALLCHAINS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// The memref One-Shot Bufferize gives a tensor at a function boundary
/// (function-boundary-type-conversion=identity-layout-map), or a null type
/// when a call chain may not hold it.
static Type bufferType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return isa<TensorType, BaseMemRefType>(type) ? Type() : type;
  if (tensor.getEncoding())
    return Type();
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

static bool allBufferizable(TypeRange types) {
  return llvm::all_of(types, [](Type type) { return !!bufferType(type); });
}

/// A function whose body is one block of func.calls and a func.return on
/// types bufferType maps.
static bool isCallChainBody(func::FuncOp func) {
  if (func.isExternal() || !func.getBody().hasOneBlock() ||
      !allBufferizable(func.getArgumentTypes()) ||
      !allBufferizable(func.getResultTypes()))
    return false;
  for (Operation &op : func.getBody().front()) {
    if (isa<func::ReturnOp>(op))
      continue;
    auto call = dyn_cast<func::CallOp>(op);
    if (!call || !allBufferizable(call.getOperandTypes()) ||
        !allBufferizable(call.getResultTypes()))
      return false;
  }
  return true;
}

/// Whether the bufferized `func` may write into (or free) the buffer of its
/// argument `index`: a write or free effect on the argument or a view of
/// it, or a use by an op that does not describe its effects.
static bool mayWriteArgument(func::FuncOp func, unsigned index) {
  if (func.isExternal())
    return true;
  SmallVector<Value> worklist{func.getArgument(index)};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == value) {
          for (Value result : user->getResults())
            worklist.push_back(result);
          continue;
        }
      }
      if (isa<func::ReturnOp>(user))
        continue;
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      if (!effects)
        return true;
      SmallVector<MemoryEffects::EffectInstance> instances;
      effects.getEffects(instances);
      for (const MemoryEffects::EffectInstance &effect : instances) {
        if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
          continue;
        Value on = effect.getValue();
        if (!on || on == value)
          return true;
      }
    }
  }
  return false;
}

/// One-Shot Bufferize as --mx-lower-to-llvm runs it
/// (mx::addFunctionBoundaryBufferization without the canonicalization).
static OpPassManager oneShotPipeline() {
  OpPassManager pipeline(ModuleOp::getOperationName());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pipeline.addPass(bufferization::createOneShotBufferizePass(bufferize));
  return pipeline;
}

struct MXBufferizeCallChainsPass
    : mx::impl::MXBufferizeCallChainsBase<MXBufferizeCallChainsPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    oneShotPipeline().getDependentDialects(registry);
  }
  void runOnOperation() override;

  /// Bufferizes the call chain `func` in place (its callees are bufferized
  /// or call chains).
  LogicalResult bufferizeChain(func::FuncOp func,
                               const llvm::DenseSet<Operation *> &chains,
                               SymbolTableCollection &symbolTables);
};

} // namespace

LogicalResult MXBufferizeCallChainsPass::bufferizeChain(
    func::FuncOp func, const llvm::DenseSet<Operation *> &chains,
    SymbolTableCollection &symbolTables) {
  Block &body = func.getBody().front();
  for (BlockArgument arg : body.getArguments())
    arg.setType(bufferType(arg.getType()));
  OpBuilder builder(func.getContext());
  for (Operation &op : llvm::make_early_inc_range(body)) {
    auto call = dyn_cast<func::CallOp>(op);
    if (!call)
      continue;
    auto callee = symbolTables.lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee)
      return call.emitOpError("calls an unknown function in a call chain");
    bool calleeIsChain = chains.contains(callee.getOperation());
    builder.setInsertionPoint(call);
    for (OpOperand &operand : call->getOpOperands()) {
      auto memref = dyn_cast<MemRefType>(operand.get().getType());
      if (!memref || calleeIsChain ||
          !mayWriteArgument(callee, operand.getOperandNumber()))
        continue;
      // The kernel may write its argument: give it a copy, as One-Shot
      // Bufferize does when the buffer is read again.
      auto alloc = memref::AllocOp::create(builder, call.getLoc(), memref,
                                           builder.getI64IntegerAttr(64));
      memref::CopyOp::create(builder, call.getLoc(), operand.get(), alloc);
      operand.set(alloc);
      ++numCopies;
    }
    for (OpResult result : call->getResults())
      result.setType(bufferType(result.getType()));
    // Callees that are kernels have their bufferized signature now; chains
    // get theirs from the same mapping.
    if (!calleeIsChain && !llvm::equal(callee.getFunctionType().getInputs(),
                                       call.getOperandTypes()))
      return call.emitOpError("operand types do not match the bufferized "
                              "signature of ")
             << callee.getSymName();
    if (!calleeIsChain && !llvm::equal(callee.getFunctionType().getResults(),
                                       call.getResultTypes()))
      return call.emitOpError("result types do not match the bufferized "
                              "signature of ")
             << callee.getSymName();
  }
  SmallVector<Type> inputs, results;
  for (Type type : func.getArgumentTypes())
    inputs.push_back(bufferType(type));
  for (Type type : func.getResultTypes())
    results.push_back(bufferType(type));
  func.setFunctionType(builder.getFunctionType(inputs, results));
  ++numChains;
  return success();
}

void MXBufferizeCallChainsPass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::DenseSet<Operation *> chains;
  for (auto func : module.getOps<func::FuncOp>())
    if (isCallChainBody(func))
      chains.insert(func);

  // A chain leaves the module while One-Shot Bufferize runs: only other
  // chains may use its symbol, and only by func.call.
  // (The uses in the module's body: on the module op itself,
  // getSymbolUses stops at the symbol table.)
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(&module.getBodyRegion());
  SymbolTableCollection symbolTables;
  if (!uses)
    chains.clear();
  bool changed = true;
  while (changed && uses) {
    changed = false;
    for (const SymbolTable::SymbolUse &use : *uses) {
      Operation *target =
          symbolTables.lookupSymbolIn(module, use.getSymbolRef());
      if (!target || !chains.contains(target))
        continue;
      Operation *user = use.getUser();
      auto userFunc = user->getParentOfType<func::FuncOp>();
      if (isa<func::CallOp>(user) && userFunc &&
          chains.contains(userFunc.getOperation()))
        continue;
      chains.erase(target);
      changed = true;
    }
  }
  // A call of a chain to something that is not a function is left to
  // One-Shot Bufferize.
  for (Operation *chain : llvm::to_vector(chains)) {
    bool ok = true;
    cast<func::FuncOp>(chain).walk([&](func::CallOp call) {
      if (!symbolTables.lookupNearestSymbolFrom<func::FuncOp>(
              call, call.getCalleeAttr()))
        ok = false;
    });
    if (!ok)
      chains.erase(chain);
  }

  // Take the chains out, remembering where they were.
  SmallVector<std::pair<func::FuncOp, Operation *>> detached;
  Operation *anchor = nullptr;
  for (Operation &op : llvm::make_early_inc_range(*module.getBody())) {
    if (!chains.contains(&op)) {
      anchor = &op;
      continue;
    }
    detached.push_back({cast<func::FuncOp>(op), anchor});
    op.remove();
  }

  OpPassManager pipeline = oneShotPipeline();
  LogicalResult bufferized = runPipeline(pipeline, module);

  // Back in their places, in their order.
  Block *body = module.getBody();
  Operation *previousAnchor = nullptr, *insertAfter = nullptr;
  for (auto [func, funcAnchor] : detached) {
    if (funcAnchor != previousAnchor || !insertAfter)
      insertAfter = funcAnchor;
    previousAnchor = funcAnchor;
    if (insertAfter)
      body->getOperations().insertAfter(Block::iterator(insertAfter), func);
    else
      body->push_front(func);
    insertAfter = func;
  }
  if (failed(bufferized))
    return signalPassFailure();

  symbolTables.invalidateSymbolTable(module);
  for (auto [func, funcAnchor] : detached)
    if (failed(bufferizeChain(func, chains, symbolTables)))
      return signalPassFailure();
}
