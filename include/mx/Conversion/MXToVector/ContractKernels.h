//===- ContractKernels.h - Tiled CPU kernels for mx.contract ----*- C++ -*-===//
//
// Part of mx-opt. Packed, register-blocked kernels for mx.contract ops in
// matmul form (docs/Lowering.md, "Kernels for mx.contract").
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOVECTOR_CONTRACTKERNELS_H
#define MX_CONVERSION_MXTOVECTOR_CONTRACTKERNELS_H

#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mx {

class ContractOp;

#define GEN_PASS_DECL_CONVERTMXVNNIDOTS
#include "mx/Conversion/Passes.h.inc"

/// Which kernels mx.contract lowers to.
enum class ContractKernelTarget {
  /// No kernels: the linalg.generic lowering of Contract.cpp.
  None,
  /// Kernels written with target-independent vector ops only.
  Generic,
  /// As Generic, with the 8-bit dot products as AVX-512 VNNI vpdpbusd.
  AVX512VNNI,
  /// AMX tiles (tdpbssd) for the integer kernel (INT8, MXINT8, MXFP4);
  /// the other formats as AVX512VNNI.
  AMX,
};

struct ContractKernelOptions {
  ContractKernelTarget target = ContractKernelTarget::None;
  /// Only kernels whose results are bit-identical to the unfused graph
  /// (MXINT8 and MXFP4 then take the f32 kernel instead of the integer one).
  bool exact = false;
  /// Pack a constant right-hand operand (a weight) at compile time into the
  /// kernel's layout instead of on every call (ContractPrepack.h).
  bool prepack = true;
};

/// Parses "none", "generic", "avx512vnni", "amx" or "auto" (the host: amx
/// when the CPU running this has AMX-INT8 and AVX-512 and Linux grants the
/// tile state, else avx512vnni when it has AVX-512 VNNI and BW, generic
/// otherwise).
std::optional<ContractKernelTarget>
parseContractKernelTarget(llvm::StringRef name);

/// Emits a tiled kernel for `op` on the storage parts of its operands and
/// returns the accumulator of the result's shape: i32 when `int8Path` (INT8
/// with scales constant along the reduction: the caller's epilogue applies
/// them), f32 otherwise (the caller's epilogue adds bias, residual, clamp).
/// Returns a null value, emitting nothing, when `op` is not in a form the
/// kernels handle (the caller then uses its generic lowering); fails after a
/// diagnostic on `op`.
mlir::FailureOr<mlir::Value>
emitContractKernel(mlir::OpBuilder &b, mlir::Location loc, ContractOp op,
                   mlir::ValueRange lhsParts, mlir::ValueRange rhsParts,
                   bool int8Path, const ContractKernelOptions &options);

/// As emitContractKernel for contractions that are not in matmul form but
/// become one through im2col (ContractConv.cpp): convolutions and other
/// contractions whose loops are M (lhs and result), N (rhs and result) and
/// K (reduction) loops, the rhs and the result indexed by plain loops.
/// Returns a null value when `op` is not such a contraction.
mlir::FailureOr<mlir::Value>
emitContractConvKernel(mlir::OpBuilder &b, mlir::Location loc, ContractOp op,
                       mlir::ValueRange lhsParts, mlir::ValueRange rhsParts,
                       bool int8Path, const ContractKernelOptions &options);

/// The type of the kernel entry points (emitContractKernel, and
/// emitContractGemv in ContractGemv.h, which share its contract).
using ContractKernelFn = mlir::FailureOr<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, ContractOp, mlir::ValueRange,
    mlir::ValueRange, bool, const ContractKernelOptions &);

/// The epilogue of an mx.contract on one f32 result element `x`: plus the
/// element's `bias` and `residual` values (null when `op` has none), then
/// clamp_min and clamp_max, in the unfused graph's order. Shared by the CPU
/// and GPU lowerings of mx.contract.
mlir::Value emitContractEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                                 ContractOp op, mlir::Value x, mlir::Value bias,
                                 mlir::Value residual);

} // namespace mx

#endif // MX_CONVERSION_MXTOVECTOR_CONTRACTKERNELS_H
