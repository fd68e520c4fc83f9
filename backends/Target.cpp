// The target registry.
#include "backends/Target.h"

#include "backends/cpu/CpuTarget.h"

#include "llvm/ADT/STLExtras.h"

namespace mlc {

void TargetRegistry::add(std::unique_ptr<Target> target) {
  llvm::StringRef name = target->name();
  targets_[name] = std::move(target);
}

const Target *TargetRegistry::lookup(llvm::StringRef name) const {
  auto it = targets_.find(name);
  return it == targets_.end() ? nullptr : it->second.get();
}

std::string TargetRegistry::names() const {
  std::vector<std::string> names;
  for (const auto &entry : targets_)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

void registerAllTargets(TargetRegistry &registry) {
  registry.add(createCpuTarget());
}

} // namespace mlc
