// One row of softmax, log_softmax and cross-entropy (with or without its
// gradient), shared by the single-op kernels and the fused cross-entropy
// kernel so that each computes a row with the same operations.
//
// f32 rows run their exponentials and their normalization through the
// compiled loops of FloatLoops.h (vectorized, AVX2 where the CPU has it,
// the same bits on the baseline build); f64 rows use libm. A row's
// exponentials are summed in double by LaneSum (KernelUtil.h): a fixed
// order that does not depend on the vector width or the thread count.
#ifndef MLC_RUNTIME_CPU_SOFTMAXROWS_H
#define MLC_RUNTIME_CPU_SOFTMAXROWS_H

#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/KernelUtil.h"

#include <cmath>
#include <type_traits>

namespace mlc::rt::cpu {

/// The compiled f32 loops a row runs, chosen once per command.
struct RowLoops {
  loops::Binary expDifference;        ///< exp(x - c)
  loops::Binary subtract;             ///< x - c
  loops::Binary divide;               ///< x / c
  loops::FoldedBinary scaledQuotient; ///< (x / c) * s

  static RowLoops forIsa(loops::Isa isa) {
    using K = fb::OpKind;
    const auto none = fb::ComparePredicate::eq;
    return {
        loops::expDifferenceLoop(isa), loops::binaryLoop(K::sub, none, 2, isa),
        loops::binaryLoop(K::div, none, 2, isa),
        loops::foldedLoop(K::mul, loops::Fold::div, loops::Fold::none, 2, isa)};
  }
};

/// e[c] = exp(x[c] - max) for c in [0, n), and their sum in double.
template <typename T>
double expRow(const RowLoops &loops, const T *x, int64_t n, T max, T *e) {
  if constexpr (std::is_same_v<T, float>) {
    loops.expDifference(e, x, &max, n);
  } else {
    for (int64_t c = 0; c < n; ++c)
      e[c] = std::exp(x[c] - max);
  }
  return reduceLanes<LaneSum<T, double>>(e, n);
}

/// out = softmax(x): exp(x - max) / sum, the sum rounded to T once.
template <typename T>
void softmaxRow(const RowLoops &loops, const T *x, int64_t n, T *out) {
  const double sum = expRow(loops, x, n, rowMax(x, n), out);
  const T total = static_cast<T>(sum);
  if constexpr (std::is_same_v<T, float>) {
    loops.divide(out, out, &total, n);
  } else {
    for (int64_t c = 0; c < n; ++c)
      out[c] /= total;
  }
}

/// out = log_softmax(x) as torch computes it: (x - max) - log(sum). The
/// exponentials go to `scratch` (n elements).
template <typename T>
void logSoftmaxRow(const RowLoops &loops, const T *x, int64_t n, T *out,
                   T *scratch) {
  const T max = rowMax(x, n);
  const T logSum = static_cast<T>(std::log(expRow(loops, x, n, max, scratch)));
  if constexpr (std::is_same_v<T, float>) {
    loops.subtract(out, x, &max, n);
    loops.subtract(out, out, &logSum, n);
  } else {
    for (int64_t c = 0; c < n; ++c)
      out[c] = (x[c] - max) - logSum;
  }
}

/// logsumexp(x) - x[label] in double, the exponentials in `scratch`.
template <typename T>
double crossEntropyRow(const RowLoops &loops, const T *x, int64_t n,
                       int64_t label, T *scratch) {
  const T max = rowMax(x, n);
  const double sum = expRow(loops, x, n, max, scratch);
  return static_cast<double>(max) + std::log(sum) -
         static_cast<double>(x[label]);
}

/// crossEntropyRow's loss, and grad = (softmax(x) - one_hot(label)) *
/// scale: the same operations as softmaxRow followed by the subtraction
/// and the scaling (p - 0 is p, so only the label's element subtracts).
/// `grad` holds the exponentials on the way and must not overlap x.
template <typename T>
double crossEntropyGradRow(const RowLoops &loops, const T *x, int64_t n,
                           int64_t label, T scale, T *grad) {
  const T max = rowMax(x, n);
  const double sum = expRow(loops, x, n, max, grad);
  const double loss =
      static_cast<double>(max) + std::log(sum) - static_cast<double>(x[label]);
  const T total = static_cast<T>(sum);
  const T atLabel = grad[label] / total;
  if constexpr (std::is_same_v<T, float>) {
    loops.scaledQuotient(grad, grad, &total, &scale, nullptr, n);
  } else {
    for (int64_t c = 0; c < n; ++c)
      grad[c] = (grad[c] / total) * scale;
  }
  grad[label] = (atLabel - T(1)) * scale;
  return loss;
}

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_SOFTMAXROWS_H
