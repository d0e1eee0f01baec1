//===- ParallelLoops.h - Loops marked parallel by the emitters --*- C++ -*-===//
//
// Part of mx-opt. The kernel emitters mark loops whose iterations are
// independent; mx-parallelize-loops turns them into scf.parallel when the
// pipeline asks for threads (--mx-lower-to-llvm="parallel=openmp").
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_PARALLELLOOPS_H
#define MX_SUPPORT_PARALLELLOOPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace mx {

/// Unit attribute on an scf.for whose iterations write disjoint parts of
/// their buffers and read nothing another iteration writes.
inline constexpr llvm::StringLiteral kParallelLoopAttrName = "mx.parallel";

/// Marks `loop` (an scf.for) as parallel; returns it.
inline mlir::Operation *markParallel(mlir::Operation *loop) {
  loop->setAttr(kParallelLoopAttrName, mlir::UnitAttr::get(loop->getContext()));
  return loop;
}

} // namespace mx

#endif // MX_SUPPORT_PARALLELLOOPS_H
