//===- MXInterfaces.td - mx interfaces ---------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXINTERFACES_TD
#define MX_DIALECT_MX_IR_MXINTERFACES_TD

include "mlir/IR/OpBase.td"

def MX_QuantCommutingOpInterface : OpInterface<"QuantCommutingOpInterface"> {
  let cppNamespace = "::mx";
  let description = [{
    An op that commutes with a dequantization: applying it to the dequantized
    values equals dequantizing the result of applying it to the quantized
    tensor (element codes and scales), bit for bit. `--mx-propagate` moves an
    `mx.dequantize` past such ops, so they run on quantized data.

    Upstream data-movement ops get external models (registered by
    `mx::registerMXDialect`); users' own ops opt in by implementing the
    interface. The op must accept a quantized tensor in place of the float
    one (type-generic ops such as tensor reshapes do), and the lowering must
    know how to apply it to the storage parts.
  }];
  let methods = [
    InterfaceMethod<[{
        The element type of the result when operand `operand` is a tensor of
        quantized elements `type`, or failure with `reason` set when the op
        does not commute with that quantization (for example a reshape that
        merges the block axis with another dimension).
      }],
      "::llvm::FailureOr<::mx::QuantizedType>", "commuteDequantize",
      (ins "unsigned":$operand, "::mx::QuantizedType":$type,
           "std::string &":$reason)>,
    InterfaceMethod<[{
        The element type for operand `operand` when the result is quantized
        as `type` and the quantization moves before the op: quantizing the
        operand then applying the op gives the same codes and scales. Fails
        with `reason` set otherwise (for example a slice under a per-tensor
        scale, whose maximum depends on the elements kept).
      }],
      "::llvm::FailureOr<::mx::QuantizedType>", "commuteQuantize",
      (ins "unsigned":$operand, "::mx::QuantizedType":$type,
           "std::string &":$reason)>
  ];
}

#endif // MX_DIALECT_MX_IR_MXINTERFACES_TD
