//===- FinalizeToLLVM.cpp - memref, func and cf to LLVM at once -----------===//
//
// Part of mx-opt. See the description of mx-finalize-to-llvm in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "BarePtr.h"
#include "mx/Dialect/MX/Transforms/Passes.h"

#include "mlir/Analysis/DataLayoutAnalysis.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mx {
#define GEN_PASS_DEF_MXFINALIZETOLLVM
#include "mx/Dialect/MX/Transforms/Passes.h.inc"
} // namespace mx

using namespace mlir;

namespace {

/// Bytes of one element of a buffer the direct lowering allocates, or 0.
static int64_t elementBytes(Type type) {
  if (!type.isIntOrFloat() || type.getIntOrFloatBitWidth() % 8 != 0)
    return 0;
  return type.getIntOrFloatBitWidth() / 8;
}

/// A memref.alloc the direct lowering handles: static shape, identity
/// layout, default memory space, byte-sized scalar elements.
static bool isPlainAlloc(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  return type.hasStaticShape() && type.getLayout().isIdentity() &&
         !type.getMemorySpace() && elementBytes(type.getElementType()) != 0 &&
         alloc.getSymbolOperands().empty();
}

/// A function with the llvm.bareptr convention whose body is a call chain:
/// one block of memref.alloc / memref.dealloc, func.call of other
/// llvm.bareptr functions with only memref operands and no results, and a
/// func.return without operands (the callers mx-outline-kernels makes,
/// after bufferization and mx-bare-ptr-kernels).
static bool isBarePtrCallChain(func::FuncOp func,
                               SymbolTableCollection &symbolTables) {
  if (func.isExternal() || !mx::hasBarePtrConvention(func) ||
      !func.getBody().hasOneBlock() || func.getNumResults() != 0 ||
      func->hasAttr("llvm.linkage") || func->hasAttr("func.varargs") ||
      func->hasAttr(LLVM::LLVMDialect::getReadnoneAttrName()))
    return false;
  for (Type type : func.getArgumentTypes())
    if (!isa<MemRefType>(type))
      return false;
  if (ArrayAttr argAttrs = func.getAllArgAttrs())
    for (Attribute dict : argAttrs)
      for (NamedAttribute attr : cast<DictionaryAttr>(dict))
        if (attr.getName().getValue().starts_with("llvm."))
          return false;
  for (Operation &op : func.getBody().front()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      if (!isPlainAlloc(alloc))
        return false;
      continue;
    }
    if (isa<memref::DeallocOp>(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getNumOperands() != 0)
        return false;
      continue;
    }
    auto call = dyn_cast<func::CallOp>(op);
    if (!call || call.getNumResults() != 0 || call.getArgAttrsAttr() ||
        call.getResAttrsAttr() || call.getNoInline() ||
        !call->getDiscardableAttrDictionary().empty())
      return false;
    auto callee = dyn_cast_or_null<func::FuncOp>(
        symbolTables.lookupNearestSymbolFrom(call, call.getCalleeAttr()));
    if (!callee || !mx::hasBarePtrConvention(callee))
      return false;
    for (Type type : call.getOperandTypes())
      if (!isa<MemRefType>(type))
        return false;
  }
  return true;
}

/// Lowers a call chain (isBarePtrCallChain) straight to an llvm.func with
/// what convert-func-to-llvm and finalize-memref-to-llvm{use-aligned-alloc}
/// make of it after folding: a pointer per buffer argument, aligned_alloc
/// (alignment and size rounded up to it as AlignedAllocOpLowering
/// computes them) per allocation, free per deallocation, an llvm.call per
/// call with the buffers' pointers (the bare-pointer convention passes the
/// aligned pointer, which for these buffers is the allocated one). The
/// generic conversion would build and take apart a memref descriptor for
/// every buffer, a dozen ops the canonicalizer then erases.
static LogicalResult lowerCallChain(func::FuncOp func, ModuleOp module,
                                    SymbolTableCollection &symbolTables) {
  MLIRContext *context = func.getContext();
  OpBuilder builder(func);
  Location loc = func.getLoc();
  Type ptrType = LLVM::LLVMPointerType::get(context);
  Type i64 = IntegerType::get(context, 64);
  FailureOr<LLVM::LLVMFuncOp> allocFn =
      LLVM::lookupOrCreateAlignedAllocFn(builder, module, i64, &symbolTables);
  FailureOr<LLVM::LLVMFuncOp> freeFn =
      LLVM::lookupOrCreateFreeFn(builder, module, &symbolTables);
  if (failed(allocFn) || failed(freeFn))
    return failure();

  SmallVector<NamedAttribute> attributes;
  for (NamedAttribute attr : func->getDiscardableAttrs())
    attributes.push_back(attr);
  auto type = LLVM::LLVMFunctionType::get(
      LLVM::LLVMVoidType::get(context),
      SmallVector<Type>(func.getNumArguments(), ptrType));
  SymbolTable &symbolTable = symbolTables.getSymbolTable(module);
  symbolTable.remove(func);
  builder.setInsertionPoint(func);
  auto newFunc = LLVM::LLVMFuncOp::create(
      builder, loc, func.getName(), type, LLVM::Linkage::External,
      /*dsoLocal=*/false, LLVM::CConv::C, /*comdat=*/nullptr, attributes);
  symbolTable.insert(newFunc, Block::iterator(newFunc));
  cast<FunctionOpInterface>(newFunc.getOperation())
      .setVisibility(func.getVisibility());
  if (ArrayAttr argAttrs = func.getAllArgAttrs())
    newFunc.setAllArgAttrs(argAttrs);

  Block *entry = newFunc.addEntryBlock(builder);
  builder.setInsertionPointToStart(entry);
  llvm::DenseMap<Value, Value> pointers;
  for (auto [from, to] :
       llvm::zip_equal(func.getArguments(), entry->getArguments()))
    pointers[from] = to;
  llvm::DenseMap<int64_t, Value> constants;
  auto constant = [&](int64_t value) {
    Value &result = constants[value];
    if (!result) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(entry);
      result = LLVM::ConstantOp::create(builder, loc, i64,
                                        builder.getIndexAttr(value));
    }
    return result;
  };
  for (Operation &op : func.getBody().front()) {
    Location opLoc = op.getLoc();
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      MemRefType memref = alloc.getType();
      int64_t bytes = elementBytes(memref.getElementType());
      int64_t alignment =
          alloc.getAlignment()
              ? int64_t(*alloc.getAlignment())
              : std::max<int64_t>(16, llvm::PowerOf2Ceil(bytes));
      int64_t size =
          llvm::alignTo(memref.getNumElements() * bytes, uint64_t(alignment));
      auto call =
          LLVM::CallOp::create(builder, opLoc, *allocFn,
                               ValueRange{constant(alignment), constant(size)});
      pointers[alloc.getResult()] = call.getResult();
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      LLVM::CallOp::create(builder, opLoc, *freeFn,
                           ValueRange{pointers.lookup(dealloc.getMemref())});
    } else if (auto call = dyn_cast<func::CallOp>(op)) {
      SmallVector<Value> operands;
      for (Value operand : call.getOperands())
        operands.push_back(pointers.lookup(operand));
      LLVM::CallOp::create(builder, opLoc, TypeRange(), call.getCalleeAttr(),
                           operands);
    } else {
      LLVM::ReturnOp::create(builder, opLoc, ValueRange());
    }
  }
  func.erase();
  return success();
}

struct MXFinalizeToLLVMPass
    : mx::impl::MXFinalizeToLLVMBase<MXFinalizeToLLVMPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The checks and options of convert-func-to-llvm and
    // finalize-memref-to-llvm (cf-to-llvm takes the defaults, which the
    // data layout of a module without one does not change).
    StringRef dataLayout;
    if (auto attr = dyn_cast_or_null<StringAttr>(
            module->getAttr(LLVM::LLVMDialect::getDataLayoutAttrName())))
      dataLayout = attr.getValue();
    if (failed(LLVM::LLVMDialect::verifyDataLayoutString(
            dataLayout, [&](const Twine &message) {
              module.emitError() << message.str();
            })))
      return signalPassFailure();

    const auto &dataLayoutAnalysis = getAnalysis<DataLayoutAnalysis>();
    LowerToLLVMOptions options(&getContext(),
                               dataLayoutAnalysis.getAtOrAbove(module));
    options.allocLowering =
        useAlignedAlloc ? LowerToLLVMOptions::AllocLowering::AlignedAlloc
                        : LowerToLLVMOptions::AllocLowering::Malloc;
    options.dataLayout = llvm::DataLayout(dataLayout);
    LLVMTypeConverter typeConverter(&getContext(), options,
                                    &dataLayoutAnalysis);

    // One symbol table for all patterns: the memref patterns declare
    // aligned_alloc/free through it, the func patterns look callees up in
    // it.
    SymbolTableCollection symbolTables;

    // The call chains first, straight to LLVM (with aligned_alloc only:
    // the malloc lowering rounds the pointer instead).
    if (useAlignedAlloc && options.getIndexBitwidth() == 64) {
      SmallVector<func::FuncOp> chains;
      for (auto func : module.getOps<func::FuncOp>())
        if (isBarePtrCallChain(func, symbolTables))
          chains.push_back(func);
      for (func::FuncOp func : chains)
        if (failed(lowerCallChain(func, module, symbolTables)))
          return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateFinalizeMemRefToLLVMConversionPatterns(typeConverter, patterns,
                                                   &symbolTables);
    populateFuncToLLVMConversionPatterns(typeConverter, patterns,
                                         &symbolTables);
    cf::populateControlFlowToLLVMConversionPatterns(typeConverter, patterns);
    cf::populateAssertToLLVMConversionPattern(typeConverter, patterns,
                                              /*abortOnFailure=*/true,
                                              &symbolTables);

    LLVMConversionTarget target(getContext());
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
