//===- MXBase.td - mx dialect definition -------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXBASE_TD
#define MX_DIALECT_MX_IR_MXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def MX_Dialect : Dialect {
  let name = "mx";
  let cppNamespace = "::mx";
  let summary = "Block-scaled and classic quantization: formats, types, Q/DQ";
  let description = [{
    The `mx` dialect describes quantized tensors whose scales are runtime
    values: the OCP Microscaling formats (MXFP8 E4M3/E5M2, MXFP6 E3M2/E2M3,
    MXFP4 E2M1, MXINT8; 32-element blocks sharing an E8M0 power-of-two
    scale), the shared-microexponent family (MX9, MX6, MX4 and the general
    k1/d1/k2/d2/m form), a per-tensor FP32 scale over block scales (NVFP4),
    and classic INT8 per-tensor / per-channel.

    Three pieces:
    * `#mx.format<...>` names a quantization format completely (element
      encoding, granularity and block size, scale encoding, scale rule,
      rounding, second level). Every preset name expands to the full format.
    * `!mx.q<format, axis = N>` is the element type of a quantized tensor:
      `tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>` holds packed elements and
      their scales; the scales are part of the value, computed at run time.
    * `mx.quantize`, `mx.dequantize` and `mx.fake_quant` convert between
      float tensors and quantized tensors.

    ```mlir
    %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
    %d = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
    %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
    ```

    See `docs/Design.md` for the rationale of the representation and
    `docs/Formats.md` for the exact numerics.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class MX_Op<string mnemonic, list<Trait> traits = []>
    : Op<MX_Dialect, mnemonic, traits>;

#endif // MX_DIALECT_MX_IR_MXBASE_TD
