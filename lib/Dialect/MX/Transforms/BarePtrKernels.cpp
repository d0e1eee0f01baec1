//===- BarePtrKernels.cpp - Bare-pointer arguments of private kernels -----===//
//
// Part of mx-opt. See the description of mx-bare-ptr-kernels in Passes.td.
//
//===----------------------------------------------------------------------===//

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

/// The attribute that convert-func-to-llvm reads (FuncToLLVM.cpp).
constexpr llvm::StringLiteral kBarePtrAttrName = "llvm.bareptr";

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
    // the function indirectly.
    llvm::DenseSet<StringAttr> escaping;
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(module.getOperation());
    if (!uses)
      return;
    for (const SymbolTable::SymbolUse &use : *uses)
      if (!isa<func::CallOp>(use.getUser()))
        escaping.insert(use.getSymbolRef().getRootReference());
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPrivate() || func.isExternal() ||
          func->hasAttr(kBarePtrAttrName) ||
          escaping.contains(func.getSymNameAttr()))
        continue;
      FunctionType type = func.getFunctionType();
      // A returned buffer would come back as its aligned pointer only:
      // freeing it needs the allocated one.
      if (llvm::any_of(type.getResults(), llvm::IsaPred<BaseMemRefType>) ||
          !llvm::all_of(type.getInputs(), isStaticBuffer) ||
          llvm::none_of(type.getInputs(), llvm::IsaPred<MemRefType>))
        continue;
      func->setAttr(kBarePtrAttrName, UnitAttr::get(&getContext()));
      ++numMarked;
    }
  }
};

} // namespace
