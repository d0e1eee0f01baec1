//===- References.h - oneDNN and OpenBLAS matmuls for mx-bench --*- C++ -*-===//
//
// Part of mx-opt. The reference matmuls that mx-bench measures next to the
// mx kernels. Each library is optional: CMake defines MX_BENCH_HAVE_OPENBLAS
// and MX_BENCH_HAVE_DNNL only when it finds it, and the functions here then
// report "not found" instead of a time.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BENCH_REFERENCES_H
#define MX_BENCH_REFERENCES_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mx::bench {

/// Whether the library was found at configure time.
bool haveOpenBLAS();
bool haveOneDNN();

/// C = A * B, row-major f32, A is m x k, B is k x n, C is m x n, with
/// OpenBLAS cblas_sgemm on `threads` threads.
void sgemm(int64_t m, int64_t n, int64_t k, const float *a, const float *b,
           float *c, int threads);

/// A oneDNN matmul primitive created once and executed many times.
class OneDNNMatmul {
public:
  enum class Kind {
    F32,     // f32 x f32 -> f32
    U8S8S32, // u8 x s8 -> s32
  };
  /// Creates the primitive for row-major m x k times k x n on buffers the
  /// caller owns (a, b: inputs of the kind's types; c: the output).
  static llvm::Expected<std::unique_ptr<OneDNNMatmul>>
  create(Kind kind, int64_t m, int64_t n, int64_t k, void *a, void *b, void *c);
  ~OneDNNMatmul();
  /// Runs once on `threads` OpenMP threads and waits for the result.
  llvm::Error run(int threads);

private:
  OneDNNMatmul() = default;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace mx::bench

#endif // MX_BENCH_REFERENCES_H
