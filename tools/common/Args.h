// A small command-line parser for the runtime-side tools (they link no LLVM).
#ifndef MLC_TOOLS_COMMON_ARGS_H
#define MLC_TOOLS_COMMON_ARGS_H

#include "runtime/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlc::tools {

/// Declared options and the values given for them. Accepts `--name value`,
/// `--name=value`, bare `--flag` and declared short forms (`-o value`);
/// everything else is positional.
class Args {
public:
  /// `tool` names the program in errors ("see mlc-run --help").
  explicit Args(std::string tool) : tool_(std::move(tool)) {}

  /// Declares an option taking a value; `help` shows in usage().
  void option(const std::string &name, const std::string &valueName,
              const std::string &help);
  /// Declares a flag (no value).
  void flag(const std::string &name, const std::string &help);
  /// Lets `-letter` stand for the declared option `--name`.
  void shortForm(char letter, const std::string &name);

  /// Parses argv; an unknown option or a missing value is an error.
  rt::Status parse(int argc, char **argv);

  bool has(const std::string &name) const { return values_.count(name) != 0; }
  std::string get(const std::string &name,
                  const std::string &fallback = "") const;
  /// The value as an unsigned integer; an error names the option.
  rt::StatusOr<uint64_t> getUInt(const std::string &name,
                                 uint64_t fallback) const;
  /// The value as a finite number; an error names the option.
  rt::StatusOr<double> getDouble(const std::string &name,
                                 double fallback) const;
  const std::vector<std::string> &positional() const { return positional_; }
  std::string usage() const;

private:
  struct Spec {
    std::string valueName, help;
    bool takesValue;
  };
  std::string tool_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::string> shortForms_; // "-o" -> "output"
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

} // namespace mlc::tools

#endif // MLC_TOOLS_COMMON_ARGS_H
