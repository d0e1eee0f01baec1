//===- InstrumentCalibration.cpp - Calibration observers ------------------===//
//
// Part of mx-opt. See the description of mx-instrument-calibration in
// Passes.td and the tensor names in docs/Calibration.md.
//
//===----------------------------------------------------------------------===//

#include "TransformUtils.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#define DEBUG_TYPE "mx-instrument-calibration"

namespace mx {
#define GEN_PASS_DEF_MXINSTRUMENTCALIBRATION
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

namespace {

/// f32 tensors are observed as they are; f16 and bf16 tensors through an
/// exact arith.extf to f32.
bool isObservable(Value v) { return isF32F16BF16Tensor(v.getType()); }

/// A tensor --all cannot observe: another element type than f32, f16 and
/// bf16 (quantized tensors are not activations: their float source is).
bool isUnobservableTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && !isObservable(v) && !isa<QuantizedType>(t.getElementType());
}

/// Ops whose results are not activations: constants (weights) and
/// initializations of outputs.
bool isNotActivation(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() ||
         isa<tensor::EmptyOp, linalg::FillOp, ObserveOp>(op);
}

struct MXInstrumentCalibrationPass
    : mx::impl::MXInstrumentCalibrationBase<MXInstrumentCalibrationPass> {
  using Base::Base;

  void observe(OpBuilder &b, Location loc, Value v, StringRef name) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.getElementType().isF32())
      v = arith::ExtFOp::create(b, loc, type.clone(b.getF32Type()), v);
    auto op =
        ObserveOp::create(b, loc, v, b.getStringAttr(name), IntegerAttr());
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    if (channelAxis >= 0 && channelAxis < rank)
      op.setChannelAxisAttr(b.getI64IntegerAttr(channelAxis));
    MX_DEBUG(llvm::dbgs() << "observe " << name << "\n");
    ++numObservers;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (channelAxis < -1) {
      module.emitError() << "mx-instrument-calibration: channel-axis must be "
                            ">= 0 (or -1 for none), got "
                         << static_cast<int64_t>(channelAxis);
      return signalPassFailure();
    }

    // The activations to observe with --all, collected before any change so
    // that the ordinals describe the input program.
    struct Activation {
      Value value;
      std::string name;
    };
    SmallVector<Activation> activations;
    // --all: tensors of other element types (f64, integers, ...), named by
    // their argument name or by op and result number.
    SmallVector<Activation> skipped;
    if (all) {
      for (auto func : module.getOps<FunctionOpInterface>()) {
        if (func.isExternal())
          continue;
        StringRef fn = func.getName();
        for (BlockArgument arg : func.getArguments()) {
          std::string name = (fn + ":arg" + Twine(arg.getArgNumber())).str();
          if (isObservable(arg))
            activations.push_back({arg, name});
          else if (isUnobservableTensor(arg))
            skipped.push_back({arg, name});
        }
        llvm::StringMap<unsigned> ordinals;
        func->walk<WalkOrder::PreOrder>([&](Operation *op) {
          if (op == func.getOperation() || isNotActivation(op) ||
              isa<QuantizeOp, DequantizeOp>(op))
            return;
          for (OpResult r : op->getResults())
            if (isUnobservableTensor(r))
              skipped.push_back({r, (op->getName().getStringRef() + " result " +
                                     Twine(r.getResultNumber()))
                                        .str()});
          bool any = llvm::any_of(op->getResults(), isObservable);
          if (!any)
            return;
          StringRef opName = op->getName().getStringRef();
          unsigned n = ordinals[opName]++;
          std::optional<std::string> loc = getFirstLocationName(op->getLoc());
          std::string tag =
              loc ? *loc : (fn + ":" + opName + "#" + Twine(n)).str();
          for (OpResult r : op->getResults())
            if (isObservable(r))
              activations.push_back(
                  {r, tag + ":out" + std::to_string(r.getResultNumber())});
        });
      }
    }

    // Quantized tensors: observe the input of every named quantization.
    bool failedAny = false;
    SmallVector<QuantizeOp> named;
    module.walk([&](QuantizeOp q) {
      if (q.getCalibration())
        named.push_back(q);
    });
    for (QuantizeOp q : named) {
      StringRef name = *q.getCalibration();
      OpBuilder b(q);
      if (!isObservable(q.getInput())) {
        // The verifier of mx.quantize admits only observable inputs today;
        // a new input type must not leave the tensor silently uncalibrated.
        q.emitError() << "cannot calibrate tensor '" << name << "' of type "
                      << q.getInput().getType()
                      << ": observers take f32, f16 or bf16 tensors";
        failedAny = true;
        continue;
      }
      observe(b, q.getLoc(), q.getInput(), name);
      if (!bypassUnresolved || !q.isUnresolved())
        continue;
      // Bypass DQ(Q(x)) -> x: the quantization has no scale yet.
      for (Operation *user : llvm::to_vector(q->getUsers())) {
        auto dq = dyn_cast<DequantizeOp>(user);
        if (!dq || dq.getType() != q.getInput().getType()) {
          user->emitError()
              << "cannot calibrate: the unresolved static quantization '"
              << name << "' is used by '" << user->getName()
              << "', not by a dequantization to " << q.getInput().getType()
              << "; calibrate the model before --mx-propagate";
          failedAny = true;
          continue;
        }
        dq.replaceAllUsesWith(q.getInput());
        dq.erase();
      }
      if (q->use_empty()) {
        q.erase();
        ++numBypassed;
      }
    }
    if (failedAny)
      return signalPassFailure();

    // Never a silent skip: a tensor --all does not observe says so.
    for (Activation &a : skipped)
      emitWarning(a.value.getLoc())
          << "--all: " << a.name << " (" << a.value.getType()
          << ") is not observed: observers take f32, f16 or bf16 tensors";

    for (Activation &a : activations) {
      OpBuilder b(module.getContext());
      if (auto arg = dyn_cast<BlockArgument>(a.value))
        b.setInsertionPointToStart(arg.getOwner());
      else
        b.setInsertionPointAfter(a.value.getDefiningOp());
      observe(b, a.value.getLoc(), a.value, a.name);
    }
  }
};

} // namespace
