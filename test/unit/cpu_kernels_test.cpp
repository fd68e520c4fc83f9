// Unit tests of the CPU kernel library: every OpKind against a naive
// reference written here, plus the load-time checks and run-time errors.
#include "test/unit/CpuKernelsTestUtil.h"

namespace mlc::rt::cpu::test {
namespace {

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

double binaryRef(OpKind op, DType dtype, double a, double b) {
  bool isInt = !isFloatType(dtype);
  switch (op) {
  case OpKind::add:
    return a + b;
  case OpKind::sub:
    return a - b;
  case OpKind::mul:
    return a * b;
  case OpKind::div:
    return isInt ? (b == 0 ? 0 : std::trunc(a / b)) : a / b;
  case OpKind::max:
    return a > b ? a : b;
  case OpKind::min:
    return a < b ? a : b;
  default:
    return std::pow(a, b);
  }
}

TEST(CpuKernels, BinaryArithmeticBroadcasts) {
  const OpKind ops[] = {OpKind::add, OpKind::sub, OpKind::mul, OpKind::div,
                        OpKind::max, OpKind::min, OpKind::pow};
  for (OpKind op : ops)
    for (DType dtype : {DType::f32, DType::f64, DType::i32, DType::i64}) {
      if (op == OpKind::pow && !isFloatType(dtype))
        continue;
      for (const auto &[ls, rs] : kBroadcastPairs) {
        SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                     dtypeName(dtype) + " " + descStr(dtype, ls) + " , " +
                     descStr(dtype, rs));
        bool pow = op == OpKind::pow;
        Host lhs = randomHost(dtype, ls, pow ? 0.5 : -9, pow ? 2 : 9, 1);
        Host rhs = randomHost(dtype, rs, pow ? -2 : -9, pow ? 2 : 9, 2);
        Host out(dtype, broadcastRef(ls, rs));
        ASSERT_RUNS(kernelOf(op), {&lhs, &rhs}, {&out});
        expectValues(out,
                     broadcastRefValues({&lhs, &rhs}, out.desc.shape,
                                        [&](const std::vector<double> &v) {
                                          return binaryRef(op, dtype, v[0],
                                                           v[1]);
                                        }),
                     tolerance(dtype) * (pow ? 4 : 1));
      }
    }
}

TEST(CpuKernels, IntegerDivisionEdgeCases) {
  Host lhs(DType::i32, {4}), rhs(DType::i32, {4}), out(DType::i32, {4});
  const double a[] = {7, -7, 5, std::numeric_limits<int32_t>::min()};
  const double b[] = {2, 2, 0, -1};
  for (int i = 0; i < 4; ++i) {
    lhs.set(i, a[i]);
    rhs.set(i, b[i]);
  }
  ASSERT_RUNS(kernelOf(OpKind::div), {&lhs, &rhs}, {&out});
  // Truncation toward zero; x / 0 is 0; INT_MIN / -1 wraps.
  expectValues(out, {3, -3, 0, std::numeric_limits<int32_t>::min()}, 0);
}

TEST(CpuKernels, MaxMinPropagateNaN) {
  Host lhs(DType::f32, {2}), rhs(DType::f32, {2}), out(DType::f32, {2});
  lhs.set(0, kNaN), rhs.set(0, 1), lhs.set(1, 1), rhs.set(1, kNaN);
  for (OpKind op : {OpKind::max, OpKind::min}) {
    ASSERT_RUNS(kernelOf(op), {&lhs, &rhs}, {&out});
    expectValues(out, {kNaN, kNaN}, 0);
  }
}

double unaryRef(OpKind op, double x) {
  switch (op) {
  case OpKind::neg:
    return -x;
  case OpKind::abs:
    return std::fabs(x);
  case OpKind::relu:
    return x > 0 ? x : 0;
  case OpKind::exp:
    return std::exp(x);
  case OpKind::log:
    return std::log(x);
  case OpKind::tanh:
    return std::tanh(x);
  case OpKind::sqrt:
    return std::sqrt(x);
  case OpKind::rsqrt:
    return 1 / std::sqrt(x);
  default:
    return 1 / (1 + std::exp(-x));
  }
}

TEST(CpuKernels, UnaryOps) {
  const OpKind ops[] = {OpKind::neg,  OpKind::abs,   OpKind::relu,
                        OpKind::exp,  OpKind::log,   OpKind::tanh,
                        OpKind::sqrt, OpKind::rsqrt, OpKind::sigmoid};
  for (OpKind op : ops)
    for (DType dtype : {DType::f32, DType::f64, DType::i32, DType::i64}) {
      bool numeric =
          op == OpKind::neg || op == OpKind::abs || op == OpKind::relu;
      if (!numeric && !isFloatType(dtype))
        continue;
      bool positive =
          op == OpKind::log || op == OpKind::sqrt || op == OpKind::rsqrt;
      SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                   dtypeName(dtype));
      Host in = randomHost(dtype, {5, 7}, positive ? 0.1 : -5, 5);
      Host out(dtype, {5, 7});
      ASSERT_RUNS(kernelOf(op), {&in}, {&out});
      std::vector<double> want;
      for (double x : in.values())
        want.push_back(unaryRef(op, x));
      expectValues(out, want, tolerance(dtype) * 2);
    }
}

double compareRef(fb::ComparePredicate p, double a, double b) {
  using P = fb::ComparePredicate;
  switch (p) {
  case P::eq:
    return a == b;
  case P::ne:
    return a != b;
  case P::lt:
    return a < b;
  case P::le:
    return a <= b;
  case P::gt:
    return a > b;
  default:
    return a >= b;
  }
}

TEST(CpuKernels, CompareBroadcasts) {
  for (int p = 0; p <= static_cast<int>(fb::ComparePredicate::MAX); ++p)
    for (DType dtype : {DType::f32, DType::f64, DType::i32, DType::i64})
      for (const auto &[ls, rs] : kBroadcastPairs) {
        auto pred = static_cast<fb::ComparePredicate>(p);
        SCOPED_TRACE(std::string(fb::EnumNameComparePredicate(pred)) + " " +
                     dtypeName(dtype));
        // Small integers (also in floats) so that ties occur.
        Host lhs = randomHost(dtype, ls, -2, 2, 3);
        Host rhs = randomHost(dtype, rs, -2, 2, 4);
        for (Host *h : {&lhs, &rhs})
          for (int64_t i = 0; i < h->size(); ++i)
            h->set(i, std::round(h->get(i)));
        Host out(DType::i1, broadcastRef(ls, rs));
        fb::CpuKernelT k = kernelOf(OpKind::compare);
        k.predicate = pred;
        ASSERT_RUNS(k, {&lhs, &rhs}, {&out});
        expectValues(out,
                     broadcastRefValues({&lhs, &rhs}, out.desc.shape,
                                        [&](const std::vector<double> &v) {
                                          return compareRef(pred, v[0], v[1]);
                                        }),
                     0);
      }
}

TEST(CpuKernels, SelectBroadcastsAllThree) {
  const std::vector<std::vector<Shape>> cases = {{{3, 4}, {3, 4}, {3, 4}},
                                                 {{}, {3, 4}, {3, 4}},
                                                 {{3, 1}, {4}, {3, 4}},
                                                 {{3, 4}, {}, {1, 4}},
                                                 {{2, 1, 1}, {3, 1}, {4}}};
  for (DType dtype : {DType::f32, DType::i64, DType::i1})
    for (const auto &c : cases) {
      Host pred = randomHost(DType::i1, c[0], 0, 1, 5);
      Host t = randomHost(dtype, c[1], -9, 9, 6);
      Host f = randomHost(dtype, c[2], -9, 9, 7);
      Host out(dtype, broadcastRef(broadcastRef(c[0], c[1]), c[2]));
      ASSERT_RUNS(kernelOf(OpKind::select), {&pred, &t, &f}, {&out});
      expectValues(out,
                   broadcastRefValues({&pred, &t, &f}, out.desc.shape,
                                      [](const std::vector<double> &v) {
                                        return v[0] != 0 ? v[1] : v[2];
                                      }),
                   0);
    }
}

double castRef(double x, DType from, DType to) {
  if (to == DType::i1)
    return x != 0;
  if (isFloatType(to) || !isFloatType(from))
    return to == DType::f32 ? static_cast<float>(x) : x;
  double limit = to == DType::i32 ? 2147483648.0 : 9223372036854775808.0;
  if (std::isnan(x))
    return 0;
  if (x >= limit)
    return limit - (to == DType::i32 ? 1 : 0); // i64 max rounds to 2^63
  if (x <= -limit)
    return -limit;
  return std::trunc(x);
}

TEST(CpuKernels, CastBetweenAllDTypes) {
  const DType all[] = {DType::f32, DType::f64, DType::i32, DType::i64,
                       DType::i1};
  const double values[] = {-2.75, -1, 0, 0.5, 1, 3.9, 100, 1e10, -1e10, kNaN};
  for (DType from : all)
    for (DType to : all) {
      SCOPED_TRACE(std::string(dtypeName(from)) + " -> " + dtypeName(to));
      Host in(from, {10}), out(to, {10});
      for (int i = 0; i < 10; ++i) {
        double v = values[i];
        if (!isFloatType(from))
          v = std::isnan(v) || std::fabs(v) > 1e9 ? 7 : std::trunc(v);
        in.set(i, from == DType::i1 ? (i % 2) : v);
      }
      ASSERT_RUNS(kernelOf(OpKind::cast), {&in}, {&out});
      std::vector<double> want;
      for (double x : in.values())
        want.push_back(castRef(x, from, to));
      expectValues(out, want, 0);
    }
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Naive reduction: each output gathers its inputs in row-major order.
std::vector<double> reduceRef(OpKind op, const Host &in, const Shape &axes,
                              Shape &outShape) {
  const Shape &shape = in.desc.shape;
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t a : axes)
    reduced[a] = true;
  Shape kept;
  for (size_t d = 0; d < shape.size(); ++d)
    if (!reduced[d])
      kept.push_back(shape[d]);
  outShape = kept;
  int64_t outN = 1, count = 1;
  for (int64_t d : kept)
    outN *= d;
  for (int64_t a : axes)
    count *= shape[a];
  double init = op == OpKind::reduce_max ? -kInf : 0;
  std::vector<double> acc(static_cast<size_t>(outN), init);
  for (int64_t i = 0; i < in.size(); ++i) {
    Shape idx = unravel(i, shape), k;
    for (size_t d = 0; d < shape.size(); ++d)
      if (!reduced[d])
        k.push_back(idx[d]);
    double &a = acc[ravel(k, kept)];
    double x = in.get(i);
    a = op == OpKind::reduce_max ? (std::isnan(x) || x > a ? x : a) : a + x;
  }
  if (op == OpKind::reduce_mean)
    for (double &a : acc)
      a /= static_cast<double>(count);
  return acc;
}

TEST(CpuKernels, ReduceEveryAxisSubset) {
  const std::pair<OpKind, DType> cases[] = {
      {OpKind::reduce_sum, DType::f32},  {OpKind::reduce_sum, DType::f64},
      {OpKind::reduce_sum, DType::i32},  {OpKind::reduce_mean, DType::f32},
      {OpKind::reduce_mean, DType::f64}, {OpKind::reduce_max, DType::f32},
      {OpKind::reduce_max, DType::i64}};
  for (const Shape &shape : {Shape{2, 3, 4}, Shape{3, 1, 5}, Shape{17, 9, 5}})
    for (const auto &[op, dtype] : cases)
      for (int mask = 0; mask < 8; ++mask)
        for (bool keepdims : {false, true}) {
          fb::CpuKernelT k = kernelOf(op);
          for (int64_t a = 0; a < 3; ++a)
            if (mask & (1 << a))
              k.axes.push_back(a);
          k.keepdims = keepdims;
          SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                       dtypeName(dtype) + " mask " + std::to_string(mask) +
                       (keepdims ? " keepdims" : ""));
          Host in = randomHost(dtype, shape, -9, 9);
          Shape outShape;
          std::vector<double> want = reduceRef(op, in, k.axes, outShape);
          if (keepdims)
            for (int64_t a : k.axes)
              outShape.insert(outShape.begin() + a, 1);
          Host out(dtype, outShape);
          ASSERT_RUNS(k, {&in}, {&out});
          expectValues(out, want, tolerance(dtype));
        }
}

TEST(CpuKernels, ReduceEmptyAndNaN) {
  // Reducing a zero-sized axis gives the identity.
  Host empty(DType::f32, {2, 0, 3});
  for (auto [op, want] : {std::pair{OpKind::reduce_sum, 0.0},
                          std::pair{OpKind::reduce_max, -kInf}}) {
    fb::CpuKernelT k = kernelOf(op);
    k.axes = {1};
    Host out(DType::f32, {2, 3});
    ASSERT_RUNS(k, {&empty}, {&out});
    expectValues(out, std::vector<double>(6, want), 0);
  }
  // reduce_max propagates NaN from the vector lanes (row 0 of the wide
  // case), the tail (row 1) and short rows; empty axes are a copy.
  for (int64_t width : {40, 5}) {
    Host in = randomHost(DType::f64, {3, width});
    in.set(width / 2, kNaN);
    in.set(2 * width - 1, kNaN);
    fb::CpuKernelT k = kernelOf(OpKind::reduce_max);
    k.axes = {1};
    Host out(DType::f64, {3});
    ASSERT_RUNS(k, {&in}, {&out});
    EXPECT_TRUE(std::isnan(out.get(0)));
    EXPECT_TRUE(std::isnan(out.get(1)));
    EXPECT_FALSE(std::isnan(out.get(2)));
  }
  Host in = randomHost(DType::f64, {2, 5});
  Host copy(DType::f64, {2, 5});
  ASSERT_RUNS(kernelOf(OpKind::reduce_sum), {&in}, {&copy});
  expectValues(copy, in.values(), 0);
}

TEST(CpuKernels, SoftmaxAlongEachAxis) {
  for (DType dtype : {DType::f32, DType::f64})
    for (const Shape &shape : {Shape{3, 5}, Shape{2, 3, 4}, Shape{4, 1}})
      for (int64_t axis = 0; axis < static_cast<int64_t>(shape.size());
           ++axis) {
        Host in = randomHost(dtype, shape, -20, 20);
        in.set(0, 1000); // stability: a huge logit must not overflow
        Host out(dtype, shape);
        fb::CpuKernelT k = kernelOf(OpKind::softmax);
        k.axis = axis;
        ASSERT_RUNS(k, {&in}, {&out});
        std::vector<double> want(static_cast<size_t>(in.size()));
        for (int64_t i = 0; i < in.size(); ++i) {
          Shape idx = unravel(i, shape);
          double max = -kInf, sum = 0;
          for (idx[axis] = 0; idx[axis] < shape[axis]; ++idx[axis])
            max = std::max(max, in.get(ravel(idx, shape)));
          for (idx[axis] = 0; idx[axis] < shape[axis]; ++idx[axis])
            sum += std::exp(in.get(ravel(idx, shape)) - max);
          want[i] = std::exp(in.get(i) - max) / sum;
        }
        expectValues(out, want, tolerance(dtype) * 4);
      }
}

TEST(CpuKernels, ArgmaxFirstIndexOnTies) {
  for (DType dtype : {DType::f32, DType::i32})
    for (DType index : {DType::i32, DType::i64})
      for (const Shape &shape : {Shape{3, 5}, Shape{2, 3, 4}})
        for (int64_t axis = 0; axis < static_cast<int64_t>(shape.size());
             ++axis) {
          Host in = randomHost(dtype, shape, -2, 2); // many ties
          for (int64_t i = 0; i < in.size(); ++i)
            in.set(i, std::round(in.get(i)));
          Shape outShape = shape;
          outShape.erase(outShape.begin() + axis);
          Host out(index, outShape);
          fb::CpuKernelT k = kernelOf(OpKind::argmax);
          k.axis = axis;
          ASSERT_RUNS(k, {&in}, {&out});
          std::vector<double> want;
          for (int64_t o = 0; o < out.size(); ++o) {
            Shape idx = unravel(o, outShape);
            idx.insert(idx.begin() + axis, 0);
            double best = -kInf;
            int64_t arg = 0;
            for (int64_t c = 0; c < shape[axis]; ++c) {
              idx[axis] = c;
              if (in.get(ravel(idx, shape)) > best)
                best = in.get(ravel(idx, shape)), arg = c;
            }
            want.push_back(static_cast<double>(arg));
          }
          expectValues(out, want, 0);
        }
  // The first NaN wins, as in numpy.argmax.
  Host in(DType::f64, {4}), out(DType::i64, {});
  for (int i = 0; i < 4; ++i)
    in.set(i, i == 2 ? kNaN : i);
  ASSERT_RUNS(kernelOf(OpKind::argmax), {&in}, {&out});
  EXPECT_EQ(out.get(0), 2);
}

//===----------------------------------------------------------------------===//
// Layout
//===----------------------------------------------------------------------===//

TEST(CpuKernels, CopyAndReshape) {
  Host in = randomHost(DType::i64, {2, 3}, -100, 100);
  Host copy(DType::i64, {2, 3}), reshaped(DType::i64, {3, 1, 2});
  ASSERT_RUNS(kernelOf(OpKind::copy), {&in}, {&copy});
  ASSERT_RUNS(kernelOf(OpKind::reshape), {&in}, {&reshaped});
  expectValues(copy, in.values(), 0);
  expectValues(reshaped, in.values(), 0);
}

TEST(CpuKernels, BroadcastTo) {
  const std::pair<Shape, Shape> cases[] = {
      {{3}, {2, 3}},          {{3, 1}, {3, 4}}, {{}, {2, 2}},
      {{1, 3, 1}, {2, 3, 4}}, {{2, 3}, {2, 3}}, {{1}, {0, 5}}};
  for (DType dtype : {DType::f32, DType::f64, DType::i1})
    for (const auto &[from, to] : cases) {
      Host in = randomHost(dtype, from, -9, 9);
      Host out(dtype, to);
      ASSERT_RUNS(kernelOf(OpKind::broadcast_to), {&in}, {&out});
      expectValues(
          out,
          broadcastRefValues({&in}, to,
                             [](const std::vector<double> &v) { return v[0]; }),
          0);
    }
}

TEST(CpuKernels, TransposeEveryPermutation) {
  const std::vector<Shape> shapes = {{3, 4},      {100, 70},    {2, 3, 4},
                                     {3, 64, 40}, {2, 1, 3, 5}, {40, 1, 50}};
  for (DType dtype : {DType::f32, DType::i64, DType::i1})
    for (const Shape &shape : shapes) {
      Shape perm(shape.size());
      for (size_t i = 0; i < perm.size(); ++i)
        perm[i] = static_cast<int64_t>(i);
      do {
        Host in = randomHost(dtype, shape, -1000, 1000);
        Shape outShape;
        for (int64_t p : perm)
          outShape.push_back(shape[p]);
        Host out(dtype, outShape);
        fb::CpuKernelT k = kernelOf(OpKind::transpose);
        k.perm = perm;
        ASSERT_RUNS(k, {&in}, {&out});
        std::vector<double> want;
        for (int64_t i = 0; i < out.size(); ++i) {
          Shape idx = unravel(i, outShape), src(shape.size());
          for (size_t d = 0; d < perm.size(); ++d)
            src[perm[d]] = idx[d];
          want.push_back(in.get(ravel(src, shape)));
        }
        expectValues(out, want, 0);
      } while (std::next_permutation(perm.begin(), perm.end()));
    }
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

struct MatmulCase {
  Shape lhs, rhs;
  bool tl, tr;
};

TEST(CpuKernels, MatmulFlagsAndBatchBroadcast) {
  const MatmulCase cases[] = {
      {{4, 5}, {5, 3}, false, false},
      {{5, 4}, {5, 3}, true, false},
      {{4, 5}, {3, 5}, false, true},
      {{5, 4}, {3, 5}, true, true},
      {{2, 4, 5}, {5, 3}, false, false}, // batch folds into M
      {{2, 4, 5}, {1, 5, 3}, false, false},
      {{2, 4, 5}, {2, 5, 3}, false, false},
      {{4, 5}, {2, 5, 3}, false, false},
      {{2, 1, 5, 4}, {3, 3, 5}, true, true}, // both batches broadcast
      {{3, 1, 4, 5}, {2, 5, 3}, false, false},
      {{2, 5, 4}, {5, 3}, true, false},
      {{65, 33}, {33, 70}, false, false}};
  for (DType dtype : {DType::f32, DType::f64})
    for (const MatmulCase &c : cases) {
      SCOPED_TRACE(descStr(dtype, c.lhs) + (c.tl ? "^T" : "") + " @ " +
                   descStr(dtype, c.rhs) + (c.tr ? "^T" : ""));
      Host lhs = randomHost(dtype, c.lhs, -1, 1, 8);
      Host rhs = randomHost(dtype, c.rhs, -1, 1, 9);
      size_t lr = c.lhs.size(), rr = c.rhs.size();
      int64_t m = c.tl ? c.lhs[lr - 1] : c.lhs[lr - 2];
      int64_t kk = c.tl ? c.lhs[lr - 2] : c.lhs[lr - 1];
      int64_t n = c.tr ? c.rhs[rr - 2] : c.rhs[rr - 1];
      Shape lb(c.lhs.begin(), c.lhs.end() - 2),
          rb(c.rhs.begin(), c.rhs.end() - 2);
      Shape outShape = broadcastRef(lb, rb);
      outShape.push_back(m);
      outShape.push_back(n);
      Host out(dtype, outShape);
      fb::CpuKernelT k = kernelOf(OpKind::matmul);
      k.transpose_lhs = c.tl;
      k.transpose_rhs = c.tr;
      ASSERT_RUNS(k, {&lhs, &rhs}, {&out});
      std::vector<double> want;
      for (int64_t o = 0; o < out.size(); ++o) {
        Shape idx = unravel(o, outShape);
        int64_t i = idx[idx.size() - 2], j = idx.back();
        Shape li(idx.begin(), idx.end() - 2), ri = li;
        li.push_back(0), li.push_back(0), ri.push_back(0), ri.push_back(0);
        double sum = 0;
        for (int64_t p = 0; p < kk; ++p) {
          li[li.size() - 2] = c.tl ? p : i, li.back() = c.tl ? i : p;
          ri[ri.size() - 2] = c.tr ? j : p, ri.back() = c.tr ? p : j;
          sum +=
              lhs.get(sourceIndex(li, c.lhs)) * rhs.get(sourceIndex(ri, c.rhs));
        }
        want.push_back(sum);
      }
      expectValues(out, want, dtype == DType::f32 ? 1e-5 : 1e-12);
    }
}

TEST(CpuKernels, MatmulEmptyDims) {
  Host lhs(DType::f32, {3, 0}), rhs(DType::f32, {0, 2}),
      out(DType::f32, {3, 2});
  ASSERT_RUNS(kernelOf(OpKind::matmul), {&lhs, &rhs}, {&out}); // K == 0
  expectValues(out, std::vector<double>(6, 0), 0);
  Host lhs0(DType::f64, {0, 4}), rhs0(DType::f64, {4, 2}),
      out0(DType::f64, {0, 2});
  ASSERT_RUNS(kernelOf(OpKind::matmul), {&lhs0, &rhs0}, {&out0}); // M == 0
}

//===----------------------------------------------------------------------===//
// Labels and losses
//===----------------------------------------------------------------------===//

TEST(CpuKernels, OneHotZeroRowForOutOfRangeLabels) {
  for (DType labelType : {DType::i32, DType::i64})
    for (DType dtype : {DType::f32, DType::i32}) {
      Host labels(labelType, {2, 3});
      const double values[] = {0, 3, -1,
                               2, 4, 1}; // -1 and 4 are outside [0, 4)
      for (int i = 0; i < 6; ++i)
        labels.set(i, values[i]);
      Host out(dtype, {2, 3, 4});
      ASSERT_RUNS(kernelOf(OpKind::one_hot), {&labels}, {&out});
      std::vector<double> want(24, 0);
      for (int i = 0; i < 6; ++i)
        if (values[i] >= 0 && values[i] < 4)
          want[i * 4 + static_cast<int>(values[i])] = 1;
      expectValues(out, want, 0);
    }
}

TEST(CpuKernels, MseLoss) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Host p = randomHost(dtype, {7, 5}, -2, 2, 10);
    Host t = randomHost(dtype, {7, 5}, -2, 2, 11);
    Host out(dtype, {});
    ASSERT_RUNS(kernelOf(OpKind::mse_loss), {&p, &t}, {&out});
    double sum = 0;
    for (int64_t i = 0; i < p.size(); ++i)
      sum += (p.get(i) - t.get(i)) * (p.get(i) - t.get(i));
    expectValues(out, {sum / 35}, tolerance(dtype));
  }
}

TEST(CpuKernels, SoftmaxCrossEntropy) {
  for (DType dtype : {DType::f32, DType::f64})
    for (DType labelType : {DType::i32, DType::i64})
      for (const Shape &shape : {Shape{4, 5}, Shape{2, 3, 5}, Shape{5}}) {
        Host logits = randomHost(dtype, shape, -10, 10, 12);
        logits.set(1, 500); // stability
        Shape rows(shape.begin(), shape.end() - 1);
        Host labels = randomHost(labelType, rows, 0, 4, 13);
        Host out(dtype, {});
        ASSERT_RUNS(kernelOf(OpKind::softmax_cross_entropy), {&logits, &labels},
                    {&out});
        double total = 0;
        for (int64_t r = 0; r < labels.size(); ++r) {
          double max = -kInf, sum = 0;
          for (int c = 0; c < 5; ++c)
            max = std::max(max, logits.get(r * 5 + c));
          for (int c = 0; c < 5; ++c)
            sum += std::exp(logits.get(r * 5 + c) - max);
          total += max + std::log(sum) -
                   logits.get(r * 5 + static_cast<int64_t>(labels.get(r)));
        }
        expectValues(out, {total / static_cast<double>(labels.size())},
                     tolerance(dtype) * 4);
      }
}

TEST(CpuKernels, SoftmaxCrossEntropyLabelOutOfRangeFailsRun) {
  Host logits = randomHost(DType::f32, {4, 5}), labels(DType::i64, {4});
  Host out(DType::f32, {});
  for (int i = 0; i < 4; ++i)
    labels.set(i, i == 2 ? 7 : 1);
  Status s = runKernel(kernelOf(OpKind::softmax_cross_entropy),
                       {&logits, &labels}, {&out});
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("row 2 has label 7"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("[0, 5)"), std::string::npos) << s.message();
  labels.set(2, -1);
  s = runKernel(kernelOf(OpKind::softmax_cross_entropy), {&logits, &labels},
                {&out});
  EXPECT_NE(s.message().find("row 2 has label -1"), std::string::npos)
      << s.message();
}

//===----------------------------------------------------------------------===//
// Determinism
//===----------------------------------------------------------------------===//

TEST(CpuKernels, RunsAreBitIdentical) {
  Host in = randomHost(DType::f32, {64, 257}, -1, 1);
  Host w = randomHost(DType::f32, {257, 33}, -1, 1);
  fb::CpuKernelT sum = kernelOf(OpKind::reduce_sum);
  sum.axes = {0, 1};
  for (auto run : std::vector<std::function<Host()>>{
           [&] {
             Host o(DType::f32, {});
             EXPECT_TRUE(runKernel(sum, {&in}, {&o}).isOk());
             return o;
           },
           [&] {
             Host o(DType::f32, {64, 33});
             EXPECT_TRUE(
                 runKernel(kernelOf(OpKind::matmul), {&in, &w}, {&o}).isOk());
             return o;
           }}) {
    Host a = run(), b = run();
    EXPECT_EQ(std::memcmp(a.bytes.get(), b.bytes.get(), a.desc.byteSize()), 0);
  }
}

//===----------------------------------------------------------------------===//
// Load-time checks
//===----------------------------------------------------------------------===//

TensorDesc f32(Shape s) { return {DType::f32, std::move(s)}; }
TensorDesc of(DType t, Shape s) { return {t, std::move(s)}; }

/// checkKernel rejects the kernel with a message containing `expected`.
void expectRejected(const fb::CpuKernelT &kernel,
                    const std::vector<TensorDesc> &operands,
                    const std::vector<TensorDesc> &results,
                    const std::string &expected) {
  Status s = check(kernel, operands, results);
  ASSERT_FALSE(s.isOk()) << "accepted; expected: " << expected;
  EXPECT_NE(s.message().find(expected), std::string::npos)
      << "message: " << s.message() << "\nexpected: " << expected;
}

fb::CpuKernelT withAxes(OpKind op, Shape axes, bool keepdims = false) {
  fb::CpuKernelT k = kernelOf(op);
  k.axes = std::move(axes);
  k.keepdims = keepdims;
  return k;
}

fb::CpuKernelT withPerm(Shape perm) {
  fb::CpuKernelT k = kernelOf(OpKind::transpose);
  k.perm = std::move(perm);
  return k;
}

fb::CpuKernelT withAxis(OpKind op, int64_t axis) {
  fb::CpuKernelT k = kernelOf(op);
  k.axis = axis;
  return k;
}

TEST(CpuKernels, CheckRejectsBadDescriptions) {
  const int64_t big = int64_t(1) << 40;
  expectRejected(
      kernelOf(OpKind::add), {of(DType::bf16, {2}), of(DType::bf16, {2})},
      {of(DType::bf16, {2})}, "cpu device does not support bf16 yet");
  expectRejected(kernelOf(OpKind::exp), {of(DType::f16, {2})},
                 {of(DType::f16, {2})}, "does not support f16");
  expectRejected(kernelOf(OpKind::neg), {f32({-2})}, {f32({-2})},
                 "negative dimension -2");
  expectRejected(kernelOf(OpKind::neg), {f32({big, big, 0})},
                 {f32({big, big, 0})}, "too many elements");
  expectRejected(kernelOf(OpKind::neg), {of(static_cast<DType>(42), {2})},
                 {f32({2})}, "unknown dtype 42");
  expectRejected(kernelOf(static_cast<OpKind>(200)), {}, {},
                 "unknown op kind 200");
  expectRejected(kernelOf(OpKind::add), {f32({2}), f32({2}), f32({2})},
                 {f32({2})},
                 "expected 2 operands and 1 result, found 3 operands and 1 "
                 "result");
  expectRejected(kernelOf(OpKind::neg), {f32({2})}, {},
                 "expected 1 operand and 1 result, found 1 operand and 0 "
                 "results");
}

TEST(CpuKernels, CheckRejectsBadElementwise) {
  using D = DType;
  expectRejected(kernelOf(OpKind::add), {f32({2}), of(D::f64, {2})}, {f32({2})},
                 "operand 1 has dtype f64, expected f32");
  expectRejected(kernelOf(OpKind::add), {f32({4, 3}), f32({5})}, {f32({4, 3})},
                 "operand shapes 4x3 and 5 do not broadcast");
  expectRejected(kernelOf(OpKind::mul), {f32({4, 3}), f32({3})}, {f32({4, 4})},
                 "result shape is 4x4, expected 4x3");
  expectRejected(kernelOf(OpKind::add), {of(D::i1, {2}), of(D::i1, {2})},
                 {of(D::i1, {2})}, "expected f32, f64, i32 or i64");
  expectRejected(kernelOf(OpKind::pow), {of(D::i32, {2}), of(D::i32, {2})},
                 {of(D::i32, {2})}, "expected f32 or f64");
  expectRejected(kernelOf(OpKind::exp), {of(D::i64, {2})}, {of(D::i64, {2})},
                 "expected f32 or f64");
  expectRejected(kernelOf(OpKind::neg), {f32({2})}, {f32({3})},
                 "result is 3xf32, expected 2xf32");
  expectRejected(kernelOf(OpKind::compare), {f32({2}), f32({2})}, {f32({2})},
                 "result has dtype f32, expected i1");
  fb::CpuKernelT badPredicate = kernelOf(OpKind::compare);
  badPredicate.predicate = static_cast<fb::ComparePredicate>(9);
  expectRejected(badPredicate, {f32({2}), f32({2})}, {of(D::i1, {2})},
                 "unknown predicate 9");
  expectRejected(kernelOf(OpKind::select), {f32({2}), f32({2}), f32({2})},
                 {f32({2})},
                 "operand 0 (the predicate) has dtype f32, expected i1");
  expectRejected(kernelOf(OpKind::select), {of(D::i1, {3}), f32({2}), f32({2})},
                 {f32({2})}, "do not broadcast");
  expectRejected(kernelOf(OpKind::cast), {f32({2, 3})}, {of(D::i32, {3, 2})},
                 "expected the operand shape 2x3");
}

TEST(CpuKernels, CheckRejectsBadReductions) {
  expectRejected(withAxes(OpKind::reduce_sum, {1, 0}), {f32({2, 3})}, {f32({})},
                 "axes [1, 0] must be sorted and unique");
  expectRejected(withAxes(OpKind::reduce_sum, {1, 1}), {f32({2, 3})},
                 {f32({2})}, "must be sorted and unique");
  expectRejected(withAxes(OpKind::reduce_max, {2}), {f32({2, 3})},
                 {f32({2, 3})}, "axis 2 is out of range for rank 2");
  expectRejected(withAxes(OpKind::reduce_max, {-1}), {f32({2, 3})}, {f32({2})},
                 "axis -1 is out of range");
  expectRejected(withAxes(OpKind::reduce_sum, {1}), {f32({4, 3})},
                 {f32({4, 1})}, "result is 4x1xf32, expected 4xf32");
  expectRejected(withAxes(OpKind::reduce_sum, {1}, true), {f32({4, 3})},
                 {f32({4})}, "expected 4x1xf32");
  expectRejected(withAxes(OpKind::reduce_mean, {0}), {of(DType::i32, {4})},
                 {of(DType::i32, {})}, "expected f32 or f64");
  expectRejected(withAxis(OpKind::softmax, 2), {f32({2, 3})}, {f32({2, 3})},
                 "axis 2 is out of range for rank 2");
  expectRejected(withAxis(OpKind::argmax, 1), {f32({2, 3})}, {f32({2})},
                 "expected i32 or i64");
  expectRejected(withAxis(OpKind::argmax, 1), {f32({2, 3})},
                 {of(DType::i64, {3})},
                 "expected 2 (operand 2x3 without axis 1)");
  expectRejected(withAxis(OpKind::argmax, 1), {f32({2, 0})},
                 {of(DType::i64, {2})}, "axis 1 has size 0");
}

TEST(CpuKernels, CheckRejectsBadLayouts) {
  expectRejected(kernelOf(OpKind::transpose), {f32({2, 3})}, {f32({3, 2})},
                 "perm is missing");
  expectRejected(withPerm({0, 0}), {f32({2, 3})}, {f32({2, 2})},
                 "perm [0, 0] is not a permutation of [0, 2)");
  expectRejected(withPerm({0, 2}), {f32({2, 3})}, {f32({2, 3})},
                 "not a permutation");
  expectRejected(withPerm({1, 0, 2}), {f32({2, 3})}, {f32({3, 2})},
                 "has 3 entries, expected 2");
  expectRejected(withPerm({1, 0}), {f32({2, 3})}, {f32({2, 3})},
                 "result shape is 2x3, expected 3x2");
  expectRejected(kernelOf(OpKind::broadcast_to), {f32({3})}, {f32({2, 4})},
                 "operand shape 3 does not broadcast to result shape 2x4");
  expectRejected(kernelOf(OpKind::broadcast_to), {f32({2, 3})}, {f32({3})},
                 "does not broadcast");
  expectRejected(kernelOf(OpKind::reshape), {f32({2, 3})}, {f32({5})},
                 "has 5 elements");
  expectRejected(kernelOf(OpKind::copy), {f32({2})}, {of(DType::f64, {2})},
                 "result is 2xf64, expected 2xf32");
}

TEST(CpuKernels, CheckRejectsBadMatmuls) {
  fb::CpuKernelT matmul = kernelOf(OpKind::matmul);
  expectRejected(matmul, {f32({4, 8}), f32({16, 2})}, {f32({4, 2})},
                 "contraction dims differ: lhs 4x8 has K=8, rhs 16x2 has K=16");
  fb::CpuKernelT transposed = matmul;
  transposed.transpose_lhs = true;
  expectRejected(transposed, {f32({4, 8}), f32({8, 2})}, {f32({8, 2})},
                 "lhs 4x8 (transposed) has K=4");
  expectRejected(matmul, {f32({8}), f32({8, 2})}, {f32({2})}, "rank >= 2");
  expectRejected(matmul, {f32({2, 4, 8}), f32({3, 8, 2})}, {f32({2, 4, 2})},
                 "batch dims 2 of lhs and 3 of rhs do not broadcast");
  expectRejected(matmul, {of(DType::i32, {2, 2}), of(DType::i32, {2, 2})},
                 {of(DType::i32, {2, 2})}, "expected f32 or f64");
  expectRejected(matmul, {f32({2, 4, 8}), f32({8, 2})}, {f32({4, 2})},
                 "expected 2x4x2xf32");
}

TEST(CpuKernels, CheckRejectsBadLosses) {
  using D = DType;
  expectRejected(kernelOf(OpKind::one_hot), {f32({3})}, {f32({3, 4})},
                 "labels) has dtype f32, expected i32 or i64");
  expectRejected(kernelOf(OpKind::one_hot), {of(D::i32, {3})}, {f32({4, 3})},
                 "expected the labels shape 3 followed by the classes");
  expectRejected(kernelOf(OpKind::mse_loss), {f32({3}), f32({4})}, {f32({})},
                 "operand 1 is 4xf32, expected operand 0's 3xf32");
  expectRejected(kernelOf(OpKind::mse_loss), {f32({3}), f32({3})}, {f32({1})},
                 "result is 1xf32, expected f32");
  fb::CpuKernelT sce = kernelOf(OpKind::softmax_cross_entropy);
  expectRejected(sce, {f32({4, 5}), of(D::i32, {5})}, {f32({})},
                 "labels shape is 5, expected 4");
  expectRejected(sce, {f32({4, 5}), f32({4})}, {f32({})},
                 "expected i32 or i64");
  expectRejected(sce, {f32({}), of(D::i32, {})}, {f32({})}, "rank >= 1");
}

TEST(CpuKernels, CheckMessagesNameTheOp) {
  Status s = check(kernelOf(OpKind::matmul), {f32({4, 8}), f32({16, 2})},
                   {f32({4, 2})});
  EXPECT_EQ(
      s.message(),
      "matmul: contraction dims differ: lhs 4x8 has K=8, rhs 16x2 has K=16");
  std::vector<const TensorDesc *> missing = {nullptr};
  TensorDesc out = f32({2});
  s = checkKernel(KernelBuf(kernelOf(OpKind::neg)).get(), missing, {&out});
  EXPECT_NE(s.message().find("neg: operand 0 has no description"),
            std::string::npos)
      << s.message();
}

TEST(CpuKernels, PrepareRejectsMissingData) {
  KernelBuf buf(kernelOf(OpKind::neg));
  TensorDesc d = f32({2});
  float data[2] = {1, 2};
  auto cmd = prepareKernel(buf.get(), {{&d, nullptr}}, {{&d, data}});
  ASSERT_FALSE(cmd.isOk());
  EXPECT_NE(cmd.status().message().find("operand 0 has no data"),
            std::string::npos);
}

/// Operand count an op takes, to aim the random kernels at the checks'
/// interesting side.
int arityOf(OpKind op) {
  switch (op) {
  case OpKind::select:
    return 3;
  case OpKind::add:
  case OpKind::sub:
  case OpKind::mul:
  case OpKind::div:
  case OpKind::max:
  case OpKind::min:
  case OpKind::pow:
  case OpKind::compare:
  case OpKind::matmul:
  case OpKind::mse_loss:
  case OpKind::softmax_cross_entropy:
    return 2;
  default:
    return 1;
  }
}

/// Random kernels and descriptions: checkKernel must never crash, and
/// whatever it accepts must run within the buffers (the harness allocates
/// exactly byteSize() bytes, so an ASan build catches any overrun).
TEST(CpuKernels, RandomKernelsAreCheckedOrRunSafely) {
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const DType dtypes[] = {DType::f32, DType::f64, DType::i32, DType::i64,
                          DType::i1};
  const Shape shapes[] = {{},     {1},       {3},      {2},       {2, 3},
                          {3, 2}, {3, 1},    {1, 3},   {2, 1, 3}, {0, 3},
                          {3, 3}, {2, 3, 3}, {1, 2, 3}};
  const int numShapes = sizeof(shapes) / sizeof(shapes[0]);
  std::vector<int> acceptedPerOp(static_cast<size_t>(OpKind::MAX) + 1, 0);
  for (int iter = 0; iter < 200000; ++iter) {
    int opIndex = pick(static_cast<int>(OpKind::MAX) + 2); // one unknown
    fb::CpuKernelT k = kernelOf(static_cast<OpKind>(opIndex));
    for (int i = pick(4); i > 0; --i)
      k.axes.push_back(pick(5) - 1);
    for (int i = pick(4); i > 0; --i)
      k.perm.push_back(pick(4) - (pick(8) == 0));
    k.axis = pick(5) - 1;
    k.keepdims = pick(2);
    k.transpose_lhs = pick(2);
    k.transpose_rhs = pick(2);
    k.predicate = static_cast<fb::ComparePredicate>(pick(7));
    // Mostly the right arity and one shared dtype, so many kernels pass.
    int numOperands = pick(10) ? arityOf(k.op) : pick(4);
    int numResults = pick(10) ? 1 : pick(3);
    DType shared = dtypes[pick(5)];
    std::vector<Host> hosts;
    for (int i = 0; i < numOperands + numResults; ++i)
      hosts.push_back(randomHost(pick(4) ? shared : dtypes[pick(5)],
                                 shapes[pick(numShapes)], -1, 4, iter));
    std::vector<Host *> ops, res;
    for (int i = 0; i < numOperands + numResults; ++i)
      (i < numOperands ? ops : res).push_back(&hosts[i]);
    Status s = runKernel(k, ops, res);
    if (s.isOk())
      ++acceptedPerOp[static_cast<size_t>(opIndex)];
  }
  // The generator reaches every kernel, not just the checks.
  for (size_t op = 0; op < acceptedPerOp.size(); ++op)
    EXPECT_GT(acceptedPerOp[op], 0)
        << fb::EnumNameOpKind(static_cast<OpKind>(op));
}

} // namespace
} // namespace mlc::rt::cpu::test
