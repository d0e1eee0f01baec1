//===- Passes.td - mx dialect transformations --------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_PASSES_TD
#define MX_DIALECT_MX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MXExpandFakeQuant : Pass<"mx-expand-fake-quant"> {
  let summary = "Split mx.fake_quant into mx.quantize and mx.dequantize";
  let description = [{
    Rewrites every `mx.fake_quant` into the explicit quantize/dequantize
    pair it stands for, exposing the quantized tensor to later passes
    (propagation, fusion, lowering). The rewrite is exact: both forms have
    the same numerics by definition.

    Before:
    ```mlir
    %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
    ```
    After:
    ```mlir
    %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
    %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let statistics = [
    Statistic<"numExpanded", "num-expanded", "Number of mx.fake_quant ops expanded">
  ];
}

def MXExportEntryPoints : Pass<"mx-export-entry-points", "::mlir::ModuleOp"> {
  let summary = "Mark public functions as entry points callable from C";
  let description = [{
    For every public `func.func` with a body: sets `llvm.emit_c_interface`
    (so `convert-func-to-llvm` emits the `_mlir_ciface_<name>` wrapper that
    takes memref descriptors by pointer) and records the function type as it
    is now, at the tensor level, in `mx.signature`. Tools such as `mx-run`
    read `mx.signature` after lowering to validate inputs and shape outputs.
    Run it before bufferization.

    ```mlir
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32>
    // becomes
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32>
        attributes {llvm.emit_c_interface, mx.signature = (tensor<4x64xf32>) -> tensor<4x64xf32>}
    ```
  }];
}

#endif // MX_DIALECT_MX_TRANSFORMS_PASSES_TD
