// The register-blocked products of attention's heads (see AttentionTiles.h).
//
// A tile of kRows rows by kVectors vectors of columns keeps its sums in
// registers across the whole range of p: per p it loads kVectors vectors
// of B's row, and for each row multiplies them by one element of A and
// adds them into its accumulators. The body is written once with GCC's
// vector extensions and compiled, as FloatLoops.cpp does, into a baseline
// function (16-byte vectors: SSE2) and a target("avx2") one (32-byte
// vectors), into which the always-inline helpers are inlined. Columns past
// the last whole vector are summed one by one with the same operations.
#include "runtime/cpu/AttentionTiles.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLC_AVX2_TILES 1
#define MLC_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define MLC_AVX2_TILES 0
#endif

#define MLC_TILE_INLINE inline __attribute__((always_inline))

namespace mlc::rt::cpu::tiles {

namespace {

/// A register tile: 4 rows of two vectors make 8 accumulators, which leave
/// registers for B's vectors and A's broadcast in both builds (6 rows
/// measured no faster with AVX2). The last rows take tiles of 2 and 1.
constexpr int kRows = 4;
constexpr int kVectors = 2;

template <typename T, int Bytes> struct VectorOf {
  typedef T type __attribute__((vector_size(Bytes)));
};

/// The tile code for elements T in vectors of `Bytes` bytes.
template <typename T, int Bytes> struct Tiles {
  // Vectors never cross a function boundary (loads and stores are
  // memcpy), so the baseline build passes no 32-byte vector by value.
  using V = typename VectorOf<T, Bytes>::type;
  static constexpr int64_t kLanes = Bytes / sizeof(T);

  /// Rows [i, i + R) by columns [c, c + N * kLanes), p in [p0, p1), from
  /// C or (`zero`) from zero.
  template <int R, int N>
  static MLC_TILE_INLINE void tile(const Product<T> &m, int64_t i, int64_t c,
                                   int64_t p0, int64_t p1, bool zero) {
    V acc[R][N];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < N; ++v) {
        acc[r][v] = V{};
        if (!zero)
          std::memcpy(&acc[r][v], m.c + (i + r) * m.cRow + c + v * kLanes,
                      sizeof(V));
      }
    const T *a = m.a + i * m.aRow;
    for (int64_t p = p0; p < p1; ++p) {
      const T *bp = m.b + p * m.bRow + c;
      V bv[N];
#pragma GCC unroll 8
      for (int v = 0; v < N; ++v)
        std::memcpy(&bv[v], bp + v * kLanes, sizeof(V));
      const T *ap = a + p * m.aCol;
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const T x = ap[r * m.aRow];
#pragma GCC unroll 8
        for (int v = 0; v < N; ++v)
          acc[r][v] += bv[v] * x;
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < N; ++v)
        std::memcpy(m.c + (i + r) * m.cRow + c + v * kLanes, &acc[r][v],
                    sizeof(V));
  }

  /// The last `n` (< kLanes) columns from c, element by element: the sums
  /// of a row's columns are independent, so they advance together.
  template <int R>
  static MLC_TILE_INLINE void tail(const Product<T> &m, int64_t i, int64_t c,
                                   int64_t n, int64_t p0, int64_t p1,
                                   bool zero) {
    T acc[R][kLanes];
    for (int r = 0; r < R; ++r)
      for (int64_t e = 0; e < n; ++e)
        acc[r][e] = zero ? T(0) : m.c[(i + r) * m.cRow + c + e];
    for (int64_t p = p0; p < p1; ++p) {
      const T *bp = m.b + p * m.bRow + c;
      for (int r = 0; r < R; ++r) {
        const T x = m.a[(i + r) * m.aRow + p * m.aCol];
        for (int64_t e = 0; e < n; ++e)
          acc[r][e] += bp[e] * x;
      }
    }
    for (int r = 0; r < R; ++r)
      for (int64_t e = 0; e < n; ++e)
        m.c[(i + r) * m.cRow + c + e] = acc[r][e];
  }

  /// Rows [i, i + R) by columns [0, cols), p in [p0, p1): whole tiles, then
  /// single vectors, then the last columns; an empty range of p leaves C
  /// as it is, or zero.
  template <int R>
  static MLC_TILE_INLINE void rows(const Product<T> &m, int64_t i, int64_t cols,
                                   int64_t p0, int64_t p1, bool zero) {
    if (p0 >= p1) {
      if (zero)
        for (int r = 0; r < R; ++r)
          std::fill(m.c + (i + r) * m.cRow, m.c + (i + r) * m.cRow + cols,
                    T(0));
      return;
    }
    const int64_t whole = (cols + kLanes - 1) / kLanes * kLanes;
    if (whole <= m.room)
      cols = whole;
    int64_t c = 0;
    for (; c + kVectors * kLanes <= cols; c += kVectors * kLanes)
      tile<R, kVectors>(m, i, c, p0, p1, zero);
    for (; c + kLanes <= cols; c += kLanes)
      tile<R, 1>(m, i, c, p0, p1, zero);
    if (c < cols)
      tail<R>(m, i, c, cols - c, p0, p1, zero);
  }

  /// Rows [i, i + R): each row's p before their common range, the range
  /// as a tile, then each row's p after it, so every element still adds
  /// in order of p.
  template <int R>
  static MLC_TILE_INLINE void block(const Product<T> &m, int64_t i) {
    auto pBegin = [&](int64_t r) { return m.pBegin ? m.pBegin[r] : 0; };
    auto pEnd = [&](int64_t r) { return m.pEnd ? m.pEnd[r] : m.depth; };
    auto cols = [&](int64_t r) { return m.cols ? m.cols[r] : m.width; };
    int64_t lo = pBegin(i), hi = pEnd(i), width = cols(i);
    bool sameBegin = true;
    for (int64_t r = i + 1; r < i + R; ++r) {
      sameBegin = sameBegin && pBegin(r) == lo;
      lo = std::max(lo, pBegin(r));
      hi = std::min(hi, pEnd(r));
      width = std::max(width, cols(r));
    }
    if (R == 1 || lo >= hi) {
      for (int64_t r = i; r < i + R; ++r)
        rows<1>(m, r, cols(r), pBegin(r), pEnd(r), m.overwrite);
      return;
    }
    bool zero = m.overwrite;
    if (!sameBegin) {
      if (zero)
        for (int64_t r = i; r < i + R; ++r)
          std::fill(m.c + r * m.cRow, m.c + r * m.cRow + width, T(0));
      zero = false;
      for (int64_t r = i; r < i + R; ++r)
        rows<1>(m, r, cols(r), pBegin(r), lo, false);
    }
    rows<R>(m, i, width, lo, hi, zero);
    for (int64_t r = i; r < i + R; ++r)
      rows<1>(m, r, cols(r), hi, pEnd(r), false);
  }

  static MLC_TILE_INLINE void run(const Product<T> &m) {
    int64_t i = 0;
    for (; i + kRows <= m.rows; i += kRows)
      block<kRows>(m, i);
    for (; i + 2 <= m.rows; i += 2)
      block<2>(m, i);
    for (; i < m.rows; ++i)
      block<1>(m, i);
  }
};

template <typename T> void productBase(const Product<T> &m) {
  Tiles<T, 16>::run(m);
}

#if MLC_AVX2_TILES
template <typename T> MLC_TARGET_AVX2 void productAvx2(const Product<T> &m) {
  Tiles<T, 32>::run(m);
}
#endif

template <typename T> ProductFn<T> productFor(loops::Isa isa) {
#if MLC_AVX2_TILES
  if (isa == loops::Isa::avx2)
    return &productAvx2<T>;
#endif
  return &productBase<T>;
}

} // namespace

template <> ProductFn<float> productKernel<float>(loops::Isa isa) {
  return productFor<float>(isa);
}
template <> ProductFn<double> productKernel<double>(loops::Isa isa) {
  return productFor<double>(isa);
}

} // namespace mlc::rt::cpu::tiles
