//===- OutlineKernels.cpp - One private function per distinct mx kernel ---===//
//
// Part of mx-opt. See the description of mx-outline-kernels in Passes.td.
//
// Lowering an mx op expands it into loops over vector tiles: hundreds of ops
// per quantization, more for a fused contraction. Lowered in place, a model
// of N layers puts N copies of those loops into one function, and upstream
// passes whose cost grows faster than linearly in the size of a function
// (One-Shot Bufferize's conflict analysis, LLVM's code generation) dominate
// the compile time. Outlining each op into a private function keyed by what
// determines its lowering (op names, attributes, operand and result types)
// lowers each distinct kernel once and leaves the model's functions a chain
// of calls.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"

#include <map>

#define DEBUG_TYPE "mx-outline-kernels"

namespace mx {
#define GEN_PASS_DEF_MXOUTLINEKERNELS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

/// Ops that lower to kernels of their own.
bool isKernelOp(Operation *op) {
  return isa<QuantizeOp, DequantizeOp, FakeQuantOp, ContractOp, TransposeOp,
             ClampOp, MaxPoolOp>(op);
}

bool isStaticTensor(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  return tensor && tensor.hasStaticShape();
}

/// Whether `v` is computed from constants only, by pure ops without regions
/// (a constant, or e.g. mx.quantize / tensor.collapse_shape of one), so that
/// the chain can be cloned into a kernel and still fold there.
bool isConstantChain(Value v, unsigned depth = 0) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8 || def->getNumRegions() != 0 ||
      !isMemoryEffectFree(def))
    return false;
  if (def->hasTrait<OpTrait::ConstantLike>())
    return true;
  if (def->getNumOperands() == 0)
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return isConstantChain(operand, depth + 1);
  });
}

bool isQuantizedTensor(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  return tensor && isa<QuantizedType>(tensor.getElementType());
}

/// Whether the quantized value `v` has storage parts fixed at compile time:
/// the static scale (and zero point) of an mx.quantize, forwarded by the
/// ops between it and `v`. The lowering of a concatenation or an insertion
/// of such tensors needs those parts as constants in its own function, so
/// the ops producing them stay where they are.
bool hasStaticParts(Value v, unsigned depth = 0) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto q = dyn_cast<QuantizeOp>(def))
    return q.hasStaticScales();
  // A contraction computes new parts: static ones with output_scales.
  if (auto contract = dyn_cast<ContractOp>(def))
    return static_cast<bool>(contract.getOutputScales());
  if (depth > 16)
    return true; // Conservatively: a long chain stays inline.
  return llvm::any_of(def->getOperands(), [&](Value operand) {
    return isQuantizedTensor(operand.getType()) &&
           hasStaticParts(operand, depth + 1);
  });
}

/// Whether `op` can be the (last) op of a kernel.
bool isOutlinable(Operation *op) {
  if (!isKernelOp(op) || op->getNumRegions() != 0)
    return false;
  if (!llvm::all_of(op->getOperandTypes(), isStaticTensor) ||
      !llvm::all_of(op->getResultTypes(), isStaticTensor))
    return false;
  // Unresolved static quantizations are reported by the lowering, at the op.
  if (auto q = dyn_cast<QuantizeOp>(op))
    if (q.isUnresolved())
      return false;
  // Compile-time parts stay visible to the ops that need them constant.
  if (llvm::any_of(op->getResults(), [](Value v) {
        return isQuantizedTensor(v.getType()) && hasStaticParts(v);
      }))
    return false;
  // A quantization of a constant folds to a constant where it is.
  if (isa<QuantizeOp, FakeQuantOp>(op) && isConstantChain(op->getOperand(0)))
    return false;
  return true;
}

/// The ops of one kernel, in order; only the results of the last are used
/// outside.
using Cluster = SmallVector<Operation *, 2>;

/// The cluster ending at `op`: dequantize(quantize(x)) with a quantization
/// of one use is one kernel (it lowers to a fake quantization, without the
/// packed storage in memory).
Cluster clusterEndingAt(Operation *op) {
  if (auto dq = dyn_cast<DequantizeOp>(op))
    if (auto q = dq.getInput().getDefiningOp<QuantizeOp>())
      if (q->hasOneUse() && q->getBlock() == dq->getBlock() && isOutlinable(q))
        return {q, dq};
  return {op};
}

struct MXOutlineKernelsPass
    : mx::impl::MXOutlineKernelsBase<MXOutlineKernelsPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  /// Operands of the cluster defined outside it, in operand order (each
  /// use its own argument, so the wiring of every instance is the same),
  /// split into those passed as arguments and those cloned from constants.
  struct Interface {
    SmallVector<Value> args;
    SmallVector<Value> sunk;
  };
  Interface interfaceOf(const Cluster &cluster);

  func::FuncOp buildKernel(const Cluster &cluster, const Interface &io,
                           SymbolTable &symbols);

  /// Splits the entry block of `func` into calls of private functions of
  /// at most maxBlockOps ops each.
  void splitBlock(func::FuncOp func, SymbolTable &symbols);
  void outlineRange(func::FuncOp func, ArrayRef<Operation *> ops,
                    SymbolTable &symbols);
};

MXOutlineKernelsPass::Interface
MXOutlineKernelsPass::interfaceOf(const Cluster &cluster) {
  Interface io;
  llvm::SmallPtrSet<Operation *, 2> inside(cluster.begin(), cluster.end());
  for (Operation *op : cluster)
    for (Value operand : op->getOperands()) {
      if (Operation *def = operand.getDefiningOp(); def && inside.count(def))
        continue;
      if (isConstantChain(operand)) {
        if (!llvm::is_contained(io.sunk, operand))
          io.sunk.push_back(operand);
        continue;
      }
      io.args.push_back(operand);
    }
  return io;
}

/// Clones the constant chain of `v` before `b`'s insertion point.
static Value cloneChain(OpBuilder &b, Value v, IRMapping &mapping) {
  if (Value mapped = mapping.lookupOrNull(v))
    return mapped;
  Operation *def = v.getDefiningOp();
  for (Value operand : def->getOperands())
    cloneChain(b, operand, mapping);
  Operation *clone = b.clone(*def, mapping);
  return clone->getResult(cast<OpResult>(v).getResultNumber());
}

func::FuncOp MXOutlineKernelsPass::buildKernel(const Cluster &cluster,
                                               const Interface &io,
                                               SymbolTable &symbols) {
  Operation *last = cluster.back();
  MLIRContext *ctx = &getContext();
  auto type = FunctionType::get(ctx, ValueRange(io.args).getTypes(),
                                last->getResultTypes());
  std::string name = "mx_kernel";
  for (Operation *op : cluster)
    name += ("_" + op->getName().stripDialect()).str();
  OpBuilder b(ctx);
  auto kernel = func::FuncOp::create(b, last->getLoc(), name, type);
  kernel.setPrivate();
  kernel->setAttr(kKernelAttrName, UnitAttr::get(ctx));
  Block *body = kernel.addEntryBlock();
  b.setInsertionPointToStart(body);
  // Constant operands first, then the ops; every other operand use is the
  // next argument (a value used twice has two arguments).
  IRMapping mapping;
  for (Value v : io.sunk)
    cloneChain(b, v, mapping);
  llvm::SmallPtrSet<Operation *, 2> inside(cluster.begin(), cluster.end());
  unsigned next = 0;
  for (Operation *op : cluster) {
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      if (Operation *def = operand.getDefiningOp(); def && inside.count(def)) {
        operands.push_back(mapping.lookup(operand));
        continue;
      }
      if (llvm::is_contained(io.sunk, operand)) {
        operands.push_back(mapping.lookup(operand));
        continue;
      }
      operands.push_back(body->getArgument(next++));
    }
    Operation *clone = b.clone(*op);
    clone->setOperands(operands);
    for (auto [from, to] : llvm::zip(op->getResults(), clone->getResults()))
      mapping.map(from, to);
  }
  func::ReturnOp::create(b, last->getLoc(),
                         llvm::map_to_vector(last->getResults(), [&](Value v) {
                           return mapping.lookup(v);
                         }));
  symbols.insert(kernel);
  ++numKernels;
  return kernel;
}

void MXOutlineKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);

  // Collect the clusters first: outlining inserts functions into the module.
  SmallVector<Cluster> clusters;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func->hasAttr(kKernelAttrName) || func.isExternal())
      continue;
    func.walk([&](Operation *op) {
      if (!isOutlinable(op))
        return;
      // A quantization absorbed by the dequantization after it.
      if (auto q = dyn_cast<QuantizeOp>(op))
        if (q->hasOneUse())
          if (auto dq = dyn_cast<DequantizeOp>(*q->user_begin()))
            if (dq->getBlock() == q->getBlock() && isOutlinable(dq))
              return;
      clusters.push_back(clusterEndingAt(op));
    });
  }

  // Kernels are keyed by the names and attributes of their ops, their
  // function type and the constants cloned into them.
  std::map<SmallVector<const void *, 8>, func::FuncOp> kernels;
  for (const Cluster &cluster : clusters) {
    Interface io = interfaceOf(cluster);
    SmallVector<const void *, 8> key;
    for (Operation *op : cluster) {
      key.push_back(op->getName().getAsOpaquePointer());
      key.push_back(op->getAttrDictionary().getAsOpaquePointer());
      for (Type t : op->getResultTypes())
        key.push_back(t.getAsOpaquePointer());
    }
    for (Value v : io.args)
      key.push_back(v.getType().getAsOpaquePointer());
    key.push_back(nullptr);
    for (Value v : io.sunk)
      key.push_back(v.getAsOpaquePointer());
    func::FuncOp &kernel = kernels[key];
    if (!kernel)
      kernel = buildKernel(cluster, io, symbols);

    Operation *last = cluster.back();
    OpBuilder b(last);
    auto call = func::CallOp::create(b, last->getLoc(), kernel, io.args);
    last->replaceAllUsesWith(call.getResults());
    for (Operation *op : llvm::reverse(cluster))
      op->erase();
    ++numCalls;
  }
  if (maxBlockOps < 0) {
    module.emitError("mx-outline-kernels: max-block-ops must not be negative");
    return signalPassFailure();
  }
  if (maxBlockOps > 0) {
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func->hasAttr(kKernelAttrName))
        funcs.push_back(func);
    for (func::FuncOp func : funcs)
      splitBlock(func, symbols);
  }
  MX_DEBUG(llvm::dbgs() << "mx-outline-kernels: " << numCalls.getValue()
                        << " calls of " << numKernels.getValue()
                        << " kernels\n");
}

/// Values that can cross a function boundary without changing how they
/// lower (tensors, scalars, vectors); anything else keeps a block whole.
static bool isPassable(Type t) {
  return isa<TensorType, VectorType, IndexType, IntegerType, FloatType>(t);
}

void MXOutlineKernelsPass::splitBlock(func::FuncOp func, SymbolTable &symbols) {
  Block &block = func.getBody().front();
  if (!func.getBody().hasOneBlock() ||
      (int64_t)block.getOperations().size() <= maxBlockOps + 1)
    return;
  // Consecutive ranges of non-constant ops (constants are cloned where
  // they are used).
  SmallVector<Operation *> range;
  SmallVector<SmallVector<Operation *>> ranges;
  for (Operation &op : block.without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    range.push_back(&op);
    if ((int64_t)range.size() == maxBlockOps)
      ranges.push_back(std::exchange(range, {}));
  }
  if (!range.empty())
    ranges.push_back(std::move(range));
  if (ranges.size() < 2)
    return;
  for (ArrayRef<Operation *> ops : ranges)
    outlineRange(func, ops, symbols);
}

void MXOutlineKernelsPass::outlineRange(func::FuncOp func,
                                        ArrayRef<Operation *> ops,
                                        SymbolTable &symbols) {
  Block *block = ops.front()->getBlock();
  llvm::DenseSet<Operation *> inside(ops.begin(), ops.end());
  auto isInside = [&](Operation *user) {
    Operation *ancestor = block->findAncestorOpInBlock(*user);
    return ancestor && inside.count(ancestor);
  };
  // Arguments: values from outside used inside (constants are cloned);
  // results: values defined inside used outside.
  llvm::SetVector<Value> args, constants, results;
  for (Operation *op : ops) {
    op->walk([&](Operation *nested) {
      for (Value v : nested->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && isInside(def))
          continue;
        if (auto arg = dyn_cast<BlockArgument>(v))
          if (arg.getOwner() != block)
            continue; // Defined in a region of an op inside.
        if (def && def->hasTrait<OpTrait::ConstantLike>() &&
            def->getBlock() == block)
          constants.insert(v);
        else
          args.insert(v);
      }
    });
    for (Value v : op->getResults())
      if (llvm::any_of(v.getUsers(),
                       [&](Operation *user) { return !isInside(user); }))
        results.insert(v);
  }
  if (!llvm::all_of(args, [](Value v) { return isPassable(v.getType()); }) ||
      !llvm::all_of(results, [](Value v) { return isPassable(v.getType()); }))
    return;

  MLIRContext *ctx = &getContext();
  auto type = FunctionType::get(ctx, ValueRange(args.getArrayRef()).getTypes(),
                                ValueRange(results.getArrayRef()).getTypes());
  OpBuilder b(ctx);
  auto part = func::FuncOp::create(b, ops.front()->getLoc(),
                                   (func.getSymName() + "_part").str(), type);
  part.setPrivate();
  Block *body = part.addEntryBlock();
  b.setInsertionPointToStart(body);
  IRMapping mapping;
  for (auto [v, arg] : llvm::zip(args, body->getArguments()))
    mapping.map(v, arg);
  for (Value v : constants)
    b.clone(*v.getDefiningOp(), mapping);
  for (Operation *op : ops)
    b.clone(*op, mapping);
  func::ReturnOp::create(
      b, part.getLoc(),
      llvm::map_to_vector(results, [&](Value v) { return mapping.lookup(v); }));
  symbols.insert(part);
  ++numParts;

  OpBuilder caller(ops.back());
  caller.setInsertionPointAfter(ops.back());
  auto call = func::CallOp::create(caller, ops.back()->getLoc(), part,
                                   args.getArrayRef());
  for (auto [v, r] : llvm::zip(results, call.getResults()))
    Value(v).replaceUsesWithIf(
        r, [&](OpOperand &use) { return !isInside(use.getOwner()); });
  for (Operation *op : llvm::reverse(ops)) {
    op->dropAllUses();
    op->erase();
  }
}

} // namespace
