// Unit tests of the CPU kernel library: every OpKind against a naive
// reference written here (the load-time checks are in
// cpu_kernel_checks_test.cpp).
#include "test/unit/CpuKernelsTestUtil.h"

#include <array>

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
  case OpKind::cos:
    return std::cos(x);
  case OpKind::sin:
    return std::sin(x);
  case OpKind::sqrt:
    return std::sqrt(x);
  case OpKind::rsqrt:
    return 1 / std::sqrt(x);
  case OpKind::erf:
    return std::erf(x);
  case OpKind::silu:
    return x / (1 + std::exp(-x));
  case OpKind::gelu:
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  default:
    return 1 / (1 + std::exp(-x));
  }
}

TEST(CpuKernels, UnaryOps) {
  const OpKind ops[] = {OpKind::neg,  OpKind::abs,   OpKind::relu,
                        OpKind::exp,  OpKind::log,   OpKind::tanh,
                        OpKind::sqrt, OpKind::rsqrt, OpKind::sigmoid,
                        OpKind::cos,  OpKind::sin,   OpKind::erf,
                        OpKind::silu, OpKind::gelu};
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

TEST(CpuKernels, GeluTanhApproximation) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Host in = randomHost(dtype, {4, 9}, -6, 6);
    Host out(dtype, {4, 9});
    fb::CpuKernelT k = kernelOf(OpKind::gelu);
    k.approximate = fb::GeluApproximation::tanh;
    ASSERT_RUNS(k, {&in}, {&out});
    std::vector<double> want;
    const double pi = std::acos(-1.0);
    for (double x : in.values())
      want.push_back(
          0.5 * x *
          (1 + std::tanh(std::sqrt(2 / pi) * (x + 0.044715 * x * x * x))));
    expectValues(out, want, tolerance(dtype) * 2);
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

TEST(CpuKernels, SoftmaxAndLogSoftmaxAlongEachAxis) {
  for (OpKind op : {OpKind::softmax, OpKind::log_softmax})
    for (DType dtype : {DType::f32, DType::f64})
      for (const Shape &shape : {Shape{3, 5}, Shape{2, 3, 4}, Shape{4, 1}})
        for (int64_t axis = 0; axis < static_cast<int64_t>(shape.size());
             ++axis) {
          bool log = op == OpKind::log_softmax;
          Host in = randomHost(dtype, shape, -20, 20);
          in.set(0, 1000); // stability: a huge logit must not overflow
          Host out(dtype, shape);
          fb::CpuKernelT k = kernelOf(op);
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
            want[i] = log ? in.get(i) - max - std::log(sum)
                          : std::exp(in.get(i) - max) / sum;
          }
          expectValues(out, want, tolerance(dtype) * (log ? 8 : 4));
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

/// The elements of `in` whose index along `axis` lies in [start, start +
/// size), in row-major order: a naive slice.
std::vector<double> sliceRef(const Host &in, size_t axis, int64_t start,
                             int64_t size) {
  std::vector<double> out;
  for (int64_t i = 0; i < in.size(); ++i) {
    int64_t at = unravel(i, in.desc.shape)[axis];
    if (at >= start && at < start + size)
      out.push_back(in.get(i));
  }
  return out;
}

TEST(CpuKernels, SliceEveryAxis) {
  for (DType dtype : {DType::f32, DType::f64, DType::i64, DType::i1})
    for (const Shape &shape : {Shape{5}, Shape{3, 4}, Shape{2, 3, 5}})
      for (size_t axis = 0; axis < shape.size(); ++axis)
        for (int64_t start = 0; start < shape[axis]; ++start) {
          int64_t size = std::min<int64_t>(2, shape[axis] - start);
          SCOPED_TRACE(descStr(dtype, shape) + " axis " + std::to_string(axis) +
                       " start " + std::to_string(start));
          Host in = randomHost(dtype, shape, -9, 9);
          Shape outShape = shape;
          outShape[axis] = size;
          Host out(dtype, outShape);
          fb::CpuKernelT k = kernelOf(OpKind::slice);
          k.axis = static_cast<int64_t>(axis);
          k.start = start;
          ASSERT_RUNS(k, {&in}, {&out});
          expectValues(out, sliceRef(in, axis, start, size), 0);
        }
}

TEST(CpuKernels, ConcatEveryAxis) {
  for (DType dtype : {DType::f32, DType::i32, DType::i1})
    for (const Shape &shape : {Shape{4}, Shape{3, 4}, Shape{2, 3, 4}})
      for (size_t axis = 0; axis < shape.size(); ++axis) {
        // Three pieces of sizes 1, 2 and the rest (at least 1) along axis.
        std::vector<Host> parts;
        int64_t sizes[] = {1, 2, 3};
        Shape outShape = shape;
        outShape[axis] = 6;
        for (int i = 0; i < 3; ++i) {
          Shape s = shape;
          s[axis] = sizes[i];
          parts.push_back(randomHost(dtype, s, -9, 9, 20 + i));
        }
        Host out(dtype, outShape);
        fb::CpuKernelT k = kernelOf(OpKind::concat);
        k.axis = static_cast<int64_t>(axis);
        ASSERT_RUNS(k, {&parts[0], &parts[1], &parts[2]}, {&out});
        // Slicing the result back gives each piece.
        int64_t start = 0;
        for (int i = 0; i < 3; ++i) {
          EXPECT_EQ(sliceRef(out, axis, start, sizes[i]), parts[i].values())
              << "piece " << i << " along axis " << axis;
          start += sizes[i];
        }
      }
}

TEST(CpuKernels, SplitEveryAxis) {
  for (DType dtype : {DType::f64, DType::i64, DType::i1})
    for (const Shape &shape : {Shape{6}, Shape{6, 2}, Shape{2, 6, 3}})
      for (size_t axis = 0; axis < shape.size(); ++axis) {
        if (shape[axis] != 6)
          continue;
        Host in = randomHost(dtype, shape, -9, 9);
        std::vector<Host> parts;
        const int64_t sizes[] = {3, 1, 2};
        for (int64_t size : sizes) {
          Shape s = shape;
          s[axis] = size;
          parts.emplace_back(dtype, s);
        }
        fb::CpuKernelT k = kernelOf(OpKind::split);
        k.axis = static_cast<int64_t>(axis);
        ASSERT_RUNS(k, {&in}, {&parts[0], &parts[1], &parts[2]});
        int64_t start = 0;
        for (int i = 0; i < 3; ++i) {
          expectValues(parts[i], sliceRef(in, axis, start, sizes[i]), 0);
          start += sizes[i];
        }
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
// Norms
//===----------------------------------------------------------------------===//

TEST(CpuKernels, LayerNormAndRmsNormRows) {
  for (DType dtype : {DType::f32, DType::f64})
    for (const Shape &shape : {Shape{7}, Shape{3, 7}, Shape{2, 2, 16}})
      for (double eps : {1e-5, 0.5}) {
        int64_t width = shape.back(), rows = 1;
        for (size_t d = 0; d + 1 < shape.size(); ++d)
          rows *= shape[d];
        Host x = randomHost(dtype, shape, -3, 5, 40);
        Host w = randomHost(dtype, {width}, -2, 2, 41);
        Host b = randomHost(dtype, {width}, -2, 2, 42);
        Host layer(dtype, shape), rms(dtype, shape);
        fb::CpuKernelT lk = kernelOf(OpKind::layer_norm);
        lk.eps = eps;
        fb::CpuKernelT rk = kernelOf(OpKind::rms_norm);
        rk.eps = eps;
        ASSERT_RUNS(lk, {&x, &w, &b}, {&layer});
        ASSERT_RUNS(rk, {&x, &w}, {&rms});
        std::vector<double> wantLayer, wantRms;
        for (int64_t r = 0; r < rows; ++r) {
          double mean = 0, var = 0, square = 0;
          for (int64_t j = 0; j < width; ++j)
            mean += x.get(r * width + j) / width;
          for (int64_t j = 0; j < width; ++j) {
            double v = x.get(r * width + j);
            var += (v - mean) * (v - mean) / width;
            square += v * v / width;
          }
          for (int64_t j = 0; j < width; ++j) {
            double v = x.get(r * width + j);
            wantLayer.push_back((v - mean) / std::sqrt(var + eps) * w.get(j) +
                                b.get(j));
            wantRms.push_back(v / std::sqrt(square + eps) * w.get(j));
          }
        }
        expectValues(layer, wantLayer, tolerance(dtype) * 4);
        expectValues(rms, wantRms, tolerance(dtype) * 4);
      }
}

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

TEST(CpuKernels, EmbeddingGathersRows) {
  for (DType dtype : {DType::f32, DType::f64})
    for (DType idType : {DType::i32, DType::i64})
      for (const Shape &idShape : {Shape{}, Shape{5}, Shape{2, 3}}) {
        Host table = randomHost(dtype, {4, 3}, -2, 2, 30);
        Host ids = randomHost(idType, idShape, 0, 3, 31);
        Shape outShape = idShape;
        outShape.push_back(3);
        Host out(dtype, outShape);
        ASSERT_RUNS(kernelOf(OpKind::embedding), {&table, &ids}, {&out});
        std::vector<double> want;
        for (int64_t i = 0; i < ids.size(); ++i)
          for (int64_t j = 0; j < 3; ++j)
            want.push_back(table.get(static_cast<int64_t>(ids.get(i)) * 3 + j));
        expectValues(out, want, 0);
      }
}

TEST(CpuKernels, EmbeddingGradSumsRepeatedIds) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Host grad = randomHost(dtype, {2, 3, 2}, -2, 2, 32);
    Host ids(DType::i64, {2, 3});
    const double values[] = {0, 3, 3, 1, 3, 0}; // row 2 is never used
    for (int i = 0; i < 6; ++i)
      ids.set(i, values[i]);
    Host out = randomHost(dtype, {4, 2}, -9, 9); // overwritten, not added to
    ASSERT_RUNS(kernelOf(OpKind::embedding_grad), {&grad, &ids}, {&out});
    std::vector<double> want(8, 0);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 2; ++j)
        want[static_cast<size_t>(values[i]) * 2 + j] += grad.get(i * 2 + j);
    expectValues(out, want, tolerance(dtype));
  }
}

TEST(CpuKernels, EmbeddingIdOutOfRangeFailsRun) {
  Host table = randomHost(DType::f32, {5, 2}), ids(DType::i32, {2, 3});
  Host out(DType::f32, {2, 3, 2}), grad = randomHost(DType::f32, {2, 3, 2});
  Host tableGrad(DType::f32, {5, 2});
  for (double bad : {5.0, -1.0}) {
    for (int i = 0; i < 6; ++i)
      ids.set(i, i == 4 ? bad : 1);
    std::string want = "ids[1, 1] is " + std::to_string(int(bad)) +
                       ", expected a value in [0, 5) (the table's rows)";
    Status s = runKernel(kernelOf(OpKind::embedding), {&table, &ids}, {&out});
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message(), "embedding: " + want);
    // The result is left untouched (the harness fills it with 0xA5 bytes).
    EXPECT_EQ(out.bytes[0], 0xA5);
    s = runKernel(kernelOf(OpKind::embedding_grad), {&grad, &ids},
                  {&tableGrad});
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message(), "embedding_grad: " + want);
  }
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
// Rotary embeddings, masks and attention
//===----------------------------------------------------------------------===//

/// rope of x [..., T, D] by the formula, in double.
std::vector<double> ropeRef(const Host &x, const Host &positions, double theta,
                            bool inverse) {
  const Shape &shape = x.desc.shape;
  int64_t width = shape.back(), steps = shape[shape.size() - 2];
  int64_t half = width / 2;
  std::vector<double> want(static_cast<size_t>(x.size()));
  for (int64_t row = 0; row < x.size() / width; ++row) {
    double pos = positions.get(row % steps);
    for (int64_t i = 0; i < width; ++i) {
      double angle = pos * std::pow(theta, -2.0 * (i % half) / width);
      double rotated = i < half ? -x.get(row * width + i + half)
                                : x.get(row * width + i - half);
      double s = (inverse ? -1 : 1) * std::sin(angle);
      want[row * width + i] =
          x.get(row * width + i) * std::cos(angle) + rotated * s;
    }
  }
  return want;
}

TEST(CpuKernels, RopeRotatesHalves) {
  for (DType dtype : {DType::f32, DType::f64})
    for (DType index : {DType::i32, DType::i64})
      for (bool inverse : {false, true}) {
        Host x = randomHost(dtype, {2, 3, 5, 8}, -2, 2, 50);
        Host positions = randomHost(index, {5}, 0, 40, 51);
        Host out(dtype, {2, 3, 5, 8});
        fb::CpuKernelT k = kernelOf(OpKind::rope);
        k.theta = 500;
        k.inverse = inverse;
        ASSERT_RUNS(k, {&x, &positions}, {&out});
        expectValues(out, ropeRef(x, positions, 500, inverse),
                     tolerance(dtype) * 4);
        // The inverse rotation undoes the rotation.
        Host back(dtype, {2, 3, 5, 8});
        k.inverse = !inverse;
        ASSERT_RUNS(k, {&out, &positions}, {&back});
        expectValues(back, x.values(), tolerance(dtype) * 4);
      }
}

TEST(CpuKernels, CausalMaskIsBottomRightAligned) {
  for (DType dtype : {DType::f32, DType::f64})
    for (const Shape &shape : {Shape{3, 3}, Shape{2, 3, 5}, Shape{4, 2}}) {
      Host x = randomHost(dtype, shape, -2, 2, 52);
      Host out(dtype, shape);
      for (double fill : {-kInf, -1e9}) {
        fb::CpuKernelT k = kernelOf(OpKind::causal_mask);
        k.fill = fill;
        ASSERT_RUNS(k, {&x}, {&out});
        int64_t steps = shape[shape.size() - 2], keys = shape.back();
        std::vector<double> want;
        for (int64_t i = 0; i < x.size(); ++i) {
          int64_t t = (i / keys) % steps, j = i % keys;
          want.push_back(j > t + (keys - steps) ? fill : x.get(i));
        }
        expectValues(out, want, 0);
      }
    }
}

/// Attention and its gradient with every probability materialized, in
/// double: the reference for the row-at-a-time kernels.
struct AttentionRef {
  Shape q, k; // [B, H, T, D], [B, KVH, S, D]
  bool causal = false;
  std::optional<int64_t> offset;
  double scale = 0.5;

  int64_t visible(int64_t t) const {
    if (!causal)
      return k[2];
    int64_t last = offset ? *offset + t : t + k[2] - q[2];
    return std::min(last + 1, k[2]);
  }
  /// probs[b][h][t][j]
  std::vector<double> probs(const Host &qh, const Host &kh) const {
    int64_t B = q[0], H = q[1], T = q[2], D = q[3], KV = k[1], S = k[2];
    std::vector<double> p(static_cast<size_t>(B * H * T * S), 0);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t) {
          int64_t kv = h / (H / KV), n = visible(t);
          std::vector<double> s(static_cast<size_t>(n));
          double max = -kInf, sum = 0;
          for (int64_t j = 0; j < n; ++j) {
            for (int64_t d = 0; d < D; ++d)
              s[j] += qh.get(((b * H + h) * T + t) * D + d) *
                      kh.get(((b * KV + kv) * S + j) * D + d);
            s[j] *= scale;
            max = std::max(max, s[j]);
          }
          for (int64_t j = 0; j < n; ++j)
            sum += std::exp(s[j] - max);
          for (int64_t j = 0; j < n; ++j)
            p[((b * H + h) * T + t) * S + j] = std::exp(s[j] - max) / sum;
        }
    return p;
  }
  std::vector<double> forward(const Host &qh, const Host &kh,
                              const Host &vh) const {
    int64_t B = q[0], H = q[1], T = q[2], D = q[3], KV = k[1], S = k[2];
    std::vector<double> p = probs(qh, kh), out(qh.size(), 0);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t)
          for (int64_t j = 0; j < S; ++j)
            for (int64_t d = 0; d < D; ++d)
              out[((b * H + h) * T + t) * D + d] +=
                  p[((b * H + h) * T + t) * S + j] *
                  vh.get(((b * KV + h / (H / KV)) * S + j) * D + d);
    return out;
  }
  /// dq, dk, dv
  std::array<std::vector<double>, 3> backward(const Host &g, const Host &qh,
                                              const Host &kh,
                                              const Host &vh) const {
    int64_t B = q[0], H = q[1], T = q[2], D = q[3], KV = k[1], S = k[2];
    std::vector<double> p = probs(qh, kh);
    std::array<std::vector<double>, 3> d{std::vector<double>(qh.size(), 0),
                                         std::vector<double>(kh.size(), 0),
                                         std::vector<double>(vh.size(), 0)};
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t) {
          int64_t kv = h / (H / KV), qRow = ((b * H + h) * T + t) * D;
          std::vector<double> dp(static_cast<size_t>(S), 0);
          double sum = 0;
          for (int64_t j = 0; j < S; ++j) {
            for (int64_t e = 0; e < D; ++e)
              dp[j] +=
                  g.get(qRow + e) * vh.get(((b * KV + kv) * S + j) * D + e);
            sum += p[((b * H + h) * T + t) * S + j] * dp[j];
          }
          for (int64_t j = 0; j < S; ++j) {
            double pj = p[((b * H + h) * T + t) * S + j];
            double ds = pj * (dp[j] - sum) * scale;
            int64_t kRow = ((b * KV + kv) * S + j) * D;
            for (int64_t e = 0; e < D; ++e) {
              d[0][qRow + e] += ds * kh.get(kRow + e);
              d[1][kRow + e] += ds * qh.get(qRow + e);
              d[2][kRow + e] += pj * g.get(qRow + e);
            }
          }
        }
    return d;
  }
};

TEST(CpuKernels, AttentionMatchesMaterializedReference) {
  struct Case {
    Shape q, k;
    bool causal;
    std::optional<int64_t> offset;
    double scale = 0.7;
  };
  const Case cases[] = {
      {{2, 4, 3, 8}, {2, 4, 3, 8}, true, std::nullopt},  // causal, T = S
      {{1, 4, 3, 8}, {1, 2, 5, 8}, true, std::nullopt},  // GQA, T < S
      {{1, 4, 3, 8}, {1, 1, 5, 8}, false, std::nullopt}, // multi-query
      {{2, 2, 1, 4}, {2, 2, 6, 4}, true, int64_t{3}},    // decoding step
      {{1, 2, 2, 4}, {1, 1, 4, 4}, true, int64_t{5}},    // offset past S
      // Register tiles: rows, keys and widths that are not multiples of
      // them, GPT-2's head, and T = 1 at the end of a cache.
      {{1, 2, 37, 20}, {1, 2, 37, 20}, true, std::nullopt, 0.25},
      {{1, 2, 64, 64}, {1, 1, 64, 64}, true, std::nullopt, 0.125},
      {{2, 4, 13, 12}, {2, 2, 45, 12}, false, std::nullopt, 0.3},
      {{1, 2, 1, 16}, {1, 1, 70, 16}, true, int64_t{69}, 0.25},
      // Keys so many that a head computes its queries in several blocks,
      // and with an offset that hides most of them.
      {{1, 2, 21, 8}, {1, 1, 2000, 8}, true, std::nullopt},
      {{1, 2, 21, 8}, {1, 2, 2000, 8}, true, int64_t{5}},
  };
  for (DType dtype : {DType::f32, DType::f64})
    for (const Case &c : cases)
      for (DType index : {DType::i32, DType::i64}) {
        SCOPED_TRACE(descStr(dtype, c.q) + " over " + descStr(dtype, c.k));
        AttentionRef ref{c.q, c.k, c.causal, c.offset, c.scale};
        Host q = randomHost(dtype, c.q, -2, 2, 60);
        Host k = randomHost(dtype, c.k, -2, 2, 61);
        Host v = randomHost(dtype, c.k, -2, 2, 62);
        Host g = randomHost(dtype, c.q, -2, 2, 63);
        Host offset(index, {});
        offset.set(0, c.offset.value_or(0));
        fb::CpuKernelT fwd = kernelOf(OpKind::attention);
        fwd.causal = c.causal;
        fwd.scale = c.scale;
        fb::CpuKernelT bwd = fwd;
        bwd.op = OpKind::attention_grad;
        Host out(dtype, c.q), dq(dtype, c.q), dk(dtype, c.k), dv(dtype, c.k);
        std::vector<Host *> fwdOperands = {&q, &k, &v},
                            bwdOperands = {&g, &q, &k, &v};
        if (c.offset) {
          fwdOperands.push_back(&offset);
          bwdOperands.push_back(&offset);
        }
        ASSERT_RUNS(fwd, fwdOperands, {&out});
        expectValues(out, ref.forward(q, k, v), tolerance(dtype) * 8);
        ASSERT_RUNS(bwd, bwdOperands, {&dq, &dk, &dv});
        auto want = ref.backward(g, q, k, v);
        expectValues(dq, want[0], tolerance(dtype) * 16);
        expectValues(dk, want[1], tolerance(dtype) * 16);
        expectValues(dv, want[2], tolerance(dtype) * 16);
      }
}

TEST(CpuKernels, AttentionOffsetBeforeEveryKeyFailsRun) {
  Host q = randomHost(DType::f32, {1, 1, 3, 2}),
       k = randomHost(DType::f32, {1, 1, 4, 2});
  Host offset(DType::i64, {}), out(DType::f32, {1, 1, 3, 2});
  offset.set(0, -2);
  fb::CpuKernelT fwd = kernelOf(OpKind::attention);
  fwd.causal = true;
  fwd.scale = 1;
  Status s = runKernel(fwd, {&q, &k, &k, &offset}, {&out});
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("offset -2 puts query 0 at position -2, before "
                             "every key"),
            std::string::npos)
      << s.message();
  Host dq(DType::f32, {1, 1, 3, 2}), dk(DType::f32, {1, 1, 4, 2});
  Host dv(DType::f32, {1, 1, 4, 2});
  fwd.op = OpKind::attention_grad;
  s = runKernel(fwd, {&q, &q, &k, &k, &offset}, {&dq, &dk, &dv});
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("offset -2"), std::string::npos) << s.message();
}

} // namespace
} // namespace mlc::rt::cpu::test
