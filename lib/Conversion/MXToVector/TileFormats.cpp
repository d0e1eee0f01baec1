//===- TileFormats.cpp - Per-block numerics on vector tiles ---------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "TileFormats.h"

#include "mx/Support/Numerics.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mx;
using namespace mx::numerics;

namespace {

/// The vector shape of `v` ([] for a scalar).
SmallVector<int64_t> shapeOf(Value v) {
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    return SmallVector<int64_t>(vt.getShape());
  return {};
}

SmallVector<int64_t> blockShapeOf(VectorType tileType) {
  return SmallVector<int64_t>(tileType.getShape().drop_front());
}

/// Reduces dim 0: vector<K> -> scalar (a shuffle tree), vector<KxV> ->
/// vector<V> (elementwise across rows).
Value reduceDim0(OpBuilder &b, Location loc, Value v,
                 vector::CombiningKind kind, Value init) {
  if (cast<VectorType>(v.getType()).getRank() == 1)
    return vector::ReductionOp::create(b, loc, kind, v, init);
  return vector::MultiDimReductionOp::create(b, loc, kind, v, init,
                                             ArrayRef<int64_t>{0});
}

/// The block maximum of the bits of |x|: an unsigned max of the bits of
/// non-negative floats orders them as floats, NaN and Inf on top.
Value blockAmaxBits(OpBuilder &b, Location loc, Value tile) {
  auto tileType = cast<VectorType>(tile.getType());
  NumericsEmitter t(b, loc, tileType.getShape());
  Value abs = t.band(t.fToBits(tile), t.c(0x7FFFFFFF));
  NumericsEmitter blk(b, loc, blockShapeOf(tileType));
  return reduceDim0(b, loc, abs, vector::CombiningKind::MAXUI, blk.c(0));
}

/// The per-block scale `s` spread over a row of the tile (see RowContext).
E8M0Scale<NumericsEmitter> spreadScale(const E8M0Scale<NumericsEmitter> &s,
                                       const RowContext &ctx) {
  return {ctx.spread(s.code), ctx.spread(s.down), ctx.spread(s.up),
          ctx.spread(s.isNaN)};
}
E4M3Scale<NumericsEmitter> spreadScale(const E4M3Scale<NumericsEmitter> &s,
                                       const RowContext &ctx) {
  return {ctx.spread(s.code), ctx.spread(s.denom), ctx.spread(s.isNaN)};
}
Int8Scale<NumericsEmitter> spreadScale(const Int8Scale<NumericsEmitter> &s,
                                       const RowContext &ctx) {
  Int8Scale<NumericsEmitter> r;
  r.scale = ctx.spread(s.scale);
  r.zeroPoint = ctx.spread(s.zeroPoint);
  r.isNaN = ctx.spread(s.isNaN);
  return r;
}

/// An element function of mx/Support/Numerics.h under a block scale.
template <typename Scale>
using ElementFn = Value (*)(NumericsEmitter &, Value, const Scale &,
                            const FormatSpec &);

/// Formats with one `Scale` per block whose elements are `FakeQuant`,
/// `Encode` and `Decode` under the block's scale spread over the row; the
/// derived class computes `scale` (fromBlockMax, fromStorage).
template <typename Scale, ElementFn<Scale> FakeQuant, ElementFn<Scale> Encode,
          ElementFn<Scale> Decode>
class BlockScaledTiles : public TileFormat {
public:
  explicit BlockScaledTiles(const FormatSpec &spec) : spec(spec) {}

  void fromData(OpBuilder &b, Location loc, Value tile) override {
    fromBlockMax(b, loc, blockAmaxBits(b, loc, tile));
  }
  Value fakeQuant(NumericsEmitter &t, Value row,
                  const RowContext &ctx) override {
    return FakeQuant(t, row, spreadScale(scale, ctx), spec);
  }
  Value encode(NumericsEmitter &t, Value row, const RowContext &ctx) override {
    return Encode(t, row, spreadScale(scale, ctx), spec);
  }
  Value decode(NumericsEmitter &t, Value codes,
               const RowContext &ctx) override {
    return Decode(t, codes, spreadScale(scale, ctx), spec);
  }

protected:
  FormatSpec spec;
  Scale scale;
};

/// OCP float elements and MXINT8 under E8M0 block scales (float codes in one
/// step: encodeE8M0ElementDirect).
class E8M0Tiles
    : public BlockScaledTiles<E8M0Scale<NumericsEmitter>,
                              fakeQuantE8M0Element<NumericsEmitter>,
                              encodeE8M0ElementDirect<NumericsEmitter>,
                              decodeE8M0Element<NumericsEmitter>> {
public:
  explicit E8M0Tiles(const FormatSpec &spec) : BlockScaledTiles(spec) {}

  void fromBlockMax(OpBuilder &b, Location loc, Value amaxBits) override {
    NumericsEmitter blk(b, loc, shapeOf(amaxBits));
    scale = e8m0ScaleFromAmax(blk, amaxBits, spec);
  }
  void fromStorage(OpBuilder &b, Location loc, Value code, Value) override {
    NumericsEmitter blk(b, loc, shapeOf(code));
    scale = e8m0ScaleFromCode(blk, code, spec);
  }
  Value getStoredScale() override { return scale.code; }
};

/// Shared microexponents (sm elements): a shared exponent per block, a
/// microexponent per sub-block.
class SMTiles : public TileFormat {
public:
  explicit SMTiles(const FormatSpec &spec) : spec(spec) {}
  bool scalesFromMaxOnly() const override { return spec.subBlockSize == 0; }
  void fromBlockMax(OpBuilder &b, Location loc, Value amaxBits) override {
    SmallVector<int64_t> shape = shapeOf(amaxBits);
    NumericsEmitter blk(b, loc, shape);
    scale = smScaleFromMaxExponent(blk, blk.lshr(amaxBits, blk.c(23)), spec);
    storedScale = smScaleCode(blk, scale);
    micro = {};
  }

  void fromData(OpBuilder &b, Location loc, Value tile) override {
    auto tileType = cast<VectorType>(tile.getType());
    SmallVector<int64_t> shape(tileType.getShape());
    NumericsEmitter t(b, loc, shape);
    NumericsEmitter blk(b, loc, blockShapeOf(tileType));
    Value exps = t.lshr(t.band(t.fToBits(tile), t.c(0x7FFFFFFF)), t.c(23));
    Value rawE =
        reduceDim0(b, loc, exps, vector::CombiningKind::MAXUI, blk.c(0));
    scale = smScaleFromMaxExponent(blk, rawE, spec);
    storedScale = smScaleCode(blk, scale);
    micro = {};
    int64_t k = shape[0], k2 = spec.subBlockSize;
    if (k2 == 0)
      return;
    // Sub-block maxima over [K/k2, k2(, V)], reduced along dim 1.
    SmallVector<int64_t> split{k / k2, k2};
    llvm::append_range(split, ArrayRef<int64_t>(shape).drop_front());
    Value s = vector::ShapeCastOp::create(
        b, loc, VectorType::get(split, b.getI32Type()), exps);
    SmallVector<int64_t> reduced{k / k2};
    llvm::append_range(reduced, ArrayRef<int64_t>(shape).drop_front());
    NumericsEmitter sub(b, loc, reduced);
    Value subE = vector::MultiDimReductionOp::create(
        b, loc, vector::CombiningKind::MAXUI, s, sub.c(0),
        ArrayRef<int64_t>{1});
    Value rawESub = vector::BroadcastOp::create(
        b, loc, VectorType::get(reduced, b.getI32Type()), rawE);
    micro = smMicroexponent(sub, rawESub, subE, spec);
  }
  void fromStorage(OpBuilder &b, Location loc, Value code,
                   Value storedMicro) override {
    SmallVector<int64_t> shape = shapeOf(code);
    NumericsEmitter blk(b, loc, shape);
    scale.rawE = code;
    scale.bigE = code;
    scale.isNaN = blk.eq(code, blk.c(0xFF));
    storedScale = code;
    micro = storedMicro;
  }
  Value fakeQuant(NumericsEmitter &t, Value row,
                  const RowContext &ctx) override {
    return fakeQuantSMElement(t, row, ctx.spread(scale.bigE), rowMicro(t, ctx),
                              ctx.spread(scale.isNaN), spec, /*direct=*/true);
  }
  Value encode(NumericsEmitter &t, Value row, const RowContext &ctx) override {
    return encodeSMElement(t, row, ctx.spread(scale.bigE), rowMicro(t, ctx),
                           ctx.spread(scale.isNaN), spec, /*direct=*/true);
  }
  Value decode(NumericsEmitter &t, Value codes,
               const RowContext &ctx) override {
    return decodeSMElement(t, codes, ctx.spread(scale.bigE), rowMicro(t, ctx),
                           ctx.spread(scale.isNaN), spec);
  }
  /// E, or 0xFF for a NaN block.
  Value getStoredScale() override { return storedScale; }
  Value getStoredMicro() override { return micro; }

private:
  /// The microexponent of each element of a row.
  Value rowMicro(NumericsEmitter &t, const RowContext &ctx) {
    if (!micro)
      return t.c(0);
    int64_t k2 = spec.subBlockSize;
    OpBuilder &b = builderOf(t);
    Location loc = micro.getLoc();
    if (ctx.index >= 0) // Row of a 2-D tile: micro is [K/k2, V].
      return vector::ExtractOp::create(b, loc, micro, ctx.index / k2);
    // 1-D tile: spread [K/k2] over [K]: [K/k2, 1] -> [K/k2, k2] -> [K].
    int64_t n = cast<VectorType>(micro.getType()).getDimSize(0);
    auto i32 = b.getI32Type();
    Value m = vector::ShapeCastOp::create(b, loc, VectorType::get({n, 1}, i32),
                                          micro);
    m = vector::BroadcastOp::create(b, loc, VectorType::get({n, k2}, i32), m);
    return vector::ShapeCastOp::create(b, loc, VectorType::get({n * k2}, i32),
                                       m);
  }
  static OpBuilder &builderOf(NumericsEmitter &t) { return t.getBuilder(); }

  FormatSpec spec;
  SMScale<NumericsEmitter> scale;
  Value micro, storedScale;
};

/// Float elements under E4M3 block scales over an optional f32 tensor scale.
/// With `thresholds`, elements are fake-quantized against per-block
/// thresholds instead of a division per element (Numerics.h, "Threshold
/// encoding"); the caller checks that they are exact (thresholdsExactFor on
/// the tensor scale). Codes always come from a division (encode).
class E4M3Tiles : public TileFormat {
public:
  E4M3Tiles(const FormatSpec &spec, Value tensorScale, bool thresholds = false)
      : spec(spec), tensorScale(tensorScale), thresholds(thresholds) {}

  void fromData(OpBuilder &b, Location loc, Value tile) override {
    fromBlockMax(b, loc, blockAmaxBits(b, loc, tile));
  }
  void fromBlockMax(OpBuilder &b, Location loc, Value amaxBits) override {
    SmallVector<int64_t> shape = shapeOf(amaxBits);
    NumericsEmitter blk(b, loc, shape);
    scale = e4m3ScaleFromAmax(blk, blk.bitsToF(amaxBits),
                              spreadTensorScale(b, loc, blk, shape), spec);
    if (thresholds)
      th = elementThresholds(blk, scale.denom, spec);
  }
  void fromStorage(OpBuilder &b, Location loc, Value code, Value) override {
    SmallVector<int64_t> shape = shapeOf(code);
    NumericsEmitter blk(b, loc, shape);
    scale = e4m3ScaleFromCode(blk, code, spreadTensorScale(b, loc, blk, shape));
    th = {};
  }
  Value fakeQuant(NumericsEmitter &t, Value row,
                  const RowContext &ctx) override {
    if (th.count)
      return fakeQuantThresholdElement(t, row, spreadThresholds(ctx),
                                       ctx.spread(scale.denom),
                                       ctx.spread(scale.isNaN), spec);
    return fakeQuantE4M3ScaledElement(t, row, spreadScale(scale, ctx), spec);
  }
  /// One division per element and the code from the quotient's bits
  /// (encodeE4M3ElementDirect): cheaper than the thresholds' compare and
  /// select chain (docs/Lowering.md, "NVFP4 quantize: a division, not
  /// thresholds"), and exact for every tensor scale.
  Value encode(NumericsEmitter &t, Value row, const RowContext &ctx) override {
    return encodeE4M3ElementDirect(t, row, spreadScale(scale, ctx), spec);
  }
  Value decode(NumericsEmitter &t, Value codes,
               const RowContext &ctx) override {
    return decodeE4M3ScaledElement(t, codes, spreadScale(scale, ctx), spec);
  }
  Value getStoredScale() override { return scale.code; }

private:
  Value spreadTensorScale(OpBuilder &b, Location loc, NumericsEmitter &blk,
                          ArrayRef<int64_t> shape) {
    if (!tensorScale)
      return blk.cf(1.0f);
    if (shape.empty())
      return tensorScale;
    return vector::BroadcastOp::create(
        b, loc, VectorType::get(shape, b.getF32Type()), tensorScale);
  }
  ElementThresholds<NumericsEmitter> spreadThresholds(const RowContext &ctx) {
    ElementThresholds<NumericsEmitter> r;
    r.count = th.count;
    for (int i = 0; i < th.count; ++i)
      r.t[i] = ctx.spread(th.t[i]);
    return r;
  }
  FormatSpec spec;
  Value tensorScale;
  bool thresholds;
  E4M3Scale<NumericsEmitter> scale;
  ElementThresholds<NumericsEmitter> th;
};

/// An MX format (E8M0 block scales) under a per-tensor f32 pre-scale s_t:
/// the blocks of y = preScale(x, s_t) are quantized by `inner`, and decoded
/// values are multiplied back by s_t (docs/Formats.md, "Two-level formats").
class PreScaledTiles : public TileFormat {
public:
  PreScaledTiles(std::unique_ptr<TileFormat> inner, Value tensorScale)
      : inner(std::move(inner)), tensorScale(tensorScale) {}

  void fromData(OpBuilder &b, Location loc, Value tile) override {
    NumericsEmitter t(b, loc, shapeOf(tile));
    inner->fromData(b, loc, preScale(t, tile, spreadTo(b, loc, shapeOf(tile))));
  }
  bool scalesFromMaxOnly() const override { return inner->scalesFromMaxOnly(); }
  void fromBlockMax(OpBuilder &b, Location loc, Value amaxBits) override {
    SmallVector<int64_t> shape = shapeOf(amaxBits);
    NumericsEmitter blk(b, loc, shape);
    inner->fromBlockMax(
        b, loc, preScaleAmaxBits(blk, amaxBits, spreadTo(b, loc, shape)));
  }
  void fromStorage(OpBuilder &b, Location loc, Value scale,
                   Value micro) override {
    inner->fromStorage(b, loc, scale, micro);
  }
  Value fakeQuant(NumericsEmitter &t, Value row,
                  const RowContext &ctx) override {
    Value st = spreadTo(t.getBuilder(), row.getLoc(), t.getShape());
    return t.fmul(inner->fakeQuant(t, preScale(t, row, st), ctx), st);
  }
  Value encode(NumericsEmitter &t, Value row, const RowContext &ctx) override {
    Value st = spreadTo(t.getBuilder(), row.getLoc(), t.getShape());
    return inner->encode(t, preScale(t, row, st), ctx);
  }
  Value decode(NumericsEmitter &t, Value codes,
               const RowContext &ctx) override {
    Value st = spreadTo(t.getBuilder(), codes.getLoc(), t.getShape());
    return t.fmul(inner->decode(t, codes, ctx), st);
  }
  Value getStoredScale() override { return inner->getStoredScale(); }
  Value getStoredMicro() override { return inner->getStoredMicro(); }
  bool scaleIsF32() const override { return inner->scaleIsF32(); }

private:
  Value spreadTo(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
    if (shape.empty())
      return tensorScale;
    return vector::BroadcastOp::create(
        b, loc, VectorType::get(shape, b.getF32Type()), tensorScale);
  }
  std::unique_ptr<TileFormat> inner;
  Value tensorScale;
};

/// INT8 with one f32 scale per block (symmetric).
class Int8Tiles : public BlockScaledTiles<Int8Scale<NumericsEmitter>,
                                          fakeQuantInt8Element<NumericsEmitter>,
                                          encodeInt8Element<NumericsEmitter>,
                                          decodeInt8Element<NumericsEmitter>> {
public:
  explicit Int8Tiles(const FormatSpec &spec) : BlockScaledTiles(spec) {}

  void fromBlockMax(OpBuilder &b, Location loc, Value amaxBits) override {
    SmallVector<int64_t> shape = shapeOf(amaxBits);
    NumericsEmitter blk(b, loc, shape);
    scale = int8ScaleFromAmax(blk, blk.bitsToF(amaxBits));
  }
  void fromStorage(OpBuilder &b, Location loc, Value s, Value) override {
    SmallVector<int64_t> shape = shapeOf(s);
    NumericsEmitter blk(b, loc, shape);
    scale.scale = s;
    scale.zeroPoint = blk.cf(0.0f);
    scale.isNaN = blk.fisNaNOrInf(s);
  }
  Value getStoredScale() override { return scale.scale; }
  bool scaleIsF32() const override { return true; }
};

} // namespace

std::unique_ptr<TileFormat> mx::createTileFormat(const FormatSpec &spec,
                                                 Value tensorScale) {
  if (spec.granularity != Granularity::Block)
    return nullptr;
  switch (spec.scale) {
  case ScaleKind::E8M0:
    if (spec.element == ElementKind::SM)
      return std::make_unique<SMTiles>(spec);
    if (spec.tensorScale && tensorScale)
      return std::make_unique<PreScaledTiles>(std::make_unique<E8M0Tiles>(spec),
                                              tensorScale);
    return std::make_unique<E8M0Tiles>(spec);
  case ScaleKind::E4M3:
    return std::make_unique<E4M3Tiles>(spec, tensorScale);
  case ScaleKind::F32:
    return std::make_unique<Int8Tiles>(spec);
  }
  return nullptr;
}

std::unique_ptr<TileFormat>
mx::createThresholdTileFormat(const FormatSpec &spec, Value tensorScale) {
  ThresholdPoint points[kMaxElementThresholds];
  if (spec.granularity != Granularity::Block || spec.scale != ScaleKind::E4M3 ||
      !elementThresholdPoints(spec, points))
    return nullptr;
  return std::make_unique<E4M3Tiles>(spec, tensorScale, /*thresholds=*/true);
}

Value mx::blockAmaxBits1D(OpBuilder &b, Location loc, Value tile) {
  return blockAmaxBits(b, loc, tile);
}

Value mx::spreadLane(OpBuilder &b, Location loc, Value v, int64_t lane,
                     ArrayRef<int64_t> rowShape) {
  Value scalar = v;
  if (isa<VectorType>(v.getType()))
    scalar = vector::ExtractOp::create(b, loc, v, lane);
  return vector::BroadcastOp::create(
      b, loc, VectorType::get(rowShape, getElementTypeOrSelf(v.getType())),
      scalar);
}

Value mx::mapRows(
    OpBuilder &b, Location loc, Value tile,
    function_ref<Value(NumericsEmitter &, Value, const RowContext &)> fn) {
  auto tileType = cast<VectorType>(tile.getType());
  if (tileType.getRank() == 1) {
    auto spread = [&](Value v) -> Value {
      auto elemType = getElementTypeOrSelf(v.getType());
      return vector::BroadcastOp::create(
          b, loc, VectorType::get(tileType.getShape(), elemType), v);
    };
    NumericsEmitter t(b, loc, tileType.getShape());
    return fn(t, tile, RowContext{-1, spread});
  }
  Value result;
  auto identity = [](Value v) { return v; };
  NumericsEmitter t(b, loc, tileType.getShape().drop_front());
  for (int64_t k = 0, e = tileType.getDimSize(0); k < e; ++k) {
    Value row = vector::ExtractOp::create(b, loc, tile, k);
    Value out = fn(t, row, RowContext{k, identity});
    if (!result) {
      Type elem = cast<VectorType>(out.getType()).getElementType();
      NumericsEmitter zeros(b, loc, tileType.getShape());
      result = elem.isF32() ? zeros.cf(0.0f) : zeros.c(0);
    }
    result = vector::InsertOp::create(b, loc, out, result, k);
  }
  return result;
}
