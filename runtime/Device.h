// Devices: where buffers live and kernels run. Each target (cpu, cuda)
// registers one through this small interface.
#ifndef MLC_RUNTIME_DEVICE_H
#define MLC_RUNTIME_DEVICE_H

#include "runtime/DataStatus.h"
#include "runtime/Registry.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

/// What a kernel region (a fused kernel) wrote in one run, counted by its
/// interpreter as it runs. A region is meant to write its results once and
/// nothing else: the values between its ops live in per-thread scratch
/// sized to stay in cache. `scratch` is what went there; when a region's
/// scratch is too large to stay in cache (kResidentScratchBytes), it is
/// intermediate tensors by another name, and counts as `intermediates`.
struct RegionWrites {
  uint64_t results = 0;
  uint64_t scratch = 0;
  uint64_t intermediates = 0;
};

/// Scratch per thread that a region's interpreter may use and still count
/// it as held in cache: half of a 512 KiB L2.
constexpr uint64_t kResidentScratchBytes = 256 * 1024;

/// One command bound to its buffers, ready to run any number of times.
class PreparedCommand {
public:
  virtual ~PreparedCommand() = default;
  /// Runs the kernel. Bad data (a label outside the class range) goes to
  /// the command's status word when it has one (runtime/DataStatus.h), else
  /// fails the run with a message naming it; never crashes on valid
  /// buffers.
  virtual Status run() = 0;
  /// Kernel regions: what the last run wrote. nullptr for other commands.
  virtual const RegionWrites *lastWrites() const { return nullptr; }
};

struct DeviceOptions {
  /// Threads for the device's math libraries; 0 means one per core.
  int threads = 0;
  /// Treat subnormal floats as zero (flush-to-zero, denormals-are-zero),
  /// as torch.set_flush_denormal(True) does: faster once values get tiny,
  /// no longer IEEE exact for them. Off by default.
  bool flushDenormals = false;
};

class Device {
public:
  virtual ~Device() = default;

  /// "cpu", "cuda".
  virtual const char *name() const = 0;

  /// Checks, before anything runs, that `kernel` can run on buffers of
  /// these descriptions: its body suits this device, operand and result
  /// counts, dtypes, shapes and attributes agree. The message says what was
  /// expected and what was found.
  virtual Status
  check(const fb::Kernel &kernel,
        const std::vector<const TensorDesc *> &operands,
        const std::vector<const TensorDesc *> &results) const = 0;

  /// Bytes of memory the device has in all (an executable needing more is
  /// refused before anything is allocated).
  virtual uint64_t memoryCapacity() const = 0;

  /// Zero-filled device memory of `bytes`, 64-byte aligned.
  virtual StatusOr<void *> allocate(size_t bytes) = 0;
  virtual void release(void *ptr) = 0;
  virtual Status copyToDevice(void *dst, const void *src, size_t bytes) = 0;
  virtual Status copyToHost(void *dst, const void *src, size_t bytes) = 0;
  /// Copies `bytes` from one place in device memory to another that does
  /// not overlap it (the copy commands of entry points). This default
  /// stages through host memory, correct on any device; a device with a
  /// direct copy overrides it.
  virtual Status copy(void *dst, const void *src, size_t bytes);

  /// Binds a kernel that passed check() to its buffers. `context` says
  /// where it reports bad data: a status word in this device's memory
  /// (allocated like any buffer) and the command's index, or no word.
  virtual StatusOr<std::unique_ptr<PreparedCommand>>
  prepare(const fb::Kernel &kernel, const std::vector<TensorRef> &operands,
          const std::vector<TensorRef> &results,
          const CommandContext &context) = 0;
};

/// The devices a process can create, by name.
class DeviceRegistry : public Registry<Device, DeviceOptions> {
public:
  DeviceRegistry() : Registry("device") {}
};
using DeviceFactory = DeviceRegistry::Factory;

/// Registers the devices this build has: cpu always, cuda where built.
void registerBuiltinDevices(DeviceRegistry &registry);

} // namespace mlc::rt

#endif // MLC_RUNTIME_DEVICE_H
