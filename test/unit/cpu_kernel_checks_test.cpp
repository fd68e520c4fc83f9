// Unit tests of the CPU kernel library's defences: the load-time checks
// reject every malformed kernel with a message naming the op, prepare()
// rejects missing data, and random kernels are either rejected or run
// safely.
#include "test/unit/CpuKernelsTestUtil.h"

namespace mlc::rt::cpu::test {
namespace {

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
  case OpKind::cache_write:
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

/// Operand and result layouts (dtype, shape) that uniformly random shapes
/// rarely produce but that an op accepts, so that the random test reaches
/// its kernel too; `f` is the float dtype to use.
std::vector<std::pair<DType, Shape>> aimedLayout(OpKind op, DType f) {
  switch (op) {
  case OpKind::softmax_cross_entropy:
    return {{f, {2, 3}}, {DType::i64, {2}}, {f, {}}};
  case OpKind::mse_loss:
    return {{f, {2, 3}}, {f, {2, 3}}, {f, {}}};
  case OpKind::one_hot:
    return {{DType::i64, {2}}, {f, {2, 3}}};
  case OpKind::cache_write:
    return {{f, {3, 2}}, {f, {1, 2}}, {DType::i64, {}}, {f, {3, 2}}};
  default:
    return {};
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
    for (int i = pick(4); i > 0; --i) {
      // One pick after the other: the order of evaluation within an
      // expression is unspecified, and the sequence must not depend on it.
      int p = pick(4);
      p -= pick(8) == 0;
      k.perm.push_back(p);
    }
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
    std::vector<std::pair<DType, Shape>> aimed =
        aimedLayout(k.op, pick(2) ? DType::f32 : DType::f64);
    if (!aimed.empty() && pick(2)) {
      numOperands = static_cast<int>(aimed.size()) - 1;
      numResults = 1;
      for (auto &[dtype, shape] : aimed)
        hosts.push_back(randomHost(dtype, shape, -1, 4, iter));
    } else {
      for (int i = 0; i < numOperands + numResults; ++i) {
        DType dtype = shared;
        if (!pick(4))
          dtype = dtypes[pick(5)];
        const Shape &shape = shapes[pick(numShapes)];
        hosts.push_back(randomHost(dtype, shape, -1, 4, iter));
      }
    }
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
