//===- References.cpp - oneDNN and OpenBLAS matmuls for mx-bench ----------===//
//
// Part of mx-opt. See References.h.
//
//===----------------------------------------------------------------------===//

#include "References.h"

#include "llvm/Support/FormatVariadic.h"

#ifdef MX_BENCH_HAVE_DNNL
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#endif

#ifdef MX_BENCH_HAVE_OPENBLAS
// Declared here rather than through <cblas.h>: Debian's cblas.h is an
// alternative that may point at the netlib BLAS header, which lacks
// openblas_set_num_threads, while CMake links libopenblas itself.
extern "C" {
void openblas_set_num_threads(int numThreads);
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
                 float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);
}
#endif

using namespace mx::bench;

bool mx::bench::haveOpenBLAS() {
#ifdef MX_BENCH_HAVE_OPENBLAS
  return true;
#else
  return false;
#endif
}

bool mx::bench::haveOneDNN() {
#ifdef MX_BENCH_HAVE_DNNL
  return true;
#else
  return false;
#endif
}

void mx::bench::sgemm(int64_t m, int64_t n, int64_t k, const float *a,
                      const float *b, float *c, int threads) {
#ifdef MX_BENCH_HAVE_OPENBLAS
  openblas_set_num_threads(threads);
  constexpr int kRowMajor = 101, kNoTrans = 111; // CBLAS enum values
  cblas_sgemm(kRowMajor, kNoTrans, kNoTrans, int(m), int(n), int(k), 1.0f, a,
              int(k), b, int(n), 0.0f, c, int(n));
#else
  (void)m, (void)n, (void)k, (void)a, (void)b, (void)c, (void)threads;
#endif
}

#ifdef MX_BENCH_HAVE_DNNL
struct OneDNNMatmul::Impl {
  dnnl_engine_t engine = nullptr;
  dnnl_stream_t stream = nullptr;
  dnnl_primitive_desc_t pd = nullptr;
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_t a = nullptr, b = nullptr, c = nullptr;
  ~Impl() {
    for (dnnl_memory_t mem : {a, b, c})
      if (mem)
        dnnl_memory_destroy(mem);
    if (primitive)
      dnnl_primitive_destroy(primitive);
    if (pd)
      dnnl_primitive_desc_destroy(pd);
    if (stream)
      dnnl_stream_destroy(stream);
    if (engine)
      dnnl_engine_destroy(engine);
  }
};

static llvm::Error check(dnnl_status_t status, const char *what) {
  if (status == dnnl_success)
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::formatv("oneDNN: {0} failed (status {1})", what, int(status)));
}
#else
struct OneDNNMatmul::Impl {};
#endif

OneDNNMatmul::~OneDNNMatmul() = default;

llvm::Expected<std::unique_ptr<OneDNNMatmul>>
OneDNNMatmul::create(Kind kind, int64_t m, int64_t n, int64_t k, void *a,
                     void *b, void *c) {
#ifdef MX_BENCH_HAVE_DNNL
  std::unique_ptr<OneDNNMatmul> result(new OneDNNMatmul);
  result->impl = std::make_unique<Impl>();
  Impl &impl = *result->impl;
  if (auto err = check(dnnl_engine_create(&impl.engine, dnnl_cpu, 0),
                       "engine creation"))
    return std::move(err);
  if (auto err = check(dnnl_stream_create(&impl.stream, impl.engine,
                                          dnnl_stream_default_flags),
                       "stream creation"))
    return std::move(err);
  bool f32 = kind == Kind::F32;
  dnnl_dims_t aDims = {m, k}, bDims = {k, n}, cDims = {m, n};
  dnnl_memory_desc_t aMd, bMd, cMd;
  if (auto err = check(dnnl_memory_desc_init_by_tag(
                           &aMd, 2, aDims, f32 ? dnnl_f32 : dnnl_u8, dnnl_ab),
                       "memory descriptor"))
    return std::move(err);
  if (auto err = check(dnnl_memory_desc_init_by_tag(
                           &bMd, 2, bDims, f32 ? dnnl_f32 : dnnl_s8, dnnl_ab),
                       "memory descriptor"))
    return std::move(err);
  if (auto err = check(dnnl_memory_desc_init_by_tag(
                           &cMd, 2, cDims, f32 ? dnnl_f32 : dnnl_s32, dnnl_ab),
                       "memory descriptor"))
    return std::move(err);
  dnnl_matmul_desc_t desc;
  if (auto err = check(dnnl_matmul_desc_init(&desc, &aMd, &bMd, nullptr, &cMd),
                       "matmul descriptor"))
    return std::move(err);
  if (auto err = check(dnnl_primitive_desc_create(&impl.pd, &desc, nullptr,
                                                  impl.engine, nullptr),
                       "matmul primitive descriptor"))
    return std::move(err);
  if (auto err = check(dnnl_primitive_create(&impl.primitive, impl.pd),
                       "matmul primitive"))
    return std::move(err);
  if (auto err = check(dnnl_memory_create(&impl.a, &aMd, impl.engine, a),
                       "memory object"))
    return std::move(err);
  if (auto err = check(dnnl_memory_create(&impl.b, &bMd, impl.engine, b),
                       "memory object"))
    return std::move(err);
  if (auto err = check(dnnl_memory_create(&impl.c, &cMd, impl.engine, c),
                       "memory object"))
    return std::move(err);
  return result;
#else
  (void)kind, (void)m, (void)n, (void)k, (void)a, (void)b, (void)c;
  return llvm::createStringError("oneDNN not found");
#endif
}

llvm::Error OneDNNMatmul::run(int threads) {
#ifdef MX_BENCH_HAVE_DNNL
  omp_set_num_threads(threads);
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, impl->a},
                            {DNNL_ARG_WEIGHTS, impl->b},
                            {DNNL_ARG_DST, impl->c}};
  if (auto err =
          check(dnnl_primitive_execute(impl->primitive, impl->stream, 3, args),
                "matmul execution"))
    return err;
  return check(dnnl_stream_wait(impl->stream), "stream wait");
#else
  (void)threads;
  return llvm::createStringError("oneDNN not found");
#endif
}
