//===- mx-calibrate.cpp - Collect INT8 calibration statistics -------------===//
//
// Part of mx-opt.
//
//   mx-calibrate MODEL.mlir --entry NAME --input calib.npy [--input DIR ...]
//                [--input K=FILE|DIR ...] [--fixed-input w.npy ...]
//                -o table.json [--all]
//                [--bins N] [--channel-axis A] [--plot-dir DIR]
//                [--trt-cache-out F] [--tpu-table-out F] [--method M]
//   mx-calibrate --merge a.json b.json ... -o all.json
//   mx-calibrate --convert cache.txt [--trt-cache-out F] [--tpu-table-out F]
//
// Instruments the model (mx-instrument-calibration), lowers the observers to
// calls of the calibration runtime, compiles the model with the CPU pipeline
// and runs it once per batch; the statistics are collected in compiled C++
// (lib/Runtime/CalibrationRuntime.cpp). See docs/Calibration.md.
//
//===----------------------------------------------------------------------===//

#include "Plot.h"

#include "mx/Conversion/MXObserveToRuntime/MXObserveToRuntime.h"
#include "mx/Dialect/MX/IR/MXOps.h"
#include "mx/Dialect/MX/Transforms/Passes.h"
#include "mx/InitMX.h"
#include "mx/Runtime/CalibrationRuntime.h"
#include "mx/Runtime/JitRunner.h"
#include "mx/Runtime/Npy.h"
#include "mx/Runtime/ToolModule.h"
#include "mx/Support/CalibrationCache.h"
#include "mx/Support/CalibrationTable.h"
#include "mx/Support/Debug.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <map>

using namespace mlir;

static llvm::cl::OptionCategory category("mx-calibrate options");
static llvm::cl::list<std::string>
    positional(llvm::cl::Positional,
               llvm::cl::desc("<model.mlir> | --merge <table.json>..."),
               llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    entry("entry", llvm::cl::desc("Function to run on every batch"),
          llvm::cl::value_desc("name"), llvm::cl::cat(category));
static llvm::cl::list<std::string> inputs(
    "input",
    llvm::cl::desc("Calibration batches of an argument of the entry: "
                   "K=PATH for argument K (0-based), PATH alone for argument "
                   "0; PATH is a .npy file (one batch) or a directory whose "
                   ".npy files are batches (in name order). Repeat it to add "
                   "batches; every such argument needs the same number"),
    llvm::cl::value_desc("[K=]file.npy|dir"), llvm::cl::cat(category));
static llvm::cl::list<std::string> fixedInputs(
    "fixed-input",
    llvm::cl::desc("The entry's other arguments (those without --input), in "
                   "order, the same for every batch"),
    llvm::cl::value_desc("file.npy"), llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    outputFile("o", llvm::cl::desc("Where to write the JSON table"),
               llvm::cl::value_desc("table.json"), llvm::cl::cat(category));
static llvm::cl::opt<bool>
    all("all",
        llvm::cl::desc("Observe every f32, f16 and bf16 activation, not "
                       "only the tensors quantizations will quantize"),
        llvm::cl::cat(category));
static llvm::cl::opt<unsigned>
    numBins("bins", llvm::cl::desc("Histogram bins (entropy needs >= 128)"),
            llvm::cl::init(2048), llvm::cl::cat(category));
static llvm::cl::opt<int64_t> channelAxis(
    "channel-axis",
    llvm::cl::desc("Also record the absolute maximum of every index of this "
                   "axis of each observed tensor (-1: none)"),
    llvm::cl::init(-1), llvm::cl::cat(category));
static llvm::cl::opt<std::string> quantizeOptions(
    "quantize-options",
    llvm::cl::desc("Options of --mx-quantize, applied first when the model has "
                   "no named (static) quantization; use the options you will "
                   "quantize the model with, so that the names agree"),
    llvm::cl::init("format=int8 activations=static"), llvm::cl::cat(category));
static llvm::cl::opt<bool>
    merge("merge",
          llvm::cl::desc("Merge the JSON tables given as positional arguments "
                         "(calibration shards) exactly"),
          llvm::cl::cat(category));
static llvm::cl::opt<std::string> convert(
    "convert",
    llvm::cl::desc("Read a TensorRT calibration cache or tpu-mlir threshold "
                   "table and write it with --trt-cache-out / --tpu-table-out"),
    llvm::cl::value_desc("file"), llvm::cl::cat(category));
static llvm::cl::opt<std::string> trtCacheOut(
    "trt-cache-out",
    llvm::cl::desc("Also write the scales as a TensorRT calibration cache"),
    llvm::cl::value_desc("file"), llvm::cl::cat(category));
static llvm::cl::opt<std::string> tpuTableOut(
    "tpu-table-out",
    llvm::cl::desc("Also write the thresholds as a tpu-mlir calibration table"),
    llvm::cl::value_desc("file"), llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    method("method",
           llvm::cl::desc("Threshold method for --trt-cache-out and "
                          "--tpu-table-out: max, percentile, entropy, mse"),
           llvm::cl::init("entropy"), llvm::cl::cat(category));
static llvm::cl::opt<double>
    percentile("percentile",
               llvm::cl::desc("The percentile of method=percentile and of "
                              "the plots"),
               llvm::cl::init(99.99), llvm::cl::cat(category));
static llvm::cl::opt<std::string> plotDir(
    "plot-dir",
    llvm::cl::desc("Write one SVG per tensor (histogram and the threshold of "
                   "every method) and an index.html into this directory"),
    llvm::cl::value_desc("dir"), llvm::cl::cat(category));
static llvm::cl::opt<bool> progress(
    "progress",
    llvm::cl::desc("Show a progress bar on stderr (default: when stderr is a "
                   "terminal)"),
    llvm::cl::init(llvm::sys::Process::StandardErrIsDisplayed()),
    llvm::cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "mx-calibrate") << msg << "\n";
  return 1;
}

static void warn(const llvm::Twine &msg) {
  llvm::WithColor::warning(llvm::errs(), "mx-calibrate") << msg << "\n";
}

static llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

static llvm::Error writeText(llvm::StringRef path, llvm::StringRef text) {
  std::string message;
  auto out = openOutputFile(path, &message);
  if (!out)
    return makeError(message);
  out->os() << text;
  out->keep();
  return llvm::Error::success();
}

/// Splits `--input K=PATH` into K and PATH (K = 0 without a prefix; a
/// prefix that is not a number is part of the path).
static std::pair<unsigned, std::string> splitInput(llvm::StringRef in) {
  auto [prefix, rest] = in.split('=');
  unsigned k = 0;
  if (!rest.empty() && !prefix.empty() && llvm::all_of(prefix, llvm::isDigit) &&
      !prefix.getAsInteger(10, k))
    return {k, rest.str()};
  return {0, in.str()};
}

/// The batch files of every argument with --input, by argument index: every
/// file, and the .npy files of every directory in name order.
static llvm::Expected<std::map<unsigned, std::vector<std::string>>>
collectBatches() {
  std::map<unsigned, std::vector<std::string>> byArg;
  for (const std::string &spec : inputs) {
    auto [arg, in] = splitInput(spec);
    if (arg > 4096)
      return makeError("--input " + spec + ": argument index " +
                       llvm::Twine(arg) + " is out of range");
    std::vector<std::string> &files = byArg[arg];
    if (!llvm::sys::fs::is_directory(in)) {
      if (!llvm::sys::fs::exists(in))
        return makeError(in + ": no such file or directory");
      files.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(in, ec), end; it != end && !ec;
         it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".npy")
        found.push_back(it->path());
    if (ec)
      return makeError(in + ": cannot list the directory: " + ec.message());
    if (found.empty())
      return makeError(in + ": the directory holds no .npy files");
    llvm::sort(found);
    llvm::append_range(files, found);
  }
  if (byArg.empty())
    return makeError("give calibration data with --input FILE.npy or "
                     "--input DIR (--input K=... for argument K)");
  // Every argument fed per batch has the same number of batches.
  auto first = byArg.begin();
  for (const auto &[arg, files] : byArg)
    if (files.size() != first->second.size())
      return makeError(
          "argument " + llvm::Twine(first->first) + " has " +
          llvm::Twine(first->second.size()) + " batch(es) but argument " +
          llvm::Twine(arg) + " has " + llvm::Twine(files.size()) +
          " (every argument given with --input needs one file per batch)");
  // The arguments are the per-batch ones and the fixed ones, in order.
  unsigned numArgs = byArg.size() + fixedInputs.size();
  for (const auto &[arg, files] : byArg)
    if (arg >= numArgs)
      return makeError(
          "--input " + llvm::Twine(arg) + "=...: argument " + llvm::Twine(arg) +
          " does not exist: " + llvm::Twine(byArg.size()) +
          " argument(s) with --input and " + llvm::Twine(fixedInputs.size()) +
          " with --fixed-input make " + llvm::Twine(numArgs) +
          " (arguments are numbered from 0)");
  return byArg;
}

namespace {
/// A one-line progress bar on stderr.
struct ProgressBar {
  size_t total;
  bool enabled;
  void update(size_t done) {
    if (!enabled)
      return;
    const size_t width = 40;
    size_t filled = total ? done * width / total : width;
    llvm::errs() << "\r[" << std::string(filled, '=')
                 << std::string(width - filled, ' ') << "] " << done << "/"
                 << total << " batches";
    if (done == total)
      llvm::errs() << "\n";
    llvm::errs().flush();
  }
};
} // namespace

/// The outputs computed from a table: TensorRT cache, tpu-mlir table, plots.
static int writeDerivedOutputs(const mx::CalibrationTable &table) {
  if (!trtCacheOut.empty() || !tpuTableOut.empty()) {
    std::optional<mx::CalibrationMethod> m =
        mx::symbolizeCalibrationMethod(method);
    if (!m)
      return fail("unknown --method '" + method +
                  "'; expected max, percentile, entropy or mse");
    auto scales = mx::scaleTableFromStatistics(table, *m, percentile);
    if (!scales)
      return fail(llvm::toString(scales.takeError()));
    if (!trtCacheOut.empty())
      if (auto err = writeText(trtCacheOut, mx::printTensorRTCache(*scales)))
        return fail(llvm::toString(std::move(err)));
    if (!tpuTableOut.empty())
      if (auto err = writeText(
              tpuTableOut,
              mx::printTpuMlirTable(*scales, "mx-calibrate method=" + method)))
        return fail(llvm::toString(std::move(err)));
  }
  if (!plotDir.empty())
    if (auto err = mx::writeCalibrationPlots(table, plotDir, percentile))
      return fail(llvm::toString(std::move(err)));
  return 0;
}

static int writeTable(const mx::CalibrationTable &table) {
  if (outputFile.empty())
    return fail("give the output table with -o FILE.json");
  if (auto err = writeText(outputFile, mx::printCalibrationTable(table)))
    return fail(llvm::toString(std::move(err)));
  return writeDerivedOutputs(table);
}

static int runMerge() {
  if (positional.empty())
    return fail("--merge needs the tables to merge");
  mx::CalibrationTable merged;
  for (const std::string &path : positional) {
    auto table = mx::readCalibrationTable(path);
    if (!table)
      return fail(llvm::toString(table.takeError()));
    for (auto &entry : *table) {
      auto [it, inserted] = merged.try_emplace(entry.getKey(), entry.second);
      if (inserted)
        continue;
      if (auto err = it->second.merge(entry.second))
        return fail(path + ": tensor '" + entry.getKey() +
                    "': " + llvm::toString(std::move(err)));
    }
  }
  return writeTable(merged);
}

static int runConvert() {
  auto scales = mx::readScaleTable(convert);
  if (!scales)
    return fail(llvm::toString(scales.takeError()));
  if (trtCacheOut.empty() && tpuTableOut.empty())
    return fail("--convert needs --trt-cache-out or --tpu-table-out");
  if (!trtCacheOut.empty())
    if (auto err = writeText(trtCacheOut, mx::printTensorRTCache(*scales)))
      return fail(llvm::toString(std::move(err)));
  if (!tpuTableOut.empty())
    if (auto err = writeText(tpuTableOut,
                             mx::printTpuMlirTable(*scales, "from " + convert)))
      return fail(llvm::toString(std::move(err)));
  return 0;
}

static int runCalibration() {
  if (positional.size() != 1)
    return fail("give exactly one model file (or --merge TABLES...)");
  if (entry.empty())
    return fail("give the function to run with --entry NAME");
  if (outputFile.empty())
    return fail("give the output table with -o FILE.json");
  if (numBins == 0)
    return fail("--bins must be positive");
  if (channelAxis < -1)
    return fail("--channel-axis must be >= 0 (or -1 for none)");

  // Read every input first: bad files fail before compiling.
  auto batchFiles = collectBatches();
  if (!batchFiles)
    return fail(llvm::toString(batchFiles.takeError()));
  size_t numBatches = batchFiles->begin()->second.size();
  auto fixed = mx::npy::readFiles(fixedInputs);
  if (!fixed)
    return fail(llvm::toString(fixed.takeError()));

  DialectRegistry registry;
  mx::registerToolDialects(registry);
  MLIRContext context(registry);

  mx::ToolModule source;
  std::string errorMessage;
  // An empty message: the parser printed the diagnostic.
  if (failed(source.parse(positional.front(), context, errorMessage)))
    return errorMessage.empty() ? 1 : fail(errorMessage);
  OwningOpRef<ModuleOp> &module = source.module;
  if (!module->lookupSymbol(entry))
    return fail("no function @" + entry + " in " + positional.front());

  // Quantize first when the model has no named quantization.
  bool hasNamed = false;
  module->walk([&](mx::QuantizeOp q) {
    if (q.getCalibration())
      hasNamed = true;
  });
  PassManager pm(&context);
  if (!hasNamed) {
    std::string pipeline = "mx-quantize{" + quantizeOptions + "}";
    if (failed(parsePassPipeline(pipeline, pm)))
      return fail("invalid --quantize-options '" + quantizeOptions + "'");
  }
  mx::MXInstrumentCalibrationOptions instrument;
  instrument.all = all;
  instrument.channelAxis = channelAxis;
  pm.addPass(mx::createMXInstrumentCalibration(instrument));
  pm.addPass(mx::createConvertMXObserveToRuntime());
  if (failed(pm.run(*module)))
    return 1; // The passes printed the diagnostic.
  auto names = mx::getCalibrationTensorNames(*module);
  if (failed(names))
    return fail("no tensor to calibrate in " + positional.front() +
                ": no static quantization (mx.quantize with a calibration "
                "name) and no --all");

  mx::CalibrationCollector collector(*names, numBins);
  // The JIT resolves the observers' runtime function (JitRunner.cpp).
  auto program = mx::JitProgram::compile(*module, entry);
  if (!program)
    return fail(llvm::toString(program.takeError()));
  auto out = (*program)->allocateOutputs();
  if (!out)
    return fail(llvm::toString(out.takeError()));

  ProgressBar bar{numBatches, progress};
  bar.update(0);
  collector.activate();
  for (size_t i = 0; i < numBatches; ++i) {
    // Argument k: batch i of its --input files, or the next fixed input.
    std::vector<mx::npy::Array> arrays;
    std::vector<std::string> argNames;
    size_t nextFixed = 0;
    unsigned numArgs = batchFiles->size() + fixed->size();
    for (unsigned k = 0; k < numArgs; ++k) {
      auto it = batchFiles->find(k);
      if (it == batchFiles->end()) {
        arrays.push_back((*fixed)[nextFixed]);
        argNames.push_back(fixedInputs[nextFixed++]);
        continue;
      }
      const std::string &file = it->second[i];
      auto batch = mx::npy::readFile(file);
      if (!batch)
        return fail(llvm::toString(batch.takeError()));
      arrays.push_back(std::move(*batch));
      argNames.push_back(file);
    }
    // Batch i, named by its files in diagnostics.
    std::string path;
    for (const auto &[arg, files] : *batchFiles)
      path += (path.empty() ? "" : ", ") + files[i];
    auto in = (*program)->prepareInputs(arrays, argNames);
    if (!in)
      return fail(path + ": " + llvm::toString(in.takeError()));
    if (auto err = (*program)->run(*in, *out))
      return fail(path + ": " + llvm::toString(std::move(err)));
    if (auto err = collector.takeError())
      return fail(path + ": " + llvm::toString(std::move(err)));
    bar.update(i + 1);
  }
  collector.deactivate();

  mx::CalibrationTable table = collector.getTable();
  for (const std::string &name : *names) {
    auto it = table.find(name);
    if (it == table.end() || it->second.count != 0)
      continue;
    warn("tensor '" + name + "' " +
         (it->second.nonFinite ? "held only NaN or Inf values"
                               : "was never reached from @" + entry) +
         "; it is left out of the table");
    table.erase(it);
  }
  return writeTable(table);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mx::registerDebugOptions();
  mx::registerMXPasses();
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "mx-calibrate: collect INT8 calibration statistics of a model\n");
  if (merge)
    return runMerge();
  if (!convert.empty())
    return runConvert();
  return runCalibration();
}
