//===- MXToVector.h - Lower mx Q/DQ to loops over vectors -------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOVECTOR_MXTOVECTOR_H
#define MX_CONVERSION_MXTOVECTOR_MXTOVECTOR_H

#include "mx/Conversion/MXToVector/ContractKernels.h"
#include "mx/Support/Format.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mx {

#define GEN_PASS_DECL_CONVERTMXTOVECTOR
#include "mx/Conversion/Passes.h.inc"

/// Adds patterns that lower mx.fake_quant, and mx.dequantize of an
/// mx.quantize, to scf.for loops over vector tiles on tensors.
void populateMXToVectorPatterns(mlir::RewritePatternSet &patterns);

/// Emits the fake quantization of the ranked float tensor `input` (f32, f16
/// or bf16) with `spec` along `axis`, returning a tensor of the same type.
/// Emits a diagnostic on `diagOp` (when given) and fails for what the
/// lowering does not support.
/// `staticScale` replaces the data-dependent per-tensor scale of INT8, or the
/// per-tensor f32 scale of a `tensor_scale = true` format (calibrated).
mlir::FailureOr<mlir::Value>
emitFakeQuant(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
              const FormatSpec &spec, int64_t axis, mlir::Operation *diagOp,
              std::optional<float> staticScale = std::nullopt);

/// Emits the quantization of `input` to `quantType` and returns its storage
/// parts (data, scales, [microexponents], [tensor scale], [zero points]).
/// `staticScale` as for emitFakeQuant.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
emitQuantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
             mlir::RankedTensorType quantType, mlir::Operation *diagOp,
             std::optional<float> staticScale = std::nullopt);

/// Emits the quantization of `input` to the INT8 `quantType` with the
/// constant `scales` (and `zeroPoints`, null without) in the shape of its
/// scales part, as mx.quantize with static_scales does; returns the parts.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> emitStaticQuantize(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
    mlir::RankedTensorType quantType, mlir::DenseFPElementsAttr scales,
    mlir::DenseIntElementsAttr zeroPoints, mlir::Operation *diagOp);

/// Emits the dequantization of the storage `parts` of a `quantType` tensor
/// to `resultType`.
mlir::FailureOr<mlir::Value>
emitDequantize(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange parts,
               mlir::RankedTensorType quantType,
               mlir::RankedTensorType resultType, mlir::Operation *diagOp);

/// Converts tensors of !mx.q elements to their storage parts (1:N).
void populateMXStorageTypeConversion(mlir::TypeConverter &converter);

/// Lowers mx.contract to linalg.generic ops on the storage parts of its
/// operands (included in populateMXStorageConversionPatterns); matmul forms
/// become the tiled kernels that `kernels` selects (ContractKernels.h).
void populateMXContractLoweringPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const ContractKernelOptions &kernels = {});

/// The generic lowering of mx.contract whose operands without an inline
/// decoder (mxfp6, nvfp4, mx9/6/4, ...) are decoded by mx.dequantize ops
/// that the surrounding conversion lowers (the GPU path: tile kernels, so
/// no host code reads device memory). Takes precedence over the patterns
/// of populateMXContractLoweringPatterns.
void populateMXContractLoweringWithDequantizeOpsPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// Lowers mx.quantize / mx.dequantize to and from storage parts, and
/// converts function signatures, calls and returns that carry quantized
/// tensors (the ABI in docs/Formats.md).
void populateMXStorageConversionPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const ContractKernelOptions &kernels = {});

/// Lowers the mx ops on quantized tensors that --mx-propagate builds
/// (mx.transpose, mx.clamp, mx.max_pool) and tensor.concat of quantized
/// tensors to the same ops on their storage parts (DataMovement.cpp).
void populateMXDataMovementConversionPatterns(
    mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// Lowers mx.warp_mma (one lane's share of a GPU tensor-core tile) to
/// scalar loops on tensors: the CPU test path of the GPU matmul kernels
/// (WarpMMA.cpp; included in convert-mx-to-vector).
void populateMXWarpMMAToLoopsPatterns(mlir::RewritePatternSet &patterns);

/// mx.tcgen05_mma (tensor form) as scalar loops: the CPU test path of the
/// sm_100a block-scaled matmul (TCGen05MMA.cpp). Added by
/// populateMXWarpMMAToLoopsPatterns.
void populateMXTCGen05MMAToLoopsPatterns(mlir::RewritePatternSet &patterns);

/// Emits an error on every mx.quantize under `root` that still waits for a
/// calibrated scale (mx-infer-scales) and fails if there is one: the
/// lowerings (CPU and GPU) cannot lower them.
mlir::LogicalResult checkQuantizationsResolved(mlir::Operation *root);

} // namespace mx

#endif // MX_CONVERSION_MXTOVECTOR_MXTOVECTOR_H
