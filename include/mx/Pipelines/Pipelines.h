//===- Pipelines.h - Named mx pipelines -------------------------*- C++ -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PIPELINES_PIPELINES_H
#define MX_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mx {

/// Threads for the loops the kernel emitters mark parallel (mx.parallel).
enum class MXParallel { None, OpenMP };

/// Options of --mx-lower-to-llvm.
struct MXLowerToLLVMOptions
    : public mlir::PassPipelineOptions<MXLowerToLLVMOptions> {
  PassOptions::Option<bool> cInterface{
      *this, "c-interface",
      llvm::cl::desc("Mark public functions llvm.emit_c_interface and record "
                     "their tensor signature in mx.signature"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> outParams{
      *this, "out-params",
      llvm::cl::desc("Return results through caller-allocated buffers "
                     "(buffer-results-to-out-params on public functions)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> stream{
      *this, "stream",
      llvm::cl::desc("Software prefetch and non-temporal stores in loops "
                     "over large buffers (mx-stream-memory)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("Bytes to prefetch ahead of streaming reads"),
      llvm::cl::init(4096)};
  PassOptions::Option<int64_t> argAlignment{
      *this, "arg-alignment",
      llvm::cl::desc("Alignment in bytes that callers guarantee for buffer "
                     "arguments (0: unknown); lets stores into them be "
                     "non-temporal"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> x86Vector{
      *this, "x86-vector",
      llvm::cl::desc("Let vector-to-llvm use x86 vector intrinsics"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> contractKernels{
      *this, "contract-kernels",
      llvm::cl::desc("Kernels for mx.contract in matmul form: none, generic, "
                     "avx512vnni, amx or auto (the host CPU's)"),
      llvm::cl::init("auto")};
  PassOptions::Option<bool> contractExact{
      *this, "contract-exact",
      llvm::cl::desc("Only contract kernels bit-identical to the unfused "
                     "graph"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> contractPrepack{
      *this, "contract-prepack",
      llvm::cl::desc("Pack constant weights of contract kernels at compile "
                     "time into the kernels' layout"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> reassociateFPReductions{
      *this, "reassociate-fp-reductions",
      llvm::cl::desc("Allow reassociation of floating-point reductions (not "
                     "bit-exact)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("Outline mx ops into private kernel functions shared by "
                     "identical ops (mx-outline-kernels): compile time "
                     "linear in the number of ops"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> barePtrKernels{
      *this, "bare-ptr-kernels",
      llvm::cl::desc("Pass the buffers of private kernels as bare pointers "
                     "(mx-bare-ptr-kernels): fewer call operands"),
      llvm::cl::init(true)};
  PassOptions::Option<MXParallel> parallel{
      *this, "parallel",
      llvm::cl::desc("Run the loops marked mx.parallel (stream rows, contract "
                     "row blocks) on threads"),
      llvm::cl::init(MXParallel::None),
      llvm::cl::values(
          clEnumValN(MXParallel::None, "none", "one thread (default)"),
          clEnumValN(MXParallel::OpenMP, "openmp",
                     "OpenMP work-sharing loops (convert-scf-to-openmp; the "
                     "program needs the OpenMP runtime, libomp)"))};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads of parallel=openmp (0: the OpenMP runtime's "
                     "default, OMP_NUM_THREADS or one per core)"),
      llvm::cl::init(0)};
};

/// Options of --mx-quantize-pipeline (the options of mx-quantize plus the
/// steps after it).
struct MXQuantizePipelineOptions
    : public mlir::PassPipelineOptions<MXQuantizePipelineOptions> {
  PassOptions::Option<std::string> format{
      *this, "format", llvm::cl::desc("Format preset for activations"),
      llvm::cl::init("mxfp8_e4m3")};
  PassOptions::Option<std::string> weightFormat{
      *this, "weight-format",
      llvm::cl::desc("Format preset for weights (default: as format)"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> blockSize{
      *this, "block-size", llvm::cl::desc("Override the block size"),
      llvm::cl::init(0)};
  PassOptions::Option<std::string> rounding{
      *this, "rounding", llvm::cl::desc("Override the rounding"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> scaleRule{
      *this, "scale-rule", llvm::cl::desc("Override the scale rule"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> activations{
      *this, "activations",
      llvm::cl::desc("INT8 activation scales: dynamic or static"),
      llvm::cl::init("dynamic")};
  PassOptions::Option<bool> propagate{
      *this, "propagate",
      llvm::cl::desc("Run mx-propagate after inserting the quantizations"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> fuse{
      *this, "fuse",
      llvm::cl::desc("Run mx-fuse (quantized compute ops) after propagation"),
      llvm::cl::init(false)};
};

/// Appends mx-quantize (then mx-propagate, optionally mx-fuse, and a
/// cleanup): the quantization
/// steps of the flow, before lowering.
void buildMXQuantizePipeline(mlir::OpPassManager &pm,
                             const MXQuantizePipelineOptions &options);

/// Appends the passes that take tensor-level IR with mx, func, linalg,
/// tensor, arith and math ops to the LLVM dialect.
void buildMXLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                const MXLowerToLLVMOptions &options);

/// Registers --mx-lower-to-llvm (and later pipelines).
void registerMXPipelines();

} // namespace mx

#endif // MX_PIPELINES_PIPELINES_H
