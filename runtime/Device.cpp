// The device registry, and what devices share.
#include "runtime/Device.h"

namespace mlc::rt {

Status Device::copy(void *dst, const void *src, size_t bytes) {
  std::vector<uint8_t> host;
  MLC_RETURN_IF_ERROR(resizeOrFail(host, bytes, "staging a device copy"));
  MLC_RETURN_IF_ERROR(copyToHost(host.data(), src, bytes));
  return copyToDevice(dst, host.data(), bytes);
}

void DeviceRegistry::add(const std::string &name, DeviceFactory factory) {
  factories_[name] = std::move(factory);
}

bool DeviceRegistry::contains(const std::string &name) const {
  return factories_.count(name) != 0;
}

std::vector<std::string> DeviceRegistry::names() const {
  std::vector<std::string> names;
  for (const auto &entry : factories_)
    names.push_back(entry.first);
  return names;
}

StatusOr<std::unique_ptr<Device>>
DeviceRegistry::create(const std::string &name,
                       const DeviceOptions &options) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto &entry : factories_)
      known += (known.empty() ? "" : ", ") + entry.first;
    return Status::error("no device '" + name +
                         "' in this build (have: " + known + ")");
  }
  return it->second(options);
}

} // namespace mlc::rt
