//===- MXTypes.td - mx dialect types -----------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXTYPES_TD
#define MX_DIALECT_MX_IR_MXTYPES_TD

include "mx/Dialect/MX/IR/MXAttrs.td"

def MX_QuantizedType : TypeDef<MX_Dialect, "Quantized"> {
  let mnemonic = "q";
  let summary = "mx quantized element";
  let description = [{
    The element type of a ranked tensor of quantized values. A
    `tensor<SHAPE x !mx.q<FORMAT, axis = A>>` is one value made of the
    element codes and the scales of the format, with the scales computed at
    run time. `axis` is the block (or channel) axis; it is omitted for
    per-tensor formats.

    ```mlir
    tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
    tensor<8x128x!mx.q<mx6, axis = 1>>
    tensor<128x64x!mx.q<int8>>
    tensor<3x3x16x32x!mx.q<int8, granularity = channel, axis = 3>>
    ```

    Lowering splits such a tensor into its parts (packed element data, one
    tensor of scales, and the tensor scale where the format has one); see
    `docs/Design.md` for the layout.
  }];
  let parameters = (ins "::mx::FormatAttr":$format, "int64_t":$axis);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    ::mx::FormatSpec getSpec() const { return getFormat().getSpec(); }
    /// The builtin tensors a quantized tensor of `shape` is stored as, in
    /// order: data, scales, [microexponents], [tensor scale], [zero points]
    /// (see mx/Support/Quantize.h and docs/Formats.md, "Storage layout").
    ::llvm::SmallVector<::mlir::RankedTensorType>
    getStorageTypes(::llvm::ArrayRef<int64_t> shape) const;
    /// True when the format has no axis (per-tensor scale).
    bool isPerTensor() const {
      return getSpec().granularity == ::mx::Granularity::Tensor;
    }
  }];
}

def MX_QuantizedTensor : RankedTensorOf<[MX_QuantizedType]>;
def MX_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;

#endif // MX_DIALECT_MX_IR_MXTYPES_TD
