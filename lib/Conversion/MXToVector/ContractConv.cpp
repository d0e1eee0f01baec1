//===- ContractConv.cpp - Convolution contracts on the packed kernels -----===//
//
// Part of mx-opt. An mx.contract that is not in matmul form but whose
// loops split into M (parallel, lhs and result), N (parallel, rhs and
// result) and K (reduction) loops, with the rhs and the result indexed by
// plain loop dimensions: convolutions as --mx-fuse makes them (NHWC/HWCF,
// NCHW/FCHW, strided, dilated, padded), becomes the matmul
//
//   C[M, N] = sum_K im2col(A)[M, K] * B'[K, N]
//
// on the kernels of ContractKernels.cpp (docs/Lowering.md, "Kernels for
// mx.contract", "Convolutions"). The lhs is gathered into its im2col form
// (one linalg.generic copy whose input map is the contraction's lhs map),
// the rhs is reordered to [K..., N...] (a reshape when it already is, as
// HWCF weights are), and the [M, N] accumulator is reshaped (and, when the
// result's dimensions are not M then N, transposed) to the result.
//
// * f32 kernel: both operands decoded to f32 first; K runs over the
//   reduction loops in loop order, the order of the linalg.generic lowering
//   of Contract.cpp, so the sums are the same, bit for bit. Padding is
//   +0.0 as there.
// * integer kernel, INT8 (symmetric, scales constant along K): the i8 codes
//   are gathered; the i32 sums are exact in any order.
// * integer kernel, MXINT8 / MXFP4 with blocks along the input channel c
//   (a reduction loop): K runs over the other reduction loops in loop order
//   and then c padded to whole blocks (zero codes), so every block of K is
//   one block of the input and of the weights; codes and block scales are
//   gathered (padding: code 0 and scale 1.0). One rounding per block, as
//   for matmuls.
//
//===----------------------------------------------------------------------===//

#include "ContractKernelsImpl.h"
#include "ContractPrepack.h"
#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace mx;
using namespace mx::contract_kernels;

namespace {

/// The loop roles of a contraction taken to matmul form through im2col.
struct ConvForm {
  SmallVector<int64_t> extent; ///< Per loop.
  /// Loops by role, each in increasing position (the generic's order).
  SmallVector<unsigned> mDims, nDims, kDims;
  /// The loops of the result's dimensions, in order.
  SmallVector<unsigned> outDims;
};

bool plainDims(AffineMap map, SmallVector<unsigned> &dims) {
  for (AffineExpr e : map.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return false;
    dims.push_back(d.getPosition());
  }
  return true;
}

std::optional<ConvForm> matchConv(ContractOp op) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  AffineMap lhs = maps[0], rhs = maps[1], out = maps[2];
  unsigned numLoops = out.getNumDims();
  ConvForm form;
  SmallVector<unsigned> rhsDims;
  if (!plainDims(out, form.outDims) || !plainDims(rhs, rhsDims))
    return std::nullopt;
  form.extent.assign(numLoops, -1);
  auto setExtent = [&](ArrayRef<unsigned> dims, RankedTensorType t) {
    for (auto [i, d] : llvm::enumerate(dims)) {
      int64_t size = t.getDimSize(i);
      if (form.extent[d] >= 0 && form.extent[d] != size)
        return false;
      form.extent[d] = size;
    }
    return true;
  };
  if (!setExtent(form.outDims, op.getResultType()) ||
      !setExtent(rhsDims, op.getRhs().getType()))
    return std::nullopt;
  for (unsigned d = 0; d < numLoops; ++d) {
    if (form.extent[d] <= 0)
      return std::nullopt;
    bool inL = lhs.isFunctionOfDim(d), inR = rhs.isFunctionOfDim(d),
         inO = out.isFunctionOfDim(d);
    if (op.isReductionDim(d)) {
      if (inO)
        return std::nullopt;
      form.kDims.push_back(d);
      continue;
    }
    // Batch-like loops (depthwise, grouped) and loops of the result alone
    // stay on the generic lowering.
    if (!inO || inL == inR)
      return std::nullopt;
    (inR ? form.nDims : form.mDims).push_back(d);
  }
  if (form.mDims.empty() || form.nDims.empty() || form.kDims.empty())
    return std::nullopt;
  return form;
}

int64_t product(const ConvForm &form, ArrayRef<unsigned> dims) {
  int64_t p = 1;
  for (unsigned d : dims)
    p *= form.extent[d];
  return p;
}

SmallVector<int64_t> extents(const ConvForm &form, ArrayRef<unsigned> dims) {
  return llvm::map_to_vector(dims, [&](unsigned d) { return form.extent[d]; });
}

/// `map` (over the contraction's loops) over the loops `loops` instead: loop
/// loops[i] becomes dimension i.
AffineMap renumber(AffineMap map, ArrayRef<unsigned> loops) {
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> repl(map.getNumDims(), getAffineConstantExpr(0, ctx));
  for (auto [i, d] : llvm::enumerate(loops))
    repl[d] = getAffineDimExpr(i, ctx);
  return map.replaceDimsAndSymbols(repl, {}, loops.size(), 0);
}

/// A constant tensor's row-major bytes and the bytes of one element.
struct ConstTensor {
  RankedTensorType type;
  std::vector<char> bytes;
  int64_t width = 0;
};

/// `v` as a ConstTensor, if it is a constant of whole-byte elements (the
/// weights of a convolution: codes, scales, decoded f32 values).
std::optional<ConstTensor> constTensor(Value v) {
  std::vector<char> buf;
  std::optional<ArrayRef<char>> bytes = constantBytes(v, buf);
  if (!bytes)
    return std::nullopt;
  auto type = cast<RankedTensorType>(v.getType());
  return ConstTensor{type, std::vector<char>(bytes->begin(), bytes->end()),
                     type.getElementTypeBitWidth() / 8};
}

/// Calls `f(index, linear)` for every index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>, int64_t)> f) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    f(idx, linear);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

/// The row-major offset of `idx` in `shape`.
int64_t linearIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> idx) {
  int64_t at = 0;
  for (auto [size, i] : llvm::zip(shape, idx))
    at = at * size + i;
  return at;
}

/// A constant of `c.type`'s element type and `shape` with `bytes`.
Value constantLike(OpBuilder &b, Location loc, const ConstTensor &c,
                   ArrayRef<int64_t> shape, ArrayRef<char> bytes) {
  return bytesConstant(
      b, loc, RankedTensorType::get(shape, c.type.getElementType()), bytes);
}

/// out[i...] = src[srcMap(i...)], a tensor of `shape` (src itself when that
/// is the same tensor). With `fold`, a constant `src` read through plain
/// dimensions (a filter) gives a constant, so that the kernels can pack it
/// at compile time (contract-prepack).
Value gather(OpBuilder &b, Location loc, Value src, AffineMap srcMap,
             ArrayRef<int64_t> shape, bool fold = false) {
  auto st = cast<RankedTensorType>(src.getType());
  if (srcMap.isIdentity() && st.getShape() == shape)
    return src;
  SmallVector<unsigned> dims;
  if (fold && plainDims(srcMap, dims))
    if (std::optional<ConstTensor> c = constTensor(src)) {
      std::vector<char> out(c->bytes.size() / st.getNumElements() *
                            size_t(ShapedType::getNumElements(shape)));
      SmallVector<int64_t> at(dims.size());
      forEachIndex(shape, [&](ArrayRef<int64_t> idx, int64_t linear) {
        for (auto [r, d] : llvm::enumerate(dims))
          at[r] = idx[d];
        std::memcpy(&out[linear * c->width],
                    &c->bytes[linearIndex(st.getShape(), at) * c->width],
                    c->width);
      });
      return constantLike(b, loc, *c, shape, out);
    }
  Value init = tensor::EmptyOp::create(b, loc, shape, st.getElementType());
  unsigned rank = shape.size();
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{src},
             ValueRange{init},
             ArrayRef<AffineMap>{srcMap, b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, ValueRange{args[0]});
             })
      .getResult(0);
}

/// `t` collapsed to two dimensions: [0, split) and [split, rank); with
/// `fold`, a constant `t` gives a constant.
Value collapse2(OpBuilder &b, Location loc, Value t, unsigned split,
                bool fold = false) {
  unsigned rank = cast<RankedTensorType>(t.getType()).getRank();
  if (rank == 2 && split == 1)
    return t;
  ReassociationIndices lo, hi;
  for (unsigned i = 0; i < rank; ++i)
    (i < split ? lo : hi).push_back(i);
  if (std::optional<ConstTensor> c = fold ? constTensor(t) : std::nullopt) {
    ArrayRef<int64_t> shape = c->type.getShape();
    int64_t rows = 1, cols = 1;
    for (unsigned i = 0; i < rank; ++i)
      (i < split ? rows : cols) *= shape[i];
    return constantLike(b, loc, *c, {rows, cols}, c->bytes);
  }
  return tensor::CollapseShapeOp::create(
      b, loc, t, ArrayRef<ReassociationIndices>{lo, hi});
}

/// `t` padded by `low` / `high` with the scalar `value`; with `fold`, a
/// constant `t` padded with a constant gives a constant.
Value padWith(OpBuilder &b, Location loc, Value t, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value, bool fold = false) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return t;
  Attribute fill;
  if (fold && matchPattern(value, m_Constant(&fill)))
    if (std::optional<ConstTensor> c = constTensor(t)) {
      APInt bits;
      if (auto i = dyn_cast<IntegerAttr>(fill))
        bits = i.getValue();
      else if (auto f = dyn_cast<FloatAttr>(fill))
        bits = f.getValue().bitcastToAPInt();
      if (bits.getBitWidth() == 8 * c->width) {
        ArrayRef<int64_t> in = c->type.getShape();
        SmallVector<int64_t> shape, at(in.size());
        for (auto [size, l, h] : llvm::zip(in, low, high))
          shape.push_back(l + size + h);
        std::vector<char> out(size_t(ShapedType::getNumElements(shape)) *
                              c->width);
        forEachIndex(shape, [&](ArrayRef<int64_t> idx, int64_t linear) {
          char *dst = &out[linear * c->width];
          bool inside = true;
          for (auto [r, i] : llvm::enumerate(idx)) {
            at[r] = i - low[r];
            inside = inside && at[r] >= 0 && at[r] < in[r];
          }
          if (inside) {
            std::memcpy(dst, &c->bytes[linearIndex(in, at) * c->width],
                        c->width);
            return;
          }
          for (int64_t byte = 0; byte < c->width; ++byte)
            dst[byte] = char(bits.extractBitsAsZExtValue(8, 8 * byte));
        });
        return constantLike(b, loc, *c, shape, out);
      }
    }
  // A null result type lets tensor.pad infer the padded shape.
  return tensor::PadOp::create(b, loc, /*resultType=*/Type(), t,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               value)
      .getResult();
}

/// `t` padded at the end of dimension `dim` to `size`.
Value padDimTo(OpBuilder &b, Location loc, Value t, unsigned dim, int64_t size,
               Value value, bool fold = false) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  high[dim] = size - type.getDimSize(dim);
  return padWith(b, loc, t, low, high, value, fold);
}

/// The lhs padding of `op` applied to `t` (a lhs-shaped part) with `value`.
Value padLhs(OpBuilder &b, Location loc, ContractOp op, Value t, Value value) {
  if (!op.hasLhsPadding())
    return t;
  return padWith(b, loc, t, *op.getLhsPadLow(), *op.getLhsPadHigh(), value);
}

Value i8Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI8Type(), v);
}

/// The [M, N] accumulator `acc` as the result: expanded to the M then N
/// loops, transposed to the result's order when that differs.
Value toResult(OpBuilder &b, Location loc, ContractOp op, const ConvForm &form,
               Value acc) {
  Type elem = cast<RankedTensorType>(acc.getType()).getElementType();
  SmallVector<unsigned> mn(form.mDims);
  mn.append(form.nDims);
  auto mnType = RankedTensorType::get(extents(form, mn), elem);
  ReassociationIndices lo, hi;
  for (unsigned i = 0; i < mn.size(); ++i)
    (i < form.mDims.size() ? lo : hi).push_back(i);
  Value expanded = acc;
  if (mn.size() != 2)
    expanded = tensor::ExpandShapeOp::create(
        b, loc, mnType, acc, ArrayRef<ReassociationIndices>{lo, hi});
  if (ArrayRef<unsigned>(mn) == ArrayRef<unsigned>(form.outDims))
    return expanded;
  MLIRContext *ctx = b.getContext();
  unsigned numLoops = form.extent.size();
  SmallVector<AffineExpr> exprs = llvm::map_to_vector(
      mn, [&](unsigned d) { return getAffineDimExpr(d, ctx); });
  AffineMap srcMap =
      renumber(AffineMap::get(numLoops, 0, exprs, ctx), form.outDims);
  return gather(b, loc, expanded, srcMap, extents(form, form.outDims));
}

/// A dimension expression `dim` appears only as result `r` of `map`.
bool onlyAt(AffineMap map, unsigned r, unsigned dim) {
  auto d = dyn_cast<AffineDimExpr>(map.getResult(r));
  if (!d || d.getPosition() != dim)
    return false;
  for (auto [i, e] : llvm::enumerate(map.getResults()))
    if (i != r && e.isFunctionOfDim(dim))
      return false;
  return true;
}

} // namespace

FailureOr<Value> mx::emitContractConvKernel(
    OpBuilder &b, Location loc, ContractOp op, ValueRange lhsParts,
    ValueRange rhsParts, bool int8Path, const ContractKernelOptions &options) {
  if (options.target == ContractKernelTarget::None || op.getBiasInit())
    return Value();
  std::optional<ConvForm> form = matchConv(op);
  if (!form)
    return Value();
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  AffineMap lhsMap = maps[0], rhsMap = maps[1];
  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  FormatSpec specA = qa.getSpec(), specB = qb.getSpec();
  int64_t m = product(*form, form->mDims), n = product(*form, form->nDims);
  bool amx = options.target == ContractKernelTarget::AMX;
  bool vnni = amx || options.target == ContractKernelTarget::AVX512VNNI;
  SmallVector<int64_t> shape = {m, n};

  // Gathers a lhs-shaped tensor into [M loops..., K loops...] (`kLoops`,
  // with `lastExtent` for the last when given) collapsed to [M, K'].
  auto gatherLhs = [&](Value t, ArrayRef<unsigned> kLoops,
                       std::optional<int64_t> lastExtent = std::nullopt) {
    SmallVector<unsigned> loops(form->mDims);
    loops.append(kLoops.begin(), kLoops.end());
    SmallVector<int64_t> sizes = extents(*form, loops);
    if (lastExtent)
      sizes.back() = *lastExtent;
    return collapse2(b, loc, gather(b, loc, t, renumber(lhsMap, loops), sizes),
                     form->mDims.size());
  };
  // Reorders a rhs-shaped tensor to [K loops..., N loops...] (with
  // `sizeOf(loop, extent)` as the sizes) collapsed to [K', N'].
  auto gatherRhs = [&](Value t, ArrayRef<unsigned> kLoops,
                       function_ref<int64_t(unsigned, int64_t)> sizeOf) {
    SmallVector<unsigned> loops(kLoops);
    loops.append(form->nDims);
    SmallVector<int64_t> sizes;
    for (unsigned d : loops)
      sizes.push_back(sizeOf(d, form->extent[d]));
    return collapse2(
        b, loc,
        gather(b, loc, t, renumber(rhsMap, loops), sizes, options.prepack),
        kLoops.size(), options.prepack);
  };
  auto same = [](unsigned, int64_t size) { return size; };

  if (int8Path) {
    // The exact i32 sum does not depend on the order of K.
    int64_t k = product(*form, form->kDims);
    std::optional<IntPlan> plan =
        perTensorI8Plan(specA, specB, k, vnni, options.prepack);
    if (!plan)
      return Value();
    SmallVector<Value> aParts = {gatherLhs(
        padLhs(b, loc, op, lhsParts[0], i8Const(b, loc, 0)), form->kDims)};
    SmallVector<Value> bParts = {gatherRhs(rhsParts[0], form->kDims, same)};
    MatmulForm mf{false, 1, m, n, k};
    Value acc =
        emitIntMatmulKernel(b, loc, mf, IntOperand{specA, aParts},
                            IntOperand{specB, bParts}, *plan, shape, amx);
    return toResult(b, loc, op, *form, acc);
  }

  // MX integer kernel: blocks along one reduction loop c of both operands.
  auto cExpr = dyn_cast<AffineDimExpr>(lhsMap.getResult(qa.getAxis()));
  unsigned axisB = qb.getAxis();
  int64_t block = specA.blockSize;
  // (6-bit elements, four per three bytes, take the f32 kernel: the im2col
  // gathers whole bytes.) E8M0-scaled pairs, or NVFP4 pairs whose tensor
  // scales multiply the result (applyTensorScales).
  if (!options.exact && isIntKernelPair(specA, specB) &&
      specA.element != ElementKind::F6E2M3FN &&
      specB.element != ElementKind::F6E2M3FN &&
      specA.blockSize == specB.blockSize && block % 4 == 0 &&
      block <= kMaxIntBlock && cExpr &&
      op.isReductionDim(cExpr.getPosition()) &&
      onlyAt(lhsMap, qa.getAxis(), cExpr.getPosition()) &&
      onlyAt(rhsMap, axisB, cExpr.getPosition())) {
    unsigned c = cExpr.getPosition();
    int64_t channels = form->extent[c];
    IntOperand A{specA, {}, specA.element == ElementKind::F4E2M1FN};
    IntOperand B{specB, {}, specB.element == ElementKind::F4E2M1FN};
    unsigned lhsRank = lhsMap.getNumResults(), rhsRank = rhsMap.getNumResults();
    // Packed nibbles: along c for the lhs, along the one N loop for the rhs.
    bool packedOk =
        (!A.fp4 || qa.getAxis() == lhsRank - 1) &&
        (!B.fp4 ||
         (form->nDims.size() == 1 &&
          cast<AffineDimExpr>(rhsMap.getResult(rhsRank - 1)).getPosition() ==
              form->nDims[0]));
    // Fewer channels than half a block: mostly padding; the f32 kernel.
    if (packedOk && 2 * channels >= block) {
      int64_t cp = llvm::alignTo(channels, block), cb = cp / block;
      SmallVector<unsigned> kLoops;
      for (unsigned d : form->kDims)
        if (d != c)
          kLoops.push_back(d);
      kLoops.push_back(c);
      int64_t kp = product(*form, kLoops) / channels * cp;
      Value zero = i8Const(b, loc, 0),
            one = i8Const(b, loc, A.unitScaleCode()); // the scale 1.0
      // lhs: spatial padding (code 0, scale 1.0), then c padded to whole
      // blocks (the scales already have ceil(C / block) of them).
      Value ad = padLhs(b, loc, op, lhsParts[0], zero);
      int64_t aBytes = A.fp4 ? cp / 2 : cp;
      ad = padDimTo(b, loc, ad, qa.getAxis(), aBytes, zero);
      SmallVector<Value> aParts = {
          gatherLhs(ad, kLoops, aBytes),
          gatherLhs(padLhs(b, loc, op, lhsParts[1], one), kLoops, cb)};
      Value bd =
          padDimTo(b, loc, rhsParts[0], axisB, cp, zero, options.prepack);
      int64_t nBytes = llvm::divideCeil(n, 2);
      SmallVector<Value> bParts = {
          gatherRhs(bd, kLoops,
                    [&](unsigned d, int64_t size) {
                      if (d == c)
                        return cp;
                      return B.fp4 && d == form->nDims[0] ? nBytes : size;
                    }),
          gatherRhs(rhsParts[1], kLoops, [&](unsigned d, int64_t size) {
            return d == c ? cb : size;
          })};
      // The tensor scales (NVFP4) stay the last parts.
      if (specA.tensorScale)
        aParts.push_back(lhsParts.back());
      if (specB.tensorScale)
        bParts.push_back(rhsParts.back());
      A.parts = aParts;
      B.parts = bParts;
      IntPlan plan;
      plan.mx = true;
      plan.block = block;
      plan.groups = block / 4;
      plan.blocks = kp / block;
      plan.kp = kp;
      plan.offsetA = A.fp4 ? 12 : 128;
      plan.vnni = vnni;
      plan.prepack = options.prepack;
      MatmulForm mf{false, 1, m, n, kp};
      Value acc = emitIntMatmulKernel(b, loc, mf, A, B, plan, shape, amx);
      return toResult(b, loc, op, *form, applyTensorScales(b, loc, acc, A, B));
    }
  }

  // f32 kernel on the decoded operands, K in loop order.
  FailureOr<std::pair<Value, Value>> ab =
      dequantizeOperands(b, loc, op, lhsParts, rhsParts);
  if (failed(ab))
    return failure();
  Value a = gatherLhs(
      padLhs(b, loc, op, ab->first,
             arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f))),
      form->kDims);
  // A constant filter decoded here (as the run-time decoding would, by the
  // dequantizer's definition), so its gather is a constant the kernel
  // packs at compile time; the run-time decoding is then dead code.
  Value wf = ab->second;
  if (options.prepack)
    if (std::optional<std::vector<float>> values =
            dequantizeConstant(rhsParts, op.getRhs().getType()))
      wf = bytesConstant(
          b, loc, cast<RankedTensorType>(wf.getType()),
          ArrayRef<char>(reinterpret_cast<const char *>(values->data()),
                         values->size() * sizeof(float)));
  Value w = gatherRhs(wf, form->kDims, same);
  MatmulForm mf{false, 1, m, n, product(*form, form->kDims)};
  Value acc = emitF32MatmulKernel(b, loc, mf, a, w, specA, specB, options.exact,
                                  options.prepack, shape);
  return toResult(b, loc, op, *form, acc);
}
