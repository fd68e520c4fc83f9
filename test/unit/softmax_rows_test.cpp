// Softmax, log_softmax and cross-entropy rows (runtime/cpu/SoftmaxRows.h)
// and the kernels built on them: the baseline and the AVX2 loops give the
// same bits on long rows, rows that do not divide the vector width, -inf
// entries and large logits; values match a double reference; the fused
// cross-entropy kernel gives the loss and gradient of the unfused kernels
// bit for bit, and reports bad labels.
#include "runtime/cpu/SoftmaxRows.h"
#include "test/unit/CpuKernelsTestUtil.h"

#include <cstring>
#include <random>

namespace mlc::rt::cpu::test {
namespace {

using loops::Isa;

std::vector<Isa> isas() {
  std::vector<Isa> out{Isa::baseline};
  if (loops::supported(Isa::avx2))
    out.push_back(Isa::avx2);
  return out;
}

bool sameBits(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Lengths around the vector widths and LaneSum's 8 lanes, and a
// vocabulary's row.
const int64_t kLengths[] = {1, 3, 7, 8, 9, 15, 16, 17, 33, 1000, 50257};

/// Logits around `offset` (large logits: 1e4), with -inf entries (a
/// mask) when `masked`, never all of them.
std::vector<float> row(int64_t n, float offset, bool masked, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t c = 0; c < n; ++c)
    x[c] = masked && c % 3 == 1 ? -std::numeric_limits<float>::infinity()
                                : offset + normal(rng);
  return x;
}

/// softmax, log_softmax and the cross-entropy loss in double.
struct Reference {
  std::vector<double> softmax, logSoftmax;
  double loss;
};

Reference reference(const std::vector<float> &x, int64_t label) {
  double max = -kInf, sum = 0;
  for (float v : x)
    max = std::max(max, static_cast<double>(v));
  for (float v : x)
    sum += std::exp(static_cast<double>(v) - max);
  Reference r;
  for (float v : x) {
    r.softmax.push_back(std::exp(static_cast<double>(v) - max) / sum);
    r.logSoftmax.push_back(static_cast<double>(v) - max - std::log(sum));
  }
  r.loss = max + std::log(sum) - static_cast<double>(x[label]);
  return r;
}

TEST(SoftmaxRows, SameBitsOnEveryIsaAndCloseToDouble) {
  for (int64_t n : kLengths)
    for (float offset : {0.0f, 1e4f, -1e4f})
      for (bool masked : {false, true}) {
        if (masked && n == 1)
          continue;
        SCOPED_TRACE("n = " + std::to_string(n) + ", offset " +
                     std::to_string(offset) + (masked ? ", masked" : ""));
        std::vector<float> x = row(n, offset, masked, static_cast<unsigned>(n));
        const int64_t label = n / 2 / 3 * 3; // never a masked entry
        Reference ref = reference(x, label);
        std::vector<std::vector<float>> soft, logSoft, grad;
        std::vector<double> losses, gradLosses;
        for (Isa isa : isas()) {
          RowLoops rowLoops = RowLoops::forIsa(isa);
          std::vector<float> s(x.size()), l(x.size()), g(x.size()),
              scratch(x.size());
          softmaxRow(rowLoops, x.data(), n, s.data());
          logSoftmaxRow(rowLoops, x.data(), n, l.data(), scratch.data());
          losses.push_back(
              crossEntropyRow(rowLoops, x.data(), n, label, scratch.data()));
          gradLosses.push_back(crossEntropyGradRow(rowLoops, x.data(), n, label,
                                                   0.25f, g.data()));
          soft.push_back(s);
          logSoft.push_back(l);
          grad.push_back(g);
        }
        for (size_t i = 1; i < soft.size(); ++i) {
          EXPECT_TRUE(sameBits(soft[0], soft[i]));
          EXPECT_TRUE(sameBits(logSoft[0], logSoft[i]));
          EXPECT_TRUE(sameBits(grad[0], grad[i]));
          EXPECT_EQ(losses[0], losses[i]);
        }
        EXPECT_EQ(losses[0], gradLosses[0]);
        EXPECT_NEAR(losses[0], ref.loss, 1e-6 * std::max(1.0, ref.loss));
        for (int64_t c = 0; c < n; ++c) {
          if (masked && c % 3 == 1) {
            // exp(-inf - max) is exactly 0, not a tiny number.
            EXPECT_EQ(soft[0][c], 0.0f);
            EXPECT_EQ(grad[0][c], 0.0f);
            EXPECT_EQ(logSoft[0][c], -std::numeric_limits<float>::infinity());
            continue;
          }
          EXPECT_NEAR(soft[0][c], ref.softmax[c], 1e-6 * ref.softmax[c] + 1e-12)
              << "element " << c;
          EXPECT_NEAR(logSoft[0][c], ref.logSoftmax[c],
                      2e-6 * std::max(1.0, std::fabs(ref.logSoftmax[c])));
          double want = (ref.softmax[c] - (c == label ? 1.0 : 0.0)) * 0.25;
          EXPECT_NEAR(grad[0][c], want, 1e-6 * std::fabs(want) + 1e-12);
        }
      }
}

TEST(SoftmaxRows, GradientRowIsSoftmaxMinusOneHotTimesScale) {
  for (int64_t n : kLengths) {
    std::vector<float> x = row(n, 3.0f, false, 7);
    const int64_t label = n - 1;
    const float scale = 1.0f / 7.0f;
    RowLoops rowLoops = RowLoops::forIsa(loops::hostIsa());
    std::vector<float> p(x.size()), g(x.size()), scratch(x.size());
    softmaxRow(rowLoops, x.data(), n, p.data());
    crossEntropyGradRow(rowLoops, x.data(), n, label, scale, g.data());
    // What the unfused step computes: (softmax - one_hot) * scale.
    for (int64_t c = 0; c < n; ++c) {
      float want = (p[c] - (c == label ? 1.0f : 0.0f)) * scale;
      ASSERT_EQ(g[c], want) << "n = " << n << ", element " << c;
    }
  }
}

/// The kernels on [rows, classes] logits: the fused one against
/// softmax_cross_entropy, softmax, one_hot and the loop (p - h) * s.
TEST(SoftmaxRows, FusedKernelMatchesUnfusedKernelsBitForBit) {
  for (const Shape &shape : {Shape{3, 5}, Shape{2, 3, 17}, Shape{4, 1000}}) {
    SCOPED_TRACE(shapeStr(shape));
    Shape rows(shape.begin(), shape.end() - 1);
    const int64_t classes = shape.back();
    Host logits = randomHost(DType::f32, shape, -30, 30, 5);
    Host labels =
        randomHost(DType::i64, rows, 0, static_cast<double>(classes - 1), 6);
    Host scale(DType::f32, {});
    scale.set(0, 1.0 / static_cast<double>(logits.size() / classes));
    Host loss(DType::f32, {}), grad(DType::f32, shape);
    ASSERT_RUNS(kernelOf(OpKind::softmax_cross_entropy_with_grad),
                {&logits, &labels, &scale}, {&loss, &grad});
    Host unfusedLoss(DType::f32, {}), probs(DType::f32, shape),
        oneHot(DType::f32, shape);
    ASSERT_RUNS(kernelOf(OpKind::softmax_cross_entropy), {&logits, &labels},
                {&unfusedLoss});
    fb::CpuKernelT softmax = kernelOf(OpKind::softmax);
    softmax.axis = static_cast<int64_t>(shape.size()) - 1;
    ASSERT_RUNS(softmax, {&logits}, {&probs});
    ASSERT_RUNS(kernelOf(OpKind::one_hot), {&labels}, {&oneHot});
    EXPECT_EQ(loss.get(0), unfusedLoss.get(0));
    const float s = static_cast<float>(scale.get(0));
    for (int64_t i = 0; i < grad.size(); ++i) {
      float want = (static_cast<float>(probs.get(i)) -
                    static_cast<float>(oneHot.get(i))) *
                   s;
      ASSERT_EQ(static_cast<float>(grad.get(i)), want) << "element " << i;
    }
  }
}

TEST(SoftmaxRows, FusedKernelReportsLabelOutOfRange) {
  Host logits = randomHost(DType::f32, {4, 5}), labels(DType::i32, {4});
  Host scale(DType::f32, {}), loss(DType::f32, {}), grad(DType::f32, {4, 5});
  scale.set(0, 0.25);
  for (int i = 0; i < 4; ++i)
    labels.set(i, i == 3 ? 5 : 0);
  Status s = runKernel(kernelOf(OpKind::softmax_cross_entropy_with_grad),
                       {&logits, &labels, &scale}, {&loss, &grad});
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("softmax_cross_entropy_with_grad"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("row 3 has label 5"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("[0, 5)"), std::string::npos) << s.message();
}

TEST(SoftmaxRows, StridedAndF64SoftmaxStayCloseToDouble) {
  // The strided walk (axis 0 of [40, 3]) and f64 rows take other paths.
  for (DType dtype : {DType::f32, DType::f64}) {
    Host x = randomHost(dtype, {40, 3}, -50, 50, 9), y(dtype, {40, 3});
    fb::CpuKernelT k = kernelOf(OpKind::softmax);
    k.axis = 0;
    ASSERT_RUNS(k, {&x}, {&y});
    std::vector<double> want(120);
    for (int j = 0; j < 3; ++j) {
      double max = -kInf, sum = 0;
      for (int c = 0; c < 40; ++c)
        max = std::max(max, x.get(c * 3 + j));
      for (int c = 0; c < 40; ++c)
        sum += std::exp(x.get(c * 3 + j) - max);
      for (int c = 0; c < 40; ++c)
        want[c * 3 + j] = std::exp(x.get(c * 3 + j) - max) / sum;
    }
    expectValues(y, want, tolerance(dtype) * 2);
  }
}

} // namespace
} // namespace mlc::rt::cpu::test
