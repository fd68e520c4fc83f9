// The reduction region interpreter (runtime/cpu/FusedReduce.cpp): a "row"
// or "column" region computes the bits its ops compute one by one (the
// single-op kernels as the reference), for tiles of whole rows, streamed
// long rows and blocks of columns that do not divide the iteration space,
// with broadcast, uniform and i1 operands, with any thread count; results
// may overwrite operands read at the same index; malformed programs are
// refused with a message naming what is wrong.
#include "CpuKernelsTestUtil.h"

#include "runtime/cpu/Parallel.h"

namespace mlc::rt::cpu::test {
namespace {

using S = fb::FusedStep;
using P = fb::ComparePredicate;
using G = fb::GeluApproximation;
using Layout = fb::ReduceLayout;

/// A FusedReduce in its own flatbuffer, checked and run on host tensors.
class Region {
public:
  Region(Layout layout, Shape shape, Shape axes, std::vector<S> steps,
         std::vector<uint16_t> results) {
    fbb_.Finish(fb::CreateFusedReduceDirect(fbb_, layout, &shape, &axes, &steps,
                                            &results));
  }

  /// checkFusedReduce's message, or "ok".
  std::string checkError(const std::vector<Host *> &operands,
                         const std::vector<Host *> &results) const {
    Status s = checkFusedReduce(program(), descsOf(operands), descsOf(results));
    return s.isOk() ? "ok" : s.message();
  }

  /// checkFusedReduce, prepareFusedReduce and one run().
  Status run(const std::vector<Host *> &operands,
             const std::vector<Host *> &results) const {
    MLC_RETURN_IF_ERROR(
        checkFusedReduce(program(), descsOf(operands), descsOf(results)));
    std::vector<TensorRef> operandRefs, resultRefs;
    for (Host *h : operands)
      operandRefs.push_back(h->ref());
    for (Host *h : results)
      resultRefs.push_back(h->ref());
    auto cmd = prepareFusedReduce(program(), operandRefs, resultRefs);
    if (!cmd)
      return cmd.status();
    return (*cmd)->run();
  }

private:
  const fb::FusedReduce &program() const {
    return *flatbuffers::GetRoot<fb::FusedReduce>(fbb_.GetBufferPointer());
  }
  static std::vector<const TensorDesc *>
  descsOf(const std::vector<Host *> &hosts) {
    std::vector<const TensorDesc *> d;
    for (Host *h : hosts)
      d.push_back(&h->desc);
    return d;
  }

  flatbuffers::FlatBufferBuilder fbb_;
};

void runRegion(const Region &region, const std::vector<Host *> &operands,
               const std::vector<Host *> &results) {
  Status s = region.run(operands, results);
  ASSERT_TRUE(s.isOk()) << s.message();
}

void fill(Host &h, std::mt19937 &rng, float mean = 0.0f) {
  std::normal_distribution<float> normal(mean, 2.0f);
  for (int64_t i = 0; i < h.size(); ++i)
    h.set(i, normal(rng));
}

fb::CpuKernelT reduction(OpKind op, Shape axes, bool keepdims) {
  fb::CpuKernelT k = kernelOf(op);
  k.axes = std::move(axes);
  k.keepdims = keepdims;
  return k;
}

/// Whether two tensors hold the same bytes; names the first element that
/// differs otherwise.
::testing::AssertionResult sameBits(const Host &got, const Host &want) {
  if (got.desc != want.desc)
    return ::testing::AssertionFailure()
           << got.desc.str() << " against " << want.desc.str();
  size_t width = dtypeSize(got.desc.dtype);
  for (int64_t i = 0; i < got.size(); ++i)
    if (std::memcmp(got.bytes.get() + i * width, want.bytes.get() + i * width,
                    width) != 0)
      return ::testing::AssertionFailure()
             << "element " << i << ": " << got.get(i) << " against "
             << want.get(i);
  return ::testing::AssertionSuccess();
}

//===----------------------------------------------------------------------===//
// Rows
//===----------------------------------------------------------------------===//

/// A layer norm's row statistics and normalized values over [37, 29]
/// (tiles of 17 whole rows, the last partial): the row mean, x minus it,
/// the variance, rsqrt(var + eps), xhat and xhat * w (w [29] broadcast),
/// and the maximum of the result per row; results of the iteration shape,
/// per row with keepdims and without.
struct NormRows {
  Shape shape{37, 29};
  Host x{DType::f32, shape}, w{DType::f32, {29}}, eps{DType::f32, {}};
  NormRows() {
    std::mt19937 rng(3);
    fill(x, rng, 1.0f);
    fill(w, rng);
    eps.set(0, 1e-5f);
  }
  Region region() const {
    return Region(Layout::row, shape, {1},
                  {fusedLoad(0), fusedStep(OpKind::reduce_mean, 0),
                   fusedStep(OpKind::sub, 0, 1), fusedStep(OpKind::mul, 2, 2),
                   fusedStep(OpKind::reduce_mean, 3), fusedLoad(2),
                   fusedStep(OpKind::add, 4, 5), fusedStep(OpKind::rsqrt, 6),
                   fusedStep(OpKind::mul, 2, 7), fusedLoad(1),
                   fusedStep(OpKind::mul, 8, 9),
                   fusedStep(OpKind::reduce_max, 10)},
                  {8, 10, 7, 11, 1});
  }
};

TEST(FusedReduce, RowsMatchOpByOpBitForBit) {
  NormRows n;
  Shape rows{37, 1};
  Host mean(DType::f32, rows), xc(DType::f32, n.shape), sq(DType::f32, n.shape),
      var(DType::f32, rows), ve(DType::f32, rows), rstd(DType::f32, rows),
      xhat(DType::f32, n.shape), y(DType::f32, n.shape), ymax(DType::f32, {37}),
      mean2(DType::f32, {37});
  ASSERT_RUNS(reduction(OpKind::reduce_mean, {1}, true), {&n.x}, {&mean});
  ASSERT_RUNS(reduction(OpKind::reduce_mean, {1}, false), {&n.x}, {&mean2});
  ASSERT_RUNS(kernelOf(OpKind::sub), {&n.x, &mean}, {&xc});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&xc, &xc}, {&sq});
  ASSERT_RUNS(reduction(OpKind::reduce_mean, {1}, true), {&sq}, {&var});
  ASSERT_RUNS(kernelOf(OpKind::add), {&var, &n.eps}, {&ve});
  ASSERT_RUNS(kernelOf(OpKind::rsqrt), {&ve}, {&rstd});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&xc, &rstd}, {&xhat});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&xhat, &n.w}, {&y});
  ASSERT_RUNS(reduction(OpKind::reduce_max, {1}, false), {&y}, {&ymax});

  Host fxhat(DType::f32, n.shape), fy(DType::f32, n.shape),
      frstd(DType::f32, rows), fmax(DType::f32, {37}), fmean(DType::f32, {37});
  runRegion(n.region(), {&n.x, &n.w, &n.eps},
            {&fxhat, &fy, &frstd, &fmax, &fmean});
  EXPECT_TRUE(sameBits(fxhat, xhat));
  EXPECT_TRUE(sameBits(fy, y));
  EXPECT_TRUE(sameBits(frstd, rstd));
  EXPECT_TRUE(sameBits(fmax, ymax));
  EXPECT_TRUE(sameBits(fmean, mean2));
}

TEST(FusedReduce, LongRowsStreamInPiecesWithTheSameBits) {
  // Rows of 5003 elements (pieces of 2048, the last not a multiple of 16):
  // exp(x) and its sum and maximum per row, nothing reading them back.
  Shape shape{3, 5003};
  Host x(DType::f32, shape);
  std::mt19937 rng(5);
  fill(x, rng);
  Host e(DType::f32, shape), sum(DType::f32, {3, 1}), max(DType::f32, {3, 1});
  ASSERT_RUNS(kernelOf(OpKind::exp), {&x}, {&e});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {1}, true), {&e}, {&sum});
  ASSERT_RUNS(reduction(OpKind::reduce_max, {1}, true), {&x}, {&max});
  Host fe(DType::f32, shape), fsum(DType::f32, {3, 1}),
      fmax(DType::f32, {3, 1});
  runRegion(Region(Layout::row, shape, {1},
                   {fusedLoad(0), fusedStep(OpKind::exp, 0),
                    fusedStep(OpKind::reduce_sum, 1),
                    fusedStep(OpKind::reduce_max, 0)},
                   {1, 2, 3}),
            {&x}, {&fe, &fsum, &fmax});
  EXPECT_TRUE(sameBits(fe, e));
  EXPECT_TRUE(sameBits(fsum, sum));
  EXPECT_TRUE(sameBits(fmax, max));
}

TEST(FusedReduce, LongRowsReadBackAreKeptWhole) {
  // A softmax of rows of 3001 written out: max, x - max, exp, sum, div.
  Shape shape{2, 3001}, rows{2, 1};
  Host x(DType::f32, shape);
  std::mt19937 rng(9);
  fill(x, rng);
  Host m(DType::f32, rows), s(DType::f32, shape), e(DType::f32, shape),
      z(DType::f32, rows), y(DType::f32, shape);
  ASSERT_RUNS(reduction(OpKind::reduce_max, {1}, true), {&x}, {&m});
  ASSERT_RUNS(kernelOf(OpKind::sub), {&x, &m}, {&s});
  ASSERT_RUNS(kernelOf(OpKind::exp), {&s}, {&e});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {1}, true), {&e}, {&z});
  ASSERT_RUNS(kernelOf(OpKind::div), {&e, &z}, {&y});
  Host fy(DType::f32, shape);
  runRegion(
      Region(Layout::row, shape, {1},
             {fusedLoad(0), fusedStep(OpKind::reduce_max, 0),
              fusedStep(OpKind::sub, 0, 1), fusedStep(OpKind::exp, 2),
              fusedStep(OpKind::reduce_sum, 3), fusedStep(OpKind::div, 3, 4)},
             {5}),
      {&x}, {&fy});
  EXPECT_TRUE(sameBits(fy, y));
}

TEST(FusedReduce, OneRowSumOfSquares) {
  // A gradient's sum of squares for clipping: one row of 23100, streamed.
  Shape shape{300, 77};
  Host g(DType::f32, shape);
  std::mt19937 rng(11);
  fill(g, rng);
  Host sq(DType::f32, shape), sum(DType::f32, {});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&g, &g}, {&sq});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0, 1}, false), {&sq}, {&sum});
  Host fsum(DType::f32, {});
  runRegion(Region(Layout::row, shape, {0, 1},
                   {fusedLoad(0), fusedStep(OpKind::mul, 0, 0),
                    fusedStep(OpKind::reduce_sum, 1)},
                   {2}),
            {&g}, {&fsum});
  EXPECT_TRUE(sameBits(fsum, sum));
}

TEST(FusedReduce, MasksAndUniformValues) {
  // relu's gradient summed per row: select(x > 0, g, 0) with the i1 mask
  // an operand, and a uniform value (scale * scale) computed once; a
  // result per row broadcast back to the iteration shape.
  Shape shape{50, 40};
  Host mask(DType::i1, shape), g(DType::f32, shape), zero(DType::f32, {}),
      scale(DType::f32, {1});
  std::mt19937 rng(2);
  fill(g, rng);
  for (int64_t i = 0; i < mask.size(); ++i)
    mask.bytes[i] = static_cast<uint8_t>(i % 3 == 0 ? 0 : i % 5 + 1);
  zero.set(0, 0.0f);
  scale.set(0, 1.5f);
  Host sel(DType::f32, shape), ss(DType::f32, {1}), scaled(DType::f32, shape),
      sum(DType::f32, {50, 1}), spread(DType::f32, shape);
  ASSERT_RUNS(kernelOf(OpKind::select), {&mask, &g, &zero}, {&sel});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&scale, &scale}, {&ss});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&sel, &ss}, {&scaled});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {1}, true), {&scaled}, {&sum});
  ASSERT_RUNS(kernelOf(OpKind::broadcast_to), {&sum}, {&spread});
  Host fsum(DType::f32, {50, 1}), fspread(DType::f32, shape);
  runRegion(Region(Layout::row, shape, {1},
                   {fusedLoad(0, DType::i1), fusedLoad(1), fusedLoad(2),
                    fusedStep(OpKind::select, 0, 1, 2), fusedLoad(3),
                    fusedStep(OpKind::mul, 4, 4), fusedStep(OpKind::mul, 3, 5),
                    fusedStep(OpKind::reduce_sum, 6)},
                   {7, 7}),
            {&mask, &g, &zero, &scale}, {&fsum, &fspread});
  EXPECT_TRUE(sameBits(fsum, sum));
  EXPECT_TRUE(sameBits(fspread, spread));
}

/// Puts +-2^70 pairs into every row of `h` ([rows, n]) at `first` and
/// `second`: an f64 sum loses the values added between them, so which ones
/// it loses shows the order it adds in.
void cancelling(Host &h, int64_t n, int64_t first, int64_t second) {
  float big = std::ldexp(1.0f, 70), small = -big;
  for (int64_t row = 0; row * n < h.size(); ++row) {
    std::memcpy(h.bytes.get() + 4 * (row * n + first), &big, 4);
    std::memcpy(h.bytes.get() + 4 * (row * n + second), &small, 4);
  }
}

TEST(FusedReduce, RowsAddInTheOrderOfTheSingleOpKernels) {
  // Rows of 29 (lanes and a remainder), of 5003 (streamed: the pair lies
  // in two pieces) and of 3001 (kept whole, read back).
  for (auto [n, second, back] :
       {std::tuple<int64_t, int64_t, bool>{29, 8, false},
        {5003, 2400, false},
        {3001, 2400, true}}) {
    SCOPED_TRACE("rows of " + std::to_string(n));
    Shape shape{3, n};
    Host x(DType::f32, shape);
    std::mt19937 rng(13);
    fill(x, rng);
    cancelling(x, n, 0, second);
    Host sum(DType::f32, {3, 1}), y(DType::f32, shape);
    ASSERT_RUNS(reduction(OpKind::reduce_sum, {1}, true), {&x}, {&sum});
    ASSERT_RUNS(kernelOf(OpKind::sub), {&x, &sum}, {&y});
    Host fsum(DType::f32, {3, 1}), fy(DType::f32, shape);
    std::vector<S> steps{fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)};
    if (back)
      steps.push_back(fusedStep(OpKind::sub, 0, 1));
    runRegion(
        Region(Layout::row, shape, {1}, steps,
               back ? std::vector<uint16_t>{1, 2} : std::vector<uint16_t>{1}),
        {&x},
        back ? std::vector<Host *>{&fsum, &fy} : std::vector<Host *>{&fsum});
    EXPECT_TRUE(sameBits(fsum, sum));
    if (back)
      EXPECT_TRUE(sameBits(fy, y));
  }
}

//===----------------------------------------------------------------------===//
// Columns
//===----------------------------------------------------------------------===//

/// A norm's weight and bias gradients and a bias gradient of a computed
/// value over [45, 300] (blocks of 64 columns, the last partial): sum of
/// g * xhat and of g, the mean and maximum of tanh(g) + b (b [300], read
/// per column), and tanh(g) + b itself.
struct WeightGrads {
  Shape shape{45, 300};
  Host g{DType::f32, shape}, xhat{DType::f32, shape}, b{DType::f32, {300}};
  WeightGrads() {
    std::mt19937 rng(4);
    fill(g, rng);
    fill(xhat, rng);
    fill(b, rng);
  }
  Region region() const {
    return Region(
        Layout::column, shape, {0},
        {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::mul, 0, 1),
         fusedStep(OpKind::reduce_sum, 2), fusedStep(OpKind::reduce_sum, 0),
         fusedStep(OpKind::tanh, 0), fusedLoad(2), fusedStep(OpKind::add, 5, 6),
         fusedStep(OpKind::reduce_mean, 7), fusedStep(OpKind::reduce_max, 7)},
        {3, 4, 8, 9, 7});
  }
};

TEST(FusedReduce, ColumnsMatchOpByOpBitForBit) {
  WeightGrads w;
  Shape cols{300};
  Host gx(DType::f32, w.shape), dw(DType::f32, cols), db(DType::f32, cols),
      t(DType::f32, w.shape), tb(DType::f32, w.shape),
      mean(DType::f32, {1, 300}), max(DType::f32, cols);
  ASSERT_RUNS(kernelOf(OpKind::mul), {&w.g, &w.xhat}, {&gx});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0}, false), {&gx}, {&dw});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0}, false), {&w.g}, {&db});
  ASSERT_RUNS(kernelOf(OpKind::tanh), {&w.g}, {&t});
  ASSERT_RUNS(kernelOf(OpKind::add), {&t, &w.b}, {&tb});
  ASSERT_RUNS(reduction(OpKind::reduce_mean, {0}, true), {&tb}, {&mean});
  ASSERT_RUNS(reduction(OpKind::reduce_max, {0}, false), {&tb}, {&max});
  Host fdw(DType::f32, cols), fdb(DType::f32, cols),
      fmean(DType::f32, {1, 300}), fmax(DType::f32, cols),
      ftb(DType::f32, w.shape);
  runRegion(w.region(), {&w.g, &w.xhat, &w.b},
            {&fdw, &fdb, &fmean, &fmax, &ftb});
  EXPECT_TRUE(sameBits(fdw, dw));
  EXPECT_TRUE(sameBits(fdb, db));
  EXPECT_TRUE(sameBits(fmean, mean));
  EXPECT_TRUE(sameBits(fmax, max));
  EXPECT_TRUE(sameBits(ftb, tb));
}

TEST(FusedReduce, FewColumnsOverManyRows) {
  // Sums over batch and sequence of [5, 7, 16]: all 16 columns in one
  // block, tiles of 32 whole rows.
  Shape shape{5, 7, 16};
  Host g(DType::f32, shape), x(DType::f32, shape);
  std::mt19937 rng(6);
  fill(g, rng);
  fill(x, rng);
  Host gx(DType::f32, shape), s0(DType::f32, {16}), s1(DType::f32, {16});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&g, &x}, {&gx});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0, 1}, false), {&gx}, {&s0});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0, 1}, false), {&g}, {&s1});
  Host f0(DType::f32, {16}), f1(DType::f32, {16});
  runRegion(Region(Layout::column, shape, {0, 1},
                   {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::mul, 0, 1),
                    fusedStep(OpKind::reduce_sum, 2),
                    fusedStep(OpKind::reduce_sum, 0)},
                   {3, 4}),
            {&g, &x}, {&f0, &f1});
  EXPECT_TRUE(sameBits(f0, s0));
  EXPECT_TRUE(sameBits(f1, s1));
}

TEST(FusedReduce, ColumnsAddRowAfterRow) {
  // +-2^70 in rows 0 and 30 of every column: rows 1 to 29 are lost, the
  // later ones kept, as the single-op kernel adds them.
  Shape shape{45, 300};
  Host x(DType::f32, shape);
  std::mt19937 rng(14);
  fill(x, rng);
  float big = std::ldexp(1.0f, 70), small = -big;
  for (int64_t j = 0; j < 300; ++j) {
    std::memcpy(x.bytes.get() + 4 * j, &big, 4);
    std::memcpy(x.bytes.get() + 4 * (30 * 300 + j), &small, 4);
  }
  Host sum(DType::f32, {300});
  ASSERT_RUNS(reduction(OpKind::reduce_sum, {0}, false), {&x}, {&sum});
  Host fsum(DType::f32, {300});
  runRegion(Region(Layout::column, shape, {0},
                   {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)}, {1}),
            {&x}, {&fsum});
  EXPECT_TRUE(sameBits(fsum, sum));
}

//===----------------------------------------------------------------------===//
// Threads and memory
//===----------------------------------------------------------------------===//

/// Runs `region` without a pool, then with 1, 2 and 3 threads, and expects
/// the same bytes every time; 2 and 3 threads must split the work.
void expectSameBitsForAnyThreadCount(const Region &region,
                                     std::vector<Host *> operands,
                                     std::vector<TensorDesc> specs) {
  auto runWith = [&](ThreadPool *pool) {
    std::vector<Host> results;
    std::vector<Host *> pointers;
    results.reserve(specs.size());
    for (const TensorDesc &spec : specs)
      results.emplace_back(spec.dtype, spec.shape);
    for (Host &r : results)
      pointers.push_back(&r);
    ParallelScope scope(pool);
    runRegion(region, operands, pointers);
    return results;
  };
  std::vector<Host> serial = runWith(nullptr);
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    ThreadPool pool(threads);
    std::vector<Host> results = runWith(&pool);
    if (threads > 1)
      EXPECT_GT(pool.splitLoops(), 0u) << "the region did not split its work";
    for (size_t r = 0; r < results.size(); ++r)
      EXPECT_TRUE(sameBits(results[r], serial[r])) << "result " << r;
  }
}

TEST(FusedReduce, SameBitsForAnyThreadCount) {
  {
    SCOPED_TRACE("rows");
    NormRows n;
    n.shape = {3000, 29};
    Host x(DType::f32, n.shape);
    std::mt19937 rng(8);
    fill(x, rng);
    expectSameBitsForAnyThreadCount(n.region(), {&x, &n.w, &n.eps},
                                    {{DType::f32, n.shape},
                                     {DType::f32, n.shape},
                                     {DType::f32, {3000, 1}},
                                     {DType::f32, {3000}},
                                     {DType::f32, {3000}}});
  }
  {
    SCOPED_TRACE("columns");
    WeightGrads w;
    w.shape = {400, 300};
    Host g(DType::f32, w.shape), xhat(DType::f32, w.shape);
    std::mt19937 rng(10);
    fill(g, rng);
    fill(xhat, rng);
    expectSameBitsForAnyThreadCount(w.region(), {&g, &xhat, &w.b},
                                    {{DType::f32, {300}},
                                     {DType::f32, {300}},
                                     {DType::f32, {1, 300}},
                                     {DType::f32, {300}},
                                     {DType::f32, w.shape}});
  }
}

TEST(FusedReduce, ResultsOverwriteOperandsReadAtTheSameIndex) {
  // x = x - mean(x) in place, and the running mean m = 0.5 m + 0.5 mean
  // over m's own buffer, both read before they are written.
  Shape shape{20, 33}, rows{20, 1};
  Host x(DType::f32, shape), m(DType::f32, rows), half(DType::f32, {});
  std::mt19937 rng(12);
  fill(x, rng);
  fill(m, rng);
  half.set(0, 0.5f);
  Host mean(DType::f32, rows), xc(DType::f32, shape), a(DType::f32, rows),
      b(DType::f32, rows), m2(DType::f32, rows);
  ASSERT_RUNS(reduction(OpKind::reduce_mean, {1}, true), {&x}, {&mean});
  ASSERT_RUNS(kernelOf(OpKind::sub), {&x, &mean}, {&xc});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&m, &half}, {&a});
  ASSERT_RUNS(kernelOf(OpKind::mul), {&mean, &half}, {&b});
  ASSERT_RUNS(kernelOf(OpKind::add), {&a, &b}, {&m2});
  runRegion(Region(Layout::row, shape, {1},
                   {fusedLoad(0), fusedStep(OpKind::reduce_mean, 0),
                    fusedStep(OpKind::sub, 0, 1), fusedLoad(1), fusedLoad(2),
                    fusedStep(OpKind::mul, 3, 4), fusedStep(OpKind::mul, 1, 4),
                    fusedStep(OpKind::add, 5, 6)},
                   {2, 7}),
            {&x, &m, &half}, {&x, &m});
  EXPECT_TRUE(sameBits(x, xc));
  EXPECT_TRUE(sameBits(m, m2));
}

//===----------------------------------------------------------------------===//
// Malformed programs
//===----------------------------------------------------------------------===//

std::string checkError(const Region &region, std::vector<Host *> operands,
                       std::vector<Host *> results) {
  return region.checkError(operands, results);
}

TEST(FusedReduce, RefusesMalformedPrograms) {
  Shape shape{4, 8};
  Host x(DType::f32, shape), out(DType::f32, shape), rows(DType::f32, {4, 1}),
      cols(DType::f32, {8}), other(DType::f32, {8}), mask(DType::i1, shape),
      row8(DType::f32, {8});
  auto expect = [](const std::string &message, const std::string &part) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "'" << message << "' does not say '" << part << "'";
  };
  auto sum = [&](Layout layout, Shape axes) {
    return Region(layout, shape, std::move(axes),
                  {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)}, {1});
  };
  expect(checkError(sum(Layout::row, {0}), {&x}, {&cols}),
         "reducing axes [0] of 4x8 is not a row reduction");
  expect(checkError(sum(Layout::column, {1}), {&x}, {&rows}),
         "reducing axes [1] of 4x8 is not a column reduction");
  expect(checkError(sum(Layout::column, {0, 1}), {&x}, {&rows}),
         "reducing axes [0, 1] of 4x8 is not a column reduction");
  expect(checkError(sum(static_cast<Layout>(7), {1}), {&x}, {&rows}),
         "layout 7 is neither row nor column");
  expect(
      checkError(Region(Layout::row, shape, {1, 1},
                        {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)}, {1}),
                 {&x}, {&rows}),
      "axes [1, 1] must be sorted and unique");
  expect(
      checkError(Region(Layout::row, shape, {2},
                        {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)}, {1}),
                 {&x}, {&rows}),
      "axis 2 is out of range for rank 2");
  expect(
      checkError(Region(Layout::row, shape, {1},
                        {fusedLoad(0), fusedStep(OpKind::reduce_sum, 1)}, {1}),
                 {&x}, {&rows}),
      "step 1 (reduce_sum) reads register 1, which is not an earlier step");
  expect(checkError(Region(Layout::row, shape, {1},
                           {fusedLoad(0, DType::i1),
                            fusedStep(OpKind::reduce_max, 0, 0, 0, DType::i1)},
                           {1}),
                    {&mask}, {&rows}),
         "step 1 (reduce_max) reduces f32 into f32 only");
  expect(checkError(Region(Layout::column, shape, {0},
                           {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0),
                            fusedStep(OpKind::sub, 0, 1)},
                           {2}),
                    {&x}, {&out}),
         "step 2 (sub) reads the reduction of step 1; in a column layout");
  expect(checkError(sum(Layout::row, {1}), {&x}, {&cols}),
         "result 0 is 8xf32, expected 4x8xf32 or 4xf32");
  expect(checkError(Region(Layout::row, shape, {1},
                           {fusedLoad(0), fusedStep(OpKind::exp, 0)}, {1}),
                    {&x}, {&rows}),
         "result 0 is 4x1xf32, expected 4x8xf32");
  expect(checkError(sum(Layout::row, {1}), {&x}, {&rows, &rows}),
         "reduction region names 1 results for 2");
  expect(checkError(sum(Layout::row, {1}), {&other}, {&rows}), "ok");
  // A row's sum spread over the row, into the buffer the row is read from.
  expect(checkError(sum(Layout::row, {1}), {&x}, {&x}),
         "result 0 is the buffer of operand 0, which the region reads at "
         "other indices");
  // A row's sum of 8 elements into the buffer of a [8] operand read along
  // each row.
  Host square(DType::f32, {8, 8});
  expect(checkError(
             Region(Layout::row, {8, 8}, {1},
                    {fusedLoad(0), fusedLoad(1), fusedStep(OpKind::mul, 0, 1),
                     fusedStep(OpKind::reduce_sum, 2)},
                    {3}),
             {&square, &row8}, {&row8}),
         "result 0 is the buffer of operand 1, which the region reads at "
         "other indices");
  expect(checkError(Region(Layout::row, shape, {1},
                           {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0),
                            fusedStep(OpKind::reduce_max, 0)},
                           {1, 2}),
                    {&x}, {&rows, &rows}),
         "results 0 and 1 are one buffer");
  Host wide(DType::f32, {4, 9});
  expect(checkError(sum(Layout::row, {1}), {&wide}, {&rows}),
         "operand 0 (4x9xf32) must be f32 or i1 and broadcast to the "
         "iteration shape 4x8");
  expect(
      checkError(Region(Layout::row, shape, {1},
                        {fusedLoad(0), fusedStep(OpKind::matmul, 0, 0)}, {1}),
                 {&x}, {&out}),
      "step 1 (matmul) is not an elementwise kind");
  expect(
      checkError(Region(Layout::column, shape, {0},
                        {fusedLoad(0), fusedStep(OpKind::reduce_sum, 0)}, {1}),
                 {&x}, {&out}),
      "result 0 broadcasts a column's reduction, which is complete only "
      "after the last row");
}

} // namespace
} // namespace mlc::rt::cpu::test
