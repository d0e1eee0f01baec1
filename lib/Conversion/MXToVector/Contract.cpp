//===- Contract.cpp - Lower mx.contract on storage parts ------------------===//
//
// Part of mx-opt. mx.contract becomes linalg.generic ops that read the
// storage parts of its quantized operands directly:
//
// * INT8 whose scales are constant along the reduction: an i32
//   contraction of (code - zero point) products, then one f32 epilogue that
//   multiplies by the two scales and applies bias, residual and clamp.
// * E8M0-scaled formats with 8-bit or 4-bit elements (MXFP8, MXINT8, MXFP4):
//   one f32 contraction whose body decodes each element from its code and
//   its block's E8M0 scale (packed nibbles selected by index parity).
// * Everything else (6-bit elements, MX9/6/4, NVFP4, INT8 blocks): the
//   operand is decoded to f32 by the vectorized dequantizer first.
//
// A quantized result is quantized from the f32 result as mx.quantize does.
// docs/Quantization.md ("Fusion") states the numerics.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToVector/ContractGemv.h"
#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mx;
using namespace mx::numerics;

namespace {

/// How one quantized operand enters the contraction.
enum class OperandPath {
  Int8,    ///< i8 codes, scale (and zero point) applied in the epilogue.
  Direct,  ///< E8M0 codes decoded in the loop body.
  Decoded, ///< Dequantized to f32 first.
};

struct OperandInfo {
  QuantizedType qtype;
  FormatSpec spec;
  AffineMap map;
  ValueRange parts;
  OperandPath path;
  /// INT8: the loop dimension of a per-channel axis (-1 per tensor).
  int64_t channelLoop = -1;
};

/// INT8 with a scale constant along the reduction: per tensor, or per
/// channel on an axis indexed by a parallel loop that the result has.
bool isInt8Path(ContractOp op, OperandInfo &info, AffineMap outMap) {
  const FormatSpec &spec = info.spec;
  if (spec.scale != ScaleKind::F32)
    return false;
  if (spec.granularity == Granularity::Tensor)
    return true;
  if (spec.granularity != Granularity::Channel)
    return false;
  auto dim = dyn_cast<AffineDimExpr>(info.map.getResult(info.qtype.getAxis()));
  if (!dim || op.isReductionDim(dim.getPosition()) ||
      !outMap.getResultPosition(dim))
    return false;
  info.channelLoop = dim.getPosition();
  return true;
}

bool isDirectPath(const OperandInfo &info) {
  return info.spec.scale == ScaleKind::E8M0 &&
         info.spec.element != ElementKind::SM && !info.spec.tensorScale &&
         info.spec.granularity == Granularity::Block &&
         (getStorageElementBits(info.spec) == 8 ||
          getStorageElementBits(info.spec) == 4);
}

/// `map` with result `r` replaced by `fn(result r)`.
AffineMap replaceResult(AffineMap map, unsigned r,
                        function_ref<AffineExpr(AffineExpr)> fn) {
  SmallVector<AffineExpr> exprs(map.getResults());
  exprs[r] = fn(exprs[r]);
  return AffineMap::get(map.getNumDims(), 0, exprs, map.getContext());
}

/// A map from the loops to a rank-0 or per-channel part.
AffineMap partMap(MLIRContext *ctx, unsigned numLoops, int64_t loop) {
  if (loop < 0)
    return AffineMap::get(numLoops, 0, {}, ctx);
  return AffineMap::get(numLoops, 0, getAffineDimExpr(loop, ctx), ctx);
}

unsigned numLoopsOf(AffineMap outMap) { return outMap.getNumDims(); }

/// The extent of loop `d` of `op` (static shapes): from the first operand
/// map result that is exactly `d`.
SmallVector<int64_t> loopExtent(ContractOp op, unsigned d) {
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  Value operands[3] = {op.getLhs(), op.getRhs(), op.getResult()};
  for (auto [map, v] : llvm::zip(maps, operands))
    for (auto [r, e] : llvm::enumerate(map.getResults()))
      if (auto dim = dyn_cast<AffineDimExpr>(e); dim && dim.getPosition() == d)
        return {cast<RankedTensorType>(v.getType()).getDimSize(r)};
  return {1};
}

Value extendCode(OpBuilder &b, Location loc, Value byte, bool isSigned) {
  Type i32 = b.getI32Type();
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, i32, byte);
  return arith::ExtUIOp::create(b, loc, i32, byte);
}

//===----------------------------------------------------------------------===//
// Padding, bias initialisation and output requantization (kept apart from
// the main loops above and below, which only see padded parts).
//===----------------------------------------------------------------------===//

/// The lhs padding of `op` as (low, high), or empty vectors without.
std::pair<SmallVector<int64_t>, SmallVector<int64_t>>
lhsPadding(ContractOp op) {
  if (!op.hasLhsPadding())
    return {};
  return {SmallVector<int64_t>(*op.getLhsPadLow()),
          SmallVector<int64_t>(*op.getLhsPadHigh())};
}

/// `t` padded by `low` / `high` with the scalar `value`.
Value padWith(OpBuilder &b, Location loc, Value t, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value) {
  // A null result type lets tensor.pad infer the padded shape.
  return tensor::PadOp::create(b, loc, /*resultType=*/Type(), t,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               value)
      .getResult();
}

/// The storage parts of a padded lhs on the INT8 and direct paths: codes
/// that decode to +0.0 (code 0, or the per-tensor zero point) and, for
/// block scales, the scale 1.0 (E8M0 code 127), so a padded element is an
/// exact zero that adds nothing. The padded dimensions are never the
/// quantization axis or a packed dimension (the verifier checks).
FailureOr<SmallVector<Value>> padLhsParts(OpBuilder &b, Location loc,
                                          ContractOp op,
                                          const OperandInfo &info) {
  auto [low, high] = lhsPadding(op);
  SmallVector<Value> parts(info.parts.begin(), info.parts.end());
  Value zeroCode = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 0);
  if (info.path == OperandPath::Int8 && info.spec.zeroPoint) {
    if (info.channelLoop >= 0 || info.spec.granularity != Granularity::Tensor)
      return op.emitOpError("lhs padding of per-channel zero points is not "
                            "supported by the lowering");
    Value zp = tensor::ExtractOp::create(b, loc, parts[2], ValueRange{});
    zeroCode = arith::TruncIOp::create(b, loc, b.getI8Type(), zp);
  }
  parts[0] = padWith(b, loc, parts[0], low, high, zeroCode);
  if (info.path == OperandPath::Direct)
    parts[1] = padWith(b, loc, parts[1], low, high,
                       arith::ConstantIntOp::create(b, loc, b.getI8Type(),
                                                    /*2^0=*/127));
  return parts;
}

/// A decoded (f32) lhs padded with +0.0, as tensor.pad of the dequantized
/// lhs would be; other operands unchanged.
Value padDecoded(OpBuilder &b, Location loc, ContractOp op, unsigned operand,
                 Value decoded) {
  if (operand != 0 || !op.hasLhsPadding())
    return decoded;
  auto [low, high] = lhsPadding(op);
  return padWith(b, loc, decoded, low, high,
                 arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f)));
}

/// The map of the bias in the dimensions of the result (a loop dimension of
/// the contraction becomes the result dimension it indexes; constants stay).
AffineMap biasMapInResult(ContractOp op, AffineMap outMap) {
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineExpr> exprs;
  for (AffineExpr e : op.getBiasMap()->getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      exprs.push_back(getAffineDimExpr(*outMap.getResultPosition(dim), ctx));
    else
      exprs.push_back(e);
  }
  return AffineMap::get(outMap.getNumResults(), 0, exprs, ctx);
}

/// The initial f32 accumulator: +0.0, or the bias broadcast over the result
/// with `bias_init` (the products are then added to the bias in order).
Value floatAccumulatorInit(OpBuilder &b, Location loc, ContractOp op,
                           AffineMap outMap, ArrayRef<int64_t> shape) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  if (!op.getBiasInit()) {
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    return linalg::FillOp::create(b, loc, zero, ValueRange{empty}).getResult(0);
  }
  unsigned rank = shape.size();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{empty.getType()}, ValueRange{op.getBias()},
             ValueRange{empty},
             ArrayRef<AffineMap>{biasMapInResult(op, outMap), identity},
             iterators,
             [](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, ValueRange{args[0]});
             })
      .getResult(0);
}

/// The quantized result's storage parts from the f32 result: with constant
/// output scales as mx.quantize with static_scales (per tensor, per
/// channel, zero points), else with output_scale or the data's scales.
FailureOr<SmallVector<Value>> requantize(OpBuilder &b, Location loc,
                                         ContractOp op, Value result) {
  RankedTensorType resultType = op.getResultType();
  if (std::optional<DenseFPElementsAttr> scales = op.getOutputScales())
    return emitStaticQuantize(b, loc, result, resultType, *scales,
                              op.getOutputZeroPoints().value_or(nullptr), op);
  std::optional<float> scale;
  if (op.getOutputScale())
    scale = op.getOutputScale()->convertToFloat();
  return emitQuantize(b, loc, result, resultType, op, scale);
}

struct LowerContract : OpConversionPattern<ContractOp> {
  LowerContract(TypeConverter &converter, MLIRContext *ctx,
                const ContractKernelOptions &kernels,
                bool decodeWithOps = false, PatternBenefit benefit = 1)
      : OpConversionPattern(converter, ctx, benefit), kernels(kernels),
        decodeWithOps(decodeWithOps) {}
  /// Tiled kernels for matmul forms (ContractKernels.cpp).
  ContractKernelOptions kernels;
  /// Decoded operands become mx.dequantize ops (lowered by the surrounding
  /// conversion: on the GPU path, to parallel tile kernels) instead of the
  /// inline vectorized dequantizer.
  bool decodeWithOps = false;

  LogicalResult
  matchAndRewrite(ContractOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResultType();
    for (Type t : op->getOperandTypes())
      if (!cast<RankedTensorType>(t).hasStaticShape())
        return op.emitOpError("dynamic shapes are not supported by the "
                              "lowering of mx.contract");
    if (!resultType.hasStaticShape())
      return op.emitOpError("dynamic shapes are not supported by the "
                            "lowering of mx.contract");
    SmallVector<AffineMap> maps =
        llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
    AffineMap outMap = maps[2];
    unsigned numLoops = outMap.getNumDims();
    SmallVector<utils::IteratorType> iterators;
    for (unsigned d = 0; d < numLoops; ++d)
      iterators.push_back(op.isReductionDim(d) ? utils::IteratorType::reduction
                                               : utils::IteratorType::parallel);

    OperandInfo infos[2] = {
        {op.getLhsQuantizedType(), op.getLhsQuantizedType().getSpec(), maps[0],
         adaptor.getLhs(), OperandPath::Decoded},
        {op.getRhsQuantizedType(), op.getRhsQuantizedType().getSpec(), maps[1],
         adaptor.getRhs(), OperandPath::Decoded}};
    bool intPath =
        isInt8Path(op, infos[0], outMap) && isInt8Path(op, infos[1], outMap);
    for (OperandInfo &info : infos)
      info.path = intPath              ? OperandPath::Int8
                  : isDirectPath(info) ? OperandPath::Direct
                                       : OperandPath::Decoded;

    // A padded lhs: its parts padded with zeros (decoded operands are
    // padded after decoding, in contractFloat).
    SmallVector<Value> paddedLhs;
    if (op.hasLhsPadding() && infos[0].path != OperandPath::Decoded) {
      FailureOr<SmallVector<Value>> parts =
          padLhsParts(rewriter, loc, op, infos[0]);
      if (failed(parts))
        return failure();
      paddedLhs = std::move(*parts);
      infos[0].parts = paddedLhs;
    }

    SmallVector<int64_t> shape(resultType.getShape());
    // Decode shapes (few rows) first: ContractGemv.cpp.
    FailureOr<Value> kernel =
        emitContractGemv(rewriter, loc, op, adaptor.getLhs(), adaptor.getRhs(),
                         intPath, kernels);
    if (succeeded(kernel) && !*kernel)
      kernel = emitContractKernel(rewriter, loc, op, adaptor.getLhs(),
                                  adaptor.getRhs(), intPath, kernels);
    // Convolutions through im2col onto the same kernels: ContractConv.cpp.
    if (succeeded(kernel) && !*kernel)
      kernel = emitContractConvKernel(rewriter, loc, op, adaptor.getLhs(),
                                      adaptor.getRhs(), intPath, kernels);
    if (failed(kernel))
      return failure();
    Value acc = *kernel;
    if (!acc)
      acc = intPath
                ? contractInt8(rewriter, loc, infos, iterators, outMap, shape)
                : contractFloat(rewriter, loc, op, infos, iterators, outMap,
                                shape);
    if (!acc)
      return failure();
    Value result =
        epilogue(rewriter, loc, op, acc, intPath ? infos : nullptr, outMap);

    if (op.getResultQuantizedType()) {
      FailureOr<SmallVector<Value>> parts =
          requantize(rewriter, loc, op, result);
      if (failed(parts))
        return failure();
      rewriter.replaceOpWithMultiple(op, {*parts});
      return success();
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// sum of (q_a - zp_a) * (q_b - zp_b) in i32.
  Value contractInt8(OpBuilder &b, Location loc, OperandInfo (&infos)[2],
                     ArrayRef<utils::IteratorType> iterators, AffineMap outMap,
                     ArrayRef<int64_t> shape) const {
    MLIRContext *ctx = b.getContext();
    unsigned numLoops = outMap.getNumDims();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OperandInfo &info : infos) {
      inputs.push_back(info.parts[0]);
      maps.push_back(info.map);
    }
    for (OperandInfo &info : infos) {
      if (!info.spec.zeroPoint)
        continue;
      inputs.push_back(info.parts[2]);
      maps.push_back(partMap(ctx, numLoops, info.channelLoop));
    }
    maps.push_back(outMap);
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    Value init =
        linalg::FillOp::create(
            b, loc, zero,
            ValueRange{tensor::EmptyOp::create(b, loc, shape, b.getI32Type())})
            .getResult(0);
    bool zp0 = infos[0].spec.zeroPoint, zp1 = infos[1].spec.zeroPoint;
    bool signed0 = infos[0].spec.element != ElementKind::UI8;
    bool signed1 = infos[1].spec.element != ElementKind::UI8;
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value a = extendCode(b, loc, args[0], signed0);
          Value c = extendCode(b, loc, args[1], signed1);
          unsigned next = 2;
          if (zp0)
            a = arith::SubIOp::create(b, loc, a, args[next++]);
          if (zp1)
            c = arith::SubIOp::create(b, loc, c, args[next++]);
          Value p = arith::MulIOp::create(b, loc, a, c);
          linalg::YieldOp::create(
              b, loc,
              ValueRange{arith::AddIOp::create(b, loc, args.back(), p)});
        });
    return generic.getResult(0);
  }

  /// sum of value(a) * value(b) in f32, in the order of the loops.
  Value contractFloat(ConversionPatternRewriter &b, Location loc, ContractOp op,
                      OperandInfo (&infos)[2],
                      ArrayRef<utils::IteratorType> iterators, AffineMap outMap,
                      ArrayRef<int64_t> shape) const {
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    // Per operand: the index of its first block argument.
    unsigned first[2];
    for (auto [i, info] : llvm::enumerate(infos)) {
      first[i] = inputs.size();
      if (info.path == OperandPath::Decoded) {
        RankedTensorType qt =
            i == 0 ? op.getLhs().getType() : op.getRhs().getType();
        auto f32Type = RankedTensorType::get(qt.getShape(), b.getF32Type());
        FailureOr<Value> decoded;
        if (decodeWithOps)
          decoded = DequantizeOp::create(b, loc, f32Type,
                                         i == 0 ? op.getLhs() : op.getRhs())
                        .getResult();
        else
          decoded = emitDequantize(b, loc, info.parts, qt, f32Type, op);
        if (failed(decoded))
          return {};
        inputs.push_back(padDecoded(b, loc, op, i, *decoded));
        maps.push_back(info.map);
        continue;
      }
      // Direct: the codes (the packed last dimension holds two nibbles per
      // byte) and the block scales (the block axis divided by the block).
      unsigned rank = info.map.getNumResults();
      AffineMap dataMap = info.map;
      if (getStorageElementBits(info.spec) == 4)
        dataMap = replaceResult(dataMap, rank - 1,
                                [](AffineExpr e) { return e.floorDiv(2); });
      int64_t block = info.spec.blockSize;
      AffineMap scaleMap =
          replaceResult(info.map, info.qtype.getAxis(),
                        [&](AffineExpr e) { return e.floorDiv(block); });
      inputs.append({info.parts[0], info.parts[1]});
      maps.append({dataMap, scaleMap});
    }
    // Linalg infers loop extents from map results that are plain dims. A
    // reduction dim seen only through packed codes (k floordiv 2) and block
    // scales gets a shape-only operand (never read; removed once lowered).
    llvm::SmallBitVector seen(numLoopsOf(outMap));
    SmallVector<AffineMap> all(maps);
    all.push_back(outMap);
    for (AffineMap m : all)
      for (AffineExpr e : m.getResults())
        if (auto d = dyn_cast<AffineDimExpr>(e))
          seen.set(d.getPosition());
    for (unsigned d = 0; d < seen.size(); ++d) {
      if (seen.test(d))
        continue;
      inputs.push_back(
          tensor::EmptyOp::create(b, loc, loopExtent(op, d), b.getI8Type()));
      maps.push_back(
          AffineMap::get(seen.size(), 0, getAffineDimExpr(d, b.getContext())));
    }
    maps.push_back(outMap);
    Value init = floatAccumulatorInit(b, loc, op, outMap, shape);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value v[2];
          for (unsigned i = 0; i < 2; ++i) {
            const OperandInfo &info = infos[i];
            if (info.path == OperandPath::Decoded) {
              v[i] = args[first[i]];
              continue;
            }
            NumericsEmitter s(b, loc, {});
            Value code = extendCode(b, loc, args[first[i]], false);
            if (getStorageElementBits(info.spec) == 4) {
              // Element 2j is the low nibble: shift by 4 * (index mod 2).
              AffineExpr last = info.map.getResults().back();
              SmallVector<Value> indices;
              for (unsigned d = 0; d < info.map.getNumDims(); ++d)
                indices.push_back(linalg::IndexOp::create(b, loc, d));
              Value parity = affine::AffineApplyOp::create(
                  b, loc,
                  AffineMap::get(info.map.getNumDims(), 0, last % 2,
                                 b.getContext()),
                  indices);
              Value shift =
                  arith::IndexCastOp::create(b, loc, b.getI32Type(), parity);
              shift = s.shl(shift, s.c(2));
              code = s.band(s.lshr(code, shift), s.c(0xF));
            }
            Value scaleCode = extendCode(b, loc, args[first[i] + 1], false);
            E8M0Scale<NumericsEmitter> scale =
                e8m0ScaleFromCode(s, scaleCode, info.spec);
            v[i] = decodeE8M0Element(s, code, scale, info.spec);
          }
          Value p = arith::MulFOp::create(b, loc, v[0], v[1]);
          linalg::YieldOp::create(
              b, loc,
              ValueRange{arith::AddFOp::create(b, loc, args.back(), p)});
        });
    return generic.getResult(0);
  }

  /// Scales (INT8), bias, residual and clamp, elementwise over the result.
  Value epilogue(OpBuilder &b, Location loc, ContractOp op, Value acc,
                 OperandInfo *int8, AffineMap outMap) const {
    // With bias_init the float accumulator already started at the bias.
    bool hasBias = op.getBias() && (int8 || !op.getBiasInit());
    bool hasResidual = static_cast<bool>(op.getResidual());
    bool hasMin = op.getClampMin().has_value();
    bool hasMax = op.getClampMax().has_value();
    if (!int8 && !hasBias && !hasResidual && !hasMin && !hasMax)
      return acc;
    MLIRContext *ctx = b.getContext();
    unsigned rank = outMap.getNumResults();
    // A loop dimension of the contraction as a dimension of the result.
    auto resultDim = [&](AffineExpr loopExpr) {
      return getAffineDimExpr(
          *outMap.getResultPosition(cast<AffineDimExpr>(loopExpr)), ctx);
    };
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<Value> inputs = {acc};
    SmallVector<AffineMap> maps = {identity};
    if (int8) {
      for (unsigned i = 0; i < 2; ++i) {
        inputs.push_back(int8[i].parts[1]);
        maps.push_back(int8[i].channelLoop < 0
                           ? AffineMap::get(rank, 0, {}, ctx)
                           : AffineMap::get(rank, 0,
                                            resultDim(getAffineDimExpr(
                                                int8[i].channelLoop, ctx)),
                                            ctx));
      }
    }
    if (hasBias) {
      inputs.push_back(op.getBias());
      maps.push_back(biasMapInResult(op, outMap));
    }
    if (hasResidual) {
      inputs.push_back(op.getResidual());
      maps.push_back(identity);
    }
    maps.push_back(identity);
    auto type = RankedTensorType::get(
        cast<RankedTensorType>(acc.getType()).getShape(), b.getF32Type());
    Value init =
        tensor::EmptyOp::create(b, loc, type.getShape(), b.getF32Type());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          unsigned next = 1;
          Value x = args[0];
          if (int8) {
            x = arith::SIToFPOp::create(b, loc, b.getF32Type(), x);
            // A NaN or infinite scale makes every value NaN, as the
            // dequantizer does.
            NumericsEmitter s(b, loc, {});
            Value sa = args[next], sb = args[next + 1];
            next += 2;
            Value scale = s.self(s.borB(s.fisNaNOrInf(sa), s.fisNaNOrInf(sb)),
                                 s.bitsToF(s.c(kQuietNaNBits)), s.fmul(sa, sb));
            x = arith::MulFOp::create(b, loc, x, scale);
          }
          Value bias = hasBias ? args[next++] : Value();
          Value residual = hasResidual ? args[next++] : Value();
          linalg::YieldOp::create(
              b, loc, emitContractEpilogue(b, loc, op, x, bias, residual));
        });
    return generic.getResult(0);
  }
};

} // namespace

Value mx::emitContractEpilogue(OpBuilder &b, Location loc, ContractOp op,
                               Value x, Value bias, Value residual) {
  if (bias)
    x = arith::AddFOp::create(b, loc, x, bias);
  if (residual)
    x = arith::AddFOp::create(b, loc, x, residual);
  if (op.getClampMin())
    x = arith::MaximumFOp::create(
        b, loc, x, arith::ConstantOp::create(b, loc, op.getClampMinAttr()));
  if (op.getClampMax())
    x = arith::MinimumFOp::create(
        b, loc, x, arith::ConstantOp::create(b, loc, op.getClampMaxAttr()));
  return x;
}

void mx::populateMXContractLoweringPatterns(
    TypeConverter &converter, RewritePatternSet &patterns,
    const ContractKernelOptions &kernels) {
  patterns.add<LowerContract>(converter, patterns.getContext(), kernels);
}

void mx::populateMXContractLoweringWithDequantizeOpsPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LowerContract>(converter, patterns.getContext(),
                              ContractKernelOptions{},
                              /*decodeWithOps=*/true, /*benefit=*/2);
}
