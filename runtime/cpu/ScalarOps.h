// The scalar math of mlc's elementwise float ops, one definition shared by
// the single-op kernels and the fused loop interpreter, so that a value
// computed in a fused region has the same bits as computed op by op.
//
// f32 exp, log, tanh and erf, and sigmoid, silu and gelu built on them, are
// the branch-free approximations of VecMath.h, which loops vectorize; f64
// keeps libm (it never runs in a fused loop, and nothing in it is hot).
// The activations' error is that of their formulas' own roundings, about
// what the same formulas give on libm's functions: within 2.5 ulp for
// sigmoid and silu, 2 ulp for both gelus where x >= 0, and 4e-6 absolute
// on [-30, 30] (test/unit/vecmath_test.cpp).
// sqrt is exactly rounded either way; sin, cos and pow are libm's in both
// types (not hot, and a vector sin would need a table-driven argument
// reduction for large |x|).
#ifndef MLC_RUNTIME_CPU_SCALAROPS_H
#define MLC_RUNTIME_CPU_SCALAROPS_H

#include "runtime/cpu/VecMath.h"

#include <cmath>

namespace mlc::rt::cpu::scalar {

/// max and min propagate NaN from either side, like numpy.maximum.
template <typename T> MLC_VECMATH_INLINE T max(T a, T b) {
  return a != a ? a : (a > b ? a : b);
}
template <typename T> MLC_VECMATH_INLINE T min(T a, T b) {
  return a != a ? a : (a < b ? a : b);
}

/// relu(x) = max(x, 0); NaN stays NaN.
template <typename T> MLC_VECMATH_INLINE T relu(T a) {
  return a < T(0) ? T(0) : a;
}

template <typename T> MLC_VECMATH_INLINE T rsqrt(T a) {
  return T(1) / std::sqrt(a);
}

MLC_VECMATH_INLINE float exp(float a) { return vecmath::exp(a); }
MLC_VECMATH_INLINE float log(float a) { return vecmath::log(a); }
MLC_VECMATH_INLINE float tanh(float a) { return vecmath::tanh(a); }
MLC_VECMATH_INLINE float erf(float a) { return vecmath::erf(a); }
inline double exp(double a) { return std::exp(a); }
inline double log(double a) { return std::log(a); }
inline double tanh(double a) { return std::tanh(a); }
inline double erf(double a) { return std::erf(a); }

template <typename T> MLC_VECMATH_INLINE T sigmoid(T a) {
  return T(1) / (T(1) + exp(-a));
}

/// x * sigmoid(x), written as torch does.
template <typename T> MLC_VECMATH_INLINE T silu(T a) {
  return a / (T(1) + exp(-a));
}

/// gelu as torch.nn.functional.gelu computes it in the element type:
/// x (1 + erf(x / sqrt 2)) / 2.
template <typename T> MLC_VECMATH_INLINE T gelu(T a) {
  return a * T(0.5) * (T(1) + erf(a * T(M_SQRT1_2)));
}

/// torch's tanh approximation x (1 + tanh u) / 2, u = sqrt(2 / pi) (x +
/// 0.044715 x^3), computed as x / (1 + e^-2u): the same function with one
/// exp instead of a tanh, and without the cancellation of 1 + tanh u
/// where x < 0 (torch's result loses digits there; this one does not).
template <typename T> MLC_VECMATH_INLINE T geluTanh(T a) {
  const T c1 = T(-M_SQRT2 * M_2_SQRTPI),
          c3 = T(-M_SQRT2 * M_2_SQRTPI * 0.044715);
  return a / (T(1) + exp(a * (c1 + c3 * (a * a))));
}

} // namespace mlc::rt::cpu::scalar

#endif // MLC_RUNTIME_CPU_SCALAROPS_H
