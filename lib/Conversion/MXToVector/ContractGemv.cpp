//===- ContractGemv.cpp - Decode-shape kernels for mx.contract ------------===//
//
// Part of mx-opt. mx.contract in matmul form with at most kGemvMaxRows rows
// of A (C[m, n] = sum_k A[m, k] B[k, n], or B stored transposed as [N, K])
// as a matrix-vector product that streams the weights B once, in their
// stored layout: no packing, codes and scales decoded in registers
// (docs/Lowering.md, "Decode-shape kernels").
//
// * B as [K, N] (blocks along K, consecutive elements of a block N apart):
//   the rows of B are read in memory order and accumulated into [M, N]
//   accumulators (small enough for L1/L2), "axpy" form. The integer path
//   (INT8, MXINT8, MXFP4) keeps exact i32 block sums and folds each block
//   into the f32 accumulators with its two scales (the arithmetic of the
//   packed integer kernel, bit for bit); the f32 path decodes each element
//   to f32 and accumulates over k in order (the arithmetic of the unfused
//   graph, bit for bit).
// * B as [N, K] (blocks along K, contiguous; the layout of LLM weights):
//   16 rows of B at a time. Integer path: each block's exact i32 dot
//   product reduced per row and folded in block order. f32 path: the 16
//   rows dequantized into an f32 slab, its 16x16 tiles transposed in
//   registers, and the products accumulated over k in order (the unfused
//   graph's arithmetic, bit for bit).
//
// mx-stream-memory adds software prefetch to the reads of B (a large
// buffer read in memory order).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToVector/ContractGemv.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "ContractKernelsImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

using namespace mlir;
using namespace mx;
using namespace mx::numerics;
using mx::contract_kernels::decodeE2M1Times2;
using mx::contract_kernels::IntOperand;
using mx::contract_kernels::unpackNibbles;

namespace {

/// Columns of B per step of the [K, N] kernels (four zmm registers of i32
/// or f32 per row of A).
constexpr int64_t kChunk = 64;
/// Rows of the transposed B per step of the [N, K] kernel.
constexpr int64_t kTile = 16;

struct GemvForm {
  int64_t m = 0, n = 0, k = 0;
  /// B is stored as [N, K] (map (n, k)), else [K, N].
  bool transposed = false;
};

std::optional<GemvForm> matchGemv(ContractOp op) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  if (maps[2].getNumDims() != 3)
    return std::nullopt;
  auto dims = [](AffineMap map) -> std::optional<SmallVector<unsigned>> {
    SmallVector<unsigned> r;
    for (AffineExpr e : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return std::nullopt;
      r.push_back(d.getPosition());
    }
    if (r.size() != 2)
      return std::nullopt;
    return r;
  };
  auto l = dims(maps[0]), r = dims(maps[1]), o = dims(maps[2]);
  if (!l || !r || !o)
    return std::nullopt;
  unsigned mD = (*o)[0], nD = (*o)[1], kD = (*l)[1];
  if ((*l)[0] != mD || mD == nD || !op.isReductionDim(kD) ||
      op.isReductionDim(mD) || op.isReductionDim(nD))
    return std::nullopt;
  GemvForm form;
  if ((*r)[0] == kD && (*r)[1] == nD)
    form.transposed = false;
  else if ((*r)[0] == nD && (*r)[1] == kD)
    form.transposed = true;
  else
    return std::nullopt;
  auto lt = op.getLhs().getType(), rt = op.getRhs().getType();
  form.m = lt.getDimSize(0);
  form.k = lt.getDimSize(1);
  form.n = rt.getDimSize(form.transposed ? 0 : 1);
  if (form.m <= 0 || form.n <= 0 || form.k <= 0 || form.m > kGemvMaxRows)
    return std::nullopt;
  return form;
}

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

/// The builders shared with the packed kernels (ContractKernelsImpl.h).
using G = contract_kernels::Emitter;

//===----------------------------------------------------------------------===//
// Integer values of INT8, MXINT8, MXFP4 and NVFP4 operands
//===----------------------------------------------------------------------===//

/// Integer values (IntOperand: i8 codes, 2 * E2M1 or 8 * E2M3 values) of
/// `shape` elements of the data part starting at `indices` (the last index
/// even for packed elements: it counts elements, two per byte for E2M1,
/// four per three bytes for E2M3); out of bounds reads as 0.
Value loadInts(G &g, const IntOperand &op, ArrayRef<int64_t> shape,
               ArrayRef<Value> indices, ArrayRef<bool> inBounds) {
  Type i8 = g.b.getI8Type();
  if (op.fp6) {
    // Rows of whole groups of four (the last dimension is a multiple of 4),
    // unpacked as one flat row.
    SmallVector<int64_t> packed(shape);
    packed.back() = packed.back() / 4 * 3;
    SmallVector<Value> idx(indices);
    idx.back() =
        g.mul(arith::DivUIOp::create(g.b, g.loc, idx.back(), g.idx(4)), 3);
    Value bytes =
        g.read(VectorType::get(packed, i8), op.parts[0], idx, inBounds);
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    Value flat = vector::ShapeCastOp::create(
        g.b, g.loc, VectorType::get({total / 4 * 3}, i8), bytes);
    Value v = contract_kernels::decodeE2M3Times8(
        g, unpackRow(g.b, g.loc, flat, total, 6));
    return vector::ShapeCastOp::create(g.b, g.loc, VectorType::get(shape, i8),
                                       v);
  }
  if (!op.fp4)
    return g.read(VectorType::get(shape, i8), op.parts[0], indices, inBounds);
  SmallVector<int64_t> half(shape);
  half.back() /= 2;
  SmallVector<Value> idx(indices);
  idx.back() = arith::DivUIOp::create(g.b, g.loc, idx.back(), g.idx(2));
  Value bytes = g.read(VectorType::get(half, i8), op.parts[0], idx, inBounds);
  return decodeE2M1Times2(g, unpackNibbles(g, bytes));
}

/// f32 block scales from E8M0 or E4M3 codes (i8, vector or scalar), times
/// the weight of one integer unit; NaN for the NaN codes.
Value decodeBlockScale(G &g, Value codes, const IntOperand &op) {
  return contract_kernels::decodeBlockScale(g.b, g.loc, codes, op);
}

struct IntPlan {
  bool mx = false;    ///< Per-block scales (else INT8: one block over K).
  int64_t block = 0;  ///< K elements per block.
  int64_t blocks = 0; ///< Blocks along K.
  int64_t kp = 0;     ///< K padded to whole blocks (and to kChunk / 2).
  /// Bits of the block sums of the [K, N] kernel: 16 when a block's sum
  /// always fits (MXFP4: 32 * 12 * 12 < 2^15), else 32.
  unsigned sumBits = 32;
};

/// A's integer values as i32 [M, kp] (zero past K) and, for MX, its block
/// scales as f32 [M, blocks].
std::pair<Value, Value> prepareA(G &g, const GemvForm &form,
                                 const IntOperand &A, const IntPlan &plan) {
  Type i32 = g.b.getI32Type(), f32 = g.b.getF32Type();
  constexpr int64_t step = 32;
  int64_t kp = llvm::alignTo(plan.kp, step);
  auto vt = VectorType::get({step}, i32);
  Value ints =
      g.loop(0, form.m, 1,
             Value(tensor::EmptyOp::create(g.b, g.loc, {form.m, kp}, i32)),
             [&](G &g, Value m, ValueRange t) {
               return g.loop(0, kp, step, t, [&](G &g, Value k, ValueRange t) {
                 Value v = loadInts(g, A, {step}, {m, k}, {false});
                 v = arith::ExtSIOp::create(g.b, g.loc, vt, v);
                 return SmallVector<Value>{g.write(v, t[0], {m, k})};
               });
             })[0];
  if (!plan.mx)
    return {ints, Value()};
  Value scales = g.loop(
      0, form.m, 1,
      Value(tensor::EmptyOp::create(g.b, g.loc, {form.m, plan.blocks}, f32)),
      [&](G &g, Value m, ValueRange t) {
        return g.loop(0, plan.blocks, 1, t, [&](G &g, Value kb, ValueRange t) {
          Value code = g.extract(A.parts[1], {m, kb});
          Value s = decodeBlockScale(g, code, A);
          return SmallVector<Value>{
              tensor::InsertOp::create(g.b, g.loc, s, t[0], ValueRange{m, kb})};
        });
      })[0];
  return {ints, scales};
}

/// fastFoldHolds of the operands' block scales, or null where the fast
/// fold always holds (E4M3 scales: foldBlockSums then folds without a
/// test).
Value fastFold(G &g, const IntOperand &A, const IntOperand &B,
               const IntPlan &plan, Value aScales) {
  if (!plan.mx || A.e4m3Scales())
    return Value();
  return contract_kernels::fastFoldHolds(g, A, B, plan.block, aScales);
}

/// Integer kernel on B stored as [K, N].
Value emitIntKN(G &g, const GemvForm &form, const IntOperand &A,
                const IntOperand &B, const IntPlan &plan) {
  Type i32 = g.b.getIntegerType(plan.sumBits), f32 = g.b.getF32Type();
  auto [aInts, aScales] = prepareA(g, form, A, plan);
  Value fast = fastFold(g, A, B, plan, aScales);
  int64_t np = llvm::alignTo(form.n, kChunk);
  auto vi = VectorType::get({kChunk}, i32);
  auto vf = VectorType::get({kChunk}, f32);
  SmallVector<Value> init = {g.zeroTensor({form.m, np}, i32)};
  if (plan.mx)
    init.push_back(g.zeroTensor({form.m, np}, f32));
  SmallVector<Value> r =
      g.loop(0, plan.blocks, 1, init, [&](G &g, Value kb, ValueRange acc) {
        Value k0 = g.mul(kb, plan.block);
        Value k1 = arith::MinSIOp::create(g.b, g.loc, g.addc(k0, plan.block),
                                          g.idx(form.k));
        // The exact sums of the block, one row of B at a time.
        Value iacc =
            g.loop(k0, k1, 1, acc[0], [&](G &g, Value k, ValueRange t) {
              SmallVector<Value> a;
              for (int64_t m = 0; m < form.m; ++m) {
                Value x = g.extract(aInts, {g.idx(m), k});
                if (plan.sumBits != 32)
                  x = arith::TruncIOp::create(g.b, g.loc, i32, x);
                a.push_back(g.bcast(x, vi));
              }
              return g.chunks(
                  form.n, kChunk, t,
                  [&](G &g, Value nc, bool inBounds, ValueRange t) {
                    Value bv = arith::ExtSIOp::create(
                        g.b, g.loc, vi,
                        loadInts(g, B, {kChunk}, {k, nc}, {inBounds}));
                    Value c = t[0];
                    for (int64_t m = 0; m < form.m; ++m) {
                      Value s = g.read(vi, c, {g.idx(m), nc}, true);
                      s = arith::AddIOp::create(
                          g.b, g.loc, s,
                          arith::MulIOp::create(g.b, g.loc, a[m], bv));
                      c = g.write(s, c, {g.idx(m), nc});
                    }
                    return SmallVector<Value>{c};
                  });
            })[0];
        if (!plan.mx)
          return SmallVector<Value>{iacc};
        // Fold the block into the f32 accumulators, as the packed integer
        // kernel does (foldBlockSums: one rounding per block); the block
        // sums restart at 0.
        Value zero = g.splat(vi, 0);
        SmallVector<Value> sa;
        for (int64_t m = 0; m < form.m; ++m)
          sa.push_back(g.extract(aScales, {g.idx(m), kb}));
        auto codeA = [&](G &t, int64_t m) {
          return t.extract(A.parts[1], {t.idx(m), kb});
        };
        // (Columns past N read the scale code of 1.0.)
        Value pad = g.splat(g.b.getI8Type(), B.unitScaleCode());
        return g.loop(
            0, np, kChunk, ValueRange{iacc, acc[1]},
            [&](G &g, Value nc, ValueRange t) {
              Value sbCodes = g.read(VectorType::get({kChunk}, g.b.getI8Type()),
                                     B.parts[1], {kb, nc}, false, pad);
              Value sb = decodeBlockScale(g, sbCodes, B);
              auto codesB = [&](G &, int64_t) { return sbCodes; };
              Value ic = t[0], fc = t[1];
              SmallVector<Value> sums, accs;
              for (int64_t m = 0; m < form.m; ++m) {
                sums.push_back(g.read(vi, ic, {g.idx(m), nc}, true));
                accs.push_back(g.read(vf, fc, {g.idx(m), nc}, true));
              }
              SmallVector<Value> f = contract_kernels::foldBlockSums(
                  g, A, B, {sa, {sb}, codeA, codesB}, sums, accs, fast);
              for (int64_t m = 0; m < form.m; ++m) {
                fc = g.write(f[m], fc, {g.idx(m), nc});
                ic = g.write(zero, ic, {g.idx(m), nc});
              }
              return SmallVector<Value>{ic, fc};
            });
      });
  return g.slice(r.back(), {form.m, form.n});
}

/// Integer kernel on B stored as [N, K] (blocks along K, contiguous).
Value emitIntNK(G &g, const GemvForm &form, const IntOperand &A,
                const IntOperand &B, const IntPlan &plan) {
  Type i8 = g.b.getI8Type(), i32 = g.b.getI32Type(), f32 = g.b.getF32Type();
  auto [aInts, aScales] = prepareA(g, form, A, plan);
  Value fast = fastFold(g, A, B, plan, aScales);
  int64_t np = llvm::alignTo(form.n, kTile);
  // Per step of K: one block (MX), or 32 elements (INT8).
  int64_t step = plan.mx ? plan.block : 32;
  int64_t steps = llvm::divideCeil(form.k, step);
  // Products and block sums in sumBits (i16 for MXFP4); INT8 sums over
  // all of K in i32.
  Type sumT = plan.mx ? g.b.getIntegerType(plan.sumBits) : i32;
  auto tileT = VectorType::get({kTile, step}, sumT);
  auto aT = VectorType::get({step}, i32);
  auto aSumT = VectorType::get({step}, sumT);
  auto vi = VectorType::get({kTile}, sumT);
  auto vf = VectorType::get({kTile}, f32);

  // B's block scales transposed to [blocks, np] f32 (rows past N: 1.0).
  Value bScales;
  if (plan.mx) {
    bScales = g.loop(
        0, plan.blocks, 1,
        Value(tensor::EmptyOp::create(g.b, g.loc, {plan.blocks, np}, f32)),
        [&](G &g, Value kb, ValueRange t) {
          return g.loop(0, np, kTile, t, [&](G &g, Value n0, ValueRange t) {
            MLIRContext *ctx = g.b.getContext();
            // Column kb of rows n0..n0+15: a transposed (strided) read.
            AffineMap perm = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
            Value codes = vector::TransferReadOp::create(
                g.b, g.loc, VectorType::get({kTile}, i8), B.parts[1],
                ValueRange{n0, kb}, AffineMapAttr::get(perm),
                g.splat(i8, B.unitScaleCode()), Value(),
                g.b.getBoolArrayAttr({false}));
            return SmallVector<Value>{
                g.write(decodeBlockScale(g, codes, B), t[0], {kb, n0})};
          });
        })[0];
  }

  Type accElem = plan.mx ? f32 : i32;
  Value out = tensor::EmptyOp::create(g.b, g.loc, {form.m, np}, accElem);
  auto rowTiles = [&](G &g, Value n0, bool nInBounds, ValueRange c) {
    SmallVector<Value> inits(form.m, g.splat(plan.mx ? Type(vf) : Type(vi), 0));
    auto stepBody = [&](G &g, Value s, bool kInBounds, ValueRange acc) {
      Value k0 = g.mul(s, step);
      Value t = loadInts(g, B, {kTile, step}, {n0, k0}, {nInBounds, kInBounds});
      t = arith::ExtSIOp::create(g.b, g.loc, tileT, t);
      SmallVector<Value> next, sa;
      for (int64_t m = 0; m < form.m; ++m) {
        Value im = g.idx(m);
        Value a = g.read(aT, aInts, {im, k0}, true);
        if (sumT != i32)
          a = arith::TruncIOp::create(g.b, g.loc, aSumT, a);
        a = vector::BroadcastOp::create(g.b, g.loc, tileT, a);
        Value p = arith::MulIOp::create(g.b, g.loc, t, a);
        next.push_back(vector::MultiDimReductionOp::create(
            g.b, g.loc, p, plan.mx ? g.splat(vi, 0) : acc[m],
            ArrayRef<bool>{false, true}, vector::CombiningKind::ADD));
        if (plan.mx)
          sa.push_back(g.extract(aScales, {im, s}));
      }
      if (!plan.mx)
        return next;
      // The block sums folded into the f32 accumulators (foldBlockSums).
      Value sb = g.read(vf, bScales, {s, n0}, true);
      auto codeA = [&](G &t, int64_t m) {
        return t.extract(A.parts[1], {t.idx(m), s});
      };
      auto codesB = [&](G &t, int64_t) {
        // Column s of rows n0..n0+15 (a transposed read), as for bScales.
        AffineMap perm =
            AffineMap::get(2, 0, getAffineDimExpr(0, t.b.getContext()));
        return vector::TransferReadOp::create(
                   t.b, t.loc, VectorType::get({kTile}, i8), B.parts[1],
                   ValueRange{n0, s}, AffineMapAttr::get(perm),
                   t.splat(i8, B.unitScaleCode()), Value(),
                   t.b.getBoolArrayAttr({false}))
            .getResult();
      };
      return contract_kernels::foldBlockSums(g, A, B, {sa, {sb}, codeA, codesB},
                                             next, SmallVector<Value>(acc),
                                             fast);
    };
    SmallVector<Value> acc =
        g.chunks(steps * step == form.k ? steps : steps - 1, 1, inits,
                 [&](G &g, Value s, bool, ValueRange acc) {
                   return stepBody(g, s, true, acc);
                 });
    if (steps * step != form.k)
      acc = stepBody(g, g.idx(steps - 1), false, acc);
    Value r = c[0];
    for (int64_t m = 0; m < form.m; ++m)
      r = g.write(acc[m], r, {g.idx(m), n0});
    return SmallVector<Value>{r};
  };
  Value r = g.chunks(form.n, kTile, out, rowTiles)[0];
  return g.slice(r, {form.m, form.n});
}

//===----------------------------------------------------------------------===//
// f32 kernel (B as [K, N])
//===----------------------------------------------------------------------===//

/// E8M0-scaled formats whose elements decode directly from a byte or a
/// nibble (MXFP8, MXINT8, MXFP4) with blocks along K.
bool isDirect(const FormatSpec &spec) {
  return spec.scale == ScaleKind::E8M0 && spec.element != ElementKind::SM &&
         !spec.tensorScale && spec.granularity == Granularity::Block &&
         (getStorageElementBits(spec) == 8 || getStorageElementBits(spec) == 4);
}

/// The f32 accumulators `acc` ([M, np]) plus A[m, k] B[k, n] for k in
/// [k0, k0 + rows), in order: the unfused graph's sums. `bRow(g, r, nc,
/// inBounds)` gives kChunk f32 values of row k0 + r of B from column nc.
Value axpyRows(G &g, const GemvForm &form, Value af, bool fma, Value acc,
               Value k0, int64_t rows,
               function_ref<Value(G &, Value, Value, bool)> bRow) {
  auto vf = VectorType::get({kChunk}, g.b.getF32Type());
  return g.loop(0, rows, 1, acc, [&](G &g, Value r, ValueRange t) {
    Value k = g.add(k0, r);
    SmallVector<Value> a;
    for (int64_t m = 0; m < form.m; ++m)
      a.push_back(g.bcast(g.extract(af, {g.idx(m), k}), vf));
    return g.chunks(
        form.n, kChunk, t, [&](G &g, Value nc, bool inBounds, ValueRange t) {
          Value bv = bRow(g, r, nc, inBounds);
          Value c = t[0];
          for (int64_t m = 0; m < form.m; ++m) {
            Value s = g.read(vf, c, {g.idx(m), nc}, true);
            if (fma)
              s = vector::FMAOp::create(g.b, g.loc, a[m], bv, s);
            else
              s = arith::AddFOp::create(
                  g.b, g.loc, s, arith::MulFOp::create(g.b, g.loc, a[m], bv));
            c = g.write(s, c, {g.idx(m), nc});
          }
          return SmallVector<Value>{c};
        });
  })[0];
}

/// Rows of B decoded at a time by the slab path: a multiple of every block
/// and sub-block along K.
int64_t slabRows(const FormatSpec &spec) {
  int64_t rows = 32;
  if (spec.granularity == Granularity::Block)
    rows = std::lcm(rows, spec.blockSize);
  return rows;
}

/// Which storage parts of B ([K, N]) the slab path slices along their
/// first dimension (those that follow K), or nullopt when a part does not
/// split into whole slabs of slabRows rows.
std::optional<SmallVector<bool>> slabParts(ContractOp op,
                                           const GemvForm &form) {
  QuantizedType qt = op.getRhsQuantizedType();
  FormatSpec spec = qt.getSpec();
  int64_t rows = slabRows(spec);
  int64_t full = form.k / rows, tail = form.k % rows;
  if (full == 0)
    return std::nullopt;
  StorageLayout whole = getStorageLayout({form.k, form.n}, qt.getAxis(), spec);
  StorageLayout slab = getStorageLayout({rows, form.n}, qt.getAxis(), spec);
  StorageLayout last = getStorageLayout({std::max<int64_t>(tail, 1), form.n},
                                        qt.getAxis(), spec);
  SmallVector<bool> sliced;
  for (auto [i, p] : llvm::enumerate(whole.parts)) {
    bool s = !p.shape.empty() && p.shape[0] != slab.parts[i].shape[0];
    if (s && p.shape[0] != full * slab.parts[i].shape[0] +
                               (tail ? last.parts[i].shape[0] : 0))
      return std::nullopt;
    sliced.push_back(s);
  }
  return sliced;
}

/// The f32 kernel for formats decoded by the dequantizer: B ([K, N]) is
/// dequantized slabRows rows at a time into an f32 slab (in L2), whose
/// rows are then accumulated as above.
FailureOr<Value> emitF32KNSlabs(G &g, const GemvForm &form, Value af, bool fma,
                                ContractOp op, ValueRange parts,
                                ArrayRef<bool> sliced) {
  QuantizedType qt = op.getRhsQuantizedType();
  FormatSpec spec = qt.getSpec();
  int64_t rows = slabRows(spec);
  int64_t full = form.k / rows, tail = form.k % rows;
  StorageLayout slab = getStorageLayout({rows, form.n}, qt.getAxis(), spec);
  StorageLayout last = getStorageLayout({std::max<int64_t>(tail, 1), form.n},
                                        qt.getAxis(), spec);
  Type f32 = g.b.getF32Type();
  auto vf = VectorType::get({kChunk}, f32);
  auto decodeSlab = [&](G &g, Value index, int64_t n,
                        const StorageLayout &layout) -> FailureOr<Value> {
    SmallVector<Value> ps;
    for (auto [i, part] : llvm::enumerate(parts)) {
      if (!sliced[i]) {
        ps.push_back(part);
        continue;
      }
      auto type = cast<RankedTensorType>(part.getType());
      int64_t prow = slab.parts[i].shape[0];
      SmallVector<OpFoldResult> offsets(type.getRank(), g.b.getIndexAttr(0));
      offsets[0] = g.mul(index, prow);
      SmallVector<OpFoldResult> sizes;
      for (int64_t d : type.getShape())
        sizes.push_back(g.b.getIndexAttr(d));
      sizes[0] = g.b.getIndexAttr(layout.parts[i].shape[0]);
      SmallVector<OpFoldResult> strides(type.getRank(), g.b.getIndexAttr(1));
      ps.push_back(tensor::ExtractSliceOp::create(g.b, g.loc, part, offsets,
                                                  sizes, strides));
    }
    auto qtype = RankedTensorType::get({n, form.n}, qt);
    return emitDequantize(g.b, g.loc, ps, qtype,
                          RankedTensorType::get({n, form.n}, f32), op);
  };
  bool failedDecode = false;
  Value acc = g.loop(
      0, full, 1,
      g.zeroTensor({form.m, int64_t(llvm::alignTo(form.n, kChunk))}, f32),
      [&](G &g, Value s, ValueRange t) -> SmallVector<Value> {
        FailureOr<Value> bf = decodeSlab(g, s, rows, slab);
        if (failed(bf)) {
          failedDecode = true;
          return {t[0]};
        }
        return {axpyRows(g, form, af, fma, t[0], g.mul(s, rows), rows,
                         [&](G &g, Value r, Value nc, bool inBounds) {
                           return g.read(vf, *bf, {r, nc}, inBounds);
                         })};
      })[0];
  if (tail) {
    FailureOr<Value> bf = decodeSlab(g, g.idx(full), tail, last);
    if (failed(bf))
      return failure();
    acc = axpyRows(g, form, af, fma, acc, g.idx(full * rows), tail,
                   [&](G &g, Value r, Value nc, bool inBounds) {
                     return g.read(vf, *bf, {r, nc}, inBounds);
                   });
  }
  if (failedDecode)
    return failure();
  return g.slice(acc, {form.m, form.n});
}

/// kChunk elements of row k of a direct-path B ([K, N], blocks along K)
/// decoded to f32 with their block scales, as the dequantizer does.
Value decodeDirectRow(G &g, const FormatSpec &spec, ValueRange parts, Value k,
                      Value nc, bool inBounds) {
  Type i8 = g.b.getI8Type();
  Value codes;
  if (getStorageElementBits(spec) == 4) {
    Value idx = arith::DivUIOp::create(g.b, g.loc, nc, g.idx(2));
    codes = unpackNibbles(g, g.read(VectorType::get({kChunk / 2}, i8), parts[0],
                                    {k, idx}, inBounds));
  } else {
    codes = g.read(VectorType::get({kChunk}, i8), parts[0], {k, nc}, inBounds);
  }
  Value kb = arith::DivUIOp::create(g.b, g.loc, k, g.idx(spec.blockSize));
  Value scaleCodes = g.read(VectorType::get({kChunk}, i8), parts[1], {kb, nc},
                            inBounds, g.splat(i8, 127));
  NumericsEmitter s(g.b, g.loc, {kChunk});
  Value code = arith::ExtUIOp::create(g.b, g.loc, s.i32(), codes);
  Value sc = arith::ExtUIOp::create(g.b, g.loc, s.i32(), scaleCodes);
  E8M0Scale<NumericsEmitter> scale = e8m0ScaleFromCode(s, sc, spec);
  if (spec.element != ElementKind::F8E4M3FN &&
      spec.element != ElementKind::F8E5M2)
    return decodeE8M0Element(s, code, scale, spec);
  // FP8: the magnitude bits placed in an f16 (E5M2 is the top byte of an
  // f16; E4M3 has one exponent bit less, so its f16 reading is 2^-8 times
  // its value, subnormals included), widened to f32: the exact magnitude,
  // as decodeE8M0Element computes it, then the same multiplication by the
  // scale, sign and NaN rules.
  bool e4m3 = spec.element == ElementKind::F8E4M3FN;
  auto i16T = VectorType::get({kChunk}, g.b.getI16Type());
  auto f16T = VectorType::get({kChunk}, g.b.getF16Type());
  Value mag8 =
      arith::AndIOp::create(g.b, g.loc, codes, g.splat(codes.getType(), 0x7F));
  Value h = arith::ShLIOp::create(
      g.b, g.loc, arith::ExtUIOp::create(g.b, g.loc, i16T, mag8),
      g.splat(i16T, e4m3 ? 7 : 8));
  Value mag = arith::ExtFOp::create(
      g.b, g.loc, s.f32(),
      Value(arith::BitcastOp::create(g.b, g.loc, f16T, h)));
  if (e4m3)
    mag = s.fmul(mag, s.cf(256.0f));
  Value value = s.fmul(mag, scale.up);
  Value magCode = s.band(code, s.c(0x7F));
  Value isNaN = scale.isNaN;
  if (e4m3) {
    isNaN = s.borB(isNaN, s.eq(magCode, s.c(0x7F)));
  } else {
    // Inf times a finite scale stays Inf; NaN codes are above Inf's.
    isNaN = s.borB(isNaN, s.ugt(magCode, s.c(0x7C)));
  }
  Value signBit = s.shl(s.lshr(code, s.c(7)), s.c(31));
  return orNaN(s, isNaN, s.bitsToF(s.bor(s.fToBits(value), signBit)));
}

//===----------------------------------------------------------------------===//
// f32 kernel (B as [N, K])
//===----------------------------------------------------------------------===//

/// Which storage parts of B ([N, K]) the [N, K] f32 kernel slices into
/// slabs of kTile rows (those whose first dimension is N), or nullopt
/// when the blocks do not run along K (a slab would split them) or a part
/// does not split by rows.
std::optional<SmallVector<bool>> nkSlabParts(ContractOp op,
                                             const GemvForm &form) {
  QuantizedType qt = op.getRhsQuantizedType();
  FormatSpec spec = qt.getSpec();
  if (spec.granularity == Granularity::Block && qt.getAxis() != 1)
    return std::nullopt;
  if (spec.granularity == Granularity::Channel && qt.getAxis() != 0)
    return std::nullopt;
  StorageLayout whole = getStorageLayout({form.n, form.k}, qt.getAxis(), spec);
  StorageLayout slab = getStorageLayout({kTile, form.k}, qt.getAxis(), spec);
  SmallVector<bool> sliced;
  for (auto [i, p] : llvm::enumerate(whole.parts)) {
    bool s = !p.shape.empty() && p.shape[0] == form.n &&
             slab.parts[i].shape[0] == kTile;
    if (!s && !p.shape.empty() && p.shape != slab.parts[i].shape)
      return std::nullopt;
    sliced.push_back(s);
  }
  return sliced;
}

/// The f32 kernel on B stored as [N, K] (the layout of LLM weights): kTile
/// rows of B at a time are dequantized into an f32 slab [kTile, K] (in
/// L2), whose [kTile, kTile] tiles are transposed in registers so that
/// each k gives a vector over n; C[m, n0 .. n0 + 15] then accumulates
/// A[m, k] * B[n, k] for k = 0 .. K - 1 in order, with a separate multiply
/// and add: the unfused graph's sums, bit for bit.
FailureOr<Value> emitF32NKSlabs(G &g, const GemvForm &form, Value af,
                                ContractOp op, ValueRange parts,
                                ArrayRef<bool> sliced) {
  QuantizedType qt = op.getRhsQuantizedType();
  Type f32 = g.b.getF32Type();
  auto vf = VectorType::get({kTile}, f32);
  auto tileT = VectorType::get({kTile, kTile}, f32);
  int64_t np = llvm::alignTo(form.n, kTile);
  Value out = tensor::EmptyOp::create(g.b, g.loc, {form.m, np}, f32);
  bool failedDecode = false;
  auto slabBody = [&](G &g, Value n0, bool full,
                      ValueRange c) -> SmallVector<Value> {
    int64_t rows = full ? kTile : form.n % kTile;
    SmallVector<Value> ps;
    for (auto [i, part] : llvm::enumerate(parts)) {
      if (!sliced[i]) {
        ps.push_back(part);
        continue;
      }
      auto type = cast<RankedTensorType>(part.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), g.b.getIndexAttr(0));
      offsets[0] = n0;
      SmallVector<OpFoldResult> sizes;
      for (int64_t d : type.getShape())
        sizes.push_back(g.b.getIndexAttr(d));
      sizes[0] = g.b.getIndexAttr(rows);
      SmallVector<OpFoldResult> strides(type.getRank(), g.b.getIndexAttr(1));
      ps.push_back(tensor::ExtractSliceOp::create(g.b, g.loc, part, offsets,
                                                  sizes, strides));
    }
    FailureOr<Value> bf = emitDequantize(
        g.b, g.loc, ps, RankedTensorType::get({rows, form.k}, qt),
        RankedTensorType::get({rows, form.k}, f32), op);
    if (failed(bf)) {
      failedDecode = true;
      return {c[0]};
    }
    // One step: columns k0 .. k0 + width of the slab, in order.
    auto step = [&](G &g, Value k0, int64_t width, ValueRange acc) {
      Value tile = g.read(tileT, *bf, {g.idx(0), k0},
                          ArrayRef<bool>{full, width == kTile});
      Value tt = vector::TransposeOp::create(g.b, g.loc, tile,
                                             ArrayRef<int64_t>{1, 0});
      SmallVector<Value> next(acc.begin(), acc.end());
      for (int64_t kk = 0; kk < width; ++kk) {
        Value bk = vector::ExtractOp::create(g.b, g.loc, tt, kk);
        Value k = g.addc(k0, kk);
        for (int64_t m = 0; m < form.m; ++m) {
          Value a = g.bcast(g.extract(af, {g.idx(m), k}), vf);
          next[m] = arith::AddFOp::create(
              g.b, g.loc, next[m], arith::MulFOp::create(g.b, g.loc, a, bk));
        }
      }
      return next;
    };
    SmallVector<Value> inits(form.m, g.splat(vf, 0));
    int64_t fullK = form.k / kTile * kTile;
    SmallVector<Value> acc = inits;
    if (fullK > 0)
      acc = g.loop(0, fullK, kTile, acc, [&](G &g, Value k0, ValueRange a) {
        return step(g, k0, kTile, a);
      });
    if (fullK < form.k)
      acc = step(g, g.idx(fullK), form.k - fullK, acc);
    Value r = c[0];
    for (int64_t m = 0; m < form.m; ++m)
      r = g.write(acc[m], r, {g.idx(m), n0});
    return {r};
  };
  Value r = g.chunks(form.n, kTile, out, slabBody)[0];
  if (failedDecode)
    return failure();
  return g.slice(r, {form.m, form.n});
}

} // namespace

FailureOr<Value> mx::emitContractGemv(OpBuilder &b, Location loc, ContractOp op,
                                      ValueRange lhsParts, ValueRange rhsParts,
                                      bool int8Path,
                                      const ContractKernelOptions &options) {
  if (options.target == ContractKernelTarget::None)
    return Value();
  if (op.hasLhsPadding() || op.getBiasInit())
    return Value();
  std::optional<GemvForm> form = matchGemv(op);
  if (!form)
    return Value();
  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  IntOperand A{qa.getSpec(), lhsParts, false};
  IntOperand B{qb.getSpec(), rhsParts, false};
  int64_t kAxisB = form->transposed ? 1 : 0;
  G g{b, loc};

  if (int8Path) {
    // Symmetric i8 codes; the scales are applied by the epilogue.
    if (A.spec.zeroPoint || B.spec.zeroPoint ||
        A.spec.element != ElementKind::I8 || B.spec.element != ElementKind::I8)
      return Value();
    // |a b| <= 2^14: the i32 sums are exact while K < 2^17.
    if (form->k >= (int64_t(1) << 17))
      return Value();
    IntPlan plan;
    plan.block = form->k;
    plan.blocks = 1;
    plan.kp = form->k;
    return form->transposed ? emitIntNK(g, *form, A, B, plan)
                            : emitIntKN(g, *form, A, B, plan);
  }

  if (!options.exact && contract_kernels::isIntKernelPair(A.spec, B.spec) &&
      A.spec.blockSize == B.spec.blockSize && A.spec.blockSize % 2 == 0 &&
      A.spec.blockSize <= contract_kernels::kMaxIntBlock && qa.getAxis() == 1 &&
      qb.getAxis() == kAxisB) {
    A.classify();
    B.classify();
    IntPlan plan;
    plan.mx = true;
    plan.block = A.spec.blockSize;
    plan.blocks = llvm::divideCeil(form->k, plan.block);
    plan.kp = plan.blocks * plan.block;
    if (A.fp4 && B.fp4 && plan.block * 12 * 12 < (1 << 15))
      plan.sumBits = 16;
    return contract_kernels::applyTensorScales(
        b, loc,
        form->transposed ? emitIntNK(g, *form, A, B, plan)
                         : emitIntKN(g, *form, A, B, plan),
        A, B);
  }

  // The f32 kernels: B as [K, N] (direct decode or slabs of rows along K)
  // or as [N, K] (slabs of rows along N, transposed in registers).
  bool direct = !form->transposed && isDirect(B.spec) && qb.getAxis() == 0;
  std::optional<SmallVector<bool>> sliced;
  if (!direct) {
    sliced = form->transposed ? nkSlabParts(op, *form) : slabParts(op, *form);
    if (!sliced)
      return Value();
  }
  auto f32Type = [&](Value v) {
    return RankedTensorType::get(cast<RankedTensorType>(v.getType()).getShape(),
                                 b.getF32Type());
  };
  FailureOr<Value> af = emitDequantize(b, loc, lhsParts, op.getLhs().getType(),
                                       f32Type(op.getLhs()), op);
  if (failed(af))
    return failure();
  // Separate multiply and add, as the unfused graph: an fma would differ
  // where a product overflows f32 (adversarial inputs).
  bool fma = false;
  if (direct) {
    Value acc = axpyRows(
        g, *form, *af, fma,
        g.zeroTensor({form->m, int64_t(llvm::alignTo(form->n, kChunk))},
                     b.getF32Type()),
        g.idx(0), form->k, [&](G &g, Value k, Value nc, bool inBounds) {
          return decodeDirectRow(g, B.spec, rhsParts, k, nc, inBounds);
        });
    return g.slice(acc, {form->m, form->n});
  }
  if (form->transposed)
    return emitF32NKSlabs(g, *form, *af, op, rhsParts, *sliced);
  return emitF32KNSlabs(g, *form, *af, fma, op, rhsParts, *sliced);
}
