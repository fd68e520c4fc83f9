// Parallel loops of mlc's own CPU kernels.
#ifndef MLC_RUNTIME_CPU_PARALLEL_H
#define MLC_RUNTIME_CPU_PARALLEL_H

#include <cstdint>
#include <functional>

namespace mlc::rt::cpu {

/// Runs `body(begin, end)` over contiguous chunks covering [0, n), each of
/// at least `grain` iterations (the last may be shorter). The chunks depend
/// only on n, grain and the thread count, never on timing, and each
/// iteration runs exactly once, so a kernel that writes disjoint outputs
/// per iteration gives the same bits for any thread count.
inline void parallelFor(int64_t n, int64_t grain,
                        const std::function<void(int64_t, int64_t)> &body) {
  (void)grain;
  if (n > 0)
    body(0, n);
}

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_PARALLEL_H
