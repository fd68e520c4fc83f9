// The small dense products of one attention head (scores, weighted sums and
// their gradients), register-blocked and built for the x86-64 baseline and
// for AVX2 like the loops of FloatLoops.h.
//
// A product adds, into each element of C, the products A(i, p) * B(p, c)
// of its own range of p in increasing order of p, one multiply and one add
// each (no FMA: the runtime is built with -ffp-contract=off), starting from
// C's value or from zero. Vectors run across the columns c, never across
// p, so every element sees the same operations in the same order whatever
// the vector width, the register tile or the thread: both builds give the
// same bits as a plain loop over p would (test/unit/attention_tiles_test.cpp).
#ifndef MLC_RUNTIME_CPU_ATTENTIONTILES_H
#define MLC_RUNTIME_CPU_ATTENTIONTILES_H

#include "runtime/cpu/FloatLoops.h"

#include <cstdint>

namespace mlc::rt::cpu::tiles {

/// C(i, c) (+)= sum of A(i, p) * B(p, c) over p in [pBegin(i), pEnd(i)), for
/// rows i in [0, rows) and columns c in [0, cols(i)). B and C are row-major
/// with row strides; A has any strides, so that a product can read A
/// transposed (dS^T in the gradient). The ranges are per row, for causal
/// masks: a register tile of rows adds their common range together and
/// each row's own ends alone, in order of p.
template <typename T> struct Product {
  const T *a = nullptr;
  int64_t aRow = 0, aCol = 0; ///< A(i, p) = a[i * aRow + p * aCol]
  const T *b = nullptr;
  int64_t bRow = 0; ///< B(p, c) = b[p * bRow + c]
  T *c = nullptr;
  int64_t cRow = 0; ///< C(i, c) = c[i * cRow + c]
  int64_t rows = 0;
  /// The extent of p and of the columns of rows without their own.
  int64_t depth = 0, width = 0;
  /// Per row, or nullptr: p from pBegin[i] (else 0) to pEnd[i] (else
  /// depth), columns up to cols[i] (else width). A row of a register tile
  /// whose cols[i] is below the tile's widest also gets the sums of the
  /// columns between: pass per-row columns only for a C that is scratch.
  const int64_t *pBegin = nullptr, *pEnd = nullptr, *cols = nullptr;
  /// The columns B and C have (0: as many as the rows'): a tile may also
  /// compute and write columns below it, to fill whole vectors rather than
  /// sum the last columns one by one.
  int64_t room = 0;
  /// C starts from zero rather than from its contents.
  bool overwrite = false;
};

template <typename T> using ProductFn = void (*)(const Product<T> &);

/// The product for `isa` (loops::supported(isa) must hold).
template <typename T> ProductFn<T> productKernel(loops::Isa isa);
template <> ProductFn<float> productKernel<float>(loops::Isa isa);
template <> ProductFn<double> productKernel<double>(loops::Isa isa);

} // namespace mlc::rt::cpu::tiles

#endif // MLC_RUNTIME_CPU_ATTENTIONTILES_H
