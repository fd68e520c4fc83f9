// The fused loop interpreter (runtime/cpu/Fused.cpp): a region computes
// the bits its ops compute one by one, over tiles that do not divide the
// iteration space, with broadcast, scalar and i1 operands, rows longer
// and shorter than a tile and unit dims; results may overwrite operands
// read at the same index, and a result written by its step never changes
// what a later step reads; malformed programs are refused with a message
// naming the step.
#include "CpuKernelsTestUtil.h"
#include "runtime/cpu/Parallel.h"

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

TEST(FusedLoop, LongRowsReadBroadcastOperandsInPlace) {
  // z = select(mask, x * col + bias, x * s) over [3, 1100]: rows longer
  // than a tile are cut into tiles within a row, where `bias` [1100] is a
  // run of memory, `col` [3, 1] one value and `mask` [1100] i1 is
  // converted; `s` a scalar.
  std::mt19937 rng(3);
  Shape shape{3, 1100};
  Host x(DType::f32, shape), bias(DType::f32, {1100}), col(DType::f32, {3, 1}),
      s(DType::f32, {}), mask(DType::i1, {1100});
  for (Host *h : {&x, &bias, &col, &s})
    fill(*h, rng);
  for (int64_t i = 0; i < mask.size(); ++i)
    mask.bytes[i] = static_cast<uint8_t>(i % 5 == 0 ? 0 : i % 3 + 1);
  Host xc(DType::f32, shape), a(DType::f32, shape), xs(DType::f32, shape),
      z(DType::f32, shape);
  runKernel(kernelOf(OpKind::mul), {&x, &col}, {&xc});
  runKernel(kernelOf(OpKind::add), {&xc, &bias}, {&a});
  runKernel(kernelOf(OpKind::mul), {&x, &s}, {&xs});
  runKernel(kernelOf(OpKind::select), {&mask, &a, &xs}, {&z});

  LoopBuf loop(shape,
               {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::mul, 0, 1),
                fusedLoad(2), fusedStep(OpKind::add, 2, 3), fusedLoad(3),
                fusedStep(OpKind::mul, 0, 5), fusedLoad(4, DType::i1),
                fusedStep(OpKind::select, 7, 4, 6)},
               {8, 4});
  Host fz(DType::f32, shape), fa(DType::f32, shape);
  std::vector<Host *> operands{&x, &col, &bias, &s, &mask};
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs(operands), descs({&fz, &fa})).isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs(operands), refs({&fz, &fa}));
  ASSERT_TRUE(cmd.isOk()) << cmd.status().message();
  ASSERT_TRUE((*cmd)->run().isOk());
  EXPECT_TRUE(sameBytes(fz, z));
  EXPECT_TRUE(sameBytes(fa, a));
}

TEST(FusedLoop, UnitDimsAndShortRows) {
  // [37, 1, 5] with operands [1, 1, 5] and [37, 1, 1]: the unit dim is
  // dropped, and rows of 5 are grouped into tiles, their broadcast
  // operands read row by row.
  std::mt19937 rng(4);
  Shape shape{37, 1, 5};
  Host x(DType::f32, shape), row(DType::f32, {1, 1, 5}),
      col(DType::f32, {37, 1, 1});
  for (Host *h : {&x, &row, &col})
    fill(*h, rng);
  Host t(DType::f32, shape), y(DType::f32, shape);
  runKernel(kernelOf(OpKind::sub), {&x, &row}, {&t});
  runKernel(kernelOf(OpKind::div), {&t, &col}, {&y});
  LoopBuf loop(shape,
               {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::sub, 0, 1),
                fusedLoad(2), fusedStep(OpKind::div, 2, 3)},
               {4});
  Host fy(DType::f32, shape);
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs({&x, &row, &col}), descs({&fy})).isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs({&x, &row, &col}), refs({&fy}));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  EXPECT_TRUE(sameBytes(fy, y));
}

TEST(FusedLoop, ResultsWrittenEarlyNeverChangeWhatLaterStepsRead) {
  // A step may write its result straight into the result's buffer, but
  // not when the buffer is an operand read after that step. Here both
  // results overwrite operands: r0 = p * 2 into p, whose values step 4
  // still reads; r1 = g * g into g, whose load comes after.
  Shape shape{2500};
  Host p(DType::f32, shape), g(DType::f32, shape), h(DType::f32, shape);
  std::mt19937 rng(5);
  fill(p, rng);
  fill(g, rng);
  std::vector<float> p0(2500), g0(2500);
  for (int64_t i = 0; i < 2500; ++i) {
    p0[i] = static_cast<float>(p.get(i));
    g0[i] = static_cast<float>(g.get(i));
  }
  // 0: p  1: p + p (r0)  2: g  3: g * g (r1)  4: p + r0  5: g again
  // 6: r2 = (p + r0) - g
  LoopBuf loop(shape,
               {fusedLoad(0), fusedStep(OpKind::add, 0, 0), fusedLoad(1),
                fusedStep(OpKind::mul, 2, 2), fusedStep(OpKind::add, 0, 1),
                fusedLoad(1), fusedStep(OpKind::sub, 4, 5)},
               {1, 3, 6});
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs({&p, &g}), descs({&p, &g, &h})).isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs({&p, &g}), refs({&p, &g, &h}));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  for (int64_t i = 0; i < 2500; ++i) {
    float twice = p0[i] + p0[i];
    ASSERT_EQ(static_cast<float>(p.get(i)), twice) << "at " << i;
    ASSERT_EQ(static_cast<float>(g.get(i)), g0[i] * g0[i]) << "at " << i;
    ASSERT_EQ(static_cast<float>(h.get(i)), (p0[i] + twice) - g0[i])
        << "at " << i;
  }
}

TEST(FusedLoop, CastsToF32AndResultsOfLoadsAndScalars) {
  // cast(i1) and cast(f32) to f32 reuse their operand's values; a result
  // may be a loaded operand, a cast, or a scalar step (filled).
  Shape shape{3, 700};
  Host mask(DType::i1, shape), x(DType::f32, shape), a(DType::f32, {});
  for (int64_t i = 0; i < mask.size(); ++i)
    mask.bytes[i] = static_cast<uint8_t>(i % 4 == 0 ? 0 : 9);
  std::mt19937 rng(6);
  fill(x, rng);
  float av = 1.5f;
  std::memcpy(a.bytes.get(), &av, 4);
  LoopBuf loop(shape,
               {fusedLoad(0, DType::i1), fusedStep(OpKind::cast, 0),
                fusedLoad(1), fusedStep(OpKind::cast, 2),
                fusedStep(OpKind::mul, 1, 3), fusedLoad(2),
                fusedStep(OpKind::mul, 5, 5)},
               {4, 2, 1, 6});
  Host r0(DType::f32, shape), r1(DType::f32, shape), r2(DType::f32, shape),
      r3(DType::f32, shape);
  std::vector<Host *> results{&r0, &r1, &r2, &r3};
  ASSERT_TRUE(checkFusedLoop(loop.get(), descs({&mask, &x, &a}), descs(results))
                  .isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs({&mask, &x, &a}), refs(results));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  for (int64_t i = 0; i < x.size(); ++i) {
    double m = i % 4 == 0 ? 0.0 : 1.0;
    ASSERT_EQ(r0.get(i), m * x.get(i)) << "at " << i;
    ASSERT_EQ(r1.get(i), x.get(i)) << "at " << i;
    ASSERT_EQ(r2.get(i), m) << "at " << i;
    ASSERT_EQ(r3.get(i), 2.25) << "at " << i;
  }
}

TEST(FusedLoop, FoldedScalingsGiveTheOpByOpBits) {
  // AdamW's shape of program: m2 = m * b1 + g * c1 and v2 = c2 * v + (g *
  // g) * c3 (scalings folded into the add that reads them), p2 = p - (m2
  // / d) / lr with d = sqrt(v2) / s + eps (a division by one value
  // folded into an add with one value). Then two scalings that must not
  // fold: g * c1 read by two steps, and v * c3 a result.
  Shape shape{3, 1500};
  std::mt19937 rng(9);
  Host p(DType::f32, shape), m(DType::f32, shape), v(DType::f32, shape),
      g(DType::f32, shape);
  for (Host *h : {&p, &m, &v, &g})
    fill(*h, rng);
  for (int64_t i = 0; i < v.size(); ++i) { // v >= 0, as a second moment
    float x = std::fabs(static_cast<float>(v.get(i)));
    std::memcpy(v.bytes.get() + 4 * i, &x, 4);
  }
  std::vector<Host> scalars;
  for (float c : {0.9f, 0.1f, 0.999f, 0.001f, 0.03f, 1e-8f, 1e4f}) {
    scalars.emplace_back(DType::f32, Shape{});
    std::memcpy(scalars.back().bytes.get(), &c, 4);
  }
  Host &b1 = scalars[0], &c1 = scalars[1], &c2 = scalars[2], &c3 = scalars[3],
       &s = scalars[4], &eps = scalars[5], &lr = scalars[6];

  // Op by op.
  auto tmp = [&] { return Host(DType::f32, shape); };
  Host mb = tmp(), gc = tmp(), m2 = tmp(), vc = tmp(), gg = tmp(), ggc = tmp(),
       v2 = tmp(), sq = tmp(), sqs = tmp(), d = tmp(), md = tmp(), mdl = tmp(),
       p2 = tmp(), twice = tmp();
  runKernel(kernelOf(OpKind::mul), {&m, &b1}, {&mb});
  runKernel(kernelOf(OpKind::mul), {&g, &c1}, {&gc});
  runKernel(kernelOf(OpKind::add), {&mb, &gc}, {&m2});
  runKernel(kernelOf(OpKind::mul), {&c2, &v}, {&vc});
  runKernel(kernelOf(OpKind::mul), {&g, &g}, {&gg});
  runKernel(kernelOf(OpKind::mul), {&gg, &c3}, {&ggc});
  runKernel(kernelOf(OpKind::add), {&vc, &ggc}, {&v2});
  runKernel(kernelOf(OpKind::sqrt), {&v2}, {&sq});
  runKernel(kernelOf(OpKind::div), {&sq, &s}, {&sqs});
  runKernel(kernelOf(OpKind::add), {&sqs, &eps}, {&d});
  runKernel(kernelOf(OpKind::div), {&m2, &d}, {&md});
  runKernel(kernelOf(OpKind::div), {&md, &lr}, {&mdl});
  runKernel(kernelOf(OpKind::sub), {&p, &mdl}, {&p2});
  runKernel(kernelOf(OpKind::add), {&gc, &m2}, {&twice});

  // Operands: 0 p, 1 m, 2 v, 3 g, 4 b1, 5 c1, 6 c2, 7 c3, 8 s, 9 eps,
  // 10 lr.
  LoopBuf loop(shape,
               {fusedLoad(1),
                fusedLoad(4),
                fusedStep(OpKind::mul, 0, 1), // 2 m * b1
                fusedLoad(3),
                fusedLoad(5),
                fusedStep(OpKind::mul, 3, 4), // 5 g * c1
                fusedStep(OpKind::add, 2, 5), // 6 m2
                fusedLoad(6),
                fusedLoad(2),
                fusedStep(OpKind::mul, 7, 8), // 9 c2 * v
                fusedStep(OpKind::mul, 3, 3),
                fusedLoad(7),                   // 10 g * g
                fusedStep(OpKind::mul, 10, 11), // 12
                fusedStep(OpKind::add, 9, 12),  // 13 v2
                fusedStep(OpKind::sqrt, 13),
                fusedLoad(8), // 14
                fusedStep(OpKind::div, 14, 15),
                fusedLoad(9),                   // 16
                fusedStep(OpKind::add, 16, 17), // 18 d
                fusedStep(OpKind::div, 6, 18),
                fusedLoad(10), // 19
                fusedStep(OpKind::div, 19, 20),
                fusedLoad(0),                   // 21
                fusedStep(OpKind::sub, 22, 21), // 23 p2
                fusedStep(OpKind::add, 5, 6)},  // 24 twice
               {6, 13, 23, 24, 9});
  Host fm = tmp(), fv = tmp(), fp = tmp(), ftwice = tmp(), fvc = tmp();
  std::vector<Host *> operands{&p,  &m,  &v, &g,   &b1, &c1,
                               &c2, &c3, &s, &eps, &lr};
  std::vector<Host *> results{&fm, &fv, &fp, &ftwice, &fvc};
  ASSERT_TRUE(
      checkFusedLoop(loop.get(), descs(operands), descs(results)).isOk());
  auto cmd = prepareFusedLoop(loop.get(), refs(operands), refs(results));
  ASSERT_TRUE(cmd.isOk());
  ASSERT_TRUE((*cmd)->run().isOk());
  EXPECT_TRUE(sameBytes(fm, m2));
  EXPECT_TRUE(sameBytes(fv, v2));
  EXPECT_TRUE(sameBytes(fp, p2));
  EXPECT_TRUE(sameBytes(ftwice, twice));
  EXPECT_TRUE(sameBytes(fvc, vc));
}

TEST(FusedLoop, SameBitsForAnyThreadCount) {
  // Tiles are split among threads; every element is computed by the same
  // loops wherever its tile runs. Long rows (tiles within a row) and
  // short ones (rows grouped), both splitting unevenly.
  for (Shape shape : {Shape{7, 30001}, Shape{12001, 7}}) {
    std::mt19937 rng(8);
    Host x(DType::f32, shape), row(DType::f32, {shape[1]});
    fill(x, rng);
    fill(row, rng);
    LoopBuf loop(shape,
                 {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::sub, 0, 1),
                  fusedStep(OpKind::gelu, 2, 0, 0, DType::f32, P::eq, G::tanh),
                  fusedStep(OpKind::tanh, 3), fusedStep(OpKind::mul, 4, 0)},
                 {5, 3});
    auto runWith = [&](ThreadPool *pool, Host &a, Host &b) {
      ParallelScope scope(pool);
      auto cmd = prepareFusedLoop(loop.get(), refs({&x, &row}), refs({&a, &b}));
      ASSERT_TRUE(cmd.isOk());
      ASSERT_TRUE((*cmd)->run().isOk());
    };
    Host serial0(DType::f32, shape), serial1(DType::f32, shape);
    runWith(nullptr, serial0, serial1);
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      Host r0(DType::f32, shape), r1(DType::f32, shape);
      runWith(&pool, r0, r1);
      EXPECT_TRUE(sameBytes(r0, serial0)) << threads << " threads";
      EXPECT_TRUE(sameBytes(r1, serial1)) << threads << " threads";
      if (threads > 1)
        EXPECT_GT(pool.splitLoops(), 0u);
    }
  }
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
