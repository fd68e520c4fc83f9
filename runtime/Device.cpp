// The device registry.
#include "runtime/Device.h"

namespace mlc::rt {

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
