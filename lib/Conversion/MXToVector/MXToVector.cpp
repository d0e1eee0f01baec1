//===- MXToVector.cpp - Lower mx Q/DQ to loops over vectors ---------------===//
//
// Part of mx-opt. Lowers mx.fake_quant (and quantize -> dequantize pairs) on
// tensors to scf.for loops over vector tiles with arith/math bit arithmetic.
// The numerics come from mx/Support/Numerics.h through NumericsEmitter, so
// the compiled code and the constant folder share one definition.
//
// Block formats view the tensor as [outer, A, inner] with A the block axis:
//  * axis last (inner == 1): tiles are vector<K> along A, one block each;
//    the block maximum is a horizontal reduction.
//  * otherwise: tiles are vector<K x V> (K along A, V lanes along inner);
//    the block maxima are V vertical reductions.
// Per-tensor formats make one reduction pass over a 1-D view, then one
// elementwise pass; per-channel formats reduce per index of the axis.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#define DEBUG_TYPE "convert-mx-to-vector"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXTOVECTOR
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;
using namespace mx::numerics;

namespace {

/// Lanes of the vectors that run along a non-block dimension.
constexpr int64_t kLanes = 16;

//===----------------------------------------------------------------------===//
// Small IR helpers
//===----------------------------------------------------------------------===//

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value ceilDiv(OpBuilder &b, Location loc, Value x, int64_t d) {
  return arith::CeilDivUIOp::create(b, loc, x, indexConst(b, loc, d));
}

Value dimOf(OpBuilder &b, Location loc, Value t, int64_t d) {
  return tensor::DimOp::create(b, loc, t, d);
}

/// Reshapes `t` (rank r) to a view that puts dims [0, split) in group 0,
/// dim `split` alone, and (split, r) in group 2, adding unit dims where a
/// group would be empty. Returns the 3-D view; `undo` rebuilds the original
/// shape from a tensor of the view's shape.
struct View {
  Value value;
  std::function<Value(OpBuilder &, Location, Value)> undo;
};

/// Expands a rank-r tensor to rank r + 2 with unit dims at both ends.
Value padWithUnitDims(OpBuilder &b, Location loc, Value t,
                      SmallVector<ReassociationIndices> &reassoc) {
  auto type = cast<RankedTensorType>(t.getType());
  int64_t r = type.getRank();
  SmallVector<int64_t> shape{1};
  llvm::append_range(shape, type.getShape());
  shape.push_back(1);
  reassoc.clear();
  if (r == 0) {
    // tensor<f32> -> tensor<1x1xf32>: no reassociation groups.
  } else if (r == 1) {
    reassoc.push_back({0, 1, 2});
  } else {
    reassoc.push_back({0, 1});
    for (int64_t i = 1; i < r - 1; ++i)
      reassoc.push_back({i + 1});
    reassoc.push_back({r, r + 1});
  }
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  llvm::append_range(sizes, tensor::getMixedSizes(b, loc, t));
  sizes.push_back(b.getIndexAttr(1));
  auto expandedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, expandedType, t, reassoc,
                                       sizes);
}

/// Views `t` as groups of its dims (after padding with unit dims at both
/// ends, so that no group is empty). `groups` partitions [0, r + 2).
View makeView(OpBuilder &b, Location loc, Value t,
              SmallVector<ReassociationIndices> groups) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<ReassociationIndices> padReassoc;
  Value padded = padWithUnitDims(b, loc, t, padReassoc);
  SmallVector<OpFoldResult> paddedSizes = tensor::getMixedSizes(b, loc, padded);
  Value view = tensor::CollapseShapeOp::create(b, loc, padded, groups);
  View result;
  result.value = view;
  result.undo = [=](OpBuilder &b, Location loc, Value v) -> Value {
    auto vType = cast<RankedTensorType>(v.getType());
    auto paddedType =
        RankedTensorType::get(cast<RankedTensorType>(padded.getType()).getShape(),
                              vType.getElementType());
    Value expanded = tensor::ExpandShapeOp::create(b, loc, paddedType, v,
                                                   groups, paddedSizes);
    auto outType =
        RankedTensorType::get(type.getShape(), vType.getElementType());
    if (type.getRank() == 0)
      return tensor::CollapseShapeOp::create(
          b, loc, outType, expanded, SmallVector<ReassociationIndices>{});
    return tensor::CollapseShapeOp::create(b, loc, outType, expanded,
                                           padReassoc);
  };
  return result;
}

ReassociationIndices range(int64_t from, int64_t to) {
  ReassociationIndices r;
  for (int64_t i = from; i < to; ++i)
    r.push_back(i);
  return r;
}

/// An empty tensor shaped like `like` (dynamic dims from tensor.dim).
Value emptyLike(OpBuilder &b, Location loc, Value like, Type elementType) {
  auto type = cast<RankedTensorType>(like.getType());
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, like),
                                 elementType);
}

/// Reads a tile of `vecShape` starting at `indices` (minor dims) and extends
/// it to f32. Out-of-bounds lanes read as 0.
Value readF32(OpBuilder &b, Location loc, Value t, ValueRange indices,
              ArrayRef<int64_t> vecShape, ArrayRef<bool> inBounds) {
  Type elem = cast<RankedTensorType>(t.getType()).getElementType();
  Value pad = arith::ConstantOp::create(b, loc, elem, b.getZeroAttr(elem));
  auto vecType = VectorType::get(vecShape, elem);
  Value v = vector::TransferReadOp::create(b, loc, vecType, t, indices, pad,
                                           inBounds);
  if (!elem.isF32())
    v = arith::ExtFOp::create(b, loc, VectorType::get(vecShape, b.getF32Type()),
                              v);
  return v;
}

/// Truncates an f32 tile to the element type of `dest` and writes it.
Value writeTile(OpBuilder &b, Location loc, Value tile, Value dest,
                ValueRange indices, ArrayRef<bool> inBounds) {
  Type elem = cast<RankedTensorType>(dest.getType()).getElementType();
  auto vt = cast<VectorType>(tile.getType());
  if (!elem.isF32())
    tile = arith::TruncFOp::create(b, loc, VectorType::get(vt.getShape(), elem),
                                   tile);
  return vector::TransferWriteOp::create(b, loc, tile, dest, indices, inBounds)
      .getResult();
}

/// Reduces dim 0 of `v` with `kind`: vector<K> -> scalar, vector<KxV> ->
/// vector<V>.
Value reduceDim0(OpBuilder &b, Location loc, Value v,
                 vector::CombiningKind kind, Value init) {
  // A whole 1-D vector reduces with vector.reduction, which becomes a
  // shuffle tree (llvm.vector.reduce.*), not a chain of extracts.
  if (cast<VectorType>(v.getType()).getRank() == 1)
    return vector::ReductionOp::create(b, loc, kind, v, init);
  return vector::MultiDimReductionOp::create(b, loc, kind, v, init,
                                             ArrayRef<int64_t>{0});
}

/// The shape of a per-block value for a tile: [] for vector<K>, [V] for
/// vector<KxV>.
SmallVector<int64_t> blockShapeOf(VectorType tileType) {
  return SmallVector<int64_t>(tileType.getShape().drop_front());
}

/// Elementwise work on a tile runs on 1-D rows: the whole vector<K> tile
/// (block values broadcast to it), or each vector<V> row of a vector<KxV>
/// tile (block values are vector<V> already). `fn` gets the row, the row's
/// index in the tile (-1 for a whole 1-D tile) and a function that spreads a
/// per-block value over the row.
using RowFn = function_ref<Value(OpBuilder &, Location, Value row, int64_t k,
                                 function_ref<Value(Value)> spread)>;

Value mapRows(OpBuilder &b, Location loc, Value tile, RowFn fn) {
  auto tileType = cast<VectorType>(tile.getType());
  if (tileType.getRank() == 1) {
    auto spread = [&](Value v) -> Value {
      auto elemType = getElementTypeOrSelf(v.getType());
      return vector::BroadcastOp::create(
          b, loc, VectorType::get(tileType.getShape(), elemType), v);
    };
    return fn(b, loc, tile, -1, spread);
  }
  Value result;
  auto identity = [](Value v) { return v; };
  for (int64_t k = 0, e = tileType.getDimSize(0); k < e; ++k) {
    Value row = vector::ExtractOp::create(b, loc, tile, k);
    Value out = fn(b, loc, row, k, identity);
    if (!result) {
      auto outType = VectorType::get(
          tileType.getShape(), cast<VectorType>(out.getType()).getElementType());
      NumericsEmitter zeros(b, loc, tileType.getShape());
      result = outType.getElementType().isF32() ? zeros.cf(0.0f) : zeros.c(0);
    }
    result = vector::InsertOp::create(b, loc, out, result, k);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Tile kernels: f32 tile in, fake-quantized f32 tile out. Dim 0 of the tile is
// the block axis; partial blocks are zero-padded.
//===----------------------------------------------------------------------===//

struct TileContext {
  FormatSpec spec;
  /// Per-tensor f32 scale (NVFP4), scalar; null when the format has none.
  Value tensorScale;
};

/// The block maximum of the bits of |x| (an unsigned max of the bits of
/// non-negative floats orders them as floats, NaN and Inf on top).
Value blockAmaxBits(OpBuilder &b, Location loc, Value tile) {
  auto tileType = cast<VectorType>(tile.getType());
  NumericsEmitter t(b, loc, tileType.getShape());
  Value abs = t.band(t.fToBits(tile), t.c(0x7FFFFFFF));
  NumericsEmitter blk(b, loc, blockShapeOf(tileType));
  return reduceDim0(b, loc, abs, vector::CombiningKind::MAXUI, blk.c(0));
}

Value quietNaN(NumericsEmitter &o) { return o.bitsToF(o.c(kQuietNaNBits)); }

/// OCP float elements and MXINT8 under an E8M0 shared exponent.
Value fakeQuantE8M0Tile(OpBuilder &b, Location loc, Value x,
                        const TileContext &ctx) {
  auto tileType = cast<VectorType>(x.getType());
  NumericsEmitter blk(b, loc, blockShapeOf(tileType));
  Value amax = blockAmaxBits(b, loc, x);
  Value se, isNaN;
  blockScale(blk, amax, getGridInfo(ctx.spec), ctx.spec.scaleRule, se, isNaN);
  Value scaleDown = pow2(blk, blk.sub(blk.c(0), se));
  bool isFloat = ctx.spec.hasFloatElement();
  Value scaleUp = pow2(blk, isFloat ? se : blk.sub(se, blk.c(6)));
  return mapRows(b, loc, x, [&](OpBuilder &b, Location loc, Value row, int64_t,
                                function_ref<Value(Value)> spread) {
    NumericsEmitter t(b, loc, cast<VectorType>(row.getType()).getShape());
    if (isFloat)
      return fakeQuantFloatElement(t, row, spread(scaleDown), spread(scaleUp),
                                   spread(isNaN),
                                   ctx.spec.getFloatElementInfo(),
                                   ctx.spec.rounding);
    return fakeQuantFixedElement(t, row, spread(scaleDown), spread(scaleUp),
                                 spread(isNaN), ctx.spec.rounding);
  });
}

/// Biased f32 exponents of a tile's elements.
Value exponents(OpBuilder &b, Location loc, Value tile) {
  NumericsEmitter t(b, loc, cast<VectorType>(tile.getType()).getShape());
  return t.lshr(t.band(t.fToBits(tile), t.c(0x7FFFFFFF)), t.c(23));
}

/// Shared-microexponent / block floating point (sm element).
Value fakeQuantSMTile(OpBuilder &b, Location loc, Value x,
                      const TileContext &ctx) {
  const FormatSpec &spec = ctx.spec;
  auto tileType = cast<VectorType>(x.getType());
  SmallVector<int64_t> shape(tileType.getShape());
  int64_t k = shape[0];
  NumericsEmitter blk(b, loc, blockShapeOf(tileType));
  Value exps = exponents(b, loc, x);
  Value rawE = reduceDim0(b, loc, exps, vector::CombiningKind::MAXUI, blk.c(0));
  Value isNaN = blk.eq(rawE, blk.c(255));
  Value bigE = clampSharedExponentBits(blk, rawE, spec.expBits);
  // Per sub-block maxima: [K/k2] or [K/k2, V].
  Value subE;
  int64_t k2 = spec.subBlockSize;
  if (k2 > 0) {
    SmallVector<int64_t> split{k / k2, k2};
    llvm::append_range(split, ArrayRef<int64_t>(shape).drop_front());
    Value s = vector::ShapeCastOp::create(
        b, loc, VectorType::get(split, b.getI32Type()), exps);
    SmallVector<int64_t> reduced{k / k2};
    llvm::append_range(reduced, ArrayRef<int64_t>(shape).drop_front());
    subE = vector::MultiDimReductionOp::create(
        b, loc, vector::CombiningKind::MAXUI, s,
        NumericsEmitter(b, loc, reduced).c(0), ArrayRef<int64_t>{1});
    if (tileType.getRank() == 1) {
      // Spread [K/k2] over [K]: [K/k2, 1] -> [K/k2, k2] -> [K].
      auto i32 = b.getI32Type();
      subE = vector::ShapeCastOp::create(
          b, loc, VectorType::get({k / k2, 1}, i32), subE);
      subE = vector::BroadcastOp::create(
          b, loc, VectorType::get({k / k2, k2}, i32), subE);
      subE = vector::ShapeCastOp::create(b, loc, VectorType::get({k}, i32),
                                         subE);
    }
  }
  return mapRows(b, loc, x, [&](OpBuilder &b, Location loc, Value row,
                                int64_t idx, function_ref<Value(Value)> spread) {
    NumericsEmitter t(b, loc, cast<VectorType>(row.getType()).getShape());
    Value xBits = t.fToBits(row);
    Value bigER = spread(bigE);
    Value d = t.c(0);
    if (subE) {
      Value rowSubE =
          idx < 0 ? subE : vector::ExtractOp::create(b, loc, subE, idx / k2);
      d = t.smin(t.sub(spread(rawE), rowSubE), t.c((1 << spec.subBits) - 1));
    }
    Value m = encodeSMMagnitude(t, xBits, bigER, d, spec.mantissaBits,
                                spec.rounding);
    Value sign = t.band(xBits, t.c((int32_t)0x80000000));
    Value v = decodeSM(t, m, sign, bigER, d, spec.mantissaBits);
    return t.self(spread(isNaN), quietNaN(t), v);
  });
}

/// Float elements under an E4M3 block scale, optionally over a per-tensor
/// f32 scale (NVFP4).
Value fakeQuantE4M3Tile(OpBuilder &b, Location loc, Value x,
                        const TileContext &ctx) {
  const FormatSpec &spec = ctx.spec;
  auto tileType = cast<VectorType>(x.getType());
  SmallVector<int64_t> blockShape = blockShapeOf(tileType);
  NumericsEmitter blk(b, loc, blockShape);
  const FloatElementInfo &elem = spec.getFloatElementInfo();
  const FloatElementInfo &e4m3 = *getFloatElementInfo(ElementKind::F8E4M3FN);
  Value amax = blk.bitsToF(blockAmaxBits(b, loc, x));
  Value st = blk.cf(1.0f);
  if (ctx.tensorScale)
    st = blockShape.empty()
             ? ctx.tensorScale
             : vector::BroadcastOp::create(
                   b, loc, VectorType::get(blockShape, b.getF32Type()),
                   ctx.tensorScale)
                   .getResult();
  Value sb = roundToElement(
      blk, blk.fdiv(blk.fdiv(amax, blk.cf((float)elem.maxNormal)), st), e4m3,
      Rounding::NearestEven);
  Value denom = blk.fmul(sb, st);
  // A zero tensor scale (all-zero tensor) or a block scale that rounds to
  // zero makes the block decode to signed zeros.
  denom = blk.self(blk.foeq(st, blk.cf(0.0f)), blk.cf(0.0f), denom);
  // NaN or Inf anywhere makes the tensor scale (or this block) NaN.
  Value blockNaN = blk.borB(blk.fisNaNOrInf(amax), blk.fisNaNOrInf(st));
  return mapRows(b, loc, x, [&](OpBuilder &b, Location loc, Value row, int64_t,
                                function_ref<Value(Value)> spread) {
    NumericsEmitter t(b, loc, cast<VectorType>(row.getType()).getShape());
    Value denomR = spread(denom);
    Value y = roundToElement(t, t.fdiv(row, denomR), elem, spec.rounding);
    Value out = t.fmul(y, denomR);
    Value signedZero =
        t.bitsToF(t.band(t.fToBits(row), t.c((int32_t)0x80000000)));
    out = t.self(t.foeq(denomR, t.cf(0.0f)), signedZero, out);
    return t.self(spread(blockNaN), quietNaN(t), out);
  });
}

/// q = clamp(round(x / s) + zp, qmin, qmax); out = (q - zp) * s.
Value fakeQuantInt8Values(NumericsEmitter &t, Value x, Value scale,
                          Value zeroPoint, const FormatSpec &spec) {
  float qmin = spec.element == ElementKind::UI8 ? 0.0f : -128.0f;
  float qmax = spec.element == ElementKind::UI8 ? 255.0f : 127.0f;
  Value q = t.roundInt(t.fdiv(x, scale), spec.rounding);
  if (zeroPoint)
    q = t.fadd(q, zeroPoint);
  q = t.fmin(t.fmax(q, t.cf(qmin)), t.cf(qmax));
  if (zeroPoint)
    q = t.fsub(q, zeroPoint);
  // Through an integer so that a negative value rounding to zero gives +0.
  q = t.siToF(t.fToSI(q));
  return t.fmul(q, scale);
}

/// The f32 scale of symmetric INT8 from an absolute maximum (1 when zero).
Value int8Scale(NumericsEmitter &o, Value amax) {
  Value s = o.fdiv(amax, o.cf(127.0f));
  return o.self(o.foeq(s, o.cf(0.0f)), o.cf(1.0f), s);
}

/// Symmetric INT8 with one f32 scale per block.
Value fakeQuantInt8BlockTile(OpBuilder &b, Location loc, Value x,
                             const TileContext &ctx) {
  auto tileType = cast<VectorType>(x.getType());
  NumericsEmitter blk(b, loc, blockShapeOf(tileType));
  Value amax = blk.bitsToF(blockAmaxBits(b, loc, x));
  Value scale = int8Scale(blk, amax);
  Value isNaN = blk.fisNaNOrInf(amax);
  return mapRows(b, loc, x, [&](OpBuilder &b, Location loc, Value row, int64_t,
                                function_ref<Value(Value)> spread) {
    NumericsEmitter t(b, loc, cast<VectorType>(row.getType()).getShape());
    Value out = fakeQuantInt8Values(t, row, spread(scale), Value(), ctx.spec);
    return t.self(spread(isNaN), quietNaN(t), out);
  });
}

using TileKernel =
    std::function<Value(OpBuilder &, Location, Value, const TileContext &)>;

//===----------------------------------------------------------------------===//
// Drivers
//===----------------------------------------------------------------------===//

/// Whole-tensor reductions of a 1-D view: max of |x| bits, min and max.
struct TensorStats {
  Value amaxBits; ///< i32 scalar.
  Value min;      ///< f32 scalar (only when asked).
  Value max;      ///< f32 scalar (only when asked).
};

TensorStats reduceTensor(OpBuilder &b, Location loc, Value flat,
                         bool withMinMax) {
  Value n = dimOf(b, loc, flat, 0);
  Value zero = indexConst(b, loc, 0);
  Value one = indexConst(b, loc, 1);
  Value lanes = indexConst(b, loc, kLanes);
  NumericsEmitter vec(b, loc, {kLanes});
  SmallVector<Value> inits{vec.c(0)};
  if (withMinMax) {
    inits.push_back(vec.cf(0.0f));
    inits.push_back(vec.cf(0.0f));
  }
  Value numChunks = ceilDiv(b, loc, n, kLanes);
  auto loop = scf::ForOp::create(
      b, loc, zero, numChunks, one, inits,
      [&](OpBuilder &b, Location loc, Value iv, ValueRange acc) {
        Value off = arith::MulIOp::create(b, loc, iv, lanes);
        Value x = readF32(b, loc, flat, off, {kLanes}, {false});
        NumericsEmitter v(b, loc, {kLanes});
        SmallVector<Value> next{
            arith::MaxUIOp::create(b, loc, acc[0],
                                   v.band(v.fToBits(x), v.c(0x7FFFFFFF)))};
        if (withMinMax) {
          next.push_back(arith::MinimumFOp::create(b, loc, acc[1], x));
          next.push_back(arith::MaximumFOp::create(b, loc, acc[2], x));
        }
        scf::YieldOp::create(b, loc, next);
      });
  TensorStats stats;
  stats.amaxBits = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MAXUI, loop.getResult(0));
  if (withMinMax) {
    stats.min = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MINNUMF, loop.getResult(1));
    stats.max = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXNUMF, loop.getResult(2));
  }
  return stats;
}

/// Applies `fn` to every chunk of a 1-D view and returns the new tensor.
Value mapFlat(OpBuilder &b, Location loc, Value flat,
              function_ref<Value(OpBuilder &, Location, Value)> fn) {
  Value n = dimOf(b, loc, flat, 0);
  Value init = emptyLike(b, loc, flat,
                         cast<RankedTensorType>(flat.getType()).getElementType());
  Value lanes = indexConst(b, loc, kLanes);
  auto loop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), ceilDiv(b, loc, n, kLanes),
      indexConst(b, loc, 1), ValueRange{init},
      [&](OpBuilder &b, Location loc, Value iv, ValueRange acc) {
        Value off = arith::MulIOp::create(b, loc, iv, lanes);
        Value x = readF32(b, loc, flat, off, {kLanes}, {false});
        Value y = fn(b, loc, x);
        scf::YieldOp::create(b, loc,
                             writeTile(b, loc, y, acc[0], off, {false}));
      });
  return loop.getResult(0);
}

/// Views `input` as 1-D.
View flatView(OpBuilder &b, Location loc, Value input) {
  int64_t r = cast<RankedTensorType>(input.getType()).getRank();
  return makeView(b, loc, input, {range(0, r + 2)});
}

/// Per-tensor INT8 (symmetric or with a zero point).
Value lowerPerTensorInt8(OpBuilder &b, Location loc, Value input,
                         const FormatSpec &spec) {
  View view = flatView(b, loc, input);
  TensorStats stats = reduceTensor(b, loc, view.value, spec.zeroPoint);
  NumericsEmitter s(b, loc, {});
  Value amax = s.bitsToF(stats.amaxBits);
  Value isNaN = s.fisNaNOrInf(amax);
  Value scale, zp;
  if (spec.zeroPoint) {
    float qmin = spec.element == ElementKind::UI8 ? 0.0f : -128.0f;
    float qmax = spec.element == ElementKind::UI8 ? 255.0f : 127.0f;
    Value lo = s.fmin(stats.min, s.cf(0.0f));
    Value hi = s.fmax(stats.max, s.cf(0.0f));
    scale = s.fdiv(s.fsub(hi, lo), s.cf(qmax - qmin));
    scale = s.self(s.foeq(scale, s.cf(0.0f)), s.cf(1.0f), scale);
    zp = s.fsub(s.cf(qmin), s.roundInt(s.fdiv(lo, scale),
                                       Rounding::NearestEven));
    zp = s.fmin(s.fmax(zp, s.cf(qmin)), s.cf(qmax));
  } else {
    scale = int8Scale(s, amax);
  }
  Value out = mapFlat(b, loc, view.value, [&](OpBuilder &b, Location loc,
                                              Value x) {
    NumericsEmitter t(b, loc, {kLanes});
    auto vt = VectorType::get({kLanes}, b.getF32Type());
    Value zpT = zp ? vector::BroadcastOp::create(b, loc, vt, zp).getResult()
                   : Value();
    Value y = fakeQuantInt8Values(
        t, x, vector::BroadcastOp::create(b, loc, vt, scale), zpT, spec);
    return t.self(vector::BroadcastOp::create(
                      b, loc, VectorType::get({kLanes}, b.getI1Type()), isNaN),
                  t.bitsToF(t.c(kQuietNaNBits)), y);
  });
  return view.undo(b, loc, out);
}

/// Per-channel symmetric INT8 along `axis`.
Value lowerPerChannelInt8(OpBuilder &b, Location loc, Value input,
                          int64_t axis, const FormatSpec &spec) {
  int64_t r = cast<RankedTensorType>(input.getType()).getRank();
  // [outer, C, inner] with the channel in the middle.
  View view = makeView(b, loc, input,
                       {range(0, axis + 1), {axis + 1}, range(axis + 2, r + 2)});
  Value v3 = view.value;
  Value outer = dimOf(b, loc, v3, 0), channels = dimOf(b, loc, v3, 1),
        inner = dimOf(b, loc, v3, 2);
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value lanes = indexConst(b, loc, kLanes);
  Value numChunks = ceilDiv(b, loc, inner, kLanes);
  // Pass 1: amax bits per channel.
  Value acc0 = tensor::SplatOp::create(
      b, loc, NumericsEmitter(b, loc, {}).c(0),
      RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type()),
      ValueRange{channels});
  scf::LoopNest pass1 = scf::buildLoopNest(
      b, loc, {zero, zero, zero}, {outer, channels, numChunks},
      {one, one, one}, ValueRange{acc0},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value off = arith::MulIOp::create(b, loc, ivs[2], lanes);
        Value x = readF32(b, loc, v3, {ivs[0], ivs[1], off}, {kLanes},
                          {false});
        NumericsEmitter v(b, loc, {kLanes});
        Value bits = v.band(v.fToBits(x), v.c(0x7FFFFFFF));
        Value m = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXUI, bits);
        Value old = tensor::ExtractOp::create(b, loc, args[0], ivs[1]);
        Value next = arith::MaxUIOp::create(b, loc, old, m);
        return {tensor::InsertOp::create(b, loc, next, args[0], ivs[1])};
      });
  Value amaxBits = pass1.results[0];
  // Pass 2: quantize with the channel's scale.
  Value init = emptyLike(b, loc, v3,
                         cast<RankedTensorType>(v3.getType()).getElementType());
  scf::LoopNest pass2 = scf::buildLoopNest(
      b, loc, {zero, zero, zero}, {outer, channels, numChunks},
      {one, one, one}, ValueRange{init},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value off = arith::MulIOp::create(b, loc, ivs[2], lanes);
        Value x = readF32(b, loc, v3, {ivs[0], ivs[1], off}, {kLanes},
                          {false});
        NumericsEmitter s(b, loc, {});
        NumericsEmitter t(b, loc, {kLanes});
        Value amax =
            s.bitsToF(tensor::ExtractOp::create(b, loc, amaxBits, ivs[1]));
        auto vt = VectorType::get({kLanes}, b.getF32Type());
        Value scale =
            vector::BroadcastOp::create(b, loc, vt, int8Scale(s, amax));
        Value y = fakeQuantInt8Values(t, x, scale, Value(), spec);
        Value nan = vector::BroadcastOp::create(
            b, loc, VectorType::get({kLanes}, b.getI1Type()),
            s.fisNaNOrInf(amax));
        y = t.self(nan, t.bitsToF(t.c(kQuietNaNBits)), y);
        return {writeTile(b, loc, y, args[0], {ivs[0], ivs[1], off},
                          {false})};
      });
  return view.undo(b, loc, pass2.results[0]);
}

/// Block formats: runs `kernel` on every block tile.
Value lowerBlockwise(OpBuilder &b, Location loc, Value input, int64_t axis,
                     const TileContext &ctx, const TileKernel &kernel) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t r = type.getRank();
  int64_t k = ctx.spec.blockSize;
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value kVal = indexConst(b, loc, k);
  int64_t axisSize = type.getDimSize(axis);
  bool blocksInBounds = !ShapedType::isDynamic(axisSize) && axisSize % k == 0;

  if (axis == r - 1) {
    // Rows: [outer, A], tiles vector<K> along A.
    View view = makeView(b, loc, input, {range(0, r), {r, r + 1}});
    Value v2 = view.value;
    Value outer = dimOf(b, loc, v2, 0);
    Value numBlocks = ceilDiv(b, loc, dimOf(b, loc, v2, 1), k);
    Value init = emptyLike(b, loc, v2, type.getElementType());
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, {zero, zero}, {outer, numBlocks}, {one, one}, ValueRange{init},
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          Value off = arith::MulIOp::create(b, loc, ivs[1], kVal);
          Value x = readF32(b, loc, v2, {ivs[0], off}, {k}, {blocksInBounds});
          Value y = kernel(b, loc, x, ctx);
          return {writeTile(b, loc, y, args[0], {ivs[0], off},
                            {blocksInBounds})};
        });
    return view.undo(b, loc, nest.results[0]);
  }

  // Columns: [outer, A, inner], tiles vector<K x V>.
  View view = makeView(b, loc, input,
                       {range(0, axis + 1), {axis + 1}, range(axis + 2, r + 2)});
  Value v3 = view.value;
  int64_t innerSize = cast<RankedTensorType>(v3.getType()).getDimSize(2);
  bool lanesInBounds =
      !ShapedType::isDynamic(innerSize) && innerSize % kLanes == 0;
  Value outer = dimOf(b, loc, v3, 0);
  Value numBlocks = ceilDiv(b, loc, dimOf(b, loc, v3, 1), k);
  Value numChunks = ceilDiv(b, loc, dimOf(b, loc, v3, 2), kLanes);
  Value lanes = indexConst(b, loc, kLanes);
  Value init = emptyLike(b, loc, v3, type.getElementType());
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {zero, zero, zero}, {outer, numBlocks, numChunks},
      {one, one, one}, ValueRange{init},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value off = arith::MulIOp::create(b, loc, ivs[1], kVal);
        Value lane = arith::MulIOp::create(b, loc, ivs[2], lanes);
        Value x = readF32(b, loc, v3, {ivs[0], off, lane}, {k, kLanes},
                          {blocksInBounds, lanesInBounds});
        Value y = kernel(b, loc, x, ctx);
        return {writeTile(b, loc, y, args[0], {ivs[0], off, lane},
                          {blocksInBounds, lanesInBounds})};
      });
  return view.undo(b, loc, nest.results[0]);
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

FailureOr<Value> mx::emitFakeQuant(OpBuilder &b, Location loc, Value input,
                                   const FormatSpec &spec, int64_t axis,
                                   Operation *diagOp) {
  auto type = cast<RankedTensorType>(input.getType());
  auto fail = [&](const Twine &msg) -> FailureOr<Value> {
    if (diagOp)
      diagOp->emitOpError(msg);
    return failure();
  };
  if (std::string err = spec.verify(); !err.empty())
    return fail("invalid format: " + err);

  switch (spec.granularity) {
  case Granularity::Tensor:
    return lowerPerTensorInt8(b, loc, input, spec);
  case Granularity::Channel:
    if (spec.zeroPoint)
      return fail("per-channel INT8 with a zero point is not supported by "
                  "the CPU lowering yet; use a symmetric per-channel format");
    return lowerPerChannelInt8(b, loc, input, axis, spec);
  case Granularity::Block:
    break;
  }

  if (spec.blockSize > 4096)
    return fail("block size " + Twine(spec.blockSize) +
                " is larger than the CPU lowering supports (4096)");
  TileContext ctx{spec, Value()};
  TileKernel kernel;
  switch (spec.scale) {
  case ScaleKind::E8M0:
    if (spec.tensorScale)
      return fail("a per-tensor f32 scale over E8M0 block scales needs a "
                  "calibrated scale (mx-infer-scales); it has no dynamic "
                  "lowering");
    if (spec.element == ElementKind::SM)
      kernel = fakeQuantSMTile;
    else
      kernel = fakeQuantE8M0Tile;
    break;
  case ScaleKind::E4M3: {
    if (spec.tensorScale) {
      View view = flatView(b, loc, input);
      TensorStats stats = reduceTensor(b, loc, view.value, false);
      NumericsEmitter s(b, loc, {});
      const FloatElementInfo &elem = spec.getFloatElementInfo();
      // s_t = amax / (max element * 448).
      ctx.tensorScale =
          s.fdiv(s.bitsToF(stats.amaxBits),
                 s.cf(static_cast<float>(elem.maxNormal * 448.0)));
    }
    kernel = fakeQuantE4M3Tile;
    break;
  }
  case ScaleKind::F32:
    if (spec.zeroPoint)
      return fail("block-wise INT8 with a zero point is not supported by the "
                  "CPU lowering yet");
    kernel = fakeQuantInt8BlockTile;
    break;
  }
  if (spec.element == ElementKind::SM && spec.subBlockSize > 0 &&
      spec.blockSize % spec.subBlockSize != 0)
    return fail("sub-block size must divide the block size");
  return lowerBlockwise(b, loc, input, axis, ctx, kernel);
}

namespace {

struct LowerFakeQuant : OpRewritePattern<FakeQuantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FakeQuantOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Value> result =
        emitFakeQuant(rewriter, op.getLoc(), op.getInput(),
                      op.getFormat().getSpec(), op.getBlockAxis(), op);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// dequantize(quantize(x)) where the quantized value has no other use: the
/// same computation as a fake quantization, without materializing packed
/// data.
struct LowerQuantizeDequantizePair : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto q = op.getInput().getDefiningOp<QuantizeOp>();
    if (!q)
      return rewriter.notifyMatchFailure(op, "input is not an mx.quantize");
    if (q.getInput().getType().getElementType() !=
        op.getType().getElementType())
      return rewriter.notifyMatchFailure(op, "float element types differ");
    QuantizedType qt = q.getQuantizedType();
    FailureOr<Value> result = emitFakeQuant(
        rewriter, op.getLoc(), q.getInput(), qt.getSpec(),
        qt.isPerTensor() ? 0 : qt.getAxis(), op);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    if (q->use_empty())
      rewriter.eraseOp(q);
    return success();
  }
};

struct ConvertMXToVectorPass
    : mx::impl::ConvertMXToVectorBase<ConvertMXToVectorPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMXToVectorPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // What is left could not be lowered; each op says why.
    WalkResult result = getOperation()->walk([&](Operation *op) {
      if (!isa<MXDialect>(op->getDialect()))
        return WalkResult::advance();
      if (isa<QuantizeOp>(op) &&
          llvm::all_of(op->getUsers(), [](Operation *user) {
            return isa<DequantizeOp>(user);
          }) && !op->use_empty())
        return WalkResult::advance(); // Reported at its dequantize.
      op->emitOpError()
          << "could not be lowered: quantized tensors that cross op or "
             "function boundaries need the packed-storage lowering, which "
             "this pass does not provide yet";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mx::populateMXToVectorPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerFakeQuant, LowerQuantizeDequantizePair>(
      patterns.getContext());
}
