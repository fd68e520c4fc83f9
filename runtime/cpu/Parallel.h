// Parallel loops of mlc's own CPU kernels: a thread pool whose workers
// sleep between loops, and the parallelFor every kernel calls.
#ifndef MLC_RUNTIME_CPU_PARALLEL_H
#define MLC_RUNTIME_CPU_PARALLEL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mlc::rt::cpu {

/// The body of a parallel loop: runs iterations [begin, end).
using LoopBody = std::function<void(int64_t, int64_t)>;

/// How a loop of n iterations is cut into chunks: `count` contiguous
/// chunks whose sizes differ by at most one, each of at least `grain`
/// iterations unless n itself is smaller (then there is one chunk). A pool
/// of one thread makes one chunk; a larger pool makes at most
/// kChunksPerThread per thread, so that a thread the OS delays for a while
/// leaves its share to the others.
struct ChunkPlan {
  static constexpr int64_t kChunksPerThread = 4;

  int64_t n = 0;
  int64_t count = 0;

  ChunkPlan(int64_t n, int64_t grain, int threads);
  int64_t begin(int64_t chunk) const;
  int64_t end(int64_t chunk) const { return begin(chunk + 1); }
};

/// A fixed set of threads that runs parallelFor loops with the calling
/// thread. Workers block on a condition variable between loops (never
/// spin: on machines with few cores a spinning worker takes the core away
/// from the thread doing the work) and claim chunks in increasing order.
/// Each loop runs on the floating-point control state (MXCSR: flush-to-
/// zero, denormals-are-zero, rounding) of the thread that started it.
///
/// A loop started while the pool already runs one (from another thread, or
/// from inside a loop body) runs inline on its caller, with the same
/// chunks: nesting and concurrent use are safe and give the same results.
class ThreadPool {
public:
  /// The most threads a pool may have.
  static constexpr int kMaxThreads = 1024;

  /// A pool of `threads` threads in all (at most kMaxThreads), the caller
  /// included, so `threads - 1` workers start; 0 means one per core this
  /// process may run on. Throws std::system_error when the system cannot
  /// start a thread.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int threads() const { return threads_; }
  /// Loops this pool has handed to its workers so far; tests read it to
  /// check that a kernel did split its work.
  uint64_t splitLoops() const {
    return splitLoops_.load(std::memory_order_relaxed);
  }

  /// Runs `body` over the chunks of ChunkPlan(n, grain, threads()), each
  /// exactly once, and returns when all are done. An exception thrown by a
  /// chunk is rethrown here, on the caller: the one of the lowest chunk
  /// that threw, as a serial loop would have; chunks not yet started when
  /// one throws are skipped.
  void parallelFor(int64_t n, int64_t grain, const LoopBody &body);

private:
  struct Loop;

  void workerMain();
  void runChunks(Loop &loop);

  int threads_ = 1;
  std::vector<std::thread> workers_;
  /// Set while a loop runs on the workers. An atomic flag rather than a
  /// mutex, because a loop body may start a loop on the same thread.
  std::atomic<bool> busy_{false};
  std::atomic<uint64_t> splitLoops_{0};
  /// Guards everything below and the Loop's shared counters.
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  Loop *loop_ = nullptr;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

/// Makes `pool` the pool that parallelFor uses on the calling thread while
/// the scope lives (nullptr: loops run inline); the previous one comes back
/// after. The CPU device opens one around every command it runs, so that
/// kernels need no pool argument and a kernel prepared without a device
/// (as unit tests do) runs serially.
class ParallelScope {
public:
  explicit ParallelScope(ThreadPool *pool);
  ~ParallelScope();
  ParallelScope(const ParallelScope &) = delete;
  ParallelScope &operator=(const ParallelScope &) = delete;

private:
  ThreadPool *previous_;
};

/// The calling thread's pool, or nullptr.
ThreadPool *currentPool();

/// Runs `body(begin, end)` over contiguous chunks covering [0, n) (see
/// ChunkPlan) on the calling thread's pool, or inline when it has none.
/// The chunks depend only on n, grain and the thread count, never on
/// timing, and each iteration runs exactly once, so a kernel that writes
/// disjoint outputs per iteration gives the same bits for any thread count.
/// `grain` is the fewest iterations worth handing to another thread.
void parallelFor(int64_t n, int64_t grain, const LoopBody &body);

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_PARALLEL_H
