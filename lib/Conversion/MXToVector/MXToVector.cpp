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
#include "StorageParts.h"
#include "TileFormats.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/ParallelLoops.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"
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
/// Blocks along a row handled per loop iteration, sharing their scale math.
constexpr int64_t kBlockGroup = 4;
/// Longest block along a non-last axis whose rows are unrolled in a tile;
/// longer columns loop over their rows (compile time grows with K).
constexpr int64_t kMaxUnrolledRows = 64;
/// In tensors of at most kSmallTensorElements elements, columns loop above
/// this length already (the MX formats' 32). A 32-row tile is most of the
/// code of such kernels and saves only microseconds at run time in a small
/// tensor: the kernels of the compile-time benchmark's 8x32x32 MXFP8 chain
/// drop from 1,100-1,700 LLVM ops to 120-530 and its fixed cost from
/// ~230 ms to ~75 ms. In large tensors the tile is worth it (4096x4096
/// along axis 0: fake-quant and dequantize take ~40% longer in the loops).
constexpr int64_t kMaxUnrolledSmallRows = 16;
constexpr int64_t kSmallTensorElements = 65536;

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
  return tensor::ExpandShapeOp::create(b, loc, expandedType, t, reassoc, sizes);
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
    auto paddedType = RankedTensorType::get(
        cast<RankedTensorType>(padded.getType()).getShape(),
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

/// Truncates or extends an integer vector/scalar to `width` bits.
Value castInt(OpBuilder &b, Location loc, Value v, unsigned width) {
  Type elem = getElementTypeOrSelf(v.getType());
  unsigned from = elem.getIntOrFloatBitWidth();
  if (from == width)
    return v;
  Type to = b.getIntegerType(width);
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    to = VectorType::get(vt.getShape(), to);
  if (from > width)
    return arith::TruncIOp::create(b, loc, to, v);
  return arith::ExtUIOp::create(b, loc, to, v);
}

//===----------------------------------------------------------------------===//
// Packing of element codes along a row (numerics.md section 5)
//===----------------------------------------------------------------------===//

/// Bytes of `n` packed elements.
int64_t packedBytes(int64_t n, unsigned bits) {
  return bits == 4 ? n / 2 : bits == 6 ? n / 4 * 3 : n;
}

/// vector<n x i32> codes -> vector<packedBytes(n) x i8>.
Value packRow(OpBuilder &b, Location loc, Value codes, unsigned bits) {
  int64_t n = cast<VectorType>(codes.getType()).getDimSize(0);
  if (bits == 8)
    return castInt(b, loc, codes, 8);
  if (bits == 4) {
    auto halves = vector::DeinterleaveOp::create(b, loc, codes);
    NumericsEmitter h(b, loc, {n / 2});
    Value byte = h.bor(h.band(halves.getRes1(), h.c(0xF)),
                       h.shl(h.band(halves.getRes2(), h.c(0xF)), h.c(4)));
    return castInt(b, loc, byte, 8);
  }
  // 6 bits: four codes c0..c3 -> a 24-bit little-endian word.
  auto evenOdd = vector::DeinterleaveOp::create(b, loc, codes);
  auto c02 = vector::DeinterleaveOp::create(b, loc, evenOdd.getRes1());
  auto c13 = vector::DeinterleaveOp::create(b, loc, evenOdd.getRes2());
  NumericsEmitter q(b, loc, {n / 4});
  Value word = q.bor(
      q.bor(c02.getRes1(), q.shl(c13.getRes1(), q.c(6))),
      q.bor(q.shl(c02.getRes2(), q.c(12)), q.shl(c13.getRes2(), q.c(18))));
  Value bytes = vector::BitCastOp::create(
      b, loc, VectorType::get({n}, b.getI8Type()), word);
  SmallVector<int64_t> mask;
  for (int64_t g = 0; g < n / 4; ++g)
    for (int64_t j = 0; j < 3; ++j)
      mask.push_back(4 * g + j);
  return vector::ShuffleOp::create(b, loc, bytes, bytes, mask);
}

} // namespace

/// vector<packedBytes(n) x i8> -> vector<n x i32> codes (also used by the
/// integer contract kernels, ContractKernelsImpl.h).
Value mx::unpackRow(OpBuilder &b, Location loc, Value bytes, int64_t n,
                    unsigned bits) {
  if (bits == 8)
    return castInt(b, loc, bytes, 32);
  if (bits == 4) {
    Value wide = castInt(b, loc, bytes, 32);
    NumericsEmitter h(b, loc, {n / 2});
    Value lo = h.band(wide, h.c(0xF));
    Value hi = h.lshr(wide, h.c(4));
    return vector::InterleaveOp::create(b, loc, lo, hi);
  }
  int64_t m = n / 4 * 3;
  SmallVector<int64_t> mask;
  for (int64_t g = 0; g < n / 4; ++g) {
    for (int64_t j = 0; j < 3; ++j)
      mask.push_back(3 * g + j);
    mask.push_back(m); // A zero from the second operand.
  }
  NumericsEmitter z(b, loc, {m});
  Value zeros = castInt(b, loc, z.c(0), 8);
  Value spread = vector::ShuffleOp::create(b, loc, bytes, zeros, mask);
  Value words = vector::BitCastOp::create(
      b, loc, VectorType::get({n / 4}, b.getI32Type()), spread);
  NumericsEmitter q(b, loc, {n / 4});
  Value c0 = q.band(words, q.c(0x3F));
  Value c1 = q.band(q.lshr(words, q.c(6)), q.c(0x3F));
  Value c2 = q.band(q.lshr(words, q.c(12)), q.c(0x3F));
  Value c3 = q.lshr(words, q.c(18));
  Value c02 = vector::InterleaveOp::create(b, loc, c0, c2);
  Value c13 = vector::InterleaveOp::create(b, loc, c1, c3);
  return vector::InterleaveOp::create(b, loc, c02, c13);
}

namespace {

//===----------------------------------------------------------------------===//
// Geometry of block loops
//===----------------------------------------------------------------------===//

/// How a block format walks a tensor: rows ([outer, A], tiles vector<K>)
/// when the block axis is last, else columns ([outer, A, inner], tiles
/// vector<K x V>). The same grouping views every storage part.
struct BlockGeometry {
  bool rows;
  int64_t k;
  /// Rows: blocks per loop iteration (their scales are computed together,
  /// one vector lane per block).
  int64_t group = 1;
  bool blocksInBounds, lanesInBounds;
  /// Rows of 16-element blocks run 16 blocks per iteration transposed in
  /// registers: vector lane r holds block r (see readLaneBlocks).
  bool laneBlocks = false;
  /// Quantize writes the codes (and microexponents) of lane blocks as
  /// possibly out of bounds (masked stores), which mx-stream-memory keeps
  /// cached instead of making them non-temporal: with non-temporal stores
  /// the NVFP4 and shared-microexponent kernels ran about twice as long in
  /// some processes on this project's machine (docs/Lowering.md, "Session
  /// 9"), with cached ones none did, and the fast runs were as fast.
  bool cachedStores = false;
  SmallVector<ReassociationIndices> groups;

  BlockGeometry(RankedTensorType type, int64_t axis, int64_t blockSize,
                bool groupBlocks) {
    int64_t r = type.getRank();
    rows = axis == r - 1;
    k = blockSize;
    int64_t axisSize = type.getDimSize(axis);
    if (rows && groupBlocks && k <= 64)
      group = kBlockGroup;
    // Blocks of 16 (NVFP4): eight per iteration, so that 4-bit codes fill a
    // whole 64-byte line per store (non-temporal under mx-stream-memory)
    // and the per-iteration work is spread over 128 elements, as for the
    // 32-element formats.
    if (rows && groupBlocks && k == 16)
      group = 2 * kBlockGroup;
    // No more blocks per iteration than a row has: the rest would be masked
    // out on every row (a row of 32 MXFP8 elements is one block).
    if (!ShapedType::isDynamic(axisSize))
      while (group > 1 && k * group > axisSize)
        group /= 2;
    blocksInBounds =
        !ShapedType::isDynamic(axisSize) && axisSize % (k * group) == 0;
    if (rows) {
      groups = {range(0, r), {r, r + 1}};
      lanesInBounds = true;
    } else {
      groups = {range(0, axis + 1), {axis + 1}, range(axis + 2, r + 2)};
      int64_t inner = 1;
      for (int64_t d = axis + 1; d < r; ++d)
        inner = ShapedType::isDynamic(type.getDimSize(d)) || inner < 0
                    ? -1
                    : inner * type.getDimSize(d);
      lanesInBounds = inner >= 0 && inner % kLanes == 0;
    }
  }
  /// Switches rows of 16-element blocks (grouped eight per iteration) to
  /// lane blocks: kLaneBlocks blocks per iteration, one vector lane each.
  void useLaneBlocks(RankedTensorType type, int64_t axis) {
    if (!rows || k != kLanes)
      return;
    laneBlocks = true;
    group = kLanes;
    int64_t axisSize = type.getDimSize(axis);
    blocksInBounds =
        !ShapedType::isDynamic(axisSize) && axisSize % (k * group) == 0;
  }
  /// Tile shape of the f32 data.
  SmallVector<int64_t> tileShape() const {
    if (rows)
      return {k};
    return {k, kLanes};
  }
};

/// Sizes of the storage parts of `input` quantized as `qtype`, in layout
/// order (dynamic sizes computed from the input's).
SmallVector<SmallVector<OpFoldResult>>
storageSizes(OpBuilder &b, Location loc, Value input, QuantizedType qtype) {
  auto type = cast<RankedTensorType>(input.getType());
  FormatSpec spec = qtype.getSpec();
  int64_t axis = std::max<int64_t>(qtype.getAxis(), 0);
  SmallVector<OpFoldResult> dims = tensor::getMixedSizes(b, loc, input);
  SmallVector<RankedTensorType> types = qtype.getStorageTypes(type.getShape());
  auto ceilDivOfr = [&](OpFoldResult v, int64_t d) -> OpFoldResult {
    if (auto attr = getConstantIntValue(v))
      return b.getIndexAttr((*attr + d - 1) / d);
    return ceilDiv(b, loc, cast<Value>(v), d);
  };
  SmallVector<SmallVector<OpFoldResult>> sizes;
  for (auto [i, partType] : llvm::enumerate(types)) {
    SmallVector<OpFoldResult> s;
    for (int64_t d = 0; d < partType.getRank(); ++d) {
      if (!partType.isDynamicDim(d)) {
        s.push_back(b.getIndexAttr(partType.getDimSize(d)));
        continue;
      }
      // Only dims derived from a dynamic input dim are dynamic.
      OpFoldResult in =
          spec.granularity == Granularity::Channel ? dims[axis] : dims[d];
      if (i == 0 && d == partType.getRank() - 1) {
        unsigned bits = getStorageElementBits(spec);
        Value n = getValueOrCreateConstantIndexOp(b, loc, in);
        if (bits == 4) {
          s.push_back(ceilDiv(b, loc, n, 2));
        } else if (bits == 6) {
          Value groups = ceilDiv(b, loc, n, 4);
          s.push_back(
              arith::MulIOp::create(b, loc, groups, indexConst(b, loc, 3))
                  .getResult());
        } else {
          s.push_back(in);
        }
      } else if (d == axis && spec.granularity == Granularity::Block) {
        bool micro =
            i == 2 && spec.element == ElementKind::SM && spec.subBlockSize > 0;
        s.push_back(ceilDivOfr(in, micro ? spec.subBlockSize : spec.blockSize));
      } else {
        s.push_back(in);
      }
    }
    sizes.push_back(s);
  }
  return sizes;
}

//===----------------------------------------------------------------------===//
// Block drivers
//===----------------------------------------------------------------------===//

/// Loop bounds [outer, blocks(, lane chunks)] of a view of the f32 tensor.
SmallVector<Value> blockLoopBounds(OpBuilder &b, Location loc, Value view,
                                   const BlockGeometry &g) {
  SmallVector<Value> ubs{
      dimOf(b, loc, view, 0),
      ceilDiv(b, loc, dimOf(b, loc, view, 1), g.k * g.group)};
  if (!g.rows)
    ubs.push_back(ceilDiv(b, loc, dimOf(b, loc, view, 2), kLanes));
  return ubs;
}

/// The loop nest of a block driver: calls `body(b, loc, ivs, args)` with
/// ivs = (outer, block group(, lane chunk)).
scf::LoopNest blockLoops(OpBuilder &b, Location loc, Value x,
                         const BlockGeometry &g, ValueRange inits,
                         function_ref<scf::ValueVector(OpBuilder &, Location,
                                                       ValueRange, ValueRange)>
                             body) {
  SmallVector<Value> ubs = blockLoopBounds(b, loc, x, g);
  SmallVector<Value> lbs(ubs.size(), indexConst(b, loc, 0));
  SmallVector<Value> steps(ubs.size(), indexConst(b, loc, 1));
  scf::LoopNest nest = scf::buildLoopNest(b, loc, lbs, ubs, steps, inits, body);
  mx::markParallel(nest.loops.front()); // Blocks of the outer rows.
  return nest;
}

Value mulIndex(OpBuilder &b, Location loc, Value v, int64_t c) {
  return arith::MulIOp::create(b, loc, v, indexConst(b, loc, c));
}
Value addIndex(OpBuilder &b, Location loc, Value v, int64_t c) {
  if (c == 0)
    return v;
  return arith::AddIOp::create(b, loc, v, indexConst(b, loc, c));
}

/// Rows: reads the blocks of one group and computes their scales (one lane
/// per block when the group has several). Returns the f32 tiles.
SmallVector<Value> readRowGroup(OpBuilder &b, Location loc, Value x,
                                ValueRange ivs, const BlockGeometry &g,
                                TileFormat &fmt) {
  Value base = mulIndex(b, loc, ivs[1], g.k * g.group);
  SmallVector<Value> tiles, amax;
  for (int64_t r = 0; r < g.group; ++r) {
    tiles.push_back(readF32(b, loc, x,
                            {ivs[0], addIndex(b, loc, base, r * g.k)}, {g.k},
                            {g.blocksInBounds}));
    if (g.group > 1)
      amax.push_back(blockAmaxBits1D(b, loc, tiles.back()));
  }
  if (g.group == 1)
    fmt.fromData(b, loc, tiles[0]);
  else
    fmt.fromBlockMax(
        b, loc,
        vector::FromElementsOp::create(
            b, loc, VectorType::get({g.group}, b.getI32Type()), amax));
  return tiles;
}

/// The row context of block `r` of a row group.
RowContext groupRow(OpBuilder &b, Location loc, const BlockGeometry &g,
                    int64_t r,
                    SmallVectorImpl<std::function<Value(Value)>> &keep) {
  keep.push_back([&b, loc, r, k = g.k, grouped = g.group > 1](Value v) {
    if (!grouped)
      return spreadLane(b, loc, v, 0, {k});
    return spreadLane(b, loc, v, r, {k});
  });
  return RowContext{-1, keep.back()};
}

//===----------------------------------------------------------------------===//
// Lane blocks: 16 blocks of 16 elements transposed in registers
//===----------------------------------------------------------------------===//
//
// The per-block work of the rows path (a horizontal maximum per block, and
// every per-block scale or threshold broadcast over the block's 16 lanes)
// runs on the shuffle port of x86 (port 5), which bounded NVFP4 quantize.
// Transposing 16 blocks of 16 elements (64 two-source shuffles) gives 16
// vectors whose lane r holds block r: the block maxima are 15 vertical
// maxima, the block scales and thresholds are used as they are computed
// (lane r: block r), and 4-bit codes are packed with shifts and ors before
// one interleave. The element functions are the same (elementwise, with
// the block's values in the lane), so the bits are.

/// Transposes 16 vectors of 16 elements (v[i][j] -> r[j][i]): four stages
/// of block swaps (stage s exchanges bit s of the row and column index),
/// each 8 pairs of two-source shuffles.
SmallVector<Value> transposeLanes(OpBuilder &b, Location loc,
                                  ArrayRef<Value> v) {
  SmallVector<Value> r(v.begin(), v.end());
  int64_t n = r.size();
  for (int64_t s = n / 2; s >= 1; s /= 2) {
    SmallVector<int64_t> lo, hi;
    for (int64_t j = 0; j < n; ++j) {
      lo.push_back((j & s) ? n + j - s : j);
      hi.push_back((j & s) ? n + j : j + s);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (i & s)
        continue;
      Value a = r[i], c = r[i + s];
      r[i] = vector::ShuffleOp::create(b, loc, a, c, lo);
      r[i + s] = vector::ShuffleOp::create(b, loc, a, c, hi);
    }
  }
  return r;
}

/// Reads the blocks of a lane-block group, transposed: element i of every
/// block in result i (lane r: block r), and computes the block scales from
/// their maxima (one lane per block).
SmallVector<Value> readLaneBlocks(OpBuilder &b, Location loc, Value x,
                                  ValueRange ivs, const BlockGeometry &g,
                                  TileFormat &fmt) {
  Value base = mulIndex(b, loc, ivs[1], g.k * g.group);
  SmallVector<Value> blocks;
  for (int64_t r = 0; r < g.group; ++r)
    blocks.push_back(readF32(b, loc, x,
                             {ivs[0], addIndex(b, loc, base, r * g.k)}, {g.k},
                             {g.blocksInBounds}));
  SmallVector<Value> cols = transposeLanes(b, loc, blocks);
  if (!fmt.scalesFromMaxOnly()) {
    // Scales from more than the maxima (shared microexponents): the
    // columns path's [K x V] tile, one block per lane.
    auto tileType = VectorType::get({g.k, g.group}, b.getF32Type());
    Value tile = arith::ConstantOp::create(
        b, loc, tileType, DenseElementsAttr::get(tileType, 0.0f));
    for (int64_t i = 0; i < g.k; ++i)
      tile = vector::InsertOp::create(b, loc, cols[i], tile, i);
    fmt.fromData(b, loc, tile);
    return cols;
  }
  // The bits of |x| ordered as unsigned integers (NaN and Inf above every
  // finite value): the same maxima as blockAmaxBits1D.
  NumericsEmitter t(b, loc, {g.group});
  Value amax = t.c(0);
  for (Value c : cols)
    amax = arith::MaxUIOp::create(b, loc, amax,
                                  t.band(t.fToBits(c), t.c(0x7FFFFFFF)));
  fmt.fromBlockMax(b, loc, amax);
  return cols;
}

/// readLaneBlocks, then `perRow(t, column i, i)` for every element row i of
/// the group (lane r: block r), each with its own emitter over the group's
/// lanes: the per-element step of fake quantization and encoding.
SmallVector<Value> mapLaneBlocks(
    OpBuilder &b, Location loc, Value x, ValueRange ivs, const BlockGeometry &g,
    TileFormat &fmt,
    llvm::function_ref<Value(NumericsEmitter &, Value, int64_t)> perRow) {
  SmallVector<Value> cols = readLaneBlocks(b, loc, x, ivs, g, fmt);
  SmallVector<Value> out;
  for (int64_t i = 0; i < g.k; ++i) {
    NumericsEmitter t(b, loc, {g.group});
    out.push_back(perRow(t, cols[i], i));
  }
  return out;
}

/// The row context of lane blocks: per-block values already have one lane
/// per block.
RowContext laneBlockRow(int64_t i) {
  static auto identity = [](Value v) { return v; };
  return RowContext{i, identity};
}

/// Interleaves vectors of one type lane by lane: result lane j * n + i is
/// lane j of vs[i] (n a power of two; a tree of vector.interleave).
Value interleaveAll(OpBuilder &b, Location loc, ArrayRef<Value> vs) {
  if (vs.size() == 1)
    return vs[0];
  SmallVector<Value> even, odd;
  for (auto [i, v] : llvm::enumerate(vs))
    (i % 2 ? odd : even).push_back(v);
  return vector::InterleaveOp::create(b, loc, interleaveAll(b, loc, even),
                                      interleaveAll(b, loc, odd));
}

/// Packs `bits`-wide fields of lane blocks (4-bit codes, 8-bit codes or
/// microexponents; fields[i]: field i of every block, lane r: block r) to
/// the bytes of the group, block after block: block r's fields in order,
/// little-endian (two 4-bit codes per byte, the first in the low nibble).
/// Shifts and ors make 32-bit words whose lane r holds 32 bits of block r;
/// one interleave tree puts each block's words together.
Value packLaneBlocks(OpBuilder &b, Location loc, ArrayRef<Value> fields,
                     unsigned bits) {
  NumericsEmitter t(b, loc, {kLanes});
  int64_t perWord = 32 / bits;
  SmallVector<Value> words;
  for (int64_t w = 0, e = fields.size() / perWord; w < e; ++w) {
    Value word = fields[w * perWord];
    for (int64_t j = 1; j < perWord; ++j)
      word = t.bor(word, t.shl(fields[w * perWord + j], t.c(bits * j)));
    words.push_back(word);
  }
  Value all = interleaveAll(b, loc, words);
  int64_t bytes = kLanes * static_cast<int64_t>(fields.size()) * bits / 8;
  return vector::BitCastOp::create(
      b, loc, VectorType::get({bytes}, b.getI8Type()), all);
}

/// Whether the columns of `g` loop over their rows instead of unrolling a
/// vector<K x 16> tile (see kMaxUnrolledRows): `view` is the f32 side of
/// the op, whose element count decides. Quantize (`narrowStores`) keeps the
/// tile in small tensors whose last lane group is partial: the loop would
/// store each row of codes as a truncation under a lane mask, and LLVM 22's
/// x86 backend miscompiles a truncating masked store whose mask folds to
/// lane 0 alone into a store of the wide element (docs/Lowering.md, "A
/// truncating masked store"; mx::JitProgram rewrites such stores, other
/// code generators may not).
bool columnsLoop(const BlockGeometry &g, Value view, TileFormat &fmt,
                 bool narrowStores) {
  if (!fmt.scalesFromMaxOnly())
    return false;
  if (g.k > kMaxUnrolledRows)
    return true;
  auto type = cast<ShapedType>(view.getType());
  bool small =
      type.hasStaticShape() && type.getNumElements() <= kSmallTensorElements;
  return small && g.k > kMaxUnrolledSmallRows &&
         (!narrowStores || g.lanesInBounds);
}

/// Columns of blocks longer than kMaxUnrolledRows are not unrolled into a
/// vector<K x V> tile (compile time grows with K): loops run over the
/// block's rows instead. The rows of the block that exist (the last block
/// may be partial), and the row index of row `r`.
Value columnRows(OpBuilder &b, Location loc, Value x, ValueRange ivs,
                 const BlockGeometry &g) {
  Value base = mulIndex(b, loc, ivs[1], g.k);
  return arith::MinSIOp::create(
      b, loc, indexConst(b, loc, g.k),
      arith::SubIOp::create(b, loc, dimOf(b, loc, x, 1), base));
}
Value columnRowIndex(OpBuilder &b, Location loc, ValueRange ivs,
                     const BlockGeometry &g, Value r) {
  return arith::AddIOp::create(b, loc, mulIndex(b, loc, ivs[1], g.k), r);
}

/// Loops over the rows of one column block; `body(r, rowIndex, acc)` yields
/// the next values of `inits`.
scf::ForOp columnLoop(
    OpBuilder &b, Location loc, Value x, ValueRange ivs, const BlockGeometry &g,
    ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  return scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), columnRows(b, loc, x, ivs, g),
      indexConst(b, loc, 1), inits,
      [&](OpBuilder &b, Location loc, Value r, ValueRange acc) {
        scf::YieldOp::create(
            b, loc, body(b, loc, columnRowIndex(b, loc, ivs, g, r), acc));
      });
}

/// The scales of one long column block, from a loop over its rows.
void columnScales(OpBuilder &b, Location loc, Value x, ValueRange ivs,
                  const BlockGeometry &g, TileFormat &fmt) {
  Value lane = mulIndex(b, loc, ivs[2], kLanes);
  NumericsEmitter lanes(b, loc, {kLanes});
  scf::ForOp maxLoop =
      columnLoop(b, loc, x, ivs, g, ValueRange{lanes.c(0)},
                 [&](OpBuilder &b, Location loc, Value row,
                     ValueRange acc) -> SmallVector<Value> {
                   Value v = readF32(b, loc, x, {ivs[0], row, lane}, {kLanes},
                                     {g.lanesInBounds});
                   NumericsEmitter t(b, loc, {kLanes});
                   Value bits = t.band(t.fToBits(v), t.c(0x7FFFFFFF));
                   return {arith::MaxUIOp::create(b, loc, acc[0], bits)};
                 });
  fmt.fromBlockMax(b, loc, maxLoop.getResult(0));
}

RowContext columnRowContext() {
  static auto identity = [](Value v) { return v; };
  return RowContext{-1, identity};
}

Value fakeQuantLongColumns(OpBuilder &b, Location loc, Value x, Value dest,
                           ValueRange ivs, const BlockGeometry &g,
                           TileFormat &fmt) {
  columnScales(b, loc, x, ivs, g, fmt);
  Value lane = mulIndex(b, loc, ivs[2], kLanes);
  return columnLoop(
             b, loc, x, ivs, g, ValueRange{dest},
             [&](OpBuilder &b, Location loc, Value row,
                 ValueRange acc) -> SmallVector<Value> {
               SmallVector<Value> idx{ivs[0], row, lane};
               Value v = readF32(b, loc, x, idx, {kLanes}, {g.lanesInBounds});
               NumericsEmitter t(b, loc, {kLanes});
               Value y = fmt.fakeQuant(t, v, columnRowContext());
               return {writeTile(b, loc, y, acc[0], idx, {g.lanesInBounds})};
             })
      .getResult(0);
}

/// The block loops of a fake quantization of the view `x` into `init`.
Value fakeQuantBlocks(OpBuilder &b, Location loc, Value x, Value init,
                      const BlockGeometry &g, TileFormat &fmt) {
  scf::LoopNest nest = blockLoops(
      b, loc, x, g, ValueRange{init},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        if (g.laneBlocks) {
          SmallVector<Value> ys =
              mapLaneBlocks(b, loc, x, ivs, g, fmt,
                            [&](NumericsEmitter &t, Value col, int64_t i) {
                              return fmt.fakeQuant(t, col, laneBlockRow(i));
                            });
          SmallVector<Value> rowsOut = transposeLanes(b, loc, ys);
          Value base = mulIndex(b, loc, ivs[1], g.k * g.group);
          Value acc = args[0];
          for (int64_t r = 0; r < g.group; ++r)
            acc = writeTile(b, loc, rowsOut[r], acc,
                            {ivs[0], addIndex(b, loc, base, r * g.k)},
                            {g.blocksInBounds});
          return {acc};
        }
        if (g.rows) {
          SmallVector<Value> tiles = readRowGroup(b, loc, x, ivs, g, fmt);
          Value base = mulIndex(b, loc, ivs[1], g.k * g.group);
          Value acc = args[0];
          SmallVector<std::function<Value(Value)>> keep;
          keep.reserve(g.group);
          for (int64_t r = 0; r < g.group; ++r) {
            NumericsEmitter t(b, loc, {g.k});
            Value y = fmt.fakeQuant(t, tiles[r], groupRow(b, loc, g, r, keep));
            acc = writeTile(b, loc, y, acc,
                            {ivs[0], addIndex(b, loc, base, r * g.k)},
                            {g.blocksInBounds});
          }
          return {acc};
        }
        if (columnsLoop(g, x, fmt, /*narrowStores=*/false))
          return {fakeQuantLongColumns(b, loc, x, args[0], ivs, g, fmt)};
        SmallVector<Value> idx{ivs[0], mulIndex(b, loc, ivs[1], g.k),
                               mulIndex(b, loc, ivs[2], kLanes)};
        SmallVector<bool> inBounds{g.blocksInBounds, g.lanesInBounds};
        Value tile = readF32(b, loc, x, idx, g.tileShape(), inBounds);
        fmt.fromData(b, loc, tile);
        Value y =
            mapRows(b, loc, tile,
                    [&](NumericsEmitter &t, Value row, const RowContext &ctx) {
                      return fmt.fakeQuant(t, row, ctx);
                    });
        return {writeTile(b, loc, y, args[0], idx, inBounds)};
      });
  return nest.results[0];
}

/// Writes the block scales of one iteration: rows store one scalar per
/// block (a vector<group> at [o, group * g]); columns a vector<V> at
/// [o, b, j * V].
Value writeScales(OpBuilder &b, Location loc, Value scale, Value dest,
                  ValueRange ivs, const BlockGeometry &g, bool isF32) {
  if (!isF32)
    scale = castInt(b, loc, scale, 8);
  if (g.rows && g.group == 1)
    return tensor::InsertOp::create(b, loc, scale, dest,
                                    ValueRange{ivs[0], ivs[1]});
  if (g.rows)
    return vector::TransferWriteOp::create(
               b, loc, scale, dest,
               ValueRange{ivs[0], mulIndex(b, loc, ivs[1], g.group)},
               ArrayRef<bool>{g.blocksInBounds})
        .getResult();
  return vector::TransferWriteOp::create(
             b, loc, scale, dest,
             ValueRange{ivs[0], ivs[1], mulIndex(b, loc, ivs[2], kLanes)},
             ArrayRef<bool>{g.lanesInBounds})
      .getResult();
}

Value readScales(OpBuilder &b, Location loc, Value src, ValueRange ivs,
                 const BlockGeometry &g, bool isF32) {
  Value v;
  if (g.rows && g.group == 1) {
    v = tensor::ExtractOp::create(b, loc, src, ValueRange{ivs[0], ivs[1]});
  } else {
    Type elem = cast<RankedTensorType>(src.getType()).getElementType();
    Value pad = arith::ConstantOp::create(b, loc, elem, b.getZeroAttr(elem));
    SmallVector<Value> idx{ivs[0]};
    int64_t lanes = g.rows ? g.group : kLanes;
    bool inBounds = g.rows ? g.blocksInBounds : g.lanesInBounds;
    if (g.rows) {
      idx.push_back(mulIndex(b, loc, ivs[1], g.group));
    } else {
      idx.push_back(ivs[1]);
      idx.push_back(mulIndex(b, loc, ivs[2], kLanes));
    }
    v = vector::TransferReadOp::create(b, loc, VectorType::get({lanes}, elem),
                                       src, idx, pad, ArrayRef<bool>{inBounds});
  }
  return isF32 ? v : castInt(b, loc, v, 32);
}

/// Quantizes into (data, scales[, micro]) views; returns the new views.
SmallVector<Value> quantizeBlocks(OpBuilder &b, Location loc, Value x,
                                  ValueRange partViews, TileFormat &fmt,
                                  const BlockGeometry &g, unsigned bits,
                                  int64_t subBlock) {
  scf::LoopNest nest = blockLoops(
      b, loc, x, g, partViews,
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        scf::ValueVector results;
        if (g.laneBlocks) {
          SmallVector<Value> codes =
              mapLaneBlocks(b, loc, x, ivs, g, fmt,
                            [&](NumericsEmitter &t, Value col, int64_t i) {
                              return fmt.encode(t, col, laneBlockRow(i));
                            });
          // The codes of 16 blocks in one store: 128 bytes of 4-bit codes,
          // 256 of 8-bit codes (whole cache lines).
          Value byteBase =
              mulIndex(b, loc, ivs[1], packedBytes(g.k, bits) * g.group);
          results.push_back(
              vector::TransferWriteOp::create(
                  b, loc, packLaneBlocks(b, loc, codes, bits), args[0],
                  ValueRange{ivs[0], byteBase},
                  ArrayRef<bool>{g.blocksInBounds && !g.cachedStores})
                  .getResult());
        } else if (g.rows) {
          SmallVector<Value> tiles = readRowGroup(b, loc, x, ivs, g, fmt);
          Value byteBase =
              mulIndex(b, loc, ivs[1], packedBytes(g.k, bits) * g.group);
          SmallVector<std::function<Value(Value)>> keep;
          keep.reserve(g.group);
          // The packed codes of the group's blocks, written with one store
          // (whole cache lines for 8- and 4-bit codes, so that
          // mx-stream-memory can make it non-temporal).
          int64_t rowBytes = packedBytes(g.k, bits);
          auto groupType = VectorType::get({rowBytes * g.group}, b.getI8Type());
          Value packed = arith::ConstantOp::create(
              b, loc, groupType,
              DenseElementsAttr::get(groupType, b.getI8IntegerAttr(0)));
          for (int64_t r = 0; r < g.group; ++r) {
            NumericsEmitter t(b, loc, {g.k});
            Value codes = fmt.encode(t, tiles[r], groupRow(b, loc, g, r, keep));
            packed = vector::InsertStridedSliceOp::create(
                b, loc, packRow(b, loc, codes, bits), packed,
                ArrayRef<int64_t>{r * rowBytes}, ArrayRef<int64_t>{1});
          }
          results.push_back(
              vector::TransferWriteOp::create(b, loc, packed, args[0],
                                              ValueRange{ivs[0], byteBase},
                                              ArrayRef<bool>{g.blocksInBounds})
                  .getResult());
        } else if (columnsLoop(g, x, fmt, /*narrowStores=*/true)) {
          columnScales(b, loc, x, ivs, g, fmt);
          Value lane = mulIndex(b, loc, ivs[2], kLanes);
          int64_t rowBytes = packedBytes(kLanes, bits);
          Value byteLane = mulIndex(b, loc, ivs[2], rowBytes);
          results.push_back(
              columnLoop(b, loc, x, ivs, g, ValueRange{args[0]},
                         [&](OpBuilder &b, Location loc, Value row,
                             ValueRange acc) -> SmallVector<Value> {
                           Value v = readF32(b, loc, x, {ivs[0], row, lane},
                                             {kLanes}, {g.lanesInBounds});
                           NumericsEmitter t(b, loc, {kLanes});
                           Value codes = fmt.encode(t, v, columnRowContext());
                           return {vector::TransferWriteOp::create(
                                       b, loc, packRow(b, loc, codes, bits),
                                       acc[0],
                                       ValueRange{ivs[0], row, byteLane},
                                       ArrayRef<bool>{g.lanesInBounds})
                                       .getResult()};
                         })
                  .getResult(0));
        } else {
          Value off = mulIndex(b, loc, ivs[1], g.k);
          SmallVector<Value> idx{ivs[0], off, mulIndex(b, loc, ivs[2], kLanes)};
          Value tile = readF32(b, loc, x, idx, g.tileShape(),
                               {g.blocksInBounds, g.lanesInBounds});
          fmt.fromData(b, loc, tile);
          Value codes = mapRows(
              b, loc, tile,
              [&](NumericsEmitter &t, Value row, const RowContext &ctx) {
                return fmt.encode(t, row, ctx);
              });
          int64_t rowBytes = packedBytes(kLanes, bits);
          auto packedType = VectorType::get({g.k, rowBytes}, b.getI8Type());
          Value packed = arith::ConstantOp::create(
              b, loc, packedType,
              DenseElementsAttr::get(packedType, b.getI8IntegerAttr(0)));
          for (int64_t r = 0; r < g.k; ++r) {
            Value row = vector::ExtractOp::create(b, loc, codes, r);
            packed = vector::InsertOp::create(
                b, loc, packRow(b, loc, row, bits), packed, r);
          }
          results.push_back(
              vector::TransferWriteOp::create(
                  b, loc, packed, args[0],
                  ValueRange{ivs[0], off, mulIndex(b, loc, ivs[2], rowBytes)},
                  ArrayRef<bool>{g.blocksInBounds, g.lanesInBounds})
                  .getResult());
        }
        results.push_back(writeScales(b, loc, fmt.getStoredScale(), args[1],
                                      ivs, g, fmt.scaleIsF32()));
        if (args.size() > 2 && g.laneBlocks) {
          // Microexponents [K/k2 x 16] (lane r: block r): one byte each,
          // block after block, 128 bytes per store.
          Value micro = fmt.getStoredMicro();
          SmallVector<Value> fields;
          for (int64_t i = 0; i < g.k / subBlock; ++i)
            fields.push_back(vector::ExtractOp::create(b, loc, micro, i));
          results.push_back(
              vector::TransferWriteOp::create(
                  b, loc, packLaneBlocks(b, loc, fields, 8), args[2],
                  ValueRange{ivs[0], mulIndex(b, loc, ivs[1],
                                              g.k / subBlock * g.group)},
                  ArrayRef<bool>{g.blocksInBounds && !g.cachedStores})
                  .getResult());
        } else if (args.size() > 2) {
          Value micro = castInt(b, loc, fmt.getStoredMicro(), 8);
          SmallVector<Value> mIdx{ivs[0],
                                  mulIndex(b, loc, ivs[1], g.k / subBlock)};
          SmallVector<bool> mBounds{g.blocksInBounds};
          if (!g.rows) {
            mIdx.push_back(mulIndex(b, loc, ivs[2], kLanes));
            mBounds.push_back(g.lanesInBounds);
          }
          results.push_back(vector::TransferWriteOp::create(
                                b, loc, micro, args[2], mIdx, mBounds)
                                .getResult());
        }
        return results;
      });
  return nest.results;
}

Value dequantizeBlocks(OpBuilder &b, Location loc, Value out,
                       ValueRange partViews, TileFormat &fmt,
                       const BlockGeometry &g, unsigned bits,
                       int64_t subBlock) {
  Value zeroByte =
      arith::ConstantOp::create(b, loc, b.getI8Type(), b.getI8IntegerAttr(0));
  scf::LoopNest nest = blockLoops(
      b, loc, out, g, ValueRange{out},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value scale =
            readScales(b, loc, partViews[1], ivs, g, fmt.scaleIsF32());
        Value micro;
        if (partViews.size() > 2) {
          SmallVector<Value> mIdx{ivs[0],
                                  mulIndex(b, loc, ivs[1], g.k / subBlock)};
          SmallVector<int64_t> mShape{g.k / subBlock};
          SmallVector<bool> mBounds{g.blocksInBounds};
          if (!g.rows) {
            mIdx.push_back(mulIndex(b, loc, ivs[2], kLanes));
            mShape.push_back(kLanes);
            mBounds.push_back(g.lanesInBounds);
          }
          micro = castInt(b, loc,
                          vector::TransferReadOp::create(
                              b, loc, VectorType::get(mShape, b.getI8Type()),
                              partViews[2], mIdx, zeroByte, mBounds),
                          32);
        }
        fmt.fromStorage(b, loc, scale, micro);
        if (g.rows) {
          int64_t blockBytes = packedBytes(g.k, bits);
          Value byteBase = mulIndex(b, loc, ivs[1], blockBytes * g.group);
          Value base = mulIndex(b, loc, ivs[1], g.k * g.group);
          Value acc = args[0];
          SmallVector<std::function<Value(Value)>> keep;
          keep.reserve(g.group);
          for (int64_t r = 0; r < g.group; ++r) {
            Value packed = vector::TransferReadOp::create(
                b, loc, VectorType::get({blockBytes}, b.getI8Type()),
                partViews[0],
                ValueRange{ivs[0], addIndex(b, loc, byteBase, r * blockBytes)},
                zeroByte, ArrayRef<bool>{g.blocksInBounds});
            Value codes = unpackRow(b, loc, packed, g.k, bits);
            NumericsEmitter t(b, loc, {g.k});
            Value y = fmt.decode(t, codes, groupRow(b, loc, g, r, keep));
            acc = writeTile(b, loc, y, acc,
                            {ivs[0], addIndex(b, loc, base, r * g.k)},
                            {g.blocksInBounds});
          }
          return {acc};
        }
        if (columnsLoop(g, args[0], fmt, /*narrowStores=*/false)) {
          Value lane = mulIndex(b, loc, ivs[2], kLanes);
          int64_t rowBytes = packedBytes(kLanes, bits);
          Value byteLane = mulIndex(b, loc, ivs[2], rowBytes);
          return {
              columnLoop(
                  b, loc, args[0], ivs, g, ValueRange{args[0]},
                  [&](OpBuilder &b, Location loc, Value row,
                      ValueRange acc) -> SmallVector<Value> {
                    Value packed = vector::TransferReadOp::create(
                        b, loc, VectorType::get({rowBytes}, b.getI8Type()),
                        partViews[0], ValueRange{ivs[0], row, byteLane},
                        zeroByte, ArrayRef<bool>{g.lanesInBounds});
                    NumericsEmitter t(b, loc, {kLanes});
                    Value y =
                        fmt.decode(t, unpackRow(b, loc, packed, kLanes, bits),
                                   columnRowContext());
                    return {writeTile(b, loc, y, acc[0], {ivs[0], row, lane},
                                      {g.lanesInBounds})};
                  })
                  .getResult(0)};
        }
        Value off = mulIndex(b, loc, ivs[1], g.k);
        int64_t rowBytes = packedBytes(kLanes, bits);
        Value packed = vector::TransferReadOp::create(
            b, loc, VectorType::get({g.k, rowBytes}, b.getI8Type()),
            partViews[0],
            ValueRange{ivs[0], off, mulIndex(b, loc, ivs[2], rowBytes)},
            zeroByte, ArrayRef<bool>{g.blocksInBounds, g.lanesInBounds});
        auto codesType = VectorType::get({g.k, kLanes}, b.getI32Type());
        Value codes = arith::ConstantOp::create(
            b, loc, codesType,
            DenseElementsAttr::get(codesType, b.getI32IntegerAttr(0)));
        for (int64_t r = 0; r < g.k; ++r) {
          Value row = vector::ExtractOp::create(b, loc, packed, r);
          codes = vector::InsertOp::create(
              b, loc, unpackRow(b, loc, row, kLanes, bits), codes, r);
        }
        Value y =
            mapRows(b, loc, codes,
                    [&](NumericsEmitter &t, Value row, const RowContext &ctx) {
                      return fmt.decode(t, row, ctx);
                    });
        SmallVector<Value> idx{ivs[0], off, mulIndex(b, loc, ivs[2], kLanes)};
        return {writeTile(b, loc, y, args[0], idx,
                          {g.blocksInBounds, g.lanesInBounds})};
      });
  return nest.results[0];
}

//===----------------------------------------------------------------------===//
// Per-tensor and per-channel INT8
//===----------------------------------------------------------------------===//

/// Lanes per iteration of the elementwise passes over a 1-D view of
/// `size` elements: 64 (whole cache lines of i8 codes, so that
/// mx-stream-memory can write them non-temporally, and four registers of
/// f32 in flight) when they divide a static size, else kLanes.
int64_t flatLanes(int64_t size) {
  constexpr int64_t wide = 64;
  if (!ShapedType::isDynamic(size) && size % wide == 0)
    return wide;
  return kLanes;
}

/// Whole-tensor reductions of a 1-D view: max of |x| bits, min and max.
struct TensorStats {
  Value amaxBits; ///< i32 scalar.
  Value min;      ///< f32 scalar (only when asked).
  Value max;      ///< f32 scalar (only when asked).
};

TensorStats reduceTensor(OpBuilder &b, Location loc, Value flat,
                         bool withMinMax) {
  Value n = dimOf(b, loc, flat, 0);
  int64_t size = cast<RankedTensorType>(flat.getType()).getDimSize(0);
  // The maximum alone: flatLanes wide (several independent registers);
  // with the minimum and maximum, whose +-0 results could depend on the
  // grouping, kLanes as always.
  int64_t width = withMinMax ? kLanes : flatLanes(size);
  bool inBounds = !ShapedType::isDynamic(size) && size % width == 0;
  Value lanes = indexConst(b, loc, width);
  NumericsEmitter vec(b, loc, {width});
  SmallVector<Value> inits{vec.c(0)};
  if (withMinMax) {
    inits.push_back(vec.cf(0.0f));
    inits.push_back(vec.cf(0.0f));
  }
  auto loop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), ceilDiv(b, loc, n, width),
      indexConst(b, loc, 1), inits,
      [&](OpBuilder &b, Location loc, Value iv, ValueRange acc) {
        Value off = arith::MulIOp::create(b, loc, iv, lanes);
        Value x = readF32(b, loc, flat, off, {width}, {inBounds});
        NumericsEmitter v(b, loc, {width});
        SmallVector<Value> next{arith::MaxUIOp::create(
            b, loc, acc[0], v.band(v.fToBits(x), v.c(0x7FFFFFFF)))};
        if (withMinMax) {
          next.push_back(v.fmin(acc[1], x));
          next.push_back(v.fmax(acc[2], x));
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

/// Views `input` as 1-D.
View flatView(OpBuilder &b, Location loc, Value input) {
  int64_t r = cast<RankedTensorType>(input.getType()).getRank();
  return makeView(b, loc, input, {range(0, r + 2)});
}

/// The per-tensor INT8 scale of a 1-D view.
Int8Scale<NumericsEmitter> perTensorScale(OpBuilder &b, Location loc,
                                          Value flat, const FormatSpec &spec) {
  TensorStats stats = reduceTensor(b, loc, flat, spec.zeroPoint);
  NumericsEmitter s(b, loc, {});
  Value amax = s.bitsToF(stats.amaxBits);
  if (spec.zeroPoint)
    return int8ScaleFromMinMax(s, stats.min, stats.max, s.fisNaNOrInf(amax),
                               spec);
  return int8ScaleFromAmax(s, amax);
}

Int8Scale<NumericsEmitter> spreadInt8(OpBuilder &b, Location loc,
                                      const Int8Scale<NumericsEmitter> &s,
                                      ArrayRef<int64_t> shape) {
  auto spread = [&](Value v) -> Value {
    return vector::BroadcastOp::create(
        b, loc, VectorType::get(shape, getElementTypeOrSelf(v.getType())), v);
  };
  Int8Scale<NumericsEmitter> r;
  r.scale = spread(s.scale);
  r.zeroPoint = spread(s.zeroPoint);
  r.isNaN = spread(s.isNaN);
  r.hasZeroPoint = s.hasZeroPoint;
  return r;
}

/// Reads 16 lanes at `idx`: f32 for float tensors (extended), i32 for
/// integer (byte) tensors (zero-extended). Out-of-bounds lanes read 0.
Value readLanes(OpBuilder &b, Location loc, Value t, ValueRange idx,
                bool inBounds, int64_t width = kLanes) {
  Type elem = cast<RankedTensorType>(t.getType()).getElementType();
  if (isa<FloatType>(elem))
    return readF32(b, loc, t, idx, {width}, {inBounds});
  Value pad = arith::ConstantOp::create(b, loc, elem, b.getZeroAttr(elem));
  return castInt(
      b, loc,
      vector::TransferReadOp::create(b, loc, VectorType::get({width}, elem), t,
                                     idx, pad, ArrayRef<bool>{inBounds}),
      32);
}

/// Writes 16 lanes at `idx`: f32 values into float tensors (truncated to
/// their type), i32 codes into byte tensors.
Value writeLanes(OpBuilder &b, Location loc, Value v, Value dest,
                 ValueRange idx, bool inBounds) {
  Type elem = cast<RankedTensorType>(dest.getType()).getElementType();
  if (isa<FloatType>(elem))
    return writeTile(b, loc, v, dest, idx, {inBounds});
  return vector::TransferWriteOp::create(b, loc, castInt(b, loc, v, 8), dest,
                                         idx, ArrayRef<bool>{inBounds})
      .getResult();
}

/// Maps every 16-lane chunk of the 1-D view `flat` to a new tensor of
/// `elemType` with `fn`.
Value mapFlat(OpBuilder &b, Location loc, Value flat, Type elemType,
              function_ref<Value(OpBuilder &, Location, Value)> fn) {
  Value n = dimOf(b, loc, flat, 0);
  int64_t size = cast<RankedTensorType>(flat.getType()).getDimSize(0);
  int64_t width = flatLanes(size);
  bool inBounds = !ShapedType::isDynamic(size) && size % width == 0;
  Value init = emptyLike(b, loc, flat, elemType);
  Value lanes = indexConst(b, loc, width);
  auto loop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), ceilDiv(b, loc, n, width),
      indexConst(b, loc, 1), ValueRange{init},
      [&](OpBuilder &b, Location loc, Value iv, ValueRange acc) {
        Value off = arith::MulIOp::create(b, loc, iv, lanes);
        Value x = readLanes(b, loc, flat, off, inBounds, width);
        Value y = fn(b, loc, x);
        Value written = writeLanes(b, loc, y, acc[0], off, inBounds);
        scf::YieldOp::create(b, loc, written);
      });
  return loop.getResult(0);
}

/// mapFlat with one per-tensor INT8 scale spread over every chunk.
Value mapWithScale(OpBuilder &b, Location loc, Value flat, Type elemType,
                   const Int8Scale<NumericsEmitter> &scale,
                   function_ref<Value(NumericsEmitter &, Value,
                                      const Int8Scale<NumericsEmitter> &)>
                       fn) {
  return mapFlat(
      b, loc, flat, elemType, [&](OpBuilder &b, Location loc, Value x) {
        ArrayRef<int64_t> shape = cast<VectorType>(x.getType()).getShape();
        NumericsEmitter t(b, loc, shape);
        return fn(t, x, spreadInt8(b, loc, scale, shape));
      });
}

//===----------------------------------------------------------------------===//
// Per-tensor INT8 with a running maximum: one read of the input
//===----------------------------------------------------------------------===//
//
// A dynamic per-tensor scale needs the whole tensor's maximum before the
// first code, so the plain lowering reads the input twice (reduceTensor,
// then mapWithScale): on a tensor larger than the caches that is two
// streams from memory, and the maximum pass alone takes about 0.7-0.8 of a
// copy's time here. This lowering reads each chunk of the input from
// memory once: one loop takes the maximum of chunk c and encodes chunk
// c - 1 (still in L2) under the scale of the running maximum of chunks
// [0, c), so that the loads from memory overlap the arithmetic of the
// codes. Chunks encoded before the running maximum last rose (in the chunk
// holding the tensor's maximum) had a smaller scale; a last loop encodes
// them again under the final scale. Every chunk from the one with the
// maximum on was encoded under the final maximum's scale, so every
// code is the plain lowering's (the maximum is the same unsigned maximum
// of |x| bits, NaN and Inf included). The cost depends on where the
// maximum lies: one read when it is in the first chunk, about 1.5 for a
// random position, two reads and a second write of the prefix in the
// worst case (the maximum in the last chunk).

/// Elements per chunk: 64 KiB of f32, well inside L2.
constexpr int64_t kRunningChunk = 16384;

/// Whether mapWithRunningScale applies to the 1-D view `flat`: a static
/// size of at least two whole chunks (a single chunk gains nothing).
bool runningScaleApplies(Value flat) {
  int64_t size = cast<RankedTensorType>(flat.getType()).getDimSize(0);
  return !ShapedType::isDynamic(size) && size % kRunningChunk == 0 &&
         size >= 2 * kRunningChunk;
}

/// mapWithScale under the symmetric dynamic per-tensor scale
/// (int8ScaleFromAmax of the tensor's maximum), reading the input once per
/// chunk where the maximum allows it (see above). Sets `finalScale` to the
/// tensor's scale.
Value mapWithRunningScale(
    OpBuilder &b, Location loc, Value flat, Type elemType,
    Int8Scale<NumericsEmitter> &finalScale,
    function_ref<Value(NumericsEmitter &, Value,
                       const Int8Scale<NumericsEmitter> &)>
        fn) {
  int64_t size = cast<RankedTensorType>(flat.getType()).getDimSize(0);
  constexpr int64_t width = 64; // flatLanes: whole cache lines of codes.
  Value step = indexConst(b, loc, width);
  Value chunk = indexConst(b, loc, kRunningChunk);
  // Encodes [begin, end) of the input into `dest` under `scale`.
  auto encodeRange = [&](OpBuilder &b, Location loc, Value begin, Value end,
                         Value dest, const Int8Scale<NumericsEmitter> &scale) {
    auto loop = scf::ForOp::create(
        b, loc, begin, end, step, ValueRange{dest},
        [&](OpBuilder &b, Location loc, Value off, ValueRange acc) {
          Value x = readLanes(b, loc, flat, off, /*inBounds=*/true, width);
          NumericsEmitter t(b, loc, {width});
          Value y = fn(t, x, spreadInt8(b, loc, scale, {width}));
          scf::YieldOp::create(
              b, loc, writeLanes(b, loc, y, acc[0], off, /*inBounds=*/true));
        });
    return loop.getResult(0);
  };
  NumericsEmitter s(b, loc, {});
  Value zero = indexConst(b, loc, 0);
  auto absBits = [&](NumericsEmitter &v, Value x) {
    return v.band(v.fToBits(x), v.c(0x7FFFFFFF));
  };
  // The maximum of |x| bits over [begin, end) (the same as reduceTensor's).
  auto chunkMax = [&](OpBuilder &b, Location loc, Value begin, Value end) {
    NumericsEmitter vec(b, loc, {width});
    auto loop = scf::ForOp::create(
        b, loc, begin, end, step, ValueRange{vec.c(0)},
        [&](OpBuilder &b, Location loc, Value off, ValueRange m) {
          Value x = readF32(b, loc, flat, off, {width}, {true});
          NumericsEmitter v(b, loc, {width});
          scf::YieldOp::create(
              b, loc,
              ValueRange{arith::MaxUIOp::create(b, loc, m[0], absBits(v, x))});
        });
    return vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXUI,
                                       loop.getResult(0))
        .getResult();
  };
  // Software-pipelined: iteration c takes the maximum of chunk c (read from
  // memory) and encodes chunk c - 1 (read again from L2) under the running
  // maximum of chunks [0, c), in one loop so that the loads from memory
  // overlap the arithmetic of the codes.
  Value first = chunkMax(b, loc, zero, chunk);
  auto chunks = scf::ForOp::create(
      b, loc, chunk, indexConst(b, loc, size), chunk,
      ValueRange{first, zero, emptyLike(b, loc, flat, elemType)},
      [&](OpBuilder &b, Location loc, Value begin, ValueRange acc) {
        Value prev = arith::SubIOp::create(b, loc, begin, chunk);
        NumericsEmitter e(b, loc, {});
        Int8Scale<NumericsEmitter> scale =
            int8ScaleFromAmax(e, e.bitsToF(acc[0]));
        NumericsEmitter vec(b, loc, {width});
        auto both = scf::ForOp::create(
            b, loc, zero, chunk, step, ValueRange{vec.c(0), acc[2]},
            [&](OpBuilder &b, Location loc, Value j, ValueRange m) {
              NumericsEmitter v(b, loc, {width});
              Value at = arith::AddIOp::create(b, loc, begin, j);
              Value x = readF32(b, loc, flat, at, {width}, {true});
              Value max = arith::MaxUIOp::create(b, loc, m[0], absBits(v, x));
              Value off = arith::AddIOp::create(b, loc, prev, j);
              Value old =
                  readLanes(b, loc, flat, off, /*inBounds=*/true, width);
              Value y = fn(v, old, spreadInt8(b, loc, scale, {width}));
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{max, writeLanes(b, loc, y, m[1], off,
                                             /*inBounds=*/true)});
            });
        Value cMax = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXUI, both.getResult(0));
        Value running = arith::MaxUIOp::create(b, loc, acc[0], cMax);
        // Chunks [0, c) are stale if the maximum rose in chunk c.
        Value rose = e.ne(running, acc[0]);
        Value redoEnd = arith::SelectOp::create(b, loc, rose, begin, acc[1]);
        scf::YieldOp::create(b, loc,
                             ValueRange{running, redoEnd, both.getResult(1)});
      });
  finalScale = int8ScaleFromAmax(s, s.bitsToF(chunks.getResult(0)));
  // The last chunk (under the final maximum), then the stale prefix.
  Value sizeV = indexConst(b, loc, size);
  Value last = encodeRange(b, loc, indexConst(b, loc, size - kRunningChunk),
                           sizeV, chunks.getResult(2), finalScale);
  return encodeRange(b, loc, zero, chunks.getResult(1), last, finalScale);
}

/// Per-channel statistics of a [outer, C, inner] view: the bits of each
/// channel's absolute maximum (i32 [C]) and, when asked, its minimum and
/// maximum (f32 [C]).
struct ChannelStats {
  Value amaxBits, min, max;
};

ChannelStats perChannelStats(OpBuilder &b, Location loc, Value v3,
                             bool withMinMax) {
  Value outer = dimOf(b, loc, v3, 0), channels = dimOf(b, loc, v3, 1),
        inner = dimOf(b, loc, v3, 2);
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value lanes = indexConst(b, loc, kLanes);
  NumericsEmitter s(b, loc, {});
  auto splat = [&](Value v) -> Value {
    return tensor::SplatOp::create(
        b, loc, v, RankedTensorType::get({ShapedType::kDynamic}, v.getType()),
        ValueRange{channels});
  };
  SmallVector<Value> inits{splat(s.c(0))};
  if (withMinMax) {
    inits.push_back(splat(s.cf(0.0f)));
    inits.push_back(splat(s.cf(0.0f)));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {zero, zero, zero},
      {outer, channels, ceilDiv(b, loc, inner, kLanes)}, {one, one, one}, inits,
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value off = arith::MulIOp::create(b, loc, ivs[2], lanes);
        Value x = readF32(b, loc, v3, {ivs[0], ivs[1], off}, {kLanes}, {false});
        NumericsEmitter v(b, loc, {kLanes});
        NumericsEmitter sc(b, loc, {});
        Value m =
            vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXUI,
                                        v.band(v.fToBits(x), v.c(0x7FFFFFFF)));
        auto update = [&](Value acc, Value value, auto combine) -> Value {
          Value old = tensor::ExtractOp::create(b, loc, acc, ivs[1]);
          return tensor::InsertOp::create(b, loc, combine(old, value), acc,
                                          ivs[1]);
        };
        scf::ValueVector next{update(args[0], m, [&](Value a, Value c) {
          return arith::MaxUIOp::create(b, loc, a, c).getResult();
        })};
        if (withMinMax) {
          // Out-of-bounds lanes read 0, which min(., 0) / max(., 0) ignore.
          Value lo = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::MINNUMF, x);
          Value hi = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::MAXNUMF, x);
          next.push_back(update(
              args[1], lo, [&](Value a, Value c) { return sc.fmin(a, c); }));
          next.push_back(update(
              args[2], hi, [&](Value a, Value c) { return sc.fmax(a, c); }));
        }
        return next;
      });
  ChannelStats stats{nest.results[0], {}, {}};
  if (withMinMax) {
    stats.min = nest.results[1];
    stats.max = nest.results[2];
  }
  return stats;
}

/// The INT8 scale of channel `c` from its statistics.
Int8Scale<NumericsEmitter> channelScale(OpBuilder &b, Location loc,
                                        const ChannelStats &stats, Value c,
                                        const FormatSpec &spec) {
  NumericsEmitter s(b, loc, {});
  Value amax = s.bitsToF(tensor::ExtractOp::create(b, loc, stats.amaxBits, c));
  if (!spec.zeroPoint)
    return int8ScaleFromAmax(s, amax);
  return int8ScaleFromMinMax(s, tensor::ExtractOp::create(b, loc, stats.min, c),
                             tensor::ExtractOp::create(b, loc, stats.max, c),
                             s.fisNaNOrInf(amax), spec);
}

using ChannelScaleFn =
    function_ref<Int8Scale<NumericsEmitter>(OpBuilder &, Location, Value)>;

/// Applies `fn(x, scale)` to every 16-lane chunk of a [outer, C, inner] view
/// with the channel's scale (`scaleOf(channel)`); the result has `elemType`.
Value mapChannels(OpBuilder &b, Location loc, Value v3, Type elemType,
                  ChannelScaleFn scaleOf,
                  function_ref<Value(NumericsEmitter &, Value,
                                     const Int8Scale<NumericsEmitter> &)>
                      fn) {
  Value outer = dimOf(b, loc, v3, 0), channels = dimOf(b, loc, v3, 1),
        inner = dimOf(b, loc, v3, 2);
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value lanes = indexConst(b, loc, kLanes);
  Value init = emptyLike(b, loc, v3, elemType);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {zero, zero, zero},
      {outer, channels, ceilDiv(b, loc, inner, kLanes)}, {one, one, one},
      ValueRange{init},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value off = arith::MulIOp::create(b, loc, ivs[2], lanes);
        SmallVector<Value> idx{ivs[0], ivs[1], off};
        Value x = readLanes(b, loc, v3, idx, false);
        Int8Scale<NumericsEmitter> scale = scaleOf(b, loc, ivs[1]);
        NumericsEmitter t(b, loc, {kLanes});
        Value y = fn(t, x, spreadInt8(b, loc, scale, {kLanes}));
        return {writeLanes(b, loc, y, args[0], idx, false)};
      });
  return nest.results[0];
}

/// The [outer, C, inner] view for per-channel INT8 along `axis`.
View channelView(OpBuilder &b, Location loc, Value t, int64_t axis) {
  int64_t r = cast<RankedTensorType>(t.getType()).getRank();
  return makeView(b, loc, t,
                  {range(0, axis + 1), {axis + 1}, range(axis + 2, r + 2)});
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

static Value emitInt8DequantizeByLookup(OpBuilder &b, Location loc,
                                        ValueRange parts, int64_t axis,
                                        const FormatSpec &spec,
                                        RankedTensorType resultType);

/// Checks what the lowering supports; emits a diagnostic on `diagOp`.
static LogicalResult checkSupported(const FormatSpec &spec,
                                    RankedTensorType type, int64_t axis,
                                    Operation *diagOp, bool packs) {
  auto fail = [&](const Twine &msg) {
    if (diagOp)
      diagOp->emitOpError(msg);
    return failure();
  };
  if (std::string err = spec.verify(); !err.empty())
    return fail("invalid format: " + err);
  if (spec.granularity == Granularity::Block) {
    if (spec.blockSize > 4096)
      return fail("block size " + Twine(spec.blockSize) +
                  " is larger than the CPU lowering supports (4096)");
    if (spec.scale == ScaleKind::F32 && spec.zeroPoint)
      return fail("block-wise INT8 with a zero point is not supported by "
                  "the CPU lowering yet");
  }
  if (packs) {
    SmallVector<int64_t> shape;
    for (int64_t d : type.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? kDynamicDim : d);
    if (std::string err = checkPackable(shape, axis, spec); !err.empty())
      return fail(err);
  }
  return success();
}

/// The per-tensor f32 scale of a `tensor_scale = true` format (null when the
/// format has none): the static (calibrated) value when given, with no pass
/// over the data, else computed from the tensor's absolute maximum.
static Value emitTensorScale(OpBuilder &b, Location loc, Value input,
                             const FormatSpec &spec,
                             std::optional<float> staticScale) {
  if (!spec.tensorScale)
    return {};
  if (staticScale)
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(*staticScale));
  View view = flatView(b, loc, input);
  TensorStats stats = reduceTensor(b, loc, view.value, false);
  NumericsEmitter s(b, loc, {});
  return tensorScaleFromAmax(s, s.bitsToF(stats.amaxBits), spec);
}

/// A static per-tensor INT8 scale (no data pass): NaN inputs take the
/// largest code (int8Level).
static Int8Scale<NumericsEmitter> staticInt8Scale(OpBuilder &b, Location loc,
                                                  float scale) {
  NumericsEmitter s(b, loc, {});
  Int8Scale<NumericsEmitter> r;
  r.scale = s.cf(scale);
  r.zeroPoint = s.cf(0.0f);
  r.isNaN = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  return r;
}

/// Whether the rows of `spec` run as lane blocks (BlockGeometry::
/// useLaneBlocks): 16-element blocks of 4-bit codes under E4M3 block
/// scales (NVFP4), whose tile formats take the block scales from the block
/// maxima and apply elementwise functions with them.
static bool usesLaneBlocks(const FormatSpec &spec) {
  return spec.scale == ScaleKind::E4M3 && spec.blockSize == kLanes &&
         getStorageElementBits(spec) == 4;
}

/// Fake quantization and quantization also run the 16-element blocks of
/// shared-microexponent formats (MX9, MX6, MX4) as lane blocks: their
/// block and sub-block maxima become vertical reductions of the transposed
/// tile instead of a scalar scale computation per block. Quantize packs
/// their 8-bit codes and 8-bit microexponents like NVFP4's 4-bit codes
/// (packLaneBlocks).
static bool smUsesLaneBlocks(const FormatSpec &spec) {
  // Codes and microexponents must fit their bytes (packLaneBlocks ors
  // them together), and the microexponents fill whole 32-bit words.
  return spec.element == ElementKind::SM && spec.blockSize == kLanes &&
         getStorageElementBits(spec) == 8 && spec.mantissaBits <= 7 &&
         (spec.subBlockSize == 0 || (kLanes / spec.subBlockSize) % 4 == 0);
}
static bool fakeQuantUsesLaneBlocks(const FormatSpec &spec) {
  return usesLaneBlocks(spec) ||
         (spec.element == ElementKind::SM && spec.blockSize == kLanes);
}
static bool quantizeUsesLaneBlocks(const FormatSpec &spec) {
  return usesLaneBlocks(spec) || smUsesLaneBlocks(spec);
}

/// Builds the block loops of a format with `build(fmt)`. With
/// `thresholds`, for E4M3 block scales over 4-bit elements (NVFP4) the
/// elements are fake-quantized against per-block thresholds (no division
/// per element; Numerics.h, "Threshold encoding") where the tensor scale
/// keeps that exact (thresholdsExactFor): decided at compile time for a
/// constant (or absent) tensor scale, else by an scf.if on it whose other
/// branch keeps the division. Quantize encodes with a division
/// (encodeE4M3ElementDirect) and needs no thresholds.
static SmallVector<Value> buildBlockLoops(
    OpBuilder &b, Location loc, const FormatSpec &spec, Value tensorScale,
    bool thresholds,
    function_ref<SmallVector<Value>(OpBuilder &, Location, TileFormat &)>
        build) {
  std::unique_ptr<TileFormat> plain = createTileFormat(spec, tensorScale);
  std::unique_ptr<TileFormat> fast =
      thresholds ? createThresholdTileFormat(spec, tensorScale) : nullptr;
  if (!fast)
    return build(b, loc, *plain);
  if (!tensorScale)
    return build(b, loc, *fast);
  FloatAttr constant;
  if (matchPattern(tensorScale, m_Constant(&constant))) {
    ScalarOps o;
    bool exact = thresholdsExactFor(o, constant.getValue().convertToFloat());
    return build(b, loc, exact ? *fast : *plain);
  }
  NumericsEmitter s(b, loc, {});
  auto ifOp = scf::IfOp::create(
      b, loc, thresholdsExactFor(s, tensorScale),
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, build(b, loc, *fast));
      },
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, build(b, loc, *plain));
      });
  return SmallVector<Value>(ifOp.getResults());
}

FailureOr<Value> mx::emitFakeQuant(OpBuilder &b, Location loc, Value input,
                                   const FormatSpec &spec, int64_t axis,
                                   Operation *diagOp,
                                   std::optional<float> staticScale) {
  auto type = cast<RankedTensorType>(input.getType());
  if (failed(checkSupported(spec, type, axis, diagOp, /*packs=*/false)))
    return failure();
  switch (spec.granularity) {
  case Granularity::Tensor: {
    View view = flatView(b, loc, input);
    auto fakeQuant = [&](NumericsEmitter &t, Value x,
                         const Int8Scale<NumericsEmitter> &s) {
      return fakeQuantInt8Element(t, x, s, spec);
    };
    if (!staticScale && !spec.zeroPoint && runningScaleApplies(view.value)) {
      Int8Scale<NumericsEmitter> scale;
      return view.undo(b, loc,
                       mapWithRunningScale(b, loc, view.value,
                                           type.getElementType(), scale,
                                           fakeQuant));
    }
    Int8Scale<NumericsEmitter> scale =
        staticScale ? staticInt8Scale(b, loc, *staticScale)
                    : perTensorScale(b, loc, view.value, spec);
    Value out = mapWithScale(b, loc, view.value, type.getElementType(), scale,
                             fakeQuant);
    return view.undo(b, loc, out);
  }
  case Granularity::Channel: {
    View view = channelView(b, loc, input, axis);
    ChannelStats stats = perChannelStats(b, loc, view.value, spec.zeroPoint);
    Value out = mapChannels(
        b, loc, view.value, type.getElementType(),
        [&](OpBuilder &b, Location loc, Value c) {
          return channelScale(b, loc, stats, c, spec);
        },
        [&](NumericsEmitter &t, Value x, const Int8Scale<NumericsEmitter> &s) {
          return fakeQuantInt8Element(t, x, s, spec);
        });
    return view.undo(b, loc, out);
  }
  case Granularity::Block:
    break;
  }
  Value tensorScale = emitTensorScale(b, loc, input, spec, staticScale);
  // The view and the destination are made outside buildBlockLoops' scf.if,
  // so that both branches write one buffer (no copy after bufferization).
  BlockGeometry g(type, axis, spec.blockSize,
                  createTileFormat(spec, tensorScale)->scalesFromMaxOnly());
  if (fakeQuantUsesLaneBlocks(spec))
    g.useLaneBlocks(type, axis);
  View view = makeView(b, loc, input, g.groups);
  Value init = emptyLike(b, loc, view.value, type.getElementType());
  Value out = buildBlockLoops(
                  b, loc, spec, tensorScale, /*thresholds=*/true,
                  [&](OpBuilder &b, Location loc,
                      TileFormat &fmt) -> SmallVector<Value> {
                    return {fakeQuantBlocks(b, loc, view.value, init, g, fmt)};
                  })
                  .front();
  return view.undo(b, loc, out);
}

FailureOr<SmallVector<Value>>
mx::emitQuantize(OpBuilder &b, Location loc, Value input,
                 RankedTensorType quantType, Operation *diagOp,
                 std::optional<float> staticScale) {
  auto type = cast<RankedTensorType>(input.getType());
  auto qtype = cast<QuantizedType>(quantType.getElementType());
  FormatSpec spec = qtype.getSpec();
  int64_t axis = std::max<int64_t>(qtype.getAxis(), 0);
  if (failed(checkSupported(spec, type, axis, diagOp, /*packs=*/true)))
    return failure();
  SmallVector<RankedTensorType> partTypes =
      qtype.getStorageTypes(type.getShape());
  SmallVector<SmallVector<OpFoldResult>> sizes =
      storageSizes(b, loc, input, qtype);
  SmallVector<Value> empties;
  for (auto [partType, partSizes] : llvm::zip(partTypes, sizes))
    empties.push_back(
        tensor::EmptyOp::create(b, loc, partSizes, partType.getElementType()));
  SmallVector<Value> parts;
  unsigned bits = getStorageElementBits(spec);

  switch (spec.granularity) {
  case Granularity::Tensor: {
    View view = flatView(b, loc, input);
    auto encode = [&](NumericsEmitter &t, Value x,
                      const Int8Scale<NumericsEmitter> &s) {
      return encodeInt8Element(t, x, s, spec);
    };
    Int8Scale<NumericsEmitter> scale;
    Value data;
    if (!staticScale && !spec.zeroPoint && runningScaleApplies(view.value)) {
      data =
          mapWithRunningScale(b, loc, view.value, b.getI8Type(), scale, encode);
    } else {
      scale = staticScale ? staticInt8Scale(b, loc, *staticScale)
                          : perTensorScale(b, loc, view.value, spec);
      data = mapWithScale(b, loc, view.value, b.getI8Type(), scale, encode);
    }
    parts.push_back(view.undo(b, loc, data));
    parts.push_back(tensor::FromElementsOp::create(b, loc, partTypes[1],
                                                   ValueRange{scale.scale}));
    if (spec.zeroPoint) {
      NumericsEmitter s(b, loc, {});
      parts.push_back(tensor::FromElementsOp::create(
          b, loc, partTypes[2], ValueRange{s.fToSI(scale.zeroPoint)}));
    }
    return parts;
  }
  case Granularity::Channel: {
    View view = channelView(b, loc, input, axis);
    ChannelStats stats = perChannelStats(b, loc, view.value, spec.zeroPoint);
    Value data = mapChannels(
        b, loc, view.value, b.getI8Type(),
        [&](OpBuilder &b, Location loc, Value c) {
          return channelScale(b, loc, stats, c, spec);
        },
        [&](NumericsEmitter &t, Value x, const Int8Scale<NumericsEmitter> &s) {
          return encodeInt8Element(t, x, s, spec);
        });
    parts.push_back(view.undo(b, loc, data));
    // The scales (and zero points): one per channel.
    Value channels = dimOf(b, loc, view.value, 1);
    SmallVector<Value> inits{tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{channels}, b.getF32Type())};
    if (spec.zeroPoint)
      inits.push_back(tensor::EmptyOp::create(
          b, loc, ArrayRef<OpFoldResult>{channels}, b.getI32Type()));
    auto loop = scf::ForOp::create(
        b, loc, indexConst(b, loc, 0), channels, indexConst(b, loc, 1), inits,
        [&](OpBuilder &b, Location loc, Value c, ValueRange acc) {
          Int8Scale<NumericsEmitter> s = channelScale(b, loc, stats, c, spec);
          SmallVector<Value> next{
              tensor::InsertOp::create(b, loc, s.scale, acc[0], c)};
          if (spec.zeroPoint) {
            NumericsEmitter e(b, loc, {});
            next.push_back(tensor::InsertOp::create(
                b, loc, e.fToSI(s.zeroPoint), acc[1], c));
          }
          scf::YieldOp::create(b, loc, next);
        });
    parts.push_back(
        tensor::CastOp::create(b, loc, partTypes[1], loop.getResult(0)));
    if (spec.zeroPoint)
      parts.push_back(
          tensor::CastOp::create(b, loc, partTypes[2], loop.getResult(1)));
    return parts;
  }
  case Granularity::Block:
    break;
  }

  Value tensorScale = emitTensorScale(b, loc, input, spec, staticScale);
  std::unique_ptr<TileFormat> fmt = createTileFormat(spec, tensorScale);
  BlockGeometry g(type, axis, spec.blockSize, fmt->scalesFromMaxOnly());
  if (quantizeUsesLaneBlocks(spec))
    g.useLaneBlocks(type, axis);
  g.cachedStores = g.laneBlocks;
  View x = makeView(b, loc, input, g.groups);
  SmallVector<View> views;
  SmallVector<Value> viewValues;
  bool hasMicro = spec.element == ElementKind::SM && spec.subBlockSize > 0;
  for (size_t i = 0; i < (hasMicro ? 3u : 2u); ++i) {
    views.push_back(makeView(b, loc, empties[i], g.groups));
    viewValues.push_back(views.back().value);
  }
  SmallVector<Value> results =
      buildBlockLoops(b, loc, spec, tensorScale, /*thresholds=*/false,
                      [&](OpBuilder &b, Location loc, TileFormat &f) {
                        return quantizeBlocks(b, loc, x.value, viewValues, f, g,
                                              bits, spec.subBlockSize);
                      });
  for (auto [view, result] : llvm::zip(views, results))
    parts.push_back(view.undo(b, loc, result));
  if (spec.tensorScale)
    parts.push_back(tensor::FromElementsOp::create(b, loc, partTypes.back(),
                                                   ValueRange{tensorScale}));
  return parts;
}

FailureOr<Value> mx::emitDequantize(OpBuilder &b, Location loc,
                                    ValueRange parts,
                                    RankedTensorType quantType,
                                    RankedTensorType resultType,
                                    Operation *diagOp) {
  auto qtype = cast<QuantizedType>(quantType.getElementType());
  FormatSpec spec = qtype.getSpec();
  int64_t axis = std::max<int64_t>(qtype.getAxis(), 0);
  if (spec.granularity == Granularity::Block && spec.scale == ScaleKind::F32 &&
      spec.zeroPoint && spec.verify().empty())
    return emitInt8DequantizeByLookup(b, loc, parts, axis, spec, resultType);
  if (failed(checkSupported(spec, quantType, axis, diagOp, /*packs=*/true)))
    return failure();
  // The result's sizes are the data's, except a packed last dimension.
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    if (diagOp && d == resultType.getRank() - 1 &&
        getStorageElementBits(spec) != 8) {
      diagOp->emitOpError("a dynamic packed last dimension cannot be "
                          "recovered from the packed data");
      return failure();
    }
    sizes.push_back(dimOf(b, loc, parts[0], d));
  }
  Value empty =
      tensor::EmptyOp::create(b, loc, sizes, resultType.getElementType());
  unsigned bits = getStorageElementBits(spec);

  switch (spec.granularity) {
  case Granularity::Tensor: {
    View data = flatView(b, loc, parts[0]);
    NumericsEmitter s(b, loc, {});
    Int8Scale<NumericsEmitter> scale;
    scale.scale = tensor::ExtractOp::create(b, loc, parts[1], ValueRange{});
    scale.zeroPoint = s.cf(0.0f);
    if (spec.zeroPoint) {
      scale.zeroPoint =
          s.siToF(tensor::ExtractOp::create(b, loc, parts[2], ValueRange{}));
      scale.hasZeroPoint = true;
    }
    scale.isNaN = s.fisNaNOrInf(scale.scale);
    Value out =
        mapWithScale(b, loc, data.value, resultType.getElementType(), scale,
                     [&](NumericsEmitter &t, Value codes,
                         const Int8Scale<NumericsEmitter> &s) {
                       return decodeInt8Element(t, codes, s, spec);
                     });
    return tensor::CastOp::create(b, loc, resultType, data.undo(b, loc, out))
        .getResult();
  }
  case Granularity::Channel: {
    View data = channelView(b, loc, parts[0], axis);
    Value out = mapChannels(
        b, loc, data.value, resultType.getElementType(),
        [&](OpBuilder &b, Location loc, Value c) {
          NumericsEmitter s(b, loc, {});
          Int8Scale<NumericsEmitter> scale;
          scale.scale = tensor::ExtractOp::create(b, loc, parts[1], c);
          scale.zeroPoint = s.cf(0.0f);
          if (spec.zeroPoint) {
            scale.zeroPoint =
                s.siToF(tensor::ExtractOp::create(b, loc, parts[2], c));
            scale.hasZeroPoint = true;
          }
          scale.isNaN = s.fisNaNOrInf(scale.scale);
          return scale;
        },
        [&](NumericsEmitter &t, Value codes,
            const Int8Scale<NumericsEmitter> &s) {
          return decodeInt8Element(t, codes, s, spec);
        });
    return tensor::CastOp::create(b, loc, resultType, data.undo(b, loc, out))
        .getResult();
  }
  case Granularity::Block:
    break;
  }

  Value tensorScale;
  if (spec.tensorScale)
    tensorScale = tensor::ExtractOp::create(b, loc, parts.back(), ValueRange{});
  std::unique_ptr<TileFormat> fmt = createTileFormat(spec, tensorScale);
  BlockGeometry g(resultType, axis, spec.blockSize, fmt->scalesFromMaxOnly());
  View out = makeView(b, loc, empty, g.groups);
  bool hasMicro = spec.element == ElementKind::SM && spec.subBlockSize > 0;
  SmallVector<Value> partViews;
  for (size_t i = 0; i < (hasMicro ? 3u : 2u); ++i)
    partViews.push_back(makeView(b, loc, parts[i], g.groups).value);
  Value result = dequantizeBlocks(b, loc, out.value, partViews, *fmt, g, bits,
                                  spec.subBlockSize);
  return out.undo(b, loc, result);
}

//===----------------------------------------------------------------------===//
// INT8 with per-element scale lookup (static scales of any granularity)
//===----------------------------------------------------------------------===//

/// The map from a data index to its scale (and zero point) index: () per
/// tensor, (d_axis) per channel, the data index with d_axis floordiv the
/// block size per block.
static AffineMap int8ScaleMap(MLIRContext *ctx, int64_t rank, int64_t axis,
                              const FormatSpec &spec) {
  SmallVector<AffineExpr> exprs;
  switch (spec.granularity) {
  case Granularity::Tensor:
    break;
  case Granularity::Channel:
    exprs.push_back(getAffineDimExpr(axis, ctx));
    break;
  case Granularity::Block:
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr e = getAffineDimExpr(d, ctx);
      exprs.push_back(d == axis ? e.floorDiv(spec.blockSize) : e);
    }
    break;
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Elementwise INT8 over `inputs` = (values, scales, [zero points]) with the
/// scale of each element looked up through int8ScaleMap; `body` maps the
/// element and its scale to the result element.
static Value
mapInt8WithScaleParts(OpBuilder &b, Location loc, ValueRange inputs,
                      int64_t axis, const FormatSpec &spec, Type resultElem,
                      function_ref<Value(NumericsEmitter &, Value,
                                         const Int8Scale<NumericsEmitter> &)>
                          body) {
  auto type = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, inputs[0]);
  Value init = tensor::EmptyOp::create(b, loc, sizes, resultElem);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap scaleMap = int8ScaleMap(ctx, rank, axis, spec);
  SmallVector<AffineMap> maps{id, scaleMap};
  if (inputs.size() > 2)
    maps.push_back(scaleMap);
  maps.push_back(id);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        NumericsEmitter e(nb, nl, {});
        Int8Scale<NumericsEmitter> scale;
        scale.scale = args[1];
        scale.zeroPoint = e.cf(0.0f);
        if (inputs.size() > 2) {
          scale.zeroPoint = e.siToF(args[2]);
          scale.hasZeroPoint = true;
        }
        scale.isNaN = e.fisNaNOrInf(scale.scale);
        Value r = body(e, args[0], scale);
        linalg::YieldOp::create(nb, nl, r);
      });
  return generic.getResult(0);
}

/// mx.quantize with `static_scales` (and `static_zero_points`): the codes
/// from the constant scales, the scales and zero points as constants.
FailureOr<SmallVector<Value>>
mx::emitStaticQuantize(OpBuilder &b, Location loc, Value input,
                       RankedTensorType quantType, DenseFPElementsAttr scales,
                       DenseIntElementsAttr zeroPoints, Operation *diagOp) {
  auto qtype = cast<QuantizedType>(quantType.getElementType());
  FormatSpec spec = qtype.getSpec();
  int64_t axis = std::max<int64_t>(qtype.getAxis(), 0);
  if (std::string err = spec.verify(); !err.empty())
    return diagOp->emitOpError("invalid format: " + err);
  SmallVector<Value> parts;
  SmallVector<Value> inputs{input};
  inputs.push_back(arith::ConstantOp::create(b, loc, scales));
  if (zeroPoints)
    inputs.push_back(arith::ConstantOp::create(b, loc, zeroPoints));
  Value data = mapInt8WithScaleParts(
      b, loc, inputs, axis, spec, b.getI8Type(),
      [&](NumericsEmitter &e, Value x, const Int8Scale<NumericsEmitter> &s) {
        OpBuilder &eb = e.getBuilder();
        if (!x.getType().isF32())
          x = arith::ExtFOp::create(eb, loc, eb.getF32Type(), x);
        // Static scales are finite: NaN inputs clamp like static_scale's.
        Int8Scale<NumericsEmitter> fixed = s;
        fixed.isNaN = arith::ConstantOp::create(eb, loc, eb.getBoolAttr(false));
        Value code = encodeInt8Element(e, x, fixed, spec);
        return arith::TruncIOp::create(eb, loc, eb.getI8Type(), code)
            .getResult();
      });
  parts.push_back(data);
  parts.append(inputs.begin() + 1, inputs.end());
  return parts;
}

/// Dequantization of INT8 parts through a per-element scale lookup (used
/// for block-wise INT8 with zero points, which the tiled path lacks).
static Value emitInt8DequantizeByLookup(OpBuilder &b, Location loc,
                                        ValueRange parts, int64_t axis,
                                        const FormatSpec &spec,
                                        RankedTensorType resultType) {
  Value out = mapInt8WithScaleParts(
      b, loc, parts, axis, spec, resultType.getElementType(),
      [&](NumericsEmitter &e, Value code, const Int8Scale<NumericsEmitter> &s) {
        OpBuilder &eb = e.getBuilder();
        Value c = arith::ExtUIOp::create(eb, loc, eb.getI32Type(), code);
        Value f = decodeInt8Element(e, c, s, spec);
        if (!resultType.getElementType().isF32())
          f = arith::TruncFOp::create(eb, loc, resultType.getElementType(), f);
        return f;
      });
  return tensor::CastOp::create(b, loc, resultType, out).getResult();
}

/// The C++ twin of emitStaticQuantize for constant inputs: the same
/// numerics (Numerics.h through ScalarOps), evaluated at compile time.
static SmallVector<int8_t>
quantizeWithStaticScales(ArrayRef<float> values, ArrayRef<int64_t> shape,
                         int64_t axis, const FormatSpec &spec,
                         ArrayRef<float> scales, ArrayRef<int32_t> zps) {
  int64_t rank = shape.size();
  // Strides of the data and of the scales part.
  SmallVector<int64_t> scaleShape;
  if (spec.granularity == Granularity::Channel)
    scaleShape.push_back(shape[axis]);
  else if (spec.granularity == Granularity::Block)
    for (int64_t d = 0; d < rank; ++d)
      scaleShape.push_back(
          d == axis ? llvm::divideCeil(shape[d], spec.blockSize) : shape[d]);
  SmallVector<int64_t> scaleStrides(scaleShape.size(), 1);
  for (int64_t d = (int64_t)scaleShape.size() - 2; d >= 0; --d)
    scaleStrides[d] = scaleStrides[d + 1] * scaleShape[d + 1];
  SmallVector<int8_t> codes(values.size());
  SmallVector<int64_t> index(rank, 0);
  ScalarOps o;
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t si = 0;
    if (spec.granularity == Granularity::Channel)
      si = index[axis];
    else if (spec.granularity == Granularity::Block)
      for (int64_t d = 0; d < rank; ++d)
        si += (d == axis ? index[d] / spec.blockSize : index[d]) *
              scaleStrides[d];
    Int8Scale<ScalarOps> s;
    s.scale = scales[si];
    s.zeroPoint = zps.empty() ? 0.0f : static_cast<float>(zps[si]);
    s.hasZeroPoint = !zps.empty();
    s.isNaN = false;
    codes[i] = static_cast<int8_t>(encodeInt8Element(o, values[i], s, spec));
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return codes;
}

//===----------------------------------------------------------------------===//
// Compile-time quantization of constants
//===----------------------------------------------------------------------===//

/// The f32 values of a constant (dense or dense_resource), if `v` is one.
static std::optional<ArrayRef<float>> constantValues(Value v,
                                                     std::vector<float> &buf) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    buf.assign(dense.value_begin<float>(), dense.value_end<float>());
    return ArrayRef<float>(buf);
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr))
    return resource.tryGetAsArrayRef();
  return std::nullopt;
}

/// Quantizes a constant at compile time with the C++ implementation of the
/// same numerics; returns the parts as constants.
static std::optional<SmallVector<Value>>
foldQuantizeConstant(OpBuilder &b, Location loc, Value input,
                     RankedTensorType quantType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (!type.hasStaticShape())
    return std::nullopt;
  std::vector<float> buf;
  std::optional<ArrayRef<float>> values = constantValues(input, buf);
  if (!values || (int64_t)values->size() != type.getNumElements())
    return std::nullopt;
  auto qtype = cast<QuantizedType>(quantType.getElementType());
  FormatSpec spec = qtype.getSpec();
  int64_t axis = std::max<int64_t>(qtype.getAxis(), 0);
  SmallVector<int64_t> shape(type.getShape());
  QuantizedArray q = quantizeArray(values->data(), shape, axis, spec);
  SmallVector<Value> parts;
  for (auto [partType, bytes] :
       llvm::zip(qtype.getStorageTypes(type.getShape()), q.parts)) {
    ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size());
    TypedAttr attr;
    // Large parts become resource blobs: no uniquing of megabytes.
    if (bytes.size() > (1u << 16))
      attr = DenseResourceElementsAttr::get(
          partType, "mx_quantized",
          HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignof(float)));
    else
      attr = DenseElementsAttr::getFromRawBuffer(partType, raw);
    parts.push_back(arith::ConstantOp::create(b, loc, partType, attr));
  }
  return parts;
}

/// Quantizes a constant with static scales at compile time; returns the
/// parts as constants.
static std::optional<SmallVector<Value>>
foldStaticQuantizeConstant(OpBuilder &b, Location loc, QuantizeOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (!type.hasStaticShape() || !type.getElementType().isF32())
    return std::nullopt;
  std::vector<float> buf;
  std::optional<ArrayRef<float>> values = constantValues(op.getInput(), buf);
  if (!values || (int64_t)values->size() != type.getNumElements())
    return std::nullopt;
  QuantizedType qtype = op.getQuantizedType();
  FormatSpec spec = qtype.getSpec();
  SmallVector<float> scales(op.getStaticScales()->getValues<float>());
  SmallVector<int32_t> zps;
  if (std::optional<DenseIntElementsAttr> z = op.getStaticZeroPoints())
    zps.assign(z->getValues<int32_t>().begin(), z->getValues<int32_t>().end());
  SmallVector<int8_t> codes = quantizeWithStaticScales(
      *values, type.getShape(), std::max<int64_t>(qtype.getAxis(), 0), spec,
      scales, zps);
  RankedTensorType dataType = qtype.getStorageTypes(type.getShape())[0];
  SmallVector<Value> parts;
  parts.push_back(arith::ConstantOp::create(
      b, loc, dataType,
      DenseElementsAttr::get(dataType, ArrayRef<int8_t>(codes))));
  parts.push_back(arith::ConstantOp::create(b, loc, *op.getStaticScales()));
  if (std::optional<DenseIntElementsAttr> z = op.getStaticZeroPoints())
    parts.push_back(arith::ConstantOp::create(b, loc, *z));
  return parts;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Static quantizations need their calibrated scale before lowering.
static LogicalResult checkResolved(QuantizeOp op) {
  if (!op.isUnresolved())
    return success();
  return op.emitOpError()
         << "tensor '" << *op.getCalibration()
         << "' has no calibrated scale: run mx-calibrate on the model and "
            "--mx-infer-scales with the table (or quantize its activations "
            "dynamically: --mx-quantize=\"activations=dynamic\")";
}

static std::optional<float> staticScaleOf(QuantizeOp op) {
  if (FloatAttr s = op.getStaticScaleAttr())
    return static_cast<float>(s.getValueAsDouble());
  return std::nullopt;
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
/// same values as a fake quantization, without packing data in memory.
struct LowerQuantizeDequantizePair : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto q = op.getInput().getDefiningOp<QuantizeOp>();
    if (!q || !q->hasOneUse())
      return rewriter.notifyMatchFailure(op,
                                         "input is not a quantize of one use");
    if (q.getInput().getType().getElementType() !=
        op.getType().getElementType())
      return rewriter.notifyMatchFailure(op, "float element types differ");
    // A constant is folded at compile time instead (see QuantizeToParts).
    std::vector<float> buf;
    if (constantValues(q.getInput(), buf))
      return rewriter.notifyMatchFailure(op, "input is a constant");
    if (failed(checkResolved(q)))
      return failure();
    if (q.getStaticScales())
      return rewriter.notifyMatchFailure(
          op, "static scales lower through the storage parts");
    QuantizedType qt = q.getQuantizedType();
    FailureOr<Value> result = emitFakeQuant(
        rewriter, op.getLoc(), q.getInput(), qt.getSpec(),
        qt.isPerTensor() ? 0 : qt.getAxis(), op, staticScaleOf(q));
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    rewriter.eraseOp(q);
    return success();
  }
};

/// mx.quantize -> its storage parts (data, scales, ...).
struct QuantizeToParts : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType quantType = op.getResult().getType();
    if (failed(checkResolved(op)))
      return failure();
    if (op.getStaticScales()) {
      std::optional<SmallVector<Value>> folded =
          foldStaticQuantizeConstant(rewriter, op.getLoc(), op);
      FailureOr<SmallVector<Value>> parts =
          folded
              ? FailureOr<SmallVector<Value>>(*folded)
              : emitStaticQuantize(rewriter, op.getLoc(), adaptor.getInput(),
                                   quantType, *op.getStaticScales(),
                                   op.getStaticZeroPoints().value_or(nullptr),
                                   op);
      if (failed(parts))
        return failure();
      rewriter.replaceOpWithMultiple(op, {*parts});
      return success();
    }
    if (op.getStaticScale()) {
      FailureOr<SmallVector<Value>> parts =
          emitQuantize(rewriter, op.getLoc(), adaptor.getInput(), quantType, op,
                       staticScaleOf(op));
      if (failed(parts))
        return failure();
      rewriter.replaceOpWithMultiple(op, {*parts});
      return success();
    }
    if (std::optional<SmallVector<Value>> folded = foldQuantizeConstant(
            rewriter, op.getLoc(), op.getInput(), quantType)) {
      rewriter.replaceOpWithMultiple(op, {*folded});
      return success();
    }
    FailureOr<SmallVector<Value>> parts =
        emitQuantize(rewriter, op.getLoc(), adaptor.getInput(), quantType, op);
    if (failed(parts))
      return failure();
    rewriter.replaceOpWithMultiple(op, {*parts});
    return success();
  }
};

/// mx.dequantize of storage parts.
struct DequantizeFromParts : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> result =
        emitDequantize(rewriter, op.getLoc(), adaptor.getInput(),
                       op.getInput().getType(), op.getType(), op);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// tensor.collapse_shape / expand_shape of a quantized tensor: the same
/// reshape of every storage part that has the tensor's rank (the
/// quantization axis and the packed last dimension are groups of their own,
/// which QuantCommutingOpInterface ensured); other parts pass through.
template <typename ReshapeOp>
struct ReshapeQuantized : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern<ReshapeOp>::OpConversionPattern;
  using OneToNOpAdaptor =
      typename OpConversionPattern<ReshapeOp>::OneToNOpAdaptor;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResultType();
    auto qtype = dyn_cast<QuantizedType>(resultType.getElementType());
    if (!qtype)
      return failure();
    if (!resultType.hasStaticShape())
      return op.emitOpError("reshapes of quantized tensors need static "
                            "shapes in the CPU lowering");
    SmallVector<RankedTensorType> outTypes =
        qtype.getStorageTypes(resultType.getShape());
    int64_t srcRank = op.getSrcType().getRank();
    return replaceWithMovedParts(
        op, adaptor.getSrc(), outTypes, "reshape", rewriter,
        [&](RankedTensorType partType, RankedTensorType outType) {
          return partType.getRank() == srcRank && partType != outType;
        },
        [&](unsigned, Value part,
            RankedTensorType outType) -> FailureOr<Value> {
          return ReshapeOp::create(rewriter, op.getLoc(), outType, part,
                                   op.getReassociationIndices())
              .getResult();
        });
  }
};

/// tensor.extract_slice of a quantized tensor: the matching slice of every
/// storage part (offsets and sizes divided by the block size along the
/// axis, by the packing along the last dimension of the data).
struct SliceQuantized : OpConversionPattern<tensor::ExtractSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tensor::ExtractSliceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getResultType();
    auto qtype = dyn_cast<QuantizedType>(resultType.getElementType());
    if (!qtype)
      return failure();
    if (!resultType.hasStaticShape() ||
        resultType.getRank() != op.getSourceType().getRank())
      return op.emitOpError("slices of quantized tensors need static shapes "
                            "and the same rank in the CPU lowering");
    FormatSpec spec = qtype.getSpec();
    SmallVector<RankedTensorType> outTypes =
        qtype.getStorageTypes(resultType.getShape());
    ArrayRef<int64_t> offsets = op.getStaticOffsets();
    SmallVector<Value> results;
    for (auto [index, part, outType] :
         llvm::enumerate(adaptor.getSource(), outTypes)) {
      auto partType = cast<RankedTensorType>(part.getType());
      if (partType == outType && partType.getRank() == 0) {
        results.push_back(part);
        continue;
      }
      // The unit one element of the part stands for along each dimension.
      SmallVector<int64_t> partOffsets = getStoragePartOffsets(
          spec, qtype.getAxis(), index, partType.getRank(), offsets);
      SmallVector<int64_t> strides(partType.getRank(), 1);
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), outType, part, ValueRange{}, ValueRange{},
          ValueRange{}, partOffsets, outType.getShape(), strides));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// mx.assemble: the parts are the storage already.
struct AssembleToParts : OpConversionPattern<AssembleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AssembleOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> parts;
    for (ValueRange p : adaptor.getParts())
      parts.append(p.begin(), p.end());
    rewriter.replaceOpWithMultiple(op, {parts});
    return success();
  }
};

/// mx.disassemble: the storage parts of the input.
struct DisassembleFromParts : OpConversionPattern<DisassembleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DisassembleOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ValueRange parts = adaptor.getInput();
    if (parts.size() != op.getNumResults())
      return op.emitOpError("storage parts do not match the results");
    rewriter.replaceOp(op, parts);
    return success();
  }
};

struct ConvertMXToVectorPass
    : mx::impl::ConvertMXToVectorBase<ConvertMXToVectorPass> {
  using ConvertMXToVectorBase::ConvertMXToVectorBase;
  void runOnOperation() override {
    Operation *root = getOperation();
    MLIRContext *ctx = &getContext();
    // Unresolved static quantizations cannot be lowered: say which.
    if (failed(checkQuantizationsResolved(root)))
      return signalPassFailure();
    // Fake quantization and quantize/dequantize pairs first: no storage.
    {
      RewritePatternSet patterns(ctx);
      populateMXToVectorPatterns(patterns);
      populateMXWarpMMAToLoopsPatterns(patterns);
      walkAndApplyPatterns(root, std::move(patterns));
    }
    bool failedOp = false;
    root->walk([&](FakeQuantOp op) {
      failedOp = true; // emitFakeQuant already said why.
    });
    if (failedOp)
      return signalPassFailure();

    // Everything else: quantized tensors become their storage parts, across
    // function signatures, calls and structured control flow.
    TypeConverter converter;
    populateMXStorageTypeConversion(converter);
    ConversionTarget target(*ctx);
    target.addIllegalOp<QuantizeOp, DequantizeOp, ContractOp, AssembleOp,
                        DisassembleOp>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    std::optional<ContractKernelTarget> kernelTarget =
        parseContractKernelTarget(contractKernels);
    if (!kernelTarget) {
      emitError(root->getLoc())
          << "convert-mx-to-vector: contract-kernels must be none, generic, "
             "avx512vnni, amx or auto, not '"
          << contractKernels << "'";
      return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    populateMXStorageConversionPatterns(
        converter, patterns, {*kernelTarget, contractExact, contractPrepack});
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mx::populateMXToVectorPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerFakeQuant, LowerQuantizeDequantizePair>(
      patterns.getContext());
}

LogicalResult mx::checkQuantizationsResolved(Operation *root) {
  bool unresolved = false;
  root->walk([&](QuantizeOp op) {
    if (failed(checkResolved(op)))
      unresolved = true;
  });
  return failure(unresolved);
}

void mx::populateMXStorageTypeConversion(TypeConverter &converter) {
  converter.addConversion([](Type t) { return t; });
  converter.addConversion(
      [](RankedTensorType t,
         SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
        auto q = dyn_cast<QuantizedType>(t.getElementType());
        if (!q)
          return std::nullopt;
        for (RankedTensorType part : q.getStorageTypes(t.getShape()))
          results.push_back(part);
        return success();
      });
}

void mx::populateMXStorageConversionPatterns(
    TypeConverter &converter, RewritePatternSet &patterns,
    const ContractKernelOptions &kernels) {
  patterns.add<QuantizeToParts, DequantizeFromParts, AssembleToParts,
               DisassembleFromParts, ReshapeQuantized<tensor::CollapseShapeOp>,
               ReshapeQuantized<tensor::ExpandShapeOp>, SliceQuantized>(
      converter, patterns.getContext());
  populateMXContractLoweringPatterns(converter, patterns, kernels);
  populateMXDataMovementConversionPatterns(converter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);
}
