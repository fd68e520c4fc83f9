// The fused loop interpreter (runtime/cpu/Fused.cpp): a region computes
// the bits its ops compute one by one, over tiles that do not divide the
// iteration space, with broadcast, scalar and i1 operands; results may
// overwrite operands read at the same index; malformed programs are
// refused with a message naming the step.
#include "CpuKernelsTestUtil.h"

namespace mlc::rt::cpu::test {
namespace {

using S = fb::FusedStep;
using P = fb::ComparePredicate;
using G = fb::GeluApproximation;

/// A FusedLoop in its own flatbuffer.
class LoopBuf {
public:
  LoopBuf(Shape shape, std::vector<S> steps, std::vector<uint16_t> results) {
    fbb_.Finish(fb::CreateFusedLoopDirect(fbb_, &shape, &steps, &results));
  }
  const fb::FusedLoop &get() const {
    return *flatbuffers::GetRoot<fb::FusedLoop>(fbb_.GetBufferPointer());
  }

private:
  flatbuffers::FlatBufferBuilder fbb_;
};

std::vector<const TensorDesc *> descs(std::vector<Host *> hosts) {
  std::vector<const TensorDesc *> d;
  for (Host *h : hosts)
    d.push_back(&h->desc);
  return d;
}

std::vector<TensorRef> refs(std::vector<Host *> hosts) {
  std::vector<TensorRef> r;
  for (Host *h : hosts)
    r.push_back(h->ref());
  return r;
}

void fill(Host &h, std::mt19937 &rng) {
  std::normal_distribution<float> normal(0.0f, 2.0f);
  for (int64_t i = 0; i < h.size(); ++i) {
    float v = normal(rng);
    std::memcpy(h.bytes.get() + 4 * i, &v, 4);
  }
}

/// Runs one built-in kernel (the op-by-op reference).
void runKernel(fb::CpuKernelT k, std::vector<Host *> operands,
               std::vector<Host *> results) {
  KernelBuf buf(k);
  ASSERT_TRUE(checkKernel(buf.get(), descs(operands), descs(results)).isOk());
  auto cmd = prepareKernel(buf.get(), refs(operands), refs(results));
  ASSERT_TRUE(cmd.isOk()) << cmd.status().message();
  ASSERT_TRUE((*cmd)->run().isOk());
}

bool sameBytes(const Host &a, const Host &b) {
  return a.desc == b.desc &&
         std::memcmp(a.bytes.get(), b.bytes.get(), a.desc.byteSize()) == 0;
}

TEST(FusedLoop, MatchesOpByOpBitForBit) {
  // y = gelu_tanh(x + row) * scale; m = y > col; z = select(m, y, x)
  // over [37, 29] (1073 elements: three tiles, the last partial), with
  // `row` [29] and `col` [37, 1] broadcast and `scale` a scalar.
  std::mt19937 rng(7);
  Shape shape{37, 29};
  Host x(DType::f32, shape), row(DType::f32, {29}), col(DType::f32, {37, 1}),
      scale(DType::f32, {});
  for (Host *h : {&x, &row, &col, &scale})
    fill(*h, rng);

  Host sum(DType::f32, shape), g(DType::f32, shape), y(DType::f32, shape),
      m(DType::i1, shape), z(DType::f32, shape);
  runKernel(kernelOf(OpKind::add), {&x, &row}, {&sum});
  fb::CpuKernelT gelu = kernelOf(OpKind::gelu);
  gelu.approximate = G::tanh;
  runKernel(gelu, {&sum}, {&g});
  runKernel(kernelOf(OpKind::mul), {&g, &scale}, {&y});
  fb::CpuKernelT gt = kernelOf(OpKind::compare);
  gt.predicate = P::gt;
  runKernel(gt, {&y, &col}, {&m});
  runKernel(kernelOf(OpKind::select), {&m, &y, &x}, {&z});

  LoopBuf loop(shape,
               {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::add, 0, 1),
                fusedStep(OpKind::gelu, 2, 0, 0, DType::f32, P::eq, G::tanh),
                fusedLoad(2), fusedStep(OpKind::mul, 3, 4), fusedLoad(3),
                fusedStep(OpKind::compare, 5, 6, 0, DType::i1, P::gt),
                fusedStep(OpKind::select, 7, 5, 0)},
               {5, 7, 8});
  Host fy(DType::f32, shape), fm(DType::i1, shape), fz(DType::f32, shape);
  ASSERT_TRUE(checkFusedLoop(loop.get(), descs({&x, &row, &scale, &col}),
                             descs({&fy, &fm, &fz}))
                  .isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs({&x, &row, &scale, &col}),
                              refs({&fy, &fm, &fz}));
  ASSERT_TRUE(cmd.isOk()) << cmd.status().message();
  ASSERT_TRUE((*cmd)->run().isOk());
  EXPECT_TRUE(sameBytes(fy, y));
  EXPECT_TRUE(sameBytes(fm, m));
  EXPECT_TRUE(sameBytes(fz, z));
}

TEST(FusedLoop, ScalarStepsAndI1Operands) {
  // r = cast(mask) * (a * a) + 1 with `a` a scalar: a * a runs once; the
  // i1 operand is read as 0 or 1 (any nonzero byte is true).
  Shape shape{1000};
  Host mask(DType::i1, shape), a(DType::f32, {}), one(DType::f32, {});
  for (int64_t i = 0; i < mask.size(); ++i)
    mask.bytes[i] = static_cast<uint8_t>(i % 3 == 0 ? 0 : i % 7 + 1);
  float av = 3.0f, ov = 1.0f;
  std::memcpy(a.bytes.get(), &av, 4);
  std::memcpy(one.bytes.get(), &ov, 4);
  LoopBuf loop(shape,
               {fusedLoad(0, DType::i1), fusedStep(OpKind::cast, 0),
                fusedLoad(1), fusedStep(OpKind::mul, 2, 2),
                fusedStep(OpKind::mul, 1, 3), fusedLoad(2),
                fusedStep(OpKind::add, 4, 5)},
               {6});
  Host r(DType::f32, shape);
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs({&mask, &a, &one}), descs({&r})).isOk());
  auto cmd =
      prepareFusedLoop(loop.get(), refs({&mask, &a, &one}), refs({&r}));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  for (int64_t i = 0; i < r.size(); ++i)
    ASSERT_EQ(r.get(i), i % 3 == 0 ? 1.0 : 10.0) << "at " << i;
}

TEST(FusedLoop, ResultOverwritesAnOperandReadAtTheSameIndex) {
  // p = p - lr * g in place, as an optimizer update runs.
  Shape shape{3000};
  Host p(DType::f32, shape), g(DType::f32, shape), lr(DType::f32, {});
  std::mt19937 rng(1);
  fill(p, rng);
  fill(g, rng);
  float lv = 0.5f;
  std::memcpy(lr.bytes.get(), &lv, 4);
  std::vector<float> want(3000);
  for (int64_t i = 0; i < 3000; ++i)
    want[i] = static_cast<float>(p.get(i)) -
              static_cast<float>(g.get(i)) * lv;
  LoopBuf loop(shape,
               {fusedLoad(0), fusedLoad(1), fusedLoad(2),
                fusedStep(OpKind::mul, 1, 2), fusedStep(OpKind::sub, 0, 3)},
               {4});
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs({&p, &g, &lr}), descs({&p})).isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs({&p, &g, &lr}), refs({&p}));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  for (int64_t i = 0; i < 3000; ++i)
    ASSERT_EQ(static_cast<float>(p.get(i)), want[i]) << "at " << i;
}

std::string checkError(const LoopBuf &loop, std::vector<Host *> operands,
                       std::vector<Host *> results) {
  Status s = checkFusedLoop(loop.get(), descs(operands), descs(results));
  return s.isOk() ? "ok" : s.message();
}

TEST(FusedLoop, RefusesMalformedPrograms) {
  Shape shape{4, 8};
  Host x(DType::f32, shape), out(DType::f32, shape), wide(DType::f32, {4, 9}),
      ints(DType::i32, shape), bad(DType::i1, shape);
  auto expect = [](const std::string &message, const std::string &part) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "'" << message << "' does not say '" << part << "'";
  };
  expect(
      checkError(LoopBuf(shape, {fusedLoad(0), fusedStep(OpKind::neg, 1)}, {1}),
                 {&x}, {&out}),
      "step 1 (neg) reads register 1, which is not an earlier step");
  expect(checkError(LoopBuf(shape, {fusedLoad(3)}, {0}), {&x}, {&out}),
         "step 0 (copy) reads operand 3 of 1");
  expect(
      checkError(
          LoopBuf(shape, {fusedLoad(0), fusedStep(OpKind::matmul, 0, 0)}, {1}),
          {&x}, {&out}),
      "step 1 (matmul) is not an elementwise kind");
  expect(checkError(LoopBuf(shape, {fusedLoad(0)}, {5}), {&x}, {&out}),
         "result 0 is register 5 of 1");
  expect(checkError(LoopBuf(shape, {fusedLoad(0)}, {0}), {&x}, {&wide}),
         "result 0 is 4x9xf32, expected 4x8xf32");
  expect(checkError(LoopBuf(shape, {fusedLoad(0)}, {0}), {&ints}, {&out}),
         "operand 0 (4x8xi32) must be f32 or i1");
  expect(checkError(
             LoopBuf(shape,
                     {fusedLoad(0), fusedStep(OpKind::add, 0, 0, 0, DType::i1)},
                     {1}),
             {&x}, {&bad}),
         "step 1 (add) must produce f32, found i1");
  expect(checkError(
             LoopBuf(shape,
                     {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::add, 0, 1)},
                     {2}),
             {&x, &wide}, {&out}),
         "operand 1 (4x9xf32) must be f32 or i1 and broadcast");
  Host two(DType::f32, shape);
  expect(checkError(LoopBuf(shape, {fusedLoad(0)}, {0, 0}), {&x}, {&two, &two}),
         "results 0 and 1 are one buffer");
}

} // namespace
} // namespace mlc::rt::cpu::test
