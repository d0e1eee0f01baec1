//===- mx-bench.cpp - Throughput of the mx kernels against a copy ---------===//
//
// Part of mx-opt.
//
//   mx-bench [--rows R] [--cols C] [--repeat N] [--quick]
//            [--filter SUBSTR] [--json PATH]
//
// Measures, single-threaded, how fast the JIT-compiled mx kernels go through
// an R x C f32 array (4096 x 4096 by default), relative to a plain copy of
// the same array measured in the same run. For every format preset and every
// op in the op table below, the tool writes a one-function MLIR module,
// compiles it with mx::JitProgram (the same path as mx-run), runs it once to
// warm up, then N more times, and reports the median. Throughput is always
// R * C * 4 bytes of f32 data divided by the median time, for the copy too,
// so "ratio vs copy" is simply copy time / kernel time.
//
// Results go to stdout as a table and to a JSON file with machine details.
// See bench/README.md.
//
//===----------------------------------------------------------------------===//

#include "mx/InitMX.h"
#include "mx/Runtime/JitRunner.h"
#include "mx/Support/Debug.h"
#include "mx/Support/Format.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mlir;

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

static llvm::cl::OptionCategory benchCategory("mx-bench options");

static llvm::cl::opt<int64_t> rowsOpt("rows",
                                      llvm::cl::desc("Rows of the array"),
                                      llvm::cl::init(4096),
                                      llvm::cl::cat(benchCategory));
static llvm::cl::opt<int64_t> colsOpt(
    "cols",
    llvm::cl::desc("Columns of the array (the block axis; a multiple of 32 "
                   "suits every preset)"),
    llvm::cl::init(4096), llvm::cl::cat(benchCategory));
static llvm::cl::opt<unsigned>
    repeatOpt("repeat",
              llvm::cl::desc("Timed runs after the warm-up (median reported)"),
              llvm::cl::init(10), llvm::cl::value_desc("N"),
              llvm::cl::cat(benchCategory));
static llvm::cl::opt<bool> quickOpt(
    "quick",
    llvm::cl::desc("Smoke-test mode: 64x256 and 3 runs unless --rows, --cols "
                   "or --repeat are given"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string>
    filterOpt("filter",
              llvm::cl::desc("Only run kernels whose 'format/op' name "
                             "contains SUBSTR; a leading '^' anchors it at "
                             "the start (the copy always runs)"),
              llvm::cl::value_desc("SUBSTR"), llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string>
    jsonOpt("json", llvm::cl::desc("Where to write the JSON results"),
            llvm::cl::init("bench-results.json"), llvm::cl::value_desc("PATH"),
            llvm::cl::cat(benchCategory));
static llvm::cl::opt<bool> includeUnloweredOpt(
    "include-unlowered",
    llvm::cl::desc("Also try the ops marked as not lowered yet (they are "
                   "reported n/a otherwise)"),
    llvm::cl::cat(benchCategory));

static constexpr uint64_t kSeed = 0x6d782d62656e6368; // "mx-bench"

//===----------------------------------------------------------------------===//
// The op table
//===----------------------------------------------------------------------===//

namespace {
/// What one generator needs to write its module.
struct KernelShape {
  llvm::StringRef format;
  int64_t rows, cols;

  std::string f32Type() const {
    return llvm::formatv("tensor<{0}x{1}xf32>", rows, cols).str();
  }
  /// The quantized tensor type for `format` along the last axis.
  std::string quantizedType() const {
    std::optional<mx::FormatSpec> spec = mx::FormatSpec::getPreset(format);
    bool perTensor = spec && spec->granularity == mx::Granularity::Tensor;
    std::string axis = perTensor ? "" : ", axis = 1";
    return llvm::formatv("tensor<{0}x{1}x!mx.q<{2}{3}>>", rows, cols, format,
                         axis)
        .str();
  }
};

/// One benchmarked op. Every entry runs once per format preset.
struct OpKind {
  /// The name in the table and JSON.
  llvm::StringRef name;
  /// Writes a module whose public function @f is the kernel.
  std::function<std::string(const KernelShape &)> generate;
  /// Empty: @f takes the f32 input array. Otherwise the name of an earlier
  /// op whose results, for the same format, are @f's arguments.
  llvm::StringRef inputsFrom;
  /// Non-empty: the op does not lower yet; it is reported "n/a" with this
  /// reason unless --include-unlowered is given.
  llvm::StringRef notLowered;
};
} // namespace

static const std::vector<OpKind> &opTable() {
  static const std::vector<OpKind> table = {
      {"fake_quant",
       [](const KernelShape &k) {
         std::string t = k.f32Type();
         return llvm::formatv(R"(func.func @f(%x: {0}) -> {0} {{
  %y = mx.fake_quant %x {{format = "{1}"} : {0}
  return %y : {0}
}
)",
                              t, k.format)
             .str();
       },
       "", ""},
      {"quantize",
       [](const KernelShape &k) {
         return llvm::formatv(R"(func.func @f(%x: {0}) -> {1} {{
  %q = mx.quantize %x : {0} -> {1}
  return %q : {1}
}
)",
                              k.f32Type(), k.quantizedType())
             .str();
       },
       "", ""},
      {"dequantize",
       [](const KernelShape &k) {
         return llvm::formatv(R"(func.func @f(%q: {1}) -> {0} {{
  %y = mx.dequantize %q : {1} -> {0}
  return %y : {0}
}
)",
                              k.f32Type(), k.quantizedType())
             .str();
       },
       "quantize", ""},
  };
  return table;
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static void warn(const llvm::Twine &msg) {
  llvm::WithColor::warning(llvm::errs(), "mx-bench") << msg << "\n";
}

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "mx-bench") << msg << "\n";
  return 1;
}

static double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

/// Runs `body` once to warm up, then `repeat` times; returns the median in
/// milliseconds, or the first error. `warmupMs`, if given, receives the time
/// of the warm-up run (for a JIT kernel it includes code generation).
static llvm::Expected<double> medianMs(unsigned repeat,
                                       llvm::function_ref<llvm::Error()> body,
                                       double *warmupMs = nullptr) {
  auto first = std::chrono::steady_clock::now();
  if (llvm::Error err = body())
    return std::move(err);
  if (warmupMs)
    *warmupMs = msSince(first);
  std::vector<double> times;
  times.reserve(repeat);
  for (unsigned i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err = body())
      return std::move(err);
    times.push_back(msSince(start));
  }
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  return n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
}

/// Fills `array` (f32) with N(0, 1) samples from a fixed seed; subnormals,
/// zeros, infinities and NaNs are redrawn so every value is a normal float.
static void fillGaussian(mx::AlignedArray &array) {
  std::mt19937_64 engine(kSeed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto *data = static_cast<float *>(array.data());
  size_t n = array.sizeInBytes() / sizeof(float);
  for (size_t i = 0; i < n; ++i) {
    float v;
    do
      v = normal(engine);
    while (!std::isnormal(v));
    data[i] = v;
  }
}

/// The "model name" line of /proc/cpuinfo, or the LLVM host CPU name.
static std::string cpuModel() {
  auto buffer = llvm::MemoryBuffer::getFileAsStream("/proc/cpuinfo");
  if (buffer) {
    llvm::SmallVector<llvm::StringRef> lines;
    (*buffer)->getBuffer().split(lines, '\n');
    for (llvm::StringRef line : lines) {
      auto [key, value] = line.split(':');
      if (key.trim() == "model name")
        return value.trim().str();
    }
  }
  return llvm::sys::getHostCPUName().str();
}

static std::string utcDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

/// Relative RMS error of a round-tripped array against the input: a sanity
/// check that the kernel did its work (0 would mean it copied, NaN or a
/// large value that it produced garbage).
static double relativeRmsError(const mx::AlignedArray &input,
                               const mx::AlignedArray &output) {
  const auto *x = static_cast<const float *>(input.data());
  const auto *y = static_cast<const float *>(output.data());
  size_t n = input.sizeInBytes() / sizeof(float);
  double err = 0, ref = 0;
  for (size_t i = 0; i < n; ++i) {
    double d = double(y[i]) - double(x[i]);
    err += d * d;
    ref += double(x[i]) * double(x[i]);
  }
  return ref > 0 ? std::sqrt(err / ref) : 0.0;
}

/// Whether the kernel `name` ("format/op") passes --filter.
static bool matchesFilter(llvm::StringRef name) {
  llvm::StringRef filter = filterOpt;
  if (filter.consume_front("^"))
    return name.starts_with(filter);
  return name.contains(filter);
}

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

namespace {
struct Result {
  std::string format, op;
  /// "ok", "n/a" or "error".
  std::string status;
  std::string note;
  double medianMs = 0, gbPerS = 0, ratio = 0;
  /// Lowering to LLVM (JitProgram::compile) and the warm-up run, which
  /// includes the JIT's code generation.
  double lowerMs = 0, firstRunMs = 0;
  std::optional<double> relRmsError;
};

class Reporter {
public:
  Reporter(double bytes, double copyMs) : bytes(bytes), copyMs(copyMs) {
    llvm::outs() << llvm::format("%-12s %-12s %12s %10s %14s\n", "format", "op",
                                 "median ms", "GB/s", "ratio vs copy");
    llvm::outs() << std::string(64, '-') << "\n";
    Result copy;
    copy.format = "-";
    copy.op = "copy";
    copy.status = "ok";
    copy.medianMs = copyMs;
    add(std::move(copy));
  }

  void add(Result r) {
    if (r.status == "ok") {
      r.gbPerS = bytes / (r.medianMs * 1e-3) / 1e9;
      r.ratio = copyMs / r.medianMs;
      llvm::outs() << llvm::format("%-12s %-12s %12.4f %10.2f %14.3f\n",
                                   r.format.c_str(), r.op.c_str(), r.medianMs,
                                   r.gbPerS, r.ratio);
    } else {
      llvm::outs() << llvm::format(
          "%-12s %-12s %12s %10s %14s\n", r.format.c_str(), r.op.c_str(),
          r.status.c_str(), r.status.c_str(), r.status.c_str());
    }
    llvm::outs().flush();
    results.push_back(std::move(r));
  }

  llvm::json::Array toJSON() const {
    llvm::json::Array array;
    for (const Result &r : results) {
      llvm::json::Object o{
          {"format", r.format}, {"op", r.op}, {"status", r.status}};
      if (r.status == "ok") {
        o["median_ms"] = r.medianMs;
        o["gb_per_s"] = r.gbPerS;
        o["ratio_vs_copy"] = r.ratio;
      }
      if (r.lowerMs > 0)
        o["lower_ms"] = r.lowerMs;
      if (r.firstRunMs > 0)
        o["first_run_ms"] = r.firstRunMs;
      if (r.relRmsError)
        o["rel_rms_error"] = *r.relRmsError;
      if (!r.note.empty())
        o["note"] = r.note;
      array.push_back(std::move(o));
    }
    return array;
  }

private:
  double bytes, copyMs;
  std::vector<Result> results;
};
} // namespace

//===----------------------------------------------------------------------===//
// Running one kernel
//===----------------------------------------------------------------------===//

namespace {
/// Compiles and times the kernels of one format, keeping each op's results
/// for the ops that consume them.
class FormatRunner {
public:
  FormatRunner(MLIRContext &context, const mx::AlignedArray &input,
               unsigned repeat)
      : context(context), input(input), repeat(repeat) {}

  Result run(const OpKind &op, const KernelShape &shape);

private:
  /// The outputs each op of this format produced, by op name.
  llvm::StringMap<std::vector<mx::AlignedArray>> produced;
  MLIRContext &context;
  const mx::AlignedArray &input;
  unsigned repeat;
};
} // namespace

Result FormatRunner::run(const OpKind &op, const KernelShape &shape) {
  Result r;
  r.format = shape.format.str();
  r.op = op.name.str();
  auto error = [&](const llvm::Twine &msg) {
    r.status = "error";
    r.note = msg.str();
    return r;
  };

  std::string source = op.generate(shape);
  std::string diagnostics;
  OwningOpRef<ModuleOp> module;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      llvm::raw_string_ostream os(diagnostics);
      os << diag.getLocation() << ": " << diag << "\n";
      return success();
    });
    module = parseSourceString<ModuleOp>(source, &context);
  }
  if (!module)
    return error("generated module does not parse:\n" + diagnostics + source);

  auto start = std::chrono::steady_clock::now();
  auto program = mx::JitProgram::compile(*module, "f");
  if (!program)
    return error(llvm::toString(program.takeError()));
  r.lowerMs = msSince(start);

  // The arguments: the f32 array or the results of an earlier op. The f32
  // array is borrowed without a copy through a non-owning view below.
  llvm::ArrayRef<mx::AlignedArray> args;
  if (op.inputsFrom.empty()) {
    args = llvm::ArrayRef<mx::AlignedArray>(&input, 1);
  } else {
    // Run the producer (untimed, unreported) if the filter skipped it.
    if (!produced.count(op.inputsFrom)) {
      auto producer = llvm::find_if(
          opTable(), [&](const OpKind &o) { return o.name == op.inputsFrom; });
      if (producer == opTable().end())
        return error("no op '" + op.inputsFrom + "' in the op table");
      Result p = run(*producer, shape);
      if (p.status != "ok")
        return error("producing its input with '" + op.inputsFrom +
                     "' failed: " + p.note);
    }
    args = produced.find(op.inputsFrom)->second;
  }
  if (args.size() != (*program)->getInputs().size())
    return error(llvm::formatv("@f takes {0} argument(s), {1} given",
                               (*program)->getInputs().size(), args.size()));
  for (auto [arg, sig] : llvm::zip(args, (*program)->getInputs()))
    if ((arg.getDType() != sig.dtype &&
         !(sig.isBytes && arg.getDType() == mx::npy::DType::U8)) ||
        arg.getShape() != ArrayRef(sig.shape))
      return error("argument does not match " + sig.typeString);

  auto outputs = (*program)->allocateOutputs();
  if (!outputs)
    return error(llvm::toString(outputs.takeError()));

  llvm::Expected<double> median = medianMs(
      repeat, [&] { return (*program)->run(args, *outputs); }, &r.firstRunMs);
  if (!median)
    return error(llvm::toString(median.takeError()));
  r.status = "ok";
  r.medianMs = *median;

  // An f32 result of the input's shape is a round trip of the input
  // (fake_quant, dequantize(quantize(x))): check it is plausible.
  if (outputs->size() == 1 && (*outputs)[0].getDType() == mx::npy::DType::F32 &&
      (*outputs)[0].getShape() == input.getShape())
    r.relRmsError = relativeRmsError(input, (*outputs)[0]);
  produced[op.name] = std::move(*outputs);
  return r;
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mx::registerDebugOptions();
  llvm::cl::HideUnrelatedOptions(benchCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "mx-bench: single-thread throughput of the mx kernels, as a ratio to a "
      "copy of the same array\n");

  int64_t rows = rowsOpt, cols = colsOpt;
  unsigned repeat = repeatOpt;
  if (quickOpt) {
    if (rowsOpt.getNumOccurrences() == 0)
      rows = 64;
    if (colsOpt.getNumOccurrences() == 0)
      cols = 256;
    if (repeatOpt.getNumOccurrences() == 0)
      repeat = 3;
  }
  if (rows <= 0 || cols <= 0)
    return fail("--rows and --cols must be positive");
  if (repeat == 0)
    return fail("--repeat must be at least 1");

  // The input, and the reference: memcpy into a separate buffer. Both
  // buffers are 64-byte aligned and already touched (AlignedArray zeroes
  // them), so no page faults are timed.
  mx::AlignedArray input(mx::npy::DType::F32, {rows, cols});
  mx::AlignedArray copyOut(mx::npy::DType::F32, {rows, cols});
  if (!input.data() || !copyOut.data())
    return fail("out of memory allocating the arrays");
  fillGaussian(input);
  double bytes = double(input.sizeInBytes());

  auto copy = [&] {
    std::memcpy(copyOut.data(), input.data(), input.sizeInBytes());
    return llvm::Error::success();
  };
  llvm::Expected<double> copyMs = medianMs(repeat, copy);
  if (!copyMs)
    return fail(llvm::toString(copyMs.takeError()));

  std::string cpu = cpuModel();
  llvm::outs() << "mx-bench: " << rows << "x" << cols << " f32 ("
               << llvm::format("%.1f", bytes / (1 << 20)) << " MiB), median of "
               << repeat << " after 1 warm-up, 1 thread; " << cpu << "\n\n";
  Reporter reporter(bytes, *copyMs);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  mx::registerMXDialect(registry);
  MLIRContext context(registry);

  bool anyError = false;
  for (llvm::StringRef format : mx::FormatSpec::presetNames()) {
    FormatRunner runner(context, input, repeat);
    KernelShape shape{format, rows, cols};
    for (const OpKind &op : opTable()) {
      std::string name = (format + "/" + op.name).str();
      if (!matchesFilter(name))
        continue;
      if (!op.notLowered.empty() && !includeUnloweredOpt) {
        Result r;
        r.format = format.str();
        r.op = op.name.str();
        r.status = "n/a";
        r.note = ("not lowered yet: " + op.notLowered).str();
        reporter.add(std::move(r));
        continue;
      }
      Result r = runner.run(op, shape);
      if (r.status == "error") {
        warn(name + ": " + r.note);
        // An op that is not expected to lower yet is n/a, not a failure.
        if (!op.notLowered.empty())
          r.status = "n/a";
        else
          anyError = true;
      }
      reporter.add(std::move(r));
    }
  }

  // The copy again, as a check that the machine did not change speed during
  // the run; the ratios use the first measurement.
  llvm::Expected<double> copyEndMs = medianMs(repeat, copy);
  if (!copyEndMs)
    return fail(llvm::toString(copyEndMs.takeError()));
  double drift = *copyEndMs / *copyMs - 1.0;
  llvm::outs() << llvm::format(
      "\ncopy again at the end: %.3f ms (%+.0f%% vs the reference)\n",
      *copyEndMs, drift * 100);
  // Tiny arrays (--quick) copy in microseconds: too short to judge drift.
  if (std::abs(drift) > 0.2 && *copyMs >= 1.0)
    warn("the copy time moved by more than 20% during the run; the machine "
         "is noisy, compare ratios from several runs");

  llvm::json::Object machine{
      {"cpu_model", cpu},
      {"host_cpu", llvm::sys::getHostCPUName().str()},
      {"logical_cpus", int64_t(std::thread::hardware_concurrency())},
      {"llvm_version", LLVM_VERSION_STRING}};
  llvm::json::Object root{
      {"tool", "mx-bench"},
      {"date", utcDate()},
      {"machine", std::move(machine)},
      {"config",
       llvm::json::Object{{"rows", rows},
                          {"cols", cols},
                          {"dtype", "f32"},
                          {"bytes", int64_t(input.sizeInBytes())},
                          {"repeat", int64_t(repeat)},
                          {"warmup", 1},
                          {"threads", 1},
                          {"seed", int64_t(kSeed)},
                          {"input", "N(0,1) float32, normal values only"},
                          {"filter", filterOpt.getValue()},
                          {"gb", "1e9 bytes; bytes = rows*cols*4 for every "
                                 "row, the copy included"},
                          {"ratio", "copy median / kernel median"}}},
      {"copy_end_ms", *copyEndMs},
      {"results", reporter.toJSON()}};

  std::error_code ec;
  llvm::raw_fd_ostream os(jsonOpt, ec);
  if (ec)
    return fail("cannot write " + jsonOpt + ": " + ec.message());
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  llvm::outs() << "wrote " << jsonOpt << "\n";
  return anyError ? 1 : 0;
}
