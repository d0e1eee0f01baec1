//===- ContractKernelsAMX.cpp - AMX tile kernels for mx.contract ----------===//
//
// Part of mx-opt. The integer kernel of ContractKernels.cpp on Intel AMX
// tiles (docs/Lowering.md, "Kernels for mx.contract", AMX):
//
// * A is packed to signed bytes [batch][Mp][Kp] (i8 codes, or 2 * E2M1
//   values; zero rows past M and columns past K), B to the tile layout
//   [batch][Np/16][Kp/4][64] (byte 4j + r of row g is B[4g + r][16nb + j]),
//   and (MX) the block scales to f32. Both operands are signed, so the
//   products need no offset correction (tdpbssd).
// * The micro-kernel computes 32 x 32 results with 2 x 2 i32 accumulator
//   tiles and 2 + 2 operand tiles (all 8 tile registers). INT8 sums over
//   all of K in the tiles (spilled to the i32 result every kUnroll tile
//   products, so no tile value crosses a block boundary); MX formats take
//   one tile product per 32-element block, store the exact i32 block sums
//   and scale them into f32 accumulators with AVX-512 vector ops:
//   acc = fma(float(sum) * sa, sb, acc), the operations (and rounding) of
//   the VNNI integer kernel.
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
/// INT8: tile products between two spills of the accumulator tiles.
constexpr int64_t kUnroll = 16;
/// MX: rows of the scaling loop per iteration.
constexpr int64_t kRowUnroll = 4;

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

/// B in the tile layout [batch][np/16][kp/4][64], zeros past K and N.
Value packB(Emitter &e, const MatmulForm &form, const IntOperand &B, int64_t np,
            int64_t kp) {
  Type i8 = e.b.getI8Type();
  Value zeroRow = e.zeros(VectorType::get({kTile}, i8));
  return e.loop(
      0, form.batch, 1,
      e.empty({form.batch, np / kTile, kp / 4, 4 * kTile}, i8),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(
            0, np / kTile, 1, p, [&](Emitter &e, Value nb, ValueRange p) {
              Value n0 = e.mul(nb, kTile);
              return e.loop(
                  0, kp / 4, 1, p, [&](Emitter &e, Value g, ValueRange p) {
                    Value rows[4];
                    for (int64_t r = 0; r < 4; ++r) {
                      Value k = e.addc(e.mul(g, 4), r);
                      Value inK = arith::CmpIOp::create(
                          e.b, e.loc, arith::CmpIPredicate::slt, k,
                          e.idx(form.k));
                      Value kc = arith::MinSIOp::create(e.b, e.loc, k,
                                                        e.idx(form.k - 1));
                      Value v = loadIntValues(e, B, at(form.batched, bt, {kc}),
                                              n0, kTile);
                      rows[r] =
                          arith::SelectOp::create(e.b, e.loc, inK, v, zeroRow);
                    }
                    Value vn = vnniInterleave(e, rows[0], rows[1], rows[2],
                                              rows[3], kTile);
                    return SmallVector<Value>{
                        e.write(vn, p[0], {bt, nb, g, e.idx(0)}, true)};
                  });
            });
      })[0];
}

/// B's block scales as f32 [batch][np/16][blocks][16].
Value packBScales(Emitter &e, const MatmulForm &form, const IntOperand &B,
                  int64_t np, int64_t blocks) {
  Type i8 = e.b.getI8Type(), f32 = e.b.getF32Type();
  auto codesT = VectorType::get({kTile}, i8);
  return e.loop(
      0, form.batch, 1, e.empty({form.batch, np / kTile, blocks, kTile}, f32),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(
            0, np / kTile, 1, p, [&](Emitter &e, Value nb, ValueRange p) {
              Value n0 = e.mul(nb, kTile);
              return e.loop(
                  0, blocks, 1, p, [&](Emitter &e, Value kb, ValueRange p) {
                    Value codes = e.read(codesT, B.parts[1],
                                         at(form.batched, bt, {kb, n0}), false,
                                         e.splat(i8, 127));
                    return SmallVector<Value>{
                        e.write(decodeBlockScale(e.b, e.loc, codes, B), p[0],
                                {bt, nb, kb, e.idx(0)}, true)};
                  });
            });
      })[0];
}

/// A's decoded block scales `as` ([b?][M][blocks] f32) as
/// [batch][mp/32][blocks][32]: the 32 rows of a result tile for one block
/// side by side; rows past M repeat the last row's scales (their sums are
/// zero).
Value packAScales(Emitter &e, const MatmulForm &form, Value as, int64_t mp,
                  int64_t blocks) {
  Type f32 = e.b.getF32Type();
  return e.loop(
      0, form.batch, 1, e.empty({form.batch, mp / kMT, blocks, kMT}, f32),
      [&](Emitter &e, Value bt, ValueRange p) {
        return e.loop(0, mp, 1, p, [&](Emitter &e, Value m, ValueRange p) {
          Value mc = arith::MinSIOp::create(e.b, e.loc, m, e.idx(form.m - 1));
          Value mt = arith::DivUIOp::create(e.b, e.loc, m, e.idx(kMT));
          Value r = arith::RemUIOp::create(e.b, e.loc, m, e.idx(kMT));
          return e.loop(
              0, blocks, 1, p, [&](Emitter &e, Value kb, ValueRange p) {
                Value v = e.extract(as, at(form.batched, bt, {mc, kb}));
                return SmallVector<Value>{tensor::InsertOp::create(
                    e.b, e.loc, v, p[0], ValueRange{bt, mt, kb, r})};
              });
        });
      })[0];
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

} // namespace

Value mx::contract_kernels::emitAMXIntKernel(
    OpBuilder &b, Location loc, const MatmulForm &form, const IntOperand &A,
    const IntOperand &B, const IntPlan &plan, ArrayRef<int64_t> shape) {
  // MX blocks are one tile product each: 32 bytes of K per A row (a tile row
  // holds up to 64).
  if (plan.mx && plan.block != 32)
    return Value();
  Emitter e{b, loc};
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  int64_t mp = llvm::alignTo(form.m, kMT);
  int64_t np = llvm::alignTo(form.n, kNT);
  int64_t kStep = plan.mx ? plan.block : kTileBytes;
  int64_t kp =
      plan.mx ? plan.blocks * plan.block : llvm::alignTo(form.k, kTileBytes);
  int64_t steps = kp / kStep;

  Value ap = packA(e, form, A, mp, kp, kStep);
  Value bp = packB(e, form, B, np, kp);
  Value as, bs;
  if (plan.mx) {
    as = packAScales(e, form, decodeScaleTensor(b, loc, A), mp, plan.blocks);
    bs = packBScales(e, form, B, np, plan.blocks);
  }

  // The micro-kernel, on buffers.
  Value apBuf = toBuffer(e, ap), bpBuf = toBuffer(e, bp);
  Value asBuf = plan.mx ? toBuffer(e, as) : Value();
  Value bsBuf = plan.mx ? toBuffer(e, bs) : Value();
  Type accElem = plan.mx ? f32 : i32;
  SmallVector<int64_t> outShape = form.batched
                                      ? SmallVector<int64_t>{form.batch, mp, np}
                                      : SmallVector<int64_t>{mp, np};
  auto outT = MemRefType::get(outShape, accElem);
  Value out = memref::AllocOp::create(b, loc, outT, b.getI64IntegerAttr(64));
  Value scratch, accBuf;
  if (plan.mx) {
    scratch = memref::AllocaOp::create(
        b, loc, MemRefType::get({2, kMT, kNT}, i32), b.getI64IntegerAttr(64));
    accBuf = memref::AllocaOp::create(b, loc, MemRefType::get({kMT, kNT}, f32),
                                      b.getI64IntegerAttr(64));
  }

  auto tileA = amx::TileType::get({kTile, kStep}, i8);
  auto tileB = amx::TileType::get({kStep / 4, kTileBytes}, i8);
  auto tileC = amx::TileType::get({kTile, kTile}, i32);
  auto fT = VectorType::get({kTile}, f32);
  auto iT = VectorType::get({kTile}, i32);

  resultTiles(e, form, mp, np, [&](Emitter &e, Value bt, Value m0, Value n0) {
    Value nb0 = arith::DivUIOp::create(e.b, e.loc, n0, e.idx(kTile));
    Value rowsA[2] = {m0, e.addc(m0, kTile)};
    Value panelsB[2] = {nb0, e.addc(nb0, 1)};
    Value colsC[2] = {n0, e.addc(n0, kTile)};
    // acc[i][j] += A tiles of step s x B tiles of step s.
    auto product = [&](Emitter &e, Value s, Value acc[2][2]) {
      Value k = e.mul(s, kStep);
      Value g = e.mul(s, kStep / 4);
      Value ta[2], tb[2];
      for (int i = 0; i < 2; ++i)
        ta[i] = amx::TileLoadOp::create(e.b, e.loc, tileA, apBuf,
                                        ValueRange{bt, rowsA[i], k});
      for (int j = 0; j < 2; ++j)
        tb[j] = amx::TileLoadOp::create(
            e.b, e.loc, tileB, bpBuf, ValueRange{bt, panelsB[j], g, e.idx(0)});
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          acc[i][j] = amx::TileMulIOp::create(e.b, e.loc, tileC, ta[i], tb[j],
                                              acc[i][j]);
    };

    if (!plan.mx) {
      // INT8: chunks of up to kUnroll tile products between spills of the
      // accumulators to the i32 result.
      auto chunk = [&](Emitter &e, Value first, int64_t count, bool zero) {
        Value acc[2][2];
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 2; ++j)
            acc[i][j] = zero ? Value(amx::TileZeroOp::create(e.b, e.loc, tileC))
                             : Value(amx::TileLoadOp::create(
                                   e.b, e.loc, tileC, out,
                                   at(form.batched, bt, {rowsA[i], colsC[j]})));
        for (int64_t s = 0; s < count; ++s)
          product(e, e.addc(first, s), acc);
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 2; ++j)
            amx::TileStoreOp::create(e.b, e.loc, out,
                                     at(form.batched, bt, {rowsA[i], colsC[j]}),
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
      return;
    }

    // MX: one tile product per block. The f32 accumulators live in accBuf
    // (contiguous, so its 64 rows stay in L1; rows of the result are a
    // power-of-two stride apart for usual sizes and would thrash a cache
    // set) and go to the result at the end. The block sums are stored to
    // alternate halves of `scratch`: block kb's tile stores drain while the
    // vector code scales block kb - 1 (a vector load right behind a tile
    // store of the same line waits for it).
    Value fzero = e.zeros(fT);
    e.loop(0, kMT, 1, {}, [&](Emitter &e, Value r, ValueRange) {
      for (int j = 0; j < 2; ++j)
        vector::StoreOp::create(e.b, e.loc, fzero, accBuf,
                                ValueRange{r, e.idx(j * kTile)});
      return SmallVector<Value>{};
    });
    auto slot = [&](Emitter &e, Value kb) {
      return arith::RemUIOp::create(e.b, e.loc, kb, e.idx(2));
    };
    auto blockSums = [&](Emitter &e, Value kb) {
      Value acc[2][2];
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          acc[i][j] = amx::TileZeroOp::create(e.b, e.loc, tileC);
      product(e, kb, acc);
      Value sl = slot(e, kb);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          amx::TileStoreOp::create(
              e.b, e.loc, scratch,
              ValueRange{sl, e.idx(i * kTile), e.idx(j * kTile)}, acc[i][j]);
    };
    auto scaleSums = [&](Emitter &e, Value kb) {
      Value sl = slot(e, kb);
      Value sb[2];
      for (int j = 0; j < 2; ++j)
        sb[j] = vector::LoadOp::create(
            e.b, e.loc, fT, bsBuf, ValueRange{bt, panelsB[j], kb, e.idx(0)});
      Value mt = arith::DivUIOp::create(e.b, e.loc, m0, e.idx(kMT));
      e.loop(0, kMT, kRowUnroll, {}, [&](Emitter &e, Value r0, ValueRange) {
        for (int64_t u = 0; u < kRowUnroll; ++u) {
          Value r = e.addc(r0, u);
          Value sa = e.bcast(memref::LoadOp::create(e.b, e.loc, asBuf,
                                                    ValueRange{bt, mt, kb, r}),
                             fT);
          for (int j = 0; j < 2; ++j) {
            Value sum = vector::LoadOp::create(
                e.b, e.loc, iT, scratch, ValueRange{sl, r, e.idx(j * kTile)});
            // sum * sa is exact (|sum| < 2^24, sa a power of two); one
            // rounding per block in the fma.
            Value x = arith::MulFOp::create(
                e.b, e.loc, arith::SIToFPOp::create(e.b, e.loc, fT, sum), sa);
            Value prev = vector::LoadOp::create(
                e.b, e.loc, fT, accBuf, ValueRange{r, e.idx(j * kTile)});
            Value next = vector::FMAOp::create(e.b, e.loc, x, sb[j], prev);
            vector::StoreOp::create(e.b, e.loc, next, accBuf,
                                    ValueRange{r, e.idx(j * kTile)});
          }
        }
        return SmallVector<Value>{};
      });
    };
    blockSums(e, e.idx(0));
    e.loop(1, plan.blocks, 1, {}, [&](Emitter &e, Value kb, ValueRange) {
      blockSums(e, kb);
      scaleSums(e, arith::SubIOp::create(e.b, e.loc, kb, e.idx(1)));
      return SmallVector<Value>{};
    });
    scaleSums(e, e.idx(plan.blocks - 1));
    e.loop(0, kMT, 1, {}, [&](Emitter &e, Value r, ValueRange) {
      Value row = e.add(m0, r);
      for (int j = 0; j < 2; ++j)
        vector::StoreOp::create(
            e.b, e.loc,
            vector::LoadOp::create(e.b, e.loc, fT, accBuf,
                                   ValueRange{r, e.idx(j * kTile)}),
            out, at(form.batched, bt, {row, colsC[j]}));
      return SmallVector<Value>{};
    });
  });

  // The padded result as a tensor, then its [b?, M, N] part (the buffer
  // itself when nothing is padded: it then becomes the out-parameter).
  Value padded = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(outShape, accElem), out, b.getUnitAttr(),
      b.getUnitAttr());
  if (mp == form.m && np == form.n)
    return padded;
  unsigned rank = outShape.size();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = llvm::map_to_vector(
      shape, [&](int64_t d) -> OpFoldResult { return b.getIndexAttr(d); });
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc,
                                        RankedTensorType::get(shape, accElem),
                                        padded, offsets, sizes, strides);
}
