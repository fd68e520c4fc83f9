// The vectorizable float math (runtime/cpu/VecMath.h): its error against
// double-precision libm on a sweep over the whole float range and dense
// around the points where the approximations switch, its special values
// (+-0, +-inf, NaN, subnormals, overflow and underflow bounds), and the same
// bits from a scalar call, the vectorized loop and every instruction set.
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/ScalarOps.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace mlc::rt::cpu::test {
namespace {

using OpKind = fb::OpKind;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kDenormMin = std::numeric_limits<float>::denorm_min();

uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}

float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

/// The spacing of floats at |ref| (the subnormal spacing below FLT_MIN).
double ulpAt(double ref) {
  double a = std::fabs(ref);
  if (a < FLT_MIN)
    return std::ldexp(1.0, -149);
  int e;
  std::frexp(a, &e);
  return std::ldexp(1.0, e - 24);
}

/// |y - ref| in ulps of the float nearest ref; a result that should be
/// inf or NaN must be exactly that (infinite error otherwise).
double ulpError(float y, double ref) {
  float rounded = static_cast<float>(ref);
  if (ref != ref)
    return y != y ? 0 : INFINITY;
  if (std::isinf(rounded))
    return y == rounded ? 0 : INFINITY;
  if (y != y || std::isinf(y))
    return INFINITY;
  return std::fabs(static_cast<double>(y) - ref) / ulpAt(ref);
}

/// Every `stride`-th float of the whole range (both signs, subnormals,
/// inf and NaN patterns included) and every float within `radius` of
/// each edge and of its negation.
std::vector<float> sweepInputs(uint32_t stride, const std::vector<float> &edges,
                               uint32_t radius = 4096) {
  std::vector<float> xs;
  for (uint64_t u = 0; u < (1ull << 32); u += stride)
    xs.push_back(floatOf(static_cast<uint32_t>(u)));
  for (float edge : edges)
    for (float e : {edge, -edge}) {
      float x = e;
      for (uint32_t k = 0; k < radius; ++k)
        x = std::nextafter(x, -kInf);
      for (uint32_t k = 0; k < 2 * radius; ++k, x = std::nextafter(x, kInf))
        xs.push_back(x);
    }
  return xs;
}

struct Function {
  const char *name;
  OpKind op;
  float (*scalar)(float);
  double (*reference)(double);
  /// The error bound in ulps (VecMath.h's table).
  double maxUlp;
  /// Where the approximation switches, saturates or overflows.
  std::vector<float> edges;
};

std::vector<Function> functions() {
  return {
      {"exp",
       OpKind::exp,
       [](float x) { return scalar::exp(x); },
       [](double x) { return std::exp(x); },
       1.0,
       {88.7228394f, 87.33654f, 103.972f, 89.0f, 104.0f, 0.346573591f, 1e-7f}},
      {"log",
       OpKind::log,
       [](float x) { return scalar::log(x); },
       [](double x) { return std::log(x); },
       1.0,
       {1.0f, 0.707106781f, 1.41421356f, FLT_MIN, 2.0f, 0.5f}},
      {"tanh",
       OpKind::tanh,
       [](float x) { return scalar::tanh(x); },
       [](double x) { return std::tanh(x); },
       2.5,
       {0.625f, 9.01f, 1e-4f, 44.0f}},
      {"erf",
       OpKind::erf,
       [](float x) { return scalar::erf(x); },
       [](double x) { return std::erf(x); },
       1.5,
       {1.0f, 3.92f, 4.0f, 1e-4f}},
  };
}

/// The function through the loop the kernels run, for `isa`.
std::vector<float> throughLoop(OpKind op, const std::vector<float> &xs,
                               loops::Isa isa) {
  std::vector<float> ys(xs.size());
  loops::unaryLoop(op, fb::GeluApproximation::none, DType::f32,
                   isa)(ys.data(), xs.data(), static_cast<int64_t>(xs.size()));
  return ys;
}

TEST(VecMath, ErrorBoundsOnASweepOfEveryFloatRange) {
  for (const Function &f : functions()) {
    std::vector<float> xs = sweepInputs(641, f.edges);
    std::vector<float> ys = throughLoop(f.op, xs, loops::hostIsa());
    double worst = 0;
    float worstAt = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      double e = ulpError(ys[i], f.reference(xs[i]));
      if (e > worst) {
        worst = e;
        worstAt = xs[i];
      }
    }
    EXPECT_LE(worst, f.maxUlp)
        << f.name << ": " << worst << " ulp at " << worstAt << " ("
        << f.scalar(worstAt) << ", want " << f.reference(worstAt) << ")";
  }
}

TEST(VecMath, VectorizedLoopsGiveTheScalarBits) {
  // A call through a function pointer cannot be vectorized: the scalar
  // code, one element at a time.
  for (const Function &f : functions()) {
    std::vector<float> xs = sweepInputs(65537, f.edges, 64);
    float (*volatile scalarFn)(float) = f.scalar;
    for (loops::Isa isa : {loops::Isa::baseline, loops::Isa::avx2}) {
      if (!loops::supported(isa))
        continue;
      std::vector<float> ys = throughLoop(f.op, xs, isa);
      for (size_t i = 0; i < xs.size(); ++i) {
        float want = scalarFn(xs[i]);
        ASSERT_EQ(bitsOf(ys[i]), bitsOf(want))
            << f.name << "(" << xs[i] << "), isa " << static_cast<int>(isa);
      }
    }
  }
}

void expectSame(float got, float want, const std::string &what) {
  if (want != want)
    EXPECT_NE(got, got) << what << " = " << got << ", want NaN";
  else
    EXPECT_EQ(bitsOf(got), bitsOf(want))
        << what << " = " << got << ", want " << want;
}

TEST(VecMath, SpecialValues) {
  // exp: exact at 0, inf past the overflow bound, subnormal results
  // rounded once, 0 past the underflow bound.
  expectSame(scalar::exp(0.0f), 1.0f, "exp(0)");
  expectSame(scalar::exp(-0.0f), 1.0f, "exp(-0)");
  expectSame(scalar::exp(kDenormMin), 1.0f, "exp(denorm_min)");
  expectSame(scalar::exp(kInf), kInf, "exp(inf)");
  expectSame(scalar::exp(-kInf), 0.0f, "exp(-inf)");
  expectSame(scalar::exp(FLT_MAX), kInf, "exp(FLT_MAX)");
  expectSame(scalar::exp(-FLT_MAX), 0.0f, "exp(-FLT_MAX)");
  expectSame(scalar::exp(88.7228394f), std::exp(88.7228394f), "exp(88.72..)");
  expectSame(scalar::exp(88.7229f), kInf, "exp(88.7229)");
  expectSame(scalar::exp(-103.0f), std::exp(-103.0f), "exp(-103)");
  expectSame(scalar::exp(-103.97f), kDenormMin, "exp(-103.97)");
  expectSame(scalar::exp(-104.0f), 0.0f, "exp(-104)");
  expectSame(scalar::exp(kNaN), kNaN, "exp(NaN)");
  // log
  expectSame(scalar::log(1.0f), 0.0f, "log(1)");
  expectSame(scalar::log(0.0f), -kInf, "log(0)");
  expectSame(scalar::log(-0.0f), -kInf, "log(-0)");
  expectSame(scalar::log(-1.0f), kNaN, "log(-1)");
  expectSame(scalar::log(-kDenormMin), kNaN, "log(-denorm_min)");
  expectSame(scalar::log(-kInf), kNaN, "log(-inf)");
  expectSame(scalar::log(kInf), kInf, "log(inf)");
  expectSame(scalar::log(kNaN), kNaN, "log(NaN)");
  EXPECT_LE(ulpError(scalar::log(kDenormMin), std::log(double(kDenormMin))),
            1.0);
  EXPECT_LE(ulpError(scalar::log(FLT_MAX), std::log(double(FLT_MAX))), 1.0);
  // tanh: odd, saturating to exactly +-1.
  expectSame(scalar::tanh(0.0f), 0.0f, "tanh(0)");
  expectSame(scalar::tanh(-0.0f), -0.0f, "tanh(-0)");
  expectSame(scalar::tanh(kDenormMin), kDenormMin, "tanh(denorm_min)");
  expectSame(scalar::tanh(-kDenormMin), -kDenormMin, "tanh(-denorm_min)");
  expectSame(scalar::tanh(10.0f), 1.0f, "tanh(10)");
  expectSame(scalar::tanh(-10.0f), -1.0f, "tanh(-10)");
  expectSame(scalar::tanh(FLT_MAX), 1.0f, "tanh(FLT_MAX)");
  expectSame(scalar::tanh(kInf), 1.0f, "tanh(inf)");
  expectSame(scalar::tanh(-kInf), -1.0f, "tanh(-inf)");
  expectSame(scalar::tanh(kNaN), kNaN, "tanh(NaN)");
  // erf: odd, saturating to exactly +-1.
  expectSame(scalar::erf(0.0f), 0.0f, "erf(0)");
  expectSame(scalar::erf(-0.0f), -0.0f, "erf(-0)");
  expectSame(scalar::erf(kDenormMin),
             static_cast<float>(std::erf(static_cast<double>(kDenormMin))),
             "erf(denorm_min)");
  expectSame(scalar::erf(4.0f), 1.0f, "erf(4)");
  expectSame(scalar::erf(-4.0f), -1.0f, "erf(-4)");
  expectSame(scalar::erf(FLT_MAX), 1.0f, "erf(FLT_MAX)");
  expectSame(scalar::erf(kInf), 1.0f, "erf(inf)");
  expectSame(scalar::erf(-kInf), -1.0f, "erf(-inf)");
  expectSame(scalar::erf(kNaN), kNaN, "erf(NaN)");
  // Built on them: NaN propagates, limits are exact.
  expectSame(scalar::sigmoid(kNaN), kNaN, "sigmoid(NaN)");
  expectSame(scalar::sigmoid(kInf), 1.0f, "sigmoid(inf)");
  expectSame(scalar::sigmoid(-kInf), 0.0f, "sigmoid(-inf)");
  expectSame(scalar::silu(kNaN), kNaN, "silu(NaN)");
  expectSame(scalar::silu(kInf), kInf, "silu(inf)");
  expectSame(scalar::gelu(kNaN), kNaN, "gelu(NaN)");
  expectSame(scalar::gelu(kInf), kInf, "gelu(inf)");
  expectSame(scalar::geluTanh(kNaN), kNaN, "gelu_tanh(NaN)");
  expectSame(scalar::geluTanh(kInf), kInf, "gelu_tanh(inf)");
  expectSame(scalar::geluTanh(-100.0f), -0.0f, "gelu_tanh(-100)");
}

/// The activations are torch's formulas in f32; their error is that of
/// the formulas' own roundings (1 + e^-x, 1 + erf(x) cancelling for
/// x < 0), about the same as with libm's functions (gelu_tanh: 1.58 ulp
/// for x >= 0, 1.67 with libm's tanhf). Bounds on [-30, 30]: ulps where
/// the formula is well conditioned, absolute error everywhere.
TEST(VecMath, ActivationsAgreeWithDoublePrecision) {
  struct Activation {
    const char *name;
    float (*f)(float);
    double (*reference)(double);
    double maxUlp; // where x >= 0
    double maxAbs; // everywhere
  };
  static const double b = M_SQRT2 * M_2_SQRTPI * 0.5, k = 0.044715;
  std::vector<Activation> activations = {
      {"sigmoid", [](float x) { return scalar::sigmoid(x); },
       [](double x) { return 1 / (1 + std::exp(-x)); }, 2.5, 1.5e-7},
      {"silu", [](float x) { return scalar::silu(x); },
       [](double x) { return x / (1 + std::exp(-x)); }, 2.5, 4e-6},
      {"gelu", [](float x) { return scalar::gelu(x); },
       [](double x) { return x * 0.5 * (1 + std::erf(x * M_SQRT1_2)); }, 2.0,
       4e-6},
      {"gelu_tanh", [](float x) { return scalar::geluTanh(x); },
       [](double x) {
         return 0.5 * x * (1 + std::tanh(b * (x + k * x * x * x)));
       },
       2.0, 4e-6},
  };
  for (const Activation &a : activations) {
    double worstUlp = 0, worstAbs = 0;
    for (float x = -30.0f; x <= 30.0f; x += 0.000731f) {
      double ref = a.reference(x);
      float y = a.f(x);
      worstAbs = std::max(worstAbs, std::fabs(y - ref));
      if (x >= 0)
        worstUlp = std::max(worstUlp, ulpError(y, ref));
    }
    EXPECT_LE(worstUlp, a.maxUlp) << a.name;
    EXPECT_LE(worstAbs, a.maxAbs) << a.name;
  }
}

} // namespace
} // namespace mlc::rt::cpu::test
