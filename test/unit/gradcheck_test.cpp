// Gradient checks: for every differentiable op (each broadcast pattern,
// transpose flag, reduction axis and keepdims case), the gradients compiled
// by -mlc-autodiff and run on the CPU runtime agree in f64 with central
// finite differences to 1e-6 (relative, norm-wise), and in f32 with the f64
// gradients to 1e-4.
#include "InProcess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

namespace mlc::test {
namespace {

using Shape = std::vector<int64_t>;

struct GradCase {
  std::string name;
  std::vector<Shape> params;  // %p0, %p1, ... (trainable parameters)
  Shape out;                  // shape of %out; empty: %out is the loss
  std::string body;           // defines %out; "T" stands for the float type
  double lo = -1.0, hi = 1.0; // parameter values are drawn from [lo, hi]
  bool awayFromZero = false;  // keep |value| >= 0.25 (kinks at 0)
  Shape labels;               // shape of an i64 input %labels, if any
  int64_t classes = 0;        // labels are drawn from [0, classes)
  double tolerance64 = 1e-6;
  double step = 1e-5; // finite-difference step
};

/// Test names print instead of the parameter's bytes.
void PrintTo(const GradCase &c, std::ostream *os) { *os << c.name; }

std::string tensorType(const Shape &shape, const std::string &element) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element + ">";
}

std::string replaceAll(std::string s, const std::string &from,
                       const std::string &to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos;
       pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

/// The model: loss = sum(%out * %w) with a random input %w, or %out itself
/// when it is already a scalar.
std::string buildModel(const GradCase &c, const std::string &element) {
  std::ostringstream os;
  os << "func.func @forward(";
  for (size_t i = 0; i < c.params.size(); ++i)
    os << (i ? ", " : "") << "%p" << i << ": "
       << tensorType(c.params[i], element) << " {mlc.param = \"p" << i
       << "\", mlc.init = #mlc.init<zeros>}";
  if (!c.labels.empty())
    os << ", %labels: " << tensorType(c.labels, "i64")
       << " {mlc.input = \"labels\"}";
  std::string outType = tensorType(c.out, element);
  if (!c.out.empty())
    os << ", %w: " << outType << " {mlc.input = \"w\"}";
  os << ") -> " << tensorType({}, element) << " {\n";
  os << replaceAll(c.body, "{T}", element) << "\n";
  if (c.out.empty()) {
    os << "  return %out : " << tensorType({}, element) << "\n}\n";
    return os.str();
  }
  os << "  %weighted = mlc.mul %out, %w : (" << outType << ", " << outType
     << ") -> " << outType << "\n";
  os << "  %loss = mlc.reduce_sum %weighted axes = [";
  for (size_t d = 0; d < c.out.size(); ++d)
    os << (d ? ", " : "") << d;
  os << "] : (" << outType << ") -> " << tensorType({}, element) << "\n";
  os << "  return %loss : " << tensorType({}, element) << "\n}\n";
  return os.str();
}

int64_t count(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

double relativeError(const std::vector<double> &a,
                     const std::vector<double> &b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += b[i] * b[i];
  }
  return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-12);
}

/// A compiled case with its parameter and input values.
struct Instance {
  Loaded loaded;
  std::vector<std::vector<double>> params;
};

constexpr const char *kPipeline =
    "func.func(mlc-lower-einsum), mlc-autodiff, canonicalize, cse";

Instance instantiate(const GradCase &c, const std::string &element,
                     const std::vector<std::vector<double>> &params,
                     const std::vector<double> &w,
                     const std::vector<double> &labels) {
  Instance inst;
  std::string error;
  std::string model = buildModel(c, element);
  std::string bytes = compileToExecutable(model, kPipeline, error);
  if (bytes.empty()) {
    inst.loaded.error = error + "\nmodel:\n" + model;
    return inst;
  }
  inst.loaded = loadAndCreateSession(bytes);
  if (!inst.loaded.session)
    return inst;
  rt::Session &s = *inst.loaded.session;
  inst.params = params;
  for (size_t i = 0; i < params.size(); ++i)
    if (rt::Status st = writeAs(s, "p" + std::to_string(i), params[i]);
        !st.isOk())
      inst.loaded.error = st.message();
  if (!c.out.empty())
    if (rt::Status st = writeAs(s, "w", w); !st.isOk())
      inst.loaded.error = st.message();
  if (!c.labels.empty())
    if (rt::Status st = writeAs(s, "labels", labels); !st.isOk())
      inst.loaded.error = st.message();
  return inst;
}

double lossAt(rt::Session &s) {
  auto out = runEntry(s, "forward");
  EXPECT_TRUE(out.isOk()) << out.status().message();
  return out.isOk() ? (*out)["loss"][0] : NAN;
}

class GradCheck : public ::testing::TestWithParam<GradCase> {
protected:
  void SetUp() override {
    const GradCase &c = GetParam();
    std::mt19937_64 rng(std::hash<std::string>{}(c.name));
    std::uniform_real_distribution<double> value(c.lo, c.hi);
    for (const Shape &shape : c.params) {
      std::vector<double> v(static_cast<size_t>(count(shape)));
      for (double &x : v) {
        x = value(rng);
        if (c.awayFromZero && std::fabs(x) < 0.25)
          x = x < 0 ? x - 0.25 : x + 0.25;
      }
      params.push_back(v);
    }
    std::uniform_real_distribution<double> weight(-1.0, 1.0);
    w.resize(static_cast<size_t>(count(c.out)));
    for (double &x : w)
      x = weight(rng);
    labels.resize(static_cast<size_t>(count(c.labels)));
    for (double &x : labels)
      x = static_cast<double>(
          rng() % static_cast<uint64_t>(std::max<int64_t>(c.classes, 1)));
  }

  /// Analytic gradients ("grad.p<i>") of `inst`.
  std::vector<std::vector<double>> gradients(Instance &inst) {
    auto out = runEntry(*inst.loaded.session, "forward_grad");
    EXPECT_TRUE(out.isOk()) << out.status().message();
    std::vector<std::vector<double>> grads;
    for (size_t i = 0; i < inst.params.size(); ++i)
      grads.push_back(out.isOk() ? (*out)["grad.p" + std::to_string(i)]
                                 : std::vector<double>());
    return grads;
  }

  std::vector<std::vector<double>> params;
  std::vector<double> w, labels;
};

TEST_P(GradCheck, F64MatchesFiniteDifferences) {
  const GradCase &c = GetParam();
  Instance inst = instantiate(c, "f64", params, w, labels);
  ASSERT_TRUE(inst.loaded.session && inst.loaded.error.empty())
      << inst.loaded.error;
  rt::Session &s = *inst.loaded.session;
  std::vector<std::vector<double>> grads = gradients(inst);
  const double h = c.step;
  for (size_t i = 0; i < params.size(); ++i) {
    std::string name = "p" + std::to_string(i);
    std::vector<double> numeric(params[i].size());
    std::vector<double> p = params[i];
    for (size_t k = 0; k < p.size(); ++k) {
      double saved = p[k];
      p[k] = saved + h;
      ASSERT_TRUE(writeAs(s, name, p).isOk());
      double plus = lossAt(s);
      p[k] = saved - h;
      ASSERT_TRUE(writeAs(s, name, p).isOk());
      double minus = lossAt(s);
      p[k] = saved;
      numeric[k] = (plus - minus) / (2 * h);
    }
    ASSERT_TRUE(writeAs(s, name, p).isOk());
    ASSERT_EQ(grads[i].size(), numeric.size());
    double err = relativeError(grads[i], numeric);
    EXPECT_LE(err, c.tolerance64) << "gradient of " << name << " in " << c.name;
    // A zero gradient would pass any relative test against a zero reference;
    // every case is built so that each parameter matters.
    double norm = 0;
    for (double g : numeric)
      norm += g * g;
    EXPECT_GT(norm, 1e-12) << "finite differences of " << name << " vanish";
  }
}

TEST_P(GradCheck, F32MatchesF64) {
  const GradCase &c = GetParam();
  // Round the values to f32 first so that both programs see the same input.
  for (auto &v : params)
    for (double &x : v)
      x = static_cast<double>(static_cast<float>(x));
  for (double &x : w)
    x = static_cast<double>(static_cast<float>(x));
  Instance i64 = instantiate(c, "f64", params, w, labels);
  Instance i32 = instantiate(c, "f32", params, w, labels);
  ASSERT_TRUE(i64.loaded.session && i64.loaded.error.empty())
      << i64.loaded.error;
  ASSERT_TRUE(i32.loaded.session && i32.loaded.error.empty())
      << i32.loaded.error;
  std::vector<std::vector<double>> g64 = gradients(i64);
  std::vector<std::vector<double>> g32 = gradients(i32);
  for (size_t i = 0; i < params.size(); ++i)
    EXPECT_LE(relativeError(g32[i], g64[i]), 1e-4)
        << "f32 gradient of p" << i << " in " << c.name;
}

// --- The cases ---------------------------------------------------------------

GradCase binary(const std::string &op, Shape a, Shape b, Shape out,
                double lo = -1, double hi = 1) {
  GradCase c;
  c.name = op;
  for (const Shape *s : {&a, &b, &out}) {
    c.name += "_";
    for (int64_t d : *s)
      c.name += std::to_string(d);
    if (s->empty())
      c.name += "s";
  }
  c.params = {a, b};
  c.out = out;
  c.body = "  %out = mlc." + op + " %p0, %p1 : (" + tensorType(a, "{T}") +
           ", " + tensorType(b, "{T}") + ") -> " + tensorType(out, "{T}");
  c.lo = lo;
  c.hi = hi;
  return c;
}

GradCase unary(const std::string &op, double lo, double hi,
               bool awayFromZero = false) {
  GradCase c;
  c.name = op;
  c.params = {{3, 4}};
  c.out = {3, 4};
  c.body = "  %out = mlc." + op + " %p0 : tensor<3x4x{T}>";
  c.lo = lo;
  c.hi = hi;
  c.awayFromZero = awayFromZero;
  return c;
}

GradCase reduce(const std::string &op, Shape in, std::vector<int64_t> axes,
                bool keepdims, Shape out) {
  GradCase c;
  c.name = op;
  for (int64_t a : axes)
    c.name += "_ax" + (a < 0 ? "m" + std::to_string(-a) : std::to_string(a));
  if (keepdims)
    c.name += "_keep";
  c.params = {in};
  c.out = out;
  std::string list;
  for (size_t i = 0; i < axes.size(); ++i)
    list += (i ? ", " : "") + std::to_string(axes[i]);
  c.body = "  %out = mlc." + op + " %p0 axes = [" + list + "]" +
           (keepdims ? " keepdims" : "") + " : (" + tensorType(in, "{T}") +
           ") -> " + tensorType(out, "{T}");
  return c;
}

GradCase matmul(const std::string &name, Shape a, Shape b, Shape out,
                const std::string &flags) {
  GradCase c;
  c.name = name;
  c.params = {a, b};
  c.out = out;
  c.body = "  %out = mlc.matmul %p0, %p1" + flags + " : (" +
           tensorType(a, "{T}") + ", " + tensorType(b, "{T}") + ") -> " +
           tensorType(out, "{T}");
  return c;
}

GradCase custom(const std::string &name, std::vector<Shape> params, Shape out,
                const std::string &body) {
  GradCase c;
  c.name = name;
  c.params = std::move(params);
  c.out = std::move(out);
  c.body = body;
  return c;
}

GradCase einsum(const std::string &name, const std::string &equation,
                std::vector<Shape> params, Shape out) {
  std::string operands, types;
  for (size_t i = 0; i < params.size(); ++i) {
    operands += (i ? ", %p" : "%p") + std::to_string(i);
    types += (i ? ", " : "") + tensorType(params[i], "{T}");
  }
  std::string body = "  %out = mlc.einsum \"" + equation + "\" " + operands +
                     " : (" + types + ") -> " + tensorType(out, "{T}");
  return custom(name, std::move(params), std::move(out), body);
}

std::vector<GradCase> allCases() {
  std::vector<GradCase> cases;
  // Binary ops with every broadcast pattern.
  std::vector<std::tuple<Shape, Shape, Shape>> patterns = {
      {{3, 4}, {3, 4}, {3, 4}},    {{3, 4}, {4}, {3, 4}},
      {{3, 4}, {3, 1}, {3, 4}},    {{3, 1}, {1, 4}, {3, 4}},
      {{}, {3, 4}, {3, 4}},        {{2, 3, 4}, {3, 1}, {2, 3, 4}},
      {{4}, {2, 3, 4}, {2, 3, 4}},
  };
  for (const char *op : {"add", "sub", "mul", "max", "min"})
    for (auto &[a, b, out] : patterns)
      cases.push_back(binary(op, a, b, out));
  for (auto &[a, b, out] : patterns)
    cases.push_back(binary("div", a, b, out, 0.5, 1.5));
  for (auto &[a, b, out] : patterns)
    cases.push_back(binary("pow", a, b, out, 0.5, 1.5));

  cases.push_back(unary("neg", -1, 1));
  cases.push_back(unary("abs", -1, 1, true));
  cases.push_back(unary("exp", -1, 1));
  cases.push_back(unary("log", 0.5, 2));
  cases.push_back(unary("tanh", -1.5, 1.5));
  cases.push_back(unary("cos", -3, 3));
  cases.push_back(unary("sin", -3, 3));
  cases.push_back(unary("sqrt", 0.5, 2));
  cases.push_back(unary("rsqrt", 0.5, 2));
  cases.push_back(unary("relu", -1, 1, true));
  cases.push_back(unary("sigmoid", -2, 2));
  cases.push_back(unary("erf", -2, 2));
  cases.push_back(unary("silu", -3, 3));
  cases.push_back(unary("gelu", -3, 3));
  GradCase geluTanh = unary("gelu", -3, 3);
  geluTanh.name = "gelu_tanh";
  geluTanh.body = "  %out = mlc.gelu %p0 approximate = \"tanh\" : "
                  "tensor<3x4x{T}>";
  cases.push_back(geluTanh);

  // Reductions: every axis, several axes, negative axes, keepdims.
  for (const char *op : {"reduce_sum", "reduce_mean", "reduce_max"}) {
    cases.push_back(reduce(op, {3, 4}, {0}, false, {4}));
    cases.push_back(reduce(op, {3, 4}, {1}, false, {3}));
    cases.push_back(reduce(op, {3, 4}, {1}, true, {3, 1}));
    cases.push_back(reduce(op, {3, 4}, {0, 1}, false, {}));
    cases.push_back(reduce(op, {2, 3, 4}, {0, 2}, true, {1, 3, 1}));
    cases.push_back(reduce(op, {2, 3, 4}, {-1}, false, {2, 3}));
  }
  // A reduction that yields the loss directly.
  GradCase total = reduce("reduce_sum", {3, 4}, {0, 1}, false, {});
  total.name = "reduce_sum_to_loss";
  total.out = {};
  cases.push_back(total);

  // Matmul: each transpose flag, batches, broadcast batches.
  cases.push_back(matmul("matmul", {3, 4}, {4, 5}, {3, 5}, ""));
  cases.push_back(
      matmul("matmul_tl", {4, 3}, {4, 5}, {3, 5}, " transpose_lhs"));
  cases.push_back(
      matmul("matmul_tr", {3, 4}, {5, 4}, {3, 5}, " transpose_rhs"));
  cases.push_back(matmul("matmul_tl_tr", {4, 3}, {5, 4}, {3, 5},
                         " transpose_lhs transpose_rhs"));
  cases.push_back(matmul("matmul_batch", {2, 3, 4}, {2, 4, 5}, {2, 3, 5}, ""));
  cases.push_back(matmul("matmul_bcast_rhs", {2, 3, 4}, {4, 5}, {2, 3, 5}, ""));
  // A shared rank-2 weight under two batch dims, plain and transposed (a
  // tied LM head): its adjoint is one GEMM over all rows.
  cases.push_back(
      matmul("matmul_bcast_rhs_2d", {2, 2, 3, 4}, {4, 5}, {2, 2, 3, 5}, ""));
  cases.push_back(matmul("matmul_bcast_rhs_tr", {2, 3, 4}, {5, 4}, {2, 3, 5},
                         " transpose_rhs"));
  cases.push_back(matmul("matmul_bcast_lhs", {3, 4}, {2, 5, 4}, {2, 3, 5},
                         " transpose_rhs"));
  cases.push_back(
      matmul("matmul_bcast_both", {2, 1, 3, 4}, {3, 4, 5}, {2, 3, 3, 5}, ""));
  cases.push_back(matmul("matmul_batch_tl_tr", {2, 4, 3}, {2, 5, 4}, {2, 3, 5},
                         " transpose_lhs transpose_rhs"));

  // Shape ops.
  cases.push_back(custom(
      "broadcast_row", {{4}}, {3, 4},
      "  %out = mlc.broadcast_to %p0 : (tensor<4x{T}>) -> tensor<3x4x{T}>"));
  cases.push_back(custom(
      "broadcast_col", {{3, 1}}, {3, 4},
      "  %out = mlc.broadcast_to %p0 : (tensor<3x1x{T}>) -> tensor<3x4x{T}>"));
  cases.push_back(custom(
      "broadcast_scalar", {{}}, {2, 3},
      "  %out = mlc.broadcast_to %p0 : (tensor<{T}>) -> tensor<2x3x{T}>"));
  cases.push_back(custom(
      "reshape", {{3, 4}}, {2, 6},
      "  %out = mlc.reshape %p0 : (tensor<3x4x{T}>) -> tensor<2x6x{T}>"));
  cases.push_back(custom("transpose_2d", {{3, 4}}, {4, 3},
                         "  %out = mlc.transpose %p0 perm = [1, 0] : "
                         "(tensor<3x4x{T}>) -> tensor<4x3x{T}>"));
  cases.push_back(custom("transpose_3d", {{2, 3, 4}}, {4, 2, 3},
                         "  %out = mlc.transpose %p0 perm = [2, 0, 1] : "
                         "(tensor<2x3x4x{T}>) -> tensor<4x2x3x{T}>"));
  // Casting through f32 rounds to 24 bits, so the finite differences take a
  // larger step (exact for this quadratic) and hold to about 1e-5.
  GradCase cast =
      custom("cast_round_trip", {{3, 4}}, {3, 4},
             "  %c = mlc.cast %p0 : tensor<3x4x{T}> to tensor<3x4xf32>\n"
             "  %s = mlc.mul %c, %c : (tensor<3x4xf32>, tensor<3x4xf32>) -> "
             "tensor<3x4xf32>\n"
             "  %out = mlc.cast %s : tensor<3x4xf32> to tensor<3x4x{T}>");
  cast.tolerance64 = 1e-4;
  cast.step = 1e-2;
  cases.push_back(cast);

  // Slicing: slices at either end and inside, concat of three and of one
  // value twice (its adjoint is the sum of both pieces).
  cases.push_back(custom("slice_middle", {{3, 5}}, {3, 2},
                         "  %out = mlc.slice %p0 axis = 1 start = 2 size = 2 : "
                         "(tensor<3x5x{T}>) -> tensor<3x2x{T}>"));
  cases.push_back(custom("slice_first", {{3, 4}}, {1, 4},
                         "  %out = mlc.slice %p0 axis = 0 start = 0 size = 1 : "
                         "(tensor<3x4x{T}>) -> tensor<1x4x{T}>"));
  cases.push_back(custom("slice_last", {{2, 3, 4}}, {2, 3, 1},
                         "  %out = mlc.slice %p0 axis = -1 start = 3 size = 1 "
                         ": (tensor<2x3x4x{T}>) -> tensor<2x3x1x{T}>"));
  cases.push_back(custom("concat_three", {{2, 3}, {2, 1}, {2, 2}}, {2, 6},
                         "  %out = mlc.concat %p0, %p1, %p2 axis = 1 : "
                         "(tensor<2x3x{T}>, tensor<2x1x{T}>, tensor<2x2x{T}>) "
                         "-> tensor<2x6x{T}>"));
  // Split: every result used, and a result without an adjoint (zeros).
  cases.push_back(custom("split_both_used", {{3, 4}}, {3, 2},
                         "  %a:2 = mlc.split %p0 axis = 1 sizes = [2, 2] : "
                         "(tensor<3x4x{T}>) -> (tensor<3x2x{T}>, "
                         "tensor<3x2x{T}>)\n"
                         "  %out = mlc.mul %a#0, %a#1 : (tensor<3x2x{T}>, "
                         "tensor<3x2x{T}>) -> tensor<3x2x{T}>"));
  GradCase unused = custom("split_one_unused", {{3, 4}, {1, 4}}, {2, 4},
                           "  %a:3 = mlc.split %p0 axis = 0 sizes = [1, 1, 1] "
                           ": (tensor<3x4x{T}>) -> (tensor<1x4x{T}>, "
                           "tensor<1x4x{T}>, tensor<1x4x{T}>)\n"
                           "  %out = mlc.concat %a#2, %p1 axis = 0 : "
                           "(tensor<1x4x{T}>, tensor<1x4x{T}>) -> "
                           "tensor<2x4x{T}>");
  cases.push_back(unused);
  cases.push_back(custom("concat_same_value", {{2, 3}}, {4, 3},
                         "  %out = mlc.concat %p0, %p0 axis = 0 : "
                         "(tensor<2x3x{T}>, tensor<2x3x{T}>) -> "
                         "tensor<4x3x{T}>"));

  // Embeddings: repeated ids sum their adjoints into one row (row 1 is
  // never read), ids of any rank, i32 ids from an input, and
  // embedding_grad on the path (its adjoint is an embedding).
  cases.push_back(custom("embedding_repeated_ids", {{4, 3}}, {2, 3, 3},
                         "  %ids = mlc.constant dense<[[0, 2, 2], [3, 0, 2]]> "
                         ": tensor<2x3xi64>\n"
                         "  %out = mlc.embedding %p0, %ids : (tensor<4x3x{T}>, "
                         "tensor<2x3xi64>) -> tensor<2x3x3x{T}>"));
  cases.push_back(custom("embedding_scalar_id", {{4, 3}}, {3},
                         "  %id = mlc.constant dense<3> : tensor<i32>\n"
                         "  %out = mlc.embedding %p0, %id : (tensor<4x3x{T}>, "
                         "tensor<i32>) -> tensor<3x{T}>"));
  GradCase lookup = custom("embedding_input_ids", {{5, 2}}, {6, 2},
                           "  %out = mlc.embedding %p0, %labels : "
                           "(tensor<5x2x{T}>, tensor<6xi64>) -> "
                           "tensor<6x2x{T}>");
  lookup.labels = {6};
  lookup.classes = 5;
  cases.push_back(lookup);
  cases.push_back(
      custom("embedding_grad", {{2, 3}}, {4, 3},
             "  %ids = mlc.constant dense<[1, 1]> : tensor<2xi32>\n"
             "  %out = mlc.embedding_grad %p0, %ids : "
             "(tensor<2x3x{T}>, tensor<2xi32>) -> tensor<4x3x{T}>"));

  // Select (the predicate gets no gradient; branches broadcast).
  cases.push_back(
      custom("select", {{3, 4}, {3, 4}, {4}}, {3, 4},
             "  %pred = mlc.compare gt, %p0, %p1 : (tensor<3x4x{T}>, "
             "tensor<3x4x{T}>) -> tensor<3x4xi1>\n"
             "  %two = mlc.mul %p0, %p0 : (tensor<3x4x{T}>, tensor<3x4x{T}>) "
             "-> tensor<3x4x{T}>\n"
             "  %b = mlc.add %p1, %p2 : (tensor<3x4x{T}>, tensor<4x{T}>) -> "
             "tensor<3x4x{T}>\n"
             "  %out = mlc.select %pred, %two, %b : (tensor<3x4xi1>, "
             "tensor<3x4x{T}>, tensor<3x4x{T}>) -> tensor<3x4x{T}>"));
  cases.push_back(
      custom("select_broadcast", {{3, 4}, {4}}, {3, 4},
             "  %zero = mlc.constant dense<0.0> : tensor<{T}>\n"
             "  %pred = mlc.compare gt, %p0, %zero : (tensor<3x4x{T}>, "
             "tensor<{T}>) -> tensor<3x4xi1>\n"
             "  %out = mlc.select %pred, %p1, %p0 : (tensor<3x4xi1>, "
             "tensor<4x{T}>, tensor<3x4x{T}>) -> tensor<3x4x{T}>"));
  cases.back().awayFromZero = true;

  // Composite ops with their own rules.
  cases.push_back(
      custom("softmax_last", {{3, 4}}, {3, 4},
             "  %out = mlc.softmax %p0 axis = 1 : tensor<3x4x{T}>"));
  cases.push_back(
      custom("softmax_first", {{3, 4}}, {3, 4},
             "  %out = mlc.softmax %p0 axis = 0 : tensor<3x4x{T}>"));
  cases.push_back(
      custom("log_softmax_last", {{3, 4}}, {3, 4},
             "  %out = mlc.log_softmax %p0 axis = -1 : tensor<3x4x{T}>"));
  cases.push_back(
      custom("log_softmax_first", {{3, 4}}, {3, 4},
             "  %out = mlc.log_softmax %p0 axis = 0 : tensor<3x4x{T}>"));
  // Norms over the last dimension of a 3-d input, and of a vector (no
  // leading dims to sum the parameter gradients over).
  cases.push_back(custom("layer_norm", {{2, 3, 5}, {5}, {5}}, {2, 3, 5},
                         "  %out = mlc.layer_norm %p0, %p1, %p2 : "
                         "(tensor<2x3x5x{T}>, tensor<5x{T}>, tensor<5x{T}>) -> "
                         "tensor<2x3x5x{T}>"));
  cases.push_back(custom("layer_norm_vector_eps", {{6}, {6}, {6}}, {6},
                         "  %out = mlc.layer_norm %p0, %p1, %p2 eps = 0.1 : "
                         "(tensor<6x{T}>, tensor<6x{T}>, tensor<6x{T}>) -> "
                         "tensor<6x{T}>"));
  cases.push_back(custom("rms_norm", {{2, 3, 5}, {5}}, {2, 3, 5},
                         "  %out = mlc.rms_norm %p0, %p1 : (tensor<2x3x5x{T}>, "
                         "tensor<5x{T}>) -> tensor<2x3x5x{T}>"));
  cases.push_back(custom("rms_norm_vector_eps", {{6}, {6}}, {6},
                         "  %out = mlc.rms_norm %p0, %p1 eps = 0.1 : "
                         "(tensor<6x{T}>, tensor<6x{T}>) -> tensor<6x{T}>"));
  // Rotary embeddings (random positions in [0, 20); the batch is T, as the
  // positions are an input) and causal masks (a finite fill, so that the
  // loss stays finite).
  GradCase rope = custom("rope", {{3, 2, 3, 4}}, {3, 2, 3, 4},
                         "  %out = mlc.rope %p0, %labels theta = 100.0 : "
                         "(tensor<3x2x3x4x{T}>, tensor<3xi64>) -> "
                         "tensor<3x2x3x4x{T}>");
  rope.labels = {3};
  rope.classes = 20;
  cases.push_back(rope);
  GradCase ropeInverse = rope;
  ropeInverse.name = "rope_inverse";
  ropeInverse.body = "  %out = mlc.rope %p0, %labels inverse : "
                     "(tensor<3x2x3x4x{T}>, tensor<3xi64>) -> "
                     "tensor<3x2x3x4x{T}>";
  cases.push_back(ropeInverse);
  cases.push_back(custom("causal_mask", {{2, 3, 5}}, {2, 3, 5},
                         "  %out = mlc.causal_mask %p0 fill = -5.0 : "
                         "tensor<2x3x5x{T}>"));
  // Attention: causal with grouped kv heads and T < S, multi-query without
  // a mask, and a decoding offset.
  auto attention = [&](const std::string &name, Shape q, Shape kv,
                       const std::string &prefix, const std::string &operands,
                       const std::string &attrs) {
    std::string types = tensorType(q, "{T}") + ", " + tensorType(kv, "{T}") +
                        ", " + tensorType(kv, "{T}");
    if (!prefix.empty())
      types += ", tensor<i32>";
    cases.push_back(custom(name, {q, kv, kv}, q,
                           prefix + "  %out = mlc.attention %p0, %p1, %p2" +
                               operands + attrs + " : (" + types + ") -> " +
                               tensorType(q, "{T}")));
  };
  attention("attention_causal_gqa", {1, 4, 3, 4}, {1, 2, 5, 4}, "", "",
            " causal");
  attention("attention_multi_query", {2, 2, 3, 4}, {2, 1, 4, 4}, "", "",
            " scale = 0.7");
  attention("attention_offset", {1, 2, 2, 4}, {1, 2, 5, 4},
            "  %pos = mlc.constant dense<2> : tensor<i32>\n", " offset %pos",
            " causal");
  cases.push_back(custom("mse_loss", {{3, 4}, {3, 4}}, {},
                         "  %out = mlc.mse_loss %p0, %p1 : (tensor<3x4x{T}>, "
                         "tensor<3x4x{T}>) -> tensor<{T}>"));
  GradCase ce = custom("softmax_cross_entropy", {{4, 5}}, {},
                       "  %out = mlc.softmax_cross_entropy %p0, %labels : "
                       "(tensor<4x5x{T}>, tensor<4xi64>) -> tensor<{T}>");
  ce.labels = {4};
  ce.classes = 5;
  ce.lo = -2;
  ce.hi = 2;
  cases.push_back(ce);

  // Einsum (lowered before autodiff): the course's exercise patterns.
  cases.push_back(custom(
      "einsum_abcd_abcd", {{2, 3, 2, 3}, {2, 3, 2, 3}}, {2, 3, 2, 3},
      "  %out = mlc.einsum \"abcd,abcd->abcd\" %p0, %p1 : "
      "(tensor<2x3x2x3x{T}>, tensor<2x3x2x3x{T}>) -> tensor<2x3x2x3x{T}>"));
  cases.push_back(
      custom("einsum_abcd_ed", {{2, 3, 2, 3}, {4, 3}}, {2, 3, 2, 4},
             "  %out = mlc.einsum \"abcd,ed->abce\" %p0, %p1 : "
             "(tensor<2x3x2x3x{T}>, tensor<4x3x{T}>) -> tensor<2x3x2x4x{T}>"));
  cases.push_back(custom("einsum_abcd_abd", {{2, 3, 2, 3}}, {2, 3, 3},
                         "  %out = mlc.einsum \"abcd->abd\" %p0 : "
                         "(tensor<2x3x2x3x{T}>) -> tensor<2x3x3x{T}>"));

  // Einsum with '...': batched matvec over 0, 1 and 2 ellipsis dimensions,
  // broadcasting batches (a size-1 and a missing dimension stretch), the
  // ellipsis moved, summed when the output has none, and summed after
  // broadcasting.
  cases.push_back(
      einsum("einsum_matvec_no_batch", "...i,ij->...j", {{3}, {3, 4}}, {4}));
  cases.push_back(einsum("einsum_matvec_one_batch", "...i,ij->...j",
                         {{2, 3}, {3, 4}}, {2, 4}));
  cases.push_back(einsum("einsum_matvec_two_batch", "...i,ij->...j",
                         {{2, 2, 3}, {3, 4}}, {2, 2, 4}));
  cases.push_back(einsum("einsum_matmul_broadcast_batch", "...ij,...jk->...ik",
                         {{2, 1, 2, 3}, {3, 3, 2}}, {2, 3, 2, 2}));
  cases.push_back(
      einsum("einsum_ellipsis_last", "i...->...i", {{2, 3, 2}}, {3, 2, 2}));
  cases.push_back(einsum("einsum_full_sum", "...->", {{2, 3}}, {}));
  cases.push_back(
      einsum("einsum_row_dot", "b...,b...->b", {{2, 3, 2}, {2, 3, 2}}, {2}));
  cases.push_back(einsum("einsum_row_dot_broadcast", "b...,b...->b",
                         {{2, 3, 1}, {2, 1, 2}}, {2}));
  cases.push_back(einsum("einsum_product_broadcast", "...,...->...",
                         {{2, 1}, {3}}, {2, 3}));

  // Fan-out: a value used twice gets the sum of both adjoints.
  cases.push_back(custom("fan_out", {{3, 4}}, {3, 4},
                         "  %a = mlc.tanh %p0 : tensor<3x4x{T}>\n"
                         "  %b = mlc.mul %a, %p0 : (tensor<3x4x{T}>, "
                         "tensor<3x4x{T}>) -> tensor<3x4x{T}>\n"
                         "  %out = mlc.add %b, %a : (tensor<3x4x{T}>, "
                         "tensor<3x4x{T}>) -> tensor<3x4x{T}>"));
  return cases;
}

std::string caseName(const ::testing::TestParamInfo<GradCase> &info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::ValuesIn(allCases()),
                         caseName);

} // namespace
} // namespace mlc::test
