// Sharded state: the piece of a whole tensor a rank holds (runtime/Shard.h)
// checked against indices written out by hand, what the loader refuses of
// sharded buffers, and a one-rank session of a sharded program. Sessions of
// several ranks gathering their pieces run under mpirun
// (mpi_channel_test.cpp).
#include "runtime/Executable.h"
#include "runtime/Session.h"
#include "runtime/Shard.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace mlc::rt {
namespace {

using namespace fixtures;

/// A finished fb::Shard of `whole` and `steps`, kept alive by its builder.
struct BuiltShard {
  flatbuffers::FlatBufferBuilder fbb;
  const fb::Shard *shard = nullptr;

  BuiltShard(std::vector<int64_t> whole, std::vector<fb::ShardStep> steps) {
    fbb.Finish(fb::CreateShardDirect(fbb, &whole, &steps));
    shard = flatbuffers::GetRoot<fb::Shard>(fbb.GetBufferPointer());
  }
};

fb::ShardStep split(uint32_t axis, uint32_t dim, uint32_t blocks) {
  return fb::ShardStep(fb::ShardStepKind::split, axis, dim, blocks);
}
fb::ShardStep flat(uint32_t axis) {
  return fb::ShardStep(fb::ShardStepKind::flat, axis, 0, 1);
}

TEST(Shard, SplitKeepsTheRanksPartOfEachBlock) {
  // [2, 12] in 3 blocks of 4 columns over 2 ranks: rank c keeps columns
  // b * 4 + c * 2 + {0, 1} of each block b.
  BuiltShard s({2, 12}, {split(0, 1, 3)});
  auto shape = shardPieceShape(*s.shard, {2}, "w");
  ASSERT_TRUE(shape.isOk()) << shape.status().message();
  EXPECT_EQ(*shape, (std::vector<int64_t>{2, 6}));
  for (uint32_t c = 0; c < 2; ++c) {
    std::vector<int64_t> expected;
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t b = 0; b < 3; ++b)
        for (int64_t j = 0; j < 2; ++j)
          expected.push_back(i * 12 + b * 4 + c * 2 + j);
    EXPECT_EQ(shardPieceIndices(*s.shard, {2}, {c}), expected) << "rank " << c;
  }
}

TEST(Shard, SplittingTheLeadingDimKeepsContiguousRows) {
  BuiltShard s({6, 2}, {split(0, 0, 1)});
  EXPECT_EQ(shardPieceIndices(*s.shard, {3}, {1}),
            (std::vector<int64_t>{4, 5, 6, 7}));
}

TEST(Shard, FlatPadsTheLastChunkWithZeros) {
  BuiltShard s({5}, {flat(0)});
  auto shape = shardPieceShape(*s.shard, {2}, "v");
  ASSERT_TRUE(shape.isOk());
  EXPECT_EQ(*shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(shardPieceIndices(*s.shard, {2}, {0}),
            (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(shardPieceIndices(*s.shard, {2}, {1}),
            (std::vector<int64_t>{3, 4, -1}));
  float whole[5] = {1, 2, 3, 4, 5}, piece[3] = {9, 9, 9};
  takePiece(whole, piece, shardPieceIndices(*s.shard, {2}, {1}), 4);
  EXPECT_EQ(piece[0], 4);
  EXPECT_EQ(piece[1], 5);
  EXPECT_EQ(piece[2], 0);
}

TEST(Shard, StepsComposeAndThePiecesCoverTheWholeOnce) {
  // Mesh dp=2 x tp=2: w [4, 12] split by columns in 3 blocks over tp, then
  // the flat chunk of that over dp.
  BuiltShard s({4, 12}, {split(1, 1, 3), flat(0)});
  std::vector<uint32_t> mesh = {2, 2};
  auto shape = shardPieceShape(*s.shard, mesh, "w");
  ASSERT_TRUE(shape.isOk()) << shape.status().message();
  EXPECT_EQ(*shape, (std::vector<int64_t>{12}));
  std::multiset<int64_t> seen;
  for (size_t rank = 0; rank < 4; ++rank) {
    std::vector<uint32_t> coords = meshCoordinates(mesh, rank);
    EXPECT_EQ(coords,
              (std::vector<uint32_t>{uint32_t(rank / 2), uint32_t(rank % 2)}));
    uint32_t d = coords[0], t = coords[1];
    std::vector<int64_t> tpPiece; // [4, 6], row-major
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t b = 0; b < 3; ++b)
        for (int64_t j = 0; j < 2; ++j)
          tpPiece.push_back(i * 12 + b * 4 + t * 2 + j);
    std::vector<int64_t> expected(tpPiece.begin() + d * 12,
                                  tpPiece.begin() + (d + 1) * 12);
    std::vector<int64_t> got = shardPieceIndices(*s.shard, mesh, coords);
    EXPECT_EQ(got, expected) << "rank " << rank;
    seen.insert(got.begin(), got.end());
  }
  EXPECT_EQ(seen.size(), 48u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 48u);
}

TEST(Shard, PlacingEveryRanksPieceRebuildsTheWhole) {
  BuiltShard s({3, 7}, {split(0, 0, 1), flat(1)});
  // mesh: axis 0 of 3 splits the rows, axis 1 of 2 chunks each row (7
  // elements: 4 and 3 + padding).
  std::vector<uint32_t> mesh = {3, 2};
  ASSERT_TRUE(shardPieceShape(*s.shard, mesh, "w").isOk());
  std::mt19937 rng(5);
  std::vector<float> whole(21), rebuilt(21, 0);
  for (float &v : whole)
    v = std::uniform_real_distribution<float>(-1, 1)(rng);
  for (size_t rank = 0; rank < 6; ++rank) {
    std::vector<int64_t> idx =
        shardPieceIndices(*s.shard, mesh, meshCoordinates(mesh, rank));
    ASSERT_EQ(idx.size(), 4u);
    std::vector<float> piece(4);
    takePiece(whole.data(), piece.data(), idx, 4);
    placePiece(piece.data(), rebuilt.data(), idx, 4);
  }
  EXPECT_EQ(rebuilt, whole);
}

TEST(Shard, PieceShapesThatCannotBeTakenAreErrors) {
  auto error = [](BuiltShard s, std::vector<uint32_t> mesh) {
    auto shape = shardPieceShape(*s.shard, mesh, "buffer 'w'");
    return shape.isOk() ? std::string() : shape.status().message();
  };
  EXPECT_EQ(error(BuiltShard({4, 10}, {split(0, 1, 3)}), {2}),
            "buffer 'w': shard step 0 splits dim 1 of extent 10 into 3 x 2 "
            "parts, which do not divide it");
  EXPECT_EQ(error(BuiltShard({4}, {split(1, 0, 1)}), {2}),
            "buffer 'w': shard step 0 runs over mesh axis 1, but the mesh has "
            "1 axis");
  EXPECT_EQ(error(BuiltShard({4}, {split(0, 1, 1)}), {2}),
            "buffer 'w': shard step 0 splits dim 1 of a 1-d tensor");
  EXPECT_EQ(error(BuiltShard({4, 4}, {flat(0), split(0, 1, 1)}), {2}),
            "buffer 'w': shard step 1 splits dim 1 of a 1-d tensor");
  EXPECT_EQ(error(BuiltShard({4}, {}), {2}),
            "buffer 'w' is sharded by no step");
}

TEST(Shard, TheLoaderRefusesPiecesThatDoNotMatch) {
  fb::ExecutableT exe = shardedExecutable(2);
  EXPECT_EQ(loadError(exe), "");
  exe.programs[0]->buffers[0]->shape = {4, 5};
  exe.programs[0]->buffers[0]->byte_size = 80;
  exe.programs[0]->buffers[2]->shape = {4, 5};
  exe.programs[0]->buffers[2]->byte_size = 80;
  expectRefused(exe, "buffer 0 ('w') is 4x5xf32, but its shard's piece is "
                     "4x6xf32");

  fb::ExecutableT input = shardedExecutable(2);
  input.programs[0]->buffers[2]->shard =
      std::make_unique<fb::ShardT>(*input.programs[0]->buffers[0]->shard);
  expectRefused(input, "buffer 2 ('o') is sharded, but only parameters and "
                       "optimizer state are");

  fb::ExecutableT axis = shardedExecutable(2);
  axis.programs[0]->buffers[1]->shard->steps[0] =
      fb::ShardStep(fb::ShardStepKind::flat, 3, 0, 1);
  expectRefused(axis, "shard step 0 runs over mesh axis 3, but the mesh has "
                      "1 axis");
}

TEST(Shard, OneRankHoldsTheWholeTensorsAsAnUnshardedProgramDoes) {
  // A mesh of one rank: the pieces are the whole tensors, initialized and
  // read back as those of the same program without shards.
  auto sharded = sessionFor(pack(shardedExecutable(1)));
  auto whole = sessionFor(pack(shardedExecutable(1, false)));
  ASSERT_TRUE(sharded.isOk()) << sharded.status().message();
  ASSERT_TRUE(whole.isOk()) << whole.status().message();
  ASSERT_TRUE((*sharded)->hasShardedState());
  ASSERT_FALSE((*whole)->hasShardedState());
  ASSERT_TRUE((*sharded)->initialize(3).isOk());
  ASSERT_TRUE((*whole)->initialize(3).isOk());
  for (uint32_t b = 0; b < 2; ++b) {
    std::vector<uint8_t> a, w;
    ASSERT_TRUE((*sharded)->readWhole(b, a).isOk());
    ASSERT_TRUE((*whole)->readWhole(b, w).isOk());
    EXPECT_EQ(a, w) << "buffer " << b;
    EXPECT_EQ((*sharded)->wholeDesc(b), (*whole)->desc(b));
  }
  // Gathering went through the loopback channel, counted apart from the
  // steps' collectives: every sharded element once.
  EXPECT_EQ((*sharded)->stateTraffic().totalBytes(), 4u * (48 + 5));
}

} // namespace
} // namespace mlc::rt
