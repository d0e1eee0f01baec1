//===- BarePtrKernels.cpp - Bare-pointer arguments of private kernels -----===//
//
// Part of mx-opt. See the description of mx-bare-ptr-kernels in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "BarePtr.h"
#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"

namespace mx {
#define GEN_PASS_DEF_MXBAREPTRKERNELS
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// A buffer the bare-pointer convention can pass: its descriptor is known
/// from the type alone (LLVMTypeConverter::canConvertToBarePtr).
static bool isStaticBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return !isa<UnrankedMemRefType>(type);
  if (!memref.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

struct MXBarePtrKernelsPass
    : mx::impl::MXBarePtrKernelsBase<MXBarePtrKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Symbols used by anything but a func.call (func.constant, a symbol in
    // an attribute) keep the descriptor convention: such a use may call
    // the function indirectly. The uses are those inside the module's body
    // (the overload on the module op itself sees only the module's own
    // attributes). Unknown ops that may hold symbol tables: mark nothing.
    llvm::DenseSet<StringAttr> escaping;
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(&module.getBodyRegion());
    if (!uses)
      return;
    for (const SymbolTable::SymbolUse &use : *uses) {
      // A call's callee is a direct call; another symbol attribute of the
      // same call op (a discardable attribute) is not.
      auto call = dyn_cast<func::CallOp>(use.getUser());
      if (!call || call.getCalleeAttr() != use.getSymbolRef())
        escaping.insert(use.getSymbolRef().getRootReference());
    }
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPrivate() || func.isExternal() ||
          mx::hasBarePtrConvention(func) ||
          escaping.contains(func.getSymNameAttr()))
        continue;
      FunctionType type = func.getFunctionType();
      // A returned buffer would come back as its aligned pointer only:
      // freeing it needs the allocated one.
      if (llvm::any_of(type.getResults(), llvm::IsaPred<BaseMemRefType>) ||
          !llvm::all_of(type.getInputs(), isStaticBuffer) ||
          llvm::none_of(type.getInputs(), llvm::IsaPred<MemRefType>))
        continue;
      mx::setBarePtrConvention(func);
      ++numMarked;
    }
  }
};

} // namespace
