// The register-blocked products of attention (runtime/cpu/AttentionTiles.h):
// every element of C is the plain loop's sum over its row's range of p, bit
// for bit, in both builds, for shapes that are not multiples of a register
// tile, per-row ranges as causal masks make them, A read transposed, C
// overwritten or added to; and nothing outside the columns a product may
// write changes.
#include "runtime/cpu/AttentionTiles.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace mlc::rt::cpu::test {
namespace {

using loops::Isa;

template <typename T> bool sameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// One random product problem and its plain-loop answer.
template <typename T> struct Case {
  int64_t rows, depth, width, cRow;
  bool transposedA, overwrite, perRowRanges, perRowCols, room;
  std::vector<T> a, b, c0;
  std::vector<int64_t> pBegin, pEnd, cols;

  tiles::Product<T> product(T *c) const {
    tiles::Product<T> m;
    m.a = a.data();
    m.aRow = transposedA ? 1 : depth;
    m.aCol = transposedA ? rows : 1;
    m.b = b.data();
    m.bRow = cRow;
    m.c = c;
    m.cRow = cRow;
    m.rows = rows;
    m.depth = depth;
    m.width = width;
    m.pBegin = perRowRanges ? pBegin.data() : nullptr;
    m.pEnd = perRowRanges ? pEnd.data() : nullptr;
    m.cols = perRowCols ? cols.data() : nullptr;
    m.room = room ? cRow : 0;
    m.overwrite = overwrite;
    return m;
  }
  int64_t colsOf(int64_t i) const { return perRowCols ? cols[i] : width; }
  /// C(i, e) as a loop over the row's p computes it.
  T want(int64_t i, int64_t e) const {
    T sum = overwrite ? T(0) : c0[i * cRow + e];
    const int64_t lo = perRowRanges ? pBegin[i] : 0;
    const int64_t hi = perRowRanges ? pEnd[i] : depth;
    for (int64_t p = lo; p < hi; ++p) {
      const T x = transposedA ? a[p * rows + i] : a[i * depth + p];
      const T product = b[p * cRow + e] * x;
      sum = sum + product;
    }
    return sum;
  }
};

template <typename T> Case<T> randomCase(unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  Case<T> c;
  c.rows = pick(1, 13);
  c.depth = pick(0, 40);
  c.width = pick(1, 41);
  c.transposedA = rng() % 2;
  c.overwrite = rng() % 2;
  c.perRowRanges = rng() % 2;
  c.perRowCols = rng() % 2;
  c.room = rng() % 2;
  // Room for whole vectors of up to 8 lanes past the widest row, and a few
  // columns past that which no product may write.
  c.cRow = (c.width + 7) / 8 * 8 + 3;
  std::uniform_real_distribution<T> value(-2, 2);
  c.a.resize(static_cast<size_t>(c.rows * c.depth));
  c.b.resize(static_cast<size_t>(c.depth * c.cRow));
  c.c0.resize(static_cast<size_t>(c.rows * c.cRow));
  for (T &x : c.a)
    x = value(rng);
  for (T &x : c.b)
    x = value(rng);
  for (T &x : c.c0)
    x = value(rng);
  // Causal shapes, shifted by one per row (either end), or random ranges.
  const int kind = static_cast<int>(rng() % 3);
  for (int64_t i = 0; i < c.rows; ++i) {
    int64_t lo = 0, hi = c.depth;
    if (kind == 0)
      hi = std::min(c.depth, pick(0, 2) + i);
    else if (kind == 1)
      lo = std::min(c.depth, pick(0, 2) + i);
    else {
      lo = pick(0, c.depth);
      hi = pick(lo, c.depth);
    }
    c.pBegin.push_back(lo);
    c.pEnd.push_back(hi);
    c.cols.push_back(pick(0, c.width));
  }
  return c;
}

template <typename T> void checkProducts(const char *type) {
  for (Isa isa : {Isa::baseline, Isa::avx2}) {
    if (!loops::supported(isa))
      continue;
    for (unsigned seed = 0; seed < 400; ++seed) {
      Case<T> c = randomCase<T>(seed);
      std::vector<T> got = c.c0;
      tiles::productKernel<T>(isa)(c.product(got.data()));
      // Columns a row's tile may write: its own, the tile's widest row's
      // (at most the widest of all), or whole vectors up to the room.
      int64_t widest = 0;
      for (int64_t i = 0; i < c.rows; ++i)
        widest = std::max(widest, c.colsOf(i));
      const int64_t writable = c.room ? c.cRow : widest;
      for (int64_t i = 0; i < c.rows; ++i)
        for (int64_t e = 0; e < c.cRow; ++e) {
          const T value = got[i * c.cRow + e];
          SCOPED_TRACE(std::string(type) + " isa " +
                       std::to_string(static_cast<int>(isa)) + " seed " +
                       std::to_string(seed) + " row " + std::to_string(i) +
                       " column " + std::to_string(e));
          if (e < c.colsOf(i))
            ASSERT_TRUE(sameBits(value, c.want(i, e)))
                << value << " != " << c.want(i, e);
          else if (e >= writable)
            ASSERT_TRUE(sameBits(value, c.c0[i * c.cRow + e]));
        }
    }
  }
}

TEST(AttentionTiles, ProductsAreThePlainLoopsSumsF32) {
  checkProducts<float>("f32");
}

TEST(AttentionTiles, ProductsAreThePlainLoopsSumsF64) {
  checkProducts<double>("f64");
}

} // namespace
} // namespace mlc::rt::cpu::test
