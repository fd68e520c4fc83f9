// Collective commands: what the loader checks of them and of the mesh they
// run over, and sessions running them on a loopback channel (a mesh of one
// rank), with the counters of what was handed to the channel.
#include "runtime/Executable.h"
#include "runtime/Session.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

namespace mlc::rt {
namespace {

using namespace fixtures;

/// The bucket of SmallExecutable.h over a mesh of one rank (dp=1).
fb::ExecutableT bucket() { return bucketExecutable(1); }

fb::CollectiveT &collective(fb::ExecutableT &exe, size_t command = 0) {
  return *exe.programs[0]
              ->entry_points[0]
              ->commands[command]
              ->body.AsCollective();
}

/// A session of rank 0 of `exe` on `world`.
StatusOr<std::unique_ptr<Session>> sessionOn(const fb::ExecutableT &exe,
                                             Channel *world) {
  return sessionFor(pack(exe), world);
}

TEST(Collectives, ABucketRunsAsOneCallOnTheChannel) {
  std::unique_ptr<Channel> world = createLoopbackChannel();
  auto session = sessionOn(bucket(), world.get());
  ASSERT_TRUE(session.isOk()) << session.status().message();
  Session &s = **session;
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y = {-1, -2, -3, -4};
  ASSERT_TRUE(s.write(0, x.data(), 24).isOk());
  ASSERT_TRUE(s.write(1, y.data(), 16).isOk());
  auto entry = s.entry("eval");
  ASSERT_TRUE(entry.isOk());
  ASSERT_TRUE(s.run(**entry).isOk());
  // The mean over a group of one is each value: the bucket was packed,
  // reduced and unpacked in order.
  std::vector<float> gx(6), gy(4);
  ASSERT_TRUE(s.read(2, gx.data(), 24).isOk());
  ASSERT_TRUE(s.read(3, gy.data(), 16).isOk());
  EXPECT_EQ(gx, x);
  EXPECT_EQ(gy, y);
  // One call of 40 bytes, counted on the world channel the group was
  // split from.
  const CollectiveTally &t = world->counters()[fb::CollectiveKind::all_reduce];
  EXPECT_EQ(t.calls, 1u);
  EXPECT_EQ(t.bytes, 40u);
  ASSERT_TRUE(s.run(**entry).isOk());
  EXPECT_EQ(t.bytes, 80u);
}

TEST(Collectives, EveryKindRunsOnAGroupOfOne) {
  // gx = all_gather(x); gy = broadcast(y); send y to itself and receive
  // it into gy; gx = reduce_scatter(x). Over one rank each is a copy.
  fb::ExecutableT exe = bucket();
  fb::CollectiveT &gather = collective(exe);
  gather.kind = fb::CollectiveKind::all_gather;
  gather.operands = {0};
  gather.results = {2};
  auto add = [&](fb::CollectiveKind kind, std::vector<uint32_t> operands,
                 std::vector<uint32_t> results) {
    fb::CollectiveT c;
    c.kind = kind;
    c.operands = operands;
    c.results = results;
    c.axes = {0};
    auto command = std::make_unique<fb::CommandT>();
    command->body.Set(std::move(c));
    exe.programs[0]->entry_points[0]->commands.push_back(std::move(command));
  };
  add(fb::CollectiveKind::broadcast, {1}, {3});
  add(fb::CollectiveKind::send, {1}, {});
  add(fb::CollectiveKind::recv, {}, {3});
  add(fb::CollectiveKind::reduce_scatter, {0}, {2});
  std::unique_ptr<Channel> world = createLoopbackChannel();
  auto session = sessionOn(exe, world.get());
  ASSERT_TRUE(session.isOk()) << session.status().message();
  Session &s = **session;
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y = {7, 8, 9, 10};
  ASSERT_TRUE(s.write(0, x.data(), 24).isOk());
  ASSERT_TRUE(s.write(1, y.data(), 16).isOk());
  auto entry = s.entry("eval");
  ASSERT_TRUE(s.run(**entry).isOk());
  std::vector<float> gx(6), gy(4);
  ASSERT_TRUE(s.read(2, gx.data(), 24).isOk());
  ASSERT_TRUE(s.read(3, gy.data(), 16).isOk());
  EXPECT_EQ(gx, x);
  EXPECT_EQ(gy, y);
  const CollectiveCounters &c = world->counters();
  EXPECT_EQ(c[fb::CollectiveKind::all_gather].bytes, 24u);
  EXPECT_EQ(c[fb::CollectiveKind::broadcast].bytes, 16u);
  EXPECT_EQ(c[fb::CollectiveKind::send].bytes, 16u);
  EXPECT_EQ(c[fb::CollectiveKind::recv].bytes, 16u);
  EXPECT_EQ(c[fb::CollectiveKind::reduce_scatter].bytes, 24u);
}

TEST(Collectives, ProfilesNameTheCollective) {
  auto session = sessionOn(bucket(), nullptr);
  ASSERT_TRUE(session.isOk()) << session.status().message();
  StatusOr<Entry *> entry = (*session)->entry("eval");
  ASSERT_TRUE(entry.isOk());
  const Entry &e = **entry;
  ASSERT_EQ(e.profile().size(), 1u);
  EXPECT_EQ(e.profile()[0].kind, "all_reduce");
  EXPECT_EQ(e.profile()[0].bytes, 80u);
}

TEST(Collectives, OverlappedCommandsWaitOnlyForWhatTheyTouch) {
  auto session = sessionOn(overlapExecutable(), nullptr);
  ASSERT_TRUE(session.isOk()) << session.status().message();
  StatusOr<Entry *> entry = (*session)->entry("eval");
  ASSERT_TRUE(entry.isOk());
  // The copy of z runs while the all_reduce may be in flight; the copy of
  // its result gx waits for it (collective 0).
  EXPECT_EQ((*entry)->collectiveWaits(), (std::vector<int64_t>{-1, -1, 0}));
}

TEST(Collectives, OverlapGivesTheResultsOfRunningInOrder) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y = {-1, -2, -3, -4},
                     z = {9, 8, 7, 6};
  for (bool overlap : {true, false}) {
    std::unique_ptr<Channel> world = createLoopbackChannel();
    auto session = sessionOn(overlapExecutable(), world.get());
    ASSERT_TRUE(session.isOk()) << session.status().message();
    Session &s = **session;
    s.setOverlap(overlap);
    ASSERT_TRUE(s.write(0, x.data(), 24).isOk());
    ASSERT_TRUE(s.write(1, y.data(), 16).isOk());
    ASSERT_TRUE(s.write(5, z.data(), 16).isOk());
    auto entry = s.entry("eval");
    ASSERT_TRUE(entry.isOk());
    for (int call = 0; call < 3; ++call)
      ASSERT_TRUE(s.run(**entry).isOk()) << "overlap " << overlap;
    std::vector<float> gy(4), w(4), t(6);
    ASSERT_TRUE(s.read(3, gy.data(), 16).isOk());
    ASSERT_TRUE(s.read(6, w.data(), 16).isOk());
    ASSERT_TRUE(s.read(7, t.data(), 24).isOk());
    EXPECT_EQ(gy, y);
    EXPECT_EQ(w, z);
    EXPECT_EQ(t, x);
    EXPECT_EQ(world->counters()[fb::CollectiveKind::all_reduce].calls, 3u);
    EXPECT_GE(s.collectiveWaitSeconds(), 0.0);
  }
}

TEST(Collectives, RejectBuffersThatDoNotPair) {
  fb::ExecutableT exe = bucket();
  collective(exe).results = {2};
  expectRefused(exe, "entry point 'eval' command 0 (all_reduce) has 2 "
                     "operands and 1 results; all_reduce takes one or "
                     "more operands and a result for each");
  exe = bucket();
  collective(exe).results = {3, 2};
  expectRefused(exe, "writes buffer 0 ('x') (2x3xf32) into buffer 3 ('gy') "
                     "(2x2xf32); they need the same dtype and shape");
  exe = bucket();
  collective(exe).results = {2, 2};
  expectRefused(exe, "writes buffer 2 ('gx') twice");
  exe = bucket();
  exe.programs[0]->buffers[1]->dtype = fb::DType::f64;
  exe.programs[0]->buffers[1]->byte_size = 32;
  exe.programs[0]->buffers[3]->dtype = fb::DType::f64;
  exe.programs[0]->buffers[3]->byte_size = 32;
  expectRefused(exe, "mixes f32 (buffer 0 ('x')) and f64 (buffer 1 ('y')) "
                     "in one bucket; a bucket has one dtype");
  exe = bucket();
  collective(exe).operands = {0, 9};
  expectRefused(exe, "command 0 (all_reduce) operands refer to buffer 9, but "
                     "the program has 5 buffers");
  exe = bucket();
  collective(exe).results = {2, 4};
  expectRefused(exe, "writes to buffer 4 ('c'), which is read-only "
                     "(constant)");
}

TEST(Collectives, RejectGroupsTheMeshDoesNotHave) {
  fb::ExecutableT exe = bucket();
  collective(exe).axes = {};
  expectRefused(exe, "command 0 (all_reduce) names no mesh axis to run over");
  exe = bucket();
  collective(exe).axes = {1};
  expectRefused(exe, "names mesh axis 1, but the mesh has 1 axis");
  exe = bucket();
  auto second = std::make_unique<fb::MeshAxisT>();
  second->name = "tp";
  second->size = 1;
  exe.mesh->axes.push_back(std::move(second));
  collective(exe).axes = {1, 0};
  expectRefused(exe, "lists mesh axes out of order or twice (1 before 0)");
  collective(exe).axes = {0, 1};
  EXPECT_EQ(loadError(exe), "");
}

TEST(Collectives, RejectReductionsOfTheWrongType) {
  fb::ExecutableT exe = bucket();
  for (uint32_t b : {0, 1, 2, 3})
    exe.programs[0]->buffers[b]->dtype = fb::DType::i32;
  expectRefused(exe, "takes the mean of i32 elements; the mean is of floats "
                     "only");
  collective(exe).reduction = fb::Reduction::max;
  EXPECT_EQ(loadError(exe), "");
  for (uint32_t b : {0, 1, 2, 3}) {
    exe.programs[0]->buffers[b]->dtype = fb::DType::i1;
    exe.programs[0]->buffers[b]->byte_size /= 4;
  }
  expectRefused(exe, "reduces i1 elements; collectives reduce f32, f64, i32 "
                     "and i64");
  exe = bucket();
  collective(exe).reduction = static_cast<fb::Reduction>(9);
  expectRefused(exe, "has an unknown reduction 9");
  exe = bucket();
  collective(exe).kind = static_cast<fb::CollectiveKind>(42);
  expectRefused(exe, "command 0 is a collective of unknown kind 42");
}

TEST(Collectives, RejectPartsThatDoNotDivide) {
  // A group of 2 (dp=2, one program for both ranks): all_gather's result
  // holds 2 parts, reduce_scatter's 1/2 of its operand.
  fb::ExecutableT exe = bucket();
  exe.mesh->axes[0]->size = 2;
  exe.rank_programs = {0, 0};
  fb::CollectiveT &c = collective(exe);
  c.kind = fb::CollectiveKind::all_gather;
  c.operands = {1};
  c.results = {2};
  expectRefused(exe, "takes buffer 1 ('y') (2x2xf32) to buffer 2 ('gx') "
                     "(2x3xf32); over a group of 2 ranks the result has 2 "
                     "times the elements of the operand, in one dtype");
  c.kind = fb::CollectiveKind::reduce_scatter;
  expectRefused(exe, "the operand has 2 times the elements of the result");
  // A bucket pairs each operand with its part.
  c.operands = {0, 1};
  expectRefused(exe, "(reduce_scatter) has 2 operands and 1 results; "
                     "reduce_scatter takes one or more operands and a "
                     "result for each");
  c.operands = {1};
  c.kind = fb::CollectiveKind::all_gather;
  c.operands = {0};
  c.results = {0};
  expectRefused(exe, "writes to buffer 0 ('x'), which is read-only (input)");
  c.kind = fb::CollectiveKind::broadcast;
  c.operands = {0};
  c.results = {2};
  c.root = 2;
  expectRefused(exe, "has root 2 in a group of 2 ranks");
  c.kind = fb::CollectiveKind::send;
  c.results = {};
  c.peer = 5;
  expectRefused(exe, "has peer 5 in a group of 2 ranks");
  c.kind = fb::CollectiveKind::recv;
  c.operands = {};
  c.results = {2};
  c.peer = 1;
  EXPECT_EQ(loadError(exe), "");
  c.operands = {0};
  expectRefused(exe, "(recv) has 1 operands and 1 results; recv takes 0 "
                     "and 1");
}

TEST(Mesh, RanksShareProgramsThroughTheMap) {
  fb::ExecutableT exe = bucket();
  exe.mesh->axes[0]->size = 2;
  expectRefused(exe, "mesh has 2 ranks but the file has 1 programs and no "
                     "rank_programs to share them");
  exe.rank_programs = {0};
  expectRefused(exe, "rank_programs has 1 entries for a mesh of 2 ranks");
  exe.rank_programs = {0, 1};
  expectRefused(exe, "rank 1 runs program 1, but the file has 1 programs");
  exe.rank_programs = {0, 0};
  auto loaded = Executable::loadBytes(pack(exe), "test.mlcx");
  ASSERT_TRUE(loaded.isOk()) << loaded.status().message();
  EXPECT_EQ((*loaded)->numRanks(), 2u);
  EXPECT_EQ((*loaded)->numPrograms(), 1u);
  EXPECT_EQ((*loaded)->programIndex(1), 0u);
  EXPECT_EQ((*loaded)->describeMesh(), "dp=2");
  exe.programs[0]->rank = 1;
  expectRefused(exe, "program 0 says its first rank is 1, but it is rank 0");
}

TEST(Mesh, AxesAreNamedOnceAndHaveRanks) {
  fb::ExecutableT exe = bucket();
  exe.mesh->axes[0]->size = 0;
  expectRefused(exe, "mesh axis 0 ('dp') has size 0");
  exe = bucket();
  exe.mesh->axes[0]->name = "";
  expectRefused(exe, "the name of mesh axis 0 is empty");
  exe = bucket();
  auto again = std::make_unique<fb::MeshAxisT>();
  again->name = "dp";
  again->size = 1;
  exe.mesh->axes.push_back(std::move(again));
  expectRefused(exe, "mesh axis 1 ('dp') repeats an axis name");
}

TEST(Mesh, BatchAxesAreMeshAxes) {
  fb::ExecutableT exe = bucket();
  exe.programs[0]->entry_points[0]->batch_axes = {0};
  EXPECT_EQ(loadError(exe), "");
  exe.programs[0]->entry_points[0]->batch_axes = {3};
  expectRefused(exe, "entry point 'eval' splits its batch and names mesh "
                     "axis 3, but the mesh has 1 axis");
}

TEST(Mesh, SessionsNeedAChannelOfTheMeshsSize) {
  fb::ExecutableT exe = bucket();
  exe.mesh->axes[0]->size = 2;
  exe.rank_programs = {0, 0};
  auto alone = sessionOn(exe, nullptr);
  ASSERT_FALSE(alone.isOk());
  EXPECT_EQ(alone.status().message(),
            "test.mlcx was compiled for a mesh of 2 ranks (dp=2); it needs a "
            "communicator of as many");
  std::unique_ptr<Channel> world = createLoopbackChannel();
  auto one = sessionOn(exe, world.get());
  ASSERT_FALSE(one.isOk());
  EXPECT_EQ(one.status().message(),
            "the loopback communicator has 1 rank but test.mlcx was "
            "compiled for a mesh of 2 ranks (dp=2)");
}

TEST(Mesh, ActivationsACollectiveReadsMustBeWrittenFirst) {
  // The liveness check sees a collective's operands and results.
  fb::ExecutableT exe = bucket();
  exe.programs[0]->buffers[2]->role = fb::BufferRole::activation;
  exe.programs[0]->entry_points[0]->outputs.erase(
      exe.programs[0]->entry_points[0]->outputs.begin());
  collective(exe).operands = {2, 1};
  collective(exe).results = {2, 3};
  EXPECT_NE(loadError(exe).find("command 0 reads buffer 2 ('gx'), an "
                                "activation that no earlier command of the "
                                "entry point writes"),
            std::string::npos)
      << loadError(exe);
}

} // namespace
} // namespace mlc::rt
