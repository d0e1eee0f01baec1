//===- ContractKernels.cpp - Tiled CPU kernels for mx.contract ------------===//
//
// Part of mx-opt. mx.contract ops in matmul form (C[b?,m,n] = sum_k
// A[b?,m,k] B[b?,k,n], any static sizes) become packed, register-blocked
// kernels written with vector ops on tensors (docs/Lowering.md, "Kernels
// for mx.contract"):
//
// * Integer kernel (INT8 per tensor / per channel, MXINT8, MXFP4): A is
//   packed to unsigned bytes (code + 128, or 2 * E2M1 value + 12) in rows of
//   i32 groups of 4; B to the VNNI panel layout [n/NR][k/4][NR][4] of signed
//   bytes with, per K block, the offset times its column sums (to subtract)
//   and (MX) its f32 block scales. The micro-kernel keeps MR x NR i32
//   accumulators in registers and runs 8-bit dot products with 32-bit sums
//   (vpdpbusd, or a generic vector form), converts each block's exact i32
//   sum to f32 once and scales it by the two block scales.
// * f32 kernel (every other format, and all formats under `exact`): both
//   operands are decoded to f32 by the vectorized dequantizer, B is packed
//   into [n/NR][K][NR] panels and the micro-kernel accumulates MR x NR f32
//   results over k in order: the sums of the unfused graph, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "ContractKernelsImpl.h"
#include "ContractPrepack.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/AMX.h"
#include "mx/Support/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXVNNIDOTS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;
using namespace mx::numerics;
using namespace mx::contract_kernels;

namespace {

/// Marks the generic form of an 8-bit dot product that is to become
/// vpdpbusd.
constexpr llvm::StringLiteral kVnniDotAttr = "mx.vnni_dot";

/// Columns of a B panel: two registers of results.
constexpr int64_t kNR = 32;
/// Rows of a micro-kernel tile.
constexpr int64_t kMRFloat = 8;
constexpr int64_t kMRInt = 12;  // i32 accumulators only (INT8)
constexpr int64_t kMRBlock = 6; // i32 block sums + f32 accumulators (MX)
/// Rows of A kept in L2 while the B panels stream past them.
constexpr int64_t kMC = 192;

std::optional<MatmulForm> matchMatmul(ContractOp op) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  AffineMap lhs = maps[0], rhs = maps[1], out = maps[2];
  unsigned numLoops = out.getNumDims();
  if (numLoops != 3 && numLoops != 4)
    return std::nullopt;
  auto dims = [](AffineMap map) -> std::optional<SmallVector<unsigned>> {
    SmallVector<unsigned> r;
    for (AffineExpr e : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return std::nullopt;
      r.push_back(d.getPosition());
    }
    return r;
  };
  auto l = dims(lhs), r = dims(rhs), o = dims(out);
  if (!l || !r || !o)
    return std::nullopt;
  MatmulForm form;
  form.batched = numLoops == 4;
  unsigned rank = form.batched ? 3 : 2;
  if (l->size() != rank || r->size() != rank || o->size() != rank)
    return std::nullopt;
  // out = (b?, m, n), lhs = (b?, m, k), rhs = (b?, k, n).
  unsigned off = form.batched ? 1 : 0;
  unsigned mD = (*o)[off], nD = (*o)[off + 1];
  if (form.batched && ((*l)[0] != (*o)[0] || (*r)[0] != (*o)[0]))
    return std::nullopt;
  unsigned kD = (*l)[off + 1];
  if ((*l)[off] != mD || (*r)[off] != kD || (*r)[off + 1] != nD)
    return std::nullopt;
  if (!op.isReductionDim(kD) || op.isReductionDim(mD) ||
      op.isReductionDim(nD) || mD == nD ||
      (form.batched && op.isReductionDim((*o)[0])))
    return std::nullopt;
  auto lt = op.getLhs().getType(), rt = op.getRhs().getType();
  form.batch = form.batched ? lt.getDimSize(0) : 1;
  form.m = lt.getDimSize(off);
  form.k = lt.getDimSize(off + 1);
  form.n = rt.getDimSize(off + 1);
  if (form.m <= 0 || form.n <= 0 || form.k <= 0 || form.batch <= 0)
    return std::nullopt;
  return form;
}

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

/// Loops over the tiles of the result: batch, row blocks of kMC, column
/// panels of kNR, then row tiles of `mr` rows (and single rows for the
/// rest). `tile(e, bt, m0, nb, rows, c)` returns the updated result.
/// The loop marked parallel (mx.parallel, for parallel=openmp) is the row
/// blocks', or with a single row block (M <= kMC: small-M matmuls) and
/// several panels the panels': either way the iterations write disjoint
/// tiles of the result and compute what the serial loop computes.
Value tileLoops(
    Emitter &e, const MatmulForm &form, Value init, int64_t mr,
    function_ref<Value(Emitter &, Value, Value, Value, int64_t, Value)> tile) {
  int64_t numPanels = llvm::divideCeil(form.n, kNR);
  int64_t mc = std::max<int64_t>(mr, kMC / mr * mr);
  bool panelsParallel = form.m <= mc && numPanels > 1;
  using Body = function_ref<SmallVector<Value>(Emitter &, Value, ValueRange)>;
  auto loop = [](Emitter &e, bool parallel, int64_t lb, int64_t ub,
                 int64_t step, ValueRange inits, Body body) {
    return parallel ? e.loopParallel(lb, ub, step, inits, body)
                    : e.loop(lb, ub, step, inits, body);
  };
  return e.loop(
      0, form.batch, 1, init, [&](Emitter &e, Value bt, ValueRange c) {
        return loop(
            e, !panelsParallel, 0, form.m, mc, c,
            [&](Emitter &e, Value m0, ValueRange c) {
              return loop(
                  e, panelsParallel, 0, numPanels, 1, c,
                  [&](Emitter &e, Value nb,
                      ValueRange c) -> SmallVector<Value> {
                    Value end = arith::MinSIOp::create(
                        e.b, e.loc, e.addc(m0, mc), e.idx(form.m));
                    Value rows = arith::SubIOp::create(e.b, e.loc, end, m0);
                    Value full =
                        e.add(m0, e.mul(arith::DivSIOp::create(e.b, e.loc, rows,
                                                               e.idx(mr)),
                                        mr));
                    SmallVector<Value> r =
                        e.loop(m0, full, mr, c,
                               [&](Emitter &e, Value m, ValueRange c) {
                                 return SmallVector<Value>{
                                     tile(e, bt, m, nb, mr, c[0])};
                               });
                    if (mr == 1)
                      return r;
                    return e.loop(full, end, 1, r,
                                  [&](Emitter &e, Value m, ValueRange c) {
                                    return SmallVector<Value>{
                                        tile(e, bt, m, nb, 1, c[0])};
                                  });
                  });
            });
      })[0];
}

/// Writes the accumulators of a tile (`rowIdx.size()` rows x kNR columns
/// of panel `nb`, kLanes per vector, row-major) into the result `c`;
/// columns past N are masked off.
Value storeTile(Emitter &e, const MatmulForm &form, Value bt,
                ArrayRef<Value> rowIdx, Value nb, ArrayRef<Value> acc,
                Value c) {
  constexpr int64_t nv = kNR / kLanes;
  Value n0 = e.mul(nb, kNR);
  for (size_t i = 0; i < rowIdx.size(); ++i)
    for (int64_t j = 0; j < nv; ++j)
      c = e.write(acc[i * nv + j], c,
                  at(form.batched, bt, {rowIdx[i], e.addc(n0, j * kLanes)}),
                  false);
  return c;
}

//===----------------------------------------------------------------------===//
// f32 kernel
//===----------------------------------------------------------------------===//

/// Packs f32 B[b?][K][N] into panels [batch][N/NR][K][NR] (zero columns
/// past N).
Value packF32Panels(Emitter &e, const MatmulForm &form, Value bm) {
  int64_t numPanels = llvm::divideCeil(form.n, kNR);
  Type f32 = e.b.getF32Type();
  auto vt = VectorType::get({kNR}, f32);
  Value init = e.empty({form.batch, numPanels, form.k, kNR}, f32);
  return e.loop(
      0, form.batch, 1, init, [&](Emitter &e, Value bt, ValueRange p) {
        // (Panels are disjoint: parallel under parallel=openmp.)
        return e.loopParallel(
            0, numPanels, 1, p, [&](Emitter &e, Value nb, ValueRange p) {
              Value n0 = e.mul(nb, kNR);
              return e.loop(
                  0, form.k, 1, p, [&](Emitter &e, Value k, ValueRange p) {
                    Value v =
                        e.read(vt, bm, at(form.batched, bt, {k, n0}), false);
                    return SmallVector<Value>{
                        e.write(v, p[0], {bt, nb, k, e.idx(0)}, true)};
                  });
            });
      })[0];
}

/// `prepacked`: B already in panels (prepackF32B), else packed from `bm`.
Value emitF32Kernel(OpBuilder &b, Location loc, const MatmulForm &form,
                    Value am, Value bm, bool fma, ArrayRef<int64_t> shape,
                    Value prepacked = Value()) {
  Emitter e{b, loc};
  Type f32 = b.getF32Type();
  auto vt = VectorType::get({kLanes}, f32);
  Value panels = prepacked ? prepacked : packF32Panels(e, form, bm);
  Value init = e.empty(shape, f32);
  Value zero = e.zeros(vt);
  constexpr int64_t nv = kNR / kLanes;
  return tileLoops(
      e, form, init, kMRFloat,
      [&](Emitter &e, Value bt, Value m0, Value nb, int64_t rows, Value c) {
        SmallVector<Value> rowIdx;
        for (int64_t i = 0; i < rows; ++i)
          rowIdx.push_back(e.addc(m0, i));
        SmallVector<Value> inits(rows * nv, zero);
        SmallVector<Value> acc = e.loop(
            0, form.k, 1, inits, [&](Emitter &e, Value k, ValueRange acc) {
              Value bv[nv];
              for (int64_t j = 0; j < nv; ++j)
                bv[j] =
                    e.read(vt, panels, {bt, nb, k, e.idx(j * kLanes)}, true);
              SmallVector<Value> next;
              for (int64_t i = 0; i < rows; ++i) {
                Value a = e.bcast(
                    e.extract(am, at(form.batched, bt, {rowIdx[i], k})), vt);
                for (int64_t j = 0; j < nv; ++j) {
                  Value s = acc[i * nv + j];
                  if (fma)
                    s = vector::FMAOp::create(e.b, e.loc, a, bv[j], s);
                  else
                    s = arith::AddFOp::create(
                        e.b, e.loc, s,
                        arith::MulFOp::create(e.b, e.loc, a, bv[j]));
                  next.push_back(s);
                }
              }
              return next;
            });
        return storeTile(e, form, bt, rowIdx, nb, acc, c);
      });
}

//===----------------------------------------------------------------------===//
// Integer kernel
//===----------------------------------------------------------------------===//

bool isIntKernelElement(const FormatSpec &spec) {
  return spec.scale == ScaleKind::E8M0 &&
         spec.granularity == Granularity::Block &&
         (spec.element == ElementKind::I8 ||
          spec.element == ElementKind::F4E2M1FN ||
          spec.element == ElementKind::F6E2M3FN);
}

} // namespace

/// `n` integer values (i8 codes, or 2 * E2M1 values) of the data part at
/// `prefix` (all but the last index), elements [col, col + n) of the last
/// dimension; past the end they read as 0.
Value mx::contract_kernels::loadIntValues(Emitter &e, const IntOperand &op,
                                          ArrayRef<Value> prefix, Value col,
                                          int64_t n) {
  Type i8 = e.b.getI8Type();
  SmallVector<Value> idx(prefix);
  if (op.fp6) {
    // Four codes per three bytes (col and n are multiples of 4).
    idx.push_back(e.mul(arith::DivUIOp::create(e.b, e.loc, col, e.idx(4)), 3));
    Value bytes =
        e.read(VectorType::get({n / 4 * 3}, i8), op.parts[0], idx, false);
    return decodeE2M3Times8(e, unpackRow(e.b, e.loc, bytes, n, 6));
  }
  if (!op.fp4) {
    idx.push_back(col);
    return e.read(VectorType::get({n}, i8), op.parts[0], idx, false);
  }
  idx.push_back(arith::DivUIOp::create(e.b, e.loc, col, e.idx(2)));
  auto half = VectorType::get({n / 2}, i8);
  Value bytes = e.read(half, op.parts[0], idx, false);
  return decodeE2M1Times2(e, unpackNibbles(e, bytes));
}

Value mx::contract_kernels::decodeE2M1Times2(Emitter &e, Value codes) {
  Type t = codes.getType();
  auto c = [&](int64_t v) { return e.splat(t, v); };
  OpBuilder &b = e.b;
  Location loc = e.loc;
  auto ult = [&](Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, c(v));
  };
  Value m = arith::AndIOp::create(b, loc, codes, c(7));
  Value m2 = arith::AddIOp::create(b, loc, m, m);
  Value m4 = arith::AddIOp::create(b, loc, m2, m2);
  Value v = arith::SelectOp::create(
      b, loc, ult(m, 4), m,
      arith::SelectOp::create(b, loc, ult(m, 6),
                              arith::SubIOp::create(b, loc, m2, c(4)),
                              arith::SubIOp::create(b, loc, m4, c(16))));
  Value neg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                            arith::AndIOp::create(b, loc, codes, c(8)), c(0));
  return arith::SelectOp::create(b, loc, neg,
                                 arith::SubIOp::create(b, loc, c(0), v), v);
}

Value mx::contract_kernels::decodeE2M3Times8(Emitter &e, Value codes) {
  // E2M3: sign (bit 5), exponent e (bits 3-4), mantissa m (bits 0-2);
  // 8 * |value| is m for e = 0, else (8 + m) << (e - 1): at most 60.
  auto t = cast<VectorType>(codes.getType());
  NumericsEmitter n(e.b, e.loc, t.getShape());
  Value m = n.band(codes, n.c(7));
  Value ex = n.band(n.lshr(codes, n.c(3)), n.c(3));
  Value normal = n.shl(n.bor(m, n.c(8)), n.smax(n.sub(ex, n.c(1)), n.c(0)));
  Value mag = n.sel(n.eq(ex, n.c(0)), m, normal);
  Value v =
      n.sel(n.ne(n.band(codes, n.c(32)), n.c(0)), n.sub(n.c(0), mag), mag);
  return arith::TruncIOp::create(
      e.b, e.loc, VectorType::get(t.getShape(), e.b.getI8Type()), v);
}

Value mx::contract_kernels::unpackNibbles(Emitter &e, Value bytes) {
  Type t = bytes.getType();
  Value lo = arith::AndIOp::create(e.b, e.loc, bytes, e.splat(t, 0xF));
  Value hi = arith::ShRUIOp::create(e.b, e.loc, bytes, e.splat(t, 4));
  return vector::InterleaveOp::create(e.b, e.loc, lo, hi);
}

/// f32 block scales from E8M0 or E4M3 codes (a vector or a scalar of i8),
/// times the weight of one integer unit (2^-6 for MXINT8, 1/2 for 2 * E2M1).
Value mx::contract_kernels::decodeBlockScale(OpBuilder &b, Location loc,
                                             Value codes,
                                             const IntOperand &op) {
  ArrayRef<int64_t> shape;
  if (auto vt = dyn_cast<VectorType>(codes.getType()))
    shape = vt.getShape();
  NumericsEmitter s(b, loc, shape);
  Value code = arith::ExtUIOp::create(b, loc, s.i32(), codes);
  return blockScaleFromCode(s, code, op);
}

/// `fn` applied to every element of the tensor `input`, giving a tensor of
/// the same shape with elements of `elementType` (one linalg.generic with
/// identity maps).
static Value mapElements(OpBuilder &b, Location loc, Value input,
                         Type elementType,
                         function_ref<Value(OpBuilder &, Location, Value)> fn) {
  auto type = cast<RankedTensorType>(input.getType());
  unsigned rank = type.getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  return linalg::GenericOp::create(
             b, loc,
             TypeRange{RankedTensorType::get(type.getShape(), elementType)},
             ValueRange{input},
             ValueRange{
                 tensor::EmptyOp::create(b, loc, type.getShape(), elementType)},
             ArrayRef<AffineMap>{id, id},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, fn(b, loc, args[0]));
             })
      .getResult(0);
}

Value mx::contract_kernels::applyTensorScales(OpBuilder &b, Location loc,
                                              Value acc, const IntOperand &A,
                                              const IntOperand &B) {
  SmallVector<Value> scales;
  for (const IntOperand *op : {&A, &B})
    if (op->spec.tensorScale)
      scales.push_back(
          tensor::ExtractOp::create(b, loc, op->parts.back(), ValueRange{}));
  if (scales.empty())
    return acc;
  // A NaN or infinite tensor scale makes every value NaN, as the
  // dequantizer does (decided once, outside the loop).
  NumericsEmitter s(b, loc, {});
  Value bad = s.fisNaNOrInf(scales[0]);
  for (Value t : ArrayRef<Value>(scales).drop_front())
    bad = s.borB(bad, s.fisNaNOrInf(t));
  Value nan = s.bitsToF(s.c(kQuietNaNBits));
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  return mapElements(b, loc, acc, f32,
                     [&](OpBuilder &b, Location loc, Value a) -> Value {
                       // In f64 (the first product is exact), so that no
                       // product of the scales alone leaves the f32 range.
                       Value x = arith::ExtFOp::create(b, loc, f64, a);
                       for (Value t : scales)
                         x = arith::MulFOp::create(
                             b, loc, x, arith::ExtFOp::create(b, loc, f64, t));
                       Value y = arith::TruncFOp::create(b, loc, f32, x);
                       return arith::SelectOp::create(b, loc, bad, nan, y);
                     });
}

Value mx::contract_kernels::decodeScaleTensor(OpBuilder &b, Location loc,
                                              const IntOperand &op) {
  return mapElements(b, loc, op.parts[1], b.getF32Type(),
                     [&](OpBuilder &b, Location loc, Value code) {
                       return decodeBlockScale(b, loc, code, op);
                     });
}

/// Bits of the largest |block sum|: block * max|a| * max|b| <= 2^bits
/// (codes in [-128, 127], 2 * E2M1 in [-12, 12]).
static int64_t blockSumBits(const IntOperand &A, const IntOperand &B,
                            int64_t block) {
  return llvm::Log2_64_Ceil(block * A.maxAbs() * B.maxAbs());
}

Value mx::contract_kernels::fastFoldHolds(Emitter &e, const IntOperand &A,
                                          const IntOperand &B, int64_t block,
                                          Value as) {
  // float(sum) * sa is a multiple of sa >= 2^-133 (the smallest scale times
  // its unit) with at most 24 significant bits: exact unless it overflows,
  // which sa <= 2^(127 - bits) rules out (|float(sum) * sa| <= 2^127).
  // Unordered: a NaN scale takes the fast fold (NaN either way).
  Value hi = arith::ConstantOp::create(
      e.b, e.loc,
      e.b.getF32FloatAttr(
          std::ldexp(1.0f, 127 - int(blockSumBits(A, B, block)))));
  // A scalar loop nest over the scale part (blocks x rows: small next to
  // the matmul).
  auto t = cast<RankedTensorType>(as.getType());
  SmallVector<Value> ivs;
  std::function<Value(Emitter &, unsigned, Value)> nest =
      [&](Emitter &e, unsigned d, Value all) -> Value {
    if (d == t.getRank()) {
      Value ok = arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::ULE,
                                       e.extract(as, ivs), hi);
      return arith::AndIOp::create(e.b, e.loc, all, ok);
    }
    return e.loop(0, t.getDimSize(d), 1, all,
                  [&](Emitter &e, Value iv, ValueRange a) {
                    ivs.push_back(iv);
                    Value r = nest(e, d + 1, a[0]);
                    ivs.pop_back();
                    return SmallVector<Value>{r};
                  })[0];
  };
  return nest(
      e, 0,
      arith::ConstantOp::create(e.b, e.loc, e.b.getBoolAttr(true)).getResult());
}

SmallVector<Value> mx::contract_kernels::foldBlockSums(
    Emitter &e, const IntOperand &A, const IntOperand &B, const BlockScales &s,
    ArrayRef<Value> sums, ArrayRef<Value> acc, bool exact) {
  size_t cols = s.sb.size();
  auto accT = cast<VectorType>(acc.front().getType());
  SmallVector<Value> r;
  if (!exact) {
    for (auto [i, sa] : llvm::enumerate(s.sa)) {
      Value sav = e.bcast(sa, accT);
      for (size_t j = 0; j < cols; ++j) {
        Value x = arith::MulFOp::create(
            e.b, e.loc,
            arith::SIToFPOp::create(e.b, e.loc, accT, sums[i * cols + j]), sav);
        r.push_back(
            vector::FMAOp::create(e.b, e.loc, x, s.sb[j], acc[i * cols + j]));
      }
    }
    return r;
  }
  NumericsEmitter n(e.b, e.loc, accT.getShape());
  auto i32 = VectorType::get(accT.getShape(), e.b.getI32Type());
  // The exponent of a block scale times its integer unit is code - 127 +
  // unit (IntOperand::unitExponent).
  int32_t bias = -254 + A.unitExponent() + B.unitExponent();
  SmallVector<Value> cb;
  for (size_t j = 0; j < cols; ++j)
    cb.push_back(arith::ExtUIOp::create(e.b, e.loc, i32, s.codesB(e, j)));
  for (size_t i = 0; i < s.sa.size(); ++i) {
    Value ca = e.bcast(
        arith::ExtUIOp::create(e.b, e.loc, e.b.getI32Type(), s.codeA(e, i)),
        i32);
    Value nanA = n.eq(ca, n.c(0xFF));
    Value ea = n.add(ca, n.c(bias));
    for (size_t j = 0; j < cols; ++j) {
      Value sum = sums[i * cols + j];
      if (getElementTypeOrSelf(sum.getType()) != e.b.getI32Type())
        sum = arith::ExtSIOp::create(e.b, e.loc, i32, sum);
      Value f = foldScaledSum(n, sum, n.add(ea, cb[j]), acc[i * cols + j]);
      Value nan = n.borB(nanA, n.eq(cb[j], n.c(0xFF)));
      r.push_back(n.self(nan, n.bitsToF(n.c(kQuietNaNBits)), f));
    }
  }
  return r;
}

SmallVector<Value> mx::contract_kernels::foldBlockSums(
    Emitter &e, const IntOperand &A, const IntOperand &B, const BlockScales &s,
    ArrayRef<Value> sums, ArrayRef<Value> acc, Value fast) {
  // No test: the fast fold is exact for every block (E4M3 scales).
  if (!fast)
    return foldBlockSums(e, A, B, s, sums, acc, /*exact=*/false);
  auto fold = [&](bool exact) {
    return [&, exact](OpBuilder &b, Location loc) {
      Emitter t{b, loc};
      scf::YieldOp::create(b, loc, foldBlockSums(t, A, B, s, sums, acc, exact));
    };
  };
  return scf::IfOp::create(e.b, e.loc, fast, fold(false), fold(true))
      ->getResults();
}

/// Interleaves four rows of `nr` bytes into the VNNI order: byte 4j + r is
/// row r, column j.
Value mx::contract_kernels::vnniInterleave(Emitter &e, Value r0, Value r1,
                                           Value r2, Value r3, int64_t nr) {
  Value i01 = vector::InterleaveOp::create(e.b, e.loc, r0, r1);
  Value i23 = vector::InterleaveOp::create(e.b, e.loc, r2, r3);
  auto w = VectorType::get({nr}, e.b.getI16Type());
  Value x = vector::InterleaveOp::create(e.b, e.loc, e.bitcast(i01, w),
                                         e.bitcast(i23, w));
  return e.bitcast(x, VectorType::get({4 * nr}, e.b.getI8Type()));
}

namespace {

/// acc (16 x i32) + the dot products of groups of 4 unsigned bytes of `a`
/// with signed bytes of `w` (64 x i8 each), in target-independent vector
/// ops. With `vnni` the reduction is tagged kVnniDotAttr: after
/// bufferization, convert-mx-vnni-dots makes the chain one vpdpbusd (one-shot
/// bufferization rejects llvm.call_intrinsic, whose memory effects are
/// unknown).
Value dot(Emitter &e, Value acc, Value a, Value w, bool vnni) {
  Type i32 = e.b.getI32Type();
  auto wide = VectorType::get({4 * kLanes}, i32);
  Value p = arith::MulIOp::create(e.b, e.loc,
                                  arith::ExtUIOp::create(e.b, e.loc, wide, a),
                                  arith::ExtSIOp::create(e.b, e.loc, wide, w));
  p = vector::ShapeCastOp::create(e.b, e.loc, VectorType::get({kLanes, 4}, i32),
                                  p);
  auto r = vector::MultiDimReductionOp::create(e.b, e.loc, p, acc,
                                               ArrayRef<bool>{false, true},
                                               vector::CombiningKind::ADD);
  if (vnni)
    r->setAttr(kVnniDotAttr, e.b.getUnitAttr());
  return r;
}

Value emitIntKernel(OpBuilder &b, Location loc, const MatmulForm &form,
                    const IntOperand &A, const IntOperand &B,
                    const IntPlan &plan, ArrayRef<int64_t> shape) {
  Emitter e{b, loc};
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  int64_t numPanels = llvm::divideCeil(form.n, kNR);
  int64_t kg = plan.kp / 4;

  // A: unsigned bytes, four per i32, [batch][M][Kp/4].
  constexpr int64_t chunk = 32;
  auto chunkI32 = VectorType::get({chunk / 4}, i32);
  Value ap = e.loop(
      0, form.batch, 1, e.empty({form.batch, form.m, kg}, i32),
      [&](Emitter &e, Value bt, ValueRange p) {
        // (Rows are disjoint: parallel under parallel=openmp.)
        return e.loopParallel(
            0, form.m, 1, p, [&](Emitter &e, Value m, ValueRange p) {
              return e.loop(
                  0, plan.kp, chunk, p, [&](Emitter &e, Value k, ValueRange p) {
                    Value v = loadIntValues(e, A, at(form.batched, bt, {m}), k,
                                            chunk);
                    v = arith::AddIOp::create(
                        e.b, e.loc, v,
                        e.splat(v.getType(), int8_t(plan.offsetA & 0xFF)));
                    Value idx = arith::DivUIOp::create(e.b, e.loc, k, e.idx(4));
                    return SmallVector<Value>{e.write(
                        e.bitcast(v, chunkI32), p[0], {bt, m, idx}, false)};
                  });
            });
      })[0];
  // A's block scales as f32, the shape of its scale part, and whether they
  // allow the fast fold of every block.
  Value as = plan.mx ? decodeScaleTensor(b, loc, A) : Value();
  // E4M3 block scales always take the fast fold: float(sum) * sa has at
  // most 18 + 4 significant bits (|sum| <= 1024 * 144, sa = E4M3 / 2) and
  // stays inside [2^-10, 2^28], so it is exact, and the fma adds the exact
  // block value with one rounding, as the exact fold would.
  bool alwaysFast = A.e4m3Scales();
  Value fastFold =
      plan.mx && !alwaysFast ? fastFoldHolds(e, A, B, plan.block, as) : Value();

  // B: VNNI panels [batch][N/NR][Kp/4][NR * 4] (signed bytes), the A
  // offset times minus the column sums of each block [batch][N/NR][blocks]
  // [NR] (i32) and the block scales (f32, same shape).
  auto rowT = VectorType::get({kNR}, i8);
  auto sumT = VectorType::get({kNR}, i32);
  SmallVector<Value> packInit = {
      e.empty({form.batch, numPanels, kg, 4 * kNR}, i8),
      e.empty({form.batch, numPanels, plan.blocks, kNR}, i32)};
  if (plan.mx)
    packInit.push_back(e.empty({form.batch, numPanels, plan.blocks, kNR}, f32));
  Value zeroRow = e.zeros(rowT);
  // A constant B is packed at compile time (ContractPrepack.h): the same
  // values, no packing loop.
  std::optional<SmallVector<Value>> prepacked;
  if (plan.prepack)
    prepacked = prepackIntB(b, loc, form, B, plan, kNR);
  SmallVector<Value> packed =
      prepacked
          ? *prepacked
          : e.loop(
                0, form.batch, 1, packInit,
                [&](Emitter &e, Value bt, ValueRange p) {
                  // (Panels are disjoint: parallel under parallel=openmp.)
                  return e.loopParallel(
                      0, numPanels, 1, p,
                      [&](Emitter &e, Value nb, ValueRange p) {
                        Value n0 = e.mul(nb, kNR);
                        return e.loop(
                            0, plan.blocks, 1, p,
                            [&](Emitter &e, Value kb, ValueRange p) {
                              SmallVector<Value> inner = e.loop(
                                  0, plan.groups, 1,
                                  ValueRange{e.zeros(sumT), p[0]},
                                  [&](Emitter &e, Value g, ValueRange s) {
                                    Value grp =
                                        e.add(e.mul(kb, plan.groups), g);
                                    Value rows[4];
                                    Value sum = s[0];
                                    for (int64_t r = 0; r < 4; ++r) {
                                      Value k = e.addc(e.mul(grp, 4), r);
                                      // Rows past K read as zeros (the transfer
                                      // pads only the vector dimension).
                                      Value inK = arith::CmpIOp::create(
                                          e.b, e.loc, arith::CmpIPredicate::slt,
                                          k, e.idx(form.k));
                                      Value kc = arith::MinSIOp::create(
                                          e.b, e.loc, k, e.idx(form.k - 1));
                                      Value v = loadIntValues(
                                          e, B, at(form.batched, bt, {kc}), n0,
                                          kNR);
                                      rows[r] = arith::SelectOp::create(
                                          e.b, e.loc, inK, v, zeroRow);
                                      sum = arith::AddIOp::create(
                                          e.b, e.loc, sum,
                                          arith::ExtSIOp::create(
                                              e.b, e.loc, sumT, rows[r]));
                                    }
                                    Value vn =
                                        vnniInterleave(e, rows[0], rows[1],
                                                       rows[2], rows[3], kNR);
                                    return SmallVector<Value>{
                                        sum,
                                        e.write(vn, s[1],
                                                {bt, nb, grp, e.idx(0)}, true)};
                                  });
                              Value corr = arith::MulIOp::create(
                                  e.b, e.loc, inner[0],
                                  e.splat(sumT, -plan.offsetA));
                              SmallVector<Value> next = {
                                  inner[1],
                                  e.write(corr, p[1], {bt, nb, kb, e.idx(0)},
                                          true)};
                              if (plan.mx) {
                                Value codes = e.read(
                                    rowT, B.parts[1],
                                    at(form.batched, bt, {kb, n0}), false,
                                    e.splat(i8, B.unitScaleCode()));
                                next.push_back(e.write(
                                    decodeBlockScale(e.b, e.loc, codes, B),
                                    p[2], {bt, nb, kb, e.idx(0)}, true));
                              }
                              return next;
                            });
                      });
                });
  Value bp = packed[0], bc = packed[1];
  Value bs = plan.mx ? packed[2] : Value();

  // The micro-kernel.
  constexpr int64_t nv = kNR / kLanes;
  auto accT = VectorType::get({kLanes}, i32);
  auto fT = VectorType::get({kLanes}, f32);
  auto bytesT = VectorType::get({4 * kLanes}, i8);
  Value init = e.empty(shape, plan.mx ? f32 : i32);
  Value fzero = e.zeros(fT);
  return tileLoops(
      e, form, init, plan.mx ? kMRBlock : kMRInt,
      [&](Emitter &e, Value bt, Value m0, Value nb, int64_t rows, Value c) {
        SmallVector<Value> rowIdx;
        for (int64_t i = 0; i < rows; ++i)
          rowIdx.push_back(e.addc(m0, i));
        // The exact i32 sums of block kb.
        auto blockSums = [&](Emitter &e, Value kb) {
          SmallVector<Value> inits;
          Value corr[nv];
          for (int64_t j = 0; j < nv; ++j)
            corr[j] = e.read(accT, bc, {bt, nb, kb, e.idx(j * kLanes)}, true);
          for (int64_t i = 0; i < rows; ++i)
            for (int64_t j = 0; j < nv; ++j)
              inits.push_back(corr[j]);
          return e.loop(
              0, plan.groups, 1, inits,
              [&](Emitter &e, Value g, ValueRange acc) {
                Value grp = e.add(e.mul(kb, plan.groups), g);
                Value w[nv];
                for (int64_t j = 0; j < nv; ++j)
                  w[j] = e.read(bytesT, bp,
                                {bt, nb, grp, e.idx(j * 4 * kLanes)}, true);
                SmallVector<Value> next;
                for (int64_t i = 0; i < rows; ++i) {
                  Value a = e.bitcast(
                      e.bcast(e.extract(ap, {bt, rowIdx[i], grp}), accT),
                      bytesT);
                  for (int64_t j = 0; j < nv; ++j)
                    next.push_back(dot(e, acc[i * nv + j], a, w[j], plan.vnni));
                }
                return next;
              });
        };
        SmallVector<Value> result;
        if (!plan.mx) {
          result = blockSums(e, e.idx(0));
        } else {
          SmallVector<Value> inits(rows * nv, fzero);
          // Over all blocks: the fast fold where A's scales allow it (a
          // loop-invariant test outside the block loop), else the exact one.
          auto blockLoop = [&](Emitter &e, bool exact) {
            return e.loop(
                0, plan.blocks, 1, inits,
                [&](Emitter &e, Value kb, ValueRange facc) {
                  SmallVector<Value> sums = blockSums(e, kb);
                  SmallVector<Value> sa, sb;
                  for (int64_t i = 0; i < rows; ++i)
                    sa.push_back(
                        e.extract(as, at(form.batched, bt, {rowIdx[i], kb})));
                  for (int64_t j = 0; j < nv; ++j)
                    sb.push_back(
                        e.read(fT, bs, {bt, nb, kb, e.idx(j * kLanes)}, true));
                  auto codeA = [&](Emitter &t, int64_t i) {
                    return t.extract(A.parts[1],
                                     at(form.batched, bt, {rowIdx[i], kb}));
                  };
                  auto codesB = [&](Emitter &t, int64_t j) {
                    Value n = t.addc(t.mul(nb, kNR), j * kLanes);
                    return t.read(VectorType::get({kLanes}, i8), B.parts[1],
                                  at(form.batched, bt, {kb, n}), false,
                                  t.splat(i8, B.unitScaleCode()));
                  };
                  return foldBlockSums(e, A, B, {sa, sb, codeA, codesB}, sums,
                                       SmallVector<Value>(facc), exact);
                });
          };
          auto branch = [&](bool exact) {
            return [&, exact](OpBuilder &b, Location loc) {
              Emitter t{b, loc};
              scf::YieldOp::create(b, loc, blockLoop(t, exact));
            };
          };
          if (alwaysFast)
            result = blockLoop(e, false);
          else
            result = scf::IfOp::create(e.b, e.loc, fastFold, branch(false),
                                       branch(true))
                         ->getResults();
        }
        return storeTile(e, form, bt, rowIdx, nb, result, c);
      });
}

/// Products of two decoded values are exact in f32 (so fma equals the
/// unfused multiply-then-add) as long as they stay inside the f32 range:
/// power-of-two scales and few significant bits per element. A product
/// that overflows (or underflows below 2^-149) is rounded by the unfused
/// multiply but not inside an fma, so `exact` kernels never fuse.
bool exactProducts(const FormatSpec &spec) {
  return spec.scale == ScaleKind::E8M0 && !spec.tensorScale;
}

} // namespace

std::optional<ContractKernelTarget>
mx::parseContractKernelTarget(llvm::StringRef name) {
  if (name == "none")
    return ContractKernelTarget::None;
  if (name == "generic")
    return ContractKernelTarget::Generic;
  if (name == "avx512vnni")
    return ContractKernelTarget::AVX512VNNI;
  if (name == "amx")
    return ContractKernelTarget::AMX;
  if (name == "auto") {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    bool vnni = features.lookup("avx512vnni") && features.lookup("avx512bw");
    if (vnni && features.lookup("amx-tile") && features.lookup("amx-int8") &&
        requestAMXTileData())
      return ContractKernelTarget::AMX;
    return vnni ? ContractKernelTarget::AVX512VNNI
                : ContractKernelTarget::Generic;
  }
  return std::nullopt;
}

std::optional<IntPlan>
mx::contract_kernels::perTensorI8Plan(const FormatSpec &a, const FormatSpec &b,
                                      int64_t k, bool vnni, bool prepack) {
  // Symmetric i8 codes only.
  if (a.zeroPoint || b.zeroPoint || a.element != ElementKind::I8 ||
      b.element != ElementKind::I8)
    return std::nullopt;
  // i32 sums of (a + 128) * b, and of the correction, wrap but their
  // difference is the exact sum while that fits.
  if (k >= (int64_t(1) << 31) / (128 * 128))
    return std::nullopt;
  IntPlan plan;
  plan.kp = llvm::alignTo(k, 4);
  plan.block = plan.kp;
  plan.groups = plan.kp / 4;
  plan.blocks = 1;
  plan.offsetA = 128;
  plan.vnni = vnni;
  plan.prepack = prepack;
  return plan;
}

FailureOr<Value> mx::emitContractKernel(OpBuilder &b, Location loc,
                                        ContractOp op, ValueRange lhsParts,
                                        ValueRange rhsParts, bool int8Path,
                                        const ContractKernelOptions &options) {
  if (options.target == ContractKernelTarget::None)
    return Value();
  // A padded lhs and an accumulator that starts at the bias (both made by
  // mx-fuse from tensor.pad / broadcast-bias inits) stay on the generic
  // lowering, which implements them; the kernels read unpadded parts and
  // start from zero.
  if (op.hasLhsPadding() || op.getBiasInit())
    return Value();
  std::optional<MatmulForm> form = matchMatmul(op);
  if (!form)
    return Value();
  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  IntOperand A{qa.getSpec(), lhsParts, false};
  IntOperand B{qb.getSpec(), rhsParts, false};
  SmallVector<int64_t> shape(op.getResultType().getShape());
  unsigned kAxisA = form->batched ? 2 : 1, kAxisB = form->batched ? 1 : 0;
  bool amx = options.target == ContractKernelTarget::AMX;
  bool vnni = amx || options.target == ContractKernelTarget::AVX512VNNI;

  if (int8Path) {
    std::optional<IntPlan> i8Plan =
        perTensorI8Plan(A.spec, B.spec, form->k, vnni, options.prepack);
    if (!i8Plan)
      return Value();
    IntPlan &plan = *i8Plan;
    if (amx)
      if (Value acc =
              emitAMXIntKernel(b, loc, *form, A, B, plan, shape, nullptr))
        return acc;
    return emitIntKernel(b, loc, *form, A, B, plan, shape);
  }

  // (The f32 pre-scale of MX formats with tensor_scale = true is applied
  // by the dequantizer: such operands take the f32 kernel. NVFP4's tensor
  // scales multiply the integer kernel's result.)
  if (!options.exact && isIntKernelPair(A.spec, B.spec) &&
      A.spec.blockSize == B.spec.blockSize && A.spec.blockSize % 4 == 0 &&
      A.spec.blockSize <= kMaxIntBlock && qa.getAxis() == kAxisA &&
      qb.getAxis() == kAxisB) {
    A.classify();
    B.classify();
    IntPlan plan;
    plan.mx = true;
    plan.block = A.spec.blockSize;
    plan.groups = plan.block / 4;
    plan.blocks = llvm::divideCeil(form->k, plan.block);
    plan.kp = plan.blocks * plan.block;
    plan.offsetA = A.offset();
    plan.vnni = vnni;
    plan.prepack = options.prepack;
    // (AMX: the VNNI kernel serves scales outside the bf16 kernel's range.)
    auto vnniKernel = [&](OpBuilder &b, Location loc) {
      return emitIntKernel(b, loc, *form, A, B, plan, shape);
    };
    // (The AMX kernel decodes E8M0 scales only.)
    if (amx && !A.e4m3Scales())
      if (Value acc =
              emitAMXIntKernel(b, loc, *form, A, B, plan, shape, vnniKernel))
        return acc;
    return applyTensorScales(b, loc, vnniKernel(b, loc), A, B);
  }

  // f32 kernel on the dequantized operands (a constant B decoded and
  // packed at compile time; its run-time decoding is then dead code).
  FailureOr<std::pair<Value, Value>> ab =
      dequantizeOperands(b, loc, op, lhsParts, rhsParts);
  if (failed(ab))
    return failure();
  Value prepacked;
  if (options.prepack)
    if (std::optional<Value> p =
            prepackF32B(b, loc, *form, rhsParts, op.getRhs().getType(), kNR))
      prepacked = *p;
  bool fma = !options.exact && exactProducts(A.spec) && exactProducts(B.spec);
  return emitF32Kernel(b, loc, *form, ab->first, ab->second, fma, shape,
                       prepacked);
}

FailureOr<std::pair<Value, Value>>
mx::contract_kernels::dequantizeOperands(OpBuilder &b, Location loc,
                                         ContractOp op, ValueRange lhsParts,
                                         ValueRange rhsParts) {
  auto decode = [&](ValueRange parts, Value v) -> FailureOr<Value> {
    auto qt = cast<RankedTensorType>(v.getType());
    return emitDequantize(b, loc, parts, qt,
                          RankedTensorType::get(qt.getShape(), b.getF32Type()),
                          op);
  };
  FailureOr<Value> am = decode(lhsParts, op.getLhs());
  if (failed(am))
    return failure();
  FailureOr<Value> bm = decode(rhsParts, op.getRhs());
  if (failed(bm))
    return failure();
  return std::make_pair(*am, *bm);
}

Value mx::contract_kernels::emitF32MatmulKernel(
    OpBuilder &b, Location loc, const MatmulForm &form, Value am, Value bm,
    const FormatSpec &specA, const FormatSpec &specB, bool exact, bool prepack,
    ArrayRef<int64_t> shape) {
  bool fma = !exact && exactProducts(specA) && exactProducts(specB);
  Value prepacked;
  if (prepack)
    if (std::optional<Value> p = prepackF32Matrix(b, loc, form, bm, kNR))
      prepacked = *p;
  return emitF32Kernel(b, loc, form, am, bm, fma, shape, prepacked);
}

Value mx::contract_kernels::emitIntMatmulKernel(
    OpBuilder &b, Location loc, const MatmulForm &form, const IntOperand &A,
    const IntOperand &B, const IntPlan &plan, ArrayRef<int64_t> shape,
    bool amx) {
  // (AMX, MX: the VNNI kernel serves scales outside the bf16 kernel's range.)
  auto vnniKernel = [&](OpBuilder &b, Location loc) {
    return emitIntKernel(b, loc, form, A, B, plan, shape);
  };
  // (The AMX kernel decodes E8M0 scales only.)
  if (amx && !A.e4m3Scales())
    if (Value acc = emitAMXIntKernel(
            b, loc, form, A, B, plan, shape,
            plan.mx ? function_ref<Value(OpBuilder &, Location)>(vnniKernel)
                    : nullptr))
      return acc;
  return vnniKernel(b, loc);
}

bool mx::contract_kernels::isIntKernelFormat(const FormatSpec &spec) {
  return isIntKernelElement(spec);
}

bool mx::contract_kernels::isE4M3IntKernelFormat(const FormatSpec &spec) {
  return spec.scale == ScaleKind::E4M3 &&
         spec.granularity == Granularity::Block &&
         spec.element == ElementKind::F4E2M1FN && !spec.zeroPoint;
}

bool mx::contract_kernels::isIntKernelPair(const FormatSpec &a,
                                           const FormatSpec &b) {
  return (isIntKernelFormat(a) && isIntKernelFormat(b) && !a.tensorScale &&
          !b.tensorScale) ||
         (isE4M3IntKernelFormat(a) && isE4M3IntKernelFormat(b));
}

//===----------------------------------------------------------------------===//
// convert-mx-vnni-dots
//===----------------------------------------------------------------------===//

namespace {

/// multi_reduction<add>(shape_cast(extui(a) * extsi(w)) : 16x4, acc) tagged
/// kVnniDotAttr -> vpdpbusd(acc, a, w).
struct VnniDot : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasAttr(kVnniDotAttr))
      return failure();
    auto cast = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto mul = cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
                    : arith::MulIOp();
    auto a =
        mul ? mul.getLhs().getDefiningOp<arith::ExtUIOp>() : arith::ExtUIOp();
    auto w =
        mul ? mul.getRhs().getDefiningOp<arith::ExtSIOp>() : arith::ExtSIOp();
    auto i8x64 = VectorType::get({64}, rewriter.getI8Type());
    auto i32x16 = VectorType::get({16}, rewriter.getI32Type());
    if (!a || !w || a.getIn().getType() != i8x64 ||
        w.getIn().getType() != i8x64 || op.getAcc().getType() != i32x16)
      return rewriter.notifyMatchFailure(op, "not the tagged dot product");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, i32x16, rewriter.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
        ValueRange{op.getAcc(), a.getIn(), w.getIn()});
    return success();
  }
};

struct ConvertMXVnniDotsPass
    : mx::impl::ConvertMXVnniDotsBase<ConvertMXVnniDotsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<VnniDot>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // A tag left means the chain was changed on the way: the generic form
    // computes the same values, but say so.
    getOperation()->walk([&](vector::MultiDimReductionOp op) {
      if (op->hasAttr(kVnniDotAttr)) {
        op->emitWarning("8-bit dot product left in its generic form");
        op->removeAttr(kVnniDotAttr);
      }
    });
  }
};

} // namespace
