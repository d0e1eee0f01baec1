//===- MXCalibrationOps.td - mx calibration observers ------*- tablegen -*-===//
//
// Part of mx-opt. Ops of the calibration flow (mx-calibrate), kept apart from
// the quantization ops in MXOps.td, which includes this file.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXCALIBRATIONOPS_TD
#define MX_DIALECT_MX_IR_MXCALIBRATIONOPS_TD

include "mx/Dialect/MX/IR/MXTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MX_ObserveOp : MX_Op<"observe", [
    MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Record calibration statistics of a tensor";
  let description = [{
    Adds the values of `input` to the running calibration statistics of the
    tensor called `name` (min, max, absolute maximum, a histogram of |x|
    and, with `channel_axis`, the absolute maximum of every index of that
    axis). The op has no result and does not change `input`: an
    instrumented program computes what it computed before. Its side effect
    (on the statistics kept by the runtime) keeps it from being removed or
    reordered with other observers.

    `--mx-instrument-calibration` inserts these ops;
    `--convert-mx-observe-to-runtime` lowers them to calls of the C runtime
    function `mx_calibration_observe_f32` (lib/Runtime/CalibrationRuntime.cpp)
    which the `mx-calibrate` tool registers in its JIT. Only f32 tensors are
    observed.

    ```mlir
    mx.observe %x {name = "mlp:linalg.matmul#0:in0"} : tensor<8x64xf32>
    mx.observe %y {name = "conv1:in0", channel_axis = 3 : i64} : tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, StrAttr:$name,
                       OptionalAttr<I64Attr>:$channel_axis);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // MX_DIALECT_MX_IR_MXCALIBRATIONOPS_TD
