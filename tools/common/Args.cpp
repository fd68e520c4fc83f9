// A small command-line parser for the runtime-side tools.
#include "Args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mlc::tools {

void Args::option(const std::string &name, const std::string &valueName,
                  const std::string &help) {
  order_.push_back(name);
  specs_[name] = {valueName, help, true};
}

void Args::flag(const std::string &name, const std::string &help) {
  order_.push_back(name);
  specs_[name] = {"", help, false};
}

void Args::shortForm(char letter, const std::string &name) {
  shortForms_[std::string("-") + letter] = name;
}

rt::Status Args::parse(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (auto it = shortForms_.find(arg); it != shortForms_.end())
      arg = "--" + it->second;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool inlineValue = false;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inlineValue = true;
    }
    auto it = specs_.find(name);
    if (it == specs_.end())
      return rt::Status::error("unknown option --" + name + " (see " + tool_ +
                               " --help)");
    if (!it->second.takesValue) {
      if (inlineValue)
        return rt::Status::error("--" + name + " takes no value");
      values_[name] = "1";
      continue;
    }
    if (!inlineValue) {
      if (i + 1 >= argc)
        return rt::Status::error("--" + name + " needs a value (" +
                                 it->second.valueName + ")");
      value = argv[++i];
    }
    values_[name] = value;
  }
  return rt::Status::ok();
}

std::string Args::get(const std::string &name,
                      const std::string &fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

rt::StatusOr<uint64_t> Args::getUInt(const std::string &name,
                                     uint64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return fallback;
  const std::string &s = it->second;
  errno = 0;
  char *end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE)
    return rt::Status::error(
        "--" + name + " expects a non-negative integer, got '" + s + "'");
  return static_cast<uint64_t>(v);
}

rt::StatusOr<double> Args::getDouble(const std::string &name,
                                     double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return fallback;
  const std::string &s = it->second;
  errno = 0;
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    return rt::Status::error("--" + name + " expects a number, got '" + s +
                             "'");
  return v;
}

std::string Args::usage() const {
  std::string out;
  for (const std::string &name : order_) {
    const Spec &spec = specs_.at(name);
    std::string left = "  --" + name;
    for (const auto &[letter, longName] : shortForms_)
      if (longName == name)
        left = "  " + letter + ", --" + name;
    if (spec.takesValue)
      left += " " + spec.valueName;
    if (left.size() < 28)
      left.resize(28, ' ');
    else
      left += "\n" + std::string(28, ' ');
    out += left + spec.help + "\n";
  }
  return out;
}

} // namespace mlc::tools
