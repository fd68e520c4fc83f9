// The CPU device: host memory, built-in kernels, OpenBLAS for GEMM.
#ifndef MLC_RUNTIME_CPU_CPUDEVICE_H
#define MLC_RUNTIME_CPU_CPUDEVICE_H

#include "runtime/Device.h"

namespace mlc::rt::cpu {

/// Creates the CPU device. `options.threads` (0: one per core) is the
/// thread count of both OpenBLAS and the pool that runs mlc's own kernels.
StatusOr<std::unique_ptr<Device>> createCpuDevice(const DeviceOptions &options);

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_CPUDEVICE_H
