//===- MXObserveToRuntime.cpp - Lower calibration observers ---------------===//
//
// Part of mx-opt. See the description of convert-mx-observe-to-runtime in
// Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXObserveToRuntime/MXObserveToRuntime.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Support/Debug.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "convert-mx-observe-to-runtime"

namespace mx {
#define GEN_PASS_DEF_CONVERTMXOBSERVETORUNTIME
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

using namespace mlir;
using namespace mx;

int64_t ObserverIds::getOrAssign(StringRef name) {
  auto [it, inserted] = ids.try_emplace(name, names.size());
  if (inserted)
    names.push_back(name.str());
  return it->second;
}

namespace {

/// Declares the runtime function in `module` unless it exists.
func::FuncOp getOrDeclareObserve(RewriterBase &rewriter, ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kObserveFunctionName))
    return f;
  MLIRContext *ctx = module.getContext();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  auto i64 = IntegerType::get(ctx, 64);
  auto flat =
      RankedTensorType::get({ShapedType::kDynamic}, Float32Type::get(ctx));
  auto type = FunctionType::get(ctx, {i64, i64, i64, i64, flat}, {});
  auto f = func::FuncOp::create(rewriter, module.getLoc(), kObserveFunctionName,
                                type);
  f.setPrivate();
  // The runtime only reads the tensor.
  f.setArgAttr(4, bufferization::BufferizationDialect::kBufferAccessAttrName,
               rewriter.getStringAttr("read"));
  return f;
}

struct ObserveToCall : OpRewritePattern<ObserveOp> {
  ObserveToCall(MLIRContext *ctx, ObserverIds &ids)
      : OpRewritePattern(ctx), ids(ids) {}

  LogicalResult matchAndRewrite(ObserveOp op,
                                PatternRewriter &rewriter) const override {
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not inside a module");
    func::FuncOp callee = getOrDeclareObserve(rewriter, module);
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value input = op.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();

    // Channels and inner size (products of dims, dynamic ones included).
    auto dim = [&](int64_t d) -> Value {
      Value idx = tensor::DimOp::create(b, input, d);
      return arith::IndexCastOp::create(b, b.getI64Type(), idx);
    };
    Value zero = arith::ConstantIntOp::create(b, 0, 64);
    Value axisValue =
        arith::ConstantIntOp::create(b, op.getChannelAxis().value_or(-1), 64);
    Value channels = zero, inner = zero;
    if (std::optional<int64_t> axis = op.getChannelAxis()) {
      channels = dim(*axis);
      inner = arith::ConstantIntOp::create(b, 1, 64);
      for (int64_t d = *axis + 1; d < rank; ++d)
        inner = arith::MulIOp::create(b, inner, dim(d));
    }

    // Flatten to 1-D in C order.
    Value flat;
    if (rank == 0) {
      flat = tensor::ExpandShapeOp::create(
          b, RankedTensorType::get({1}, type.getElementType()), input,
          ArrayRef<ReassociationIndices>{});
    } else if (rank == 1) {
      flat = input;
    } else {
      ReassociationIndices all;
      for (int64_t d = 0; d < rank; ++d)
        all.push_back(d);
      flat = tensor::CollapseShapeOp::create(
          b, input, ArrayRef<ReassociationIndices>{all});
    }
    auto dynType =
        RankedTensorType::get({ShapedType::kDynamic}, type.getElementType());
    if (flat.getType() != dynType)
      flat = tensor::CastOp::create(b, dynType, flat);
    Value id =
        arith::ConstantIntOp::create(b, ids.getOrAssign(op.getName()), 64);
    func::CallOp::create(b, callee,
                         ValueRange{id, axisValue, channels, inner, flat});
    MX_DEBUG(llvm::dbgs() << "observer " << op.getName() << " -> id "
                          << ids.ids.lookup(op.getName()) << "\n");
    rewriter.eraseOp(op);
    return success();
  }

  ObserverIds &ids;
};

struct ConvertMXObserveToRuntimePass
    : mx::impl::ConvertMXObserveToRuntimeBase<ConvertMXObserveToRuntimePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    ObserverIds ids;
    // Keep the ids of a module lowered before (several runs accumulate).
    if (auto names = getCalibrationTensorNames(module); succeeded(names))
      for (const std::string &n : *names)
        ids.getOrAssign(n);
    RewritePatternSet patterns(&getContext());
    populateMXObserveToRuntimePatterns(patterns, ids);
    // Program order of the ids: walk, not a worklist.
    SmallVector<ObserveOp> ops;
    module.walk([&](ObserveOp op) { ops.push_back(op); });
    for (ObserveOp op : ops)
      ids.getOrAssign(op.getName());
    if (failed(applyPatternsGreedily(module, std::move(patterns)))) {
      module.emitError("convert-mx-observe-to-runtime did not converge");
      return signalPassFailure();
    }
    bool left = false;
    module.walk([&](ObserveOp op) {
      op.emitError("could not lower the observer");
      left = true;
    });
    if (left)
      return signalPassFailure();
    if (ids.names.empty())
      return;
    SmallVector<Attribute> names;
    for (const std::string &n : ids.names)
      names.push_back(StringAttr::get(&getContext(), n));
    module->setAttr(kCalibrationTensorsAttrName,
                    ArrayAttr::get(&getContext(), names));
  }
};

} // namespace

void mx::populateMXObserveToRuntimePatterns(RewritePatternSet &patterns,
                                            ObserverIds &ids) {
  patterns.add<ObserveToCall>(patterns.getContext(), ids);
}

FailureOr<std::vector<std::string>>
mx::getCalibrationTensorNames(ModuleOp module) {
  auto attr = module->getAttrOfType<ArrayAttr>(kCalibrationTensorsAttrName);
  if (!attr)
    return failure();
  std::vector<std::string> names;
  for (Attribute a : attr) {
    auto s = dyn_cast<StringAttr>(a);
    if (!s)
      return failure();
    names.push_back(s.str());
  }
  return names;
}
