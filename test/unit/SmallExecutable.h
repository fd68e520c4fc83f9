// Test fixtures shared by the runtime unit tests: a small executable built
// with the FlatBuffers object API, a CPU session for it, temporary paths.
#ifndef MLC_TEST_UNIT_SMALLEXECUTABLE_H
#define MLC_TEST_UNIT_SMALLEXECUTABLE_H

#include "runtime/Session.h"

#include <memory>
#include <string>
#include <vector>

namespace mlc::rt::fixtures {

/// x[2,3] (input) @ w[3,4] (parameter) -> t[2,4] (output "out"), plus a
/// constant c[4] added to it -> u (output "sum"), in one entry point "eval".
fb::ExecutableT smallExecutable();

/// The bytes of `exe` as an .mlcx file. A program without arenas gets each
/// buffer a slice of its own first (giveOwnSlices), as the exporter lays
/// out a module without a memory plan.
std::vector<uint8_t> pack(const fb::ExecutableT &exe);

/// Puts every buffer of `program` in an arena of its role's kind, one
/// after another at 64-byte aligned offsets, replacing its arenas.
void giveOwnSlices(fb::ProgramT &program);

/// Command `command` of entry point `entry` of program 0, a dispatch.
fb::DispatchT &dispatch(fb::ExecutableT &exe, size_t entry, size_t command);

/// Loads `bytes` (origin "test.mlcx") and creates a one-thread CPU session.
StatusOr<std::unique_ptr<Session>> sessionFor(std::vector<uint8_t> bytes);

/// A path in the test temporary folder, unique to this process.
std::string tempPath(const std::string &name);

} // namespace mlc::rt::fixtures

#endif // MLC_TEST_UNIT_SMALLEXECUTABLE_H
