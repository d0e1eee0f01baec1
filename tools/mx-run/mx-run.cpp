//===- mx-run.cpp - Run a function of an MLIR file on .npy arrays ---------===//
//
// Part of mx-opt.
//
//   mx-run FILE.mlir --entry NAME --input a.npy [--input b.npy ...]
//          --output out.npy [--output ...] [--repeat N]
//          [--batches N] [--report-against ref.npy] [--labels labels.npy]
//
// FILE may be '-' for stdin. IR at any stage is accepted: unless the module
// is already in the LLVM dialect, --mx-lower-to-llvm is applied. The function
// is JIT-compiled in process at -O3 for the host CPU. --repeat N runs it N
// more times, reusing the result buffers, and prints the median on stderr.
// --batches N takes N consecutive sets of --input files, runs the entry once
// per set and concatenates each result along its first axis. --labels prints
// the top-1 accuracy of the first result against integer class labels.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"
#include "mx/Runtime/JitRunner.h"
#include "mx/Runtime/Npy.h"
#include "mx/Runtime/ToolModule.h"
#include "mx/Support/Debug.h"
#include "mx/Support/ShapeString.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

using namespace mlir;

static llvm::cl::OptionCategory mxRunCategory("mx-run options");
static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<input.mlir>"),
                                            llvm::cl::Required,
                                            llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<std::string>
    entry("entry", llvm::cl::desc("Function to run"), llvm::cl::Required,
          llvm::cl::value_desc("name"), llvm::cl::cat(mxRunCategory));
static llvm::cl::list<std::string>
    inputs("input",
           llvm::cl::desc("An argument, as a .npy file (in order; a quantized "
                          "argument takes one file per storage part)"),
           llvm::cl::value_desc("file.npy"), llvm::cl::cat(mxRunCategory));
static llvm::cl::list<std::string>
    outputs("output", llvm::cl::desc("Where to write a result (in order)"),
            llvm::cl::value_desc("file.npy"), llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<unsigned>
    repeat("repeat",
           llvm::cl::desc("Run N more times, reusing the result buffers, and "
                          "print the median time on stderr"),
           llvm::cl::init(0), llvm::cl::value_desc("N"),
           llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<unsigned>
    optLevel("O", llvm::cl::desc("JIT optimization level"), llvm::cl::init(3),
             llvm::cl::Prefix, llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<unsigned> threads(
    "omp-threads",
    llvm::cl::desc("When mx-run lowers the module: run the loops marked "
                   "parallel on N OpenMP threads (--mx-lower-to-llvm="
                   "\"parallel=openmp threads=N\"; needs libomp). 0: one "
                   "thread"),
    llvm::cl::init(0), llvm::cl::value_desc("N"), llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<std::string> reportAgainst(
    "report-against",
    llvm::cl::desc("Compare the first f32 result with this .npy (for example "
                   "an FP32 run) and print SQNR and error figures"),
    llvm::cl::value_desc("ref.npy"), llvm::cl::cat(mxRunCategory));

static llvm::cl::opt<unsigned> batches(
    "batches",
    llvm::cl::desc("The --input files are N consecutive sets of arguments: "
                   "run once per set and concatenate each result along its "
                   "first axis"),
    llvm::cl::init(1), llvm::cl::value_desc("N"), llvm::cl::cat(mxRunCategory));
static llvm::cl::opt<std::string> labelsFile(
    "labels",
    llvm::cl::desc("Integer class labels for the rows of the first result "
                   "(its shape without the last axis): print the top-1 "
                   "accuracy of the argmax along the last axis"),
    llvm::cl::value_desc("labels.npy"), llvm::cl::cat(mxRunCategory));

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "mx-run") << msg << "\n";
  return 1;
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  return "(" + mx::shapeString(shape) + ")";
}

/// Reads label `i` of an integer array as int64.
static int64_t labelAt(const mx::npy::Array &labels, size_t i) {
  const uint8_t *p = labels.data.data();
  switch (labels.dtype) {
  case mx::npy::DType::I8:
    return reinterpret_cast<const int8_t *>(p)[i];
  case mx::npy::DType::U8:
    return p[i];
  case mx::npy::DType::I16:
    return reinterpret_cast<const int16_t *>(p)[i];
  case mx::npy::DType::I32:
    return reinterpret_cast<const int32_t *>(p)[i];
  default:
    return reinterpret_cast<const int64_t *>(p)[i];
  }
}

/// Appends `next` to `acc` along the first axis (same dtype and trailing
/// shape, which holds for results of one entry).
static llvm::Error concatenate(mx::npy::Array &acc,
                               const mx::npy::Array &next) {
  if (acc.shape.empty())
    return llvm::createStringError(
        "--batches needs results of rank 1 or more to concatenate");
  acc.shape[0] += next.shape[0];
  acc.data.insert(acc.data.end(), next.data.begin(), next.data.end());
  return llvm::Error::success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mx::registerDebugOptions();
  llvm::cl::HideUnrelatedOptions(mxRunCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "mx-run: run a function of an MLIR file on .npy arrays\n");
  if (optLevel > 3)
    return fail("-O must be 0 to 3");
  if (batches == 0)
    return fail("--batches must be at least 1");

  DialectRegistry registry;
  mx::registerToolDialects(registry);
  MLIRContext context(registry);

  mx::ToolModule source;
  std::string errorMessage;
  // An empty message: the parser printed the diagnostic.
  if (failed(source.parse(inputFile, context, errorMessage)))
    return errorMessage.empty() ? 1 : fail(errorMessage);
  OwningOpRef<ModuleOp> &module = source.module;

  // Read the inputs first: bad files fail fast, before compiling.
  auto read = mx::npy::readFiles(inputs);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  std::vector<mx::npy::Array> arrays = std::move(*read);
  std::optional<mx::npy::Array> labels;
  if (!labelsFile.empty()) {
    auto array = mx::npy::readFile(labelsFile);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    switch (array->dtype) {
    case mx::npy::DType::I8:
    case mx::npy::DType::U8:
    case mx::npy::DType::I16:
    case mx::npy::DType::I32:
    case mx::npy::DType::I64:
      break;
    default:
      return fail(labelsFile +
                  ": expected integer class labels (int8, uint8, int16, "
                  "int32 or int64), got " +
                  mx::npy::dtypeName(array->dtype));
    }
    labels = std::move(*array);
  }

  mx::JitOptions jitOptions;
  jitOptions.optLevel = optLevel;
  jitOptions.threads = threads;
  auto program = mx::JitProgram::compile(*module, entry, jitOptions);
  if (!program)
    return fail(llvm::toString(program.takeError()));
  size_t numInputs = (*program)->getInputs().size();
  if (batches > 1 && arrays.size() != batches * numInputs)
    return fail("@" + entry + " takes " + llvm::Twine(numInputs) +
                " input(s): --batches " + llvm::Twine(batches) + " needs " +
                llvm::Twine(batches * numInputs) + " --input file(s), got " +
                llvm::Twine(arrays.size()));
  if (batches == 1) // With --batches, each set is checked below.
    if (auto err = (*program)->checkInputs(arrays, inputs))
      return fail(llvm::toString(std::move(err)));
  if (!outputs.empty() && outputs.size() != (*program)->getOutputs().size())
    return fail("@" + entry + " returns " +
                llvm::Twine((*program)->getOutputs().size()) +
                " result(s), but " + llvm::Twine(outputs.size()) +
                " --output file(s) were given");
  if (batches > 1)
    for (const mx::TensorSignature &sig : (*program)->getOutputs())
      if (sig.shape.empty())
        return fail("--batches needs results of rank 1 or more to "
                    "concatenate along the first axis");

  // One run per set of inputs; results concatenated along the first axis.
  std::vector<mx::AlignedArray> in;
  llvm::SmallVector<mx::npy::Array> results;
  auto out = (*program)->allocateOutputs();
  if (!out)
    return fail(llvm::toString(out.takeError()));
  for (unsigned b = 0; b < batches; ++b) {
    auto prepared = (*program)->prepareInputs(
        llvm::ArrayRef(arrays).slice(b * numInputs, numInputs),
        llvm::ArrayRef<std::string>(inputs).slice(b * numInputs, numInputs));
    if (!prepared)
      return fail(
          (batches > 1 ? "input set " + llvm::Twine(b) + ": " : llvm::Twine()) +
          llvm::toString(prepared.takeError()));
    in = std::move(*prepared);
    if (auto err = (*program)->run(in, *out))
      return fail(llvm::toString(std::move(err)));
    for (auto [i, result] : llvm::enumerate(*out)) {
      if (b == 0) {
        results.push_back(result.toNpy());
        continue;
      }
      if (auto err = concatenate(results[i], result.toNpy()))
        return fail(llvm::toString(std::move(err)));
    }
  }
  for (auto [path, result] : llvm::zip(outputs, results))
    if (auto err = mx::npy::writeFile(path, result))
      return fail(llvm::toString(std::move(err)));

  if (!reportAgainst.empty()) {
    if (results.empty() || results.front().dtype != mx::npy::DType::F32)
      return fail("--report-against needs a first result of type f32");
    auto ref = mx::npy::readFile(reportAgainst);
    if (!ref)
      return fail(llvm::toString(ref.takeError()));
    if (ref->dtype != mx::npy::DType::F32 ||
        ref->shape != results.front().shape)
      return fail(reportAgainst + ": expected float32 of the result's shape");
    const float *got =
        reinterpret_cast<const float *>(results.front().data.data());
    const float *want = reinterpret_cast<const float *>(ref->data.data());
    size_t n = ref->data.size() / sizeof(float);
    double signal = 0, noise = 0, maxErr = 0;
    size_t argmaxAgree = 0, rows = 0;
    for (size_t i = 0; i < n; ++i) {
      double d = (double)got[i] - (double)want[i];
      signal += (double)want[i] * want[i];
      noise += d * d;
      maxErr = std::max(maxErr, std::fabs(d));
    }
    // Top-1 agreement along the last axis (for logits).
    int64_t last = ref->shape.empty() ? 1 : ref->shape.back();
    if (last > 1)
      for (size_t r = 0; r + last <= n; r += last, ++rows)
        argmaxAgree += std::max_element(got + r, got + r + last) - got ==
                       std::max_element(want + r, want + r + last) - want;
    double sqnr = noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
    llvm::outs() << llvm::format("sqnr: %.2f dB\nmax-abs-err: %.6g\n", sqnr,
                                 maxErr);
    if (rows)
      llvm::outs() << llvm::format("top1-agreement: %.4f\n",
                                   (double)argmaxAgree / rows);
  }

  if (labels) {
    if (results.empty() || results.front().dtype != mx::npy::DType::F32 ||
        results.front().shape.empty())
      return fail("--labels needs a first result of type f32 with at least "
                  "one axis (the classes)");
    const mx::npy::Array &logits = results.front();
    llvm::ArrayRef<int64_t> rowShape = llvm::ArrayRef(logits.shape).drop_back();
    if (labels->shape != llvm::SmallVector<int64_t>(rowShape))
      return fail(labelsFile + ": expected shape " + shapeString(rowShape) +
                  " (the first result's shape without its last axis), got " +
                  shapeString(labels->shape));
    int64_t classes = logits.shape.back();
    const float *data = reinterpret_cast<const float *>(logits.data.data());
    int64_t rows = labels->numElements(), correct = 0;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t label = labelAt(*labels, r);
      if (label < 0 || label >= classes)
        return fail(labelsFile + ": label " + llvm::Twine(label) +
                    " at index " + llvm::Twine(r) + " is not a class in [0, " +
                    llvm::Twine(classes) + ")");
      const float *row = data + r * classes;
      correct += std::max_element(row, row + classes) - row == label;
    }
    llvm::outs() << llvm::format("top1-accuracy: %.4f (%lld/%lld)\n",
                                 rows ? (double)correct / rows : 0.0,
                                 (long long)correct, (long long)rows);
  }

  if (repeat > 0) {
    std::vector<double> times;
    for (unsigned i = 0; i < repeat; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (auto err = (*program)->run(in, *out))
        return fail(llvm::toString(std::move(err)));
      auto stop = std::chrono::steady_clock::now();
      times.push_back(
          std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(times.begin(), times.end());
    size_t n = times.size();
    double median =
        n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    llvm::errs() << llvm::format("median: %.4f ms\n", median);
  }
  return 0;
}
