// The MPI communicator under mpirun (ctest runs it with 2 and with 4
// ranks): every collective against values each rank computes itself,
// groups over mesh axes, the counters, and a collective that times out
// because a peer is late. Only rank 0 prints; other ranks report their
// failures on stderr, and any failing rank fails the run.
#include "runtime/Checkpoint.h"
#include "runtime/Session.h"
#include "runtime/Shard.h"
#include "runtime/mpi/MpiChannel.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace mlc::rt {
namespace {

/// The world channel, created once: MPI lives as long as the process.
Channel &world() {
  static std::unique_ptr<Channel> channel = [] {
    StatusOr<std::unique_ptr<Channel>> c =
        mpi::createMpiChannel(ChannelOptions());
    if (!c.isOk()) {
      std::fprintf(stderr, "mpi_channel_test: %s\n",
                   c.status().message().c_str());
      std::exit(1);
    }
    return std::move(c).value();
  }();
  return *channel;
}

TEST(Mpi, WorldIsWhatTheLauncherStarted) {
  Channel &c = world();
  EXPECT_TRUE(mpi::launchedByMpi());
  auto [rank, size] = mpi::launcherRankAndSize();
  EXPECT_EQ(c.rank(), rank);
  EXPECT_EQ(c.size(), size);
  EXPECT_GE(c.size(), 2) << "run this test under mpirun -np 2 or more";
  EXPECT_STREQ(c.name(), "mpi");
  EXPECT_STREQ(c.deviceName(), "cpu");
}

TEST(Mpi, AllReduceOfEachReductionAndType) {
  Channel &c = world();
  int n = c.size(), r = c.rank();
  // Element i of rank r: r + i (floats: halves, exact in any order).
  std::vector<float> f(5), fOut(5);
  std::vector<double> d(5);
  std::vector<int64_t> l(5);
  std::vector<int32_t> w(5);
  for (int i = 0; i < 5; ++i) {
    f[i] = 0.5f * static_cast<float>(r + i);
    d[i] = 0.5 * (r + i);
    l[i] = int64_t(r) * 1000000000 + i; // beyond 32 bits
    w[i] = (r % 2 ? -1 : 1) * (r + i);
  }
  ASSERT_TRUE(
      c.allReduce(f.data(), fOut.data(), 5, DType::f32, fb::Reduction::sum)
          .isOk());
  std::vector<double> dMean = d;
  ASSERT_TRUE(c.allReduce(dMean.data(), dMean.data(), 5, DType::f64,
                          fb::Reduction::mean)
                  .isOk());
  std::vector<int64_t> lMax = l;
  ASSERT_TRUE(
      c.allReduce(lMax.data(), lMax.data(), 5, DType::i64, fb::Reduction::max)
          .isOk());
  std::vector<int32_t> wMin = w;
  ASSERT_TRUE(
      c.allReduce(wMin.data(), wMin.data(), 5, DType::i32, fb::Reduction::min)
          .isOk());
  for (int i = 0; i < 5; ++i) {
    double sum = 0;
    int32_t minimum = INT32_MAX;
    for (int k = 0; k < n; ++k) {
      sum += 0.5 * (k + i);
      minimum = std::min(minimum, (k % 2 ? -1 : 1) * (k + i));
    }
    EXPECT_EQ(fOut[i], static_cast<float>(sum)) << i;
    EXPECT_EQ(dMean[i], sum / n) << i;
    EXPECT_EQ(lMax[i], int64_t(n - 1) * 1000000000 + i) << i;
    EXPECT_EQ(wMin[i], minimum) << i;
  }
  // The input of an out-of-place call is left as it was.
  EXPECT_EQ(f[1], 0.5f * static_cast<float>(r + 1));
}

TEST(Mpi, ReduceScatterAllGatherBroadcast) {
  Channel &c = world();
  int n = c.size(), r = c.rank();
  const int part = 3;
  std::vector<float> in(size_t(n) * part), out(part);
  for (int i = 0; i < n * part; ++i)
    in[size_t(i)] = static_cast<float>(i * (r + 1));
  ASSERT_TRUE(c.reduceScatter(in.data(), out.data(), part, DType::f32,
                              fb::Reduction::sum)
                  .isOk());
  float ranks = static_cast<float>(n * (n + 1) / 2); // sum of r + 1
  for (int j = 0; j < part; ++j)
    EXPECT_EQ(out[size_t(j)], static_cast<float>(r * part + j) * ranks) << j;

  std::vector<int64_t> mine = {r, 10 * r}, all(size_t(2 * n));
  ASSERT_TRUE(c.allGather(mine.data(), all.data(), 2, DType::i64).isOk());
  for (int k = 0; k < n; ++k) {
    EXPECT_EQ(all[size_t(2 * k)], k);
    EXPECT_EQ(all[size_t(2 * k + 1)], 10 * k);
  }

  std::vector<double> data(4, r == n - 1 ? 2.5 : -1.0);
  ASSERT_TRUE(c.broadcast(data.data(), 4, DType::f64, n - 1).isOk());
  EXPECT_EQ(data, std::vector<double>(4, 2.5));
}

TEST(Mpi, SendAndRecvAroundARing) {
  Channel &c = world();
  int n = c.size(), r = c.rank();
  int next = (r + 1) % n, previous = (r + n - 1) % n;
  // 1 MB, past any eager limit: a send waits for its recv, so even ranks
  // send first and odd ranks receive first.
  std::vector<int32_t> message(262144, r), got(262144, -1);
  size_t bytes = message.size() * sizeof(int32_t);
  auto sendIt = [&] { return c.send(message.data(), bytes, next); };
  auto recvIt = [&] { return c.recv(got.data(), bytes, previous); };
  if (r % 2 == 0) {
    ASSERT_TRUE(sendIt().isOk());
    ASSERT_TRUE(recvIt().isOk());
  } else {
    ASSERT_TRUE(recvIt().isOk());
    ASSERT_TRUE(sendIt().isOk());
  }
  EXPECT_EQ(got.front(), previous);
  EXPECT_EQ(got.back(), previous);
  ASSERT_TRUE(c.barrier().isOk());
}

TEST(Mpi, GroupsOverMeshAxes) {
  Channel &c = world();
  int n = c.size();
  if (n % 2 != 0)
    GTEST_SKIP() << "the mesh of this test is 2 x (size / 2)";
  // Mesh (a = 2, b = n / 2). A group over b: the ranks with this rank's
  // coordinate on a; over a: those with its coordinate on b.
  std::vector<uint32_t> mesh = {2, static_cast<uint32_t>(n / 2)};
  StatusOr<std::unique_ptr<Channel>> overB = splitMeshGroup(c, mesh, {1});
  ASSERT_TRUE(overB.isOk()) << overB.status().message();
  StatusOr<std::unique_ptr<Channel>> overA = splitMeshGroup(c, mesh, {0});
  ASSERT_TRUE(overA.isOk()) << overA.status().message();
  int r = c.rank(), a = r / (n / 2), b = r % (n / 2);
  EXPECT_EQ((*overB)->size(), n / 2);
  EXPECT_EQ((*overB)->rank(), b);
  EXPECT_EQ((*overA)->size(), 2);
  EXPECT_EQ((*overA)->rank(), a);
  int64_t sumB = r, sumA = r;
  ASSERT_TRUE((*overB)
                  ->allReduce(&sumB, &sumB, 1, DType::i64, fb::Reduction::sum)
                  .isOk());
  ASSERT_TRUE((*overA)
                  ->allReduce(&sumA, &sumA, 1, DType::i64, fb::Reduction::sum)
                  .isOk());
  int64_t expectB = 0;
  for (int k = 0; k < n / 2; ++k)
    expectB += a * (n / 2) + k;
  EXPECT_EQ(sumB, expectB);
  EXPECT_EQ(sumA, b + (n / 2 + b));
  // Members are named by their world ranks in messages.
  EXPECT_EQ((*overA)->worldRanks(), (std::vector<int>{b, n / 2 + b}));
}

TEST(Mpi, CountersCountThisRanksPayload) {
  Channel &c = world();
  CollectiveCounters before = c.counters();
  std::vector<float> x(100, 1.0f);
  ASSERT_TRUE(
      c.allReduce(x.data(), x.data(), 100, DType::f32, fb::Reduction::sum)
          .isOk());
  std::vector<float> all(100 * size_t(c.size()));
  ASSERT_TRUE(c.allGather(x.data(), all.data(), 100, DType::f32).isOk());
  const CollectiveCounters &after = c.counters();
  EXPECT_EQ(after[fb::CollectiveKind::all_reduce].bytes -
                before[fb::CollectiveKind::all_reduce].bytes,
            400u);
  EXPECT_EQ(after[fb::CollectiveKind::all_reduce].calls -
                before[fb::CollectiveKind::all_reduce].calls,
            1u);
  EXPECT_EQ(after[fb::CollectiveKind::all_gather].bytes -
                before[fb::CollectiveKind::all_gather].bytes,
            400u);
  EXPECT_EQ(all.back(), static_cast<float>(c.size()));
}

TEST(Mpi, ACollectiveWaitingForALatePeerTimesOut) {
  Channel &c = world();
  // Ranks 0 and 1 in a group of their own (every rank takes part in the
  // split), with a short timeout for rank 0; rank 1 is late by a second,
  // then joins with a long one.
  if (c.rank() < 2) {
    ChannelOptions shortWait;
    shortWait.timeoutSeconds = c.rank() == 0 ? 0.3 : 20;
    StatusOr<std::unique_ptr<Channel>> created =
        mpi::createMpiChannel(shortWait);
    ASSERT_TRUE(created.isOk());
    StatusOr<std::unique_ptr<Channel>> timed =
        (*created)->split(c.rank() < 2 ? 0 : 1, 0);
    ASSERT_TRUE(timed.isOk());
    float x = 1.0f;
    if (c.rank() == 1)
      std::this_thread::sleep_for(std::chrono::seconds(1));
    Status s = (*timed)->allReduce(&x, &x, 1, DType::f32, fb::Reduction::sum);
    if (c.rank() == 0) {
      ASSERT_FALSE(s.isOk());
      EXPECT_EQ(s.code(), StatusCode::Unavailable);
      EXPECT_NE(s.message().find("all_reduce of 4 bytes over ranks 0, 1: "
                                 "rank 0 waited 0."),
                std::string::npos)
          << s.message();
      // A group of two: the one peer is named.
      EXPECT_NE(s.message().find(" s (the timeout is 0.3 s) for rank 1, the "
                                 "other rank of its group; rank 1 is "
                                 "missing, hung or dead"),
                std::string::npos)
          << s.message();
    } else {
      // Rank 0 had posted its part before it gave up: rank 1's completes.
      EXPECT_TRUE(s.isOk()) << s.message();
    }
  } else {
    // Other ranks take part in the splits only.
    StatusOr<std::unique_ptr<Channel>> created =
        mpi::createMpiChannel(ChannelOptions());
    ASSERT_TRUE(created.isOk());
    StatusOr<std::unique_ptr<Channel>> other = (*created)->split(1, 0);
    ASSERT_TRUE(other.isOk());
  }
  ASSERT_TRUE(c.barrier().isOk());
}

TEST(Mpi, SessionsReduceABucketOverTheMesh) {
  Channel &c = world();
  auto session = fixtures::sessionFor(
      fixtures::pack(fixtures::bucketExecutable(c.size())), &c, c.rank());
  ASSERT_TRUE(session.isOk()) << session.status().message();
  Session &s = **session;
  // x on rank r: (1..6) * (r + 1); y: -(r + 1). The mean over n ranks:
  // (1..6) * (n + 1) / 2 and -(n + 1) / 2.
  float scale = static_cast<float>(c.rank() + 1);
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y(4, -scale);
  for (float &v : x)
    v *= scale;
  ASSERT_TRUE(s.write(0, x.data(), 24).isOk());
  ASSERT_TRUE(s.write(1, y.data(), 16).isOk());
  uint64_t before = c.counters()[fb::CollectiveKind::all_reduce].bytes;
  auto entry = s.entry("eval");
  ASSERT_TRUE(entry.isOk());
  ASSERT_TRUE(s.run(**entry).isOk());
  std::vector<float> gx(6), gy(4);
  ASSERT_TRUE(s.read(2, gx.data(), 24).isOk());
  ASSERT_TRUE(s.read(3, gy.data(), 16).isOk());
  float mean = static_cast<float>(c.size() + 1) / 2;
  for (int i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(gx[size_t(i)], static_cast<float>(i + 1) * mean) << i;
  EXPECT_EQ(gy, std::vector<float>(4, -mean));
  EXPECT_EQ(c.counters()[fb::CollectiveKind::all_reduce].bytes - before, 40u);
}

TEST(Mpi, SessionsReduceScatterABucketOverTheMesh) {
  Channel &c = world();
  // The bucket executable turned into a reduce-scatter of x [2, 4] and
  // y [2, 2] (sums) into rank parts of 8 / n and 4 / n elements.
  fb::ExecutableT exe = fixtures::bucketExecutable(c.size());
  fb::ProgramT &program = *exe.programs[0];
  size_t n = static_cast<size_t>(c.size());
  auto reshape = [&](uint32_t b, std::vector<int64_t> shape) {
    int64_t elements = 1;
    for (int64_t d : shape)
      elements *= d;
    program.buffers[b]->shape = shape;
    program.buffers[b]->byte_size = static_cast<uint64_t>(elements) * 4;
  };
  reshape(0, {2, 4});
  reshape(1, {2, 2});
  reshape(2, {static_cast<int64_t>(8 / n)});
  reshape(3, {static_cast<int64_t>(4 / n)});
  fb::CollectiveT &rs =
      *program.entry_points[0]->commands[0]->body.AsCollective();
  rs.kind = fb::CollectiveKind::reduce_scatter;
  rs.reduction = fb::Reduction::sum;
  auto session = fixtures::sessionFor(fixtures::pack(exe), &c, c.rank());
  ASSERT_TRUE(session.isOk()) << session.status().message();
  Session &s = **session;
  // x on rank r: i + 100 r at element i; y: 10 i - r. The sums over n
  // ranks: n i + 100 n (n - 1) / 2 and n 10 i - n (n - 1) / 2; rank r gets
  // elements [r 8 / n, (r + 1) 8 / n) of x's and [r 4 / n, ...) of y's.
  float r = static_cast<float>(c.rank()), fn = static_cast<float>(n);
  std::vector<float> x(8), y(4);
  for (size_t i = 0; i < 8; ++i)
    x[i] = static_cast<float>(i) + 100 * r;
  for (size_t i = 0; i < 4; ++i)
    y[i] = 10 * static_cast<float>(i) - r;
  ASSERT_TRUE(s.write(0, x.data(), 32).isOk());
  ASSERT_TRUE(s.write(1, y.data(), 16).isOk());
  uint64_t before = c.counters()[fb::CollectiveKind::reduce_scatter].bytes;
  uint64_t calls = c.counters()[fb::CollectiveKind::reduce_scatter].calls;
  auto entry = s.entry("eval");
  ASSERT_TRUE(entry.isOk());
  ASSERT_TRUE(s.run(**entry).isOk());
  std::vector<float> px(8 / n), py(4 / n);
  ASSERT_TRUE(s.read(2, px.data(), px.size() * 4).isOk());
  ASSERT_TRUE(s.read(3, py.data(), py.size() * 4).isOk());
  float ranks = fn * (fn - 1) / 2;
  for (size_t i = 0; i < px.size(); ++i) {
    float at = static_cast<float>(c.rank() * px.size() + i);
    EXPECT_FLOAT_EQ(px[i], fn * at + 100 * ranks) << i;
  }
  for (size_t i = 0; i < py.size(); ++i) {
    float at = static_cast<float>(c.rank() * py.size() + i);
    EXPECT_FLOAT_EQ(py[i], fn * 10 * at - ranks) << i;
  }
  // One call for the bucket, of its 48 input bytes.
  EXPECT_EQ(c.counters()[fb::CollectiveKind::reduce_scatter].calls - calls, 1u);
  EXPECT_EQ(c.counters()[fb::CollectiveKind::reduce_scatter].bytes - before,
            48u);
}

TEST(Mpi, InAGroupOfThreeTheRollCallNamesTheLateRank) {
  Channel &c = world();
  if (c.size() < 4)
    GTEST_SKIP() << "needs a group of three ranks and one more";
  // Ranks 0, 1 and 2 in a group; 0 and 1 wait 0.3 s, rank 2 comes 3 s
  // late, after the roll call (2 s) it did not answer.
  bool inGroup = c.rank() < 3;
  ChannelOptions options;
  options.timeoutSeconds = c.rank() < 2 ? 0.3 : 20;
  StatusOr<std::unique_ptr<Channel>> created = mpi::createMpiChannel(options);
  ASSERT_TRUE(created.isOk());
  StatusOr<std::unique_ptr<Channel>> group =
      (*created)->split(inGroup ? 0 : 1, 0);
  ASSERT_TRUE(group.isOk());
  if (inGroup) {
    float x = 1.0f;
    if (c.rank() == 2)
      std::this_thread::sleep_for(std::chrono::seconds(3));
    Status s = (*group)->allReduce(&x, &x, 1, DType::f32, fb::Reduction::sum);
    if (c.rank() < 2) {
      ASSERT_FALSE(s.isOk());
      EXPECT_EQ(s.code(), StatusCode::Unavailable);
      EXPECT_NE(s.message().find(
                    "(the timeout is 0.3 s) for the other ranks of its "
                    "group; rank 2 did not answer a roll call of the group "
                    "within 2 s: it is missing, hung or dead"),
                std::string::npos)
          << s.message();
    } else {
      // Ranks 0 and 1 had posted their parts: rank 2's completes.
      EXPECT_TRUE(s.isOk()) << s.message();
    }
  }
  ASSERT_TRUE(c.barrier().isOk());
}

TEST(Mpi, ShardedStateIsInitializedAndCheckpointedWhole) {
  // Each rank holds pieces of w [4, 12] and v [5] (SmallExecutable.h);
  // one process's unsharded program of the same tensors is the reference.
  Channel &c = world();
  auto sharded = fixtures::sessionFor(
      fixtures::pack(fixtures::shardedExecutable(c.size())), &c, c.rank());
  auto whole = fixtures::sessionFor(
      fixtures::pack(fixtures::shardedExecutable(1, false)));
  ASSERT_TRUE(sharded.isOk()) << sharded.status().message();
  ASSERT_TRUE(whole.isOk()) << whole.status().message();
  Session &s = **sharded, &w = **whole;
  ASSERT_TRUE(s.initialize(11).isOk());
  ASSERT_TRUE(w.initialize(11).isOk());
  const std::vector<uint32_t> &mesh = s.executable().meshSizes();
  std::vector<std::vector<uint8_t>> pieces(2);
  for (uint32_t b = 0; b < 2; ++b) {
    // This rank's piece is its part of what one rank initializes...
    std::vector<uint8_t> reference(w.desc(b).byteSize());
    ASSERT_TRUE(w.read(b, reference.data(), reference.size()).isOk());
    pieces[b].resize(s.desc(b).byteSize());
    ASSERT_TRUE(s.read(b, pieces[b].data(), pieces[b].size()).isOk());
    std::vector<uint8_t> expected(pieces[b].size());
    takePiece(reference.data(), expected.data(),
              shardPieceIndices(*s.bufferDef(b).shard(), mesh,
                                meshCoordinates(mesh, c.rank())),
              4);
    EXPECT_EQ(pieces[b], expected) << s.bufferName(b);
    // ... and the pieces of all ranks gather into it.
    std::vector<uint8_t> gathered;
    ASSERT_TRUE(s.readWhole(b, gathered).isOk());
    EXPECT_EQ(gathered, reference) << s.bufferName(b);
  }
  EXPECT_EQ(s.stateTraffic()[fb::CollectiveKind::all_gather].calls, 2u);

  // A checkpoint holds whole tensors: it loads into the unsharded program
  // and into a sharded session that started elsewhere. Rank 0 names the
  // file for all.
  char path[256] = {};
  std::string mine = fixtures::tempPath("sharded.safetensors");
  std::strncpy(path, mine.c_str(), sizeof path - 1);
  ASSERT_TRUE(c.broadcast(path, sizeof path / 4, DType::i32, 0).isOk());
  ASSERT_TRUE(saveCheckpoint(s, path, 7, true).isOk());
  ASSERT_TRUE(c.barrier().isOk());
  auto other = fixtures::sessionFor(
      fixtures::pack(fixtures::shardedExecutable(c.size())), &c, c.rank());
  ASSERT_TRUE(other.isOk());
  ASSERT_TRUE((*other)->initialize(99).isOk());
  auto step = loadCheckpoint(**other, path, LoadScope::Everything);
  ASSERT_TRUE(step.isOk()) << step.status().message();
  EXPECT_EQ(*step, 7u);
  auto fresh = fixtures::sessionFor(
      fixtures::pack(fixtures::shardedExecutable(1, false)));
  ASSERT_TRUE(fresh.isOk());
  ASSERT_TRUE(loadCheckpoint(**fresh, path, LoadScope::Everything).isOk());
  for (uint32_t b = 0; b < 2; ++b) {
    std::vector<uint8_t> piece(s.desc(b).byteSize()), reference, loaded;
    ASSERT_TRUE((*other)->read(b, piece.data(), piece.size()).isOk());
    EXPECT_EQ(piece, pieces[b]) << s.bufferName(b);
    ASSERT_TRUE(w.readWhole(b, reference).isOk());
    ASSERT_TRUE((*fresh)->readWhole(b, loaded).isOk());
    EXPECT_EQ(loaded, reference) << s.bufferName(b);
  }
  ASSERT_TRUE(c.barrier().isOk());
  if (c.rank() == 0)
    std::remove(path);
}

/// Prints the failures of a rank other than 0 on stderr, with its rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult &result) override {
    if (result.failed())
      std::fprintf(stderr, "[rank %d] %s:%d: %s\n", rank_,
                   result.file_name() ? result.file_name() : "?",
                   result.line_number(), result.summary());
  }

private:
  int rank_;
};

} // namespace
} // namespace mlc::rt

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rank = mlc::rt::world().rank();
  if (rank != 0) {
    ::testing::TestEventListeners &listeners =
        ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new mlc::rt::FailurePrinter(rank));
  }
  return RUN_ALL_TESTS();
}
