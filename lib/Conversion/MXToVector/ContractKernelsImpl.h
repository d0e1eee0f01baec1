//===- ContractKernelsImpl.h - Shared pieces of the contract kernels -----===//
//
// Part of mx-opt. Private to lib/Conversion/MXToVector: the builders and
// operand descriptions that the kernels of ContractKernels.cpp (VNNI /
// generic / f32), ContractKernelsAMX.cpp (AMX tiles) and ContractGemv.cpp
// (decode shapes) share.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTKERNELSIMPL_H
#define MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTKERNELSIMPL_H

#include "StorageParts.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/ParallelLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

namespace mx::contract_kernels {

using namespace mlir;
using namespace mx::numerics;

/// f32 lanes of one vector register (zmm).
constexpr int64_t kLanes = 16;

/// The loop roles of a contraction in matmul form.
struct MatmulForm {
  bool batched = false;
  int64_t batch = 1, m = 0, n = 0, k = 0;
};

struct Emitter {
  OpBuilder &b;
  Location loc;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t c) {
    return arith::MulIOp::create(b, loc, x, idx(c));
  }
  Value addc(Value x, int64_t c) { return add(x, idx(c)); }
  /// A splat constant of an integer or float vector type (or scalar).
  Value splat(Type t, int64_t v) {
    Type elem = getElementTypeOrSelf(t);
    TypedAttr a = isa<FloatType>(elem)
                      ? TypedAttr(b.getFloatAttr(elem, double(v)))
                      : TypedAttr(b.getIntegerAttr(elem, v));
    if (auto vt = dyn_cast<VectorType>(t))
      a = DenseElementsAttr::get(vt, a);
    return arith::ConstantOp::create(b, loc, t, a);
  }
  Value zeros(Type t) { return splat(t, 0); }
  Value empty(ArrayRef<int64_t> shape, Type elem) {
    return tensor::EmptyOp::create(b, loc, shape, elem);
  }
  /// A transfer read with `inBounds` for every dimension of `t`.
  Value read(VectorType t, Value src, ValueRange indices, bool inBounds,
             std::optional<Value> pad = std::nullopt) {
    SmallVector<bool> ib(t.getRank(), inBounds);
    return read(t, src, indices, ArrayRef<bool>(ib), pad);
  }
  Value read(VectorType t, Value src, ValueRange indices,
             ArrayRef<bool> inBounds, std::optional<Value> pad = std::nullopt) {
    Value p = pad ? *pad : zeros(t.getElementType());
    return vector::TransferReadOp::create(b, loc, t, src, indices, p, inBounds);
  }
  /// A transfer write with `inBounds` for every dimension of `v`.
  Value write(Value v, Value dest, ValueRange indices, bool inBounds) {
    SmallVector<bool> ib(cast<VectorType>(v.getType()).getRank(), inBounds);
    return vector::TransferWriteOp::create(b, loc, v, dest, indices,
                                           ArrayRef<bool>(ib))
        .getResult();
  }
  /// A transfer write that is in bounds in every dimension.
  Value write(Value v, Value dest, ValueRange indices) {
    return write(v, dest, indices, true);
  }
  /// A zero-filled tensor.
  Value zeroTensor(ArrayRef<int64_t> shape, Type elem) {
    return linalg::FillOp::create(b, loc, zeros(elem),
                                  ValueRange{empty(shape, elem)})
        .getResult(0);
  }
  /// The leading `sizes` of `t` (offsets 0, strides 1).
  Value slice(Value t, ArrayRef<int64_t> sizes) {
    SmallVector<OpFoldResult> offsets(sizes.size(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(sizes.size(), b.getIndexAttr(1));
    SmallVector<OpFoldResult> sz;
    for (int64_t s : sizes)
      sz.push_back(b.getIndexAttr(s));
    return tensor::ExtractSliceOp::create(b, loc, t, offsets, sz, strides);
  }
  Value bitcast(Value v, VectorType t) {
    return vector::BitCastOp::create(b, loc, t, v);
  }
  Value bcast(Value scalar, VectorType t) {
    return vector::BroadcastOp::create(b, loc, t, scalar);
  }
  Value extract(Value t, ValueRange indices) {
    return tensor::ExtractOp::create(b, loc, t, indices);
  }
  /// `for iv = lb to ub step s iter_args(inits)`: `body` returns the yields.
  SmallVector<Value>
  loop(Value lb, Value ub, int64_t step, ValueRange inits,
       function_ref<SmallVector<Value>(Emitter &, Value, ValueRange)> body) {
    auto f = scf::ForOp::create(
        b, loc, lb, ub, idx(step), inits,
        [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
          Emitter e{nb, nl};
          scf::YieldOp::create(nb, nl, body(e, iv, args));
        });
    return SmallVector<Value>(f.getResults());
  }
  SmallVector<Value>
  loop(int64_t lb, int64_t ub, int64_t step, ValueRange inits,
       function_ref<SmallVector<Value>(Emitter &, Value, ValueRange)> body) {
    return loop(idx(lb), idx(ub), step, inits, body);
  }
  /// `loop`, marked mx.parallel: its iterations write disjoint parts of
  /// the results (mx-parallelize-loops may run them on threads).
  SmallVector<Value> loopParallel(
      int64_t lb, int64_t ub, int64_t step, ValueRange inits,
      function_ref<SmallVector<Value>(Emitter &, Value, ValueRange)> body) {
    auto f = scf::ForOp::create(
        b, loc, idx(lb), idx(ub), idx(step), inits,
        [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
          Emitter e{nb, nl};
          scf::YieldOp::create(nb, nl, body(e, iv, args));
        });
    mx::markParallel(f);
    return SmallVector<Value>(f.getResults());
  }
  /// Steps over [0, n) by `step`: whole steps in a loop (`body(iv, true)`),
  /// then the partial last step with `body(idx, false)`.
  SmallVector<Value>
  chunks(int64_t n, int64_t step, ValueRange inits,
         function_ref<SmallVector<Value>(Emitter &, Value, bool, ValueRange)>
             body) {
    int64_t full = n / step * step;
    SmallVector<Value> r(inits.begin(), inits.end());
    if (full > 0)
      r = loop(0, full, step, r, [&](Emitter &e, Value iv, ValueRange a) {
        return body(e, iv, true, a);
      });
    if (full < n)
      r = body(*this, idx(full), false, r);
    return r;
  }
};

/// 2 * the value of E2M1 codes (low 4 bits of each lane): integers in
/// [-12, 12]. The magnitudes 0..7 are 0, 1, 2, 3, 4, 6, 8, 12: m below 4,
/// 2m - 4 below 6, else 4m - 16 (constant shifts and selects only).
Value decodeE2M1Times2(Emitter &e, Value codes);

/// 8 * the value of E2M3 codes (i32 lanes, the low 6 bits): integers in
/// [-60, 60], as i8 lanes.
Value decodeE2M3Times8(Emitter &e, Value codes);

/// The low and high nibbles of packed bytes, interleaved along the last
/// dimension (element 2j is the low nibble of byte j).
Value unpackNibbles(Emitter &e, Value bytes);

/// `rest` preceded by the batch index when the operand has a batch dim.
inline SmallVector<Value> at(bool batched, Value bt, ArrayRef<Value> rest) {
  SmallVector<Value> r;
  if (batched)
    r.push_back(bt);
  r.append(rest.begin(), rest.end());
  return r;
}

/// An operand of the integer kernel.
struct IntOperand {
  FormatSpec spec;
  ValueRange parts;
  bool fp4 = false; ///< E2M1 codes, two per byte (else one i8 code a byte).
  bool fp6 = false; ///< E2M3 codes, four per three bytes.

  /// The integer of an element: the i8 code (MXINT8, INT8), 2 * E2M1 in
  /// [-12, 12], or 8 * E2M3 in [-60, 60]; its largest magnitude and the
  /// exponent of its unit (2^-6, 2^-1, 2^-3).
  int64_t maxAbs() const { return fp4 ? 12 : fp6 ? 60 : 128; }
  int unitExponent() const { return fp4 ? -1 : fp6 ? -3 : -6; }
  /// What the unsigned (A) operand of vpdpbusd adds to its integers.
  int64_t offset() const { return maxAbs(); }
  /// E4M3 block scales (NVFP4; its f32 tensor scale, when the format has
  /// one, multiplies the result: applyTensorScales), else E8M0.
  bool e4m3Scales() const { return spec.scale == ScaleKind::E4M3; }
  /// The scale code of 1.0, which the kernels read past the end of the
  /// scale part (the columns of a partial panel).
  int64_t unitScaleCode() const { return e4m3Scales() ? 0x38 : 127; }
  /// Sets fp4 / fp6 from the element kind of `spec`.
  IntOperand &classify() {
    fp4 = spec.element == ElementKind::F4E2M1FN;
    fp6 = spec.element == ElementKind::F6E2M3FN;
    return *this;
  }
};

/// The largest block of the MX integer kernels: its exact sum (at most
/// block * 128 * 128 in magnitude) converts to f32 exactly.
constexpr int64_t kMaxIntBlock = 1024;

struct IntPlan {
  bool mx = false;     ///< Per-block scales (else INT8: one block over K).
  int64_t block = 0;   ///< K elements per block (a multiple of 4).
  int64_t groups = 0;  ///< Groups of 4 per block.
  int64_t blocks = 0;  ///< Blocks along K.
  int64_t kp = 0;      ///< K padded to whole blocks.
  int64_t offsetA = 0; ///< Added to A's integers to make them unsigned.
  bool vnni = false;
  /// Pack a constant B at compile time (ContractPrepack.h) instead of in
  /// the kernel (`contract-prepack`).
  bool prepack = false;
};

/// The plan of a per-tensor INT8 contraction over `k` (one block over K, A
/// offset by 128 to unsigned), or nullopt when the kernels do not take it:
/// zero points or non-i8 codes (the generic path implements them), or a K
/// whose i32 sums of (a + 128) * b could lose the exact difference
/// (K >= 2^31 / 128^2).
std::optional<IntPlan> perTensorI8Plan(const FormatSpec &a, const FormatSpec &b,
                                       int64_t k, bool vnni, bool prepack);

/// `n` integer values (IntOperand: i8 codes, 2 * E2M1 or 8 * E2M3
/// values) of the data part at
/// `prefix` (all but the last index), elements [col, col + n) of the last
/// dimension; past the end they read as 0.
Value loadIntValues(Emitter &e, const IntOperand &op, ArrayRef<Value> prefix,
                    Value col, int64_t n);

/// The f32 block scale of an E8M0 or E4M3 `code` (i32) times the weight of
/// one integer unit of `op` (IntOperand::unitExponent), NaN for the NaN
/// codes:
/// decodeBlockScale's arithmetic over any ops policy (NumericsEmitter in
/// the kernels, ScalarOps when B is prepacked at compile time).
template <typename Ops>
typename Ops::F blockScaleFromCode(Ops &s, typename Ops::I code,
                                   const IntOperand &op) {
  if (op.e4m3Scales()) {
    // E4M3 (NVFP4's block scales, over E2M1 elements only:
    // isE4M3IntKernelFormat), decoded as the dequantizer does (its
    // denominator under a tensor scale of 1: the E4M3 value; NaN for 0x7F
    // and 0xFF). At most 4 significant bits, so the value times the unit of
    // 2 * E2M1 (1/2) is exact.
    E4M3Scale<Ops> scale = e4m3ScaleFromCode(s, code, s.cf(1.0f));
    return s.self(scale.isNaN, s.bitsToF(s.c(kQuietNaNBits)),
                  s.fmul(scale.denom, s.cf(0.5f)));
  }
  E8M0Scale<Ops> scale = e8m0ScaleFromCode(s, code, op.spec);
  // up is 2^se (2^(se - 6) for MXINT8); one unit of 2 * E2M1 is 1/2. The
  // product is exact: the smallest, 2^-128, is an f32 subnormal.
  typename Ops::F up = scale.up;
  if (op.fp4 || op.fp6)
    up = s.fmul(up, s.cf(std::ldexp(1.0f, op.unitExponent())));
  return s.self(scale.isNaN, s.bitsToF(s.c(kQuietNaNBits)), up);
}

/// f32 block scales from E8M0 or E4M3 codes (a vector or a scalar of i8),
/// times the
/// weight of one integer unit (IntOperand::unitExponent).
Value decodeBlockScale(OpBuilder &b, Location loc, Value codes,
                       const IntOperand &op);

/// `acc` (the f32 result of the integer kernel) times the operands' f32
/// tensor scales (NVFP4; none for an operand without one), in f64:
/// f32(f64(acc) * sA * sB), the first product exact, so that the result is
/// finite and nonzero wherever it is in f32's range (a product sA * sB in
/// f32 could overflow or underflow on its own); NaN everywhere when a
/// tensor scale is NaN or infinite, as the dequantizer gives. `acc` itself
/// when neither operand has a tensor scale.
Value applyTensorScales(OpBuilder &b, Location loc, Value acc,
                        const IntOperand &A, const IntOperand &B);

/// The block scales of `op` (its scale part, E8M0 or E4M3 codes) decoded to
/// f32 by
/// decodeBlockScale, a tensor of the scale part's shape.
Value decodeScaleTensor(OpBuilder &b, Location loc, const IntOperand &op);

/// Per-row and per-column block scales of one K block of the integer
/// kernels: A's decoded scale of each row (f32 scalar, decodeBlockScale)
/// and B's of each column vector (f32 vector); `codeA(e, row)` (i8 scalar)
/// and `codesB(e, col)` (i8 vector) read their E8M0 codes, only where the
/// exact fold needs them.
struct BlockScales {
  ArrayRef<Value> sa, sb;
  function_ref<Value(Emitter &, int64_t)> codeA, codesB;
};

/// Folds one K block's exact integer sums into the f32 accumulators as
/// mx-ref block-matmul rounds them: acc + sum * 2^(a + b), one rounding.
/// `sums` (i32 or narrower vectors) and `acc` (f32 vectors) are
/// [rows][cols], row-major, with rows = s.sa.size(), cols = s.sb.size().
/// The fast fold, fma(float(sum) * sa, sb, acc), is exact where
/// fastFoldHolds; the exact fold (`exact`) is numerics::foldScaledSum on
/// the scale codes, exact for every scale.
SmallVector<Value> foldBlockSums(Emitter &e, const IntOperand &A,
                                 const IntOperand &B, const BlockScales &s,
                                 ArrayRef<Value> sums, ArrayRef<Value> acc,
                                 bool exact);

/// foldBlockSums in an scf.if: the fast fold when `fast` (i1) holds, else
/// the exact one.
SmallVector<Value> foldBlockSums(Emitter &e, const IntOperand &A,
                                 const IntOperand &B, const BlockScales &s,
                                 ArrayRef<Value> sums, ArrayRef<Value> acc,
                                 Value fast);

/// i1: whether the fast fold is exact for every block of A, whose decoded
/// block scales (decodeBlockScale) are the tensor `as`: float(sum) * sa
/// cannot overflow, i.e. every sa <= 2^(127 - bits of the largest block
/// sum of `block` elements), or NaN. One pass over A's scales.
Value fastFoldHolds(Emitter &e, const IntOperand &A, const IntOperand &B,
                    int64_t block, Value as);

/// Interleaves four rows of `nr` bytes into the VNNI order: byte 4j + r is
/// row r, column j.
Value vnniInterleave(Emitter &e, Value r0, Value r1, Value r2, Value r3,
                     int64_t nr);

/// The AMX kernels (ContractKernelsAMX.cpp). INT8: signed 8-bit tiles
/// (tdpbssd), i32 sums over all of K in the tiles; returns the i32
/// accumulator of `shape`. MX formats with blocks of 32: both operands
/// prescaled by their block scales into bf16 tiles (tdpbf16ps, one per
/// block), exact where the scales keep every value a normal f32 (checked at
/// run time; `fallback` builds the kernel for the other case); returns the
/// f32 accumulator of `shape`. A null value when the plan does not fit.
Value emitAMXIntKernel(OpBuilder &b, Location loc, const MatmulForm &form,
                       const IntOperand &A, const IntOperand &B,
                       const IntPlan &plan, ArrayRef<int64_t> shape,
                       function_ref<Value(OpBuilder &, Location)> fallback);

/// The f32 kernel (ContractKernels.cpp) on f32 operands `am` [b?][M][K]
/// and `bm` [b?][K][N] decoded from `specA` / `specB`: fma where the
/// products are exact and not `exact`; a constant `bm` is packed at
/// compile time when `prepack`. Used by ContractConv.cpp.
Value emitF32MatmulKernel(OpBuilder &b, Location loc, const MatmulForm &form,
                          Value am, Value bm, const FormatSpec &specA,
                          const FormatSpec &specB, bool exact, bool prepack,
                          ArrayRef<int64_t> shape);

/// The integer kernel (AMX first when `amx` and the plan fits the tiles,
/// else VNNI / generic vector form as `plan.vnni` says) on A [b?][M][K]
/// (blocks along K) and B [b?][K][N]. Used by ContractConv.cpp.
Value emitIntMatmulKernel(OpBuilder &b, Location loc, const MatmulForm &form,
                          const IntOperand &A, const IntOperand &B,
                          const IntPlan &plan, ArrayRef<int64_t> shape,
                          bool amx);

/// E8M0 block formats with the integer kernel's elements (MXINT8, MXFP4).
bool isIntKernelFormat(const FormatSpec &spec);

/// E2M1 elements under E4M3 block scales, with or without an f32 tensor
/// scale (NVFP4): the integer path of the matmul and matrix-vector
/// kernels, the tensor scales applied to their result (applyTensorScales).
/// The fast fold of the block sums is exact for every block (no
/// fastFoldHolds test).
bool isE4M3IntKernelFormat(const FormatSpec &spec);

/// Whether the block-scaled operands `a` and `b` take the integer kernels
/// together: both E8M0-scaled without a tensor scale (isIntKernelFormat),
/// or both NVFP4-like (isE4M3IntKernelFormat). Never a mixed pair, so the
/// kernels decide the fold and the tensor scales from either operand.
bool isIntKernelPair(const FormatSpec &a, const FormatSpec &b);

/// Both operands of `op` dequantized to f32 tensors of their shapes (the
/// f32 kernels' inputs); failure (diagnosed) when a format cannot be.
FailureOr<std::pair<Value, Value>>
dequantizeOperands(OpBuilder &b, Location loc, ContractOp op,
                   ValueRange lhsParts, ValueRange rhsParts);

} // namespace mx::contract_kernels

#endif // MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTKERNELSIMPL_H
