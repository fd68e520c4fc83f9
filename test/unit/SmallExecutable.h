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

/// A mesh dp=`ranks` whose one program (every rank runs it) has inputs
/// x [2,3], y [2,2], outputs gx, gy of the same types (buffers 0-3), a
/// scalar constant c (4) and an entry point "eval" whose one command is an
/// all_reduce (mean over dp) of the bucket x, y into gx, gy.
fb::ExecutableT bucketExecutable(uint32_t ranks);

/// bucketExecutable(1) with an input z [2,2] (5) and outputs w [2,2] (6)
/// and t [2,3] (7), and after the all_reduce two copies: z to w, which
/// touches nothing of the collective's, then gx to t, which reads its
/// result.
fb::ExecutableT overlapExecutable();

/// Sharded state over `ranks` ranks (a mesh dp=ranks, or dp=ranks/2 x
/// tp=2 for a multiple of 4): parameter w, whole [4, 12] (init normal 0, 1),
/// split by columns in 3 blocks (over tp then flat over dp, or over dp),
/// optimizer state v, whole [5] (uniform -1, 1), flat over dp, and an
/// entry point "eval" copying w to output o (buffers 0, 1, 2). Unsharded:
/// the same tensors whole, on one rank.
fb::ExecutableT shardedExecutable(uint32_t ranks, bool sharded = true);
/// The bytes of `exe` as an .mlcx file. A program without arenas gets each
/// buffer a slice of its own first (giveOwnSlices), as the exporter lays
/// out a module without a memory plan.
std::vector<uint8_t> pack(const fb::ExecutableT &exe);

/// Puts every buffer of `program` in an arena of its role's kind, one
/// after another at 64-byte aligned offsets, replacing its arenas.
void giveOwnSlices(fb::ProgramT &program);

/// Command `command` of entry point `entry` of program 0, a dispatch.
fb::DispatchT &dispatch(fb::ExecutableT &exe, size_t entry, size_t command);

/// Loads `bytes` (origin "test.mlcx") and creates a one-thread CPU session
/// of `rank` on `world` (none: a loopback channel).
StatusOr<std::unique_ptr<Session>> sessionFor(std::vector<uint8_t> bytes,
                                              Channel *world = nullptr,
                                              size_t rank = 0);

/// Why loading `exe` (packed, origin "test.mlcx") fails; "" if it loads.
std::string loadError(const fb::ExecutableT &exe);

/// Expects loading `exe` to fail with a message containing `expected`.
void expectRefused(const fb::ExecutableT &exe, const std::string &expected);

/// A path in the test temporary folder, unique to this process.
std::string tempPath(const std::string &name);

} // namespace mlc::rt::fixtures

#endif // MLC_TEST_UNIT_SMALLEXECUTABLE_H
