// The CPU device: host memory, built-in kernels, OpenBLAS for GEMM.
#include "runtime/cpu/CpuDevice.h"

#include "runtime/cpu/Kernels.h"

#include <cblas.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <unistd.h>

namespace mlc::rt::cpu {

namespace {

class CpuDevice final : public Device {
public:
  explicit CpuDevice(const DeviceOptions &options) {
    int threads = options.threads > 0
                      ? options.threads
                      : static_cast<int>(std::thread::hardware_concurrency());
    openblas_set_num_threads(threads > 0 ? threads : 1);
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
          const std::vector<TensorRef> &results) override {
    if (const fb::FusedLoop *loop = kernel.body_as_FusedLoop())
      return prepareFusedLoop(*loop, operands, results);
    const fb::CpuKernel *body = kernel.body_as_CpuKernel();
    if (!body)
      return Status::internal("the cpu device can only prepare cpu kernels");
    return prepareKernel(*body, operands, results);
  }

private:
  /// Sets FTZ and DAZ for the calling thread (mlc's kernels run on it) and
  /// for threads it creates later; the old state comes back with the device.
  void setFlushDenormals() {
#if defined(__SSE2__)
    constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
    savedCsr_ = _mm_getcsr();
    _mm_setcsr(*savedCsr_ | kFlushToZero | kDenormalsAreZero);
#endif
  }

  std::optional<unsigned> savedCsr_;
};

} // namespace

StatusOr<std::unique_ptr<Device>>
createCpuDevice(const DeviceOptions &options) {
  return std::unique_ptr<Device>(new CpuDevice(options));
}

} // namespace mlc::rt::cpu
