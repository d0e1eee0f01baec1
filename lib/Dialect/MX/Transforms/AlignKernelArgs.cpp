//===- AlignKernelArgs.cpp - Known alignment of kernel arguments ----------===//
//
// Part of mx-opt. See the description of mx-align-kernel-args in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "mx-align-kernel-args"

namespace mx {
#define GEN_PASS_DEF_MXALIGNKERNELARGS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// The alignment given to allocations passed to private functions: a cache
/// line, what aligned non-temporal stores of whole lines need.
constexpr int64_t kCacheLine = 64;

struct MXAlignKernelArgsPass
    : mx::impl::MXAlignKernelArgsBase<MXAlignKernelArgsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (argAlignment < 0 || (argAlignment & (argAlignment - 1))) {
      module.emitError("mx-align-kernel-args: arg-alignment must be zero or a "
                       "power of two, got ")
          << static_cast<int64_t>(argAlignment);
      return signalPassFailure();
    }
    // The private functions with a body, and their calls.
    llvm::MapVector<func::FuncOp, SmallVector<func::CallOp>> calls;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPrivate() && !func.isExternal())
        calls[func];
    SymbolTableCollection symbols;
    module.walk([&](func::CallOp call) {
      auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      auto it = callee ? calls.find(callee) : calls.end();
      if (it == calls.end())
        return;
      it->second.push_back(call);
      for (Value operand : call.getOperands()) {
        auto alloc = operand.getDefiningOp<memref::AllocOp>();
        if (alloc && alloc.getType().hasStaticShape() &&
            alloc.getAlignment().value_or(0) < kCacheLine)
          alloc.setAlignment(std::optional<uint64_t>(kCacheLine));
      }
    });

    // Functions called only by func.call: the smallest alignment over the
    // calls. Kernels call no kernels, so callers are done first in the
    // usual order; a caller that is itself private and not yet known counts
    // as 0 (a sound underestimate).
    // One walk over every symbol use (not one per function: a module may
    // have thousands of kernels).
    llvm::DenseSet<StringAttr> escaping;
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(module.getOperation());
    if (uses)
      for (const SymbolTable::SymbolUse &use : *uses)
        if (!isa<func::CallOp>(use.getUser()))
          escaping.insert(use.getSymbolRef().getRootReference());
    for (auto &[func, sites] : calls) {
      bool onlyCalls = uses && !escaping.contains(func.getSymNameAttr());
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        if (!isa<MemRefType>(func.getArgument(i).getType()))
          continue;
        int64_t align = 0;
        if (onlyCalls && !sites.empty()) {
          align = std::numeric_limits<int64_t>::max();
          for (func::CallOp call : sites)
            align = std::min(align, mx::knownBaseAlignment(call.getOperand(i),
                                                           argAlignment));
        }
        func.setArgAttr(
            i, mx::kAlignmentAttrName,
            IntegerAttr::get(IntegerType::get(&getContext(), 64), align));
        MX_DEBUG(llvm::dbgs() << "@" << func.getSymName() << " argument " << i
                              << ": alignment " << align << "\n");
      }
    }
  }
};

} // namespace
