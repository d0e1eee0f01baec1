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
           "std::string &":$reason)>,
    InterfaceMethod<[{
        `commuteQuantize` for a quantization with a fixed per-tensor scale
        (static INT8: `scale.scale` > 0 and the integer `scale.zeroPoint`
        known at compile time). Such a quantization is a monotone
        non-decreasing map from values to codes that sends +0.0 and -0.0 to
        the zero point and NaN to the largest code, so it commutes with more
        ops than a dynamic one (relu, max-pooling, a concatenation of
        tensors quantized with the same scale). Default: `commuteQuantize`.
      }],
      "::llvm::FailureOr<::mx::QuantizedType>", "commuteStaticQuantize",
      (ins "unsigned":$operand, "::mx::QuantizedType":$type,
           "::mx::StaticScale":$scale, "std::string &":$reason), [{}],
      [{
        return ::llvm::cast<::mx::QuantCommutingOpInterface>(
                   $_op.getOperation())
            .commuteQuantize(operand, type, reason);
      }]>,
    InterfaceMethod<[{
        `commuteDequantize` when every quantized operand was quantized with
        the same fixed per-tensor scale `scale` (static INT8; the codes come
        from `mx.quantize` ops with that scale through data movement).
        Default: `commuteDequantize`.
      }],
      "::llvm::FailureOr<::mx::QuantizedType>", "commuteStaticDequantize",
      (ins "unsigned":$operand, "::mx::QuantizedType":$type,
           "::mx::StaticScale":$scale, "std::string &":$reason), [{}],
      [{
        return ::llvm::cast<::mx::QuantCommutingOpInterface>(
                   $_op.getOperation())
            .commuteDequantize(operand, type, reason);
      }]>,
    InterfaceMethod<[{
        The operands that carry the data being quantized. A dequantization
        moves past the op only when every one of them is dequantized (for
        example all inputs of a concatenation); a quantization moves before
        the op onto each of them. Other operands (initial values of
        destination-style ops, padding values) stay as they are or are
        dropped by `buildQuantized`. Default: operand 0.
      }],
      "::llvm::SmallVector<unsigned>", "getQuantizedOperands", (ins), [{}],
      [{ return {0}; }]>,
    InterfaceMethod<[{
        Builds the op's equivalent on quantized tensors: `operands` are the
        quantized values for `getQuantizedOperands()` (in that order) and
        `resultType` the quantized result type that `commuteDequantize` /
        `commuteQuantize` chose. Returns the new op's result. Default: a
        copy of the op with those operands and the result re-typed, which
        suits type-generic ops (tensor reshapes, slices, concat). Ops that
        verify their element types build an mx op instead (linalg.transpose
        builds `mx.transpose`, a relu `linalg.generic` builds `mx.clamp`).
      }],
      "::mlir::FailureOr<::mlir::Value>", "buildQuantized",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::ValueRange":$operands,
           "::mlir::RankedTensorType":$resultType), [{}],
      [{
        ::mlir::Operation *self = $_op.getOperation();
        ::mlir::IRMapping map;
        for (auto [index, value] :
             ::llvm::zip(::llvm::cast<::mx::QuantCommutingOpInterface>(self)
                             .getQuantizedOperands(),
                         operands))
          map.map(self->getOperand(index), value);
        ::mlir::Operation *copy = builder.clone(*self, map);
        copy->getResult(0).setType(resultType);
        return copy->getResult(0);
      }]>
  ];
}

#endif // MX_DIALECT_MX_IR_MXINTERFACES_TD
