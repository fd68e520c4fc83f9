// Test helper: compile MLIR text to an executable and run it in-process,
// linking the compiler and the runtime together (tests only).
#ifndef MLC_TEST_UNIT_INPROCESS_H
#define MLC_TEST_UNIT_INPROCESS_H

#include "runtime/Session.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlc::test {

/// Parses `source`, runs `pipeline` on the module (textual passes without
/// an anchor, e.g. "mlc-autodiff, cse") and exports every function for the
/// cpu target. On failure returns an empty string and sets `error` to the
/// diagnostics.
std::string compileToExecutable(const std::string &source,
                                const std::string &pipeline,
                                std::string &error);

/// A loaded executable with a CPU session.
struct Loaded {
  std::unique_ptr<rt::Session> session;
  std::string error;
};
Loaded loadAndCreateSession(const std::string &bytes);

/// Writes a whole named buffer from doubles (converted to its dtype).
rt::Status writeAs(rt::Session &s, const std::string &name,
                   const std::vector<double> &values);
/// Reads a whole named buffer as doubles.
rt::StatusOr<std::vector<double>> readAs(rt::Session &s,
                                         const std::string &name);

/// Runs entry `entry` and returns the named outputs as doubles.
rt::StatusOr<std::map<std::string, std::vector<double>>>
runEntry(rt::Session &s, const std::string &entry);

} // namespace mlc::test

#endif // MLC_TEST_UNIT_INPROCESS_H
