// The machine's two roofs, measured the way mlc-run runs: sgemm GFLOP/s
// with the OpenBLAS mlc-run links and a multi-threaded STREAM triad.
//
// bench/gpt2-cpu runs this next to mlc-run with the same environment and
// thread count, so that the step's GFLOP/s and the kernels' bandwidths are
// read as fractions of what this machine reaches, not as absolute numbers.
#include "tools/common/Args.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using mlc::rt::Status;
using mlc::rt::StatusOr;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Median, minimum and maximum of repeated measurements of one rate.
struct Rates {
  double median = 0, min = 0, max = 0;
};

Rates summarize(std::vector<double> rates) {
  std::sort(rates.begin(), rates.end());
  size_t n = rates.size();
  Rates r;
  r.median = n % 2 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
  r.min = rates.front();
  r.max = rates.back();
  return r;
}

/// Values in [-1, 1) from a fixed linear congruential sequence: the same
/// inputs every run, and no denormals or zeros to take fast paths.
void fillPseudoRandom(float *data, size_t n, uint64_t seed) {
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    data[i] =
        static_cast<float>(state >> 40) / static_cast<float>(1 << 23) - 1.0f;
  }
}

/// GFLOP/s of C = A B for n x n row-major floats (2 n^3 FLOPs per call),
/// one rate per timed call after `warmup` untimed ones.
StatusOr<Rates> measureSgemm(int n, int warmup, int reps) {
  size_t elements = static_cast<size_t>(n) * n;
  std::vector<float> a(elements), b(elements), c(elements);
  fillPseudoRandom(a.data(), elements, 1);
  fillPseudoRandom(b.data(), elements, 2);
  std::vector<double> rates;
  for (int r = 0; r < warmup + reps; ++r) {
    Clock::time_point start = Clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data(), n, b.data(), n, 0.0f, c.data(), n);
    double seconds = secondsSince(start);
    if (r >= warmup)
      rates.push_back(2.0 * n * n * static_cast<double>(n) / seconds / 1e9);
  }
  // One entry against a plain dot product, so that a wrong library (or a
  // miscomputing kernel, the reason OPENBLAS_CORETYPE is set in tests)
  // cannot report a rate.
  int row = n / 3, col = n / 2;
  double want = 0;
  for (int k = 0; k < n; ++k)
    want += static_cast<double>(a[row * n + k]) * b[k * n + col];
  double got = c[row * n + col];
  if (!(std::fabs(got - want) <= 1e-3 * std::sqrt(static_cast<double>(n))))
    return Status::error("sgemm computed C[" + std::to_string(row) + "][" +
                         std::to_string(col) + "] = " + std::to_string(got) +
                         ", expected " + std::to_string(want));
  return summarize(std::move(rates));
}

/// a[i] = b[i] + s c[i] over `elements` floats per array, split into one
/// contiguous chunk per thread. Each thread first touches its own chunk, so
/// its pages sit where it runs. GB/s counts 3 arrays x 4 bytes per element
/// (STREAM's convention: the write-allocate read of `a` is not counted).
StatusOr<Rates> measureTriad(size_t elements, int threads, int warmup,
                             int reps) {
  auto deleter = [](float *p) { std::free(p); };
  auto allocate = [&]() {
    return std::unique_ptr<float, decltype(deleter)>(
        static_cast<float *>(std::aligned_alloc(
            64, ((elements * sizeof(float) + 63) / 64) * 64)),
        deleter);
  };
  auto a = allocate(), b = allocate(), c = allocate();
  if (!a || !b || !c)
    return Status::outOfMemory("triad: cannot allocate 3 x " +
                               std::to_string(elements * sizeof(float)) +
                               " bytes");
  const float scalar = 3.0f;
  auto onChunks = [&](auto body) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      size_t begin = elements * t / threads;
      size_t end = elements * (t + 1) / threads;
      pool.emplace_back([=] { body(begin, end); });
    }
    for (std::thread &th : pool)
      th.join();
  };
  float *pa = a.get(), *pb = b.get(), *pc = c.get();
  onChunks([=](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      pa[i] = 0.0f;
      pb[i] = static_cast<float>(i % 1024);
      pc[i] = static_cast<float>(i % 7);
    }
  });
  std::vector<double> rates;
  for (int r = 0; r < warmup + reps; ++r) {
    Clock::time_point start = Clock::now();
    onChunks([=](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i)
        pa[i] = pb[i] + scalar * pc[i];
    });
    double seconds = secondsSince(start);
    if (r >= warmup)
      rates.push_back(3.0 * sizeof(float) * elements / seconds / 1e9);
  }
  for (size_t i : {size_t(0), elements / 2, elements - 1})
    if (pa[i] != pb[i] + scalar * pc[i])
      return Status::error("triad computed a[" + std::to_string(i) +
                           "] = " + std::to_string(pa[i]));
  return summarize(std::move(rates));
}

/// Bytes of the last-level cache of CPU 0 as Linux reports it (sysconf's
/// figure is wrong in some virtual machines), or 0 if unknown.
uint64_t lastLevelCacheBytes() {
  for (int index = 3; index >= 2; --index) {
    std::string path = "/sys/devices/system/cpu/cpu0/cache/index" +
                       std::to_string(index) + "/size";
    std::FILE *f = std::fopen(path.c_str(), "r");
    if (!f)
      continue;
    unsigned long long kib = 0;
    int read = std::fscanf(f, "%lluK", &kib);
    std::fclose(f);
    if (read == 1 && kib > 0)
      return kib * 1024;
  }
  return 0;
}

mlc::tools::Args declareArgs() {
  mlc::tools::Args a("roofline");
  a.option("threads", "N", "OpenBLAS and triad threads (default 1 per core)");
  a.option("n", "N", "sgemm size, n x n times n x n (default 1024)");
  a.option("triad-mib", "M",
           "MiB per triad array, 3 arrays (default 128: well beyond the "
           "last-level cache)");
  a.option("reps", "N", "timed repetitions of each (default 10)");
  a.option("warmup", "N", "untimed repetitions first (default 2)");
  a.flag("help", "show this help");
  return a;
}

Status runMain(int argc, char **argv) {
  mlc::tools::Args args = declareArgs();
  if (Status s = args.parse(argc, argv); !s.isOk())
    return s;
  if (args.has("help")) {
    std::printf("usage: roofline [options]\n\nMeasures sgemm GFLOP/s and "
                "STREAM triad GB/s with mlc-run's OpenBLAS; the last line "
                "is\n  sgemm_gflops=... triad_gbs=... threads=... "
                "core=...\n\noptions:\n%s",
                args.usage().c_str());
    return Status::ok();
  }
  unsigned cores = std::thread::hardware_concurrency();
  StatusOr<uint64_t> threads = args.getUInt("threads", cores ? cores : 1);
  StatusOr<uint64_t> n = args.getUInt("n", 1024);
  StatusOr<uint64_t> mib = args.getUInt("triad-mib", 128);
  StatusOr<uint64_t> reps = args.getUInt("reps", 10);
  StatusOr<uint64_t> warmup = args.getUInt("warmup", 2);
  for (const auto *v : {&threads, &n, &mib, &reps, &warmup})
    if (!v->isOk())
      return v->status();
  struct Bound {
    const char *name;
    uint64_t value, low, high;
  };
  for (const Bound &b :
       {Bound{"threads", *threads, 1, 1024}, Bound{"n", *n, 1, 16384},
        Bound{"triad-mib", *mib, 1, 65536}, Bound{"reps", *reps, 1, 10000},
        Bound{"warmup", *warmup, 0, 10000}})
    if (b.value < b.low || b.value > b.high)
      return Status::error("--" + std::string(b.name) + " " +
                           std::to_string(b.value) + " is out of range (" +
                           std::to_string(b.low) + " to " +
                           std::to_string(b.high) + ")");
  int t = static_cast<int>(*threads);
  // mlc-run's CPU device makes the same call with its --threads.
  openblas_set_num_threads(t);

  uint64_t llc = lastLevelCacheBytes();
  std::printf("openblas: %s; core %s; %d threads\n", openblas_get_config(),
              openblas_get_corename(), openblas_get_num_threads());
  StatusOr<Rates> gemm = measureSgemm(
      static_cast<int>(*n), static_cast<int>(*warmup), static_cast<int>(*reps));
  if (!gemm.isOk())
    return gemm.status();
  std::printf("sgemm %llux%llux%llu: %.1f GFLOP/s median of %llu (min %.1f, "
              "max %.1f)\n",
              static_cast<unsigned long long>(*n),
              static_cast<unsigned long long>(*n),
              static_cast<unsigned long long>(*n), gemm->median,
              static_cast<unsigned long long>(*reps), gemm->min, gemm->max);
  size_t elements = static_cast<size_t>(*mib) * 1024 * 1024 / sizeof(float);
  StatusOr<Rates> triad = measureTriad(elements, t, static_cast<int>(*warmup),
                                       static_cast<int>(*reps));
  if (!triad.isOk())
    return triad.status();
  char cache[64] = "";
  if (llc > 0)
    std::snprintf(cache, sizeof cache, ", %.1fx the %llu MiB last-level cache",
                  3.0 * static_cast<double>(*mib) * 1024 * 1024 /
                      static_cast<double>(llc),
                  static_cast<unsigned long long>(llc >> 20));
  std::printf("triad a = b + s c: 3 x %llu MiB%s, %d threads: %.2f GB/s "
              "median of %llu (min %.2f, max %.2f), counting 12 bytes per "
              "element\n",
              static_cast<unsigned long long>(*mib), cache, t, triad->median,
              static_cast<unsigned long long>(*reps), triad->min, triad->max);
  std::printf("sgemm_gflops=%.3f triad_gbs=%.3f threads=%d core=%s\n",
              gemm->median, triad->median, t, openblas_get_corename());
  return Status::ok();
}

} // namespace

int main(int argc, char **argv) {
  Status s = runMain(argc, argv);
  if (!s.isOk()) {
    std::fprintf(stderr, "roofline: error: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
