// The f32 loops of the elementwise kinds (runtime/cpu/FloatLoops.h): every
// kind and operand form computes its ScalarOps.h definition element by
// element, with the baseline and the AVX2 build giving the same bits, on
// runs of every length and alignment, NaN, infinities and subnormals
// included.
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/ScalarOps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace mlc::rt::cpu::test {
namespace {

using OpKind = fb::OpKind;
using P = fb::ComparePredicate;
using G = fb::GeluApproximation;
using loops::Isa;

uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}

/// Normal values of either sign, with NaN, +-inf, +-0, subnormals and
/// huge values mixed in.
std::vector<float> inputs(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            0.0f,
                            -0.0f,
                            std::numeric_limits<float>::denorm_min(),
                            -1e-40f,
                            1e30f,
                            -3e38f,
                            1.0f};
  std::vector<float> xs(n);
  for (size_t i = 0; i < n; ++i)
    xs[i] = i % 7 == 3 ? specials[(i / 7) % 10] : normal(rng);
  return xs;
}

/// Both are NaN, or the same bits.
bool same(float a, float b) {
  return (a != a && b != b) || bitsOf(a) == bitsOf(b);
}

std::vector<Isa> isas() {
  std::vector<Isa> out{Isa::baseline};
  if (loops::supported(Isa::avx2))
    out.push_back(Isa::avx2);
  return out;
}

// Lengths around the vector widths and their unrolled loops, and offsets
// that misalign the arrays.
const int64_t kLengths[] = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 1000};
const int64_t kOffsets[] = {0, 1, 3};

struct UnaryCase {
  const char *name;
  OpKind op;
  G approximate;
  DType to;
  std::function<float(float)> f;
};

float boolValue(bool b) { return b ? 1.0f : 0.0f; }

TEST(FloatLoops, UnaryKindsComputeTheirScalarDefinition) {
  std::vector<UnaryCase> cases = {
      {"neg", OpKind::neg, G::none, DType::f32, [](float a) { return -a; }},
      {"abs", OpKind::abs, G::none, DType::f32,
       [](float a) { return std::fabs(a); }},
      {"exp", OpKind::exp, G::none, DType::f32,
       [](float a) { return scalar::exp(a); }},
      {"log", OpKind::log, G::none, DType::f32,
       [](float a) { return scalar::log(a); }},
      {"tanh", OpKind::tanh, G::none, DType::f32,
       [](float a) { return scalar::tanh(a); }},
      {"sqrt", OpKind::sqrt, G::none, DType::f32,
       [](float a) { return std::sqrt(a); }},
      {"rsqrt", OpKind::rsqrt, G::none, DType::f32,
       [](float a) { return scalar::rsqrt(a); }},
      {"relu", OpKind::relu, G::none, DType::f32,
       [](float a) { return scalar::relu(a); }},
      {"sigmoid", OpKind::sigmoid, G::none, DType::f32,
       [](float a) { return scalar::sigmoid(a); }},
      {"cos", OpKind::cos, G::none, DType::f32,
       [](float a) { return std::cos(a); }},
      {"sin", OpKind::sin, G::none, DType::f32,
       [](float a) { return std::sin(a); }},
      {"erf", OpKind::erf, G::none, DType::f32,
       [](float a) { return scalar::erf(a); }},
      {"silu", OpKind::silu, G::none, DType::f32,
       [](float a) { return scalar::silu(a); }},
      {"gelu", OpKind::gelu, G::none, DType::f32,
       [](float a) { return scalar::gelu(a); }},
      {"gelu_tanh", OpKind::gelu, G::tanh, DType::f32,
       [](float a) { return scalar::geluTanh(a); }},
      {"cast_i1", OpKind::cast, G::none, DType::i1,
       [](float a) { return boolValue(a != 0.0f); }},
      {"cast_f32", OpKind::cast, G::none, DType::f32,
       [](float a) { return a; }},
  };
  std::vector<float> xs = inputs(1100, 1);
  for (const UnaryCase &c : cases)
    for (Isa isa : isas()) {
      loops::Unary loop = loops::unaryLoop(c.op, c.approximate, c.to, isa);
      ASSERT_NE(loop, nullptr) << c.name;
      for (int64_t n : kLengths)
        for (int64_t offset : kOffsets) {
          std::vector<float> out(n + offset + 1, 7.0f);
          loop(out.data() + offset, xs.data() + offset, n);
          for (int64_t i = 0; i < n; ++i)
            ASSERT_TRUE(same(out[offset + i], c.f(xs[offset + i])))
                << c.name << "(" << xs[offset + i] << ") = " << out[offset + i]
                << ", isa " << static_cast<int>(isa) << ", n " << n;
          EXPECT_EQ(out[offset + n], 7.0f) << c.name << " wrote past n";
        }
    }
  EXPECT_EQ(loops::unaryLoop(OpKind::add, G::none, DType::f32, Isa::baseline),
            nullptr);
}

struct BinaryCase {
  const char *name;
  OpKind op;
  P predicate;
  std::function<float(float, float)> f;
};

TEST(FloatLoops, BinaryKindsComputeTheirScalarDefinitionInEveryForm) {
  std::vector<BinaryCase> cases = {
      {"add", OpKind::add, P::eq, [](float a, float b) { return a + b; }},
      {"sub", OpKind::sub, P::eq, [](float a, float b) { return a - b; }},
      {"mul", OpKind::mul, P::eq, [](float a, float b) { return a * b; }},
      {"div", OpKind::div, P::eq, [](float a, float b) { return a / b; }},
      {"max", OpKind::max, P::eq,
       [](float a, float b) { return scalar::max(a, b); }},
      {"min", OpKind::min, P::eq,
       [](float a, float b) { return scalar::min(a, b); }},
      {"pow", OpKind::pow, P::eq,
       [](float a, float b) { return std::pow(a, b); }},
      {"eq", OpKind::compare, P::eq,
       [](float a, float b) { return boolValue(a == b); }},
      {"ne", OpKind::compare, P::ne,
       [](float a, float b) { return boolValue(a != b); }},
      {"lt", OpKind::compare, P::lt,
       [](float a, float b) { return boolValue(a < b); }},
      {"le", OpKind::compare, P::le,
       [](float a, float b) { return boolValue(a <= b); }},
      {"gt", OpKind::compare, P::gt,
       [](float a, float b) { return boolValue(a > b); }},
      {"ge", OpKind::compare, P::ge,
       [](float a, float b) { return boolValue(a >= b); }},
  };
  std::vector<float> as = inputs(1100, 2), bs = inputs(1100, 3);
  // Equal operands somewhere, for the comparisons.
  for (size_t i = 0; i < as.size(); i += 5)
    bs[i] = as[i];
  for (const BinaryCase &c : cases)
    for (Isa isa : isas())
      for (loops::ScalarMask scalars : {0u, 1u, 2u}) {
        loops::Binary loop = loops::binaryLoop(c.op, c.predicate, scalars, isa);
        ASSERT_NE(loop, nullptr) << c.name;
        for (int64_t n : kLengths)
          for (int64_t offset : kOffsets) {
            std::vector<float> out(n + offset + 1, 7.0f);
            const float *a = as.data() + offset, *b = bs.data() + offset;
            loop(out.data() + offset, a, b, n);
            for (int64_t i = 0; i < n; ++i) {
              float x = scalars & 1 ? a[0] : a[i],
                    y = scalars & 2 ? b[0] : b[i];
              ASSERT_TRUE(same(out[offset + i], c.f(x, y)))
                  << c.name << "(" << x << ", " << y
                  << ") = " << out[offset + i] << ", form " << scalars
                  << ", isa " << static_cast<int>(isa);
            }
            EXPECT_EQ(out[offset + n], 7.0f) << c.name << " wrote past n";
          }
      }
}

TEST(FloatLoops, FoldedScalingsComputeBothStepsInOrder) {
  using loops::Fold;
  struct Main {
    const char *name;
    OpKind op;
    std::function<float(float, float)> f;
  };
  std::vector<Main> mains = {
      {"add", OpKind::add, [](float a, float b) { return a + b; }},
      {"sub", OpKind::sub, [](float a, float b) { return a - b; }},
      {"mul", OpKind::mul, [](float a, float b) { return a * b; }},
  };
  auto apply = [](Fold f, float x, float c) {
    return f == Fold::mul ? x * c : f == Fold::div ? x / c : x;
  };
  std::vector<float> as = inputs(1100, 8), bs = inputs(1100, 9);
  const float ca = 0.37f, cb = -3.1f;
  const Fold all[] = {Fold::none, Fold::mul, Fold::div};
  for (const Main &m : mains)
    for (Isa isa : isas())
      for (loops::ScalarMask scalars : {0u, 1u, 2u})
        for (Fold fa : all)
          for (Fold fb : all) {
            loops::FoldedBinary loop =
                loops::foldedLoop(m.op, fa, fb, scalars, isa);
            bool valid = (fa != Fold::none || fb != Fold::none) &&
                         !(scalars & 1 && fa != Fold::none) &&
                         !(scalars & 2 && fb != Fold::none);
            ASSERT_EQ(loop != nullptr, valid) << m.name;
            if (!loop)
              continue;
            for (int64_t n : kLengths) {
              std::vector<float> out(n + 1, 7.0f);
              loop(out.data(), as.data(), &ca, bs.data(), &cb, n);
              for (int64_t i = 0; i < n; ++i) {
                float x = scalars & 1 ? as[0] : as[i];
                float y = scalars & 2 ? bs[0] : bs[i];
                float want = m.f(apply(fa, x, ca), apply(fb, y, cb));
                ASSERT_TRUE(same(out[i], want))
                    << m.name << " folds " << static_cast<int>(fa) << ", "
                    << static_cast<int>(fb) << " form " << scalars << " at "
                    << i;
              }
              EXPECT_EQ(out[n], 7.0f);
            }
          }
  EXPECT_EQ(
      loops::foldedLoop(OpKind::div, Fold::mul, Fold::none, 0, Isa::baseline),
      nullptr);
}

TEST(FloatLoops, SelectInEveryForm) {
  std::vector<float> ps = inputs(1100, 4), ts = inputs(1100, 5),
                     fs = inputs(1100, 6);
  for (size_t i = 0; i < ps.size(); ++i)
    ps[i] = i % 3 == 0 ? 0.0f : ps[i]; // NaN is true, as nonzero
  for (Isa isa : isas())
    for (loops::ScalarMask scalars = 0; scalars < 8; ++scalars) {
      loops::Ternary loop = loops::selectLoop(scalars, isa);
      for (int64_t n : kLengths) {
        std::vector<float> out(n + 1, 7.0f);
        loop(out.data(), ps.data(), ts.data(), fs.data(), n);
        for (int64_t i = 0; i < n; ++i) {
          float p = scalars & 1 ? ps[0] : ps[i];
          float t = scalars & 2 ? ts[0] : ts[i];
          float f = scalars & 4 ? fs[0] : fs[i];
          ASSERT_TRUE(same(out[i], p != 0.0f ? t : f))
              << "form " << scalars << " at " << i;
        }
        EXPECT_EQ(out[n], 7.0f);
      }
    }
}

TEST(FloatLoops, LoopsMayWriteOverAnOperandReadAtTheSameIndex) {
  // The fused interpreter does where a step writes a result over the
  // operand it reads (p - lr * update), and the loop must still be
  // right (and vectorize: GCC's overlap check lets equal pointers pass).
  for (Isa isa : isas()) {
    std::vector<float> xs = inputs(1000, 7), want(1000);
    for (size_t i = 0; i < xs.size(); ++i)
      want[i] = scalar::geluTanh(xs[i]);
    loops::unaryLoop(OpKind::gelu, G::tanh, DType::f32, isa)(
        xs.data(), xs.data(), static_cast<int64_t>(xs.size()));
    for (size_t i = 0; i < xs.size(); ++i)
      ASSERT_TRUE(same(xs[i], want[i])) << i;
  }
}

TEST(FloatLoops, HostIsaIsSupported) {
  EXPECT_TRUE(loops::supported(loops::hostIsa()));
  EXPECT_TRUE(loops::supported(Isa::baseline));
#if defined(__x86_64__)
  EXPECT_EQ(loops::supported(Isa::avx2), __builtin_cpu_supports("avx2") != 0);
#endif
}

} // namespace
} // namespace mlc::rt::cpu::test
