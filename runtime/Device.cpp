// What devices share.
#include "runtime/Device.h"

namespace mlc::rt {

Status Device::copy(void *dst, const void *src, size_t bytes) {
  std::vector<uint8_t> host;
  MLC_RETURN_IF_ERROR(resizeOrFail(host, bytes, "staging a device copy"));
  MLC_RETURN_IF_ERROR(copyToHost(host.data(), src, bytes));
  return copyToDevice(dst, host.data(), bytes);
}

} // namespace mlc::rt
