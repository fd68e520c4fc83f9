// The thread pool behind parallelFor: workers sleep on a condition
// variable, claim chunks from an atomic counter, and hand exceptions back
// to the thread that started the loop.
#include "runtime/cpu/Parallel.h"

#include <algorithm>
#include <exception>
#include <limits>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif

namespace mlc::rt::cpu {

namespace {

/// The pool parallelFor uses on this thread (see ParallelScope). A worker
/// has its own pool, which is busy while the worker runs a chunk, so a loop
/// inside a loop body runs inline there with the usual chunks.
thread_local ThreadPool *tCurrentPool = nullptr;

/// The floating-point control state the calling thread computes with:
/// MXCSR without its sticky exception flags (the low six bits).
constexpr unsigned kExceptionFlags = 0x3f;

unsigned readFloatControl() {
#if defined(__SSE2__)
  return _mm_getcsr() & ~kExceptionFlags;
#else
  return 0;
#endif
}

void writeFloatControl(unsigned control) {
#if defined(__SSE2__)
  unsigned state = _mm_getcsr();
  if ((state & ~kExceptionFlags) != control)
    _mm_setcsr(control | (state & kExceptionFlags));
#else
  (void)control;
#endif
}

/// The cores this process may run on: its CPU affinity set where the
/// system has one (a container or `taskset` may allow fewer cores than the
/// machine has), else the machine's count.
int coresAvailable() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
#endif
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(std::min<unsigned>(cores, 1u << 16)) : 1;
}

int threadsFor(int requested) {
  return requested > 0 ? requested : coresAvailable();
}

} // namespace

//===----------------------------------------------------------------------===//
// ChunkPlan
//===----------------------------------------------------------------------===//

ChunkPlan::ChunkPlan(int64_t n, int64_t grain, int threads) : n(n) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t most = threads > 1 ? kChunksPerThread * threads : 1;
  count = std::clamp<int64_t>(n / grain, 1, most);
}

int64_t ChunkPlan::begin(int64_t chunk) const {
  // Sizes n / count, the first n % count of them one longer.
  const int64_t base = n / count, extra = n % count;
  return chunk * base + std::min(chunk, extra);
}

//===----------------------------------------------------------------------===//
// ThreadPool
//===----------------------------------------------------------------------===//

/// One loop in flight; lives on the stack of the thread that started it,
/// which waits until no worker touches it any more.
struct ThreadPool::Loop {
  const LoopBody *body = nullptr;
  ChunkPlan plan;
  unsigned floatControl = 0;
  /// The next chunk to claim; claims are in increasing order.
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  // Guarded by the pool's mutex:
  int64_t finished = 0; ///< Chunks run or skipped.
  int active = 0;       ///< Workers inside runChunks().
  std::exception_ptr error;
  int64_t errorChunk = std::numeric_limits<int64_t>::max();

  Loop(const LoopBody &body, ChunkPlan plan)
      : body(&body), plan(plan), floatControl(readFloatControl()) {}
  bool done() const { return finished == plan.count && active == 0; }
};

ThreadPool::ThreadPool(int threads) : threads_(threadsFor(threads)) {
  workers_.reserve(static_cast<size_t>(threads_ - 1));
  try {
    for (int i = 1; i < threads_; ++i)
      workers_.emplace_back([this] { workerMain(); });
  } catch (...) {
    // Stop the workers that did start before reporting the failure.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread &worker : workers_)
      worker.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread &worker : workers_)
    worker.join();
}

void ThreadPool::workerMain() {
  tCurrentPool = this;
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t seen = 0;
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (loop_ && generation_ != seen); });
    if (stop_)
      return;
    seen = generation_;
    Loop &loop = *loop_;
    ++loop.active;
    lock.unlock();
    runChunks(loop);
    lock.lock();
    if (--loop.active == 0 && loop.done())
      finished_.notify_all();
  }
}

void ThreadPool::runChunks(Loop &loop) {
  writeFloatControl(loop.floatControl);
  int64_t ran = 0;
  std::exception_ptr error;
  int64_t errorChunk = 0;
  for (int64_t chunk; (chunk = loop.next.fetch_add(1)) < loop.plan.count;) {
    ++ran;
    if (error || loop.failed.load(std::memory_order_relaxed))
      continue;
    try {
      (*loop.body)(loop.plan.begin(chunk), loop.plan.end(chunk));
    } catch (...) {
      error = std::current_exception();
      errorChunk = chunk;
      loop.failed = true;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  loop.finished += ran;
  if (error && errorChunk < loop.errorChunk) {
    loop.error = error;
    loop.errorChunk = errorChunk;
  }
  if (loop.done())
    finished_.notify_all();
}

void ThreadPool::parallelFor(int64_t n, int64_t grain, const LoopBody &body) {
  ChunkPlan plan(n, grain, threads_);
  bool idle = false;
  if (plan.count <= 1 || !busy_.compare_exchange_strong(idle, true)) {
    for (int64_t chunk = 0; chunk < plan.count; ++chunk)
      body(plan.begin(chunk), plan.end(chunk));
    return;
  }
  splitLoops_.fetch_add(1, std::memory_order_relaxed);
  Loop loop(body, plan);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loop_ = &loop;
    ++generation_;
  }
  wake_.notify_all();
  runChunks(loop);
  std::exception_ptr error;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return loop.done(); });
    loop_ = nullptr;
    error = loop.error;
  }
  busy_ = false;
  if (error)
    std::rethrow_exception(error);
}

//===----------------------------------------------------------------------===//
// parallelFor
//===----------------------------------------------------------------------===//

ParallelScope::ParallelScope(ThreadPool *pool) : previous_(tCurrentPool) {
  tCurrentPool = pool;
}

ParallelScope::~ParallelScope() { tCurrentPool = previous_; }

ThreadPool *currentPool() { return tCurrentPool; }

void parallelFor(int64_t n, int64_t grain, const LoopBody &body) {
  if (ThreadPool *pool = tCurrentPool)
    pool->parallelFor(n, grain, body);
  else if (n > 0)
    body(0, n);
}

} // namespace mlc::rt::cpu
