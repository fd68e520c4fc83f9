// Registration of the devices this build has.
#include "runtime/Device.h"
#include "runtime/cpu/CpuDevice.h"

namespace mlc::rt {

void registerBuiltinDevices(DeviceRegistry &registry) {
  registry.add("cpu", cpu::createCpuDevice);
}

} // namespace mlc::rt
