// The scalar math of mlc's elementwise float ops, one definition shared by
// the single-op kernels and the fused loop interpreter, so that a value
// computed in a fused region has the same bits as computed op by op.
#ifndef MLC_RUNTIME_CPU_SCALAROPS_H
#define MLC_RUNTIME_CPU_SCALAROPS_H

#include <cmath>

namespace mlc::rt::cpu::scalar {

/// max and min propagate NaN from either side, like numpy.maximum.
template <typename T> T max(T a, T b) { return a != a ? a : (a > b ? a : b); }
template <typename T> T min(T a, T b) { return a != a ? a : (a < b ? a : b); }

/// relu(x) = max(x, 0); NaN stays NaN.
template <typename T> T relu(T a) { return a < T(0) ? T(0) : a; }

template <typename T> T rsqrt(T a) { return T(1) / std::sqrt(a); }

template <typename T> T sigmoid(T a) { return T(1) / (T(1) + std::exp(-a)); }

/// x * sigmoid(x), written as torch does.
template <typename T> T silu(T a) { return a / (T(1) + std::exp(-a)); }

/// gelu as torch.nn.functional.gelu computes it in the element type:
/// x (1 + erf(x / sqrt 2)) / 2, or the tanh approximation.
template <typename T> T gelu(T a) {
  return a * T(0.5) * (T(1) + std::erf(a * T(M_SQRT1_2)));
}
template <typename T> T geluTanh(T a) {
  const T beta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = T(0.044715);
  return T(0.5) * a * (T(1) + std::tanh(beta * (a + kappa * a * a * a)));
}

} // namespace mlc::rt::cpu::scalar

#endif // MLC_RUNTIME_CPU_SCALAROPS_H
