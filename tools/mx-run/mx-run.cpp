//===- mx-run.cpp - Run a function of an MLIR file on .npy arrays ---------===//
//
// Part of mx-opt.
//
//   mx-run FILE.mlir --entry NAME --input a.npy [--input b.npy ...]
//          --output out.npy [--output ...] [--repeat N]
//
// FILE may be '-' for stdin. IR at any stage is accepted: unless the module
// is already in the LLVM dialect, --mx-lower-to-llvm is applied. The function
// is JIT-compiled in process at -O3 for the host CPU. --repeat N runs it N
// more times, reusing the result buffers, and prints the median on stderr.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"
#include "mx/Runtime/JitRunner.h"
#include "mx/Runtime/Npy.h"
#include "mx/Support/Debug.h"

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
static llvm::cl::opt<std::string> reportAgainst(
    "report-against",
    llvm::cl::desc("Compare the first f32 result with this .npy (for example "
                   "an FP32 run) and print SQNR and error figures"),
    llvm::cl::value_desc("ref.npy"), llvm::cl::cat(mxRunCategory));

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "mx-run") << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mx::registerDebugOptions();
  llvm::cl::HideUnrelatedOptions(mxRunCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "mx-run: run a function of an MLIR file on .npy arrays\n");
  if (optLevel > 3)
    return fail("-O must be 0 to 3");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  mx::registerMXDialect(registry);
  MLIRContext context(registry);

  std::string errorMessage;
  auto file = openInputFile(inputFile, &errorMessage);
  if (!file)
    return fail(errorMessage);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // The parser printed the diagnostic.

  // Read the inputs first: bad files fail fast, before compiling.
  std::vector<mx::npy::Array> arrays;
  for (const std::string &path : inputs) {
    auto array = mx::npy::readFile(path);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    arrays.push_back(std::move(*array));
  }

  auto program = mx::JitProgram::compile(*module, entry, {optLevel});
  if (!program)
    return fail(llvm::toString(program.takeError()));
  if (auto err = (*program)->checkInputs(arrays, inputs))
    return fail(llvm::toString(std::move(err)));
  if (!outputs.empty() && outputs.size() != (*program)->getOutputs().size())
    return fail("@" + entry + " returns " +
                llvm::Twine((*program)->getOutputs().size()) +
                " result(s), but " + llvm::Twine(outputs.size()) +
                " --output file(s) were given");

  std::vector<mx::AlignedArray> in;
  for (const mx::npy::Array &a : arrays) {
    in.emplace_back(a);
    if (!in.back().data())
      return fail("out of memory copying an input");
  }
  auto out = (*program)->allocateOutputs();
  if (!out)
    return fail(llvm::toString(out.takeError()));

  if (auto err = (*program)->run(in, *out))
    return fail(llvm::toString(std::move(err)));
  for (auto [path, result] : llvm::zip(outputs, *out))
    if (auto err = mx::npy::writeFile(path, result.toNpy()))
      return fail(llvm::toString(std::move(err)));

  if (!reportAgainst.empty()) {
    if (out->empty() || out->front().getDType() != mx::npy::DType::F32)
      return fail("--report-against needs a first result of type f32");
    auto ref = mx::npy::readFile(reportAgainst);
    if (!ref)
      return fail(llvm::toString(ref.takeError()));
    if (ref->dtype != mx::npy::DType::F32 ||
        ref->shape != llvm::SmallVector<int64_t>(out->front().getShape()))
      return fail(reportAgainst + ": expected float32 of the result's shape");
    const float *got = static_cast<const float *>(out->front().data());
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
