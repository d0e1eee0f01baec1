//===- MaskedStoreFixup.h - Work around an LLVM 22 x86 miscompile -*- C++
//-*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//
//
// LLVM 22's x86 backend compiles a masked store of a truncated vector whose
// mask is the constant "lane 0 only" into a store of the wide element:
//
//   %v = trunc <8 x i32> %w to <8 x i8>
//   call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr %p,
//                                        <8 x i1> <true, false, ...>)
//
// becomes `vmovss %xmm0, (%rdi)`, four bytes written for one (two for an i16
// source, eight for i64). The project's kernels store partial lane groups of
// narrowed codes under a lane mask, and the optimizer folds that mask to a
// constant when it unrolls the loop over lane groups (docs/Lowering.md, "A
// truncating masked store").
//
//===----------------------------------------------------------------------===//

#ifndef MX_RUNTIME_MASKEDSTOREFIXUP_H
#define MX_RUNTIME_MASKEDSTOREFIXUP_H

namespace llvm {
class Module;
} // namespace llvm

namespace mx {

/// Replaces every `llvm.masked.store` whose mask is a constant with exactly
/// one lane set by a scalar store of that lane (extractelement + store, the
/// intrinsic's alignment capped at the element's), and one with no lane set
/// by nothing. Run after the optimizer, before code generation. Returns the
/// number of stores rewritten.
unsigned expandSingleLaneMaskedStores(llvm::Module &module);

} // namespace mx

#endif // MX_RUNTIME_MASKEDSTOREFIXUP_H
