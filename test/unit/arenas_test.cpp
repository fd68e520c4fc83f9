// Unit tests of the memory layout the loader checks (arenas, slices, buffers
// sharing bytes while live), of command bodies, and of sessions running on
// shared memory.
#include "runtime/Executable.h"
#include "runtime/Session.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <functional>

namespace mlc::rt {
namespace {

using namespace fixtures;

/// The small executable with t an activation and a third kernel: t = x @ w
/// (command 0), t2 = t + c (1), t3 = t2 + c (2), u = t3 + c (3), output
/// "sum" = u. Live ranges: t [0, 1], t2 [1, 2], t3 [2, 3]. Each buffer has a
/// slice of its own: arena 0 (io) holds x at 0 and u at 64, 1 (parameter)
/// w, 2 (workspace) t, t2, t3 at 0, 64, 128, 3 (constant) c.
fb::ExecutableT chain() {
  fb::ExecutableT exe = smallExecutable();
  fb::ProgramT &p = *exe.programs[0];
  p.buffers[2]->role = fb::BufferRole::activation;
  for (const char *name : {"t2", "t3"}) {
    auto b = std::make_unique<fb::BufferT>();
    b->name = name;
    b->dtype = fb::DType::f32;
    b->shape = {2, 4};
    b->byte_size = 32;
    b->role = fb::BufferRole::activation;
    p.buffers.push_back(std::move(b)); // 5: t2, 6: t3
  }
  fb::EntryPointT &e = *p.entry_points[0];
  e.outputs.erase(e.outputs.begin()); // "out" was t
  dispatch(exe, 0, 1).results = {5};
  auto add = [&](std::vector<uint32_t> operands, uint32_t result) {
    fb::DispatchT d;
    d.kernel = 1;
    d.operands = operands;
    d.results = {result};
    auto c = std::make_unique<fb::CommandT>();
    c->body.Set(std::move(d));
    e.commands.push_back(std::move(c));
  };
  add({5, 3}, 6);
  add({6, 3}, 4);
  giveOwnSlices(p);
  return exe;
}

/// The slices of buffers `a` and `b` made the same (b takes a's offset).
void share(fb::ExecutableT &exe, uint32_t a, uint32_t b) {
  exe.programs[0]->buffers[b]->offset = exe.programs[0]->buffers[a]->offset;
}

/// Runs "eval" with x = 1..6 and w = ones and returns the output "sum".
std::vector<float> runSum(const fb::ExecutableT &exe) {
  auto session = sessionFor(pack(exe));
  EXPECT_TRUE(session.isOk()) << session.status().message();
  if (!session.isOk())
    return {};
  Session &s = **session;
  EXPECT_TRUE(s.initialize(0).isOk());
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  EXPECT_TRUE(s.write(0, x.data(), x.size() * 4).isOk());
  auto entry = s.entry("eval");
  EXPECT_TRUE(entry.isOk());
  Status run = s.run(**entry);
  EXPECT_TRUE(run.isOk()) << run.message();
  std::vector<float> u(8);
  EXPECT_TRUE(s.read(4, u.data(), 32).isOk());
  return u;
}

TEST(Arenas, ReusesTheBytesOfDeadActivations) {
  fb::ExecutableT exe = chain();
  share(exe, 2, 6); // t dies at command 1, t3 is born at 2
  exe.programs[0]->arenas[2]->size = 128; // two slices, not three
  ASSERT_EQ(loadError(exe), "");
  // Row sums 6 and 15 in every column, plus 3 c = [3, 6, 9, 12].
  std::vector<float> expected = {9, 12, 15, 18, 18, 21, 24, 27};
  EXPECT_EQ(runSum(exe), expected);
}

TEST(Arenas, RejectsBuffersSharingBytesWhileLive) {
  fb::ExecutableT exe = chain();
  share(exe, 5, 6); // t2 [1, 2] and t3 [2, 3] meet at command 2
  expectRefused(exe, "entry point 'eval' command 2: buffer 5 ('t2') and "
                     "buffer 6 ('t3') share bytes [64, 96) of arena 2 "
                     "(workspace) while both are live");
}

TEST(Arenas, RejectsAResultSharingBytesWithAnOperand) {
  fb::ExecutableT exe = chain();
  share(exe, 2, 5); // command 1 reads t and writes t2
  expectRefused(exe, "command 1: buffer 2 ('t') and buffer 5 ('t2') share "
                     "bytes [0, 32)");
}

TEST(Arenas, RejectsSharedBytesOutsideTheWorkspace) {
  fb::ExecutableT exe = smallExecutable();
  giveOwnSlices(*exe.programs[0]);
  share(exe, 2, 4); // two outputs, which the caller reads at any time
  expectRefused(exe, "buffer 2 ('t') and buffer 4 ('u') share bytes [64, 96) "
                     "of arena 0 (io); only activations in the workspace may "
                     "share memory");
}

TEST(Arenas, RejectsSliceOutsideItsArena) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->buffers[6]->offset = 192; // the workspace has 192 bytes
  expectRefused(exe, "buffer 6 ('t3') needs 32 bytes at offset 192 of arena 2 "
                     "(workspace), which has 192");
}

TEST(Arenas, RejectsOffsetsThatWrapAround) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->buffers[6]->offset = UINT64_MAX - 63;
  expectRefused(exe, "buffer 6 ('t3') needs 32 bytes at offset "
                     "18446744073709551552 of arena 2 (workspace)");
}

TEST(Arenas, RejectsMisalignedOffsets) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->buffers[6]->offset = 32;
  expectRefused(exe, "buffer 6 ('t3') starts at offset 32 of arena 2 "
                     "(workspace), which is not a multiple of 64");
}

TEST(Arenas, RejectsArenasLargerThanTheLimit) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->arenas[0]->size = uint64_t(1) << 63;
  expectRefused(exe, "arena 0 (io) declares 9223372036854775808 bytes, more "
                     "than the 2^44 an arena may hold");
}

TEST(Arenas, RejectsArenasLargerThanTheirBuffersUnshared) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->arenas[2]->size = 256;
  expectRefused(exe, "arena 2 (workspace) declares 256 bytes, more than its "
                     "buffers take without sharing any (192)");
}

TEST(Arenas, RejectsArenasOfUnknownKind) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->arenas[0]->kind = static_cast<fb::ArenaKind>(99);
  expectRefused(exe, "arena 0 has an unknown kind 99");
}

TEST(Arenas, RejectsBuffersInAnArenaOfAnotherKind) {
  fb::ExecutableT exe = chain();
  fb::ProgramT &p = *exe.programs[0];
  p.buffers[1]->arena = p.buffers[2]->arena; // w into the workspace
  expectRefused(exe, "buffer 1 ('w') is parameter but lies in arena 2 "
                     "(workspace); it belongs in a parameter arena");
}

TEST(Arenas, RejectsArenaIndexOutOfRange) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->buffers[1]->arena = 12;
  expectRefused(exe, "buffer 1 ('w') lies in arena 12, but the "
                     "program has 4 arenas");
}

TEST(Arenas, RejectsActivationsReadBeforeWritten) {
  fb::ExecutableT exe = chain();
  dispatch(exe, 0, 0).results = {4}; // t is never written, u twice
  expectRefused(exe, "entry point 'eval' command 1 reads buffer 2 ('t'), an "
                     "activation that no earlier command of the entry point "
                     "writes");
}

TEST(Arenas, RejectsOutputsBoundToActivations) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->entry_points[0]->outputs[0]->buffer = 5;
  expectRefused(exe, "output 'sum' is buffer 5 ('t2'), an activation");
}

TEST(Executable, RejectsFilesOlderThanTheOldestVersion) {
  fb::ExecutableT exe = chain();
  exe.format_version = fb::kOldestFormatVersion - 1;
  expectRefused(exe, "format version 2 is older than this runtime reads (3 "
                     "to " +
                         std::to_string(fb::kFormatVersion) +
                         "); recompile the model with this mlc");
}

TEST(Executable, ReadsFilesOfTheOldestVersion) {
  // Version 3 files (one program per rank, no collectives) mean what they
  // meant.
  fb::ExecutableT exe = chain();
  exe.format_version = fb::kOldestFormatVersion;
  EXPECT_EQ(loadError(exe), "");
}

// --- Command bodies ------------------------------------------------------

/// `chain()` with command 2 replaced by `body`.
fb::ExecutableT withCommand(fb::CommandBodyUnion body) {
  fb::ExecutableT exe = chain();
  exe.programs[0]->entry_points[0]->commands[2]->body = std::move(body);
  return exe;
}

fb::CommandBodyUnion copyOf(uint32_t source, uint32_t target) {
  fb::CopyT copy;
  copy.source = source;
  copy.target = target;
  fb::CommandBodyUnion body;
  body.Set(std::move(copy));
  return body;
}

TEST(Commands, RunsCopies) {
  // t3 = copy of t2: u = x @ w + 2 c.
  std::vector<float> expected = {8, 10, 12, 14, 17, 19, 21, 23};
  EXPECT_EQ(runSum(withCommand(copyOf(5, 6))), expected);
}

TEST(Commands, RejectsCopiesBetweenTypes) {
  expectRefused(withCommand(copyOf(3, 6)),
                "command 2 copies buffer 3 ('c') (4xf32) into buffer 6 ('t3') "
                "(2x4xf32); a copy needs the same dtype and shape");
}

TEST(Commands, RejectsCopiesOntoThemselves) {
  expectRefused(withCommand(copyOf(6, 6)), "onto itself");
}

TEST(Commands, RejectsCopiesIntoConstants) {
  expectRefused(withCommand(copyOf(5, 3)), "read-only (constant)");
}

TEST(Commands, RejectsCopiesOutOfRange) {
  expectRefused(withCommand(copyOf(5, 70)),
                "command 2 copies buffer 70, but the program has 7 "
                "buffers");
}

TEST(Commands, RefusesReservedMembers) {
  fb::CommandBodyUnion barrier;
  barrier.Set(fb::BarrierT());
  expectRefused(withCommand(std::move(barrier)), "is a Barrier");
}

TEST(Commands, RejectsCommandsWithoutBody) {
  expectRefused(withCommand(fb::CommandBodyUnion()), "command 2 has no body");
}

} // namespace
} // namespace mlc::rt
