// Unit tests of the thread pool behind parallelFor: every index once, the
// chunking rule, exceptions, nesting, concurrent callers, and the floating-
// point state workers compute with.
#include "runtime/cpu/CpuDevice.h"
#include "runtime/cpu/Parallel.h"

#include <gtest/gtest.h>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace mlc::rt::cpu {
namespace {

using Chunk = std::pair<int64_t, int64_t>;

/// The chunks the rule promises, in order.
std::vector<Chunk> plannedChunks(int64_t n, int64_t grain, int threads) {
  ChunkPlan plan(n, grain, threads);
  std::vector<Chunk> chunks;
  for (int64_t c = 0; c < plan.count; ++c)
    chunks.emplace_back(plan.begin(c), plan.end(c));
  return chunks;
}

/// Runs a loop that counts every index and records its chunks (sorted).
std::vector<Chunk> runCounting(ThreadPool &pool, int64_t n, int64_t grain,
                               std::vector<int> &hits) {
  hits.assign(static_cast<size_t>(std::max<int64_t>(n, 0)), 0);
  std::mutex mutex;
  std::vector<Chunk> chunks;
  pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      ++hits[static_cast<size_t>(i)]; // chunks are disjoint: no race
    std::lock_guard<std::mutex> lock(mutex);
    chunks.emplace_back(begin, end);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

TEST(ChunkPlan, FollowsTheRule) {
  for (int threads : {1, 2, 3, 8})
    for (int64_t n : {0, 1, 5, 63, 64, 65, 1000, 99991})
      for (int64_t grain : {0, 1, 7, 64, 100000}) {
        SCOPED_TRACE("n " + std::to_string(n) + " grain " +
                     std::to_string(grain) + " threads " +
                     std::to_string(threads));
        std::vector<Chunk> chunks = plannedChunks(n, grain, threads);
        if (n == 0) {
          EXPECT_TRUE(chunks.empty());
          continue;
        }
        int64_t g = std::max<int64_t>(grain, 1);
        int64_t most = threads == 1 ? 1 : ChunkPlan::kChunksPerThread * threads;
        ASSERT_EQ(static_cast<int64_t>(chunks.size()),
                  std::clamp<int64_t>(n / g, 1, most));
        int64_t at = 0, shortest = n, longest = 0;
        for (const Chunk &c : chunks) {
          EXPECT_EQ(c.first, at);
          at = c.second;
          shortest = std::min(shortest, c.second - c.first);
          longest = std::max(longest, c.second - c.first);
        }
        EXPECT_EQ(at, n);
        EXPECT_LE(longest - shortest, 1);
        if (chunks.size() > 1)
          EXPECT_GE(shortest, g);
      }
}

TEST(ThreadPool, RunsEveryIndexOnceInThePlannedChunks) {
  for (int threads : {1, 2, 3, 4}) {
    ThreadPool pool(threads);
    ASSERT_EQ(pool.threads(), threads);
    for (int64_t n : {0, 1, 2, 7, 100, 1001, 12345})
      for (int64_t grain : {1, 3, 64}) {
        SCOPED_TRACE("n " + std::to_string(n) + " grain " +
                     std::to_string(grain) + " threads " +
                     std::to_string(threads));
        std::vector<int> hits;
        std::vector<Chunk> chunks = runCounting(pool, n, grain, hits);
        EXPECT_EQ(chunks, plannedChunks(n, grain, threads));
        for (size_t i = 0; i < hits.size(); ++i)
          ASSERT_EQ(hits[i], 1) << "index " << i;
      }
  }
}

TEST(ThreadPool, ZeroThreadsMeansOnePerCore) {
  ThreadPool pool(0);
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(pool.threads(), CPU_COUNT(&set));
}

TEST(ThreadPool, ChunksDoNotDependOnTiming) {
  ThreadPool pool(3);
  std::vector<Chunk> first;
  for (int round = 0; round < 5; ++round) {
    std::mutex mutex;
    std::vector<Chunk> chunks;
    pool.parallelFor(1000, 10, [&](int64_t begin, int64_t end) {
      // Uneven, changing delays: who runs what changes, the chunks do not.
      std::this_thread::sleep_for(
          std::chrono::microseconds((begin * 7 + round * 13) % 200));
      std::lock_guard<std::mutex> lock(mutex);
      chunks.emplace_back(begin, end);
    });
    std::sort(chunks.begin(), chunks.end());
    if (round == 0)
      first = chunks;
    EXPECT_EQ(chunks, first) << "round " << round;
  }
}

TEST(ThreadPool, WorkersRunChunks) {
  ThreadPool pool(3);
  std::mutex mutex;
  std::condition_variable seenTwo;
  std::set<std::thread::id> ids;
  uint64_t before = pool.splitLoops();
  pool.parallelFor(12, 1, [&](int64_t, int64_t) {
    std::unique_lock<std::mutex> lock(mutex);
    ids.insert(std::this_thread::get_id());
    seenTwo.notify_all();
    // Hold this chunk until another thread has run one (bounded, so that
    // a broken pool fails the test instead of hanging it).
    seenTwo.wait_for(lock, std::chrono::seconds(20),
                     [&] { return ids.size() >= 2; });
  });
  EXPECT_GE(ids.size(), 2u);
  EXPECT_EQ(pool.splitLoops(), before + 1);
}

TEST(ThreadPool, SmallLoopsRunInlineOnTheCaller) {
  ThreadPool pool(3);
  uint64_t before = pool.splitLoops();
  std::thread::id caller = std::this_thread::get_id(), ran;
  pool.parallelFor(10, 64, [&](int64_t begin, int64_t end) {
    EXPECT_EQ(begin, 0);
    EXPECT_EQ(end, 10);
    ran = std::this_thread::get_id();
  });
  EXPECT_EQ(ran, caller);
  EXPECT_EQ(pool.splitLoops(), before);
}

TEST(ThreadPool, RethrowsTheLowestFailingChunksException) {
  ThreadPool pool(3);
  for (int round = 0; round < 20; ++round) {
    try {
      pool.parallelFor(12, 1, [&](int64_t begin, int64_t) {
        if (begin % 3 == 2) // chunks 2, 5, 8, 11 fail
          throw std::runtime_error("chunk " + std::to_string(begin));
      });
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "chunk 2");
    }
  }
  // The pool still works afterwards.
  std::vector<int> hits;
  runCounting(pool, 100, 1, hits);
  EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), 100);
}

TEST(ThreadPool, PassesBadAllocToTheCaller) {
  ThreadPool pool(2);
  EXPECT_THROW(pool.parallelFor(8, 1,
                                [](int64_t begin, int64_t) {
                                  if (begin == 7)
                                    throw std::bad_alloc();
                                }),
               std::bad_alloc);
}

TEST(ThreadPool, NestedLoopsRunInlineWithTheUsualChunks) {
  ThreadPool pool(3);
  ParallelScope scope(&pool);
  constexpr int64_t kOuter = 16, kInner = 50;
  std::vector<std::atomic<int>> hits(kOuter * kInner);
  std::mutex mutex;
  std::vector<std::vector<Chunk>> inner(kOuter);
  parallelFor(kOuter, 1, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o)
      parallelFor(kInner, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          ++hits[static_cast<size_t>(o * kInner + i)];
        std::lock_guard<std::mutex> lock(mutex);
        inner[static_cast<size_t>(o)].emplace_back(b, e);
      });
  });
  for (size_t i = 0; i < hits.size(); ++i)
    ASSERT_EQ(hits[i].load(), 1) << "index " << i;
  // Inline, so in order, on whichever thread ran the outer chunk.
  for (const std::vector<Chunk> &chunks : inner)
    EXPECT_EQ(chunks, plannedChunks(kInner, 1, 3));
}

TEST(ThreadPool, ConcurrentCallersShareOnePool) {
  ThreadPool pool(3);
  auto caller = [&](int seed, bool &ok) {
    ParallelScope scope(&pool);
    ok = true;
    for (int round = 0; round < 200; ++round) {
      int64_t n = 1 + (seed * 131 + round * 17) % 3000;
      std::vector<int> hits(static_cast<size_t>(n), 0);
      parallelFor(n, 8, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          ++hits[static_cast<size_t>(i)];
      });
      ok &= std::count(hits.begin(), hits.end(), 1) == n;
    }
  };
  bool ok[3];
  std::vector<std::thread> callers;
  for (int i = 0; i < 3; ++i)
    callers.emplace_back(caller, i, std::ref(ok[i]));
  for (std::thread &t : callers)
    t.join();
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(ok[i]) << "caller " << i;
}

TEST(ParallelScope, SelectsThePoolAndRestoresThePreviousOne) {
  EXPECT_EQ(currentPool(), nullptr);
  ThreadPool a(2), b(3);
  {
    ParallelScope outer(&a);
    EXPECT_EQ(currentPool(), &a);
    {
      ParallelScope inner(&b);
      EXPECT_EQ(currentPool(), &b);
      ParallelScope none(nullptr);
      EXPECT_EQ(currentPool(), nullptr);
    }
    EXPECT_EQ(currentPool(), &a);
  }
  EXPECT_EQ(currentPool(), nullptr);
  // Without a pool, a loop is one chunk on the caller.
  std::vector<Chunk> chunks;
  parallelFor(1000, 1, [&](int64_t begin, int64_t end) {
    chunks.emplace_back(begin, end);
  });
  EXPECT_EQ(chunks, (std::vector<Chunk>{{0, 1000}}));
}

#if defined(__SSE2__)
TEST(ThreadPool, WorkersTakeTheCallersFloatingPointState) {
  constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
  ThreadPool pool(3);
  const unsigned saved = _mm_getcsr();
  const unsigned control = saved & ~0x3fu;
  for (unsigned state : {control | kFlushToZero | kDenormalsAreZero, control}) {
    _mm_setcsr(state);
    std::mutex mutex;
    std::set<unsigned> seen;
    std::vector<float> products(64);
    volatile float tiny = 1e-30f, scale = 1e-10f;
    pool.parallelFor(64, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        products[static_cast<size_t>(i)] = tiny * scale; // subnormal or 0
      std::lock_guard<std::mutex> lock(mutex);
      seen.insert(_mm_getcsr() & ~0x3fu); // without the exception flags
    });
    _mm_setcsr(saved);
    EXPECT_EQ(seen, std::set<unsigned>{state});
    bool flush = state & kFlushToZero;
    for (float p : products)
      ASSERT_EQ(p == 0.0f, flush);
  }
}
#endif

TEST(CpuDevice, RejectsThreadCountsOutOfRange) {
  for (int threads : {-2, ThreadPool::kMaxThreads + 1}) {
    DeviceOptions options;
    options.threads = threads;
    StatusOr<std::unique_ptr<Device>> device = createCpuDevice(options);
    ASSERT_FALSE(device.isOk());
    EXPECT_NE(device.status().message().find(
                  "cpu device: " + std::to_string(threads) +
                  " threads requested, expected 0 (one per core) to 1024"),
              std::string::npos)
        << device.status().message();
  }
}

} // namespace
} // namespace mlc::rt::cpu
