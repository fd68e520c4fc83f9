// Named factories: the devices and communicators a process can create.
// Tools build a registry and pass it down; nothing registers itself behind
// their back.
#ifndef MLC_RUNTIME_REGISTRY_H
#define MLC_RUNTIME_REGISTRY_H

#include "runtime/Status.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

/// Factories of `T` by name, each taking `Options`. `what` names a `T` in
/// errors ("device", "communicator").
template <typename T, typename Options> class Registry {
public:
  using Factory = std::function<StatusOr<std::unique_ptr<T>>(const Options &)>;

  explicit Registry(const char *what) : what_(what) {}

  void add(const std::string &name, Factory factory) {
    factories_[name] = std::move(factory);
  }
  bool contains(const std::string &name) const {
    return factories_.count(name) != 0;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> names;
    for (const auto &entry : factories_)
      names.push_back(entry.first);
    return names;
  }
  /// A new `T` from the factory `name`; an error listing the names there
  /// are if none has that name.
  StatusOr<std::unique_ptr<T>> create(const std::string &name,
                                      const Options &options) const {
    auto it = factories_.find(name);
    if (it != factories_.end())
      return it->second(options);
    std::string known;
    for (const auto &entry : factories_)
      known += (known.empty() ? "" : ", ") + entry.first;
    return Status::error("no " + std::string(what_) + " '" + name +
                         "' in this build (have: " + known + ")");
  }

private:
  const char *what_;
  std::map<std::string, Factory> factories_;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_REGISTRY_H
