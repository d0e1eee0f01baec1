//===- MaskedStoreFixup.cpp - Work around an LLVM 22 x86 miscompile -------===//
//
// Part of mx-opt. See MaskedStoreFixup.h.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/MaskedStoreFixup.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

#include <algorithm>
#include <optional>

using namespace llvm;

/// The lanes set in a constant mask: -1 for none, the lane for exactly one,
/// nullopt otherwise (two or more, or not a constant).
static std::optional<int> singleLane(Value *mask) {
  auto *c = dyn_cast<Constant>(mask);
  auto *type = dyn_cast<FixedVectorType>(mask->getType());
  if (!c || !type)
    return std::nullopt;
  int lane = -1;
  for (unsigned i = 0, e = type->getNumElements(); i < e; ++i) {
    Constant *bit = c->getAggregateElement(i);
    if (!bit || !isa<ConstantInt>(bit))
      return std::nullopt;
    if (cast<ConstantInt>(bit)->isZero())
      continue;
    if (lane >= 0)
      return std::nullopt;
    lane = static_cast<int>(i);
  }
  return lane;
}

unsigned mx::expandSingleLaneMaskedStores(Module &module) {
  SmallVector<IntrinsicInst *> stores;
  for (Function &f : module)
    for (Instruction &inst : instructions(f))
      if (auto *call = dyn_cast<IntrinsicInst>(&inst))
        if (call->getIntrinsicID() == Intrinsic::masked_store)
          stores.push_back(call);
  unsigned rewritten = 0;
  for (IntrinsicInst *store : stores) {
    // llvm.masked.store(value, ptr, mask); LLVM 22 carries the alignment as
    // a parameter attribute of the pointer.
    Value *value = store->getArgOperand(0);
    Value *ptr = store->getArgOperand(1);
    std::optional<int> lane = singleLane(store->getArgOperand(2));
    if (!lane)
      continue;
    if (*lane >= 0) {
      IRBuilder<> b(store);
      Type *elem = cast<FixedVectorType>(value->getType())->getElementType();
      Value *element = b.CreateExtractElement(value, b.getInt64(*lane));
      Value *at = *lane == 0 ? ptr : b.CreateConstGEP1_64(elem, ptr, *lane);
      const DataLayout &layout = module.getDataLayout();
      // The vector's alignment (up to the element's), at the lane's offset.
      Align laneAlign = commonAlignment(
          std::min(store->getParamAlign(1).valueOrOne(),
                   layout.getABITypeAlign(elem)),
          *lane * layout.getTypeStoreSize(elem).getFixedValue());
      b.CreateAlignedStore(element, at, laneAlign);
    }
    store->eraseFromParent();
    ++rewritten;
  }
  return rewritten;
}
