//===- ContractKernelsAMX.cpp - AMX tile kernels for mx.contract ----------===//
//
// Part of mx-opt. The integer kernels of ContractKernels.cpp on Intel AMX
// tiles (docs/Lowering.md, "Kernels for mx.contract", AMX):
//
// * INT8: A is packed to signed bytes [batch][Mp][Kp] (zero rows past M and
//   columns past K), B to the tile layout [batch][Np/16][Kp/4][64] (byte
//   4j + r of row g is B[4g + r][16nb + j]). Both operands are signed, so
//   the products need no offset correction (tdpbssd); i32 tiles sum over
//   all of K.
// * MX formats with 32-element blocks (MXINT8, MXFP4): every integer (i8
//   code, or 2 * E2M1) is multiplied by its block scale and packed as bf16,
//   A one tile per 16 rows and block [batch][Mp/16][blocks][16][32], B in
//   pairs of rows [batch][Np/16][Kp/2][32] (element 2j + r of row g is
//   B[2g + r][16nb + j]). One tdpbf16ps per block adds 2^(a + b) times the
//   block's exact integer dot product to the f32 accumulator tile with one
//   rounding: the reference's acc = fma(float(sum) * sa, sb, acc). This
//   needs every prescaled value, product and partial sum to be a normal
//   f32 (checked at run time on the decoded scales, bf16ScalesFit; other
//   scales take the VNNI kernel). TDPBF16PS (Intel SDM) sums the products
//   in FP32 from zero and adds that sum to the accumulator, rounding each
//   step; every step but the last is exact here (docs/Lowering.md).
// * The micro-kernel computes 32 x 32 results with 2 x 2 accumulator tiles
//   and 2 + 2 operand tiles (all 8 tile registers), spilled to the result
//   every kUnroll tile products.
//
// The packing is on tensors; the micro-kernel works on buffers: the packed
// tensors enter it through bufferization.to_buffer (read only) and the
// result, a padded [batch][Mp][Np] buffer, leaves through
// bufferization.to_tensor (restrict) and an extract_slice of the real shape.
//
//===----------------------------------------------------------------------===//

#include "ContractKernelsImpl.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <cmath>

using namespace mlir;
using namespace mx;
using namespace mx::contract_kernels;

namespace {

/// Rows of every tile, and i32 / f32 columns of an accumulator tile.
constexpr int64_t kTile = 16;
/// Bytes in a tile row.
constexpr int64_t kTileBytes = 64;
/// Rows and columns of the micro-kernel's results (2 x 2 tiles).
constexpr int64_t kMT = 2 * kTile;
constexpr int64_t kNT = 2 * kTile;
/// Columns of B kept in L2 while all row tiles of A pass them.
constexpr int64_t kNC = 256;
/// Tile products between two spills of the accumulator tiles.
constexpr int64_t kUnroll = 16;
/// MX: elements of a block (one tile product each).
constexpr int64_t kBlock = 32;

MemRefType bufferType(Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  return MemRefType::get(t.getShape(), t.getElementType());
}

Value toBuffer(Emitter &e, Value tensor) {
  return bufferization::ToBufferOp::create(e.b, e.loc, bufferType(tensor),
                                           tensor, /*read_only=*/true);
}

/// A as signed bytes [batch][mp][kp], zeros past M and K.
Value packA(Emitter &e, const MatmulForm &form, const IntOperand &A, int64_t mp,
            int64_t kp, int64_t chunk) {
  Type i8 = e.b.getI8Type();
  Value zero = e.zeros(VectorType::get({chunk}, i8));
  return e.loop(
      0, form.batch, 1, e.empty({form.batch, mp, kp}, i8),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(0, mp, 1, p, [&](Emitter &e, Value m, ValueRange p) {
          Value inM = arith::CmpIOp::create(
              e.b, e.loc, arith::CmpIPredicate::slt, m, e.idx(form.m));
          Value mc = arith::MinSIOp::create(e.b, e.loc, m, e.idx(form.m - 1));
          return e.loop(
              0, kp, chunk, p, [&](Emitter &e, Value k, ValueRange p) {
                Value v =
                    loadIntValues(e, A, at(form.batched, bt, {mc}), k, chunk);
                v = arith::SelectOp::create(e.b, e.loc, inM, v, zero);
                return SmallVector<Value>{e.write(v, p[0], {bt, m, k}, true)};
              });
        });
      })[0];
}

/// The panels of B for the tile loads: [batch][np/16][kp/group][group * 16]
/// of `elem`, row g of panel nb made by `combine` from `group` rows
/// `row(e, bt, k, inK, n0)` of 16 columns, k = group * g + r (clamped into
/// [0, K); `inK` is false past K, where the row must be zero).
Value packBPanels(
    Emitter &e, const MatmulForm &form, int64_t np, int64_t kp, int64_t group,
    Type elem,
    function_ref<Value(Emitter &, Value bt, Value k, Value inK, Value n0)> row,
    function_ref<Value(Emitter &, ArrayRef<Value>)> combine) {
  return e.loop(
      0, form.batch, 1,
      e.empty({form.batch, np / kTile, kp / group, group * kTile}, elem),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(
            0, np / kTile, 1, p, [&](Emitter &e, Value nb, ValueRange p) {
              Value n0 = e.mul(nb, kTile);
              return e.loop(
                  0, kp / group, 1, p, [&](Emitter &e, Value g, ValueRange p) {
                    SmallVector<Value, 4> rows;
                    for (int64_t r = 0; r < group; ++r) {
                      Value k = e.addc(e.mul(g, group), r);
                      Value inK = arith::CmpIOp::create(
                          e.b, e.loc, arith::CmpIPredicate::slt, k,
                          e.idx(form.k));
                      Value kc = arith::MinSIOp::create(e.b, e.loc, k,
                                                        e.idx(form.k - 1));
                      rows.push_back(row(e, bt, kc, inK, n0));
                    }
                    return SmallVector<Value>{e.write(
                        combine(e, rows), p[0], {bt, nb, g, e.idx(0)}, true)};
                  });
            });
      })[0];
}

/// B in the tile layout [batch][np/16][kp/4][64], zeros past K and N.
Value packB(Emitter &e, const MatmulForm &form, const IntOperand &B, int64_t np,
            int64_t kp) {
  Type i8 = e.b.getI8Type();
  Value zeroRow = e.zeros(VectorType::get({kTile}, i8));
  return packBPanels(
      e, form, np, kp, 4, i8,
      [&](Emitter &e, Value bt, Value k, Value inK, Value n0) -> Value {
        Value v = loadIntValues(e, B, at(form.batched, bt, {k}), n0, kTile);
        return arith::SelectOp::create(e.b, e.loc, inK, v, zeroRow);
      },
      [&](Emitter &e, ArrayRef<Value> r) {
        return vnniInterleave(e, r[0], r[1], r[2], r[3], kTile);
      });
}

/// Loops over the 32 x 32 result tiles: batch, column blocks of kNC, row
/// tiles, column tiles.
void resultTiles(Emitter &e, const MatmulForm &form, int64_t mp, int64_t np,
                 function_ref<void(Emitter &, Value, Value, Value)> body) {
  e.loop(0, form.batch, 1, {}, [&](Emitter &e, Value bt, ValueRange) {
    e.loop(0, np, kNC, {}, [&](Emitter &e, Value nc, ValueRange) {
      Value ncEnd =
          arith::MinSIOp::create(e.b, e.loc, e.addc(nc, kNC), e.idx(np));
      e.loop(0, mp, kMT, {}, [&](Emitter &e, Value m0, ValueRange) {
        e.loop(nc, ncEnd, kNT, {}, [&](Emitter &e, Value n0, ValueRange) {
          body(e, bt, m0, n0);
          return SmallVector<Value>{};
        });
        return SmallVector<Value>{};
      });
      return SmallVector<Value>{};
    });
    return SmallVector<Value>{};
  });
}

/// The padded [b?][mp][np] result buffer `out` as a tensor, then its
/// [b?, M, N] part (the buffer itself when nothing is padded: it then becomes
/// the out-parameter).
Value resultTensor(OpBuilder &b, Location loc, const MatmulForm &form,
                   Value out, ArrayRef<int64_t> shape) {
  auto outT = cast<MemRefType>(out.getType());
  Value padded = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(outT.getShape(), outT.getElementType()),
      out, b.getUnitAttr(), b.getUnitAttr());
  if (outT.getShape() == shape)
    return padded;
  unsigned rank = outT.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = llvm::map_to_vector(
      shape, [&](int64_t d) -> OpFoldResult { return b.getIndexAttr(d); });
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, outT.getElementType()), padded,
      offsets, sizes, strides);
}

/// Loads the operand tile `i` (0 or 1) of the 32 x 32 result tile whose
/// first row (A) or column (B) is `origin`, for tile product `s`.
using TileLoader =
    function_ref<Value(Emitter &, Value bt, Value origin, int i, Value s)>;

/// The micro-kernel: 2 x 2 accumulator tiles of `accElem` per 32 x 32
/// result tile, `steps` tile products each (tdpbssd or tdpbf16ps), spilled
/// to `out` ([b?][mp][np]) every kUnroll products.
void emitTileLoops(Emitter &e, const MatmulForm &form, int64_t mp, int64_t np,
                   int64_t steps, Value out, TileLoader loadA,
                   TileLoader loadB) {
  Type accElem = cast<MemRefType>(out.getType()).getElementType();
  auto tileC = amx::TileType::get({kTile, kTile}, accElem);
  bool isFloat = isa<FloatType>(accElem);
  resultTiles(e, form, mp, np, [&](Emitter &e, Value bt, Value m0, Value n0) {
    Value rowsC[2] = {m0, e.addc(m0, kTile)};
    Value colsC[2] = {n0, e.addc(n0, kTile)};
    auto product = [&](Emitter &e, Value s, Value acc[2][2]) {
      Value ta[2], tb[2];
      for (int i = 0; i < 2; ++i)
        ta[i] = loadA(e, bt, m0, i, s);
      for (int j = 0; j < 2; ++j)
        tb[j] = loadB(e, bt, n0, j, s);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          acc[i][j] =
              isFloat ? Value(amx::TileMulFOp::create(e.b, e.loc, tileC, ta[i],
                                                      tb[j], acc[i][j]))
                      : Value(amx::TileMulIOp::create(e.b, e.loc, tileC, ta[i],
                                                      tb[j], acc[i][j]));
    };
    auto chunk = [&](Emitter &e, Value first, int64_t count, bool zero) {
      Value acc[2][2];
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          acc[i][j] = zero ? Value(amx::TileZeroOp::create(e.b, e.loc, tileC))
                           : Value(amx::TileLoadOp::create(
                                 e.b, e.loc, tileC, out,
                                 at(form.batched, bt, {rowsC[i], colsC[j]})));
      for (int64_t s = 0; s < count; ++s)
        product(e, e.addc(first, s), acc);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          amx::TileStoreOp::create(e.b, e.loc, out,
                                   at(form.batched, bt, {rowsC[i], colsC[j]}),
                                   acc[i][j]);
    };
    int64_t head = std::min(steps, kUnroll);
    chunk(e, e.idx(0), head, true);
    int64_t full = (steps - head) / kUnroll, rem = (steps - head) % kUnroll;
    if (full > 0)
      e.loop(0, full, 1, {}, [&](Emitter &e, Value c, ValueRange) {
        chunk(e, e.addc(e.mul(c, kUnroll), head), kUnroll, false);
        return SmallVector<Value>{};
      });
    if (rem > 0)
      chunk(e, e.idx(head + full * kUnroll), rem, false);
  });
}

/// A [b?][mp][np] result buffer of `elem`.
Value allocResult(OpBuilder &b, Location loc, const MatmulForm &form,
                  int64_t mp, int64_t np, Type elem) {
  SmallVector<int64_t> shape{mp, np};
  if (form.batched)
    shape.insert(shape.begin(), form.batch);
  return memref::AllocOp::create(b, loc, MemRefType::get(shape, elem),
                                 b.getI64IntegerAttr(64));
}

/// The INT8 kernel (tdpbssd): i32 sums over all of K in the tiles.
Value emitInt8Tiles(OpBuilder &b, Location loc, const MatmulForm &form,
                    const IntOperand &A, const IntOperand &B,
                    ArrayRef<int64_t> shape) {
  Emitter e{b, loc};
  Type i8 = b.getI8Type();
  int64_t mp = llvm::alignTo(form.m, kMT);
  int64_t np = llvm::alignTo(form.n, kNT);
  int64_t kp = llvm::alignTo(form.k, kTileBytes);
  Value apBuf = toBuffer(e, packA(e, form, A, mp, kp, kTileBytes));
  Value bpBuf = toBuffer(e, packB(e, form, B, np, kp));
  Value out = allocResult(b, loc, form, mp, np, b.getI32Type());
  auto tile = amx::TileType::get({kTile, kTileBytes}, i8);
  emitTileLoops(
      e, form, mp, np, kp / kTileBytes, out,
      [&](Emitter &e, Value bt, Value m0, int i, Value s) -> Value {
        return amx::TileLoadOp::create(
            e.b, e.loc, tile, apBuf,
            ValueRange{bt, e.addc(m0, i * kTile), e.mul(s, kTileBytes)});
      },
      [&](Emitter &e, Value bt, Value n0, int j, Value s) -> Value {
        Value nb = arith::DivUIOp::create(e.b, e.loc, n0, e.idx(kTile));
        return amx::TileLoadOp::create(
            e.b, e.loc, tile, bpBuf,
            ValueRange{bt, e.addc(nb, j), e.mul(s, kTile), e.idx(0)});
      });
  return resultTensor(b, loc, form, out, shape);
}

/// The smallest and largest value of the f32 tensor `scales` (NaN
/// propagates). Both start at 1.0, which only widens the range the caller
/// checks.
std::pair<Value, Value> scaleRange(Emitter &e, Value scales) {
  auto t = cast<RankedTensorType>(scales.getType());
  Type f32 = e.b.getF32Type();
  Value flat = scales;
  if (t.getRank() != 1) {
    SmallVector<ReassociationIndices> all{
        llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()))};
    flat = tensor::CollapseShapeOp::create(e.b, e.loc, scales, all);
  }
  auto vt = VectorType::get({kLanes}, f32);
  Value one = e.splat(vt, 1);
  SmallVector<Value> r =
      e.loop(0, t.getNumElements(), kLanes, {one, one},
             [&](Emitter &e, Value i, ValueRange p) {
               Value v = e.read(vt, flat, {i}, false, e.splat(f32, 1));
               return SmallVector<Value>{
                   arith::MinimumFOp::create(e.b, e.loc, p[0], v),
                   arith::MaximumFOp::create(e.b, e.loc, p[1], v)};
             });
  return {vector::ReductionOp::create(e.b, e.loc,
                                      vector::CombiningKind::MINIMUMF, r[0]),
          vector::ReductionOp::create(e.b, e.loc,
                                      vector::CombiningKind::MAXIMUMF, r[1])};
}

/// Whether the bf16 kernel is exact for these decoded block scales, powers
/// of two 2^a of A and 2^b of B over `blocks` blocks (the integers are at
/// most 2^7 in magnitude, their products 2^14, a block's dot product 2^19):
/// * a, b >= -126: the prescaled operands are normal bf16 (AMX reads
///   subnormals as zero);
/// * a + b >= -126: every product, block sum and accumulator value is a
///   multiple of 2^-126, so never subnormal (AMX flushes those to zero);
/// * a, b <= 108: the reference's float(sum) * sa does not overflow;
/// * a + b <= 107 - ceil(log2(blocks)): the accumulator stays below 2^127.
/// NaN scales fail the ordered comparisons.
Value bf16ScalesFit(Emitter &e, Value as, Value bs, int64_t blocks) {
  auto [minA, maxA] = scaleRange(e, as);
  auto [minB, maxB] = scaleRange(e, bs);
  auto cst = [&](int exp) -> Value {
    return arith::ConstantOp::create(e.b, e.loc,
                                     e.b.getF32FloatAttr(std::ldexp(1.f, exp)));
  };
  Value lo = cst(-126), hi = cst(108);
  Value hiAB = cst(107 - int(llvm::Log2_64_Ceil(uint64_t(blocks))));
  auto ge = [&](Value x, Value y) -> Value {
    return arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::OGE, x, y);
  };
  auto le = [&](Value x, Value y) -> Value {
    return arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::OLE, x, y);
  };
  // Products of powers of two are exact, or round to 0 / inf, which fail
  // the checks as the exact products would.
  Value minAB = arith::MulFOp::create(e.b, e.loc, minA, minB);
  Value maxAB = arith::MulFOp::create(e.b, e.loc, maxA, maxB);
  Value ok = ge(minA, lo);
  for (Value c : {ge(minB, lo), le(maxA, hi), le(maxB, hi), ge(minAB, lo),
                  le(maxAB, hiAB)})
    ok = arith::AndIOp::create(e.b, e.loc, ok, c);
  return ok;
}

/// A's integers times their block scales, as bf16, one tile per 16 rows and
/// block: [batch][mp/16][blocks][16][32]; zeros past M and K.
Value packABf16(Emitter &e, const MatmulForm &form, const IntOperand &A,
                Value as, int64_t mp, int64_t blocks) {
  Type bf16 = e.b.getBF16Type(), f32 = e.b.getF32Type();
  auto fT = VectorType::get({kBlock}, f32);
  auto hT = VectorType::get({kBlock}, bf16);
  Value zero = e.zeros(hT);
  return e.loop(
      0, form.batch, 1,
      e.empty({form.batch, mp / kTile, blocks, kTile, kBlock}, bf16),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(0, mp, 1, p, [&](Emitter &e, Value m, ValueRange p) {
          Value inM = arith::CmpIOp::create(
              e.b, e.loc, arith::CmpIPredicate::slt, m, e.idx(form.m));
          Value mc = arith::MinSIOp::create(e.b, e.loc, m, e.idx(form.m - 1));
          Value mt = arith::DivUIOp::create(e.b, e.loc, m, e.idx(kTile));
          Value r = arith::RemUIOp::create(e.b, e.loc, m, e.idx(kTile));
          return e.loop(
              0, blocks, 1, p, [&](Emitter &e, Value kb, ValueRange p) {
                Value v = loadIntValues(e, A, at(form.batched, bt, {mc}),
                                        e.mul(kb, kBlock), kBlock);
                Value s = e.extract(as, at(form.batched, bt, {mc, kb}));
                Value x = arith::MulFOp::create(
                    e.b, e.loc, arith::SIToFPOp::create(e.b, e.loc, fT, v),
                    e.bcast(s, fT));
                Value h = arith::TruncFOp::create(e.b, e.loc, hT, x);
                h = arith::SelectOp::create(e.b, e.loc, inM, h, zero);
                return SmallVector<Value>{
                    e.write(h, p[0], {bt, mt, kb, r, e.idx(0)}, true)};
              });
        });
      })[0];
}

/// B's integers times their block scales, as bf16 pairs of rows in the tile
/// layout [batch][np/16][kp/2][32] (element 2j + r of row g is B[2g + r][16nb
/// + j]); zeros past K and N.
Value packBBf16(Emitter &e, const MatmulForm &form, const IntOperand &B,
                Value bs, int64_t np, int64_t kp) {
  Type bf16 = e.b.getBF16Type(), f32 = e.b.getF32Type();
  auto fT = VectorType::get({kTile}, f32);
  auto hT = VectorType::get({kTile}, bf16);
  Value zero = e.zeros(fT);
  return packBPanels(
      e, form, np, kp, 2, bf16,
      [&](Emitter &e, Value bt, Value k, Value inK, Value n0) -> Value {
        Value kb = arith::DivUIOp::create(e.b, e.loc, k, e.idx(kBlock));
        Value v = loadIntValues(e, B, at(form.batched, bt, {k}), n0, kTile);
        Value s = e.read(fT, bs, at(form.batched, bt, {kb, n0}), false,
                         e.splat(f32, 1));
        Value x = arith::MulFOp::create(
            e.b, e.loc, arith::SIToFPOp::create(e.b, e.loc, fT, v), s);
        x = arith::SelectOp::create(e.b, e.loc, inK, x, zero);
        return arith::TruncFOp::create(e.b, e.loc, hT, x);
      },
      [&](Emitter &e, ArrayRef<Value> r) -> Value {
        return vector::InterleaveOp::create(e.b, e.loc, r[0], r[1]);
      });
}

/// The bf16 kernel for MX blocks of 32 (see the file comment), into the
/// padded result buffer `out`.
void emitBF16Tiles(OpBuilder &b, Location loc, const MatmulForm &form,
                   const IntOperand &A, const IntOperand &B,
                   const IntPlan &plan, Value asDec, Value bsDec, Value out) {
  Emitter e{b, loc};
  int64_t mp = llvm::alignTo(form.m, kMT);
  int64_t np = llvm::alignTo(form.n, kNT);
  Value apBuf = toBuffer(e, packABf16(e, form, A, asDec, mp, plan.blocks));
  Value bpBuf =
      toBuffer(e, packBBf16(e, form, B, bsDec, np, plan.blocks * kBlock));
  auto tile = amx::TileType::get({kTile, kBlock}, b.getBF16Type());
  emitTileLoops(
      e, form, mp, np, plan.blocks, out,
      [&](Emitter &e, Value bt, Value m0, int i, Value s) -> Value {
        Value mt = arith::DivUIOp::create(e.b, e.loc, m0, e.idx(kTile));
        return amx::TileLoadOp::create(
            e.b, e.loc, tile, apBuf,
            ValueRange{bt, e.addc(mt, i), s, e.idx(0), e.idx(0)});
      },
      [&](Emitter &e, Value bt, Value n0, int j, Value s) -> Value {
        Value nb = arith::DivUIOp::create(e.b, e.loc, n0, e.idx(kTile));
        return amx::TileLoadOp::create(
            e.b, e.loc, tile, bpBuf,
            ValueRange{bt, e.addc(nb, j), e.mul(s, kTile), e.idx(0)});
      });
}

} // namespace

Value mx::contract_kernels::emitAMXIntKernel(
    OpBuilder &b, Location loc, const MatmulForm &form, const IntOperand &A,
    const IntOperand &B, const IntPlan &plan, ArrayRef<int64_t> shape,
    function_ref<Value(OpBuilder &, Location)> fallback) {
  if (!plan.mx)
    return emitInt8Tiles(b, loc, form, A, B, shape);
  // MX blocks are one tile product each: 32 elements of K per A row.
  if (plan.block != kBlock || !fallback)
    return Value();
  Emitter e{b, loc};
  Value as = decodeScaleTensor(b, loc, A);
  Value bs = decodeScaleTensor(b, loc, B);
  Value fits = bf16ScalesFit(e, as, bs, plan.blocks);
  // Both branches write the padded result buffer (a result-less scf.if: a
  // yielded tensor would bufferize to a buffer of dynamic layout, copied
  // once more on return).
  Value out = allocResult(b, loc, form, llvm::alignTo(form.m, kMT),
                          llvm::alignTo(form.n, kNT), b.getF32Type());
  scf::IfOp::create(
      b, loc, fits,
      [&](OpBuilder &b, Location loc) {
        emitBF16Tiles(b, loc, form, A, B, plan, as, bs, out);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &b, Location loc) {
        unsigned rank = shape.size();
        SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes =
            llvm::map_to_vector(shape, [&](int64_t d) -> OpFoldResult {
              return b.getIndexAttr(d);
            });
        SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
        Value part =
            memref::SubViewOp::create(b, loc, out, offsets, sizes, strides);
        bufferization::MaterializeInDestinationOp::create(
            b, loc, TypeRange{}, fallback(b, loc), part, /*restrict=*/false,
            /*writable=*/true);
        scf::YieldOp::create(b, loc);
      });
  return resultTensor(b, loc, form, out, shape);
}
