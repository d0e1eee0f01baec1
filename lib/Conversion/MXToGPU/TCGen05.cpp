//===- TCGen05.cpp - Block-scaled matmul on sm_100a tensor cores ----------===//
//
// Part of mx-opt. The sm_100a (tcgen05) form of the GPU matmul:
//
// * ContractToTCGen05Tiles (in convert-mx-to-parallel-blocks{tcgen05}): a
//   matmul mx.contract of MXFP8 (e4m3 / e5m2) or MXFP4 operands becomes an
//   scf.forall over (M/128, N/32, 128 threads) mapped to GPU blocks and
//   threads; thread t computes row t of its CTA's 128 x 32 tile with
//   mx.tcgen05_mma over the whole K (A codes [128, K], B codes transposed
//   to K-major [32, K], scales [128, K/32] and [32, K/32]), then the
//   epilogue on its 32 outputs.
// * The bufferization of mx.tcgen05_mma (its memref form writes `init`).
// * convert-mx-tcgen05-to-nvvm: inside a gpu.func, the memref form becomes
//   tensor-memory allocation (warp 0), per K step a cooperative copy of the
//   A and B step tiles into shared memory in the no-swizzle K-major
//   core-matrix layout and of the scale chunks into [128, 16]-byte images,
//   then thread 0 issues tcgen05.cp (scales to tensor memory),
//   tcgen05.mma.block_scale (shared-memory descriptors, the scale column
//   and id of the step, TCGen05Layout.h) and tcgen05.commit to an mbarrier
//   that every thread waits on; finally tcgen05.ld of the thread's row.
//
//===----------------------------------------------------------------------===//

#include "../MXToVector/TCGen05Layout.h"
#include "../MXToVector/WarpMMA.h"
#include "ContractResult.h"
#include "mx/Conversion/MXToGPU/MXToGPU.h"
#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Conversion/NumericsEmitter.h"
#include "mx/Dialect/MX/IR/MXDialect.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Numerics.h"
#include "mx/Support/Quantize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXTCGEN05TONVVM
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

//===----------------------------------------------------------------------===//
// mx.contract -> CTA tiles of mx.tcgen05_mma
//===----------------------------------------------------------------------===//

/// Columns of a CTA tile (N of the MMA; M is tcgen05::kM).
constexpr int64_t kTileN = 32;

int64_t roundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

/// Why `op` has no tcgen05 tile (empty: it has one).
std::string whyNoTCGen05(ContractOp op) {
  if (op.getIteratorTypes().size() != 3)
    return "not a matmul";
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> maps =
      llvm::to_vector(op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
  auto map = [&](AffineExpr a, AffineExpr b) {
    return AffineMap::get(3, 0, {a, b}, ctx);
  };
  if (maps.size() != 3 || maps[0] != map(m, k) || maps[1] != map(k, n) ||
      maps[2] != map(m, n) || op.isReductionDim(0) || op.isReductionDim(1) ||
      !op.isReductionDim(2))
    return "not a matmul";
  if (!op.getLhs().getType().hasStaticShape() ||
      !op.getRhs().getType().hasStaticShape())
    return "dynamic shapes";
  if (op.hasLhsPadding() || op.getBiasInit())
    return "padded lhs or bias-initialised accumulator";
  QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
  if (!TCGen05MMAOp::supportsFormats(qa.getSpec(), qb.getSpec()))
    return "formats without a block-scaled tcgen05 kind";
  if (qa.getAxis() != 1 || qb.getAxis() != 0)
    return "blocks not along K";
  if (roundUp(op.getLhs().getType().getDimSize(0), tcgen05::kM) / tcgen05::kM >
      65535)
    return "more than 65535 row tiles";
  for (Value v : {op.getBias(), op.getResidual()})
    if (v && !cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return "non-f32 bias or residual";
  return "";
}

/// Registered with benefit 4: before the warp tiles and the loop lowering.
struct ContractToTCGen05Tiles : OpConversionPattern<ContractOp> {
  ContractToTCGen05Tiles(TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/4) {}

  LogicalResult
  matchAndRewrite(ContractOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (std::string why = whyNoTCGen05(op); !why.empty())
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    QuantizedType qa = op.getLhsQuantizedType(), qb = op.getRhsQuantizedType();
    FormatSpec specA = qa.getSpec(), specB = qb.getSpec();
    bool f4 = specA.element == ElementKind::F4E2M1FN;
    int64_t pack = f4 ? 2 : 1;
    int64_t m = op.getLhs().getType().getDimSize(0),
            k = op.getLhs().getType().getDimSize(1),
            n = op.getRhs().getType().getDimSize(1);
    int64_t mp = roundUp(m, tcgen05::kM), np = roundUp(n, kTileN),
            kp = roundUp(k, 32 * pack);
    int64_t kBytes = kp / pack, blocks = kp / 32, kBlocks = (k + 31) / 32;
    Type i8 = rewriter.getI8Type(), f32 = rewriter.getF32Type();
    ValueRange partsA = adaptor.getLhs(), partsB = adaptor.getRhs();
    auto cst = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto byte = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(v));
    };
    auto ult = [&](OpBuilder &b, Value v, int64_t bound) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, v,
                                   cst(b, bound));
    };
    auto clampTo = [&](OpBuilder &b, Value v, int64_t bound) -> Value {
      return arith::MinUIOp::create(b, loc, v, cst(b, bound - 1));
    };
    auto generate = [&](ArrayRef<int64_t> shape,
                        function_ref<Value(OpBuilder &, Value, Value)> body) {
      return generateI8Tile(rewriter, loc, shape, body);
    };
    // Element code (i8, the nibble for f4) of B at (kk, nn), 0 outside.
    auto rhsCode = [&](OpBuilder &b, Value kk, Value nn) -> Value {
      Value inside =
          arith::AndIOp::create(b, loc, ult(b, kk, k), ult(b, nn, n));
      Value kc = clampTo(b, kk, k), nc = clampTo(b, nn, n);
      Value v;
      if (!f4) {
        v = tensor::ExtractOp::create(b, loc, partsB[0], ValueRange{kc, nc});
      } else {
        // 4-bit codes packed along N: element 2j is the low nibble.
        Value byteCol = arith::DivUIOp::create(b, loc, nc, cst(b, 2));
        v = tensor::ExtractOp::create(b, loc, partsB[0],
                                      ValueRange{kc, byteCol});
        Value odd = arith::RemUIOp::create(b, loc, nc, cst(b, 2));
        Value shift = arith::IndexCastOp::create(b, loc, i8, odd);
        shift = arith::MulIOp::create(b, loc, shift, byte(b, 4));
        v = arith::ShRUIOp::create(b, loc, v, shift);
        v = arith::AndIOp::create(b, loc, v, byte(b, 0xF));
      }
      return arith::SelectOp::create(b, loc, inside, v, byte(b, 0));
    };
    // A: codes [mp, kBytes] as stored (packed along K), scales [mp, blocks].
    // Byte (i, j) of a stored part ([i, j], or [j, i] when `swapped`), or
    // `fill` outside [0, iBound) x [0, jBound).
    auto storedOr = [&](OpBuilder &b, Value part, bool swapped, Value i,
                        int64_t iBound, Value j, int64_t jBound,
                        int64_t fill) -> Value {
      Value inside =
          arith::AndIOp::create(b, loc, ult(b, i, iBound), ult(b, j, jBound));
      Value ic = clampTo(b, i, iBound), jc = clampTo(b, j, jBound);
      Value v = tensor::ExtractOp::create(
          b, loc, part, swapped ? ValueRange{jc, ic} : ValueRange{ic, jc});
      return arith::SelectOp::create(b, loc, inside, v, byte(b, fill));
    };
    Value aCodes = generate({mp, kBytes}, [&](OpBuilder &b, Value i, Value j) {
      return storedOr(b, partsA[0], false, i, m, j, (k + pack - 1) / pack, 0);
    });
    Value aScales = generate({mp, blocks}, [&](OpBuilder &b, Value i, Value j) {
      return storedOr(b, partsA[1], false, i, m, j, kBlocks, 127);
    });
    // B transposed to K-major: [np, kBytes] (f4: two codes of consecutive K
    // per byte, the lower K in the low nibble), scales [np, blocks].
    Value bCodes = generate({np, kBytes}, [&](OpBuilder &b, Value nn, Value j) {
      if (!f4)
        return rhsCode(b, j, nn);
      Value k0 = arith::MulIOp::create(b, loc, j, cst(b, 2));
      Value k1 = arith::AddIOp::create(b, loc, k0, cst(b, 1));
      Value hi = arith::ShLIOp::create(b, loc, rhsCode(b, k1, nn), byte(b, 4));
      return (Value)arith::OrIOp::create(b, loc, rhsCode(b, k0, nn), hi);
    });
    Value bScales =
        generate({np, blocks}, [&](OpBuilder &b, Value nn, Value j) {
          return storedOr(b, partsB[1], true, nn, n, j, kBlocks, 127);
        });

    auto resultF32 = RankedTensorType::get({mp, np}, f32);
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultF32.getShape(), f32);
    SmallVector<OpFoldResult> ubs = {rewriter.getIndexAttr(mp / tcgen05::kM),
                                     rewriter.getIndexAttr(np / kTileN),
                                     rewriter.getIndexAttr(tcgen05::kM)};
    SmallVector<Attribute> mapping = {
        gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimY),
        gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX),
        gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX)};
    auto forall = scf::ForallOp::create(rewriter, loc, ubs, ValueRange{init},
                                        rewriter.getArrayAttr(mapping));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(forall.getBody());
      ValueRange ivs = forall.getInductionVars();
      Value ti = ivs[0], tj = ivs[1], thread = ivs[2];
      Value out = forall.getRegionIterArgs()[0];
      AffineExpr d0 = rewriter.getAffineDimExpr(0);
      auto apply = [&](AffineExpr e, Value v) -> Value {
        return affine::makeComposedAffineApply(rewriter, loc, e,
                                               {OpFoldResult(v)});
      };
      Value row0 = apply(d0 * tcgen05::kM, ti), col0 = apply(d0 * kTileN, tj);
      auto slice = [&](Value src, Value off, int64_t rows, int64_t cols) {
        SmallVector<OpFoldResult> offs = {off, rewriter.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(rows),
                                           rewriter.getIndexAttr(cols)};
        SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
        return tensor::ExtractSliceOp::create(
                   rewriter, loc, RankedTensorType::get({rows, cols}, i8), src,
                   offs, sizes, strides)
            .getResult();
      };
      Value aTile = slice(aCodes, row0, tcgen05::kM, kBytes);
      Value bTile = slice(bCodes, col0, kTileN, kBytes);
      Value saTile = slice(aScales, row0, tcgen05::kM, blocks);
      Value sbTile = slice(bScales, col0, kTileN, blocks);
      auto rowType = RankedTensorType::get({kTileN}, f32);
      Value rowInit = tensor::EmptyOp::create(rewriter, loc, {kTileN}, f32);
      Value acc =
          TCGen05MMAOp::create(
              rewriter, loc, rowType, aTile, bTile, saTile, sbTile, thread,
              rowInit, FormatAttr::get(ctx, specA), FormatAttr::get(ctx, specB),
              rewriter.getStringAttr(tcgen05::kScaleLayout))
              .getResult();

      // Epilogue on the thread's row; padding rows and columns read the
      // epilogue operands at the last row / column (they are cut off).
      Value row = arith::AddIOp::create(rewriter, loc, row0, thread);
      Value rowC = mp != m ? clampTo(rewriter, row, m) : row;
      Value c0 = cst(rewriter, 0);
      SmallVector<AffineMap> maps = llvm::to_vector(
          op.getIndexingMaps().getAsValueRange<AffineMapAttr>());
      // A sequential loop (not tensor.generate: its linalg.map would become
      // a nested parallel loop, i.e. another kernel).
      Value outRow =
          scf::ForOp::create(
              rewriter, loc, c0, cst(rewriter, kTileN), cst(rewriter, 1),
              ValueRange{acc},
              [&](OpBuilder &b, Location, Value iv, ValueRange iter) {
                ValueRange ivs = iv;
                Value col = arith::AddIOp::create(b, loc, col0, ivs[0]);
                if (np != n)
                  col = clampTo(b, col, n);
                SmallVector<OpFoldResult> dims = {rowC, col, c0};
                auto at = [&](AffineMap map) {
                  SmallVector<Value> idx;
                  for (AffineExpr ex : map.getResults())
                    idx.push_back(affine::makeComposedAffineApply(
                        b, loc, AffineMap::get(3, 0, ex, ctx), dims));
                  return idx;
                };
                Value x = emitContractEpilogueAt(
                    b, loc, op, tensor::ExtractOp::create(b, loc, acc, ivs[0]),
                    at);
                scf::YieldOp::create(b, loc,
                                     ValueRange{tensor::InsertOp::create(
                                         b, loc, x, iter[0], ivs[0])});
              })
              .getResult(0);
      rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
      SmallVector<OpFoldResult> offs = {row, col0};
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1),
                                         rewriter.getIndexAttr(kTileN)};
      SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
      tensor::ParallelInsertSliceOp::create(rewriter, loc, outRow, out, offs,
                                            sizes, strides);
    }
    Value result = forall.getResult(0);
    if (mp != m || np != n) {
      SmallVector<OpFoldResult> offs(2, rewriter.getIndexAttr(0)),
          strides(2, rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(m),
                                         rewriter.getIndexAttr(n)};
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({m, n}, f32), result, offs,
          sizes, strides);
    }
    replaceContractWithF32Result(rewriter, op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Bufferization of mx.tcgen05_mma
//===----------------------------------------------------------------------===//

struct TCGen05MMABufferization
    : bufferization::BufferizableOpInterface::ExternalModel<
          TCGen05MMABufferization, TCGen05MMAOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const bufferization::AnalysisState &) const {
    return operand.get() != cast<TCGen05MMAOp>(op).getInit();
  }
  bool bufferizesToMemoryWrite(Operation *op, OpOperand &operand,
                               const bufferization::AnalysisState &) const {
    return operand.get() == cast<TCGen05MMAOp>(op).getInit();
  }
  bufferization::AliasingValueList
  getAliasingValues(Operation *op, OpOperand &operand,
                    const bufferization::AnalysisState &) const {
    auto mma = cast<TCGen05MMAOp>(op);
    if (operand.get() != mma.getInit() || !mma.getResult())
      return {};
    return {{mma.getResult(), bufferization::BufferRelation::Equivalent}};
  }
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const bufferization::BufferizationOptions &options,
                          bufferization::BufferizationState &state) const {
    auto mma = cast<TCGen05MMAOp>(op);
    if (!mma.hasPureTensorSemantics())
      return success();
    SmallVector<Value> buffers;
    for (Value v : {mma.getA(), mma.getB(), mma.getAScales(), mma.getBScales(),
                    mma.getInit()}) {
      FailureOr<Value> buffer =
          bufferization::getBuffer(rewriter, v, options, state);
      if (failed(buffer))
        return failure();
      buffers.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    TCGen05MMAOp::create(rewriter, op->getLoc(), Type(), buffers[0], buffers[1],
                         buffers[2], buffers[3], mma.getRow(), buffers[4],
                         mma.getAFormatAttr(), mma.getBFormatAttr(),
                         mma.getScaleLayoutAttr());
    bufferization::replaceOpWithBufferizedValues(rewriter, op, buffers[4]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// mx.tcgen05_mma (memref form, in a gpu.func) -> NVVM
//===----------------------------------------------------------------------===//

/// Shared-memory layout of a step tile (rows x 32 bytes, K-major, no
/// swizzle): core matrices of 8 rows x 16 bytes (128 contiguous bytes), the
/// two core matrices of a row group adjacent along K (leading-dimension
/// byte offset 128), row groups 256 bytes apart (stride-dimension byte
/// offset).
constexpr int64_t kCoreBytes = 128, kLeadingOffset = 128, kStrideOffset = 256;

/// Instruction descriptor of tcgen05.mma.block_scale (PTX ISA "Instruction
/// descriptor" for .kind::mxf8f6f4 / .kind::mxf4): B scale id bits 4-5,
/// A / B element types bits 7-9 / 10-12, K-major A and B (bits 15, 16 = 0),
/// N >> 3 bits 17-22, E8M0 scales bit 23, M >> 4 bits 24-28, A scale id
/// bits 29-30. The scale ids are added per step.
uint32_t instructionDescriptor(const FormatSpec &a, const FormatSpec &b,
                               int64_t n) {
  auto typeCode = [](const FormatSpec &s) -> uint32_t {
    switch (s.element) {
    case ElementKind::F8E4M3FN:
      return 0;
    case ElementKind::F8E5M2:
      return 1;
    default: // f4E2M1FN: 1 under kind::mxf4
      return 1;
    }
  };
  return typeCode(a) << 7 | typeCode(b) << 10 | uint32_t(n >> 3) << 17 |
         1u << 23 | uint32_t(tcgen05::kM >> 4) << 24;
}

LogicalResult lowerToNVVM(TCGen05MMAOp op) {
  auto func = op->getParentOfType<gpu::GPUFuncOp>();
  if (!func)
    return op.emitOpError("the memref form lowers to NVVM only inside a "
                          "gpu.func (after gpu-kernel-outlining)");
  auto tid = op.getRow().getDefiningOp<gpu::ThreadIdOp>();
  if (!tid || tid.getDimension() != gpu::Dimension::x)
    return op.emitOpError("row must be gpu.thread_id x (thread t of the "
                          "CTA computes row t)");
  if (std::optional<ArrayRef<int32_t>> block = func.getKnownBlockSize();
      block && (*block)[0] * (*block)[1] * (*block)[2] != tcgen05::kM)
    return op.emitOpError("needs a CTA of ") << tcgen05::kM << " threads";
  auto initType = cast<MemRefType>(op.getInit().getType());
  int64_t n = initType.getDimSize(0);
  if (!llvm::isPowerOf2_64(n))
    return op.emitOpError("the NVVM lowering needs N a power of two "
                          "(tcgen05.ld 32x32b.x")
           << n << ")";
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  FormatSpec specA = op.getASpec(), specB = op.getBSpec();
  bool f4 = op.isF4();
  int64_t perStep = f4 ? 2 : 1;
  int64_t kBytes = cast<MemRefType>(op.getA().getType()).getDimSize(1);
  int64_t blocks = cast<MemRefType>(op.getAScales().getType()).getDimSize(1);
  int64_t steps = kBytes / tcgen05::kStepBytes;
  // Tensor-memory columns: the accumulator (N f32 columns), then the A and
  // B scale chunks (4 columns each); a power of two >= 32.
  int64_t cols = std::max<int64_t>(32, llvm::PowerOf2Ceil(n + 8));

  OpBuilder b(op);
  Type i1 = b.getI1Type(), i8 = b.getI8Type(), i32 = b.getI32Type(),
       i64 = b.getI64Type(), index = b.getIndexType();
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto attribution = [&](int64_t size, Type element) -> Value {
    BlockArgument arg = func.addWorkgroupAttribution(
        MemRefType::get({size}, element, MemRefLayoutAttrInterface(), wg), loc);
    func.setWorkgroupAttributionAttr(
        arg.getArgNumber() - func.getNumArguments(),
        LLVM::LLVMDialect::getAlignAttrName(), b.getI64IntegerAttr(16));
    return arg;
  };
  Value smA = attribution(tcgen05::kM * tcgen05::kStepBytes, i8);
  Value smB = attribution(n * tcgen05::kStepBytes, i8);
  Value smSA = attribution(tcgen05::kM * 16, i8);
  Value smSB = attribution(tcgen05::kM * 16, i8);
  Value smTmem = attribution(1, i32);
  Value smBar = attribution(1, i64);

  auto cIdx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto c32 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  auto c8 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(v));
  };
  auto toI32 = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, i32, v);
  };
  // Shared-window address (i32) and LLVM pointer of a workgroup buffer.
  auto sharedAddr = [&](Value buf) -> Value {
    return toI32(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buf));
  };
  auto sharedPtr = [&](Value buf) -> Value {
    Value p = arith::IndexCastOp::create(
        b, loc, i64,
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buf));
    return LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(ctx, 3),
                                    p);
  };
  auto tmemPtr = [&](Value addr) -> Value {
    return LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(ctx, 6),
                                    addr);
  };
  auto ifThen = [&](Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  };
  auto eq = [&](Value x, int64_t v) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, cIdx(v));
  };
  auto barrier = [&] { gpu::BarrierOp::create(b, loc); };

  Value t = op.getRow();
  Value warp = arith::DivUIOp::create(b, loc, t, cIdx(32));
  Value nCols = c32(cols);
  // Warp 0 allocates the tensor memory (its address lands in smTmem) and
  // gives up the right to allocate more; thread 0 initialises the
  // mbarrier (one arrival per phase: tcgen05.commit).
  ifThen(eq(warp, 0), [&] {
    NVVM::Tcgen05AllocOp::create(b, loc, sharedPtr(smTmem), nCols);
    NVVM::Tcgen05RelinquishAllocPermitOp::create(b, loc);
  });
  ifThen(eq(t, 0), [&] {
    NVVM::MBarrierInitOp::create(b, loc, sharedPtr(smBar), c32(1), Value());
  });
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  barrier();
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  Value tmem = memref::LoadOp::create(b, loc, smTmem, ValueRange{cIdx(0)});
  Value tmemSA = arith::AddIOp::create(b, loc, tmem, c32(n));
  Value tmemSB = arith::AddIOp::create(b, loc, tmem, c32(n + 4));
  uint32_t idescBase = instructionDescriptor(specA, specB, n);
  Value bar = sharedPtr(smBar);

  // Byte offset of (r, kb) of a step tile in the core-matrix layout.
  auto coreOffset = [&](OpBuilder &bb, Value r, Value kb) -> Value {
    auto ci = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(bb, loc, v);
    };
    Value group = arith::DivUIOp::create(bb, loc, r, ci(8));
    Value inGroup = arith::RemUIOp::create(bb, loc, r, ci(8));
    Value half = arith::DivUIOp::create(bb, loc, kb, ci(16));
    Value inHalf = arith::RemUIOp::create(bb, loc, kb, ci(16));
    Value off = arith::MulIOp::create(bb, loc, group, ci(kStrideOffset));
    off = arith::AddIOp::create(
        bb, loc, off, arith::MulIOp::create(bb, loc, half, ci(kLeadingOffset)));
    off = arith::AddIOp::create(
        bb, loc, off, arith::MulIOp::create(bb, loc, inGroup, ci(16)));
    return arith::AddIOp::create(bb, loc, off, inHalf);
  };
  (void)kCoreBytes;
  // Copies row `r` of the step's tile (32 bytes from byte s * 32 of row r
  // of `src`) to its place in `dst`.
  auto copyRow = [&](Value src, Value dst, Value r, Value s) {
    Value first = arith::MulIOp::create(b, loc, s, cIdx(tcgen05::kStepBytes));
    scf::ForOp::create(
        b, loc, cIdx(0), cIdx(tcgen05::kStepBytes), cIdx(1), ValueRange{},
        [&](OpBuilder &bb, Location loc, Value kb, ValueRange) {
          Value col = arith::AddIOp::create(bb, loc, first, kb);
          Value v = memref::LoadOp::create(bb, loc, src, ValueRange{r, col});
          memref::StoreOp::create(bb, loc, v, dst,
                                  ValueRange{coreOffset(bb, r, kb)});
          scf::YieldOp::create(bb, loc);
        });
  };
  // Writes row `r`'s chunk image (16 bytes, TCGen05Layout.h) of the chunk
  // holding block j0; rows past `rows` and blocks past the last are 127.
  auto copyScales = [&](Value src, int64_t rows, Value dst, Value r, Value j0) {
    Value base = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, j0, cIdx(16)), cIdx(16));
    scf::ForOp::create(
        b, loc, cIdx(0), cIdx(16), cIdx(1), ValueRange{},
        [&](OpBuilder &bb, Location loc, Value jj, ValueRange) {
          auto ci = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(bb, loc, v);
          };
          Value j = arith::AddIOp::create(bb, loc, base, jj);
          Value inside = arith::AndIOp::create(
              bb, loc,
              arith::CmpIOp::create(bb, loc, arith::CmpIPredicate::ult, j,
                                    ci(blocks)),
              arith::CmpIOp::create(bb, loc, arith::CmpIPredicate::ult, r,
                                    ci(rows)));
          Value v = memref::LoadOp::create(
              bb, loc, src,
              ValueRange{arith::MinUIOp::create(bb, loc, r, ci(rows - 1)),
                         arith::MinUIOp::create(bb, loc, j, ci(blocks - 1))});
          v = arith::SelectOp::create(
              bb, loc, inside, v,
              arith::ConstantOp::create(bb, loc, bb.getI8IntegerAttr(127)));
          Value at = arith::AddIOp::create(
              bb, loc, arith::MulIOp::create(bb, loc, r, ci(16)),
              tcgen05::scaleImageByte(bb, loc, j));
          memref::StoreOp::create(bb, loc, v, dst, ValueRange{at});
          scf::YieldOp::create(bb, loc);
        });
  };
  // Shared-memory descriptor (fields in units of 16 bytes, no swizzle).
  auto descriptor = [&](Value buf, int64_t leading, int64_t stride) -> Value {
    Value start = arith::ShRUIOp::create(b, loc, sharedAddr(buf), c32(4));
    return NVVM::Tcgen05MmaSmemDescOp::create(
        b, loc, i64, start, c32(leading >> 4), c32(stride >> 4), c8(0),
        arith::ConstantOp::create(b, loc, b.getBoolAttr(false)), c8(0));
  };
  (void)i1;
  (void)index;

  auto kLoop = scf::ForOp::create(b, loc, cIdx(0), cIdx(steps), cIdx(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value s = kLoop.getInductionVar();
    Value j0 = arith::MulIOp::create(b, loc, s, cIdx(perStep));
    Value newChunk =
        eq(arith::RemUIOp::create(b, loc, j0, cIdx(tcgen05::kChunkBlocks)), 0);
    // The cooperative copies: thread t stages row t of A, of B (t < N) and
    // of the two scale images (on a new chunk).
    copyRow(op.getA(), smA, t, s);
    ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, t, cIdx(n)),
           [&] { copyRow(op.getB(), smB, t, s); });
    ifThen(newChunk, [&] {
      copyScales(op.getAScales(), tcgen05::kM, smSA, t, j0);
      copyScales(op.getBScales(), n, smSB, t, j0);
    });
    // Generic-proxy writes visible to the tensor core (async proxy).
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
    barrier();
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
    ifThen(eq(t, 0), [&] {
      auto cpShape = NVVM::Tcgen05CpShapeAttr::get(
          ctx, NVVM::Tcgen05CpShape::SHAPE_128x128b);
      ifThen(newChunk, [&] {
        Value descSA = descriptor(smSA, 0, kCoreBytes);
        Value descSB = descriptor(smSB, 0, kCoreBytes);
        auto group =
            NVVM::CTAGroupKindAttr::get(ctx, NVVM::CTAGroupKind::CTA_1);
        auto multicast = NVVM::Tcgen05CpMulticastAttr::get(
            ctx, NVVM::Tcgen05CpMulticast::NONE);
        NVVM::Tcgen05CpOp::create(b, loc, cpShape, group, multicast,
                                  NVVM::Tcgen05CpSrcFormatAttr(),
                                  tmemPtr(tmemSA), descSA);
        NVVM::Tcgen05CpOp::create(b, loc, cpShape, group, multicast,
                                  NVVM::Tcgen05CpSrcFormatAttr(),
                                  tmemPtr(tmemSB), descSB);
      });
      Value descA = descriptor(smA, kLeadingOffset, kStrideOffset);
      Value descB = descriptor(smB, kLeadingOffset, kStrideOffset);
      // The step's scales: column and id of its first block.
      auto [column, id] = tcgen05::scaleAddress(b, loc, j0);
      Value id32 = toI32(id);
      Value idesc = arith::OrIOp::create(
          b, loc, c32(idescBase),
          arith::OrIOp::create(b, loc,
                               arith::ShLIOp::create(b, loc, id32, c32(29)),
                               arith::ShLIOp::create(b, loc, id32, c32(4))));
      Value col32 = toI32(column);
      Value sa = arith::AddIOp::create(b, loc, tmemSA, col32);
      Value sb = arith::AddIOp::create(b, loc, tmemSB, col32);
      Value accumulate =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, s, cIdx(0));
      NVVM::Tcgen05MMABlockScaleOp::create(
          b, loc,
          NVVM::MMABlockScaleKindAttr::get(
              ctx, f4 ? NVVM::MMABlockScaleKind::MXF4
                      : NVVM::MMABlockScaleKind::MXF8F6F4),
          NVVM::CTAGroupKindAttr::get(ctx, NVVM::CTAGroupKind::CTA_1),
          NVVM::Tcgen05MMABlockScaleAttr::get(
              ctx, NVVM::Tcgen05MMABlockScale::BLOCK32),
          NVVM::Tcgen05MMACollectorOpAttr::get(
              ctx, NVVM::Tcgen05MMACollectorOp::DISCARD),
          tmemPtr(tmem), descA, descB, idesc, accumulate, tmemPtr(sa),
          tmemPtr(sb));
      NVVM::Tcgen05CommitOp::create(b, loc, bar, Value(),
                                    NVVM::CTAGroupKind::CTA_1);
    });
    // Every thread waits for the step's MMA (phase s mod 2) before the
    // buffers are overwritten or the accumulator read.
    Value parity = toI32(arith::RemUIOp::create(b, loc, s, cIdx(2)));
    NVVM::MBarrierTryWaitParityOp::create(b, loc, bar, parity, c32(0x989680));
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  }

  // The thread's row: warp w reads lanes 32 w .. 32 w + 31 (lane field in
  // the upper 16 bits of the tensor-memory address), N columns.
  Value laneBase = arith::ShLIOp::create(
      b, loc, toI32(arith::MulIOp::create(b, loc, warp, cIdx(32))), c32(16));
  Value rowAddr = arith::AddIOp::create(b, loc, tmem, laneBase);
  auto vecType = VectorType::get({n}, i32);
  Value bits =
      NVVM::Tcgen05LdOp::create(b, loc, vecType, /*pack=*/nullptr,
                                NVVM::Tcgen05LdStShapeAttr::get(
                                    ctx, NVVM::Tcgen05LdStShape::SHAPE_32X32B),
                                tmemPtr(rowAddr), /*offset=*/Value());
  NVVM::Tcgen05WaitOp::create(b, loc, NVVM::Tcgen05WaitKind::LOAD);
  Value values = vector::BitCastOp::create(
      b, loc, VectorType::get({n}, b.getF32Type()), bits);
  vector::StoreOp::create(b, loc, values, op.getInit(), ValueRange{cIdx(0)});
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  barrier();
  ifThen(eq(warp, 0),
         [&] { NVVM::Tcgen05DeallocOp::create(b, loc, tmemPtr(tmem), nCols); });
  op.erase();
  return success();
}

struct ConvertMXTCGen05ToNVVMPass
    : mx::impl::ConvertMXTCGen05ToNVVMBase<ConvertMXTCGen05ToNVVMPass> {
  void runOnOperation() override {
    SmallVector<TCGen05MMAOp> ops;
    getOperation()->walk([&](TCGen05MMAOp op) { ops.push_back(op); });
    for (TCGen05MMAOp op : ops) {
      if (op.hasPureTensorSemantics()) {
        op.emitOpError("must be bufferized before convert-mx-tcgen05-to-nvvm");
        return signalPassFailure();
      }
      if (failed(lowerToNVVM(op)))
        return signalPassFailure();
    }
  }
};

} // namespace

void mx::populateMXContractToTCGen05TilesPatterns(TypeConverter &converter,
                                                  RewritePatternSet &patterns) {
  patterns.add<ContractToTCGen05Tiles>(converter, patterns.getContext());
}

void mx::registerTCGen05BufferizationModel(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, MXDialect *) {
    TCGen05MMAOp::attachInterface<TCGen05MMABufferization>(*ctx);
  });
}
