//===- WarpMatmul.cpp - mx.contract on GPU tensor cores -------------------===//
//
// Part of mx-opt. The tensor-core matmul of the GPU lowering:
//
// * ContractToWarpTiles (in convert-mx-to-parallel-blocks): a 2-D
//   mx.contract whose operands have tensor-core tiles becomes an scf.forall
//   over (M/16 tiles, N/8 tiles, 32 lanes) mapped to GPU blocks and the
//   lanes of one warp; each lane loops over K in slices of 32, calling
//   mx.warp_mma on the slice's code tiles and E8M0 scale tiles, then applies
//   the epilogue to its four outputs and writes them.
// * convert-mx-warp-mma-to-nvvm: mx.warp_mma to fragment loads and
//   mma.sync (s8 m16n8k32; e4m3/e5m2 m16n8k32 on sm_89+ as inline PTX, the
//   form MLIR 22's nvvm.mma.sync lacks; f16 m16n8k16 on elements decoded to
//   f16 otherwise), block scales applied in f32 per K slice.
// * mx-map-warp-kernels: after bufferization, those scf.forall loops become
//   gpu.launch directly (blocks x one warp, or x four warps with
//   stage-tiles), so the generic parallel-loop tiling of the pipeline does
//   not split the lanes of a warp; with stage-tiles the blocks' staging
//   buffers become workgroup attributions and their copies cooperative
//   (all threads of the block, between gpu.barrier ops).
//
//===----------------------------------------------------------------------===//

#include "../MXToVector/WarpMMA.h"
#include "ContractResult.h"
#include "mx/Conversion/MXToGPU/MXToGPU.h"
#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXWARPMMATONVVM
#define GEN_PASS_DEF_MXMAPWARPKERNELS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;
namespace wm = mx::warp_mma;

namespace {

//===----------------------------------------------------------------------===//
// mx.contract -> warp tiles
//===----------------------------------------------------------------------===//

/// Whether the contraction is a matmul, (m, n, k) -> (m, k), (k, n), (m, n),
/// or a batch matmul, (b, m, n, k) -> (b, m, k), (b, k, n), (b, m, n).
/// `batch` says which.
bool isMatmulForm(ContractOp op, bool &batch) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  unsigned dims = op.getIteratorTypes().size();
  if (maps.size() != 3 || (dims != 3 && dims != 4))
    return false;
  batch = dims == 4;
  MLIRContext *ctx = op.getContext();
  unsigned first = batch ? 1 : 0;
  AffineExpr m = getAffineDimExpr(first, ctx),
             n = getAffineDimExpr(first + 1, ctx),
             k = getAffineDimExpr(first + 2, ctx);
  SmallVector<AffineExpr> lead;
  if (batch)
    lead.push_back(getAffineDimExpr(0, ctx));
  auto with = [&](AffineExpr a, AffineExpr b) {
    SmallVector<AffineExpr> r(lead);
    r.append({a, b});
    return AffineMap::get(dims, 0, r, ctx);
  };
  for (unsigned d = 0; d < dims; ++d)
    if (op.isReductionDim(d) != (d == dims - 1))
      return false;
  return maps[0] == with(m, k) && maps[1] == with(k, n) &&
         maps[2] == with(m, n);
}

int64_t roundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

/// The E8M0 code of 1.0.
constexpr int8_t kE8M0One = 127;

/// Why the contraction has no tensor-core kernel (empty: it has one).
std::string whyNoWarpTiles(ContractOp op) {
  bool batch = false;
  if (!isMatmulForm(op, batch))
    return "not a matmul or batch matmul";
  RankedTensorType lhs = op.getLhs().getType(), rhs = op.getRhs().getType();
  if (!lhs.hasStaticShape() || !rhs.hasStaticShape() ||
      !op.getResultType().hasStaticShape())
    return "dynamic shapes";
  if (op.hasLhsPadding())
    return "padded lhs";
  if (op.getBiasInit())
    return "bias-initialised accumulator";
  unsigned r = lhs.getRank();
  int64_t m = lhs.getDimSize(r - 2), n = rhs.getDimSize(r - 1);
  if (roundUp(m, wm::kM) / wm::kM > 65535 ||
      (batch && lhs.getDimSize(0) > 65535))
    return "more than 65535 row tiles or batches";
  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  FormatSpec a = qa.getSpec(), b = qb.getSpec();
  if (!WarpMMAOp::supportsFormats(a, b))
    return "formats without a tensor-core tile";
  if (a.scale == ScaleKind::E8M0) {
    if (qa.getAxis() != r - 1 || qb.getAxis() != r - 2)
      return "blocks not along K";
  } else {
    // INT8: per tensor, or per channel along M (lhs) / N (rhs).
    if (a.granularity == Granularity::Channel && qa.getAxis() != r - 2)
      return "lhs channels not along M";
    if (b.granularity == Granularity::Channel && qb.getAxis() != r - 1)
      return "rhs channels not along N";
  }
  // Packed 4-bit elements along N: padding N to 8 pads whole bytes only
  // when N's bytes are whole (an odd N leaves a half-filled last byte,
  // which is fine: its output column is cut off).
  (void)n;
  for (Value v : {op.getBias(), op.getResidual()})
    if (v && !cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return "non-f32 bias or residual";
  return "";
}

/// `v` padded at the end of each dimension to `shape` with `pad` (i8).
Value padTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape,
            int8_t pad) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  SmallVector<OpFoldResult> low, high;
  for (auto [have, want] : llvm::zip(type.getShape(), shape)) {
    low.push_back(b.getIndexAttr(0));
    high.push_back(b.getIndexAttr(want - have));
  }
  Value padValue = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type.getElementType(), pad));
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, low, high,
      padValue);
}

/// A contraction in implicit-GEMM form (a convolution): the parallel dims
/// of the lhs (not in the rhs) form the GEMM's M (in the order of the result
/// map), the one parallel dim of the rhs its N, the reduction dims its K.
/// K is laid out as `groups` groups of `cp` (the reduction dim `kc` that
/// the lhs's last dimension indexes, padded to 32; for MX formats the
/// quantization axis of both operands), one per value of the other
/// reduction dims (`kOuter`, e.g. the filter's kh, kw), so every 32-long K
/// slice lies in one quantization block of each operand.
struct ImplicitGemm {
  SmallVector<int64_t> dimSizes;
  SmallVector<unsigned> mDims, kOuter;
  unsigned nDim = 0, kc = 0;
  int64_t m = 1, n = 1, c = 1, cp = 32, groups = 1;
};

/// The implicit-GEMM form of `op`, or why it has none.
FailureOr<ImplicitGemm> analyzeImplicitGemm(ContractOp op, std::string &why) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  auto fail = [&](const char *reason) {
    why = reason;
    return failure();
  };
  RankedTensorType lhs = op.getLhs().getType(), rhs = op.getRhs().getType();
  RankedTensorType res = op.getResultType();
  if (maps.size() != 3 || !lhs.hasStaticShape() || !rhs.hasStaticShape() ||
      !res.hasStaticShape())
    return fail("not a static contraction");
  unsigned numDims = op.getIteratorTypes().size();
  ImplicitGemm g;
  g.dimSizes.assign(numDims, ShapedType::kDynamic);
  SmallVector<bool> inLhs(numDims, false), inRhs(numDims, false);
  for (AffineExpr e : maps[0].getResults())
    for (unsigned d = 0; d < numDims; ++d)
      if (e.isFunctionOfDim(d))
        inLhs[d] = true;
  for (auto [i, e] : llvm::enumerate(maps[1].getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim)
      return fail("rhs map is not a permutation of dims");
    inRhs[dim.getPosition()] = true;
    g.dimSizes[dim.getPosition()] = rhs.getDimSize(i);
  }
  for (auto [i, e] : llvm::enumerate(maps[2].getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim || op.isReductionDim(dim.getPosition()))
      return fail("result map is not a permutation of parallel dims");
    g.dimSizes[dim.getPosition()] = res.getDimSize(i);
    if (inRhs[dim.getPosition()]) {
      if (inLhs[dim.getPosition()] || i + 1 != maps[2].getNumResults())
        return fail("batch dims, or N not the last result dim");
      g.nDim = dim.getPosition();
    } else {
      g.mDims.push_back(dim.getPosition());
    }
  }
  if (!llvm::is_contained(maps[2].getResults(),
                          getAffineDimExpr(g.nDim, op.getContext())) ||
      !inRhs[g.nDim])
    return fail("no N dim");
  auto kcExpr = dyn_cast<AffineDimExpr>(maps[0].getResults().back());
  if (!kcExpr || !op.isReductionDim(kcExpr.getPosition()) ||
      !inRhs[kcExpr.getPosition()])
    return fail("the lhs's last dimension is not a reduction dim");
  g.kc = kcExpr.getPosition();
  for (unsigned d = 0; d < numDims; ++d) {
    if (!op.isReductionDim(d)) {
      if (!llvm::is_contained(g.mDims, d) && d != g.nDim)
        return fail("a parallel dim outside the result");
      continue;
    }
    if (!inRhs[d])
      return fail("a reduction dim outside the rhs");
    if (d != g.kc)
      g.kOuter.push_back(d);
  }
  for (unsigned d : g.mDims)
    g.m *= g.dimSizes[d];
  for (unsigned d : g.kOuter)
    g.groups *= g.dimSizes[d];
  g.n = g.dimSizes[g.nDim];
  g.c = g.dimSizes[g.kc];
  g.cp = roundUp(g.c, wm::kK);

  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  FormatSpec a = qa.getSpec(), b = qb.getSpec();
  if (!WarpMMAOp::supportsFormats(a, b))
    return fail("formats without a tensor-core tile");
  int64_t rhsKc =
      *maps[1].getResultPosition(getAffineDimExpr(g.kc, op.getContext()));
  int64_t rhsN =
      *maps[1].getResultPosition(getAffineDimExpr(g.nDim, op.getContext()));
  if (a.scale == ScaleKind::E8M0) {
    if (qa.getAxis() != lhs.getRank() - 1 || qb.getAxis() != rhsKc)
      return fail("blocks not along the lhs's last (reduction) dimension");
  } else if (a.granularity != Granularity::Tensor ||
             (b.granularity == Granularity::Channel && qb.getAxis() != rhsN)) {
    return fail("INT8 channels other than the rhs's N");
  }
  if (getStorageElementBits(b) == 4 && rhsN != rhs.getRank() - 1 &&
      rhsKc != rhs.getRank() - 1)
    return fail("packed rhs not packed along N or the channels");
  if (op.getBiasInit())
    return fail("bias-initialised accumulator");
  for (Value v : {op.getBias(), op.getResidual()})
    if (v && !cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return fail("non-f32 bias or residual");
  if (roundUp(g.m, wm::kM) / wm::kM > 65535)
    return fail("more than 65535 row tiles");
  return g;
}

/// `v` split into the values of dims of `sizes` (row-major).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value v,
                               ArrayRef<int64_t> sizes) {
  SmallVector<Value> out(sizes.size());
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    Value size = arith::ConstantIndexOp::create(b, loc, sizes[i]);
    out[i] = i == 0 ? v : arith::RemUIOp::create(b, loc, v, size).getResult();
    if (i > 0)
      v = arith::DivUIOp::create(b, loc, v, size);
  }
  return out;
}

/// The implicit-GEMM operands of a convolution-like contraction, gathered
/// from the operands' storage (im2col addressing from the indexing maps):
/// A codes [Mp, K / packA] and scales [Mp, K / 32], B codes [K, Np / packB]
/// and scales [K / 32, Np], K = groups * cp, padded with zero codes and
/// 1.0 scales (rows past M, columns past N, channels past C, the lhs
/// padding of lhs_pad_low / lhs_pad_high). Mp and Np are M and N rounded
/// up to `blockM` and `blockN` (the outputs of a GPU block).
void gatherImplicitGemm(OpBuilder &b, Location loc, ContractOp op,
                        const ImplicitGemm &g, SmallVector<Value> &partsA,
                        SmallVector<Value> &partsB, int64_t blockM = wm::kM,
                        int64_t blockN = wm::kN) {
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  FormatSpec specA = op.getLhsQuantizedType().getSpec();
  FormatSpec specB = op.getRhsQuantizedType().getSpec();
  bool int8 = specA.scale == ScaleKind::F32;
  int64_t packA = getStorageElementBits(specA) == 4 ? 2 : 1;
  int64_t packB = getStorageElementBits(specB) == 4 ? 2 : 1;
  int64_t mp = roundUp(g.m, blockM), np = roundUp(g.n, blockN);
  int64_t kp = g.groups * g.cp;
  SmallVector<int64_t> mSizes, outerSizes;
  for (unsigned d : g.mDims)
    mSizes.push_back(g.dimSizes[d]);
  for (unsigned d : g.kOuter)
    outerSizes.push_back(g.dimSizes[d]);
  SmallVector<int64_t> padLow(op.getLhs().getType().getRank(), 0);
  if (std::optional<ArrayRef<int64_t>> p = op.getLhsPadLow())
    padLow.assign(p->begin(), p->end());
  bool padded = op.hasLhsPadding();
  Type i8 = b.getI8Type();
  auto cst = [&](OpBuilder &bb, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(bb, loc, v);
  };
  auto i8c = [&](OpBuilder &bb, int64_t v) -> Value {
    return arith::ConstantOp::create(bb, loc, bb.getIntegerAttr(i8, v));
  };
  auto andB = [&](OpBuilder &bb, Value x, Value y) -> Value {
    return x ? arith::AndIOp::create(bb, loc, x, y).getResult() : y;
  };
  auto ult = [&](OpBuilder &bb, Value x, int64_t bound) -> Value {
    return arith::CmpIOp::create(bb, loc, arith::CmpIPredicate::ult, x,
                                 cst(bb, bound));
  };
  auto clamp = [&](OpBuilder &bb, Value x, int64_t bound) -> Value {
    return arith::MinUIOp::create(bb, loc, x, cst(bb, bound - 1));
  };
  // Reads `part` (storage of the lhs) at the lhs map applied to `dims`,
  // the last dimension at `last` (a storage index), or `fill` outside.
  auto readLhs = [&](OpBuilder &bb, Value part, SmallVector<Value> dims,
                     Value last, Value valid, int64_t fill) -> Value {
    auto type = cast<RankedTensorType>(part.getType());
    SmallVector<Value> idx;
    for (auto [i, e] : llvm::enumerate(maps[0].getResults())) {
      if (i + 1 == maps[0].getNumResults()) {
        idx.push_back(last);
        continue;
      }
      SmallVector<OpFoldResult> ofr(dims.begin(), dims.end());
      Value v = affine::makeComposedAffineApply(
          bb, loc, AffineMap::get(dims.size(), 0, e - padLow[i], ctx), ofr);
      // Inside the unpadded lhs: 0 <= v < size (as unsigned: v < size).
      if (padded)
        valid = andB(bb, valid, ult(bb, v, type.getDimSize(i)));
      idx.push_back(clamp(bb, v, type.getDimSize(i)));
    }
    Value x = tensor::ExtractOp::create(bb, loc, part, idx);
    return arith::SelectOp::create(bb, loc, valid, x, i8c(bb, fill));
  };
  auto readRhs = [&](OpBuilder &bb, Value part, SmallVector<Value> dims,
                     Value valid, int64_t fill) -> Value {
    auto type = cast<RankedTensorType>(part.getType());
    SmallVector<Value> idx;
    for (auto [i, e] : llvm::enumerate(maps[1].getResults()))
      idx.push_back(clamp(bb, dims[cast<AffineDimExpr>(e).getPosition()],
                          type.getDimSize(i)));
    Value x = tensor::ExtractOp::create(bb, loc, part, idx);
    return arith::SelectOp::create(bb, loc, valid, x, i8c(bb, fill));
  };
  unsigned numDims = g.dimSizes.size();
  // Loop-dim values of GEMM row `row` (clamped) and K group `group`.
  auto lhsDims = [&](OpBuilder &bb, Value row, Value group) {
    SmallVector<Value> dims(numDims, cst(bb, 0));
    for (auto [d, v] :
         llvm::zip(g.mDims, delinearize(bb, loc, clamp(bb, row, g.m), mSizes)))
      dims[d] = v;
    if (!g.kOuter.empty())
      for (auto [d, v] :
           llvm::zip(g.kOuter, delinearize(bb, loc, group, outerSizes)))
        dims[d] = v;
    return dims;
  };
  auto rhsDims = [&](OpBuilder &bb, Value group, Value kcValue, Value nValue) {
    SmallVector<Value> dims(numDims, cst(bb, 0));
    if (!g.kOuter.empty())
      for (auto [d, v] :
           llvm::zip(g.kOuter, delinearize(bb, loc, group, outerSizes)))
        dims[d] = v;
    dims[g.kc] = kcValue;
    dims[g.nDim] = nValue;
    return dims;
  };
  auto generate = [&](ArrayRef<int64_t> shape,
                      function_ref<Value(OpBuilder &, Value, Value)> body) {
    return generateI8Tile(b, loc, shape, body);
  };
  int64_t cBytesA = (g.c + packA - 1) / packA, cpBytesA = g.cp / packA;
  Value lhsCodes = partsA[0], rhsCodes = partsB[0];
  partsA[0] = generate({mp, kp / packA}, [&](OpBuilder &bb, Value i, Value j) {
    Value group = arith::DivUIOp::create(bb, loc, j, cst(bb, cpBytesA));
    Value jb = arith::RemUIOp::create(bb, loc, j, cst(bb, cpBytesA));
    Value valid = andB(bb, ult(bb, i, g.m), ult(bb, jb, cBytesA));
    return readLhs(bb, lhsCodes, lhsDims(bb, i, group), clamp(bb, jb, cBytesA),
                   valid, 0);
  });
  int64_t nBytesB = (g.n + packB - 1) / packB;
  bool rhsPackedAlongKc =
      packB == 2 &&
      cast<AffineDimExpr>(maps[1].getResults().back()).getPosition() == g.kc;
  partsB[0] = generate({kp, np / packB}, [&](OpBuilder &bb, Value j, Value nb) {
    Value group = arith::DivUIOp::create(bb, loc, j, cst(bb, g.cp));
    Value c = arith::RemUIOp::create(bb, loc, j, cst(bb, g.cp));
    if (!rhsPackedAlongKc) {
      Value valid = andB(bb, ult(bb, c, g.c), ult(bb, nb, nBytesB));
      return readRhs(bb, rhsCodes, rhsDims(bb, group, c, nb), valid, 0);
    }
    // 4-bit codes stored packed along the channels (a TOSA [F, H, W, C]
    // filter): the tile packs them along N, two columns per byte (element
    // 2j in the low nibble), so each byte takes one nibble of two bytes.
    Value cByte = arith::DivUIOp::create(bb, loc, c, cst(bb, 2));
    Value shift = arith::IndexCastOp::create(
        bb, loc, i8,
        arith::MulIOp::create(bb, loc,
                              arith::RemUIOp::create(bb, loc, c, cst(bb, 2)),
                              cst(bb, 4)));
    Value packedByte;
    for (int64_t e = 0; e < 2; ++e) {
      Value n = arith::AddIOp::create(
          bb, loc, arith::MulIOp::create(bb, loc, nb, cst(bb, 2)), cst(bb, e));
      Value valid = andB(bb, ult(bb, c, g.c), ult(bb, n, g.n));
      Value byte =
          readRhs(bb, rhsCodes, rhsDims(bb, group, cByte, n), valid, 0);
      Value nib = arith::AndIOp::create(
          bb, loc, arith::ShRUIOp::create(bb, loc, byte, shift), i8c(bb, 0xF));
      if (e == 0) {
        packedByte = nib;
      } else {
        nib = arith::ShLIOp::create(bb, loc, nib, i8c(bb, 4));
        packedByte = arith::OrIOp::create(bb, loc, packedByte, nib);
      }
    }
    return packedByte;
  });
  if (int8)
    return;
  int64_t slices = g.cp / wm::kK;
  Value lhsScales = partsA[1], rhsScales = partsB[1];
  partsA[1] =
      generate({mp, kp / wm::kK}, [&](OpBuilder &bb, Value i, Value sl) {
        Value group = arith::DivUIOp::create(bb, loc, sl, cst(bb, slices));
        Value cb = arith::RemUIOp::create(bb, loc, sl, cst(bb, slices));
        return readLhs(bb, lhsScales, lhsDims(bb, i, group), cb,
                       ult(bb, i, g.m), kE8M0One);
      });
  partsB[1] =
      generate({kp / wm::kK, np}, [&](OpBuilder &bb, Value sl, Value n) {
        Value group = arith::DivUIOp::create(bb, loc, sl, cst(bb, slices));
        Value cb = arith::RemUIOp::create(bb, loc, sl, cst(bb, slices));
        return readRhs(bb, rhsScales, rhsDims(bb, group, cb, n),
                       ult(bb, n, g.n), kE8M0One);
      });
}

/// Warps per block of the staged warp tiles (WarpTileStaging): a 2 x 2
/// grid of 16 x 8 warp tiles, 32 x 16 outputs and 128 threads per block.
constexpr int64_t kStagedWarpsM = 2, kStagedWarpsN = 2;

/// Registered with benefit 3: before the loop lowering of mx.contract.
struct ContractToWarpTiles : OpConversionPattern<ContractOp> {
  ContractToWarpTiles(TypeConverter &converter, MLIRContext *ctx,
                      WarpTileStaging staging)
      : OpConversionPattern(converter, ctx, /*benefit=*/3), staging(staging) {}
  WarpTileStaging staging;

  LogicalResult
  matchAndRewrite(ContractOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::string why = whyNoWarpTiles(op);
    std::optional<ImplicitGemm> implicit;
    if (!why.empty()) {
      std::string whyNot;
      FailureOr<ImplicitGemm> g = analyzeImplicitGemm(op, whyNot);
      if (failed(g))
        return rewriter.notifyMatchFailure(
            op, why + "; no implicit GEMM: " + whyNot);
      implicit = *g;
    }
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
    FormatSpec specA = qa.getSpec(), specB = qb.getSpec();
    bool int8 = specA.scale == ScaleKind::F32;
    int64_t packA = getStorageElementBits(specA) == 4 ? 2 : 1;
    int64_t packB = getStorageElementBits(specB) == 4 ? 2 : 1;
    bool batch = !implicit && op.getLhs().getType().getRank() == 3;
    int64_t r = batch ? 3 : 2;
    int64_t nb = batch ? op.getLhs().getType().getDimSize(0) : 1;
    int64_t m, k, n;
    if (implicit) {
      m = implicit->m;
      n = implicit->n;
      k = implicit->groups * implicit->cp;
    } else {
      m = op.getLhs().getType().getDimSize(r - 2);
      k = op.getLhs().getType().getDimSize(r - 1);
      n = op.getRhs().getType().getDimSize(r - 1);
    }
    // Shapes that are not multiples of the tile: the operands' codes are
    // padded with zero codes (value +0 in every format) up to whole tiles,
    // their E8M0 scales with 127 (1.0), so padded products are +0 and
    // padded K adds nothing; padded rows and columns of the result are cut
    // off; the epilogue reads its operands at clamped indices.
    // Staged: blocks of kStagedWarpsM x kStagedWarpsN warps, M and N padded
    // to whole blocks.
    const int64_t warpsM = staging.enabled ? kStagedWarpsM : 1;
    const int64_t warpsN = staging.enabled ? kStagedWarpsN : 1;
    const int64_t blockM = wm::kM * warpsM, blockN = wm::kN * warpsN;
    int64_t mp = roundUp(m, blockM), np = roundUp(n, blockN),
            kp = roundUp(k, wm::kK);
    auto shapeOf = [&](int64_t rows, int64_t cols) {
      SmallVector<int64_t> s;
      if (batch)
        s.push_back(nb);
      s.append({rows, cols});
      return s;
    };
    SmallVector<Value> partsA(adaptor.getLhs()), partsB(adaptor.getRhs());
    if (implicit) {
      gatherImplicitGemm(rewriter, loc, op, *implicit, partsA, partsB, blockM,
                         blockN);
    } else {
      partsA[0] = padTo(rewriter, loc, partsA[0], shapeOf(mp, kp / packA), 0);
      partsB[0] = padTo(rewriter, loc, partsB[0], shapeOf(kp, np / packB), 0);
      if (!int8) {
        partsA[1] =
            padTo(rewriter, loc, partsA[1], shapeOf(mp, kp / wm::kK), kE8M0One);
        partsB[1] =
            padTo(rewriter, loc, partsB[1], shapeOf(kp / wm::kK, np), kE8M0One);
      }
    }

    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    auto accType = VectorType::get({4}, int8 ? rewriter.getI32Type() : f32);
    auto resultF32 = RankedTensorType::get(shapeOf(mp, np), f32);
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultF32.getShape(), f32);
    SmallVector<OpFoldResult> ubs;
    SmallVector<Attribute> mappingAttrs;
    if (batch) {
      ubs.push_back(rewriter.getIndexAttr(nb));
      mappingAttrs.push_back(
          gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimZ));
    }
    ubs.append({rewriter.getIndexAttr(mp / blockM),
                rewriter.getIndexAttr(np / blockN),
                rewriter.getIndexAttr(32 * warpsM * warpsN)});
    mappingAttrs.append(
        {gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimY),
         gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX),
         gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX)});
    auto forall = scf::ForallOp::create(rewriter, loc, ubs, ValueRange{init},
                                        rewriter.getArrayAttr(mappingAttrs));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      Block *body = forall.getBody();
      rewriter.setInsertionPointToStart(body);
      ValueRange ivs = forall.getInductionVars();
      Value bi = batch ? ivs[0] : Value();
      Value ti = ivs[batch ? 1 : 0];
      Value tj = ivs[batch ? 2 : 1];
      Value thread = ivs[batch ? 3 : 2];
      Value out = forall.getRegionIterArgs()[0];
      AffineExpr d0 = rewriter.getAffineDimExpr(0);
      auto apply = [&](AffineExpr e, Value v) -> Value {
        return affine::makeComposedAffineApply(rewriter, loc, e,
                                               {OpFoldResult(v)});
      };
      // The block's first output row and column; the warp's (warp w of the
      // block at (w / warpsN, w % warpsN) of the warp grid) and its lane.
      Value blockRow0 = apply(d0 * blockM, ti),
            blockCol0 = apply(d0 * blockN, tj);
      Value lane = thread, warpRow, warpCol, row0 = blockRow0, col0 = blockCol0;
      if (staging.enabled) {
        lane = apply(d0 % 32, thread);
        warpRow = apply(d0.floorDiv(32).floorDiv(warpsN), thread);
        warpCol = apply(d0.floorDiv(32) % warpsN, thread);
        row0 = affine::makeComposedAffineApply(
            rewriter, loc,
            rewriter.getAffineDimExpr(0) * blockM +
                rewriter.getAffineDimExpr(1) * wm::kM,
            {OpFoldResult(ti), OpFoldResult(warpRow)});
        col0 = affine::makeComposedAffineApply(
            rewriter, loc,
            rewriter.getAffineDimExpr(0) * blockN +
                rewriter.getAffineDimExpr(1) * wm::kN,
            {OpFoldResult(tj), OpFoldResult(warpCol)});
      }

      // The K loop: one mx.warp_mma per 32-long slice.
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getZeroAttr(accType));
      Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value cKB = arith::ConstantIndexOp::create(rewriter, loc, kp / wm::kK);
      auto kLoop = scf::ForOp::create(
          rewriter, loc, c0, cKB, c1, ValueRange{zero},
          [&](OpBuilder &b, Location loc, Value kb, ValueRange iter) {
            auto applyB = [&](AffineExpr e, Value v) -> Value {
              return affine::makeComposedAffineApply(b, loc, e,
                                                     {OpFoldResult(v)});
            };
            // A (rank-reducing) slice of one batch's matrix.
            auto slice = [&](Value src, ArrayRef<Value> offsets,
                             ArrayRef<int64_t> sizes,
                             RankedTensorType type) -> Value {
              SmallVector<OpFoldResult> offs, szs, strides;
              if (batch) {
                offs.push_back(bi);
                szs.push_back(b.getIndexAttr(1));
                strides.push_back(b.getIndexAttr(1));
              }
              for (auto [o, s] : llvm::zip(offsets, sizes)) {
                offs.push_back(o);
                szs.push_back(b.getIndexAttr(s));
                strides.push_back(b.getIndexAttr(1));
              }
              return tensor::ExtractSliceOp::create(b, loc, type, src, offs,
                                                    szs, strides);
            };
            // The block's tiles of this K step (the warp's when not
            // staged): A codes [blockM, 32], B codes [32, blockN] (4-bit
            // codes packed two per byte), one E8M0 code per row of A and
            // per column of B, the scale layout of the tile (rank-reducing
            // slices).
            Value aTile =
                slice(partsA[0], {blockRow0, applyB(d0 * (wm::kK / packA), kb)},
                      {blockM, wm::kK / packA},
                      RankedTensorType::get({blockM, wm::kK / packA}, i8));
            Value bTile = slice(
                partsB[0],
                {applyB(d0 * wm::kK, kb), applyB(d0 * (blockN / packB), tj)},
                {wm::kK, blockN / packB},
                RankedTensorType::get({wm::kK, blockN / packB}, i8));
            Value aScales, bScales;
            if (!int8) {
              aScales = slice(partsA[1], {blockRow0, kb}, {blockM, 1},
                              RankedTensorType::get({blockM}, i8));
              bScales = slice(partsB[1], {kb, blockCol0}, {1, blockN},
                              RankedTensorType::get({blockN}, i8));
            }
            if (staging.enabled) {
              // Staged: each tile copied into a buffer of the block
              // (workgroup memory on the GPU), the warp's tiles sliced from
              // it. On tensors every thread makes its own copy (the CPU
              // test path runs that); mx-map-warp-kernels shares the buffer
              // and splits the copy among the block's threads.
              Attribute space;
              if (!staging.emulate)
                space = gpu::AddressSpaceAttr::get(
                    ctx, gpu::AddressSpace::Workgroup);
              auto stage = [&](Value tile) -> Value {
                auto alloc = bufferization::AllocTensorOp::create(
                    b, loc, tile.getType(), ValueRange{}, Value(), Value(),
                    space);
                return bufferization::MaterializeInDestinationOp::create(
                           b, loc, tile, alloc)
                    .getResult();
              };
              auto sub = [&](Value src, ArrayRef<OpFoldResult> offs,
                             ArrayRef<int64_t> sizes) -> Value {
                SmallVector<OpFoldResult> szs, strides;
                for (int64_t sz : sizes) {
                  szs.push_back(b.getIndexAttr(sz));
                  strides.push_back(b.getIndexAttr(1));
                }
                return tensor::ExtractSliceOp::create(
                    b, loc, RankedTensorType::get(sizes, i8), stage(src), offs,
                    szs, strides);
              };
              OpFoldResult zeroIdx = b.getIndexAttr(0);
              Value wRowOff = applyB(d0 * wm::kM, warpRow);
              Value wColOff = applyB(d0 * wm::kN, warpCol);
              Value wColByte = applyB(d0 * (wm::kN / packB), warpCol);
              aTile = sub(aTile, {wRowOff, zeroIdx}, {wm::kM, wm::kK / packA});
              bTile = sub(bTile, {zeroIdx, wColByte}, {wm::kK, wm::kN / packB});
              if (!int8) {
                aScales = sub(aScales, {wRowOff}, {wm::kM});
                bScales = sub(bScales, {wColOff}, {wm::kN});
              }
            }
            // The block-scaled mma.sync takes MXFP8 operands (MXFP4 and
            // MXINT8 keep the scales in f32).
            auto isF8 = [](const FormatSpec &s) {
              return s.element == ElementKind::F8E4M3FN ||
                     s.element == ElementKind::F8E5M2;
            };
            WarpScaleLayoutAttr layout;
            if (staging.blockScaleLayout && isF8(specA) && isF8(specB))
              layout =
                  WarpScaleLayoutAttr::get(ctx, WarpScaleLayout::M16N8K32X1);
            Value next = WarpMMAOp::create(b, loc, accType, aTile, aScales,
                                           bTile, bScales, iter[0], lane,
                                           FormatAttr::get(ctx, specA),
                                           FormatAttr::get(ctx, specB), layout);
            scf::YieldOp::create(b, loc, next);
          });
      Value acc = kLoop.getResult(0);

      // Epilogue on the lane's four outputs. Rows and columns of the
      // padding read the epilogue operands at the last row / column (their
      // outputs are cut off).
      Value lastRow = arith::ConstantIndexOp::create(rewriter, loc, m - 1);
      Value lastCol = arith::ConstantIndexOp::create(rewriter, loc, n - 1);
      SmallVector<Value> outs;
      NumericsEmitter s(rewriter, loc, {});
      for (int64_t e = 0; e < 4; ++e) {
        auto [lr, lc] = wm::accumulatorPosition(rewriter, loc, lane, e);
        Value row = arith::AddIOp::create(rewriter, loc, row0, lr);
        Value col = arith::AddIOp::create(rewriter, loc, col0, lc);
        if (mp != m)
          row = arith::MinUIOp::create(rewriter, loc, row, lastRow);
        if (np != n)
          col = arith::MinUIOp::create(rewriter, loc, col, lastCol);
        // The loop-dim values of this output (reduction dims 0).
        SmallVector<Value> dims;
        if (implicit) {
          dims.assign(implicit->dimSizes.size(), c0);
          SmallVector<int64_t> mSizes;
          for (unsigned d : implicit->mDims)
            mSizes.push_back(implicit->dimSizes[d]);
          for (auto [d, v] : llvm::zip(implicit->mDims,
                                       delinearize(rewriter, loc, row, mSizes)))
            dims[d] = v;
          dims[implicit->nDim] = col;
        } else {
          if (batch)
            dims.push_back(bi);
          dims.append({row, col, c0});
        }
        SmallVector<AffineMap> maps = llvm::to_vector(
            op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
        auto at = [&](AffineMap map) {
          SmallVector<Value> idx;
          SmallVector<OpFoldResult> ofr(dims.begin(), dims.end());
          for (AffineExpr ex : map.getResults())
            idx.push_back(affine::makeComposedAffineApply(
                rewriter, loc, AffineMap::get(dims.size(), 0, ex, ctx), ofr));
          return idx;
        };
        Value x = vector::ExtractOp::create(rewriter, loc, acc, e);
        if (int8) {
          x = arith::SIToFPOp::create(rewriter, loc, f32, x);
          auto scaleAt = [&](Value part, QuantizedType q, AffineMap map) {
            if (q.getSpec().granularity == Granularity::Tensor)
              return (Value)tensor::ExtractOp::create(rewriter, loc, part,
                                                      ValueRange{});
            return (Value)tensor::ExtractOp::create(
                rewriter, loc, part,
                at(map.getSubMap({(unsigned)q.getAxis()})));
          };
          Value sa = scaleAt(partsA[1], qa, maps[0]);
          Value sb = scaleAt(partsB[1], qb, maps[1]);
          // A NaN or infinite scale makes the value NaN, as the dequantizer
          // and the CPU lowering do.
          Value scale =
              s.self(s.borB(s.fisNaNOrInf(sa), s.fisNaNOrInf(sb)),
                     s.bitsToF(s.c(numerics::kQuietNaNBits)), s.fmul(sa, sb));
          x = s.fmul(x, scale);
        }
        x = emitContractEpilogueAt(rewriter, loc, op, x, at);
        outs.push_back(x);
      }
      // Outputs (g, 2t), (g, 2t+1), (g+8, 2t), (g+8, 2t+1): a 2x2 tile with
      // a row stride of 8.
      auto tileType = RankedTensorType::get({2, 2}, f32);
      Value tile =
          tensor::FromElementsOp::create(rewriter, loc, tileType, outs);
      auto [lr0, lc0] = wm::accumulatorPosition(rewriter, loc, lane, 0);
      Value row = arith::AddIOp::create(rewriter, loc, row0, lr0);
      Value col = arith::AddIOp::create(rewriter, loc, col0, lc0);
      rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
      SmallVector<OpFoldResult> offs, sizes, strides;
      if (batch) {
        offs.push_back(bi);
        sizes.push_back(rewriter.getIndexAttr(1));
        strides.push_back(rewriter.getIndexAttr(1));
      }
      offs.append({row, col});
      sizes.append({rewriter.getIndexAttr(2), rewriter.getIndexAttr(2)});
      strides.append({rewriter.getIndexAttr(8), rewriter.getIndexAttr(1)});
      tensor::ParallelInsertSliceOp::create(rewriter, loc, tile, out, offs,
                                            sizes, strides);
    }
    Value result = forall.getResult(0);
    if (mp != m || np != n) {
      SmallVector<OpFoldResult> offs(r, rewriter.getIndexAttr(0)), sizes,
          strides(r, rewriter.getIndexAttr(1));
      for (int64_t d : shapeOf(m, n))
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(shapeOf(m, n), f32), result,
          offs, sizes, strides);
    }
    if (implicit && op.getResultType().getRank() != 2) {
      // [M, N] -> the result shape (M dims in result order, then N).
      SmallVector<int64_t> shape(op.getResultType().getShape());
      ReassociationIndices mGroup;
      for (int64_t i = 0; i + 1 < (int64_t)shape.size(); ++i)
        mGroup.push_back(i);
      result = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, f32), result,
          ArrayRef<ReassociationIndices>{
              mGroup, ReassociationIndices{(int64_t)shape.size() - 1}});
    }
    replaceContractWithF32Result(rewriter, op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// mx.warp_mma -> NVVM
//===----------------------------------------------------------------------===//

struct WarpMMAToNVVM : OpRewritePattern<WarpMMAOp> {
  WarpMMAToNVVM(MLIRContext *ctx, GPUChipInfo chip)
      : OpRewritePattern(ctx), chip(chip) {}

  /// `count` consecutive elements of `tile` at (row, col), (row, col+1), ...
  /// (`alongRows`: (row, col), (row+1, col), ...), each read by `element`.
  SmallVector<Value> gather(OpBuilder &b, Location loc, Value row, Value col,
                            bool alongRows, int64_t count,
                            function_ref<Value(Value, Value)> element) const {
    SmallVector<Value> values;
    for (int64_t e = 0; e < count; ++e) {
      Value r = row, c = col;
      Value off = arith::ConstantIndexOp::create(b, loc, e);
      if (alongRows)
        r = arith::AddIOp::create(b, loc, row, off);
      else
        c = arith::AddIOp::create(b, loc, col, off);
      values.push_back(element(r, c));
    }
    return values;
  }

  /// A 32-bit register of four consecutive i8 codes of `tile` (see gather).
  Value packBytes(OpBuilder &b, Location loc, Value tile, Value row, Value col,
                  bool alongRows) const {
    SmallVector<Value> bytes =
        gather(b, loc, row, col, alongRows, 4, [&](Value r, Value c) -> Value {
          return tensor::ExtractOp::create(b, loc, tile, ValueRange{r, c});
        });
    Value v = vector::FromElementsOp::create(
        b, loc, VectorType::get({4}, b.getI8Type()), bytes);
    v = vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()),
                                  v);
    return vector::ExtractOp::create(b, loc, v, 0);
  }

  /// Two consecutive elements of `tile` (see gather) decoded exactly to f16.
  Value packHalves(OpBuilder &b, Location loc, Value tile, Value row, Value col,
                   bool alongRows, const FormatSpec &spec) const {
    SmallVector<Value> halves =
        gather(b, loc, row, col, alongRows, 2, [&](Value r, Value c) -> Value {
          Value v = wm::elementValue(
              b, loc, wm::loadCode(b, loc, tile, r, c, spec), spec);
          return arith::TruncFOp::create(b, loc, b.getF16Type(), v);
        });
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({2}, b.getF16Type()), halves);
  }

  LogicalResult matchAndRewrite(WarpMMAOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    FormatSpec specA = op.getASpec(), specB = op.getBSpec();
    Value lane = op.getLane();
    AffineExpr l = rewriter.getAffineDimExpr(0);
    auto at = [&](AffineExpr e) -> Value {
      return affine::makeComposedAffineApply(rewriter, loc, e,
                                             {OpFoldResult(lane)});
    };
    Value g = at(l.floorDiv(4)), g8 = at(l.floorDiv(4) + 8);
    Type i32 = rewriter.getI32Type(), f32 = rewriter.getF32Type();
    bool integerCodes = specA.element == ElementKind::I8;
    auto isF8 = [](const FormatSpec &s) {
      return s.element == ElementKind::F8E4M3FN ||
             s.element == ElementKind::F8E5M2;
    };
    bool f8 = !integerCodes && chip.f8MMA && isF8(specA) && isF8(specB);
    // The pass rejects scale layouts on chips without the instruction.
    bool blockScaled = static_cast<bool>(op.getScaleLayout());

    // m16n8k32 with 8-bit operands: A regs (g, 4t..), (g+8, 4t..),
    // (g, 4t+16..), (g+8, 4t+16..); B regs k = 4t.., 4t+16.. at column g.
    auto k32Registers = [&](SmallVector<Value> &a, SmallVector<Value> &bRegs) {
      Value t4 = at((l % 4) * 4), t4p16 = at((l % 4) * 4 + 16);
      a = {packBytes(rewriter, loc, op.getA(), g, t4, false),
           packBytes(rewriter, loc, op.getA(), g8, t4, false),
           packBytes(rewriter, loc, op.getA(), g, t4p16, false),
           packBytes(rewriter, loc, op.getA(), g8, t4p16, false)};
      bRegs = {packBytes(rewriter, loc, op.getB(), t4, g, true),
               packBytes(rewriter, loc, op.getB(), t4p16, g, true)};
    };

    SmallVector<Value> d; // the four raw results
    if (blockScaled) {
      // kind::mxf8f6f4 m16n8k32: A and B registers as for the f8 mma.sync,
      // the accumulator as C, and the lane's scale registers of
      // #mx.warp_scale_layout<m16n8k32_x1> (byte-id 0, thread-id 0).
      SmallVector<Value> a, bRegs;
      k32Registers(a, bRegs);
      SmallVector<Value> c;
      for (int64_t r = 0; r < 4; ++r)
        c.push_back(vector::ExtractOp::create(rewriter, loc, op.getAcc(), r));
      Value sa = wm::scaleRegister(rewriter, loc, op.getAScales(), lane,
                                   /*isA=*/true);
      Value sb = wm::scaleRegister(rewriter, loc, op.getBScales(), lane,
                                   /*isA=*/false);
      Value zero16 =
          arith::ConstantIntOp::create(rewriter, loc, rewriter.getI16Type(), 0);
      auto mmaType = [](const FormatSpec &s) {
        return s.element == ElementKind::F8E4M3FN ? NVVM::MMATypes::e4m3
                                                  : NVVM::MMATypes::e5m2;
      };
      auto type = LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
      auto mma = NVVM::MmaBlockScaleOp::create(
          rewriter, loc, type, a, bRegs, c, sa, zero16, zero16, sb, zero16,
          zero16, {16, 8, 32},
          std::array<NVVM::MMATypes, 2>{mmaType(specA), mmaType(specB)},
          NVVM::ScaleVecSize::X1, NVVM::BlockScaleFormat::UE8M0,
          NVVM::MMABlockScaleKind::MXF8F6F4);
      SmallVector<Value> results;
      for (int64_t r = 0; r < 4; ++r)
        results.push_back(
            LLVM::ExtractValueOp::create(rewriter, loc, mma.getRes(), r));
      rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
          op, op.getAcc().getType(), results);
      return success();
    }
    if (integerCodes || f8) {
      SmallVector<Value> a, bRegs;
      k32Registers(a, bRegs);
      if (integerCodes) {
        SmallVector<Value> c;
        for (int64_t r = 0; r < 4; ++r)
          c.push_back(
              op.isInt32Accumulation()
                  ? (Value)vector::ExtractOp::create(rewriter, loc, op.getAcc(),
                                                     r)
                  : (Value)arith::ConstantIntOp::create(rewriter, loc, i32, 0));
        auto type = LLVM::LLVMStructType::getLiteral(ctx, {i32, i32, i32, i32});
        auto mma = NVVM::MmaOp::create(
            rewriter, loc, type, a, bRegs, c, {16, 8, 32}, std::nullopt,
            NVVM::MMAIntOverflow::wrapped,
            std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::s8,
                                          NVVM::MMATypes::s8},
            std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                           NVVM::MMALayout::col});
        for (int64_t r = 0; r < 4; ++r)
          d.push_back(LLVM::ExtractValueOp::create(rewriter, loc, mma, r));
      } else {
        // MLIR 22's nvvm.mma.sync has no dense f8 kind: inline PTX.
        auto name = [](const FormatSpec &s) {
          return s.element == ElementKind::F8E4M3FN ? "e4m3" : "e5m2";
        };
        std::string asmString =
            std::string("mma.sync.aligned.m16n8k32.row.col.f32.") +
            name(specA) + "." + name(specB) +
            ".f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};";
        SmallVector<Value> operands(a);
        operands.append(bRegs);
        Value fz = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getF32FloatAttr(0.0f));
        operands.append(4, fz);
        auto type = LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
        auto mma = LLVM::InlineAsmOp::create(
            rewriter, loc, type, operands, asmString,
            "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f", /*has_side_effects=*/false,
            /*is_align_stack=*/false, LLVM::TailCallKind::None,
            LLVM::AsmDialectAttr(), ArrayAttr());
        for (int64_t r = 0; r < 4; ++r)
          d.push_back(
              LLVM::ExtractValueOp::create(rewriter, loc, mma.getRes(), r));
      }
    } else {
      // Fallback: elements decoded to f16 (exact for e4m3, e5m2, e2m1),
      // two m16n8k16 steps with f32 accumulation. A regs (g, 2t..),
      // (g+8, 2t..), (g, 2t+8..), (g+8, 2t+8..); B regs k = 2t.., 2t+8.. at
      // column g (plus the step's K offset).
      Value c[4];
      Value fz = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(0.0f));
      for (Value &v : c)
        v = fz;
      auto type = LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
      for (int64_t k0 = 0; k0 < 32; k0 += 16) {
        Value t2 = at((l % 4) * 2 + k0), t2p8 = at((l % 4) * 2 + k0 + 8);
        SmallVector<Value> a = {
            packHalves(rewriter, loc, op.getA(), g, t2, false, specA),
            packHalves(rewriter, loc, op.getA(), g8, t2, false, specA),
            packHalves(rewriter, loc, op.getA(), g, t2p8, false, specA),
            packHalves(rewriter, loc, op.getA(), g8, t2p8, false, specA)};
        SmallVector<Value> bRegs = {
            packHalves(rewriter, loc, op.getB(), t2, g, true, specB),
            packHalves(rewriter, loc, op.getB(), t2p8, g, true, specB)};
        auto mma = NVVM::MmaOp::create(
            rewriter, loc, type, a, bRegs, ValueRange(c), {16, 8, 16},
            std::nullopt, std::nullopt,
            std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::f16,
                                          NVVM::MMATypes::f16},
            std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                           NVVM::MMALayout::col});
        for (int64_t r = 0; r < 4; ++r)
          c[r] = LLVM::ExtractValueOp::create(rewriter, loc, mma, r);
      }
      d.assign(std::begin(c), std::end(c));
    }

    SmallVector<Value> results;
    for (int64_t r = 0; r < 4; ++r) {
      if (op.isInt32Accumulation()) {
        results.push_back(d[r]);
        continue;
      }
      auto [row, col] = wm::accumulatorPosition(rewriter, loc, lane, r);
      Value acc = vector::ExtractOp::create(rewriter, loc, op.getAcc(), r);
      results.push_back(wm::applySliceScales(rewriter, loc, acc, d[r],
                                             integerCodes, op.getAScales(), row,
                                             op.getBScales(), col, specA));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, op.getAcc().getType(), results);
    return success();
  }

  GPUChipInfo chip;
};

struct ConvertMXWarpMMAToNVVMPass
    : mx::impl::ConvertMXWarpMMAToNVVMBase<ConvertMXWarpMMAToNVVMPass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<GPUChipInfo> info = parseGPUChip(chip);
    if (!info) {
      emitError(getOperation()->getLoc())
          << "unknown GPU chip '" << chip
          << "' (expected sm_<number>, optionally with a or f: sm_90, "
             "sm_100a)";
      return signalPassFailure();
    }
    if (!f8)
      info->f8MMA = false;
    if (!blockScale)
      info->blockScaleMMA = false;
    WalkResult walk = getOperation()->walk([&](WarpMMAOp op) {
      if (op.getScaleLayout() && !info->blockScaleMMA) {
        op.emitOpError()
            << "has scale_layout " << op.getScaleLayoutAttr() << " but chip '"
            << chip
            << "' has no block-scaled mma.sync (sm_120a, sm_120f or sm_121a "
               "with PTX 8.7)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateMXWarpMMAToNVVMPatterns(patterns, *info);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

//===----------------------------------------------------------------------===//
// Warp kernels -> gpu.launch
//===----------------------------------------------------------------------===//

struct MXMapWarpKernelsPass
    : mx::impl::MXMapWarpKernelsBase<MXMapWarpKernelsPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    MXMapWarpKernelsBase::getDependentDialects(registry);
    // The asynchronous copies of the staged tiles.
    registry.insert<nvgpu::NVGPUDialect>();
  }

  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation().walk([&](scf::ForallOp op) {
      if (std::optional<ArrayAttr> mapping = op.getMapping();
          mapping && !mapping->empty() &&
          llvm::all_of(*mapping, [](Attribute a) {
            return isa<gpu::GPUBlockMappingAttr, gpu::GPUThreadMappingAttr>(a);
          }))
        loops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp op : loops)
      if (failed(mapToLaunch(rewriter, op)))
        return signalPassFailure();
  }

  LogicalResult mapToLaunch(IRRewriter &rewriter, scf::ForallOp op) {
    if (op.getNumResults() != 0 || !op.getTerminator().getYieldingOps().empty())
      return op.emitOpError("a GPU-mapped loop must be bufferized before "
                            "mx-map-warp-kernels");
    ArrayRef<int64_t> lbs = op.getStaticLowerBound();
    ArrayRef<int64_t> ubs = op.getStaticUpperBound();
    ArrayRef<int64_t> steps = op.getStaticStep();
    if (llvm::any_of(lbs, [](int64_t v) { return v != 0; }) ||
        llvm::any_of(steps, [](int64_t v) { return v != 1; }) ||
        llvm::any_of(ubs, ShapedType::isDynamic))
      return op.emitOpError("a GPU-mapped loop needs static bounds from 0 "
                            "with step 1");
    int64_t grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
    SmallVector<std::pair<bool, unsigned>> where; // (is block, dim)
    for (auto [attr, ub] : llvm::zip(*op.getMapping(), ubs)) {
      bool isBlock = isa<gpu::GPUBlockMappingAttr>(attr);
      unsigned dim =
          isBlock ? static_cast<unsigned>(
                        cast<gpu::GPUBlockMappingAttr>(attr).getBlock())
                  : static_cast<unsigned>(
                        cast<gpu::GPUThreadMappingAttr>(attr).getThread());
      if (dim > 2)
        return op.emitOpError("only x, y, z GPU mappings are supported");
      (isBlock ? grid : block)[dim] = ub;
      where.push_back({isBlock, dim});
    }
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    auto launch = gpu::LaunchOp::create(
        rewriter, loc, cst(grid[0]), cst(grid[1]), cst(grid[2]), cst(block[0]),
        cst(block[1]), cst(block[2]));
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    IRMapping map;
    gpu::KernelDim3 blockIds = launch.getBlockIds();
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    for (auto [iv, w] : llvm::zip(op.getInductionVars(), where)) {
      gpu::KernelDim3 ids = w.first ? blockIds : threadIds;
      map.map(iv, w.second == 0 ? ids.x : w.second == 1 ? ids.y : ids.z);
    }
    for (Operation &inner : op.getBody()->without_terminator())
      rewriter.clone(inner, map);
    gpu::TerminatorOp::create(rewriter, loc);
    rewriter.eraseOp(op);
    return shareStagingBuffers(rewriter, launch, block);
  }

  /// Whether `v` may differ between the threads of a block: it depends on
  /// a thread id, or on something this check does not follow (values
  /// defined inside ops with regions, loop-carried values).
  static bool mayDependOnThread(Value v, gpu::LaunchOp launch,
                                DenseMap<Value, bool> &memo) {
    if (auto it = memo.find(v); it != memo.end())
      return it->second;
    memo[v] = true; // cycles: conservatively thread-dependent
    bool result = false;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      Operation *owner = arg.getOwner()->getParentOp();
      gpu::KernelDim3 t = launch.getThreadIds();
      if (owner == launch.getOperation())
        result = v == t.x || v == t.y || v == t.z;
      else if (!launch->isAncestor(owner))
        result = false; // defined outside the kernel
      else if (auto loop = dyn_cast<scf::ForOp>(owner);
               loop && arg == loop.getInductionVar())
        result = mayDependOnThread(loop.getLowerBound(), launch, memo) ||
                 mayDependOnThread(loop.getUpperBound(), launch, memo) ||
                 mayDependOnThread(loop.getStep(), launch, memo);
      else
        result = true;
    } else if (!launch->isAncestor(v.getDefiningOp())) {
      result = false; // defined outside the kernel
    } else {
      Operation *def = v.getDefiningOp();
      result = def->getNumRegions() != 0 ||
               llvm::any_of(def->getOperands(), [&](Value o) {
                 return mayDependOnThread(o, launch, memo);
               });
    }
    memo[v] = result;
    return result;
  }

  /// Bytes per asynchronous copy: one cp.async.cg.shared.global 16.
  static constexpr int64_t kCopyBytes = 16;

  /// Whether the copy of `source` into `target` can move 16-byte chunks
  /// (decided from the types): i8 elements, rows (the innermost dimension)
  /// of whole chunks, the source's innermost stride 1 and its other strides
  /// static multiples of 16 bytes. The offset may be dynamic: its alignment
  /// is checked at run time (emitCooperativeCopy).
  static bool canCopyChunks(MemRefType source, MemRefType target) {
    if (!target.getElementType().isInteger(8) || target.getRank() == 0 ||
        target.getShape().back() % kCopyBytes != 0)
      return false;
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(source.getStridesAndOffset(strides, offset)))
      return false;
    if (strides.back() != 1)
      return false;
    for (int64_t stride : ArrayRef<int64_t>(strides).drop_back())
      if (ShapedType::isDynamic(stride) || stride % kCopyBytes != 0)
        return false;
    return true;
  }

  /// Thread `tid` of `threads` copies its share of `source` into `target`:
  /// 16-byte chunks `tid`, `tid + threads`, ... with
  /// nvgpu.device_async_copy (cp.async.cg.shared.global, 16 bytes, L1
  /// bypassed; sm_80 and later, as the tensor-core tiles) when
  /// canCopyChunks and the source's address (aligned pointer plus offset,
  /// the same in every thread) is 16-byte aligned at run time; otherwise
  /// bytes `tid`, `tid + threads`, ... (the copy for odd shapes and
  /// misaligned rows). Returns whether asynchronous copies may be in
  /// flight (the caller commits and waits for them before its barrier).
  bool emitCooperativeCopy(OpBuilder &rewriter, Location loc, Value source,
                           Value target, Value tid, int64_t threads) {
    auto type = cast<MemRefType>(target.getType());
    auto cst = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto byteCopy = [&](OpBuilder &b, Location loc) {
      scf::ForOp::create(
          b, loc, tid, cst(b, type.getNumElements()), cst(b, threads),
          ValueRange{}, [&](OpBuilder &b, Location loc, Value i, ValueRange) {
            SmallVector<Value> idx = delinearize(b, loc, i, type.getShape());
            Value v = memref::LoadOp::create(b, loc, source, idx);
            memref::StoreOp::create(b, loc, v, target, idx);
            scf::YieldOp::create(b, loc);
          });
    };
    if (!canCopyChunks(cast<MemRefType>(source.getType()), type)) {
      byteCopy(rewriter, loc);
      return false;
    }
    SmallVector<int64_t> chunkShape(type.getShape());
    chunkShape.back() /= kCopyBytes;
    int64_t chunks = type.getNumElements() / kCopyBytes;
    auto chunkCopy = [&](OpBuilder &b, Location loc) {
      scf::ForOp::create(
          b, loc, tid, cst(b, chunks), cst(b, threads), ValueRange{},
          [&](OpBuilder &b, Location loc, Value i, ValueRange) {
            SmallVector<Value> idx = delinearize(b, loc, i, chunkShape);
            idx.back() =
                arith::MulIOp::create(b, loc, idx.back(), cst(b, kCopyBytes));
            nvgpu::DeviceAsyncCopyOp::create(
                b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()),
                target, idx, source, idx, b.getIndexAttr(kCopyBytes),
                /*srcElements=*/Value(), b.getUnitAttr());
            scf::YieldOp::create(b, loc);
          });
    };
    // The run-time alignment of the source (thread-invariant: the branch
    // is uniform across the block).
    Value base =
        memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, source);
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc, source);
    Value addr = arith::AddIOp::create(rewriter, loc, base, meta.getOffset());
    Value rem =
        arith::RemUIOp::create(rewriter, loc, addr, cst(rewriter, kCopyBytes));
    Value aligned = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, rem, cst(rewriter, 0));
    scf::IfOp::create(
        rewriter, loc, aligned,
        [&](OpBuilder &b, Location loc) {
          chunkCopy(b, loc);
          scf::YieldOp::create(b, loc);
        },
        [&](OpBuilder &b, Location loc) {
          byteCopy(b, loc);
          scf::YieldOp::create(b, loc);
        });
    return true;
  }

  /// The staging buffers of the warp tiles (stage-tiles: memref.alloc in
  /// workgroup memory, written by a memref.copy of the same tile in every
  /// thread) become workgroup attributions of `launch`, shared by the
  /// block; each copy becomes a cooperative copy: gpu.barrier (the warps
  /// are done with the previous contents), thread i of the block copies
  /// elements i, i + threads, ..., gpu.barrier (the tile is complete).
  LogicalResult shareStagingBuffers(IRRewriter &rewriter, gpu::LaunchOp launch,
                                    const int64_t block[3]) {
    auto inWorkgroup = [](Value v) {
      auto type = cast<MemRefType>(v.getType());
      auto space =
          dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
      return space && space.getValue() == gpu::AddressSpace::Workgroup;
    };
    SmallVector<memref::AllocOp> allocs;
    launch.getBody().walk([&](memref::AllocOp alloc) {
      if (inWorkgroup(alloc.getResult()))
        allocs.push_back(alloc);
    });
    if (allocs.empty())
      return success();
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        return alloc.emitOpError(
            "a workgroup buffer in a GPU-mapped loop needs a static shape "
            "and the identity layout");
      Value shared = launch.addWorkgroupAttribution(type, alloc.getLoc());
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.replaceOp(alloc, shared);
    }
    // The copies into them, in program order. Copies one after the other
    // (only ops without memory effects between them: the subviews of their
    // sources) share their barriers: one before the first, one after the
    // last.
    SmallVector<memref::CopyOp> copies;
    WalkResult walk = launch.getBody().walk([&](memref::CopyOp copy) {
      if (!inWorkgroup(copy.getTarget()))
        return WalkResult::advance();
      if (!llvm::is_contained(launch.getWorkgroupAttributions(),
                              copy.getTarget())) {
        copy.emitOpError("a copy into part of a workgroup buffer is not "
                         "supported in a GPU-mapped loop");
        return WalkResult::interrupt();
      }
      copies.push_back(copy);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    int64_t threads = block[0] * block[1] * block[2];
    DenseMap<Value, bool> memo;
    Operation *trailingBarrier = nullptr;
    // Asynchronous copies since the last wait, and that wait.
    bool asyncPending = false;
    nvgpu::DeviceAsyncWaitOp pendingWait;
    MLIRContext *ctx = launch.getContext();
    for (memref::CopyOp copy : copies) {
      // Every thread of the block must reach the copy with the same
      // source: uniform control flow (scf.for loops with thread-invariant
      // bounds up to the launch) and a thread-invariant source.
      for (Operation *p = copy->getParentOp(); p != launch.getOperation();
           p = p->getParentOp()) {
        auto loop = dyn_cast<scf::ForOp>(p);
        if (!loop || mayDependOnThread(loop.getInductionVar(), launch, memo))
          return copy.emitOpError(
              "a copy into a workgroup buffer must run in every thread of "
              "the block (only under scf.for loops with thread-invariant "
              "bounds)");
      }
      if (mayDependOnThread(copy.getSource(), launch, memo))
        return copy.emitOpError("a copy into a workgroup buffer must copy "
                                "the same data in every thread");
      Location loc = copy.getLoc();
      rewriter.setInsertionPoint(copy);
      // Wait until the warps are done with the buffer's previous contents,
      // unless the previous cooperative copy's barrier is right before.
      Operation *prev = copy->getPrevNode();
      while (prev && prev != trailingBarrier && isMemoryEffectFree(prev))
        prev = prev->getPrevNode();
      if (prev && prev == trailingBarrier) {
        rewriter.eraseOp(trailingBarrier);
        if (pendingWait) {
          Operation *group = pendingWait.getAsyncDependencies().getDefiningOp();
          rewriter.eraseOp(pendingWait);
          rewriter.eraseOp(group);
        }
      } else {
        gpu::BarrierOp::create(rewriter, loc);
        asyncPending = false;
      }
      pendingWait = nullptr;
      gpu::KernelDim3 t = launch.getThreadIds();
      AffineExpr x = rewriter.getAffineDimExpr(0),
                 y = rewriter.getAffineDimExpr(1),
                 z = rewriter.getAffineDimExpr(2);
      Value tid = affine::makeComposedAffineApply(
          rewriter, loc, x + (y + z * block[1]) * block[0],
          {OpFoldResult(t.x), OpFoldResult(t.y), OpFoldResult(t.z)});
      asyncPending |= emitCooperativeCopy(rewriter, loc, copy.getSource(),
                                          copy.getTarget(), tid, threads);
      // The tile is complete before any warp reads it: the thread's
      // asynchronous copies committed as one group and waited for
      // (cp.async.commit_group, cp.async.wait_group 0), then the barrier.
      // A following copy moves this wait and barrier after itself.
      if (asyncPending) {
        Value group = nvgpu::DeviceAsyncCreateGroupOp::create(
            rewriter, loc, nvgpu::DeviceAsyncTokenType::get(ctx), ValueRange{});
        pendingWait = nvgpu::DeviceAsyncWaitOp::create(
            rewriter, loc, group, rewriter.getI32IntegerAttr(0));
      }
      trailingBarrier = gpu::BarrierOp::create(rewriter, loc);
      rewriter.eraseOp(copy);
    }
    return success();
  }
};

} // namespace

void mx::populateMXContractToWarpTilesPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  populateMXContractToWarpTilesPatterns(converter, patterns, WarpTileStaging{});
}

void mx::populateMXContractToWarpTilesPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               WarpTileStaging staging) {
  patterns.add<ContractToWarpTiles>(converter, patterns.getContext(), staging);
}

void mx::populateMXWarpMMAToNVVMPatterns(RewritePatternSet &patterns,
                                         GPUChipInfo chip) {
  patterns.add<WarpMMAToNVVM>(patterns.getContext(), chip);
}
