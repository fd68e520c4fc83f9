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

TEST(CpuKernels, CheckRejectsBadSlicing) {
  fb::CpuKernelT slice = withAxis(OpKind::slice, 1);
  slice.start = 2;
  expectRejected(slice, {f32({4, 8})}, {f32({4, 7})},
                 "start 2 with size 7 does not fit axis 1 of operand 4x8xf32 "
                 "(expected 0 <= start <= 1)");
  slice.start = -1;
  expectRejected(slice, {f32({4, 8})}, {f32({4, 2})},
                 "start -1 with size 2 does not fit");
  slice.start = 0;
  expectRejected(slice, {f32({4, 8})}, {f32({3, 2})},
                 "result is 3x2xf32, expected the dims of 4x8xf32 except "
                 "along axis 1");
  expectRejected(slice, {f32({4, 8})}, {of(DType::i32, {4, 2})},
                 "result has dtype i32, expected f32");
  expectRejected(withAxis(OpKind::slice, 2), {f32({4, 8})}, {f32({4, 8})},
                 "axis 2 is out of range for rank 2");
  fb::CpuKernelT concat = withAxis(OpKind::concat, 0);
  expectRejected(concat, {}, {f32({2})},
                 "expected at least 1 operand and 1 result, found 0 operands");
  expectRejected(concat, {f32({2, 3}), f32({2, 4})}, {f32({4, 3})},
                 "operand 1 is 2x4xf32, expected the dims of 4x3xf32 except "
                 "along axis 0");
  expectRejected(concat, {f32({2, 3}), f32({1, 3})}, {f32({4, 3})},
                 "operands have 3 entries along axis 0 in all, 4x3xf32 has 4");
  expectRejected(concat, {f32({2}), of(DType::f64, {2})}, {f32({4})},
                 "operand 1 has dtype f64, expected f32");
  expectRejected(withAxis(OpKind::concat, -1), {f32({2})}, {f32({2})},
                 "axis -1 is out of range for rank 1");
  fb::CpuKernelT split = withAxis(OpKind::split, 1);
  expectRejected(split, {f32({2, 6})}, {},
                 "expected 1 operand and at least 1 result, found 1 operands "
                 "and 0 results");
  expectRejected(split, {f32({2, 6}), f32({2, 6})}, {f32({2, 6})},
                 "expected 1 operand and at least 1 result");
  expectRejected(split, {f32({2, 6})}, {f32({2, 2}), f32({2, 3})},
                 "results have 5 entries along axis 1 in all, 2x6xf32 has 6");
  expectRejected(split, {f32({2, 6})}, {f32({2, 2}), f32({3, 4})},
                 "result 1 is 3x4xf32, expected the dims of 2x6xf32 except "
                 "along axis 1");
  TensorDesc piece = f32({2, 3});
  std::vector<const TensorDesc *> same = {&piece, &piece};
  TensorDesc whole = f32({2, 6});
  Status s = checkKernel(KernelBuf(split).get(), {&whole}, same);
  EXPECT_NE(s.message().find("results #0 and #1 are one buffer"),
            std::string::npos)
      << s.message();
}

TEST(CpuKernels, CheckRejectsBadNorms) {
  fb::CpuKernelT layer = kernelOf(OpKind::layer_norm);
  expectRejected(layer, {f32({2, 4}), f32({4})}, {f32({2, 4})},
                 "expected 3 operands and 1 result");
  expectRejected(layer, {f32({2, 4}), f32({4}), f32({2})}, {f32({2, 4})},
                 "operand 2 (the bias) is 2xf32, expected 4xf32");
  expectRejected(layer, {f32({}), f32({1}), f32({1})}, {f32({})},
                 "operand 0 is a scalar, expected a last dimension");
  expectRejected(layer, {f32({2, 4}), f32({4}), f32({4})}, {f32({4, 2})},
                 "result is 4x2xf32, expected 2x4xf32");
  expectRejected(
      layer, {of(DType::i32, {2, 4}), of(DType::i32, {4}), of(DType::i32, {4})},
      {of(DType::i32, {2, 4})}, "expected f32 or f64");
  fb::CpuKernelT rms = kernelOf(OpKind::rms_norm);
  expectRejected(rms, {f32({2, 4}), of(DType::f64, {4})}, {f32({2, 4})},
                 "operand 1 (the weight) is 4xf64, expected 4xf32");
  rms.eps = -1;
  expectRejected(rms, {f32({2, 4}), f32({4})}, {f32({2, 4})},
                 "eps -1.000000 is not finite and non-negative");
  rms.eps = std::numeric_limits<double>::quiet_NaN();
  expectRejected(rms, {f32({2, 4}), f32({4})}, {f32({2, 4})},
                 "is not finite and non-negative");
  fb::CpuKernelT gelu = kernelOf(OpKind::gelu);
  gelu.approximate = static_cast<fb::GeluApproximation>(7);
  expectRejected(gelu, {f32({2})}, {f32({2})}, "unknown approximation 7");
  expectRejected(kernelOf(OpKind::silu), {of(DType::i64, {2})},
                 {of(DType::i64, {2})}, "expected f32 or f64");
  expectRejected(withAxis(OpKind::log_softmax, 1), {f32({2})}, {f32({2})},
                 "axis 1 is out of range for rank 1");
}

TEST(CpuKernels, CheckRejectsBadRopeAndMasks) {
  using D = DType;
  fb::CpuKernelT rope = kernelOf(OpKind::rope);
  rope.theta = 10000;
  expectRejected(rope, {f32({2, 3}), of(D::i64, {2})}, {f32({2, 3})},
                 "expected rank >= 2 with an even last dimension");
  expectRejected(rope, {f32({4}), of(D::i64, {4})}, {f32({4})},
                 "expected rank >= 2");
  expectRejected(rope, {f32({2, 4}), of(D::i64, {4})}, {f32({2, 4})},
                 "operand 1 (the positions) shape is 4, expected 2");
  expectRejected(rope, {f32({2, 4}), f32({2})}, {f32({2, 4})},
                 "operand 1 (the positions)");
  rope.theta = 0;
  expectRejected(rope, {f32({2, 4}), of(D::i64, {2})}, {f32({2, 4})},
                 "theta 0.000000 is not finite and positive");
  expectRejected(kernelOf(OpKind::causal_mask), {f32({3})}, {f32({3})},
                 "expected rank >= 2 ([..., T, S])");
  expectRejected(kernelOf(OpKind::causal_mask), {of(D::i32, {3, 3})},
                 {of(D::i32, {3, 3})}, "expected f32 or f64");
}

TEST(CpuKernels, CheckRejectsBadAttention) {
  using D = DType;
  fb::CpuKernelT k = kernelOf(OpKind::attention);
  k.scale = 0.5;
  TensorDesc q = f32({1, 4, 2, 8}), kv = f32({1, 2, 3, 8});
  expectRejected(k, {q, kv}, {q}, "expected 3 or 4 operands, found 2");
  expectRejected(k, {q, kv, kv}, {q, q}, "expected 1 result, found 2");
  expectRejected(k, {f32({4, 2, 8}), kv, kv}, {q},
                 "operand 0 (q) is 4x2x8xf32, expected [B, H, T, D]");
  expectRejected(k, {q, f32({1, 3, 3, 8}), f32({1, 3, 3, 8})}, {q},
                 "expected [1, KVH, S, 8] with H = 4 a multiple of KVH");
  expectRejected(k, {q, kv, f32({1, 2, 4, 8})}, {q},
                 "operand 2 (v) is 1x2x4x8xf32, expected 1x2x3x8xf32");
  expectRejected(k, {q, kv, of(D::f64, {1, 2, 3, 8})}, {q}, "operand 2 (v)");
  expectRejected(k, {q, kv, kv, of(D::i64, {})}, {q}, "an offset needs causal");
  k.causal = true;
  expectRejected(k, {q, kv, kv, of(D::i64, {1})}, {q},
                 "operand 3 (offset) is 1xi64, expected a scalar");
  expectRejected(k, {q, kv, kv, f32({})}, {q}, "operand 3 (offset)");
  expectRejected(k, {f32({1, 4, 5, 8}), kv, kv}, {f32({1, 4, 5, 8})},
                 "causal attention of T = 5 queries over S = 3 keys");
  k.scale = std::numeric_limits<double>::infinity();
  expectRejected(k, {q, kv, kv}, {q}, "scale inf is not finite");
  fb::CpuKernelT grad = kernelOf(OpKind::attention_grad);
  grad.scale = 1;
  expectRejected(grad, {q, q, kv, kv}, {q, kv}, "expected 3 results, found 2");
  expectRejected(grad, {f32({1, 4, 2, 4}), q, kv, kv}, {q, kv, kv},
                 "operand 0 (dout) is 1x4x2x4xf32, expected 1x4x2x8xf32");
  expectRejected(grad, {q, q, kv, kv}, {q, kv, q},
                 "result is 1x4x2x8xf32, expected 1x2x3x8xf32");
  expectRejected(grad, {q, q, f32({1, 3, 3, 8}), kv}, {q, kv, kv},
                 "operand 2 (k)");
}

TEST(CpuKernels, CheckRejectsBadEmbeddings) {
  using D = DType;
  fb::CpuKernelT gather = kernelOf(OpKind::embedding);
  expectRejected(gather, {f32({5, 2}), f32({3})}, {f32({3, 2})},
                 "operand 1 (the ids) has dtype f32, expected i32 or i64");
  expectRejected(gather, {f32({5, 2, 1}), of(D::i64, {3})}, {f32({3, 2})},
                 "operand 0 (the table) is 5x2x1xf32, expected [V, D]");
  expectRejected(gather, {of(D::i32, {5, 2}), of(D::i64, {3})},
                 {of(D::i32, {3, 2})}, "expected f32 or f64");
  expectRejected(gather, {f32({5, 2}), of(D::i64, {3})}, {f32({2, 3})},
                 "result shape is 2x3, expected 3x2 (the ids' shape, then D = "
                 "2)");
  expectRejected(gather, {f32({5, 2}), of(D::i64, {3})}, {of(D::f64, {3, 2})},
                 "result has dtype f64, expected f32");
  fb::CpuKernelT scatter = kernelOf(OpKind::embedding_grad);
  expectRejected(scatter, {f32({3, 2}), of(D::i64, {3})}, {f32({5})},
                 "result (the table's gradient) is 5xf32, expected [V, D]");
  expectRejected(scatter, {f32({3, 2}), of(D::i64, {4})}, {f32({5, 2})},
                 "operand 0 (the gradient) shape is 3x2, expected 4x2");
  expectRejected(scatter, {of(D::f64, {3, 2}), of(D::i64, {3})}, {f32({5, 2})},
                 "operand 0 has dtype f64, expected f32");
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
  fb::CpuKernelT fused = kernelOf(OpKind::softmax_cross_entropy_with_grad);
  expectRejected(fused, {f32({4, 5}), of(D::i32, {4}), f32({1})},
                 {f32({}), f32({4, 5})}, "operand 2 (the scale)");
  expectRejected(fused, {f32({4, 5}), of(D::i32, {4}), f32({})},
                 {f32({}), f32({4, 6})}, "result 1 (the gradient)");
  expectRejected(fused, {f32({4, 5}), of(D::i32, {4})}, {f32({}), f32({4, 5})},
                 "expected 3 operands");
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
  case OpKind::softmax_cross_entropy_with_grad:
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
  case OpKind::embedding:
  case OpKind::embedding_grad:
    return 2;
  default:
    return 1;
  }
}

/// A kernel with descriptions it accepts, for ops whose valid shapes the
/// random generator below would seldom hit on its own.
struct Example {
  fb::CpuKernelT kernel;
  std::vector<TensorDesc> operands, results;
};

std::optional<Example> exampleOf(OpKind op) {
  Example e{kernelOf(op), {}, {}};
  switch (op) {
  case OpKind::softmax_cross_entropy:
    e.operands = {f32({2, 3}), of(DType::i64, {2})};
    e.results = {f32({})};
    return e;
  case OpKind::softmax_cross_entropy_with_grad:
    e.operands = {f32({2, 3}), of(DType::i64, {2}), f32({})};
    e.results = {f32({}), f32({2, 3})};
    return e;
  case OpKind::mse_loss:
    e.operands = {f32({2, 3}), f32({2, 3})};
    e.results = {f32({})};
    return e;
  case OpKind::one_hot:
    e.operands = {of(DType::i64, {2})};
    e.results = {f32({2, 3})};
    return e;
  case OpKind::slice:
    e.kernel.axis = 1;
    e.kernel.start = 1;
    e.operands = {f32({2, 3})};
    e.results = {f32({2, 1})};
    return e;
  case OpKind::concat:
    e.operands = {f32({2, 3}), f32({1, 3})};
    e.results = {f32({3, 3})};
    return e;
  case OpKind::split:
    e.kernel.axis = 1;
    e.operands = {f32({2, 3})};
    e.results = {f32({2, 1}), f32({2, 2})};
    return e;
  case OpKind::layer_norm:
    e.kernel.eps = 1e-5;
    e.operands = {f32({2, 3}), f32({3}), f32({3})};
    e.results = {f32({2, 3})};
    return e;
  case OpKind::rms_norm:
    e.operands = {f32({2, 3}), f32({3})};
    e.results = {f32({2, 3})};
    return e;
  case OpKind::rope:
    e.kernel.theta = 10000;
    e.operands = {f32({2, 2}), of(DType::i64, {2})};
    e.results = {f32({2, 2})};
    return e;
  case OpKind::attention:
    e.kernel.scale = 1;
    e.kernel.causal = true;
    e.operands = {f32({1, 2, 2, 2}), f32({1, 1, 3, 2}), f32({1, 1, 3, 2}),
                  of(DType::i64, {})};
    e.results = {f32({1, 2, 2, 2})};
    return e;
  case OpKind::attention_grad:
    e.kernel.scale = 1;
    e.operands = {f32({1, 2, 2, 2}), f32({1, 2, 2, 2}), f32({1, 1, 3, 2}),
                  f32({1, 1, 3, 2})};
    e.results = {f32({1, 2, 2, 2}), f32({1, 1, 3, 2}), f32({1, 1, 3, 2})};
    return e;
  case OpKind::embedding:
    e.operands = {f32({3, 2}), of(DType::i64, {2})};
    e.results = {f32({2, 2})};
    return e;
  case OpKind::embedding_grad:
    e.operands = {f32({2, 2}), of(DType::i32, {2})};
    e.results = {f32({3, 2})};
    return e;
  case OpKind::cache_write:
    e.operands = {f32({3, 2}), f32({1, 2}), of(DType::i64, {})};
    e.results = {f32({3, 2})};
    return e;
  default:
    return std::nullopt;
  }
}

/// Random kernels and descriptions: checkKernel must never crash, and
/// whatever it accepts must run within the buffers (the harness allocates
/// exactly byteSize() bytes, so an ASan build catches any overrun). A third
/// of the cases start from an op's example and change a few things.
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
    std::optional<Example> example = exampleOf(static_cast<OpKind>(opIndex));
    bool fromExample = example && pick(3) == 0;
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
    k.start = pick(4) - 1;
    k.keepdims = pick(2);
    k.transpose_lhs = pick(2);
    k.transpose_rhs = pick(2);
    k.predicate = static_cast<fb::ComparePredicate>(pick(7));
    k.eps = pick(4) == 0 ? -1.0 : 1e-5 * pick(3);
    k.approximate = static_cast<fb::GeluApproximation>(pick(3));
    std::vector<Host> hosts;
    size_t numOperands;
    if (fromExample) {
      // The example's attributes, each kept with probability 3/4.
      fb::CpuKernelT random = k;
      k = example->kernel;
      if (pick(4) == 0)
        k.axis = random.axis;
      if (pick(4) == 0)
        k.start = random.start;
      if (pick(4) == 0)
        k.eps = random.eps;
      numOperands = example->operands.size();
      for (size_t i = 0; i < numOperands + example->results.size(); ++i) {
        TensorDesc d = i < numOperands ? example->operands[i]
                                       : example->results[i - numOperands];
        if (!d.shape.empty() && pick(6) == 0)
          d.shape[pick(static_cast<int>(d.shape.size()))] = pick(5);
        if (pick(10) == 0)
          d.dtype = dtypes[pick(5)];
        hosts.push_back(randomHost(d.dtype, d.shape, -1, 4, iter));
      }
    } else {
      // Mostly the right arity and one shared dtype, so many kernels pass.
      numOperands = pick(10) ? arityOf(k.op) : pick(4);
      size_t numResults = pick(10) ? 1 : pick(3);
      DType shared = dtypes[pick(5)];
      for (size_t i = 0; i < numOperands + numResults; ++i)
        hosts.push_back(randomHost(pick(4) ? shared : dtypes[pick(5)],
                                   shapes[pick(numShapes)], -1, 4, iter));
    }
    std::vector<Host *> ops, res;
    for (size_t i = 0; i < hosts.size(); ++i)
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
