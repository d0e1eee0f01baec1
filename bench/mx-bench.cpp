//===- mx-bench.cpp - Benchmarks of the mx kernels and pipeline -----------===//
//
// Part of mx-opt.
//
//   mx-bench [--sections stream,matmul,compile] [--rows R] [--cols C]
//            [--repeat N] [--quick] [--filter SUBSTR] [--json PATH]
//            [--svg PATH] [--matmul-budget S] [--compile-sizes N,...]
//
// Three sections, measured in one run:
//
// stream: measures, single-threaded, how fast the JIT-compiled mx kernels go
// through an R x C f32 array (4096 x 4096 by default), relative to a plain copy
// of the same array measured in the same run. For every format preset and every
// op in the op table below, the tool writes a one-function MLIR module,
// compiles it with mx::JitProgram (the same path as mx-run), runs it once to
// warm up, then N more times, each right after a copy, and reports the
// median. Throughput is always R * C * 4 bytes of f32 data divided by the
// median time, for the copy too, so "ratio vs copy" is simply copy time /
// kernel time; "paired" is the median of the ratios of each run to the copy
// just before it (pairedMedians).
//
// matmul: C = A * B at 1024^3, 4096x4096x1024 and M=1, N=K=4096 for INT8,
// MXINT8, MXFP8 E4M3, MXFP4, MX6 and NVFP4: the operands are quantized ahead
// of time (untimed), mx-fuse turns dequantize -> linalg.matmul into one
// mx.contract, which is lowered, JIT-compiled and timed (1 thread, and 2 with
// parallel=openmp: --matmul-mx-threads), and
// its result checked against sgemm on the dequantized operands; next to it
// OpenBLAS sgemm and oneDNN f32 and u8s8s32 matmuls on 1 and 2 threads, when
// CMake found them (References.cpp).
//
// compile: the mx-quantize, mx-propagate, mx-fuse, mx-lower-to-llvm pipeline
// against canonicalize,cse on generated modules of about 1k, 10k and 100k
// ops, in process, per op and as a ratio.
//
// Results go to stdout as tables, to a JSON file with machine details and,
// with --svg, to a bar chart. See bench/README.md.
//
//===----------------------------------------------------------------------===//

#include "References.h"

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
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"
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

static llvm::cl::opt<std::string> sectionsOpt(
    "sections",
    llvm::cl::desc("Comma-separated sections to run: stream (quantize, "
                   "dequantize, fake-quant vs copy), matmul, compile, cnn "
                   "(the example CNN end to end)"),
    llvm::cl::init("stream,matmul,compile,cnn"), llvm::cl::value_desc("LIST"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<double> matmulBudgetOpt(
    "matmul-budget",
    llvm::cl::desc("Stop repeating one matmul row after this many seconds "
                   "(at least one timed run after the warm-up)"),
    llvm::cl::init(2.0), llvm::cl::value_desc("SECONDS"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<double> matmulRowLimitOpt(
    "matmul-row-limit",
    llvm::cl::desc("Skip an mx matmul row whose single run is estimated, from "
                   "the same format's rate at the previous shape, to take "
                   "longer than this many seconds (0: no limit)"),
    llvm::cl::init(20.0), llvm::cl::value_desc("SECONDS"),
    llvm::cl::cat(benchCategory));
static llvm::cl::list<std::string> matmulShapesOpt(
    "matmul-shapes",
    llvm::cl::desc("Matmul shapes MxNxK (default 1024x1024x1024, "
                   "4096x4096x1024, 1x4096x4096; --quick: 64x64x64, "
                   "128x128x64, 1x256x256)"),
    llvm::cl::CommaSeparated, llvm::cl::value_desc("MxNxK,..."),
    llvm::cl::cat(benchCategory));
static llvm::cl::list<int64_t> compileSizesOpt(
    "compile-sizes",
    llvm::cl::desc("Approximate op counts of the generated modules of the "
                   "compile-time rows (default 1000,10000,100000; --quick: "
                   "200,1000)"),
    llvm::cl::CommaSeparated, llvm::cl::value_desc("N,..."),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<unsigned> compileRepeatOpt(
    "compile-repeat",
    llvm::cl::desc("Compile each module this many times with each pipeline, "
                   "the two alternating, and report the fastest run of each "
                   "(default 3; --quick: 1)"),
    llvm::cl::init(3), llvm::cl::value_desc("N"), llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string> contractKernelsOpt(
    "contract-kernels",
    llvm::cl::desc("Kernels of the mx matmul rows (--mx-lower-to-llvm's "
                   "contract-kernels: auto, amx, avx512vnni, generic, none); "
                   "comma-separated: one row per choice"),
    llvm::cl::init("auto"));

static llvm::cl::opt<unsigned> threadsOpt(
    "omp-threads",
    llvm::cl::desc("Run the mx kernels of the stream and matmul rows on N "
                   "OpenMP threads (--mx-lower-to-llvm=\"parallel=openmp "
                   "threads=N\"; needs libomp). 0: one thread"),
    llvm::cl::init(0), llvm::cl::value_desc("N"), llvm::cl::cat(benchCategory));

static llvm::cl::list<unsigned> matmulMxThreadsOpt(
    "matmul-mx-threads",
    llvm::cl::desc("Thread counts of the mx matmul rows: 1, and N > 1 as "
                   "--mx-lower-to-llvm=\"parallel=openmp threads=N\" "
                   "(needs libomp), next to the references' 1 and 2 threads"),
    llvm::cl::list_init<unsigned>({1, 2}), llvm::cl::CommaSeparated,
    llvm::cl::value_desc("N,..."), llvm::cl::cat(benchCategory));

static llvm::cl::opt<bool> matmulConstWeightsOpt(
    "matmul-const-weights",
    llvm::cl::desc("Also time each mx matmul with B a constant of the "
                   "program: impl mx-cw (packed at compile time, "
                   "contract-prepack) and mx-cw-rt (packed on every call)"),
    llvm::cl::init(false), llvm::cl::cat(benchCategory));

/// The JIT options of the stream and matmul rows (--omp-threads).
static mx::JitOptions benchJitOptions() {
  mx::JitOptions options;
  options.threads = threadsOpt;
  return options;
}

static llvm::cl::opt<double> compileBudgetOpt(
    "compile-budget",
    llvm::cl::desc("Skip a compile-time size when the linear extrapolation "
                   "from the previous one exceeds this many seconds"),
    llvm::cl::init(60.0), llvm::cl::value_desc("SECONDS"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<bool> compileCommandsOpt(
    "compile-commands",
    llvm::cl::desc("Also time the compile-time modules as the commands a "
                   "user runs, each a process: `mlir-opt --canonicalize "
                   "--cse FILE` and `mx-opt` with the mx pipeline (default "
                   "on)"),
    llvm::cl::init(true), llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string> mlirOptOpt(
    "mlir-opt",
    llvm::cl::desc("The mlir-opt of the compile-time command rows (default: "
                   "the one of the LLVM mx-bench was built with)"),
    llvm::cl::init(MX_BENCH_MLIR_OPT), llvm::cl::value_desc("PATH"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string>
    mxOptOpt("mx-opt",
             llvm::cl::desc("The mx-opt of the compile-time command rows "
                            "(default: the one beside mx-bench)"),
             llvm::cl::value_desc("PATH"), llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string>
    svgOpt("svg", llvm::cl::desc("Also write an SVG bar chart of all rows"),
           llvm::cl::value_desc("PATH"), llvm::cl::cat(benchCategory));

// The CNN rows (section cnn).
static llvm::cl::opt<std::string> cnnModelOpt(
    "cnn-model",
    llvm::cl::desc("The CNN of the cnn section (default: the source tree's "
                   "examples/digits/digits.mlir)"),
    llvm::cl::init(MX_BENCH_DIGITS_MODEL), llvm::cl::value_desc("PATH"),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<std::string>
    cnnEntryOpt("cnn-entry", llvm::cl::desc("Entry function of --cnn-model"),
                llvm::cl::init("digits"), llvm::cl::value_desc("NAME"),
                llvm::cl::cat(benchCategory));
static llvm::cl::list<std::string> cnnFormatsOpt(
    "cnn-formats",
    llvm::cl::desc("Rows of the cnn section: fp32 and format presets "
                   "(default: fp32 and every preset)"),
    llvm::cl::CommaSeparated, llvm::cl::value_desc("NAME,..."),
    llvm::cl::cat(benchCategory));
static llvm::cl::opt<unsigned> cnnRepeatOpt(
    "cnn-repeat",
    llvm::cl::desc("Timed batches per cnn row, after one warm-up (default "
                   "20; --quick: 2)"),
    llvm::cl::init(20), llvm::cl::value_desc("N"),
    llvm::cl::cat(benchCategory));

/// The value of `opt`, or `quick` under --quick when `opt` is not given.
template <typename T, typename Q>
static T quickOr(const llvm::cl::opt<T> &opt, Q quick) {
  return quickOpt && opt.getNumOccurrences() == 0 ? T(quick) : T(opt);
}

/// The items of a comma-separated option value (empty items dropped).
static llvm::SmallVector<llvm::StringRef> splitList(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> items;
  text.split(items, ',', -1, false);
  return items;
}

static constexpr uint64_t kSeed = 0x6d782d62656e6368; // "mx-bench"

//===----------------------------------------------------------------------===//
// The op table
//===----------------------------------------------------------------------===//

namespace {
/// What one generator needs to write its module.
struct KernelShape {
  llvm::StringRef format;
  int64_t rows, cols;
  /// The largest magnitude of the input (the calibrated range of the
  /// static-scale rows).
  float inputAmax = 0;

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
  /// Set: the op has rows only for the formats it accepts.
  std::function<bool(llvm::StringRef format)> appliesTo = nullptr;
  /// Non-empty: the name of an earlier op whose outputs this op's must
  /// equal byte for byte (the row fails otherwise).
  llvm::StringRef sameOutputsAs = "";
};

/// The per-tensor f32 scale a dynamic quantization of data with absolute
/// maximum `amax` computes, for the formats that have one (NVFP4:
/// amax / (6 * 448), docs/Formats.md "Two-level formats"; per-tensor
/// symmetric INT8: amax / 127), or nullopt.
std::optional<float> dynamicTensorScale(llvm::StringRef format, float amax) {
  if (format == "nvfp4")
    return amax / (6.0f * 448.0f);
  if (format == "int8")
    return amax / 127.0f;
  return std::nullopt;
}
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
      // A calibrated tensor scale (static_scale, as --mx-infer-scales sets
      // it) instead of the dynamic one: one pass over the data instead of
      // two. The scale is the dynamic one of this input, so the codes must
      // equal the dynamic quantize's.
      {"quantize_static",
       [](const KernelShape &k) {
         float scale = *dynamicTensorScale(k.format, k.inputAmax);
         return llvm::formatv(R"(func.func @f(%x: {0}) -> {1} {{
  %q = mx.quantize %x {{calibration = "x", static_scale = {2:x} : f32} : {0} -> {1}
  return %q : {1}
}
)",
                              k.f32Type(), k.quantizedType(),
                              llvm::bit_cast<uint32_t>(scale))
             .str();
       },
       "", "",
       [](llvm::StringRef format) {
         return dynamicTensorScale(format, 1.0f).has_value();
       },
       "quantize"},
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

/// Runs `body` once; returns its time in milliseconds or its error.
static llvm::Expected<double> timedMs(llvm::function_ref<llvm::Error()> body) {
  auto start = std::chrono::steady_clock::now();
  if (llvm::Error err = body())
    return std::move(err);
  return msSince(start);
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Fills `array` (f32) with N(0, 1) samples from a fixed seed; subnormals,
/// zeros, infinities and NaNs are redrawn so every value is a normal float.
static void fillGaussian(mx::AlignedArray &array, uint64_t seed = kSeed) {
  std::mt19937_64 engine(seed);
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

/// The times of a kernel measured next to a reference in the same run.
struct PairedTimes {
  double medianMs = 0;    ///< Median of the body's runs.
  double medianRatio = 0; ///< Median over the pairs of reference / body.
};

/// Runs `body` once to warm up, then `repeat` pairs of `reference` and
/// `body`, each timed; returns the median body time and the median of the
/// per-pair ratios reference time / body time. On this shared host the
/// speed of memory drifts by 20-30% within a run; a ratio of two runs
/// milliseconds apart is not disturbed by it, where one to a reference
/// measured at the start is (the copy at the start and at the end of one
/// stream section differed by up to 34%).
static llvm::Expected<PairedTimes>
pairedMedians(unsigned repeat, llvm::function_ref<llvm::Error()> body,
              llvm::function_ref<llvm::Error()> reference,
              double *warmupMs = nullptr) {
  llvm::Expected<double> first = timedMs(body);
  if (!first)
    return first.takeError();
  if (warmupMs)
    *warmupMs = *first;
  std::vector<double> times, ratios;
  for (unsigned i = 0; i < repeat; ++i) {
    llvm::Expected<double> referenceMs = timedMs(reference);
    if (!referenceMs)
      return referenceMs.takeError();
    llvm::Expected<double> ms = timedMs(body);
    if (!ms)
      return ms.takeError();
    times.push_back(*ms);
    ratios.push_back(*ms > 0 ? *referenceMs / *ms : 0.0);
  }
  return PairedTimes{median(times), median(ratios)};
}

/// Runs `body` once to warm up, then `repeat` times; returns the median in
/// milliseconds, or the first error. `warmupMs`, if given, receives the time
/// of the warm-up run (for a JIT kernel it includes code generation).
static llvm::Expected<double> medianMs(unsigned repeat,
                                       llvm::function_ref<llvm::Error()> body,
                                       double *warmupMs = nullptr) {
  llvm::Expected<PairedTimes> times = pairedMedians(
      repeat, body, [] { return llvm::Error::success(); }, warmupMs);
  if (!times)
    return times.takeError();
  return times->medianMs;
}

namespace {
struct Result {
  std::string format, op;
  /// "ok", "n/a" or "error".
  std::string status;
  std::string note;
  double medianMs = 0, gbPerS = 0, ratio = 0;
  /// The median over the timed runs of copy time / kernel time, each run
  /// right after a copy (pairedMedians); 0 for the copy itself.
  double pairedRatio = 0;
  /// Lowering to LLVM (JitProgram::compile) and the warm-up run, which
  /// includes the JIT's code generation.
  double lowerMs = 0, firstRunMs = 0;
  std::optional<double> relRmsError;
};

class Reporter {
public:
  Reporter(double bytes, double copyMs) : bytes(bytes), copyMs(copyMs) {
    llvm::outs() << llvm::format("%-12s %-12s %12s %10s %14s %8s\n", "format",
                                 "op", "median ms", "GB/s", "ratio vs copy",
                                 "paired");
    llvm::outs() << std::string(73, '-') << "\n";
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
      llvm::outs() << llvm::format("%-12s %-12s %12.4f %10.2f %14.3f",
                                   r.format.c_str(), r.op.c_str(), r.medianMs,
                                   r.gbPerS, r.ratio);
      if (r.pairedRatio > 0)
        llvm::outs() << llvm::format(" %8.3f", r.pairedRatio);
      llvm::outs() << "\n";
    } else {
      llvm::outs() << llvm::format(
          "%-12s %-12s %12s %10s %14s\n", r.format.c_str(), r.op.c_str(),
          r.status.c_str(), r.status.c_str(), r.status.c_str());
    }
    llvm::outs().flush();
    results.push_back(std::move(r));
  }

  const std::vector<Result> &getResults() const { return results; }

  llvm::json::Array toJSON() const {
    llvm::json::Array array;
    for (const Result &r : results) {
      llvm::json::Object o{
          {"format", r.format}, {"op", r.op}, {"status", r.status}};
      if (r.status == "ok") {
        o["median_ms"] = r.medianMs;
        o["gb_per_s"] = r.gbPerS;
        o["ratio_vs_copy"] = r.ratio;
        if (r.pairedRatio > 0)
          o["paired_ratio_vs_copy"] = r.pairedRatio;
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
               unsigned repeat, llvm::function_ref<llvm::Error()> copy)
      : context(context), input(input), repeat(repeat), copy(copy) {}

  Result run(const OpKind &op, const KernelShape &shape);

private:
  /// The outputs each op of this format produced, by op name.
  llvm::StringMap<std::vector<mx::AlignedArray>> produced;
  MLIRContext &context;
  const mx::AlignedArray &input;
  unsigned repeat;
  /// The reference each timed run is paired with.
  llvm::function_ref<llvm::Error()> copy;
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
  auto program = mx::JitProgram::compile(*module, "f", benchJitOptions());
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

  llvm::Expected<PairedTimes> times = pairedMedians(
      repeat, [&] { return (*program)->run(args, *outputs); }, copy,
      &r.firstRunMs);
  if (!times)
    return error(llvm::toString(times.takeError()));
  r.status = "ok";
  r.medianMs = times->medianMs;
  r.pairedRatio = times->medianRatio;

  // Outputs that must be another op's (the same codes and scales).
  if (!op.sameOutputsAs.empty()) {
    if (!produced.count(op.sameOutputsAs)) {
      auto other = llvm::find_if(opTable(), [&](const OpKind &o) {
        return o.name == op.sameOutputsAs;
      });
      if (other == opTable().end())
        return error("no op '" + op.sameOutputsAs + "' in the op table");
      Result o = run(*other, shape);
      if (o.status != "ok")
        return error("running '" + op.sameOutputsAs + "' failed: " + o.note);
    }
    const std::vector<mx::AlignedArray> &expected =
        produced.find(op.sameOutputsAs)->second;
    bool same = expected.size() == outputs->size();
    for (size_t i = 0; same && i < expected.size(); ++i)
      same = expected[i].sizeInBytes() == (*outputs)[i].sizeInBytes() &&
             !std::memcmp(expected[i].data(), (*outputs)[i].data(),
                          expected[i].sizeInBytes());
    if (!same)
      return error("the outputs differ from those of '" + op.sameOutputsAs +
                   "'");
  }

  // An f32 result of the input's shape is a round trip of the input
  // (fake_quant, dequantize(quantize(x))): check it is plausible.
  if (outputs->size() == 1 && (*outputs)[0].getDType() == mx::npy::DType::F32 &&
      (*outputs)[0].getShape() == input.getShape())
    r.relRmsError = relativeRmsError(input, (*outputs)[0]);
  produced[op.name] = std::move(*outputs);
  return r;
}

//===----------------------------------------------------------------------===//
// Matmul rows
//===----------------------------------------------------------------------===//

namespace {
struct MatmulShape {
  int64_t m, n, k;
  std::string label() const {
    return llvm::formatv("{0}x{1}x{2}", m, n, k).str();
  }
  double ops() const { return 2.0 * double(m) * double(n) * double(k); }
};

struct MatmulRow {
  std::string shape, impl, format;
  int threads = 1;
  /// "ok", "not found", "error" or "skipped".
  std::string status;
  std::string note;
  double medianMs = 0, gops = 0;
  /// sgemm (OpenBLAS, 1 thread) median / this median, when both exist.
  std::optional<double> vsSgemm;
  unsigned runs = 0;
  double lowerMs = 0, firstRunMs = 0;
  /// Relative RMS difference against the reference on the dequantized data.
  std::optional<double> relRmsVsRef;
  std::string checkedAgainst;
  /// mx rows: the median over alternating runs of (reference time / this
  /// row's time) for oneDNN u8s8s32 and f32, 1 thread ("paired").
  std::optional<double> pairedVsU8, pairedVsF32;
};

/// Formats of the matmul rows, as the issue lists them.
const char *const kMatmulFormats[] = {"int8",       "mxint8", "mxfp8_e4m3",
                                      "mxfp4_e2m1", "mx6",    "nvfp4"};

/// The quantized operand types: activations blocked along K (axis 1 of
/// A), weights along K (axis 0 of B); INT8 as mx-quantize makes it: a
/// per-tensor activation scale and per-output-channel weight scales.
std::string matmulOperandType(llvm::StringRef format, int64_t rows,
                              int64_t cols, bool weights) {
  if (format == "int8")
    return llvm::formatv("tensor<{0}x{1}x!mx.q<int8{2}>>", rows, cols,
                         weights ? ", granularity = channel, axis = 1" : "")
        .str();
  return llvm::formatv("tensor<{0}x{1}x!mx.q<{2}, axis = {3}>>", rows, cols,
                       format, weights ? 0 : 1)
      .str();
}

/// @f(A, B) -> (quantize A, quantize B, dequantize(quantize A),
/// dequantize(quantize B)): the untimed preparation of the operands.
std::string matmulPrepModule(llvm::StringRef format, const MatmulShape &s) {
  std::string ta = matmulOperandType(format, s.m, s.k, false);
  std::string tb = matmulOperandType(format, s.k, s.n, true);
  std::string fa = llvm::formatv("tensor<{0}x{1}xf32>", s.m, s.k).str();
  std::string fb = llvm::formatv("tensor<{0}x{1}xf32>", s.k, s.n).str();
  return llvm::formatv(
             R"(func.func @f(%a: {2}, %b: {3}) -> ({0}, {1}, {2}, {3}) {{
  %qa = mx.quantize %a : {2} -> {0}
  %qb = mx.quantize %b : {3} -> {1}
  %da = mx.dequantize %qa : {0} -> {2}
  %db = mx.dequantize %qb : {1} -> {3}
  return %qa, %qb, %da, %db : {0}, {1}, {2}, {3}
}
)",
             ta, tb, fa, fb)
      .str();
}

/// The timed kernel: a linalg.matmul on dequantized arguments, which mx-fuse
/// turns into one mx.contract on the codes and scales. With `constWeight`,
/// B is a constant weight (as a model exports it): an f32 arith.constant (a
/// splat placeholder here, replaced by the operand's values after parsing)
/// quantized in the function; with contract-prepack (the default) its
/// packing happens at compile time.
std::string matmulModule(llvm::StringRef format, const MatmulShape &s,
                         bool constWeight = false) {
  std::string ta = matmulOperandType(format, s.m, s.k, false);
  std::string tb = matmulOperandType(format, s.k, s.n, true);
  std::string fa = llvm::formatv("tensor<{0}x{1}xf32>", s.m, s.k).str();
  std::string fb = llvm::formatv("tensor<{0}x{1}xf32>", s.k, s.n).str();
  std::string fc = llvm::formatv("tensor<{0}x{1}xf32>", s.m, s.n).str();
  std::string head =
      constWeight
          ? llvm::formatv(R"(func.func @f(%qa: {0}) -> {3} {{
  %w = arith.constant {{mx.bench_weight} dense<0.0> : {2}
  %qb = mx.quantize %w : {2} -> {1}
)",
                          ta, tb, fb, fc)
                .str()
          : llvm::formatv("func.func @f(%qa: {0}, %qb: {1}) -> {2} {{\n", ta,
                          tb, fc)
                .str();
  return head + llvm::formatv(R"(  %a = mx.dequantize %qa : {0} -> {2}
  %b = mx.dequantize %qb : {1} -> {3}
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {4}
  %acc = linalg.fill ins(%zero : f32) outs(%e : {4}) -> {4}
  %c = linalg.matmul ins(%a, %b : {2}, {3}) outs(%acc : {4}) -> {4}
  return %c : {4}
}
)",
                              ta, tb, fa, fb, fc)
                    .str();
}

/// Times `body`: one warm-up run, then timed runs until `maxRuns` runs or
/// `budgetMs` of timed runs, whichever comes first (at least one). Returns
/// the median. A warm-up that alone took longer than the budget and longer
/// than 1 s is the only run (`runs` = 0): the kernel is slow enough that the
/// one-off costs it includes (JIT code generation, first touch of the
/// result) are small next to it, and running it again would double the time
/// of the row.
llvm::Expected<double> cappedMedianMs(unsigned maxRuns, double budgetMs,
                                      llvm::function_ref<llvm::Error()> body,
                                      double &warmupMs, unsigned &runs) {
  auto first = std::chrono::steady_clock::now();
  if (llvm::Error err = body())
    return std::move(err);
  warmupMs = msSince(first);
  if (warmupMs > budgetMs && warmupMs > 1000.0) {
    runs = 0;
    return warmupMs;
  }
  std::vector<double> times;
  double total = 0;
  while (times.empty() || (times.size() < maxRuns && total < budgetMs)) {
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err = body())
      return std::move(err);
    times.push_back(msSince(start));
    total += times.back();
  }
  runs = times.size();
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  return n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
}

/// Relative RMS difference of `got` against `want` over `count` floats.
double relativeRms(const float *got, const float *want, size_t count) {
  double err = 0, ref = 0;
  for (size_t i = 0; i < count; ++i) {
    double d = double(got[i]) - double(want[i]);
    err += d * d;
    ref += double(want[i]) * double(want[i]);
  }
  if (std::isnan(err))
    return err;
  return ref > 0 ? std::sqrt(err / ref) : std::sqrt(err);
}

/// Parses `source` in `context`, collecting diagnostics into `diagnostics`.
OwningOpRef<ModuleOp> parseModule(MLIRContext &context, llvm::StringRef source,
                                  std::string &diagnostics) {
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    os << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  return parseSourceString<ModuleOp>(source, &context);
}

/// Runs a textual pass pipeline on `module`: the passes of the module's pass
/// manager, as mx-opt's command line options would, e.g. "canonicalize,cse"
/// (a "builtin.module(...)" wrapper would nest them one level deeper, on
/// modules inside the module, and run nothing).
LogicalResult runPipeline(ModuleOp module, llvm::StringRef pipeline,
                          std::string &diagnostics) {
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    os << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  PassManager pm(module.getContext());
  llvm::raw_string_ostream errs(diagnostics);
  if (failed(parsePassPipeline(pipeline, pm, errs)))
    return failure();
  return pm.run(module);
}

constexpr double kMatmulTolerance = 1e-4;

class MatmulBench {
public:
  MatmulBench(MLIRContext &context, unsigned repeat, double budgetMs)
      : context(context), repeat(repeat), budgetMs(budgetMs) {}

  /// Runs every row of one shape; returns false if a row that should work
  /// failed (an error or a failed check).
  bool runShape(const MatmulShape &shape);
  const std::vector<MatmulRow> &getRows() const { return rows; }

private:
  void add(MatmulRow row);
  /// contract-kernels of the mx row being measured (--contract-kernels).
  std::string contractKernels = "auto";
  /// One mx row: on `threads` OpenMP threads (1: none; else
  /// --mx-lower-to-llvm="parallel=openmp threads=N", paired against the
  /// references on as many threads); with `constWeights`, B a constant of
  /// the function (matmulModule with constWeight), packed at compile time
  /// unless `prepack` is false.
  MatmulRow runFormat(llvm::StringRef format, const MatmulShape &shape,
                      const mx::AlignedArray &a, const mx::AlignedArray &b,
                      unsigned threads = 0, bool constWeights = false,
                      bool prepack = true);
  void runReferences(const MatmulShape &shape, const mx::AlignedArray &a,
                     const mx::AlignedArray &b);

  MLIRContext &context;
  unsigned repeat;
  double budgetMs;
  std::vector<MatmulRow> rows;
  /// OpenBLAS sgemm, 1 thread, for the current shape.
  std::optional<double> sgemmMs;
  /// The last measured GOP/s of each format, to estimate the next shape.
  llvm::StringMap<double> lastGops;
  /// oneDNN u8s8s32 and f32 of the current shape, kept for the paired
  /// ratios of the mx rows, with the buffers they run on.
  std::unique_ptr<mx::bench::OneDNNMatmul> refU8, refF32;
  std::vector<mx::AlignedArray> refBuffers;
};
} // namespace

static void printMatmulHeader() {
  llvm::outs() << llvm::format("%-16s %-9s %-12s %3s %12s %9s %10s %5s  %s\n",
                               "MxNxK", "impl", "format", "thr", "median ms",
                               "GOP/s", "vs sgemm", "runs", "check");
  llvm::outs() << std::string(96, '-') << "\n";
}

void MatmulBench::add(MatmulRow row) {
  if (row.status == "ok") {
    std::string vs =
        row.vsSgemm ? llvm::formatv("{0:F3}", *row.vsSgemm).str() : "n/a";
    std::string check =
        row.relRmsVsRef
            ? llvm::formatv("{0} rel rms {1:E1} vs {2}",
                            *row.relRmsVsRef <= kMatmulTolerance ? "ok"
                                                                 : "FAILED",
                            *row.relRmsVsRef, row.checkedAgainst)
                  .str()
            : "-";
    if (row.pairedVsU8 || row.pairedVsF32)
      check +=
          llvm::formatv(
              "; paired: x{0} u8s8s32, x{1} onednn f32",
              row.pairedVsU8 ? llvm::formatv("{0:F2}", *row.pairedVsU8).str()
                             : "n/a",
              row.pairedVsF32 ? llvm::formatv("{0:F2}", *row.pairedVsF32).str()
                              : "n/a")
              .str();
    llvm::outs() << llvm::format(
        "%-16s %-9s %-12s %3d %12.3f %9.2f %10s %5u  %s\n", row.shape.c_str(),
        row.impl.c_str(), row.format.c_str(), row.threads, row.medianMs,
        row.gops, vs.c_str(), row.runs, check.c_str());
  } else {
    llvm::outs() << llvm::format(
        "%-16s %-9s %-12s %3d %12s  %s\n", row.shape.c_str(), row.impl.c_str(),
        row.format.c_str(), row.threads, row.status.c_str(), row.note.c_str());
  }
  llvm::outs().flush();
  rows.push_back(std::move(row));
}

void MatmulBench::runReferences(const MatmulShape &shape,
                                const mx::AlignedArray &a,
                                const mx::AlignedArray &b) {
  sgemmMs.reset();
  refU8.reset();
  refF32.reset();
  refBuffers.clear();
  mx::AlignedArray c(mx::npy::DType::F32, {shape.m, shape.n});
  auto base = [&](llvm::StringRef impl, llvm::StringRef format, int threads) {
    MatmulRow row;
    row.shape = shape.label();
    row.impl = impl.str();
    row.format = format.str();
    row.threads = threads;
    return row;
  };
  auto timeRow = [&](MatmulRow row, llvm::function_ref<llvm::Error()> body) {
    llvm::Expected<double> median =
        cappedMedianMs(repeat, budgetMs, body, row.firstRunMs, row.runs);
    if (!median) {
      row.status = "error";
      row.note = llvm::toString(median.takeError());
      warn(row.impl + " " + row.format + ": " + row.note);
    } else {
      row.status = "ok";
      row.medianMs = *median;
      row.gops = shape.ops() / (*median * 1e-3) / 1e9;
      if (row.impl == "openblas" && row.threads == 1)
        sgemmMs = *median;
      if (sgemmMs)
        row.vsSgemm = *sgemmMs / *median;
    }
    add(std::move(row));
  };

  for (int threads : {1, 2}) {
    MatmulRow row = base("openblas", "sgemm f32", threads);
    if (!mx::bench::haveOpenBLAS()) {
      row.status = "not found";
      row.note = "OpenBLAS not found (make bench installs libopenblas-dev)";
      add(std::move(row));
      continue;
    }
    timeRow(std::move(row), [&] {
      mx::bench::sgemm(shape.m, shape.n, shape.k,
                       static_cast<const float *>(a.data()),
                       static_cast<const float *>(b.data()),
                       static_cast<float *>(c.data()), threads);
      return llvm::Error::success();
    });
  }

  // oneDNN: f32 on the same data; u8 x s8 -> s32 on codes derived from it
  // (the time of a GEMM does not depend on the values).
  mx::AlignedArray a8(mx::npy::DType::U8, {shape.m, shape.k});
  mx::AlignedArray b8(mx::npy::DType::I8, {shape.k, shape.n});
  mx::AlignedArray c32(mx::npy::DType::I32, {shape.m, shape.n});
  {
    auto *af = static_cast<const float *>(a.data());
    auto *bf = static_cast<const float *>(b.data());
    auto *au = static_cast<uint8_t *>(a8.data());
    auto *bs = static_cast<int8_t *>(b8.data());
    for (int64_t i = 0, e = shape.m * shape.k; i < e; ++i)
      au[i] = uint8_t(std::clamp(std::lround(af[i] * 32.0f) + 128L, 0L, 255L));
    for (int64_t i = 0, e = shape.k * shape.n; i < e; ++i)
      bs[i] = int8_t(std::clamp(std::lround(bf[i] * 32.0f), -127L, 127L));
  }
  using Kind = mx::bench::OneDNNMatmul::Kind;
  for (auto [kind, name] :
       {std::pair(Kind::F32, "f32"), std::pair(Kind::U8S8S32, "u8s8s32")}) {
    bool f32 = kind == Kind::F32;
    auto matmul = mx::bench::OneDNNMatmul::create(
        kind, shape.m, shape.n, shape.k, f32 ? a.data() : a8.data(),
        f32 ? b.data() : b8.data(), f32 ? c.data() : c32.data());
    for (int threads : {1, 2}) {
      MatmulRow row = base("onednn", name, threads);
      if (!mx::bench::haveOneDNN()) {
        row.status = "not found";
        row.note = "oneDNN not found (make bench installs libdnnl-dev)";
        add(std::move(row));
        continue;
      }
      if (!matmul) {
        row.status = "error";
        row.note = llvm::toString(matmul.takeError());
        add(std::move(row));
        continue;
      }
      timeRow(std::move(row), [&] { return (*matmul)->run(threads); });
    }
    if (matmul)
      (f32 ? refF32 : refU8) = std::move(*matmul);
    else
      llvm::consumeError(matmul.takeError());
  }
  // The primitives kept for the paired ratios run on these buffers.
  refBuffers.push_back(std::move(c));
  refBuffers.push_back(std::move(a8));
  refBuffers.push_back(std::move(b8));
  refBuffers.push_back(std::move(c32));
}

MatmulRow MatmulBench::runFormat(llvm::StringRef format,
                                 const MatmulShape &shape,
                                 const mx::AlignedArray &a,
                                 const mx::AlignedArray &b, unsigned threads,
                                 bool constWeights, bool prepack) {
  MatmulRow row;
  row.shape = shape.label();
  row.impl = contractKernels == "auto" ? "mx" : "mx-" + contractKernels;
  if (constWeights)
    row.impl += prepack ? "-cw" : "-cw-rt";
  row.format = format.str();
  mx::JitOptions jitOptions = benchJitOptions();
  if (threads > 1)
    jitOptions.threads = threads;
  row.threads = std::max(1u, jitOptions.threads);
  auto error = [&](const llvm::Twine &msg) {
    row.status = "error";
    row.note = msg.str();
    return row;
  };

  // Untimed: quantize the operands, and dequantize them for the check.
  std::string diagnostics;
  std::string prepSource = matmulPrepModule(format, shape);
  OwningOpRef<ModuleOp> prepModule =
      parseModule(context, prepSource, diagnostics);
  if (!prepModule)
    return error("operand module does not parse:\n" + diagnostics);
  auto prep = mx::JitProgram::compile(*prepModule, "f");
  if (!prep)
    return error("quantizing the operands: " +
                 llvm::toString(prep.takeError()));
  auto prepOut = (*prep)->allocateOutputs();
  if (!prepOut)
    return error(llvm::toString(prepOut.takeError()));
  std::vector<mx::AlignedArray> prepIn;
  prepIn.emplace_back(mx::npy::DType::F32, a.getShape());
  prepIn.emplace_back(mx::npy::DType::F32, b.getShape());
  std::memcpy(prepIn[0].data(), a.data(), a.sizeInBytes());
  std::memcpy(prepIn[1].data(), b.data(), b.sizeInBytes());
  if (llvm::Error err = (*prep)->run(prepIn, *prepOut))
    return error("quantizing the operands: " + llvm::toString(std::move(err)));

  // The kernel: mx-fuse in process, then JitProgram's --mx-lower-to-llvm.
  std::string source = matmulModule(format, shape, constWeights);
  OwningOpRef<ModuleOp> module = parseModule(context, source, diagnostics);
  if (!module)
    return error("matmul module does not parse:\n" + diagnostics + source);
  if (constWeights)
    module->walk([&](Operation *cst) {
      if (!cst->hasAttr("mx.bench_weight"))
        return;
      cst->removeAttr("mx.bench_weight");
      auto type = cast<RankedTensorType>(cst->getResult(0).getType());
      cst->setAttr("value", DenseElementsAttr::get(
                                type, llvm::ArrayRef(
                                          static_cast<const float *>(b.data()),
                                          size_t(type.getNumElements()))));
    });
  auto start = std::chrono::steady_clock::now();
  if (failed(runPipeline(*module, "mx-fuse{remarks=true}", diagnostics)))
    return error("mx-fuse failed:\n" + diagnostics);
  bool fused = false;
  module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "mx.contract")
      fused = true;
  });
  if (!fused)
    return error("mx-fuse did not make an mx.contract:\n" + diagnostics);
  if (((!contractKernels.empty() && contractKernels != "auto") || !prepack) &&
      failed(runPipeline(
          *module,
          "mx-lower-to-llvm{contract-kernels=" + contractKernels +
              (prepack ? "" : " contract-prepack=false") +
              (jitOptions.threads > 0 ? " parallel=openmp threads=" +
                                            std::to_string(jitOptions.threads)
                                      : "") +
              "}",
          diagnostics)))
    return error("mx-lower-to-llvm failed:\n" + diagnostics);
  auto program = mx::JitProgram::compile(*module, "f", jitOptions);
  if (!program)
    return error(llvm::toString(program.takeError()));
  row.lowerMs = msSince(start);

  size_t numArgs = (*program)->getInputs().size();
  // (A constant weight: B's parts are in the program, not arguments.)
  size_t numBParts = constWeights ? prepOut->size() - 2 - numArgs : 0;
  if (prepOut->size() != numArgs + numBParts + 2)
    return error(llvm::formatv("the operand module returns {0} arrays, the "
                               "matmul takes {1} + 2 expected",
                               prepOut->size(), numArgs));
  llvm::ArrayRef<mx::AlignedArray> args =
      llvm::ArrayRef(*prepOut).take_front(numArgs);
  for (auto [arg, sig] : llvm::zip(args, (*program)->getInputs()))
    if ((arg.getDType() != sig.dtype &&
         !(sig.isBytes && arg.getDType() == mx::npy::DType::U8)) ||
        arg.getShape() != ArrayRef(sig.shape))
      return error("operand part does not match " + sig.typeString);
  auto outputs = (*program)->allocateOutputs();
  if (!outputs)
    return error(llvm::toString(outputs.takeError()));

  llvm::Expected<double> median = cappedMedianMs(
      repeat, budgetMs, [&] { return (*program)->run(args, *outputs); },
      row.firstRunMs, row.runs);
  if (!median)
    return error(llvm::toString(median.takeError()));
  row.status = "ok";
  row.medianMs = *median;
  row.gops = shape.ops() / (*median * 1e-3) / 1e9;
  if (sgemmMs)
    row.vsSgemm = *sgemmMs / *median;
  // Paired ratios: the kernel and the oneDNN references (1 thread) run in
  // turn, so that both see the same state of a noisy host; the median of
  // the per-round ratios. As many rounds as the row's own median took.
  if (refU8 || refF32) {
    std::vector<double> vsU8, vsF32;
    auto timeOnce =
        [&](llvm::function_ref<llvm::Error()> body) -> std::optional<double> {
      auto start = std::chrono::steady_clock::now();
      if (llvm::Error err = body()) {
        llvm::consumeError(std::move(err));
        return std::nullopt;
      }
      return msSince(start);
    };
    auto kernel = [&] { return (*program)->run(args, *outputs); };
    for (unsigned r = 0; r < std::max(1u, row.runs); ++r) {
      for (auto [ref, ratios] :
           {std::pair(refU8.get(), &vsU8), std::pair(refF32.get(), &vsF32)}) {
        if (!ref)
          continue;
        std::optional<double> k = timeOnce(kernel);
        std::optional<double> t =
            timeOnce([&] { return ref->run(int(row.threads)); });
        if (k && t && *k > 0)
          ratios->push_back(*t / *k);
      }
    }
    auto median = [](std::vector<double> &v) -> std::optional<double> {
      if (v.empty())
        return std::nullopt;
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      return v[v.size() / 2];
    };
    row.pairedVsU8 = median(vsU8);
    row.pairedVsF32 = median(vsF32);
  }

  // The check: the same product of the dequantized operands, by OpenBLAS
  // (the whole result) or, without it, by a double-precision loop over a
  // few rows.
  size_t dequantized = numArgs + numBParts;
  const auto *da = static_cast<const float *>((*prepOut)[dequantized].data());
  const auto *db =
      static_cast<const float *>((*prepOut)[dequantized + 1].data());
  const auto *got = static_cast<const float *>((*outputs)[0].data());
  if (mx::bench::haveOpenBLAS()) {
    mx::AlignedArray want(mx::npy::DType::F32, {shape.m, shape.n});
    mx::bench::sgemm(shape.m, shape.n, shape.k, da, db,
                     static_cast<float *>(want.data()), 2);
    row.relRmsVsRef = relativeRms(got, static_cast<const float *>(want.data()),
                                  size_t(shape.m * shape.n));
    row.checkedAgainst = "sgemm";
  } else {
    int64_t step = std::max<int64_t>(1, shape.m / 8);
    std::vector<float> gotRows, wantRows;
    for (int64_t i = 0; i < shape.m; i += step)
      for (int64_t j = 0; j < shape.n; ++j) {
        double sum = 0;
        for (int64_t k = 0; k < shape.k; ++k)
          sum += double(da[i * shape.k + k]) * double(db[k * shape.n + j]);
        wantRows.push_back(float(sum));
        gotRows.push_back(got[i * shape.n + j]);
      }
    row.relRmsVsRef =
        relativeRms(gotRows.data(), wantRows.data(), gotRows.size());
    row.checkedAgainst = "f64 loop (sampled rows)";
  }
  return row;
}

bool MatmulBench::runShape(const MatmulShape &shape) {
  mx::AlignedArray a(mx::npy::DType::F32, {shape.m, shape.k});
  mx::AlignedArray b(mx::npy::DType::F32, {shape.k, shape.n});
  if (!a.data() || !b.data()) {
    warn("out of memory for the matmul operands at " + shape.label());
    return false;
  }
  fillGaussian(a, kSeed + 1);
  fillGaussian(b, kSeed + 2);
  runReferences(shape, a, b);
  bool ok = true;
  for (llvm::StringRef format : kMatmulFormats) {
    if (!matchesFilter((format + "/matmul").str()))
      continue;
    auto last = lastGops.find(format);
    double limit = matmulRowLimitOpt;
    if (limit > 0 && last != lastGops.end() && last->second > 0) {
      double estimate = shape.ops() / (last->second * 1e9);
      if (estimate > limit) {
        MatmulRow row;
        row.shape = shape.label();
        row.impl = "mx";
        row.format = format;
        row.status = "skipped";
        row.note = llvm::formatv("one run estimated at {0:F0} s ({1:F2} GOP/s "
                                 "at the previous shape) > "
                                 "--matmul-row-limit={2:F0}",
                                 estimate, last->second, limit)
                       .str();
        add(std::move(row));
        continue;
      }
    }
    SmallVector<StringRef> kernelChoices = splitList(contractKernelsOpt);
    contractKernels = kernelChoices.empty() ? "auto" : kernelChoices[0].str();
    MatmulRow row = runFormat(format, shape, a, b);
    if (row.status == "ok")
      lastGops[format] = row.gops;
    if (row.status == "error") {
      warn(format + " matmul " + shape.label() + ": " + row.note);
      ok = false;
    } else if (row.relRmsVsRef && !(*row.relRmsVsRef <= kMatmulTolerance)) {
      warn(llvm::formatv("{0} matmul {1}: result differs from {2} on the "
                         "dequantized operands (relative RMS {3:E2} > {4:E0})",
                         format, shape.label(), row.checkedAgainst,
                         *row.relRmsVsRef, kMatmulTolerance));
      ok = false;
    }
    add(std::move(row));
    // The same kernel on more OpenMP threads (--matmul-mx-threads), and
    // with a constant weight packed at compile time and at run time
    // (--matmul-const-weights).
    auto extra = [&](llvm::StringRef what, MatmulRow more) {
      if (more.status == "error") {
        warn(format + " matmul " + shape.label() + " (" + what +
             "): " + more.note);
        ok = false;
      }
      add(std::move(more));
    };
    // (--quick: one thread only unless --matmul-mx-threads is given, so
    // that smoke tests need no OpenMP runtime.)
    SmallVector<unsigned> mxThreads(matmulMxThreadsOpt.begin(),
                                    matmulMxThreadsOpt.end());
    if (quickOpt && matmulMxThreadsOpt.getNumOccurrences() == 0)
      mxThreads = {1};
    for (unsigned threads : mxThreads)
      if (threads > 1 && threads != threadsOpt)
        extra(std::to_string(threads) + " threads",
              runFormat(format, shape, a, b, threads));
    if (matmulConstWeightsOpt)
      for (bool prepack : {true, false})
        for (unsigned threads : mxThreads)
          extra(prepack ? "constant weight" : "constant weight, run time",
                runFormat(format, shape, a, b, threads, true, prepack));
    // More --contract-kernels choices: one more row each.
    for (StringRef kernels : llvm::drop_begin(kernelChoices)) {
      contractKernels = kernels.str();
      MatmulRow more = runFormat(format, shape, a, b);
      if (more.status == "error") {
        warn(format + " matmul " + shape.label() + " (" + kernels +
             "): " + more.note);
        ok = false;
      }
      add(std::move(more));
    }
  }
  return ok;
}

static llvm::json::Array matmulJSON(const std::vector<MatmulRow> &rows) {
  llvm::json::Array array;
  for (const MatmulRow &r : rows) {
    llvm::json::Object o{{"shape", r.shape},
                         {"impl", r.impl},
                         {"format", r.format},
                         {"threads", r.threads},
                         {"status", r.status}};
    if (r.status == "ok") {
      o["median_ms"] = r.medianMs;
      o["gop_per_s"] = r.gops;
      o["runs"] = int64_t(r.runs);
      if (r.runs == 0)
        o["cold_run_only"] = true;
      o["first_run_ms"] = r.firstRunMs;
    }
    if (r.vsSgemm)
      o["vs_sgemm_1t"] = *r.vsSgemm;
    // (Paired against the references on the row's own number of threads.)
    std::string t = std::to_string(r.threads) + "t";
    if (r.pairedVsU8)
      o["paired_vs_onednn_u8s8s32_" + t] = *r.pairedVsU8;
    if (r.pairedVsF32)
      o["paired_vs_onednn_f32_" + t] = *r.pairedVsF32;
    if (r.lowerMs > 0)
      o["lower_ms"] = r.lowerMs;
    if (r.relRmsVsRef) {
      o["rel_rms_vs_reference"] = *r.relRmsVsRef;
      o["reference"] = r.checkedAgainst;
      o["check"] = *r.relRmsVsRef <= kMatmulTolerance ? "ok" : "failed";
    }
    if (!r.note.empty())
      o["note"] = r.note;
    array.push_back(std::move(o));
  }
  return array;
}

//===----------------------------------------------------------------------===//
// Compile-time rows
//===----------------------------------------------------------------------===//

namespace {
struct CompileRow {
  int64_t requested = 0, ops = 0, layers = 0;
  /// "ok", "skipped" or "error".
  std::string status;
  std::string note;
  /// The fastest of the runs (parse: of the parses, one per run).
  double parseMs = 0, baselineMs = 0, mxMs = 0;
  /// Every run, in order (canonicalize,cse and the mx pipeline alternate).
  std::vector<double> baselineRuns, mxRuns;
  /// The same module as a file through the two commands, each a process
  /// (start-up, parse and print included): "ok", "error", or empty when
  /// they did not run; the fastest run of each, and every run.
  std::string commandStatus, commandNote;
  double mlirOptMs = 0, mxOptMs = 0;
  std::vector<double> mlirOptRuns, mxOptRuns;
};

/// The programs of the command rows; `missing` says why they do not run.
struct CompileCommands {
  std::string mlirOpt, mxOpt, missing;
};
} // namespace

/// The ops of one layer of the generated module, as Operation::walk counts
/// them: tensor.empty, linalg.fill (+ the yield in its body), linalg.matmul
/// (+ mulf, addf, yield), tensor.empty, linalg.generic (+ maximumf, yield).
static constexpr int64_t kOpsPerLayer = 11;

/// A chain of `layers` 8x32 * 32x32 matmuls, each followed by a relu, in
/// linalg on tensors; one weight argument shared by all layers.
static std::string compileModule(int64_t layers) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "#id = affine_map<(d0, d1) -> (d0, d1)>\n"
        "func.func @f(%x: tensor<8x32xf32>, %w: tensor<32x32xf32>) -> "
        "tensor<8x32xf32> {\n"
        "  %zero = arith.constant 0.0 : f32\n";
  std::string prev = "%x";
  for (int64_t i = 0; i < layers; ++i) {
    os << llvm::formatv(
        R"(  %e{0} = tensor.empty() : tensor<8x32xf32>
  %f{0} = linalg.fill ins(%zero : f32) outs(%e{0} : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m{0} = linalg.matmul ins({1}, %w : tensor<8x32xf32>, tensor<32x32xf32>) outs(%f{0} : tensor<8x32xf32>) -> tensor<8x32xf32>
  %o{0} = tensor.empty() : tensor<8x32xf32>
  %h{0} = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m{0} : tensor<8x32xf32>) outs(%o{0} : tensor<8x32xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x32xf32>
)",
        i, prev);
    prev = llvm::formatv("%h{0}", i).str();
  }
  os << "  return " << prev << " : tensor<8x32xf32>\n}\n";
  return s;
}

static const char *const kCompileFormat = "mxfp8_e4m3";

/// The mx pipeline of the compile-time rows, as a pass pipeline on the
/// module.
static std::string compilePipeline() {
  return llvm::formatv("mx-quantize{{format={0}},mx-propagate,mx-fuse,"
                       "mx-lower-to-llvm{{outline-kernels=true}",
                       kCompileFormat)
      .str();
}

/// The programs of the command rows: --mlir-opt and --mx-opt (default: the
/// mx-opt beside this executable), each checked to exist.
/// The flags of the command rows before the module file (after it: `-o -`):
/// one thread, as in process.
static std::vector<std::string> mlirOptFlags() {
  return {"--mlir-disable-threading", "--canonicalize", "--cse"};
}
static std::vector<std::string> mxOptFlags() {
  return {"--mlir-disable-threading",
          "--pass-pipeline=builtin.module(" + compilePipeline() + ")"};
}

static CompileCommands findCompileCommands(const char *argv0) {
  CompileCommands c;
  c.mlirOpt = mlirOptOpt;
  c.mxOpt = mxOptOpt;
  if (c.mxOpt.empty()) {
    std::string self = llvm::sys::fs::getMainExecutable(
        argv0, reinterpret_cast<void *>(&findCompileCommands));
    llvm::SmallString<256> path(llvm::sys::path::parent_path(self));
    llvm::sys::path::append(path, "mx-opt");
    c.mxOpt = std::string(path);
  }
  for (const std::string &program : {c.mlirOpt, c.mxOpt})
    if (!llvm::sys::fs::can_execute(program)) {
      c.missing = "no executable " + program;
      break;
    }
  return c;
}

/// Runs `args` (args[0]: the program) with stdin and stdout on the null
/// device and stderr into `errFile`; the wall time in ms, or nullopt with
/// `error` set (the exit status and the first lines of stderr).
static std::optional<double> timeCommand(llvm::ArrayRef<llvm::StringRef> args,
                                         llvm::StringRef errFile,
                                         std::string &error) {
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(""), errFile};
  std::string message;
  auto start = std::chrono::steady_clock::now();
  int rc = llvm::sys::ExecuteAndWait(args[0], args, std::nullopt, redirects,
                                     /*SecondsToWait=*/0, /*MemoryLimit=*/0,
                                     &message);
  double ms = msSince(start);
  if (rc == 0)
    return ms;
  error = llvm::formatv("`{0}` failed (exit status {1}{2}{3})",
                        llvm::join(args, " "), rc, message.empty() ? "" : ": ",
                        message)
              .str();
  if (auto buffer = llvm::MemoryBuffer::getFile(errFile)) {
    llvm::StringRef text = (*buffer)->getBuffer().rtrim();
    if (!text.empty())
      error += ":\n" + text.take_front(2000).str();
  }
  return std::nullopt;
}

/// The command rows of one size: the module written to a file, then
/// `repeat` alternating runs of `mlir-opt --canonicalize --cse` and of
/// mx-opt with compilePipeline(), both on one thread, output discarded.
static void runCompileCommands(CompileRow &row, llvm::StringRef source,
                               unsigned repeat,
                               const CompileCommands &commands) {
  if (!commands.missing.empty()) {
    row.commandStatus = "skipped";
    row.commandNote = commands.missing;
    return;
  }
  auto error = [&](const llvm::Twine &note) {
    row.commandStatus = "error";
    row.commandNote = note.str();
  };
  llvm::SmallString<128> file, errFile;
  int fd;
  std::error_code ec =
      llvm::sys::fs::createTemporaryFile("mx-bench-compile", "mlir", fd, file);
  if (!ec)
    ec = llvm::sys::fs::createTemporaryFile("mx-bench-compile", "stderr",
                                            errFile);
  llvm::FileRemover removeFile(file), removeErr(errFile);
  if (ec)
    return error("cannot create a temporary file: " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << source;
    if (os.has_error()) {
      os.clear_error();
      return error("cannot write " + file);
    }
  }
  // Program, flags, file, -o -.
  auto argsOf = [&](const std::string &program,
                    const std::vector<std::string> &flags) {
    SmallVector<llvm::StringRef> args{program};
    args.append(flags.begin(), flags.end());
    args.append({file, "-o", "-"});
    return args;
  };
  std::vector<std::string> baseFlags = mlirOptFlags(), mxFlags = mxOptFlags();
  SmallVector<llvm::StringRef> mlirOptArgs =
      argsOf(commands.mlirOpt, baseFlags);
  SmallVector<llvm::StringRef> mxOptArgs = argsOf(commands.mxOpt, mxFlags);
  for (unsigned run = 0; run < std::max(1u, repeat); ++run) {
    std::string message;
    std::optional<double> base = timeCommand(mlirOptArgs, errFile, message);
    std::optional<double> mx;
    if (base)
      mx = timeCommand(mxOptArgs, errFile, message);
    if (!base || !mx)
      return error(message);
    row.mlirOptRuns.push_back(*base);
    row.mxOptRuns.push_back(*mx);
  }
  row.mlirOptMs = *llvm::min_element(row.mlirOptRuns);
  row.mxOptMs = *llvm::min_element(row.mxOptRuns);
  row.commandStatus = "ok";
}

/// Compiles the module of about `requested` ops `repeat` times with each
/// pipeline, alternating: parse, canonicalize,cse on a clone, the mx
/// pipeline on the parsed module. Each pipeline run builds its own pass
/// manager (pattern sets included), as mlir-opt would; the dialects are
/// loaded by the first run of the context, so the first run of the first
/// size is dearer, and the row keeps the fastest run of each.
static CompileRow runCompile(MLIRContext &context, int64_t requested,
                             unsigned repeat, const CompileCommands *commands) {
  CompileRow row;
  row.requested = requested;
  row.layers = std::max<int64_t>(1, requested / kOpsPerLayer);
  std::string source = compileModule(row.layers);
  std::string pipeline = compilePipeline();
  std::vector<double> parseRuns;
  for (unsigned run = 0; run < std::max(1u, repeat); ++run) {
    std::string diagnostics;
    auto start = std::chrono::steady_clock::now();
    OwningOpRef<ModuleOp> module = parseModule(context, source, diagnostics);
    parseRuns.push_back(msSince(start));
    if (!module) {
      row.status = "error";
      row.note = "generated module does not parse:\n" + diagnostics;
      return row;
    }
    if (run == 0)
      module->walk([&](Operation *op) {
        if (op != module->getOperation())
          ++row.ops;
      });
    {
      OwningOpRef<ModuleOp> copy(cast<ModuleOp>((*module)->clone()));
      start = std::chrono::steady_clock::now();
      if (failed(runPipeline(*copy, "canonicalize,cse", diagnostics))) {
        row.status = "error";
        row.note = "canonicalize,cse failed:\n" + diagnostics;
        return row;
      }
      row.baselineRuns.push_back(msSince(start));
    }
    start = std::chrono::steady_clock::now();
    if (failed(runPipeline(*module, pipeline, diagnostics))) {
      row.status = "error";
      row.note = "the mx pipeline failed:\n" + diagnostics;
      return row;
    }
    row.mxRuns.push_back(msSince(start));
  }
  row.parseMs = *llvm::min_element(parseRuns);
  row.baselineMs = *llvm::min_element(row.baselineRuns);
  row.mxMs = *llvm::min_element(row.mxRuns);
  row.status = "ok";
  if (commands)
    runCompileCommands(row, source, repeat, *commands);
  return row;
}

static void printCompileRow(const CompileRow &r) {
  if (r.status != "ok") {
    llvm::outs() << llvm::format("%8lld %8s  %s\n", (long long)r.requested,
                                 r.status.c_str(), r.note.c_str());
    return;
  }
  llvm::outs() << llvm::format(
      "%8lld %8lld %10.1f %12.1f %10.2f %12.1f %10.2f %8.1f\n",
      (long long)r.requested, (long long)r.ops, r.parseMs, r.baselineMs,
      1e3 * r.baselineMs / r.ops, r.mxMs, 1e3 * r.mxMs / r.ops,
      r.mxMs / r.baselineMs);
  llvm::outs().flush();
}

/// t(ops) = fixed + perOp * ops through two rows' times (ms): the fixed
/// cost cancels in the slope, which is the cost each further op adds.
static std::pair<double, double> fitFixedAndPerOp(const CompileRow &small,
                                                  double smallMs,
                                                  const CompileRow &large,
                                                  double largeMs) {
  double perOp = (largeMs - smallMs) / double(large.ops - small.ops);
  return {smallMs - perOp * double(small.ops), perOp};
}

/// The table of the command rows (the module through `mlir-opt
/// --canonicalize --cse` and through mx-opt, each a process), and their
/// fixed + per-op line through the smallest and the largest size; fills
/// `json` with the line's figures.
static void printCompileCommands(llvm::ArrayRef<CompileRow> rows,
                                 unsigned repeat, llvm::json::Object &json) {
  if (llvm::none_of(
          rows, [](const CompileRow &r) { return !r.commandStatus.empty(); }))
    return;
  llvm::outs() << llvm::formatv(
      "\nas commands: `mlir-opt --mlir-disable-threading --canonicalize --cse "
      "FILE` vs `mx-opt --mlir-disable-threading "
      "--pass-pipeline=builtin.module(<the mx pipeline>) FILE`, each a "
      "process (start-up, parse and print to a discarded stdout included); "
      "fastest of {0} alternating runs of each\n\n",
      std::max(1u, repeat));
  llvm::outs() << llvm::format("%8s %8s %12s %10s %12s %10s %8s\n", "size",
                               "ops", "mlir-opt ms", "us/op", "mx-opt ms",
                               "us/op", "ratio");
  llvm::outs() << std::string(74, '-') << "\n";
  const CompileRow *small = nullptr, *large = nullptr;
  for (const CompileRow &r : rows) {
    if (r.commandStatus != "ok") {
      if (!r.commandStatus.empty())
        llvm::outs() << llvm::format("%8lld %8s  %s\n", (long long)r.requested,
                                     r.commandStatus.c_str(),
                                     r.commandNote.c_str());
      continue;
    }
    if (!small)
      small = &r;
    large = &r;
    llvm::outs() << llvm::format(
        "%8lld %8lld %12.1f %10.2f %12.1f %10.2f %8.1f\n",
        (long long)r.requested, (long long)r.ops, r.mlirOptMs,
        1e3 * r.mlirOptMs / r.ops, r.mxOptMs, 1e3 * r.mxOptMs / r.ops,
        r.mxOptMs / r.mlirOptMs);
  }
  if (!small || small == large)
    return;
  auto [mxFixed, mxPerOp] =
      fitFixedAndPerOp(*small, small->mxOptMs, *large, large->mxOptMs);
  auto [baseFixed, basePerOp] =
      fitFixedAndPerOp(*small, small->mlirOptMs, *large, large->mlirOptMs);
  double ratio = basePerOp > 0 ? mxPerOp / basePerOp : 0;
  llvm::outs() << llvm::formatv(
      "as commands, fixed + per-op cost through {0} and {1} ops: mx-opt "
      "{2:F1} ms + {3:F2} us/op, mlir-opt {4:F1} ms + {5:F2} us/op; per-op "
      "ratio {6:F1}x\n",
      small->ops, large->ops, mxFixed, 1e3 * mxPerOp, baseFixed,
      1e3 * basePerOp, ratio);
  json = llvm::json::Object{
      {"from_ops", small->ops},         {"to_ops", large->ops},
      {"mx_opt_fixed_ms", mxFixed},     {"mx_opt_us_per_op", 1e3 * mxPerOp},
      {"mlir_opt_fixed_ms", baseFixed}, {"mlir_opt_us_per_op", 1e3 * basePerOp},
      {"per_op_ratio", ratio}};
}

/// Runs the compile-time rows; returns false on an error. `linearity`
/// receives the verdict.
static bool runCompileRows(MLIRContext &context, llvm::ArrayRef<int64_t> sizes,
                           unsigned repeat, const CompileCommands *commands,
                           std::vector<CompileRow> &rows,
                           std::string &linearity, std::string &marginal,
                           llvm::json::Object &marginalJSON,
                           llvm::json::Object &commandsJSON) {
  llvm::outs() << llvm::format("%8s %8s %10s %12s %10s %12s %10s %8s\n", "size",
                               "ops", "parse ms", "canon+cse ms", "us/op",
                               "mx pipe ms", "us/op", "ratio");
  llvm::outs() << std::string(86, '-') << "\n";
  bool ok = true;
  for (int64_t size : sizes) {
    // Skip a size whose linear extrapolation from the last one is too slow.
    if (!rows.empty() && rows.back().status == "ok") {
      const CompileRow &last = rows.back();
      double estimate = (last.mxMs + last.baselineMs + last.parseMs) *
                        double(size) / double(last.ops) * 1e-3 *
                        std::max(1u, repeat);
      if (estimate > compileBudgetOpt) {
        CompileRow row;
        row.requested = size;
        row.status = "skipped";
        row.note = llvm::formatv("estimated {0:F0} s from the previous size, "
                                 "over --compile-budget={1:F0}",
                                 estimate, compileBudgetOpt.getValue())
                       .str();
        printCompileRow(row);
        rows.push_back(std::move(row));
        continue;
      }
    }
    CompileRow row = runCompile(context, size, repeat, commands);
    if (row.status == "error") {
      warn("compile time, size " + llvm::Twine(size) + ": " + row.note);
      ok = false;
    }
    if (row.commandStatus == "error") {
      warn("compile time as commands, size " + llvm::Twine(size) + ": " +
           row.commandNote);
      ok = false;
    }
    printCompileRow(row);
    rows.push_back(std::move(row));
  }

  // Linear growth: the time per op of the largest measured module against
  // the smallest (fixed costs make small modules slightly dearer per op).
  const CompileRow *small = nullptr, *large = nullptr;
  for (const CompileRow &r : rows)
    if (r.status == "ok") {
      if (!small)
        small = &r;
      large = &r;
    }
  if (small && large && small != large) {
    double growth = (large->mxMs / large->ops) / (small->mxMs / small->ops);
    double baseGrowth =
        (large->baselineMs / large->ops) / (small->baselineMs / small->ops);
    linearity = llvm::formatv(
        "time per op from {0} to {1} ops: mx pipeline x{2:F2}, canonicalize+"
        "cse x{3:F2}; the mx pipeline {4} (linear: within x1.5)",
        small->ops, large->ops, growth, baseGrowth,
        growth <= 1.5 ? "scales linearly" : "grows faster than linearly");
    // t(ops) = fixed + perOp * ops through the smallest and the largest
    // module: the fixed cost (mostly lowering the kernels, the same few
    // kernels at every size) cancels in the slope, which is the cost each
    // further op adds.
    auto [mxFixed, mxPerOp] =
        fitFixedAndPerOp(*small, small->mxMs, *large, large->mxMs);
    auto [baseFixed, basePerOp] =
        fitFixedAndPerOp(*small, small->baselineMs, *large, large->baselineMs);
    double ratio = basePerOp > 0 ? mxPerOp / basePerOp : 0;
    marginal = llvm::formatv(
        "fixed + per-op cost through {0} and {1} ops: mx pipeline {2:F1} ms + "
        "{3:F2} us/op, canonicalize+cse {4:F1} ms + {5:F2} us/op; per-op "
        "ratio {6:F1}x",
        small->ops, large->ops, mxFixed, 1e3 * mxPerOp, baseFixed,
        1e3 * basePerOp, ratio);
    marginalJSON =
        llvm::json::Object{{"from_ops", small->ops},
                           {"to_ops", large->ops},
                           {"mx_pipeline_fixed_ms", mxFixed},
                           {"mx_pipeline_us_per_op", 1e3 * mxPerOp},
                           {"canonicalize_cse_fixed_ms", baseFixed},
                           {"canonicalize_cse_us_per_op", 1e3 * basePerOp},
                           {"per_op_ratio", ratio}};
  } else {
    linearity = "fewer than two sizes measured: linearity not judged";
  }
  llvm::outs() << linearity << "\n";
  if (!marginal.empty())
    llvm::outs() << marginal << "\n";
  printCompileCommands(rows, repeat, commandsJSON);
  return ok;
}

static llvm::json::Array compileJSON(const std::vector<CompileRow> &rows) {
  llvm::json::Array array;
  for (const CompileRow &r : rows) {
    llvm::json::Object o{{"requested_ops", r.requested}, {"status", r.status}};
    if (r.status == "ok") {
      o["ops"] = r.ops;
      o["layers"] = r.layers;
      o["parse_ms"] = r.parseMs;
      o["canonicalize_cse_ms"] = r.baselineMs;
      o["canonicalize_cse_us_per_op"] = 1e3 * r.baselineMs / r.ops;
      o["mx_pipeline_ms"] = r.mxMs;
      o["mx_pipeline_us_per_op"] = 1e3 * r.mxMs / r.ops;
      o["ratio"] = r.mxMs / r.baselineMs;
      o["canonicalize_cse_ms_runs"] = llvm::json::Array(r.baselineRuns);
      o["mx_pipeline_ms_runs"] = llvm::json::Array(r.mxRuns);
    }
    if (!r.commandStatus.empty()) {
      llvm::json::Object c{{"status", r.commandStatus}};
      if (r.commandStatus == "ok") {
        c["mlir_opt_ms"] = r.mlirOptMs;
        c["mx_opt_ms"] = r.mxOptMs;
        c["ratio"] = r.mxOptMs / r.mlirOptMs;
        c["mlir_opt_ms_runs"] = llvm::json::Array(r.mlirOptRuns);
        c["mx_opt_ms_runs"] = llvm::json::Array(r.mxOptRuns);
      }
      if (!r.commandNote.empty())
        c["note"] = r.commandNote;
      o["commands"] = std::move(c);
    }
    if (!r.note.empty())
      o["note"] = r.note;
    array.push_back(std::move(o));
  }
  return array;
}

//===----------------------------------------------------------------------===//
// SVG chart
//===----------------------------------------------------------------------===//

namespace {
struct ChartBar {
  std::string label;
  double value;
  /// Our kernels are drawn in one colour, references in another.
  bool reference;
};
struct ChartPanel {
  std::string title;
  std::string unit;
  std::vector<ChartBar> bars;
};
} // namespace

static std::string xmlEscape(llvm::StringRef text) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::printHTMLEscaped(text, os);
  return out;
}

/// Horizontal bar charts, one panel per section, each on its own linear
/// scale; plain SVG 1.1 text.
static llvm::Error writeSvg(llvm::StringRef path,
                            llvm::ArrayRef<ChartPanel> panels,
                            llvm::StringRef subtitle) {
  constexpr int kWidth = 960, kLabelW = 330, kBarW = 500, kBarH = 14, kGap = 4,
                kTitleH = 28;
  int height = 50;
  for (const ChartPanel &p : panels)
    height += kTitleH + int(p.bars.size()) * (kBarH + kGap) + 16;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"monospace\" "
      "font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"14\">mx-bench"
      "</text>\n<text x=\"10\" y=\"38\">{2}</text>\n",
      kWidth, height, xmlEscape(subtitle));
  int y = 50;
  for (const ChartPanel &p : panels) {
    double max = 0;
    for (const ChartBar &b : p.bars)
      max = std::max(max, b.value);
    os << llvm::formatv("<text x=\"10\" y=\"{0}\" font-size=\"13\" "
                        "font-weight=\"bold\">{1} ({2})</text>\n",
                        y + 18, xmlEscape(p.title), xmlEscape(p.unit));
    y += kTitleH;
    for (const ChartBar &b : p.bars) {
      double w = max > 0 ? b.value / max * kBarW : 0;
      os << llvm::formatv(
          "<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">{2}</text>\n"
          "<rect x=\"{3}\" y=\"{4}\" width=\"{5:F1}\" height=\"{6}\" "
          "fill=\"{7}\"/>\n<text x=\"{8:F1}\" y=\"{1}\">{9}</text>\n",
          kLabelW - 6, y + kBarH - 3, xmlEscape(b.label), kLabelW, y, w, kBarH,
          b.reference ? "#999999" : "#3b6fb6", kLabelW + w + 4,
          llvm::formatv("{0:G4}", b.value).str());
      y += kBarH + kGap;
    }
    y += 16;
  }
  os << "</svg>\n";
  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec);
  if (ec)
    return llvm::createStringError("cannot write " + path + ": " +
                                   ec.message());
  file << s;
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// CNN rows: the example model end to end
//===----------------------------------------------------------------------===//

namespace {
struct CnnRow {
  std::string format;
  /// "ok" or "error".
  std::string status;
  std::string note;
  int64_t batch = 0;
  double quantizeMs = 0, lowerMs = 0, medianMs = 0;
};
} // namespace

/// Quantizes (unless fp32) the model as examples/digits/run.sh does
/// (mx-quantize, mx-propagate, mx-fuse), lowers and JIT-compiles it, and
/// times whole batches on N(0, 1) inputs of the entry's shape, one thread.
static CnnRow runCnn(MLIRContext &context, llvm::StringRef source,
                     llvm::StringRef format, unsigned repeat) {
  CnnRow row;
  row.format = format.str();
  auto error = [&](const llvm::Twine &msg) {
    row.status = "error";
    row.note = msg.str();
    return row;
  };
  std::string diagnostics;
  OwningOpRef<ModuleOp> module = parseModule(context, source, diagnostics);
  if (!module)
    return error("the model does not parse:\n" + diagnostics);
  auto start = std::chrono::steady_clock::now();
  if (format != "fp32") {
    std::string pipeline =
        llvm::formatv("mx-quantize{{format={0}},mx-propagate,mx-fuse", format)
            .str();
    if (failed(runPipeline(*module, pipeline, diagnostics)))
      return error("quantizing failed:\n" + diagnostics);
  }
  row.quantizeMs = msSince(start);
  start = std::chrono::steady_clock::now();
  auto program = mx::JitProgram::compile(*module, cnnEntryOpt);
  if (!program)
    return error(llvm::toString(program.takeError()));
  row.lowerMs = msSince(start);
  std::vector<mx::AlignedArray> inputs;
  for (const mx::TensorSignature &sig : (*program)->getInputs()) {
    if (sig.dtype != mx::npy::DType::F32 ||
        llvm::any_of(sig.shape, ShapedType::isDynamic))
      return error("the entry's inputs must be statically shaped f32 "
                   "tensors, got " +
                   sig.typeString);
    inputs.emplace_back(mx::npy::DType::F32, sig.shape);
    fillGaussian(inputs.back(), kSeed + inputs.size());
  }
  if (inputs.empty() || inputs.front().getShape().empty())
    return error("the entry takes no batch of images");
  row.batch = inputs.front().getShape().front();
  auto outputs = (*program)->allocateOutputs();
  if (!outputs)
    return error(llvm::toString(outputs.takeError()));
  llvm::Expected<double> ms =
      medianMs(repeat, [&] { return (*program)->run(inputs, *outputs); });
  if (!ms)
    return error(llvm::toString(ms.takeError()));
  row.medianMs = *ms;
  row.status = "ok";
  return row;
}

static void printCnnRow(const CnnRow &r, double fp32Ms) {
  if (r.status != "ok") {
    llvm::outs() << llvm::format("%-12s %s  %s\n", r.format.c_str(),
                                 r.status.c_str(), r.note.c_str());
    return;
  }
  double imagesPerS = r.medianMs > 0 ? 1e3 * r.batch / r.medianMs : 0;
  llvm::outs() << llvm::format(
      "%-12s %6lld %12.3f %12.0f %10.2f %12.0f\n", r.format.c_str(),
      (long long)r.batch, r.medianMs, imagesPerS,
      fp32Ms > 0 ? fp32Ms / r.medianMs : 0.0, r.quantizeMs + r.lowerMs);
}

static llvm::json::Array cnnJSON(const std::vector<CnnRow> &rows,
                                 double fp32Ms) {
  llvm::json::Array out;
  for (const CnnRow &r : rows) {
    llvm::json::Object o{{"format", r.format}, {"status", r.status}};
    if (r.status == "ok") {
      o["batch"] = r.batch;
      o["median_ms_per_batch"] = r.medianMs;
      o["images_per_s"] = 1e3 * r.batch / r.medianMs;
      if (fp32Ms > 0)
        o["speedup_vs_fp32"] = fp32Ms / r.medianMs;
      o["quantize_ms"] = r.quantizeMs;
      o["lower_and_jit_ms"] = r.lowerMs;
    } else {
      o["note"] = r.note;
    }
    out.push_back(std::move(o));
  }
  return out;
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
      "mx-bench: single-thread throughput of the mx kernels (as a ratio to a "
      "copy of the same array), quantized matmuls next to OpenBLAS and "
      "oneDNN, and compile time of the mx pipeline\n");

  int64_t rows = quickOr(rowsOpt, 64), cols = quickOr(colsOpt, 256);
  unsigned repeat = quickOr(repeatOpt, 3);
  if (rows <= 0 || cols <= 0)
    return fail("--rows and --cols must be positive");
  if (repeat == 0)
    return fail("--repeat must be at least 1");
  if (!(matmulBudgetOpt >= 0))
    return fail("--matmul-budget must not be negative");

  bool doStream = false, doMatmul = false, doCompile = false, doCnn = false;
  for (llvm::StringRef name : splitList(sectionsOpt)) {
    name = name.trim();
    if (name == "stream")
      doStream = true;
    else if (name == "matmul")
      doMatmul = true;
    else if (name == "compile")
      doCompile = true;
    else if (name == "cnn")
      doCnn = true;
    else
      return fail("unknown section '" + name +
                  "' in --sections (expected stream, matmul, compile, cnn)");
  }

  std::vector<int64_t> compileSizes(compileSizesOpt.begin(),
                                    compileSizesOpt.end());
  if (compileSizes.empty())
    compileSizes = quickOpt ? std::vector<int64_t>{200, 1000}
                            : std::vector<int64_t>{1000, 10000, 100000};
  for (int64_t size : compileSizes)
    if (size <= 0)
      return fail("--compile-sizes must be positive");
  std::optional<CompileCommands> commands;
  if (doCompile && compileCommandsOpt)
    commands = findCompileCommands(argv[0]);
  // A program named on the command line must exist; a default one that
  // does not (no mlir-opt installed) only skips the command rows.
  if (commands && !commands->missing.empty() &&
      (mlirOptOpt.getNumOccurrences() || mxOptOpt.getNumOccurrences()))
    return fail("--mlir-opt/--mx-opt: " + commands->missing);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  mx::registerMXDialect(registry);
  mx::registerMXPasses();
  registerTransformsPasses();
  MLIRContext context(registry);

  std::string cpu = cpuModel();
  bool anyError = false;
  llvm::json::Object root{{"tool", "mx-bench"}, {"date", utcDate()}};
  std::vector<ChartPanel> panels;

  //===--- Streaming kernels against a copy ---===//
  if (doStream) {
    // The input, and the reference: memcpy into a separate buffer. Both
    // buffers are 64-byte aligned and already touched (AlignedArray zeroes
    // them), so no page faults are timed.
    mx::AlignedArray input(mx::npy::DType::F32, {rows, cols});
    mx::AlignedArray copyOut(mx::npy::DType::F32, {rows, cols});
    if (!input.data() || !copyOut.data())
      return fail("out of memory allocating the arrays");
    fillGaussian(input);
    float inputAmax = 0;
    for (float v : llvm::ArrayRef(static_cast<const float *>(input.data()),
                                  input.sizeInBytes() / sizeof(float)))
      inputAmax = std::max(inputAmax, std::fabs(v));
    double bytes = double(input.sizeInBytes());

    auto copy = [&] {
      std::memcpy(copyOut.data(), input.data(), input.sizeInBytes());
      return llvm::Error::success();
    };
    llvm::Expected<double> copyMs = medianMs(repeat, copy);
    if (!copyMs)
      return fail(llvm::toString(copyMs.takeError()));

    llvm::outs() << "mx-bench: " << rows << "x" << cols << " f32 ("
                 << llvm::format("%.1f", bytes / (1 << 20))
                 << " MiB), median of " << repeat
                 << " after 1 warm-up, 1 thread; " << cpu << "\n\n";
    Reporter reporter(bytes, *copyMs);

    for (llvm::StringRef format : mx::FormatSpec::presetNames()) {
      FormatRunner runner(context, input, repeat, copy);
      KernelShape shape{format, rows, cols, inputAmax};
      for (const OpKind &op : opTable()) {
        std::string name = (format + "/" + op.name).str();
        if (!matchesFilter(name) || (op.appliesTo && !op.appliesTo(format)))
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

    // The copy again, as a check that the machine did not change speed
    // during the run; the ratios use the first measurement.
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
    root["copy_end_ms"] = *copyEndMs;
    root["results"] = reporter.toJSON();

    ChartPanel panel{"quantize / dequantize / fake-quant, 1 thread, " +
                         std::to_string(rows) + "x" + std::to_string(cols) +
                         " f32",
                     "GB/s of f32 data",
                     {}};
    for (const Result &r : reporter.getResults())
      if (r.status == "ok")
        panel.bars.push_back({r.format + " " + r.op, r.gbPerS, r.op == "copy"});
    panels.push_back(std::move(panel));
  }

  //===--- Matmuls ---===//
  if (doMatmul) {
    std::vector<MatmulShape> shapes =
        quickOpt ? std::vector<MatmulShape>{{64, 64, 64},
                                            {128, 128, 64},
                                            {1, 256, 256}}
                 : std::vector<MatmulShape>{
                       {1024, 1024, 1024}, {4096, 4096, 1024}, {1, 4096, 4096}};
    if (!matmulShapesOpt.empty())
      shapes.clear();
    for (llvm::StringRef text : matmulShapesOpt) {
      llvm::SmallVector<llvm::StringRef> dims;
      text.split(dims, 'x');
      MatmulShape shape{0, 0, 0};
      if (dims.size() != 3 || dims[0].getAsInteger(10, shape.m) ||
          dims[1].getAsInteger(10, shape.n) ||
          dims[2].getAsInteger(10, shape.k) || shape.m <= 0 || shape.n <= 0 ||
          shape.k <= 0)
        return fail("--matmul-shapes: expected positive MxNxK, got '" + text +
                    "'");
      if (shape.k % 32)
        return fail("--matmul-shapes: K must be a multiple of 32 (the block "
                    "size), got '" +
                    text + "'");
      shapes.push_back(shape);
    }
    llvm::outs() << llvm::formatv(
        "\nmatmul C[MxN] = A[MxK] * B[KxN], f32 result; mx rows: operands "
        "quantized ahead of time (untimed), the mx-fuse'd kernel is timed "
        "(thr > 1: parallel=openmp); references on f32 (u8/s8 for u8s8s32) "
        "data, 1 and 2 threads; median of up to {0} runs or {1:F1} s after 1 "
        "warm-up\n"
        "OpenBLAS: {2}; oneDNN: {3}\n\n",
        repeat, matmulBudgetOpt.getValue(),
        mx::bench::haveOpenBLAS() ? "found" : "not found",
        mx::bench::haveOneDNN() ? "found" : "not found");
    printMatmulHeader();
    MatmulBench bench(context, repeat, matmulBudgetOpt * 1e3);
    // The matmul rows run on a thread with a 1 GiB stack. The JIT-compiled
    // code once overflowed 8 MiB at K x N >= 2048 x 2048 (fixed in the CPU
    // pipeline, bench/README.md "Known issues"); the margin costs nothing.
    llvm::thread worker(std::optional<unsigned>(1u << 30), [&] {
      for (const MatmulShape &shape : shapes)
        if (!bench.runShape(shape))
          anyError = true;
    });
    worker.join();
    root["matmul"] = matmulJSON(bench.getRows());
    llvm::json::Array formats;
    for (const char *format : kMatmulFormats)
      formats.push_back(format);
    root["matmul_config"] = llvm::json::Object{
        {"formats", std::move(formats)},
        {"gop", "2*M*N*K / median time, 1e9 ops"},
        {"vs_sgemm_1t", "OpenBLAS sgemm (1 thread) median / row median"},
        {"mx_rows", "operands quantized ahead of time and passed as "
                    "arguments; mx-fuse makes one mx.contract; "
                    "--mx-lower-to-llvm; single thread"},
        {"check", llvm::formatv("relative RMS difference against sgemm (or "
                                "an f64 loop over sampled rows) on the "
                                "dequantized operands <= {0}",
                                kMatmulTolerance)
                      .str()},
        {"max_runs", int64_t(repeat)},
        {"budget_s", matmulBudgetOpt.getValue()},
        {"openblas", mx::bench::haveOpenBLAS()},
        {"onednn", mx::bench::haveOneDNN()}};
    for (const MatmulShape &shape : shapes) {
      ChartPanel panel{"matmul MxNxK = " + shape.label(), "GOP/s", {}};
      for (const MatmulRow &r : bench.getRows())
        if (r.shape == shape.label() && r.status == "ok")
          panel.bars.push_back(
              {llvm::formatv("{0} {1} {2}t", r.impl, r.format, r.threads).str(),
               r.gops, r.impl != "mx"});
      panels.push_back(std::move(panel));
    }
  }

  //===--- Compile time ---===//
  if (doCompile) {
    unsigned compileRepeat = quickOr(compileRepeatOpt, 1);
    llvm::outs() << llvm::formatv(
        "\ncompile time: chains of 8x32x32 linalg.matmul + relu on tensors; "
        "`mx-quantize{{format={0}}, mx-propagate, mx-fuse, mx-lower-to-llvm` "
        "vs `canonicalize, cse` on the same module, in process, one "
        "thread; fastest of {1} alternating runs of each\n\n",
        kCompileFormat, compileRepeat);
    MLIRContext compileContext(registry, MLIRContext::Threading::DISABLED);
    std::vector<CompileRow> compileRows;
    std::string linearity, marginal;
    llvm::json::Object marginalJSON, commandsJSON;

    if (!runCompileRows(compileContext, compileSizes, compileRepeat,
                        commands ? &*commands : nullptr, compileRows, linearity,
                        marginal, marginalJSON, commandsJSON))
      anyError = true;
    root["compile"] = compileJSON(compileRows);
    root["compile_config"] = llvm::json::Object{
        {"module", "chain of 8x32 * 32x32 linalg.matmul + relu "
                   "(linalg.generic) on tensors"},
        {"mx_pipeline", compilePipeline()},
        {"baseline", "canonicalize,cse"},
        {"threads", 1},
        {"repeat", compileRepeat},
        {"timing", "fastest of `repeat` runs of each pipeline, alternating "
                   "(parse, canonicalize,cse on a clone, mx pipeline)"},
        {"linearity", linearity}};
    if (!marginalJSON.empty())
      root["compile_fixed_and_per_op"] = std::move(marginalJSON);
    if (!commandsJSON.empty())
      root["compile_commands_fixed_and_per_op"] = std::move(commandsJSON);
    if (commands)
      root["compile_commands"] = llvm::json::Object{
          {"mlir_opt", commands->mlirOpt},
          {"mx_opt", commands->mxOpt},
          {"mlir_opt_args", llvm::join(mlirOptFlags(), " ") + " FILE -o -"},
          {"mx_opt_args", llvm::join(mxOptFlags(), " ") + " FILE -o -"},
          {"timing", "wall time of each process, stdout discarded; fastest "
                     "of `repeat` alternating runs"}};
    ChartPanel panel{"compile time per op", "us/op", {}};
    for (const CompileRow &r : compileRows)
      if (r.status == "ok") {
        panel.bars.push_back({llvm::formatv("canonicalize+cse {0} ops", r.ops),
                              1e3 * r.baselineMs / r.ops, true});
        panel.bars.push_back({llvm::formatv("mx pipeline {0} ops", r.ops),
                              1e3 * r.mxMs / r.ops, false});
      }
    panels.push_back(std::move(panel));
  }

  //===--- The example CNN end to end ---===//
  if (doCnn) {
    std::vector<std::string> formats(cnnFormatsOpt.begin(),
                                     cnnFormatsOpt.end());
    if (formats.empty()) {
      formats.push_back("fp32");
      for (llvm::StringRef p : mx::FormatSpec::presetNames())
        formats.push_back(p.str());
    }
    unsigned cnnRepeat = quickOr(cnnRepeatOpt, 2);
    auto buffer = llvm::MemoryBuffer::getFile(cnnModelOpt);
    if (!buffer)
      return fail("cannot read --cnn-model " + cnnModelOpt + ": " +
                  buffer.getError().message());
    llvm::outs() << "\nCNN end to end: " << cnnModelOpt << " @" << cnnEntryOpt
                 << "; mx-quantize{format=F}, mx-propagate, mx-fuse, "
                    "mx-lower-to-llvm; median of "
                 << cnnRepeat << " batches after 1 warm-up, 1 thread\n\n";
    llvm::outs() << llvm::format("%-12s %6s %12s %12s %10s %12s\n", "format",
                                 "batch", "ms/batch", "images/s", "vs fp32",
                                 "compile ms");
    MLIRContext cnnContext(registry, MLIRContext::Threading::DISABLED);
    std::vector<CnnRow> cnnRows;
    double fp32Ms = 0;
    for (const std::string &format : formats) {
      if (format != "fp32" && !mx::FormatSpec::getPreset(format))
        return fail("unknown format '" + format + "' in --cnn-formats");
      CnnRow row =
          runCnn(cnnContext, (*buffer)->getBuffer(), format, cnnRepeat);
      if (row.status != "ok")
        anyError = true;
      else if (format == "fp32")
        fp32Ms = row.medianMs;
      printCnnRow(row, fp32Ms);
      cnnRows.push_back(std::move(row));
    }
    root["cnn"] = cnnJSON(cnnRows, fp32Ms);
    root["cnn_config"] = llvm::json::Object{
        {"model", cnnModelOpt.getValue()},
        {"entry", cnnEntryOpt.getValue()},
        {"passes", "mx-quantize{format=F},mx-propagate,mx-fuse"},
        {"repeat", int64_t(cnnRepeat)},
        {"threads", 1},
        {"input", "N(0,1) float32"}};
    ChartPanel panel{"CNN end to end", "images/s", {}};
    for (const CnnRow &r : cnnRows)
      if (r.status == "ok")
        panel.bars.push_back(
            {r.format, 1e3 * r.batch / r.medianMs, r.format == "fp32"});
    panels.push_back(std::move(panel));
  }

  llvm::json::Object machine{
      {"cpu_model", cpu},
      {"host_cpu", llvm::sys::getHostCPUName().str()},
      {"logical_cpus", int64_t(std::thread::hardware_concurrency())},
      {"llvm_version", LLVM_VERSION_STRING}};
  root["machine"] = std::move(machine);
  root["config"] = llvm::json::Object{
      {"rows", rows},
      {"cols", cols},
      {"dtype", "f32"},
      {"bytes", rows * cols * 4},
      {"repeat", int64_t(repeat)},
      {"warmup", 1},
      {"threads", int64_t(std::max(1u, threadsOpt.getValue()))},
      {"seed", int64_t(kSeed)},
      {"input", "N(0,1) float32, normal values only"},
      {"filter", filterOpt.getValue()},
      {"sections", sectionsOpt.getValue()},
      {"gb", "1e9 bytes; bytes = rows*cols*4 for every row, the copy "
             "included"},
      {"ratio", "copy median / kernel median"}};

  std::error_code ec;
  llvm::raw_fd_ostream os(jsonOpt, ec);
  if (ec)
    return fail("cannot write " + jsonOpt + ": " + ec.message());
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  llvm::outs() << "wrote " << jsonOpt << "\n";
  if (!svgOpt.empty()) {
    if (llvm::Error err = writeSvg(
            svgOpt, panels, cpu + ", " + utcDate() + "; grey: references"))
      return fail(llvm::toString(std::move(err)));
    llvm::outs() << "wrote " << svgOpt << "\n";
  }
  return anyError ? 1 : 0;
}
