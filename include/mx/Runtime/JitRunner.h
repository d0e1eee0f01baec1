//===- JitRunner.h - Compile and run a function on arrays -------*- C++ -*-===//
//
// Part of mx-opt. Lowers a module (unless it is already in the LLVM dialect)
// with --mx-lower-to-llvm, JIT-compiles it in process at -O3 for the host CPU
// and calls one of its functions on .npy arrays. Used by mx-run, mx-calibrate
// and the benchmarks.
//
//===----------------------------------------------------------------------===//

#ifndef MX_RUNTIME_JITRUNNER_H
#define MX_RUNTIME_JITRUNNER_H

#include "mx/Runtime/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mx {

/// One tensor argument or result of an entry point.
struct TensorSignature {
  npy::DType dtype;
  /// Dimensions; ShapedType::kDynamic for dynamic ones.
  llvm::SmallVector<int64_t> shape;
  /// The tensor type as written, for messages.
  std::string typeString;
  /// A storage part of raw bytes (accepts int8 and uint8 arrays; written as
  /// uint8).
  bool isBytes = false;
};

/// A 64-byte aligned buffer with the shape of an array.
class AlignedArray {
public:
  AlignedArray(npy::DType dtype, llvm::ArrayRef<int64_t> shape);
  AlignedArray(const npy::Array &array);
  ~AlignedArray();
  AlignedArray(const AlignedArray &) = delete;
  AlignedArray &operator=(const AlignedArray &) = delete;
  AlignedArray(AlignedArray &&other) noexcept;

  npy::DType getDType() const { return dtype; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  void *data() const { return ptr; }
  size_t sizeInBytes() const { return bytes; }
  npy::Array toNpy() const;

private:
  npy::DType dtype;
  llvm::SmallVector<int64_t> shape;
  void *ptr = nullptr;
  size_t bytes = 0;
};

struct JitOptions {
  /// LLVM optimization level for the JIT (0-3).
  unsigned optLevel = 3;
  /// Extra symbols the compiled code may call (name -> address). The
  /// calibration runtime's mx_calibration_observe_f32 is always available.
  llvm::StringMap<void *> symbols;
  /// Threads for the loops marked parallel when lowering a module that is
  /// not LLVM yet (0: one thread; N: --mx-lower-to-llvm="parallel=openmp
  /// threads=N", which needs the OpenMP runtime).
  unsigned threads = 0;
};

/// A compiled entry point.
class JitProgram {
public:
  /// Lowers `module` (unless already LLVM) and JIT-compiles it; `entry` must
  /// be a public function with tensor arguments and results.
  static llvm::Expected<std::unique_ptr<JitProgram>>
  compile(mlir::ModuleOp module, llvm::StringRef entry,
          const JitOptions &options = {});
  ~JitProgram();

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }

  /// Checks `arrays` against the inputs (count, dtype, shape). `names` name
  /// the arrays in messages. Buffers for run() come from prepareInputs
  /// (which converts float32 arrays of f16 / bf16 inputs).
  llvm::Error checkInputs(llvm::ArrayRef<npy::Array> arrays,
                          llvm::ArrayRef<std::string> names) const;
  /// Checks `arrays` against the inputs (as checkInputs) and copies them
  /// into aligned buffers for run(). An f16 or bf16 input also takes a
  /// float32 array, rounded to nearest even (docs/Tools.md, "Input
  /// dtypes"). `names` name the arrays in messages.
  llvm::Expected<std::vector<AlignedArray>>
  prepareInputs(llvm::ArrayRef<npy::Array> arrays,
                llvm::ArrayRef<std::string> names) const;
  /// Allocates result buffers (static shapes only).
  llvm::Expected<std::vector<AlignedArray>> allocateOutputs() const;
  /// Runs once. `inputs` and `outputs` must match the signature.
  llvm::Error run(llvm::ArrayRef<AlignedArray> inputs,
                  llvm::MutableArrayRef<AlignedArray> outputs);

private:
  JitProgram() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string entryName;
  llvm::SmallVector<TensorSignature> inputs, outputs;
};

} // namespace mx

#endif // MX_RUNTIME_JITRUNNER_H
