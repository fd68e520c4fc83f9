// The CPU device: host memory, built-in kernels, OpenBLAS for GEMM.
#include "runtime/cpu/CpuDevice.h"

#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/Kernels.h"
#include "runtime/cpu/Parallel.h"

#include <cblas.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <unistd.h>

namespace mlc::rt::cpu {

namespace {

/// The status word of the command running on this thread, if any.
thread_local const CommandContext *currentContext = nullptr;

/// A command that runs its kernel with the device's pool as the pool of
/// parallelFor and its context as the one bad data goes to, on the thread
/// that calls run().
class PooledCommand final : public PreparedCommand {
public:
  PooledCommand(std::unique_ptr<PreparedCommand> kernel, ThreadPool &pool,
                const CommandContext &context)
      : kernel_(std::move(kernel)), pool_(pool), context_(context) {}

  Status run() override {
    ParallelScope scope(&pool_);
    ProblemScope problems(context_.status ? &context_ : nullptr);
    return kernel_->run();
  }

private:
  std::unique_ptr<PreparedCommand> kernel_;
  ThreadPool &pool_;
  CommandContext context_;
};

} // namespace

ProblemScope::ProblemScope(const CommandContext *context)
    : saved_(currentContext) {
  currentContext = context;
}

ProblemScope::~ProblemScope() { currentContext = saved_; }

Status reportProblem(StatusWord problem, const Shape &operandShape) {
  if (!currentContext || !currentContext->status)
    return Status::error(describeProblem(problem, operandShape));
  problem.command = currentContext->command;
  StatusWord &word = *currentContext->status;
  if (word.kind() == DataProblem::none || reportsBefore(problem, word))
    word = problem;
  return Status::ok();
}

namespace {

class CpuDevice final : public Device {
public:
  /// mlc's kernels and OpenBLAS get the same number of threads: commands
  /// run one after another, so the two never compete for the cores.
  CpuDevice(const DeviceOptions &options, std::unique_ptr<ThreadPool> pool)
      : pool_(std::move(pool)) {
    openblas_set_num_threads(pool_->threads());
    if (options.flushDenormals)
      setFlushDenormals();
  }

  ~CpuDevice() override {
#if defined(__SSE2__)
    if (savedCsr_)
      _mm_setcsr(*savedCsr_);
#endif
  }

  const char *name() const override { return "cpu"; }

  Status check(const fb::Kernel &kernel,
               const std::vector<const TensorDesc *> &operands,
               const std::vector<const TensorDesc *> &results) const override {
    if (const fb::FusedLoop *loop = kernel.body_as_FusedLoop())
      return checkFusedLoop(*loop, operands, results);
    if (const fb::FusedReduce *reduce = kernel.body_as_FusedReduce())
      return checkFusedReduce(*reduce, operands, results);
    const fb::CpuKernel *body = kernel.body_as_CpuKernel();
    if (!body)
      return Status::error(std::string("kernel body is '") +
                           fb::EnumNameKernelBody(kernel.body_type()) +
                           "', which the cpu device cannot run");
    return checkKernel(*body, operands, results);
  }

  uint64_t memoryCapacity() const override {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
      return UINT64_MAX;
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(size);
  }

  StatusOr<void *> allocate(size_t bytes) override {
    // Rounding up must not wrap around to a tiny allocation.
    if (bytes > SIZE_MAX - 63)
      return Status::outOfMemory("cannot allocate " + std::to_string(bytes) +
                                 " bytes of host memory");
    size_t rounded = ((bytes + 63) / 64) * 64;
    void *ptr = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (!ptr)
      return Status::outOfMemory("out of host memory allocating " +
                                 std::to_string(bytes) + " bytes");
    std::memset(ptr, 0, rounded == 0 ? 64 : rounded);
    return ptr;
  }

  void release(void *ptr) override { std::free(ptr); }

  Status copyToDevice(void *dst, const void *src, size_t bytes) override {
    std::memcpy(dst, src, bytes);
    return Status::ok();
  }

  Status copyToHost(void *dst, const void *src, size_t bytes) override {
    std::memcpy(dst, src, bytes);
    return Status::ok();
  }

  StatusOr<std::unique_ptr<PreparedCommand>>
  prepare(const fb::Kernel &kernel, const std::vector<TensorRef> &operands,
          const std::vector<TensorRef> &results,
          const CommandContext &context) override {
    const fb::FusedLoop *loop = kernel.body_as_FusedLoop();
    const fb::FusedReduce *reduce = kernel.body_as_FusedReduce();
    const fb::CpuKernel *body = kernel.body_as_CpuKernel();
    if (!loop && !reduce && !body)
      return Status::internal("the cpu device can only prepare cpu kernels");
    StatusOr<std::unique_ptr<PreparedCommand>> command =
        loop     ? prepareFusedLoop(*loop, operands, results)
        : reduce ? prepareFusedReduce(*reduce, operands, results)
                 : prepareKernel(*body, operands, results);
    if (!command.isOk())
      return command.status();
    return std::unique_ptr<PreparedCommand>(
        new PooledCommand(std::move(command).value(), *pool_, context));
  }

private:
  /// Sets FTZ and DAZ for the calling thread (mlc's kernels run on it, and
  /// the pool's workers take its state at the start of every loop) and for
  /// threads it creates later; the old state comes back with the device.
  void setFlushDenormals() {
#if defined(__SSE2__)
    constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
    savedCsr_ = _mm_getcsr();
    _mm_setcsr(*savedCsr_ | kFlushToZero | kDenormalsAreZero);
#endif
  }

  std::unique_ptr<ThreadPool> pool_;
  std::optional<unsigned> savedCsr_;
};

} // namespace

StatusOr<std::unique_ptr<Device>>
createCpuDevice(const DeviceOptions &options) {
  if (options.threads < 0 || options.threads > ThreadPool::kMaxThreads)
    return Status::error("cpu device: " + std::to_string(options.threads) +
                         " threads requested, expected 0 (one per core) to " +
                         std::to_string(ThreadPool::kMaxThreads));
  std::unique_ptr<ThreadPool> pool;
  try {
    pool = std::make_unique<ThreadPool>(options.threads);
  } catch (const std::exception &e) { // std::system_error, std::bad_alloc
    std::string count = options.threads > 0 ? std::to_string(options.threads)
                                            : std::string("one per core");
    return Status::unavailable("cpu device: cannot start its threads (" +
                               count + "): " + e.what());
  }
  return std::unique_ptr<Device>(new CpuDevice(options, std::move(pool)));
}

} // namespace mlc::rt::cpu
