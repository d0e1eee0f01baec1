//===- StreamMemory.cpp - Prefetch and non-temporal stores ----------------===//
//
// Part of mx-opt. See the description of mx-stream-memory in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <numeric>

#define DEBUG_TYPE "mx-stream-memory"

namespace mx {
#define GEN_PASS_DEF_MXSTREAMMEMORY
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// Bytes of a static memref, or nullopt.
std::optional<int64_t> staticBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  return type.getNumElements() * ((int64_t)type.getElementTypeBitWidth() + 7) /
         8;
}

bool isLarge(MemRefType type, int64_t minBytes) {
  std::optional<int64_t> bytes = staticBytes(type);
  return !bytes || *bytes >= minBytes;
}

/// A positive number that `v` is known to be a multiple of (0 for zero).
int64_t knownMultiple(Value v) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return c.getSExtValue() < 0 ? 1 : c.getSExtValue();
  if (auto mul = v.getDefiningOp<arith::MulIOp>())
    return knownMultiple(mul.getLhs()) * knownMultiple(mul.getRhs());
  if (auto add = v.getDefiningOp<arith::AddIOp>())
    return std::gcd(knownMultiple(add.getLhs()), knownMultiple(add.getRhs()));
  if (auto arg = dyn_cast<BlockArgument>(v))
    if (auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp()))
      if (arg == loop.getInductionVar())
        return std::gcd(knownMultiple(loop.getLowerBound()),
                        knownMultiple(loop.getStep()));
  return 1;
}

} // namespace

int64_t mx::knownBaseAlignment(Value buffer, int64_t argAlignment) {
  while (true) {
    // A strided view may start at an offset from the aligned pointer.
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!type || !type.getLayout().isIdentity())
      return 0;
    if (auto alloc = buffer.getDefiningOp<memref::AllocOp>())
      return alloc.getAlignment().value_or(0);
    if (auto arg = dyn_cast<BlockArgument>(buffer)) {
      auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
      if (!func || arg.getOwner() != &func.getFunctionBody().front())
        return 0;
      // Private functions: what mx-align-kernel-args proved from the calls.
      if (func.isPrivate()) {
        auto known = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                        kAlignmentAttrName);
        return known ? known.getInt() : 0;
      }
      return argAlignment;
    }
    // A reinterpretation at offset 0 (what mx-elide-result-copies makes
    // of an out-parameter) keeps the start.
    if (auto r = buffer.getDefiningOp<memref::ReinterpretCastOp>()) {
      if (r.getStaticOffsets().size() != 1 || r.getStaticOffsets()[0] != 0)
        return 0;
      buffer = r.getSource();
      continue;
    }
    // Reshapes of contiguous buffers keep the start.
    if (auto c = buffer.getDefiningOp<memref::CollapseShapeOp>()) {
      buffer = c.getSrc();
      continue;
    }
    if (auto e = buffer.getDefiningOp<memref::ExpandShapeOp>()) {
      buffer = e.getSrc();
      continue;
    }
    return 0;
  }
}

namespace {

/// Alignment in bytes of the element at `indices` of an identity-layout
/// static memref.
int64_t accessAlignment(MemRefType type, ValueRange indices, int64_t base) {
  if (!base || !type.getLayout().isIdentity() || !type.hasStaticShape())
    return 0;
  int64_t elemBytes = ((int64_t)type.getElementTypeBitWidth() + 7) / 8;
  int64_t align = base;
  int64_t stride = elemBytes;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    int64_t m = knownMultiple(indices[d]);
    if (m != 0) // A zero index adds nothing.
      align = std::gcd(align, m * stride);
    stride *= type.getDimSize(d);
  }
  return align;
}

bool isSimple1D(VectorTransferOpInterface op) {
  return op.getVectorType().getRank() == 1 && !op.getMask() &&
         op.getPermutationMap().isMinorIdentity() &&
         isa<MemRefType>(op.getShapedType());
}

struct MXStreamMemoryPass : mx::impl::MXStreamMemoryBase<MXStreamMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (prefetchDistance < 0 || minBytes < 0 || argAlignment < 0) {
      func.emitError("mx-stream-memory options must not be negative");
      return signalPassFailure();
    }
    if (argAlignment && (argAlignment & (argAlignment - 1))) {
      func.emitError("mx-stream-memory: arg-alignment must be a power of "
                     "two, got ")
          << static_cast<int64_t>(argAlignment);
      return signalPassFailure();
    }
    SmallVector<vector::TransferReadOp> reads;
    SmallVector<vector::TransferWriteOp> writes;
    func.walk([&](Operation *op) {
      if (auto r = dyn_cast<vector::TransferReadOp>(op))
        reads.push_back(r);
      if (auto w = dyn_cast<vector::TransferWriteOp>(op))
        writes.push_back(w);
    });
    // Without vector transfers (the call chains of outlined kernels) the
    // function is unchanged and needs no verification (the pass manager
    // skips it when all analyses are preserved).
    if (reads.empty() && writes.empty())
      return markAllAnalysesPreserved();
    if (prefetchDistance > 0)
      for (vector::TransferReadOp r : reads)
        addPrefetch(r);
    if (nontemporal)
      for (vector::TransferWriteOp w : writes)
        makeNontemporal(w);
  }

  void addPrefetch(vector::TransferReadOp read) {
    if (!isSimple1D(read) || !read->getParentOfType<scf::ForOp>())
      return;
    auto type = cast<MemRefType>(read.getBase().getType());
    if (!type.getLayout().isIdentity() || !isLarge(type, minBytes) ||
        !type.getElementType().isIntOrFloat())
      return;
    OpBuilder b(read);
    Location loc = read.getLoc();
    int64_t elemBytes = ((int64_t)type.getElementTypeBitWidth() + 7) / 8;
    // The linear index of the element read, plus the distance, clamped.
    Value linear = arith::ConstantIndexOp::create(b, loc, 0);
    Value total = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      Value size = memref::DimOp::create(b, loc, read.getBase(), d);
      Value term = arith::MulIOp::create(b, loc, read.getIndices()[d], total);
      linear = arith::AddIOp::create(b, loc, linear, term);
      total = arith::MulIOp::create(b, loc, total, size);
    }
    // One prefetch per 64-byte cache line the read spans: a prefetch
    // fetches one line, and a vector<64xf32> read covers four (one prefetch
    // per read left three of them to the hardware prefetcher, about 8% of
    // the per-tensor INT8 quantize's time on this project's machine kind).
    int64_t vecBytes = read.getVectorType().getNumElements() * elemBytes;
    int64_t lines = std::clamp<int64_t>(
        (vecBytes + kLineBytes - 1) / kLineBytes, 1, kMaxPrefetchesPerRead);
    Value last = arith::SubIOp::create(
        b, loc, total, arith::ConstantIndexOp::create(b, loc, 1));
    SmallVector<Value> indices;
    for (int64_t line = 0; line < lines; ++line) {
      int64_t offset = (prefetchDistance + line * kLineBytes) / elemBytes;
      Value ahead = arith::AddIOp::create(
          b, loc, linear, arith::ConstantIndexOp::create(b, loc, offset));
      indices.push_back(arith::MinUIOp::create(b, loc, ahead, last));
    }
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      all[0].push_back(d);
    Value flat =
        type.getRank() == 1
            ? read.getBase()
            : memref::CollapseShapeOp::create(b, loc, read.getBase(), all)
                  .getResult();
    for (Value index : indices) {
      memref::PrefetchOp::create(b, loc, flat, ValueRange{index},
                                 /*isWrite=*/false, /*localityHint=*/3,
                                 /*isDataCache=*/true);
      ++numPrefetches;
    }
  }

  /// Cache line size, and at most this many prefetches per read.
  static constexpr int64_t kLineBytes = 64;
  static constexpr int64_t kMaxPrefetchesPerRead = 8;

  void makeNontemporal(vector::TransferWriteOp write) {
    if (!isSimple1D(write) || !write.getInBoundsValues()[0])
      return;
    auto type = cast<MemRefType>(write.getBase().getType());
    if (!isLarge(type, minBytes))
      return;
    int64_t vecBytes =
        write.getVectorType().getNumElements() *
        ((int64_t)write.getVectorType().getElementTypeBitWidth()) / 8;
    // Only whole cache lines: partial-line non-temporal stores leave
    // write-combining buffers half full and run slower than cached stores.
    int64_t want = 64;
    if (vecBytes % want != 0)
      return;
    int64_t align =
        accessAlignment(type, write.getIndices(),
                        mx::knownBaseAlignment(write.getBase(), argAlignment));
    if (align < want) {
      MX_DEBUG(llvm::dbgs() << "not streaming (alignment " << align << " < "
                            << want << "): " << write << "\n");
      return;
    }
    OpBuilder b(write);
    auto store = vector::StoreOp::create(b, write.getLoc(), write.getVector(),
                                         write.getBase(), write.getIndices(),
                                         /*nontemporal=*/true);
    store.setAlignment(std::optional<uint64_t>(want));
    write.erase();
    ++numStreamingStores;
  }
};

} // namespace
