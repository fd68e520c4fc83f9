// The loopback communicator, mesh groups and the collective counters: what
// a one-rank process and every channel share.
#include "runtime/Channel.h"

#include <gtest/gtest.h>

#include <numeric>

namespace mlc::rt {
namespace {

TEST(MeshGroup, CoordinatesAreRowMajor) {
  // A 2 x 3 mesh (dp = 2, tp = 3): rank 4 is at (1, 1).
  std::vector<uint32_t> mesh = {2, 3};
  MeshGroup tp = meshGroup(mesh, {1}, 4);
  EXPECT_EQ(tp.color, 1); // its dp coordinate
  EXPECT_EQ(tp.position, 1);
  EXPECT_EQ(tp.size, 3);
  MeshGroup dp = meshGroup(mesh, {0}, 4);
  EXPECT_EQ(dp.color, 1); // its tp coordinate
  EXPECT_EQ(dp.position, 1);
  EXPECT_EQ(dp.size, 2);
  MeshGroup all = meshGroup(mesh, {0, 1}, 4);
  EXPECT_EQ(all.color, 0);
  EXPECT_EQ(all.position, 4);
  EXPECT_EQ(all.size, 6);
}

TEST(MeshGroup, EveryGroupHoldsEachPositionOnce) {
  std::vector<uint32_t> mesh = {2, 2, 3};
  for (std::vector<uint32_t> axes :
       {std::vector<uint32_t>{0}, {1}, {2}, {0, 2}, {1, 2}}) {
    std::map<int, std::vector<int>> groups; // color -> positions seen
    for (int r = 0; r < 12; ++r) {
      MeshGroup g = meshGroup(mesh, axes, r);
      groups[g.color].push_back(g.position);
    }
    for (auto &[color, positions] : groups) {
      std::vector<int> expected(positions.size());
      std::iota(expected.begin(), expected.end(), 0);
      std::sort(positions.begin(), positions.end());
      EXPECT_EQ(positions, expected) << "color " << color;
      EXPECT_EQ(positions.size(),
                static_cast<size_t>(meshGroup(mesh, axes, 0).size));
    }
  }
}

TEST(Loopback, CollectivesOfOneRankCopy) {
  std::unique_ptr<Channel> c = createLoopbackChannel();
  EXPECT_EQ(c->rank(), 0);
  EXPECT_EQ(c->size(), 1);
  std::vector<float> in = {1.5f, -2.0f, 3.25f}, out(3, 0.0f);
  for (fb::Reduction r : {fb::Reduction::sum, fb::Reduction::mean,
                          fb::Reduction::max, fb::Reduction::min}) {
    std::fill(out.begin(), out.end(), 0.0f);
    ASSERT_TRUE(c->allReduce(in.data(), out.data(), 3, DType::f32, r).isOk());
    EXPECT_EQ(out, in);
  }
  std::vector<float> inPlace = in;
  ASSERT_TRUE(c->allReduce(inPlace.data(), inPlace.data(), 3, DType::f32,
                           fb::Reduction::mean)
                  .isOk());
  EXPECT_EQ(inPlace, in);
  std::fill(out.begin(), out.end(), 0.0f);
  ASSERT_TRUE(c->allGather(in.data(), out.data(), 3, DType::f32).isOk());
  EXPECT_EQ(out, in);
  std::fill(out.begin(), out.end(), 0.0f);
  ASSERT_TRUE(
      c->reduceScatter(in.data(), out.data(), 3, DType::f32, fb::Reduction::sum)
          .isOk());
  EXPECT_EQ(out, in);
  ASSERT_TRUE(c->broadcast(out.data(), 3, DType::f32, 0).isOk());
  EXPECT_EQ(out, in);
  ASSERT_TRUE(c->barrier().isOk());
}

TEST(Loopback, SendToItselfIsReceivedInOrder) {
  std::unique_ptr<Channel> c = createLoopbackChannel();
  int32_t a = 7, b = 9, got = 0;
  ASSERT_TRUE(c->send(&a, sizeof a, 0).isOk());
  ASSERT_TRUE(c->send(&b, sizeof b, 0).isOk());
  ASSERT_TRUE(c->recv(&got, sizeof got, 0).isOk());
  EXPECT_EQ(got, 7);
  ASSERT_TRUE(c->recv(&got, sizeof got, 0).isOk());
  EXPECT_EQ(got, 9);
  Status nothing = c->recv(&got, sizeof got, 0);
  ASSERT_FALSE(nothing.isOk());
  EXPECT_NE(nothing.message().find("sent nothing"), std::string::npos)
      << nothing.message();
  ASSERT_TRUE(c->send(&a, sizeof a, 0).isOk());
  int64_t wide = 0;
  Status size = c->recv(&wide, sizeof wide, 0);
  EXPECT_NE(size.message().find("recv of 8 bytes got a message of 4"),
            std::string::npos)
      << size.message();
}

TEST(Loopback, CountersAreWhatWasHandedOver) {
  std::unique_ptr<Channel> world = createLoopbackChannel();
  StatusOr<std::unique_ptr<Channel>> group = splitMeshGroup(*world, {1}, {0});
  ASSERT_TRUE(group.isOk()) << group.status().message();
  std::vector<double> x(10, 1.0);
  ASSERT_TRUE(
      world->allReduce(x.data(), x.data(), 10, DType::f64, fb::Reduction::sum)
          .isOk());
  // A group split from the world counts into the world's counters.
  ASSERT_TRUE(
      (*group)
          ->allReduce(x.data(), x.data(), 4, DType::f64, fb::Reduction::sum)
          .isOk());
  ASSERT_TRUE((*group)->broadcast(x.data(), 3, DType::f64, 0).isOk());
  int32_t m = 1;
  ASSERT_TRUE((*group)->send(&m, 4, 0).isOk());
  ASSERT_TRUE((*group)->recv(&m, 4, 0).isOk());
  const CollectiveCounters &c = world->counters();
  EXPECT_EQ(c[fb::CollectiveKind::all_reduce].calls, 2u);
  EXPECT_EQ(c[fb::CollectiveKind::all_reduce].bytes, 14u * 8);
  EXPECT_EQ(c[fb::CollectiveKind::broadcast].bytes, 24u);
  EXPECT_EQ(c[fb::CollectiveKind::send].bytes, 4u);
  EXPECT_EQ(c[fb::CollectiveKind::recv].bytes, 4u);
  EXPECT_EQ(c[fb::CollectiveKind::all_gather].calls, 0u);
  EXPECT_EQ(c.totalBytes(), 14u * 8 + 24 + 4 + 4);
  EXPECT_EQ(&(*group)->counters(), &c);
}

TEST(Channel, RefusesWhatItCannotReduce) {
  std::unique_ptr<Channel> c = createLoopbackChannel();
  int32_t i = 3;
  Status mean = c->allReduce(&i, &i, 1, DType::i32, fb::Reduction::mean);
  EXPECT_NE(mean.message().find("mean of floats only, not of i32"),
            std::string::npos)
      << mean.message();
  uint8_t flag = 1;
  Status boolean = c->allReduce(&flag, &flag, 1, DType::i1, fb::Reduction::max);
  EXPECT_NE(boolean.message().find("cannot reduce i1"), std::string::npos)
      << boolean.message();
  Status root = c->broadcast(&i, 1, DType::i32, 1);
  EXPECT_NE(root.message().find("broadcast names rank 1 of a group of 1"),
            std::string::npos)
      << root.message();
  Status peer = c->send(&i, 4, -1);
  EXPECT_FALSE(peer.isOk());
  // Refused calls are not counted.
  EXPECT_EQ(c->counters().totalBytes(), 0u);
}

TEST(ChannelRegistry, HasLoopbackAndNamesWhatItHas) {
  ChannelRegistry registry;
  registerBuiltinChannels(registry);
  EXPECT_TRUE(registry.contains("loopback"));
#ifdef MLC_HAVE_MPI
  EXPECT_TRUE(registry.contains("mpi"));
#endif
  StatusOr<std::unique_ptr<Channel>> none =
      registry.create("carrier-pigeon", ChannelOptions());
  ASSERT_FALSE(none.isOk());
  EXPECT_NE(none.status().message().find(
                "no communicator 'carrier-pigeon' in this build (have: "),
            std::string::npos)
      << none.status().message();
  StatusOr<std::unique_ptr<Channel>> loop =
      registry.create("loopback", ChannelOptions());
  ASSERT_TRUE(loop.isOk());
  EXPECT_STREQ((*loop)->name(), "loopback");
  EXPECT_STREQ((*loop)->deviceName(), "cpu");
}

} // namespace
} // namespace mlc::rt
