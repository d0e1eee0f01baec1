//===- ContractPrepack.h - Constant weights packed at compile time -------===//
//
// Part of mx-opt. Private to lib/Conversion/MXToVector: when the right-hand
// operand B of a packed contract kernel is a constant (its storage parts
// are arith.constant, dense or dense_resource: a quantization of a constant
// weight folds to those), the kernel's run-time packing of B is computed
// here at compile time, with the kernel's own arithmetic, into constants in
// the micro-kernel's layout. Each packed constant carries the attribute
// kPackedLayoutAttr naming its layout, so the IR says what it holds; the
// storage layout of function arguments (the ABI) does not change.
// (docs/Lowering.md, "Prepacked constant weights".)
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTPREPACK_H
#define MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTPREPACK_H

#include "ContractKernelsImpl.h"

namespace mx::contract_kernels {

/// The discardable attribute on a prepacked constant: its layout, e.g.
/// "vnni-panels [batch][N/32][Kp/4][32*4] i8".
constexpr llvm::StringLiteral kPackedLayoutAttr = "mx.packed_layout";

/// The integer kernel's packed B (emitIntKernel): the VNNI panels
/// [batch][N/nr][Kp/4][nr*4] (i8), minus plan.offsetA times the column sums
/// of each K block [batch][N/nr][blocks][nr] (i32) and, for MX formats, the
/// decoded block scales (f32, same shape), as constants; std::nullopt when
/// a part of B is not a constant.
std::optional<SmallVector<Value>> prepackIntB(OpBuilder &b, Location loc,
                                              const MatmulForm &form,
                                              const IntOperand &B,
                                              const IntPlan &plan, int64_t nr);

/// The row-major bytes of a constant tensor (dense, splat or not, or a
/// dense_resource blob) of whole-byte elements, if `v` is one; `buf` holds
/// them when they are not stored as such (a splat).
std::optional<ArrayRef<char>> constantBytes(Value v, std::vector<char> &buf);

/// An arith.constant of `type` holding the row-major `bytes`; large ones as
/// resource blobs (no uniquing of megabytes).
Value bytesConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    ArrayRef<char> bytes);

/// The values of a quantized tensor of type `type` whose storage parts are
/// constants, decoded to f32 (dequantizeArray), row-major; std::nullopt
/// when a part is not a constant.
std::optional<std::vector<float>> dequantizeConstant(ValueRange parts,
                                                     RankedTensorType type);

/// The f32 kernel's packed B from an f32 constant `bm` [batch?][K][N]:
/// panels [batch][N/nr][K][nr] with zeros past N; std::nullopt when `bm`
/// is not a constant.
std::optional<Value> prepackF32Matrix(OpBuilder &b, Location loc,
                                      const MatmulForm &form, Value bm,
                                      int64_t nr);

/// The f32 kernel's packed B (emitF32Kernel): B decoded to f32
/// (dequantizeArray, the dequantizer's numerics) in panels
/// [batch][N/nr][K][nr] with zeros past N, as a constant; std::nullopt when
/// a part of B is not a constant. `rhsType` is B's quantized tensor type.
std::optional<Value> prepackF32B(OpBuilder &b, Location loc,
                                 const MatmulForm &form, ValueRange rhsParts,
                                 RankedTensorType rhsType, int64_t nr);

} // namespace mx::contract_kernels

#endif // MX_LIB_CONVERSION_MXTOVECTOR_CONTRACTPREPACK_H
