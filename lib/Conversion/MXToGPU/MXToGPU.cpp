//===- MXToGPU.cpp - mx Q/DQ as parallel loops over block tiles -----------===//
//
// Part of mx-opt. Lowers mx quantize, dequantize and fake quantization to
// scf.forall loops over tiles of quantization blocks (the form that maps to
// GPU blocks and threads). The body of each iteration is the CPU lowering of
// its tile (emitQuantize / emitDequantize / emitFakeQuant of
// MXToVector.h), so both share one definition of the numerics; for blocks
// of f8/f4 elements on chips that have them, the element conversion uses the
// packed NVVM cvt operations instead (or, to test them on the CPU, the
// integer conversion in the same packed-pair structure).
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToGPU/MXToGPU.h"
#include "../MXToVector/TileFormats.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXTOPARALLELBLOCKS
#define GEN_PASS_DEF_MXEXPANDROUNDING
#define GEN_PASS_DEF_MXPREPAREGPUBUFFERS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;
using namespace mx::numerics;

std::optional<GPUChipInfo> mx::parseGPUChip(StringRef chip) {
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  bool familySpecific = chip.consume_back("a") || chip.consume_back("f");
  unsigned version;
  if (chip.empty() || chip.getAsInteger(10, version))
    return std::nullopt;
  GPUChipInfo info;
  info.f8x2 = version >= 89;
  info.f8MMA = version >= 89;
  // The f4/f6 conversions exist on the sm_100a family-specific targets
  // (sm_100a, sm_101a/sm_110a, sm_103a, sm_120a, sm_121a), not on sm_100.
  info.f4f6x2 = familySpecific && version >= 100;
  // The block-scaled mma.sync: sm_120a / sm_120f / sm_121a (LLVM 22 cannot
  // select it for sm_100a or plain sm_120).
  info.blockScaleMMA = familySpecific && (version == 120 || version == 121);
  return info;
}

namespace {

//===----------------------------------------------------------------------===//
// Tiles
//===----------------------------------------------------------------------===//

/// How a tensor is cut into tiles: `tile` elements per tile along each
/// dimension (dividing the dimension), `counts` tiles along each.
struct Tiling {
  SmallVector<int64_t> shape, tile, counts;
  int64_t numTiles() const {
    int64_t n = 1;
    for (int64_t c : counts)
      n *= c;
    return n;
  }
};

/// Elements of the last dimension that share bytes of packed data.
int64_t packGroup(const FormatSpec &spec) {
  unsigned bits = getStorageElementBits(spec);
  return bits == 4 ? 2 : bits == 6 ? 4 : 1;
}

/// Whether the scale of one element depends on the whole tensor.
bool needsWholeTensor(const FormatSpec &spec, bool staticScale) {
  if (spec.granularity == Granularity::Tensor)
    return !staticScale || spec.zeroPoint;
  // A calibrated (static) tensor scale leaves the blocks independent.
  return spec.granularity == Granularity::Block && spec.tensorScale &&
         !staticScale;
}

/// The first of `sizes` that divides `n`, else `n`.
int64_t pickTile(int64_t n, ArrayRef<int64_t> sizes) {
  for (int64_t size : sizes)
    if (size > 0 && n % size == 0)
      return size;
  return n;
}

FailureOr<Tiling> chooseTiling(RankedTensorType type, const FormatSpec &spec,
                               int64_t axis, bool staticScale,
                               Operation *diagOp) {
  if (!type.hasStaticShape())
    return diagOp->emitOpError(
        "the parallel-block (GPU) lowering needs static shapes");
  Tiling t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  int64_t r = type.getRank();
  t.tile.assign(r, 1);
  if (needsWholeTensor(spec, staticScale)) {
    t.tile = t.shape;
  } else {
    switch (spec.granularity) {
    case Granularity::Tensor: // a static scale: one row per tile
      if (r > 0)
        t.tile[r - 1] = t.shape[r - 1];
      break;
    case Granularity::Channel:
      t.tile = t.shape;
      t.tile[axis] = 1;
      break;
    case Granularity::Block: {
      // The tiles of the CPU lowering: four blocks of a row (their scales
      // are computed together), or 16 blocks side by side along the last
      // dimension; fewer when they do not divide the tensor.
      int64_t k = spec.blockSize;
      if (axis == r - 1) {
        t.tile[axis] = pickTile(t.shape[axis], {4 * k, k});
      } else {
        t.tile[axis] = pickTile(t.shape[axis], {k});
        t.tile[r - 1] = pickTile(t.shape[r - 1], {16, packGroup(spec)});
      }
      break;
    }
    }
  }
  for (int64_t d = 0; d < r; ++d)
    t.counts.push_back(t.tile[d] == 0 ? 1 : t.shape[d] / t.tile[d]);
  return t;
}

/// A tensor that is cut along with the tiles: dimension d of the tensor
/// follows dimension srcDims[d] of the tiled tensor, `tile` elements per
/// tile. Rank-0 tensors are not cut.
struct TiledOperand {
  RankedTensorType full, tile;
  SmallVector<int64_t> srcDims;
};

TiledOperand tiledOperand(RankedTensorType full, RankedTensorType tile,
                          int64_t rank, int64_t axis) {
  TiledOperand op{full, tile, {}};
  for (int64_t d = 0; d < full.getRank(); ++d)
    op.srcDims.push_back(full.getRank() == rank ? d : axis);
  return op;
}

struct SliceGeometry {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

SliceGeometry sliceOf(OpBuilder &b, Location loc, const TiledOperand &op,
                      ValueRange tileIdx) {
  SliceGeometry g;
  for (int64_t d = 0; d < op.full.getRank(); ++d) {
    int64_t size = op.tile.getDimSize(d);
    Value idx = tileIdx[op.srcDims[d]];
    AffineExpr e = b.getAffineDimExpr(0) * size;
    g.offsets.push_back(affine::makeComposedFoldedAffineApply(
        b, loc, AffineMap::get(1, 0, e), {OpFoldResult(idx)}));
    g.sizes.push_back(b.getIndexAttr(size));
    g.strides.push_back(b.getIndexAttr(1));
  }
  return g;
}

Value extractTile(OpBuilder &b, Location loc, Value full,
                  const TiledOperand &op, ValueRange tileIdx) {
  if (op.full.getRank() == 0)
    return full;
  SliceGeometry g = sliceOf(b, loc, op, tileIdx);
  return tensor::ExtractSliceOp::create(b, loc, op.tile, full, g.offsets,
                                        g.sizes, g.strides);
}

/// Builds `scf.forall` over the tiles of `t` writing `outs` (cut as
/// `outOps`); `body` returns one tile per output from the tile indices.
FailureOr<SmallVector<Value>>
buildTileLoop(OpBuilder &b, Location loc, const Tiling &t,
              ArrayRef<TiledOperand> outOps,
              function_ref<FailureOr<SmallVector<Value>>(OpBuilder &, Location,
                                                         ValueRange)>
                  body) {
  SmallVector<Value> outs;
  for (const TiledOperand &op : outOps)
    outs.push_back(tensor::EmptyOp::create(b, loc, op.full.getShape(),
                                           op.full.getElementType()));
  bool ok = true;
  // A single tile (whole-tensor scales: dynamic per-tensor INT8, NVFP4) is
  // mapped to one GPU block explicitly: canonicalization folds an unmapped
  // one-iteration scf.forall into its parent, which left the tile on the
  // host (reading device memory); mx-map-warp-kernels launches it.
  std::optional<ArrayAttr> mapping;
  if (t.numTiles() == 1)
    mapping = b.getArrayAttr(
        {gpu::GPUBlockMappingAttr::get(b.getContext(), gpu::MappingId::DimX)});
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(t.numTiles())}, outs,
      mapping, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value iv = args[0];
        SmallVector<Value> idx;
        if (t.counts.size() == 1) {
          idx.push_back(iv);
        } else if (!t.counts.empty()) {
          SmallVector<OpFoldResult> basis;
          for (int64_t c : t.counts)
            basis.push_back(b.getIndexAttr(c));
          auto delin = affine::AffineDelinearizeIndexOp::create(
              b, loc, iv, basis, /*hasOuterBound=*/true);
          llvm::append_range(idx, delin.getResults());
        }
        FailureOr<SmallVector<Value>> tiles = body(b, loc, idx);
        if (failed(tiles)) {
          ok = false;
          return;
        }
        // Offsets are computed before the terminator, which holds only the
        // parallel inserts.
        SmallVector<SliceGeometry> geometries;
        for (const TiledOperand &op : outOps)
          geometries.push_back(sliceOf(b, loc, op, idx));
        auto inParallel = scf::InParallelOp::create(b, loc);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        ValueRange shared = args.drop_front(1);
        for (auto [tile, g, dest] : llvm::zip(*tiles, geometries, shared))
          tensor::ParallelInsertSliceOp::create(b, loc, tile, dest, g.offsets,
                                                g.sizes, g.strides);
      });
  if (!ok)
    return failure();
  return SmallVector<Value>(forall.getResults());
}

//===----------------------------------------------------------------------===//
// Packed-pair kernels (NVVM cvt)
//===----------------------------------------------------------------------===//

/// Whether the elements of `spec` convert by pairs with a cvt instruction
/// of `chip` (or its emulation): f8 elements (or, where the chip has the
/// conversions, f4), rounded to nearest even.
bool hasPairConversion(const FormatSpec &spec, GPUChipInfo chip,
                       BlockConversion conv) {
  if (conv == BlockConversion::Integer)
    return false;
  if (conv == BlockConversion::EmulatedPairs)
    chip = GPUChipInfo{true, true};
  if (!spec.hasFloatElement() || spec.rounding != Rounding::NearestEven)
    return false;
  switch (spec.element) {
  case ElementKind::F8E4M3FN:
  case ElementKind::F8E5M2:
    return chip.f8x2;
  case ElementKind::F4E2M1FN:
    return chip.f4f6x2;
  default: // f6 packs four codes into three bytes: integer kernels for now
    return false;
  }
}

/// Which block tiles get the packed-pair kernel: E8M0 blocks with pair
/// conversions along the last axis, from f32 data, one block per tile.
bool usesPairKernel(const FormatSpec &spec, GPUChipInfo chip,
                    BlockConversion conv, const Tiling &t, int64_t axis,
                    Type floatElem) {
  if (spec.granularity != Granularity::Block || spec.scale != ScaleKind::E8M0 ||
      spec.tensorScale || !floatElem.isF32())
    return false;
  int64_t r = t.shape.size();
  if (axis != r - 1 || t.shape[axis] % spec.blockSize != 0 ||
      spec.blockSize % 2 != 0)
    return false;
  return hasPairConversion(spec, chip, conv);
}

/// Pair kernels take one block per tile.
void useSingleBlocks(Tiling &t, int64_t axis, int64_t blockSize) {
  t.tile[axis] = blockSize;
  t.counts[axis] = t.shape[axis] / blockSize;
}

/// The NVVM element type of a packed conversion.
Type nvvmElementType(OpBuilder &b, ElementKind kind) {
  switch (kind) {
  case ElementKind::F8E4M3FN:
    return b.getType<Float8E4M3FNType>();
  case ElementKind::F8E5M2:
    return b.getType<Float8E5M2Type>();
  default:
    return b.getType<Float4E2M1FNType>();
  }
}

/// The code of an already scaled f32 value `v` rounded to the element grid
/// (nearest even, saturating to the largest finite value): what
/// cvt.rn.satfinite computes, written with the integer numerics.
Value emulatedCode(OpBuilder &b, Location loc, Value v,
                   const FormatSpec &spec) {
  NumericsEmitter s(b, loc, {});
  E8M0Scale<NumericsEmitter> unit;
  unit.code = s.c(127);
  unit.down = s.cf(1.0f);
  unit.up = s.cf(1.0f);
  unit.isNaN = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  return encodeE8M0Element(s, v, unit, spec);
}

/// The packed bytes of one block of scaled f32 values `scaled`
/// (vector<K x f32>): K bytes for f8 elements, K/2 for f4 (element 2i in
/// the low nibble), as the storage layout defines them.
Value packPairs(OpBuilder &b, Location loc, Value scaled,
                const FormatSpec &spec, bool emulate) {
  int64_t k = cast<VectorType>(scaled.getType()).getDimSize(0);
  bool f4 = spec.element == ElementKind::F4E2M1FN;
  Type i8 = b.getI8Type();
  SmallVector<Value> bytes;
  for (int64_t i = 0; i < k; i += 2) {
    Value lo = vector::ExtractOp::create(b, loc, scaled, i);
    Value hi = vector::ExtractOp::create(b, loc, scaled, i + 1);
    if (emulate) {
      NumericsEmitter s(b, loc, {});
      Value cLo = emulatedCode(b, loc, lo, spec);
      Value cHi = emulatedCode(b, loc, hi, spec);
      if (f4) {
        Value byte = s.bor(s.shl(cHi, s.c(4)), cLo);
        bytes.push_back(arith::TruncIOp::create(b, loc, i8, byte));
      } else {
        bytes.push_back(arith::TruncIOp::create(b, loc, i8, cLo));
        bytes.push_back(arith::TruncIOp::create(b, loc, i8, cHi));
      }
      continue;
    }
    // The first operand lands in the high half of the pair.
    TypeAttr dstTy = TypeAttr::get(nvvmElementType(b, spec.element));
    if (f4) {
      bytes.push_back(NVVM::ConvertF32x2ToF4x2Op::create(
          b, loc, i8, hi, lo, b.getBoolAttr(false), dstTy));
      continue;
    }
    Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
        b, loc, VectorType::get({2}, i8), hi, lo,
        NVVM::FPRoundingModeAttr::get(b.getContext(), NVVM::FPRoundingMode::RN),
        NVVM::SaturationModeAttr::get(b.getContext(),
                                      NVVM::SaturationMode::SATFINITE),
        b.getBoolAttr(false), dstTy);
    bytes.push_back(vector::ExtractOp::create(b, loc, pair, 0));
    bytes.push_back(vector::ExtractOp::create(b, loc, pair, 1));
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({(int64_t)bytes.size()}, i8), bytes);
}

/// The element codes (vector<K x i32>) of packed bytes.
Value unpackCodes(OpBuilder &b, Location loc, Value bytes,
                  const FormatSpec &spec) {
  int64_t n = cast<VectorType>(bytes.getType()).getDimSize(0);
  auto i32s = [&](int64_t len) {
    return VectorType::get({len}, b.getI32Type());
  };
  Value wide = arith::ExtUIOp::create(b, loc, i32s(n), bytes);
  if (spec.element != ElementKind::F4E2M1FN)
    return wide;
  NumericsEmitter t(b, loc, {n});
  Value lo = t.band(wide, t.c(0xF));
  Value hi = t.lshr(wide, t.c(4));
  return vector::InterleaveOp::create(b, loc, lo, hi);
}

struct PairBlock {
  Value bytes; ///< Packed codes of the block (zero for a NaN block).
  E8M0Scale<NumericsEmitter> scale;
};

/// Quantizes the f32 block tile `x` (shape [1, ..., 1, K]).
PairBlock quantizePairBlock(OpBuilder &b, Location loc, Value x,
                            const FormatSpec &spec, bool emulate) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t k = type.getShape().back();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  SmallVector<Value> idx(type.getRank(), zero);
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  auto vecType = VectorType::get({k}, b.getF32Type());
  Value v = vector::TransferReadOp::create(b, loc, vecType, x, idx, pad,
                                           ArrayRef<bool>{true});
  NumericsEmitter s(b, loc, {});
  PairBlock r;
  r.scale = e8m0ScaleFromAmax(s, blockAmaxBits1D(b, loc, v), spec);
  Value down = vector::BroadcastOp::create(b, loc, vecType, r.scale.down);
  Value scaled = arith::MulFOp::create(b, loc, v, down);
  Value bytes = packPairs(b, loc, scaled, spec, emulate);
  auto bytesType = cast<VectorType>(bytes.getType());
  Value nan = vector::BroadcastOp::create(
      b, loc, VectorType::get(bytesType.getShape(), b.getI1Type()),
      r.scale.isNaN);
  Value zeros = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(bytesType, b.getI8IntegerAttr(0)));
  r.bytes = arith::SelectOp::create(b, loc, nan, zeros, bytes);
  return r;
}

/// The quantized block of the tile `x` when the tiles take the pair kernel.
std::optional<PairBlock> pairBlockOf(OpBuilder &b, Location loc, Value x,
                                     bool pairs, const FormatSpec &spec,
                                     BlockConversion conv) {
  if (!pairs)
    return std::nullopt;
  return quantizePairBlock(b, loc, x, spec,
                           conv == BlockConversion::EmulatedPairs);
}

/// Writes the vector `v` into a new tensor of `shape` (trailing dim = the
/// vector's length, other dims 1).
Value vectorToTile(OpBuilder &b, Location loc, Value v,
                   ArrayRef<int64_t> shape) {
  auto vt = cast<VectorType>(v.getType());
  Value empty = tensor::EmptyOp::create(b, loc, shape, vt.getElementType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  SmallVector<Value> idx(shape.size(), zero);
  return vector::TransferWriteOp::create(b, loc, v, empty, idx,
                                         ArrayRef<bool>{true})
      .getResult();
}

/// The decoded f32 block of a pair kernel.
Value decodePairBlock(OpBuilder &b, Location loc, const PairBlock &blk,
                      const FormatSpec &spec) {
  Value codes = unpackCodes(b, loc, blk.bytes, spec);
  int64_t k = cast<VectorType>(codes.getType()).getDimSize(0);
  NumericsEmitter t(b, loc, {k});
  auto spread = [&](Value scalar) -> Value {
    return vector::BroadcastOp::create(
        b, loc, VectorType::get({k}, scalar.getType()), scalar);
  };
  E8M0Scale<NumericsEmitter> s{spread(blk.scale.code), spread(blk.scale.down),
                               spread(blk.scale.up), spread(blk.scale.isNaN)};
  return decodeE8M0Element(t, codes, s, spec);
}

//===----------------------------------------------------------------------===//
// Warp kernels
//===----------------------------------------------------------------------===//
//
// One GPU lane per pair of elements (per four f4 elements): a block of K
// elements is K/2 (K/4) lanes of a warp (16 lanes for K = 32: two blocks per
// warp; 8 for f4), the lanes of a block are aligned groups (dividing 32), and
// the block maximum is a butterfly of gpu.shuffle xor over the group
// (offsets half the group, ..., 1, each lane ends with the group's maximum)
// on the integer bits of |x| (sign cleared: integer order is the order of
// the magnitudes, NaN above Inf, as in blockAmaxBits). The shared exponent
// and the element codes are the integer numerics of Numerics.h (or the
// pairs' cvt), and each lane stores its two packed bytes (two f8 / MXINT8
// codes, or two bytes of two f4 codes: one 16-bit store where the buffer's
// alignment is known); the first lane of a group stores the block's E8M0
// scale.
//
// The CPU test path (emulate-warps) builds the same lane code on vector<32>
// values, one element per lane, and every shuffle as a vector.shuffle whose
// mask is the xor permutation of the lanes: the same reduction tree, the
// same per-lane numerics.

constexpr int64_t kWarpSize = 32;

/// Lane values: scalars of one GPU lane, or the 32 lanes of a warp as
/// vector<32> (the CPU emulation).
struct WarpLanes {
  OpBuilder &b;
  Location loc;
  bool emulate;

  SmallVector<int64_t> shape() const {
    return emulate ? SmallVector<int64_t>{kWarpSize} : SmallVector<int64_t>{};
  }
  /// The value of lane `lane ^ offset` in every lane.
  Value shuffleXor(Value v, int64_t offset) {
    if (!emulate)
      return gpu::ShuffleOp::create(b, loc, v, static_cast<int32_t>(offset),
                                    static_cast<int32_t>(kWarpSize),
                                    gpu::ShuffleMode::XOR)
          .getShuffleResult();
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < kWarpSize; ++i)
      mask.push_back(i ^ offset);
    return vector::ShuffleOp::create(b, loc, v, v, mask);
  }
  Value truncToI8(Value v) {
    NumericsEmitter o(b, loc, shape());
    Type i8 = emulate ? Type(VectorType::get(shape(), b.getI8Type()))
                      : Type(b.getI8Type());
    return arith::TruncIOp::create(b, loc, i8, v);
  }
};

/// Elements per lane of a warp kernel: two (two f8 / MXINT8 code bytes),
/// four for f4 (two bytes of two codes each), so every lane stores two
/// bytes, one 16-bit store.
int64_t elementsPerLane(const FormatSpec &spec) {
  return getStorageElementBits(spec) == 4 ? 4 : 2;
}

/// Whether quantizing `type` along `axis` in `spec` gets the warp kernel.
bool usesWarpKernel(const FormatSpec &spec, WarpQuantOptions warp,
                    RankedTensorType type, int64_t axis) {
  if (!warp.enabled || spec.granularity != Granularity::Block ||
      spec.scale != ScaleKind::E8M0 || spec.tensorScale ||
      !type.getElementType().isF32() || !type.hasStaticShape())
    return false;
  // OCP f8 / f4 and MXINT8 elements (not the shared-microexponent family).
  if (spec.element != ElementKind::F8E4M3FN &&
      spec.element != ElementKind::F8E5M2 &&
      spec.element != ElementKind::F4E2M1FN && spec.element != ElementKind::I8)
    return false;
  if (spec.subBlockSize != 0 || spec.expBits != 8)
    return false;
  int64_t r = type.getRank(), k = spec.blockSize;
  if (r == 0 || axis != r - 1)
    return false;
  int64_t perLane = elementsPerLane(spec);
  if (k % perLane != 0 || kWarpSize % (k / perLane) != 0 ||
      type.getShape()[axis] % k != 0)
    return false;
  // Whole warps of lanes (shfl.sync with a full mask needs all 32).
  return (type.getNumElements() / perLane) % kWarpSize == 0;
}

/// What one lane (or the emulated warp) computes for its element pair.
struct LaneQuant {
  SmallVector<Value> bytes; ///< Packed data bytes (i8), two per lane.
  Value scaleCode;          ///< i8 E8M0 code of the lane's block.
  SmallVector<Value> ys;    ///< Fake-quantized values (when asked for).
};

/// The codes (i32) and fake-quantized values of one element pair (x0, x1)
/// of each lane, with the block's scale.
struct PairCodes {
  Value c0, c1, y0, y1;
};
PairCodes quantizePair(WarpLanes &w, NumericsEmitter &s, Value x0, Value x1,
                       const E8M0Scale<NumericsEmitter> &scale,
                       const FormatSpec &spec, bool cvt, bool fakeQuant) {
  OpBuilder &b = w.b;
  Location loc = w.loc;
  bool f4 = getStorageElementBits(spec) == 4;
  PairCodes r;
  Value &c0 = r.c0, &c1 = r.c1; // i32 codes
  if (!cvt) {
    c0 = encodeE8M0Element(s, x0, scale, spec);
    c1 = encodeE8M0Element(s, x1, scale, spec);
    if (fakeQuant) {
      r.y0 = fakeQuantE8M0Element(s, x0, scale, spec);
      r.y1 = fakeQuantE8M0Element(s, x1, scale, spec);
    }
  } else {
    Value s0 = s.fmul(x0, scale.down), s1 = s.fmul(x1, scale.down);
    if (w.emulate) {
      // What cvt.rn.satfinite computes on the scaled pair.
      E8M0Scale<NumericsEmitter> unit{s.c(127), s.cf(1.0f), s.cf(1.0f),
                                      s.ne(s.c(0), s.c(0))};
      c0 = encodeE8M0Element(s, s0, unit, spec);
      c1 = encodeE8M0Element(s, s1, unit, spec);
    } else {
      TypeAttr dstTy = TypeAttr::get(nvvmElementType(b, spec.element));
      // The first operand lands in the high half of the pair.
      if (f4) {
        Value byte = NVVM::ConvertF32x2ToF4x2Op::create(
            b, loc, b.getI8Type(), s1, s0, b.getBoolAttr(false), dstTy);
        Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
        c0 = s.band(wide, s.c(0xF));
        c1 = s.lshr(wide, s.c(4));
      } else {
        Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
            b, loc, VectorType::get({2}, b.getI8Type()), s1, s0,
            NVVM::FPRoundingModeAttr::get(b.getContext(),
                                          NVVM::FPRoundingMode::RN),
            NVVM::SaturationModeAttr::get(b.getContext(),
                                          NVVM::SaturationMode::SATFINITE),
            b.getBoolAttr(false), dstTy);
        auto code = [&](int64_t i) {
          Value byte = vector::ExtractOp::create(b, loc, pair, i);
          return arith::ExtUIOp::create(b, loc, b.getI32Type(), byte)
              .getResult();
        };
        c0 = code(0);
        c1 = code(1);
      }
    }
    // NaN blocks store zero codes (scale 0xFF), as on the CPU.
    c0 = s.sel(scale.isNaN, s.c(0), c0);
    c1 = s.sel(scale.isNaN, s.c(0), c1);
    if (fakeQuant) {
      r.y0 = decodeE8M0Element(s, c0, scale, spec);
      r.y1 = decodeE8M0Element(s, c1, scale, spec);
    }
  }
  return r;
}

/// Quantizes the elements `xs` of each lane (two, or four for f4).
LaneQuant quantizeLanes(WarpLanes &w, ArrayRef<Value> xs,
                        const FormatSpec &spec, bool cvt, bool fakeQuant) {
  NumericsEmitter s(w.b, w.loc, w.shape());
  Value amax;
  for (Value x : xs) {
    Value a = s.band(s.fToBits(x), s.c(0x7FFFFFFF));
    amax = amax ? s.smax(amax, a) : a;
  }
  int64_t groupLanes = spec.blockSize / static_cast<int64_t>(xs.size());
  for (int64_t offset = groupLanes / 2; offset >= 1; offset /= 2)
    amax = s.smax(amax, w.shuffleXor(amax, offset));
  E8M0Scale<NumericsEmitter> scale = e8m0ScaleFromAmax(s, amax, spec);
  LaneQuant r;
  r.scaleCode = w.truncToI8(scale.code);
  bool f4 = getStorageElementBits(spec) == 4;
  for (size_t i = 0; i + 1 < xs.size(); i += 2) {
    PairCodes p =
        quantizePair(w, s, xs[i], xs[i + 1], scale, spec, cvt, fakeQuant);
    if (f4) {
      r.bytes.push_back(w.truncToI8(s.bor(s.shl(p.c1, s.c(4)), p.c0)));
    } else {
      r.bytes.push_back(w.truncToI8(p.c0));
      r.bytes.push_back(w.truncToI8(p.c1));
    }
    if (fakeQuant) {
      r.ys.push_back(p.y0);
      r.ys.push_back(p.y1);
    }
  }
  return r;
}

/// The warp kernel on the flat (1-D) f32 tensor `input`: its fake
/// quantization (one result), or its data and scale parts.
SmallVector<Value> buildWarpKernel(OpBuilder &b, Location loc, Value input,
                                   const FormatSpec &spec, bool cvt,
                                   bool emulate, bool fakeQuant) {
  int64_t numel = cast<RankedTensorType>(input.getType()).getDimSize(0);
  int64_t perLane = elementsPerLane(spec);
  int64_t lanes = numel / perLane, warps = lanes / kWarpSize;
  int64_t groupLanes = spec.blockSize / perLane;
  bool f4 = getStorageElementBits(spec) == 4;
  int64_t bytesPerLane = 2;
  Type i8 = b.getI8Type(), f32 = b.getF32Type();
  SmallVector<RankedTensorType> outTypes;
  if (fakeQuant) {
    outTypes.push_back(RankedTensorType::get({numel}, f32));
  } else {
    outTypes.push_back(RankedTensorType::get({lanes * bytesPerLane}, i8));
    outTypes.push_back(RankedTensorType::get({numel / spec.blockSize}, i8));
  }
  SmallVector<Value> outs;
  for (RankedTensorType t : outTypes)
    outs.push_back(
        tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType()));

  // GPU: (CTAs, threads) mapped to blocks and threads, up to four warps per
  // CTA. CPU emulation: one iteration per warp.
  SmallVector<OpFoldResult> ubs;
  std::optional<ArrayAttr> mapping;
  int64_t threads = kWarpSize;
  if (emulate) {
    ubs.push_back(b.getIndexAttr(warps));
  } else {
    int64_t perCTA = warps % 4 == 0 ? 4 : warps % 2 == 0 ? 2 : 1;
    threads = perCTA * kWarpSize;
    ubs = {b.getIndexAttr(warps / perCTA), b.getIndexAttr(threads)};
    mapping = b.getArrayAttr(
        {gpu::GPUBlockMappingAttr::get(b.getContext(), gpu::MappingId::DimX),
         gpu::GPUThreadMappingAttr::get(b.getContext(), gpu::MappingId::DimX)});
  }
  auto forall = scf::ForallOp::create(
      b, loc, ubs, outs, mapping,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        WarpLanes w{b, loc, emulate};
        auto idx = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(b, loc, v);
        };
        auto mul = [&](Value x, int64_t c) -> Value {
          return arith::MulIOp::create(b, loc, x, idx(c));
        };
        SmallVector<Value> xs;
        Value first; // the lane's (the warp's) first element index
        if (emulate) {
          first = mul(args[0], perLane * kWarpSize);
          auto vt = VectorType::get({perLane * kWarpSize}, f32);
          Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
          Value v = vector::TransferReadOp::create(
              b, loc, vt, input, ValueRange{first}, pad, ArrayRef<bool>{true});
          // Element j of every lane: x[perLane * l + j].
          auto de = vector::DeinterleaveOp::create(b, loc, v);
          if (perLane == 2) {
            xs = {de.getRes1(), de.getRes2()};
          } else {
            auto even = vector::DeinterleaveOp::create(b, loc, de.getRes1());
            auto odd = vector::DeinterleaveOp::create(b, loc, de.getRes2());
            xs = {even.getRes1(), odd.getRes1(), even.getRes2(), odd.getRes2()};
          }
        } else {
          Value lane =
              arith::AddIOp::create(b, loc, mul(args[0], threads), args[1]);
          first = mul(lane, perLane);
          for (int64_t j = 0; j < perLane; ++j) {
            Value at =
                j == 0
                    ? first
                    : arith::AddIOp::create(b, loc, first, idx(j)).getResult();
            xs.push_back(tensor::ExtractOp::create(b, loc, input, at));
          }
        }
        LaneQuant q = quantizeLanes(w, xs, spec, cvt, fakeQuant);

        // Tiles to insert: (tile, offset, size).
        struct Insert {
          Value tile;
          OpFoldResult offset, size;
        };
        SmallVector<Insert> inserts;
        auto divIdx = [&](Value x, int64_t c) -> Value {
          return arith::DivUIOp::create(b, loc, x, idx(c));
        };
        auto toTensor = [&](Value v, int64_t n, Type elem) -> Value {
          auto tt = RankedTensorType::get({n}, elem);
          if (!emulate)
            return tensor::FromElementsOp::create(b, loc, tt, v);
          Value empty = tensor::EmptyOp::create(b, loc, tt.getShape(), elem);
          return vector::TransferWriteOp::create(
                     b, loc, v, empty, ValueRange{idx(0)}, ArrayRef<bool>{true})
              .getResult();
        };
        auto pairOf = [&](Value a, Value c) -> Value {
          if (emulate)
            return vector::InterleaveOp::create(b, loc, a, c);
          return vector::FromElementsOp::create(
              b, loc, VectorType::get({2}, a.getType()), ValueRange{a, c});
        };
        int64_t lanesHere = emulate ? kWarpSize : 1;
        if (fakeQuant) {
          Value t;
          if (!emulate) {
            t = tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({perLane}, f32), q.ys);
          } else {
            // Lane order (the inverse of the deinterleaving above).
            Value y = perLane == 2 ? pairOf(q.ys[0], q.ys[1])
                                   : pairOf(pairOf(q.ys[0], q.ys[2]),
                                            pairOf(q.ys[1], q.ys[3]));
            t = toTensor(y, perLane * kWarpSize, f32);
          }
          inserts.push_back({t, first, b.getIndexAttr(perLane * lanesHere)});
        } else {
          // Two bytes per lane: two f8 / MXINT8 codes or two bytes of two
          // f4 codes each.
          Value data = emulate ? toTensor(pairOf(q.bytes[0], q.bytes[1]),
                                          2 * kWarpSize, i8)
                               : tensor::FromElementsOp::create(
                                     b, loc, RankedTensorType::get({2}, i8),
                                     ValueRange{q.bytes[0], q.bytes[1]})
                                     .getResult();
          Value dataOffset = f4 ? divIdx(first, 2) : first;
          inserts.push_back(
              {data, dataOffset, b.getIndexAttr(bytesPerLane * lanesHere)});
          Value scaleOffset = divIdx(first, spec.blockSize);
          if (emulate) {
            // The first lane of each group holds its block's scale.
            SmallVector<int64_t> mask;
            for (int64_t l = 0; l < kWarpSize; l += groupLanes)
              mask.push_back(l);
            Value codes = vector::ShuffleOp::create(b, loc, q.scaleCode,
                                                    q.scaleCode, mask);
            inserts.push_back({toTensor(codes, mask.size(), i8), scaleOffset,
                               b.getIndexAttr(mask.size())});
          } else {
            // Only the first lane of a group stores the scale: the others
            // insert an empty slice.
            Value laneInGroup = arith::RemUIOp::create(
                b, loc, divIdx(first, perLane), idx(groupLanes));
            Value isFirst = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, laneInGroup, idx(0));
            Value n = arith::SelectOp::create(b, loc, isFirst, idx(1), idx(0));
            Value one = tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({1}, i8),
                ValueRange{q.scaleCode});
            Value slice = tensor::ExtractSliceOp::create(
                b, loc, one, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
                ArrayRef<OpFoldResult>{n},
                ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
            inserts.push_back({slice, scaleOffset, n});
          }
        }
        auto inParallel = scf::InParallelOp::create(b, loc);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(inParallel.getBody());
        for (auto [ins, dest] : llvm::zip(inserts, args.take_back(outs.size())))
          tensor::ParallelInsertSliceOp::create(
              b, loc, ins.tile, dest, ArrayRef<OpFoldResult>{ins.offset},
              ArrayRef<OpFoldResult>{ins.size},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
      });
  return SmallVector<Value>(forall.getResults());
}

/// `v` (rank 1) reshaped to `type`, or the flat form of a tensor.
Value reshapeFlat(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  if (type.getRank() == 1)
    return v;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, type, v,
                                       ArrayRef<ReassociationIndices>{all});
}
Value flatten(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 1)
    return v;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::CollapseShapeOp::create(b, loc, v,
                                         ArrayRef<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

std::optional<float> staticScaleOf(QuantizeOp op) {
  if (FloatAttr s = op.getStaticScaleAttr())
    return static_cast<float>(s.getValueAsDouble());
  return std::nullopt;
}

LogicalResult checkResolved(QuantizeOp op) {
  if (!op.isUnresolved())
    return success();
  return op.emitOpError() << "tensor '" << *op.getCalibration()
                          << "' has no calibrated scale: run mx-infer-scales "
                             "before lowering";
}

/// Fake quantization of `input` in tiles.
FailureOr<Value> emitTiledFakeQuant(OpBuilder &b, Location loc, Value input,
                                    const FormatSpec &spec, int64_t axis,
                                    std::optional<float> staticScale,
                                    GPUChipInfo chip, BlockConversion conv,
                                    WarpQuantOptions warp, Operation *diagOp) {
  auto type = cast<RankedTensorType>(input.getType());
  if (usesWarpKernel(spec, warp, type, axis)) {
    Value flat = buildWarpKernel(b, loc, flatten(b, loc, input), spec,
                                 hasPairConversion(spec, chip, conv),
                                 warp.emulate, /*fakeQuant=*/true)[0];
    return reshapeFlat(b, loc, flat, type);
  }
  FailureOr<Tiling> t =
      chooseTiling(type, spec, axis, staticScale.has_value(), diagOp);
  if (failed(t))
    return failure();
  auto tileType = RankedTensorType::get(t->tile, type.getElementType());
  TiledOperand io = tiledOperand(type, tileType, type.getRank(), axis);
  bool pairs =
      usesPairKernel(spec, chip, conv, *t, axis, type.getElementType());
  if (pairs) {
    useSingleBlocks(*t, axis, spec.blockSize);
    tileType = RankedTensorType::get(t->tile, type.getElementType());
    io = tiledOperand(type, tileType, type.getRank(), axis);
  }
  FailureOr<SmallVector<Value>> results = buildTileLoop(
      b, loc, *t, {io},
      [&](OpBuilder &b, Location loc,
          ValueRange idx) -> FailureOr<SmallVector<Value>> {
        Value x = extractTile(b, loc, input, io, idx);
        if (std::optional<PairBlock> blk =
                pairBlockOf(b, loc, x, pairs, spec, conv))
          return SmallVector<Value>{vectorToTile(
              b, loc, decodePairBlock(b, loc, *blk, spec), t->tile)};
        FailureOr<Value> y =
            emitFakeQuant(b, loc, x, spec, axis, diagOp, staticScale);
        if (failed(y))
          return failure();
        return SmallVector<Value>{*y};
      });
  if (failed(results))
    return failure();
  return (*results)[0];
}

struct FakeQuantToBlocks : OpRewritePattern<FakeQuantOp> {
  FakeQuantToBlocks(MLIRContext *ctx, GPUChipInfo chip, BlockConversion conv,
                    WarpQuantOptions warp)
      : OpRewritePattern(ctx), chip(chip), conv(conv), warp(warp) {}
  LogicalResult matchAndRewrite(FakeQuantOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Value> r = emitTiledFakeQuant(
        rewriter, op.getLoc(), op.getInput(), op.getFormat().getSpec(),
        op.getBlockAxis(), std::nullopt, chip, conv, warp, op);
    if (failed(r))
      return failure();
    rewriter.replaceOp(op, *r);
    return success();
  }
  GPUChipInfo chip;
  BlockConversion conv;
  WarpQuantOptions warp;
};

/// dequantize(quantize(x)) with no other use of the quantized value: a
/// fake quantization (no packed data in memory), as on the CPU.
struct QuantizeDequantizePairToBlocks : OpRewritePattern<DequantizeOp> {
  QuantizeDequantizePairToBlocks(MLIRContext *ctx, GPUChipInfo chip,
                                 BlockConversion conv, WarpQuantOptions warp)
      : OpRewritePattern(ctx), chip(chip), conv(conv), warp(warp) {}
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto q = op.getInput().getDefiningOp<QuantizeOp>();
    if (!q || !q->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not a quantize of one use");
    if (q.getInput().getType().getElementType() !=
        op.getType().getElementType())
      return rewriter.notifyMatchFailure(op, "float element types differ");
    if (matchPattern(q.getInput(), m_Constant()))
      return rewriter.notifyMatchFailure(op, "constants fold instead");
    if (failed(checkResolved(q)))
      return failure();
    QuantizedType qt = q.getQuantizedType();
    FailureOr<Value> r =
        emitTiledFakeQuant(rewriter, op.getLoc(), q.getInput(), qt.getSpec(),
                           qt.isPerTensor() ? 0 : qt.getAxis(),
                           staticScaleOf(q), chip, conv, warp, op);
    if (failed(r))
      return failure();
    rewriter.replaceOp(op, *r);
    rewriter.eraseOp(q);
    return success();
  }
  GPUChipInfo chip;
  BlockConversion conv;
  WarpQuantOptions warp;
};

/// mx.quantize -> storage parts computed tile by tile.
struct QuantizeToBlocks : OpConversionPattern<QuantizeOp> {
  QuantizeToBlocks(TypeConverter &converter, MLIRContext *ctx, GPUChipInfo chip,
                   BlockConversion conv, WarpQuantOptions warp)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), chip(chip),
        conv(conv), warp(warp) {}
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Constants are packed at compile time by the CPU pattern.
    if (matchPattern(op.getInput(), m_Constant()))
      return failure();
    if (failed(checkResolved(op)))
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    QuantizedType qt = op.getQuantizedType();
    FormatSpec spec = qt.getSpec();
    int64_t axis = std::max<int64_t>(qt.getAxis(), 0);
    std::optional<float> staticScale = staticScaleOf(op);
    if (usesWarpKernel(spec, warp, type, axis)) {
      SmallVector<RankedTensorType> fullParts =
          qt.getStorageTypes(type.getShape());
      SmallVector<Value> flat =
          buildWarpKernel(rewriter, loc, flatten(rewriter, loc, input), spec,
                          hasPairConversion(spec, chip, conv), warp.emulate,
                          /*fakeQuant=*/false);
      SmallVector<Value> parts;
      for (auto [v, full] : llvm::zip_equal(flat, fullParts))
        parts.push_back(reshapeFlat(rewriter, loc, v, full));
      rewriter.replaceOpWithMultiple(op, {parts});
      return success();
    }
    FailureOr<Tiling> t =
        chooseTiling(type, spec, axis, staticScale.has_value(), op);
    if (failed(t))
      return failure();
    bool pairs =
        usesPairKernel(spec, chip, conv, *t, axis, type.getElementType());
    if (pairs)
      useSingleBlocks(*t, axis, spec.blockSize);
    SmallVector<RankedTensorType> fullParts = qt.getStorageTypes(t->shape);
    SmallVector<RankedTensorType> tileParts = qt.getStorageTypes(t->tile);
    auto tileType = RankedTensorType::get(t->tile, type.getElementType());
    auto tileQType = RankedTensorType::get(t->tile, qt);
    TiledOperand in = tiledOperand(type, tileType, type.getRank(), axis);
    // Parts computed in the loop; a static per-tensor scale (rank 0) is a
    // constant made outside it.
    bool wholeTensor = t->numTiles() == 1;
    SmallVector<TiledOperand> outOps;
    SmallVector<unsigned> loopParts;
    for (unsigned i = 0; i < fullParts.size(); ++i) {
      if (fullParts[i].getRank() == 0 && !wholeTensor)
        continue;
      outOps.push_back(
          tiledOperand(fullParts[i], tileParts[i], type.getRank(), axis));
      loopParts.push_back(i);
    }
    FailureOr<SmallVector<Value>> results = buildTileLoop(
        rewriter, loc, *t, outOps,
        [&](OpBuilder &b, Location loc,
            ValueRange idx) -> FailureOr<SmallVector<Value>> {
          Value x = extractTile(b, loc, input, in, idx);
          if (std::optional<PairBlock> blk =
                  pairBlockOf(b, loc, x, pairs, spec, conv)) {
            Value data =
                vectorToTile(b, loc, blk->bytes, tileParts[0].getShape());
            Value code =
                arith::TruncIOp::create(b, loc, b.getI8Type(), blk->scale.code);
            Value scale = tensor::FromElementsOp::create(b, loc, tileParts[1],
                                                         ValueRange{code});
            return SmallVector<Value>{data, scale};
          }
          FailureOr<SmallVector<Value>> parts =
              emitQuantize(b, loc, x, tileQType, op, staticScale);
          if (failed(parts))
            return failure();
          SmallVector<Value> r;
          for (unsigned i : loopParts)
            r.push_back((*parts)[i]);
          return r;
        });
    if (failed(results))
      return failure();
    SmallVector<Value> parts;
    unsigned next = 0;
    for (unsigned i = 0; i < fullParts.size(); ++i) {
      if (next < loopParts.size() && loopParts[next] == i) {
        parts.push_back((*results)[next++]);
        continue;
      }
      // Only a static per-tensor scale is left out of the loop.
      Value s = arith::ConstantOp::create(
          rewriter, loc, rewriter.getF32FloatAttr(staticScale.value_or(1.0f)));
      parts.push_back(
          tensor::FromElementsOp::create(rewriter, loc, fullParts[i], s));
    }
    rewriter.replaceOpWithMultiple(op, {parts});
    return success();
  }
  GPUChipInfo chip;
  BlockConversion conv;
  WarpQuantOptions warp;
};

/// mx.dequantize of storage parts, tile by tile.
struct DequantizeToBlocks : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType qtype = op.getInput().getType();
    auto qt = cast<QuantizedType>(qtype.getElementType());
    FormatSpec spec = qt.getSpec();
    int64_t axis = std::max<int64_t>(qt.getAxis(), 0);
    // Decoding never needs the whole tensor: a per-tensor scale is stored.
    FailureOr<Tiling> t = chooseTiling(
        qtype, spec, axis,
        /*staticScale=*/spec.granularity == Granularity::Tensor, op);
    if (failed(t))
      return failure();
    if (spec.granularity == Granularity::Block && spec.tensorScale) {
      // The tensor scale is stored: blocks decode independently.
      int64_t k = spec.blockSize, r = t->shape.size();
      t->tile.assign(r, 1);
      if (axis == r - 1) {
        t->tile[axis] = pickTile(t->shape[axis], {4 * k, k});
      } else {
        t->tile[axis] = pickTile(t->shape[axis], {k});
        t->tile[r - 1] = pickTile(t->shape[r - 1], {16, packGroup(spec)});
      }
      for (int64_t d = 0; d < r; ++d)
        t->counts[d] = t->shape[d] / t->tile[d];
    }
    SmallVector<RankedTensorType> fullParts = qt.getStorageTypes(t->shape);
    SmallVector<RankedTensorType> tileParts = qt.getStorageTypes(t->tile);
    RankedTensorType resultType = op.getType();
    auto tileResult =
        RankedTensorType::get(t->tile, resultType.getElementType());
    auto tileQType = RankedTensorType::get(t->tile, qt);
    ValueRange parts = adaptor.getInput();
    TiledOperand out =
        tiledOperand(resultType, tileResult, resultType.getRank(), axis);
    FailureOr<SmallVector<Value>> results = buildTileLoop(
        rewriter, loc, *t, {out},
        [&](OpBuilder &b, Location loc,
            ValueRange idx) -> FailureOr<SmallVector<Value>> {
          SmallVector<Value> tiles;
          for (auto [part, full, tile] : llvm::zip(parts, fullParts, tileParts))
            tiles.push_back(extractTile(
                b, loc, part,
                tiledOperand(full, tile, resultType.getRank(), axis), idx));
          FailureOr<Value> y =
              emitDequantize(b, loc, tiles, tileQType, tileResult, op);
          if (failed(y))
            return failure();
          return SmallVector<Value>{*y};
        });
    if (failed(results))
      return failure();
    rewriter.replaceOp(op, (*results)[0]);
    return success();
  }
};

struct ConvertMXToParallelBlocksPass
    : mx::impl::ConvertMXToParallelBlocksBase<ConvertMXToParallelBlocksPass> {
  using Base::Base;
  void runOnOperation() override {
    Operation *root = getOperation();
    MLIRContext *ctx = &getContext();
    GPUChipInfo chipInfo;
    BlockConversion conv = BlockConversion::Integer;
    if (emulatePairs) {
      conv = BlockConversion::EmulatedPairs;
    } else if (!chip.empty()) {
      std::optional<GPUChipInfo> parsed = parseGPUChip(chip);
      if (!parsed) {
        emitError(root->getLoc())
            << "unknown GPU chip '" << chip
            << "' (expected sm_<number>, optionally with a or f: sm_90, "
               "sm_100a)";
        return signalPassFailure();
      }
      chipInfo = *parsed;
      conv = BlockConversion::NVVM;
    }
    if (failed(checkQuantizationsResolved(root)))
      return signalPassFailure();
    {
      RewritePatternSet patterns(ctx);
      populateMXToParallelBlocksPatterns(
          patterns, chipInfo, conv,
          WarpQuantOptions{warpReductions, emulateWarps});
      walkAndApplyPatterns(root, std::move(patterns));
    }
    bool failedOp = false;
    root->walk([&](FakeQuantOp) { failedOp = true; });
    if (failedOp)
      return signalPassFailure();

    TypeConverter converter;
    populateMXStorageTypeConversion(converter);
    ConversionTarget target(*ctx);
    target.addIllegalOp<QuantizeOp, DequantizeOp>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    RewritePatternSet patterns(ctx);
    WarpQuantOptions warp{warpReductions, emulateWarps};
    patterns.add<QuantizeToBlocks>(converter, ctx, chipInfo, conv, warp);
    patterns.add<DequantizeToBlocks>(converter, ctx, /*benefit=*/2);
    if (tensorCores && tcgen05)
      populateMXContractToTCGen05TilesPatterns(converter, patterns);
    if (tensorCores)
      populateMXContractToWarpTilesPatterns(
          converter, patterns,
          WarpTileStaging{stageTiles, emulateSharedMemory, mmaScaleLayout});
    // The loop kernel of other contractions decodes operands without an
    // inline decoder with mx.dequantize: tile kernels on the GPU.
    populateMXContractLoweringWithDequantizeOpsPatterns(converter, patterns);
    // Signatures, calls, reshapes, slices and constant quantizations.
    populateMXStorageConversionPatterns(converter, patterns);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// Exact rounding without library calls
//===----------------------------------------------------------------------===//

template <typename RoundOp>
struct ExpandRounding : OpRewritePattern<RoundOp> {
  using OpRewritePattern<RoundOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(RoundOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    SmallVector<int64_t> shape;
    if (auto vt = dyn_cast<VectorType>(type)) {
      if (vt.isScalable())
        return rewriter.notifyMatchFailure(op, "scalable vector");
      shape.assign(vt.getShape().begin(), vt.getShape().end());
    }
    NumericsEmitter o(rewriter, op.getLoc(), shape);
    Value x = op.getOperand();
    Value bits = o.fToBits(x);
    Value sign = o.band(bits, o.c((int32_t)0x80000000));
    Value absBits = o.band(bits, o.c(0x7FFFFFFF));
    Value mag = o.bitsToF(absBits);
    // Magnitudes of 2^23 and more (and NaN, Inf) are integers already.
    Value small = o.ult(absBits, o.c(0x4B000000));
    Value r;
    if constexpr (std::is_same_v<RoundOp, math::RoundEvenOp>) {
      // |x| + 2^23 rounds to an integer (nearest even); subtracting 2^23
      // is exact.
      Value big = o.cf(8388608.0f);
      r = o.fsub(o.fadd(mag, big), big);
    } else {
      // Truncation: clear the fraction bits of the magnitude.
      Value e = o.sub(o.lshr(absBits, o.c(23)), o.c(127));
      Value below1 = o.slt(e, o.c(0));
      Value shift = o.smax(o.sub(o.c(23), e), o.c(0));
      Value mask = o.shl(o.c(-1), o.smin(shift, o.c(31)));
      Value truncBits = o.sel(below1, o.c(0), o.band(absBits, mask));
      r = o.bitsToF(truncBits);
      if constexpr (std::is_same_v<RoundOp, math::RoundOp>) {
        // The remainder is exact; ties go away from zero.
        Value up = o.fadd(r, o.cf(1.0f));
        Value frac = o.fsub(mag, r);
        Value roundUp =
            o.borB(o.foeq(frac, o.cf(0.5f)), o.folt(o.cf(0.5f), frac));
        r = o.self(roundUp, up, r);
      }
    }
    Value result = o.bitsToF(o.bor(o.fToBits(o.self(small, r, mag)), sign));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// arith.maxnumf / minnumf as compare and select (IEEE maxNum / minNum: a
/// NaN operand yields the other operand).
template <typename MinMaxOp, arith::CmpFPredicate pred>
struct ExpandMinMax : OpRewritePattern<MinMaxOp> {
  using OpRewritePattern<MinMaxOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MinMaxOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    Location loc = op.getLoc();
    Value x = op.getLhs(), y = op.getRhs();
    Value pick = arith::CmpFOp::create(rewriter, loc, pred, x, y);
    Value r = arith::SelectOp::create(rewriter, loc, pick, x, y);
    Value yNaN =
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNO, y, y);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, yNaN, x, r);
    return success();
  }
};

struct MXExpandRoundingPass
    : mx::impl::MXExpandRoundingBase<MXExpandRoundingPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMXExpandRoundingPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

//===----------------------------------------------------------------------===//
// Buffers of kernels
//===----------------------------------------------------------------------===//

/// Whether `v` is a memref in GPU workgroup memory: the staging buffers of
/// the warp tiles (stage-tiles), which mx-map-warp-kernels turns into
/// workgroup attributions with cooperative copies.
bool isWorkgroupBuffer(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  auto space =
      type ? dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace())
           : nullptr;
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

struct MXPrepareGPUBuffersPass
    : mx::impl::MXPrepareGPUBuffersBase<MXPrepareGPUBuffersPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::CopyOp, memref::DeallocOp>(op) &&
          op->getParentOfType<scf::ForallOp>() &&
          !isWorkgroupBuffer(op->getNumResults() ? op->getResult(0)
                                                 : op->getOperands().back()))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        if (!alloc.getType().hasStaticShape()) {
          alloc.emitOpError("a dynamically sized buffer inside a parallel "
                            "block loop cannot live in a GPU thread");
          return signalPassFailure();
        }
        rewriter.replaceOpWithNewOp<memref::AllocaOp>(alloc, alloc.getType(),
                                                      alloc.getAlignmentAttr());
      } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        // Sequential loops in the thread (parallel ones would be mapped to
        // GPU processors themselves). Dynamic sizes are the slices of zero
        // or one element of the warp kernels (only some lanes store).
        auto type = cast<MemRefType>(copy.getSource().getType());
        Location loc = copy.getLoc();
        Value src = copy.getSource(), dst = copy.getTarget();
        SmallVector<Value> lbs, ubs, steps;
        for (auto [dim, d] : llvm::enumerate(type.getShape())) {
          lbs.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
          ubs.push_back(
              ShapedType::isDynamic(d)
                  ? memref::DimOp::create(rewriter, loc, src, dim).getResult()
                  : arith::ConstantIndexOp::create(rewriter, loc, d)
                        .getResult());
          steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
        }
        scf::buildLoopNest(rewriter, loc, lbs, ubs, steps,
                           [&](OpBuilder &b, Location loc, ValueRange ivs) {
                             Value v = memref::LoadOp::create(b, loc, src, ivs);
                             memref::StoreOp::create(b, loc, v, dst, ivs);
                           });
        rewriter.eraseOp(copy);
      } else if (isa_and_nonnull<memref::AllocaOp>(
                     op->getOperand(0).getDefiningOp())) {
        rewriter.eraseOp(op); // the dealloc of a promoted buffer
      }
    }
  }
};

} // namespace

void mx::populateMXToParallelBlocksPatterns(RewritePatternSet &patterns,
                                            GPUChipInfo chip,
                                            BlockConversion conversion) {
  populateMXToParallelBlocksPatterns(patterns, chip, conversion,
                                     WarpQuantOptions{});
}

void mx::populateMXToParallelBlocksPatterns(RewritePatternSet &patterns,
                                            GPUChipInfo chip,
                                            BlockConversion conversion,
                                            WarpQuantOptions warp) {
  patterns.add<FakeQuantToBlocks, QuantizeDequantizePairToBlocks>(
      patterns.getContext(), chip, conversion, warp);
}

void mx::populateMXExpandRoundingPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandRounding<math::RoundEvenOp>, ExpandRounding<math::RoundOp>,
               ExpandRounding<math::TruncOp>,
               ExpandMinMax<arith::MaxNumFOp, arith::CmpFPredicate::OGT>,
               ExpandMinMax<arith::MinNumFOp, arith::CmpFPredicate::OLT>>(
      patterns.getContext());
}
