//===- JitRunner.cpp - Compile and run a function on arrays ---------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/JitRunner.h"
#include "mx/Dialect/MX/IR/MXTypes.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/Pipelines/Pipelines.h"
#include "mx/Runtime/CalibrationRuntime.h"
#include "mx/Runtime/MaskedStoreFixup.h"
#include "mx/Support/AMX.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Quantize.h"
#include "mx/Support/ShapeString.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

#define DEBUG_TYPE "mx-jit"

using namespace mlir;
using namespace mx;

static llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// A shape in argument checks: 64x256, or "scalar ()".
static std::string shapeOrScalarString(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar ()";
  return mx::shapeString(shape);
}

//===----------------------------------------------------------------------===//
// AlignedArray
//===----------------------------------------------------------------------===//

static int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

AlignedArray::AlignedArray(npy::DType dtype, ArrayRef<int64_t> shape)
    : dtype(dtype), shape(shape.begin(), shape.end()) {
  bytes = static_cast<size_t>(numElements(shape)) * npy::dtypeSize(dtype);
  size_t rounded = (bytes + 63) / 64 * 64;
  ptr = std::aligned_alloc(64, rounded ? rounded : 64);
  if (ptr)
    std::memset(ptr, 0, rounded ? rounded : 64);
}

AlignedArray::AlignedArray(const npy::Array &array)
    : AlignedArray(array.dtype, array.shape) {
  if (ptr && !array.data.empty())
    std::memcpy(ptr, array.data.data(), bytes);
}

AlignedArray::~AlignedArray() { std::free(ptr); }

AlignedArray::AlignedArray(AlignedArray &&other) noexcept
    : dtype(other.dtype), shape(std::move(other.shape)), ptr(other.ptr),
      bytes(other.bytes) {
  other.ptr = nullptr;
  other.bytes = 0;
}

npy::Array AlignedArray::toNpy() const {
  npy::Array array;
  array.dtype = dtype;
  array.shape = shape;
  const uint8_t *begin = static_cast<const uint8_t *>(ptr);
  array.data.assign(begin, begin + bytes);
  return array;
}

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

static llvm::Expected<npy::DType> dtypeOf(Type elem, StringRef typeString) {
  if (elem.isF32())
    return npy::DType::F32;
  if (elem.isF64())
    return npy::DType::F64;
  if (elem.isF16())
    return npy::DType::F16;
  if (elem.isBF16())
    return npy::DType::BF16;
  if (auto i = dyn_cast<IntegerType>(elem)) {
    if (i.isUnsigned() && i.getWidth() == 8)
      return npy::DType::U8;
    if (!i.isUnsigned()) {
      switch (i.getWidth()) {
      case 1:
        return npy::DType::Bool;
      case 8:
        return npy::DType::I8;
      case 16:
        return npy::DType::I16;
      case 32:
        return npy::DType::I32;
      case 64:
        return npy::DType::I64;
      default:
        break;
      }
    }
  }
  return makeError("unsupported element type in " + typeString +
                   " (supported: f32, f64, f16, bf16, i1, i8, i16, i32, "
                   "i64, ui8)");
}

/// The tensors an argument or result of `type` is passed as: itself, or the
/// storage parts of a quantized tensor (docs/Formats.md, "Storage layout").
static llvm::Error appendSignatures(Type type,
                                    SmallVectorImpl<TensorSignature> &out) {
  std::string typeString;
  llvm::raw_string_ostream(typeString) << type;
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return makeError("argument or result of type " + typeString +
                     " is not a ranked tensor");
  if (auto q = dyn_cast<QuantizedType>(tensor.getElementType())) {
    SmallVector<int64_t> dims;
    for (int64_t d : tensor.getShape())
      dims.push_back(ShapedType::isDynamic(d) ? kDynamicDim : d);
    StorageLayout layout =
        getStorageLayout(dims, std::max<int64_t>(q.getAxis(), 0), q.getSpec());
    for (auto [part, partType] :
         llvm::zip(layout.parts, q.getStorageTypes(tensor.getShape()))) {
      std::string partString;
      llvm::raw_string_ostream(partString)
          << part.name << " of " << typeString << " (" << partType << ")";
      llvm::Expected<npy::DType> dtype =
          dtypeOf(partType.getElementType(), partString);
      if (!dtype)
        return dtype.takeError();
      out.push_back({*dtype, SmallVector<int64_t>(partType.getShape()),
                     partString, /*isBytes=*/*dtype == npy::DType::I8});
    }
    return llvm::Error::success();
  }
  llvm::Expected<npy::DType> dtype =
      dtypeOf(tensor.getElementType(), typeString);
  if (!dtype)
    return dtype.takeError();
  out.push_back(
      {*dtype, SmallVector<int64_t>(tensor.getShape()), typeString, false});
  return llvm::Error::success();
}

static bool isLLVMModule(ModuleOp module) {
  bool allLLVM = true;
  for (Operation &op : module.getBody()->getOperations())
    if (!isa<LLVM::LLVMDialect>(op.getDialect()))
      allLLVM = false;
  return allLLVM;
}

//===----------------------------------------------------------------------===//
// f16 / bf16 inputs from float32 arrays
//===----------------------------------------------------------------------===//

static bool isHalf(npy::DType dtype) {
  return dtype == npy::DType::F16 || dtype == npy::DType::BF16;
}

/// An f16 or bf16 input given as a float32 array (rounded when copied).
static bool isRoundedFromF32(npy::DType input, npy::DType array) {
  return isHalf(input) && array == npy::DType::F32;
}

/// `array` (float32) rounded to nearest even to `dtype` (F16 or BF16), as
/// arith.truncf does.
static npy::Array roundFromF32(const npy::Array &array, npy::DType dtype) {
  const llvm::fltSemantics &sem = dtype == npy::DType::F16
                                      ? llvm::APFloat::IEEEhalf()
                                      : llvm::APFloat::BFloat();
  npy::Array out;
  out.dtype = dtype;
  out.shape = array.shape;
  size_t n = array.data.size() / sizeof(float);
  out.data.resize(n * 2);
  for (size_t i = 0; i < n; ++i) {
    float f;
    std::memcpy(&f, array.data.data() + i * sizeof(float), sizeof(float));
    llvm::APFloat v(f);
    bool lost = false;
    v.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
    auto bits = static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue());
    std::memcpy(out.data.data() + i * 2, &bits, 2);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// JitProgram
//===----------------------------------------------------------------------===//

JitProgram::~JitProgram() = default;

llvm::Expected<std::unique_ptr<JitProgram>>
JitProgram::compile(ModuleOp module, StringRef entry,
                    const JitOptions &options) {
  MLIRContext *ctx = module.getContext();
  std::unique_ptr<JitProgram> program(new JitProgram());
  program->entryName = entry.str();

  // Capture diagnostics into the error message.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    if (!diagnostics.empty())
      os << "\n";
    Location loc = diag.getLocation();
    if (auto file = dyn_cast<FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn();
    else
      os << loc;
    os << ": "
       << (diag.getSeverity() == DiagnosticSeverity::Error ? "error: " : "")
       << diag;
    return success();
  });

  FunctionType signature;
  if (!isLLVMModule(module)) {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func)
      return makeError("no function @" + entry + " in the module");
    if (func.isExternal())
      return makeError("@" + entry + " has no body");
    if (!func.isPublic())
      return makeError("@" + entry + " is private; make it public to run it");
    signature = func.getFunctionType();
    func->setAttr(kSignatureAttrName, TypeAttr::get(signature));
    PassManager pm(ctx);
    MXLowerToLLVMOptions lowering;
    // AlignedArray buffers start on 64-byte boundaries.
    lowering.argAlignment = 64;
    if (options.threads > 0) {
      lowering.parallel = MXParallel::OpenMP;
      lowering.threads = options.threads;
    }
    buildMXLowerToLLVMPipeline(pm, lowering);
    if (failed(pm.run(module)))
      return makeError("lowering to LLVM failed:\n" + diagnostics);
  }
  auto llvmFunc = module.lookupSymbol<LLVM::LLVMFuncOp>(entry);
  if (!llvmFunc)
    return makeError("no function @" + entry + " in the module");
  if (!signature) {
    auto attr = llvmFunc->getAttrOfType<TypeAttr>(kSignatureAttrName);
    if (!attr || !isa<FunctionType>(attr.getValue()))
      return makeError("@" + entry +
                       " is already in the LLVM dialect but has no "
                       "mx.signature attribute; lower it with "
                       "--mx-lower-to-llvm (which records it)");
    signature = cast<FunctionType>(attr.getValue());
  }
  if (!module.lookupSymbol<LLVM::LLVMFuncOp>(("_mlir_ciface_" + entry).str()))
    return makeError("@" + entry + " has no C interface (_mlir_ciface_" +
                     entry + "); lower it with --mx-lower-to-llvm");

  for (Type t : signature.getInputs())
    if (auto err = appendSignatures(t, program->inputs))
      return std::move(err);
  for (Type t : signature.getResults())
    if (auto err = appendSignatures(t, program->outputs))
      return std::move(err);
  for (const TensorSignature &sig : program->outputs)
    if (llvm::any_of(sig.shape, ShapedType::isDynamic))
      return makeError("result of type " + sig.typeString +
                       " has a dynamic shape; results must have static "
                       "shapes to be returned in caller-allocated buffers");

  // AMX tiles (contract-kernels=amx) need the tile state from Linux before
  // the first tile instruction, which would fault otherwise.
  bool usesAMX = false;
  module.walk([&](LLVM::CallIntrinsicOp call) {
    StringRef name = call.getIntrin();
    if (name.starts_with("llvm.x86.tile") || name.starts_with("llvm.x86.tdp"))
      usesAMX = true;
  });
  if (usesAMX && !requestAMXTileData())
    return makeError("the program uses AMX tiles, but this process may not "
                     "(arch_prctl(ARCH_REQ_XCOMP_PERM, XTILEDATA) failed); "
                     "lower it with contract-kernels=avx512vnni");

  // Work-sharing loops (parallel=openmp) call the OpenMP runtime.
  bool usesOpenMP = false;
  module.walk([&](Operation *op) {
    if (op->getName().getDialectNamespace() == "omp") {
      usesOpenMP = true;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  StringRef openmpRuntime = MX_OPENMP_RUNTIME;
  if (usesOpenMP &&
      (openmpRuntime.empty() || !llvm::sys::fs::exists(openmpRuntime)))
    return makeError(
        "the program uses OpenMP (lowered with parallel=openmp) but the "
        "OpenMP runtime " +
        (openmpRuntime.empty()
             ? std::string("was not found at build time")
             : ("'" + openmpRuntime + "' does not exist").str()) +
        "; install Debian's libomp-dev and rebuild, or lower without "
        "parallel=openmp");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  if (usesOpenMP)
    registerOpenMPDialectTranslation(*ctx);

  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder)
    return tmBuilder.takeError();
  tmBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    return tm.takeError();
  MX_DEBUG(llvm::dbgs() << "JIT target: " << (*tm)->getTargetTriple().str()
                        << " cpu=" << (*tm)->getTargetCPU() << " features="
                        << (*tm)->getTargetFeatureString() << "\n");
  // ExecutionEngineOptions holds a function_ref: keep the callable alive.
  // The optimizer, then the rewrite of single-lane masked stores that
  // LLVM 22's x86 code generator miscompiles (MaskedStoreFixup.h).
  std::function<llvm::Error(llvm::Module *)> transformer =
      [optimize = makeOptimizingTransformer(options.optLevel, 0, tm->get())](
          llvm::Module *m) -> llvm::Error {
    if (llvm::Error err = optimize(m))
      return err;
    unsigned n = expandSingleLaneMaskedStores(*m);
    MX_DEBUG(llvm::dbgs() << "single-lane masked stores expanded: " << n
                          << "\n");
    (void)n;
    return llvm::Error::success();
  };
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  SmallVector<StringRef> libs{MX_C_RUNNER_UTILS};
  if (usesOpenMP)
    libs.push_back(openmpRuntime);
  engineOptions.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(module, engineOptions, std::move(*tm));
  if (!engine)
    return makeError(
        "JIT compilation failed: " + llvm::toString(engine.takeError()) +
        (diagnostics.empty() ? "" : "\n" + diagnostics));
  program->engine = std::move(*engine);
  // Calibration observers (convert-mx-observe-to-runtime) call into the
  // calibration runtime; without an active collector the call does nothing.
  llvm::StringMap<void *> symbols = options.symbols;
  symbols.try_emplace("mx_calibration_observe_f32",
                      CalibrationCollector::getObserveFunctionAddress());
  program->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    for (const auto &entry : symbols)
      map[interner(entry.getKey())] = {
          llvm::orc::ExecutorAddr::fromPtr(entry.getValue()),
          llvm::JITSymbolFlags::Exported};
    return map;
  });
  return program;
}

llvm::Error JitProgram::checkInputs(ArrayRef<npy::Array> arrays,
                                    ArrayRef<std::string> names) const {
  if (arrays.size() != inputs.size())
    return makeError(llvm::formatv("@{0} takes {1} input(s), got {2}",
                                   entryName, inputs.size(), arrays.size()));
  for (auto [i, array] : llvm::enumerate(arrays)) {
    const TensorSignature &sig = inputs[i];
    StringRef name = i < names.size() ? StringRef(names[i]) : StringRef();
    // Packed bytes may come as int8 or uint8.
    bool bytesOk = sig.isBytes && (array.dtype == npy::DType::I8 ||
                                   array.dtype == npy::DType::U8);
    if (array.dtype != sig.dtype && !bytesOk &&
        !isRoundedFromF32(sig.dtype, array.dtype))
      return makeError(llvm::formatv(
          "input {0} ({1}): expected dtype {2} for {3}, got {4}{5}", i, name,
          npy::dtypeName(sig.dtype), sig.typeString,
          npy::dtypeName(array.dtype),
          isHalf(sig.dtype) ? " (f16 and bf16 inputs also take float32, "
                              "rounded to nearest even; bf16 as '<V2', "
                              "ml_dtypes.bfloat16)"
                            : ""));
    bool shapeOk = array.shape.size() == sig.shape.size();
    for (size_t d = 0; shapeOk && d < sig.shape.size(); ++d)
      shapeOk =
          ShapedType::isDynamic(sig.shape[d]) || sig.shape[d] == array.shape[d];
    if (!shapeOk)
      return makeError(
          llvm::formatv("input {0} ({1}): expected shape {2} for {3}, got {4}",
                        i, name, shapeOrScalarString(sig.shape), sig.typeString,
                        shapeOrScalarString(array.shape)));
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<AlignedArray>>
JitProgram::prepareInputs(ArrayRef<npy::Array> arrays,
                          ArrayRef<std::string> names) const {
  if (auto err = checkInputs(arrays, names))
    return std::move(err);
  std::vector<AlignedArray> result;
  result.reserve(arrays.size());
  for (auto [array, sig] : llvm::zip(arrays, inputs)) {
    if (isRoundedFromF32(sig.dtype, array.dtype))
      result.emplace_back(roundFromF32(array, sig.dtype));
    else
      result.emplace_back(array);
    if (!result.back().data())
      return makeError("out of memory copying an input of type " +
                       sig.typeString);
  }
  return std::move(result);
}

llvm::Expected<std::vector<AlignedArray>> JitProgram::allocateOutputs() const {
  std::vector<AlignedArray> result;
  for (const TensorSignature &sig : outputs) {
    result.emplace_back(sig.isBytes ? npy::DType::U8 : sig.dtype, sig.shape);
    if (!result.back().data())
      return makeError("out of memory allocating a result of type " +
                       sig.typeString);
  }
  return std::move(result);
}

namespace {
/// A memref descriptor: {allocated, aligned, offset, sizes[r], strides[r]}.
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor(const AlignedArray &array) {
    ArrayRef<int64_t> shape = array.getShape();
    int64_t r = shape.size();
    words.resize(3 + 2 * r);
    auto ptr = reinterpret_cast<int64_t>(array.data());
    words[0] = ptr;
    words[1] = ptr;
    words[2] = 0;
    int64_t stride = 1;
    for (int64_t d = r - 1; d >= 0; --d) {
      words[3 + d] = shape[d];
      words[3 + r + d] = stride;
      stride *= shape[d];
    }
  }
};
} // namespace

llvm::Error JitProgram::run(ArrayRef<AlignedArray> in,
                            MutableArrayRef<AlignedArray> out) {
  if (in.size() != inputs.size() || out.size() != outputs.size())
    return makeError("wrong number of buffers for @" + entryName);
  // Buffers of another element type would be read as this one.
  for (auto [a, sig] : llvm::zip(in, inputs))
    if (a.getDType() != sig.dtype &&
        !(sig.isBytes &&
          (a.getDType() == npy::DType::I8 || a.getDType() == npy::DType::U8)))
      return makeError("an input buffer of dtype " +
                       npy::dtypeName(a.getDType()) + " for " + sig.typeString +
                       " (use prepareInputs)");
  std::vector<Descriptor> descriptors;
  descriptors.reserve(in.size() + out.size());
  for (const AlignedArray &a : in)
    descriptors.emplace_back(a);
  for (const AlignedArray &a : out)
    descriptors.emplace_back(a);
  std::vector<void *> descriptorPtrs;
  for (Descriptor &d : descriptors)
    descriptorPtrs.push_back(d.words.data());
  std::vector<void *> args;
  for (void *&p : descriptorPtrs)
    args.push_back(&p);
  return engine->invokePacked("_mlir_ciface_" + entryName, args);
}
