// Branch-free float math (exp, log, tanh, erf) that the compiler vectorizes.
//
// libm's expf, tanhf and erff are scalar calls: a loop that calls them runs
// one element at a time, and GELU-like loops were bound by them, not by
// memory. These functions are polynomial and rational approximations written
// with selects instead of branches and with integer bit manipulation that
// SSE2 has (no gathers, no tables, no rounding instructions), so a loop over
// them vectorizes at the x86-64 baseline and wider where the loop is built
// for it. Each is one definition: the single-op kernels and the fused loop
// interpreter call the same function, and a vectorized lane computes the
// same operations as the scalar code, so results are the same bits whatever
// the vector width (the runtime is built with -ffp-contract=off, so no FMA
// changes a rounding).
//
// Accuracy against the double-precision libm function, in units in the
// last place of the float result, measured over every float (the vectorized
// loop against std::exp etc. in double; tanh and erf are odd and computed on
// |x|), with glibc's float functions measured the same way for comparison.
// test/unit/vecmath_test.cpp checks these bounds on a sweep of the whole
// range, dense around the points where the approximations switch:
//
//   function  max error  glibc  notes
//   exp       0.99 ulp   0.50   inf from 88.7228 on, 0 below -103.98;
//                               subnormal results rounded once
//   log       0.83 ulp   0.82   subnormal inputs exact; log(+-0) = -inf,
//                               log(x < 0) = NaN, log(inf) = inf
//   tanh      2.42 ulp   2.19   +-1 exactly from |x| = 9.1 on; odd, so
//                               tanh(-0) = -0
//   erf       1.45 ulp   0.97   +-1 exactly from |x| = 4 on; odd
//
// NaN gives NaN (the input's, quieted), +-inf the limits. Subnormals are
// IEEE numbers here (no flush of our own), so results depend on
// --flush-denormals only where the CPU's FTZ/DAZ changes the arithmetic.
#ifndef MLC_RUNTIME_CPU_VECMATH_H
#define MLC_RUNTIME_CPU_VECMATH_H

#include <cstdint>
#include <cstring>

// Inlined into every loop that calls them: the vectorizer sees the body,
// and a loop compiled for a wider instruction set gets the body at that
// width rather than a call to the baseline copy.
#if defined(__GNUC__)
#define MLC_VECMATH_INLINE inline __attribute__((always_inline))
#else
#define MLC_VECMATH_INLINE inline
#endif

namespace mlc::rt::cpu::vecmath {

MLC_VECMATH_INLINE uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

MLC_VECMATH_INLINE float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

MLC_VECMATH_INLINE float absOf(float x) {
  return floatOf(bitsOf(x) & 0x7fffffffu);
}

/// c ? a : b with both sides computed: a select the vectorizer keeps as a
/// mask. (GCC moves float operations that use the value of a `?:` into its
/// arms, and then keeps the branch, since those operations might trap.)
MLC_VECMATH_INLINE float select(bool c, float a, float b) {
  uint32_t mask = 0u - static_cast<uint32_t>(c);
  return floatOf((bitsOf(a) & mask) | (bitsOf(b) & ~mask));
}

/// NaN inputs give x + x, the input NaN quieted, whatever NaN the rest of
/// the computation made of it: the vectorized and the scalar code may
/// order the operands of commutative operations differently, which picks
/// a different one of two NaNs, and results must be the same bits.
MLC_VECMATH_INLINE float nanOf(float x, float r) {
  return select(x != x, x + x, r);
}

/// sign(s) |x|: x with the sign bit of s (x >= 0 or -0 expected).
MLC_VECMATH_INLINE float withSignOf(float x, float s) {
  return floatOf(bitsOf(x) | (bitsOf(s) & 0x80000000u));
}

/// 2^n for n in [-126, 127] (unsigned arithmetic: any n is defined
/// behaviour, a NaN's garbage exponent included).
MLC_VECMATH_INLINE float pow2(int32_t n) {
  return floatOf((static_cast<uint32_t>(n) + 127u) << 23);
}

/// c_n x^n + ... + c_1 x + c_0 by Horner's rule, the coefficients from
/// c_n down: horner(x, c_n, ..., c_0).
MLC_VECMATH_INLINE float horner(float, float c0) { return c0; }
template <typename... Rest>
MLC_VECMATH_INLINE float horner(float x, float cn, float cm, Rest... rest) {
  return horner(x, cn * x + cm, rest...);
}

/// r and n with x = n ln2 + r, |r| <= ln2 / 2, for |x| below 2^22. ln2
/// is subtracted in two parts (Cody-Waite), so r is exact to ~2^-35. NaN
/// gives r NaN and n garbage.
MLC_VECMATH_INLINE float reduceLn2(float x, int32_t &n) {
  // n = round(x / ln2): adding 1.5 * 2^23 rounds to an integer (nearest,
  // ties to even) in the low bits, without a rounding instruction or a
  // conversion (which would be undefined behaviour for NaN).
  const float shift = 12582912.0f;
  float t = x * 1.44269504088896341f + shift;
  float nf = t - shift;
  n = static_cast<int32_t>(bitsOf(t) - bitsOf(shift));
  float r = x - nf * 0.693359375f; // exact: 0.693359375 has 9 bits
  return r - nf * -2.12194440e-4f;
}

/// e^r - 1 = r + r^2 P(r) for |r| <= ln2 / 2, with Cephes' degree 5 P
/// (relative error 3.4e-9 before rounding, 0.06 ulp).
MLC_VECMATH_INLINE float expm1Reduced(float r) {
  float p = horner(r, 1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                   4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f);
  return p * (r * r) + r;
}

/// e^x. The scale 2^n is applied as two factors, so that results down to
/// the smallest subnormal round once and results past FLT_MAX overflow to
/// inf.
MLC_VECMATH_INLINE float exp(float x) {
  // Past these bounds the result is inf or 0 anyway; NaN fails both
  // compares and goes through (n is then garbage, y NaN).
  float xc = select(x > 89.0f, 89.0f, x);
  xc = select(xc < -104.0f, -104.0f, xc);
  int32_t n;
  float y = expm1Reduced(reduceLn2(xc, n)) + 1.0f;
  // n in [-150, 129]: both halves (>> is floor) stay in 2^[-75, 65].
  int32_t n1 = n >> 1;
  return nanOf(x, y * pow2(n1) * pow2(n - n1));
}

/// Natural logarithm. x = 2^e m with m in [sqrt(1/2), sqrt(2)); log(m)
/// = f - f^2 / 2 + f^3 P(f) with f = m - 1 (Cephes' degree 8 P); e ln2
/// added in two parts.
MLC_VECMATH_INLINE float log(float x) {
  // Subnormal inputs are scaled into the normal range (exactly) first.
  bool subnormal = x < 1.17549435e-38f;
  float xs = select(subnormal, x * 8388608.0f, x);
  uint32_t u = bitsOf(xs);
  int32_t e = static_cast<int32_t>((u >> 23) & 0xffu) - 126;
  e -= 23 * static_cast<int32_t>(subnormal);
  float m = floatOf((u & 0x007fffffu) | 0x3f000000u); // [0.5, 1)
  bool low = m < 0.707106781186547524f;
  e -= static_cast<int32_t>(low);
  float f = select(low, m + m, m) - 1.0f;
  float z = f * f;
  float p = horner(f, 7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f,
                   -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f,
                   2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f);
  float ef = static_cast<float>(e);
  float y = p * f * z;
  y = y + ef * -2.12194440e-4f;
  y = y - 0.5f * z;
  float r = f + y;
  r = r + ef * 0.693359375f;
  const float inf = floatOf(0x7f800000u);
  r = select(x == inf, inf, r);
  r = select(x == 0.0f, -inf, r);
  r = select(x < 0.0f, floatOf(0x7fc00000u), r);
  return nanOf(x, r);
}

/// Hyperbolic tangent, odd: for z = |x|, tanh z = E / (E + 2) with
/// E = e^2z - 1 = 2^n (m + 1) - 1, accurate near 0 as well as where the
/// quotient nears 1. Past 9.1 (where tanh rounds to 1) z is clamped, so
/// 2^n is at most 2^26.
MLC_VECMATH_INLINE float tanh(float x) {
  float z = absOf(x);
  z = select(z > 9.1f, 9.1f, z);
  int32_t n;
  float m = expm1Reduced(reduceLn2(z + z, n));
  float s = pow2(n);
  float e = s * m + (s - 1.0f);
  return nanOf(x, withSignOf(e / (e + 2.0f), x));
}

/// Error function, odd. |x| < 1: x P(x^2); 1 <= |x| < 4: 1 - e^-x^2
/// Q(t) with t = 1 / (1 + |x| / 2) (the form of Abramowitz and Stegun
/// 7.1.26, refitted); erf rounds to +-1 from 3.92 on. P (degree 6) and Q
/// (degree 7) are least-squares fits for relative error (1e-9 and 4e-10
/// before rounding the coefficients).
MLC_VECMATH_INLINE float erf(float x) {
  float a = absOf(x);
  float a2 = a * a;
  float p = horner(a2, 7.854336522e-05f, -8.010329013e-04f, 5.188342098e-03f,
                   -2.685381898e-02f, 1.128358530e-01f, -3.761262584e-01f,
                   1.283791660e-01f);
  float small = a + a * p; // 2 / sqrt(pi) = 1 + 0.128..., rounded once
  float ac = select(a < 1.0f, 1.0f, a); // NaN stays
  ac = select(ac > 4.0f, 4.0f, ac);
  float t = 1.0f / (1.0f + 0.5f * ac);
  float q = horner(t, 1.190176508e-01f, -4.701576892e-01f, 5.618824048e-01f,
                   -1.026004386e-01f, 3.473649856e-01f, 2.598004961e-01f,
                   2.848964428e-01f, -1.532015782e-04f);
  // e^-ac^2 with ac^2 = h^2 + d exact to ~2^-35: h is ac cut to 12 bits,
  // so h^2 is exact, and d = (ac - h)(ac + h) is small. The exponent is in
  // [-16, -1], so one factor 2^n scales it.
  float h = floatOf(bitsOf(ac) & 0xfffff000u);
  float d = (ac - h) * (ac + h);
  int32_t n;
  float r = reduceLn2(-(h * h), n) - d;
  float e = (expm1Reduced(r) + 1.0f) * pow2(n);
  float big = 1.0f - e * q;
  return nanOf(x, withSignOf(select(a < 1.0f, small, big), x));
}

} // namespace mlc::rt::cpu::vecmath

#endif // MLC_RUNTIME_CPU_VECMATH_H
