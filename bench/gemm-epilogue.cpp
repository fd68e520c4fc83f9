// Whether a GEMM's epilogue pays to run on each block of rows while the
// block is in cache: GPT-2 124M's matmuls with the fused loops that read
// their results (bias, GELU, residual, GELU's gradient), run as mlc runs
// them (OpenBLAS's sgemm, mlc's fused loop interpreter on its thread pool)
// in four ways: the whole GEMM then the whole loop (what mlc does), the
// GEMM by row panels each followed by the loop over the panel, the panels
// spread over mlc's threads, each calling a one-threaded sgemm, and the
// bias given to sgemm as its C (beta = 1). It also times the loop over
// panels already in L2 (what fusion could reach at best) and checks the
// bits of every way against the first. bench/README.md has the results.
#include "runtime/cpu/Kernels.h"
#include "runtime/cpu/Parallel.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace {

using namespace mlc;
using namespace mlc::rt;
using Clock = std::chrono::steady_clock;
using K = fb::OpKind;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The median of x[i] / y[i]: each repetition runs every way back to back,
/// so pairing them cancels much of a shared machine's drift.
double medianRatio(const std::vector<double> &x, const std::vector<double> &y) {
  std::vector<double> ratios;
  for (size_t i = 0; i < x.size(); ++i)
    ratios.push_back(x[i] / y[i]);
  return median(ratios);
}

fb::FusedStep copy(uint16_t operand) {
  return fb::FusedStep(K::copy, fb::DType::f32, fb::ComparePredicate::eq,
                       fb::GeluApproximation::none, operand, 0, 0);
}

fb::FusedStep apply(K op, uint16_t a, uint16_t b = 0,
                    fb::GeluApproximation g = fb::GeluApproximation::none) {
  return fb::FusedStep(op, fb::DType::f32, fb::ComparePredicate::eq, g, a, b,
                       0);
}

/// One matmul of the step and the loop region that reads it. Operand 0 of
/// the loop is the product; operands 1.. are `inputs` ([N] broadcast,
/// [M, N] full, or one value).
struct Case {
  const char *name;
  int m, k, n;
  bool transposeRhs;
  std::vector<fb::FusedStep> steps;
  std::vector<uint16_t> results;
  /// Per input: 'b' a bias [N], 'f' a full [M, N] tensor, 's' a scalar.
  std::string inputs;
  /// Where the first input is a bias: the loop left once the GEMM added its
  /// product to the bias (sgemm's beta = 1), with the same operands; no
  /// steps when nothing is left. Its results are the last ones of
  /// `results` (an earlier one is the GEMM's result itself).
  std::vector<fb::FusedStep> rest = {};
  std::vector<uint16_t> restResults = {};
};

std::vector<Case> gpt2Cases() {
  using G = fb::GeluApproximation;
  std::vector<Case> cases;
  // c_attn: the bias only.
  cases.push_back({"c_attn + bias",
                   256,
                   768,
                   2304,
                   false,
                   {copy(0), copy(1), apply(K::add, 0, 1)},
                   {2},
                   "b",
                   {},
                   {}});
  // attn.c_proj and mlp.c_proj: bias, then the residual.
  std::vector<fb::FusedStep> residual = {copy(0), copy(1), apply(K::add, 0, 1),
                                         copy(2), apply(K::add, 3, 2)};
  std::vector<fb::FusedStep> residualRest = {copy(0), copy(2),
                                             apply(K::add, 1, 0)};
  for (auto [name, k, n] :
       {std::tuple{"attn.c_proj + bias + residual", 768, 768},
        std::tuple{"mlp.c_proj + bias + residual", 3072, 768}})
    cases.push_back(
        {name, 256, k, n, false, residual, {4}, "bf", residualRest, {2}});
  // c_fc: bias and GELU, both kept (the backward pass reads the first).
  cases.push_back(
      {"c_fc + bias + gelu",
       256,
       768,
       3072,
       false,
       {copy(0), copy(1), apply(K::add, 0, 1), apply(K::gelu, 2, 0, G::tanh)},
       {2, 3},
       "b",
       {copy(0), apply(K::gelu, 0, 0, G::tanh)},
       {1}});
  // The GELU's gradient times the product dY W^T, as -mlc-fuse writes it
  // (operand 1 the pre-activation, 2..7 constants).
  cases.push_back({"c_proj grad + gelu grad",
                   256,
                   768,
                   3072,
                   true,
                   {
                       copy(1),               // 0  x
                       apply(K::mul, 0, 0),   // 1  x^2
                       apply(K::mul, 1, 0),   // 2  x^3
                       copy(2),               // 3  0.044715
                       apply(K::mul, 2, 3),   // 4
                       apply(K::add, 0, 4),   // 5
                       copy(3),               // 6  sqrt(2/pi)
                       apply(K::mul, 5, 6),   // 7
                       apply(K::tanh, 7),     // 8  t
                       copy(4),               // 9  1
                       apply(K::add, 8, 9),   // 10
                       copy(5),               // 11 0.5
                       apply(K::mul, 10, 11), // 12
                       apply(K::mul, 8, 8),   // 13
                       apply(K::sub, 9, 13),  // 14 1 - t^2
                       copy(6),               // 15 3 * 0.044715
                       apply(K::mul, 1, 15),  // 16
                       apply(K::add, 16, 9),  // 17
                       copy(7),               // 18 0.5 sqrt(2/pi)
                       apply(K::mul, 17, 18), // 19
                       apply(K::mul, 0, 14),  // 20
                       apply(K::mul, 20, 19), // 21
                       apply(K::add, 12, 21), // 22
                       copy(0),               // 23 the product
                       apply(K::mul, 23, 22), // 24
                   },
                   {24},
                   "fssssss"});
  return cases;
}

/// A case's buffers and its loop, prepared over any block of rows.
class Bench {
public:
  Bench(const Case &c, int panelRows) : c_(c) {
    auto fill = [](std::vector<float> &v, size_t n, unsigned seed) {
      v.resize(n);
      for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<float>((i * 2654435761u + seed) % 2001) / 2000.0f -
               0.5f;
    };
    size_t mn = size_t(c.m) * c.n;
    fill(a_, size_t(c.m) * c.k, 1);
    fill(b_, size_t(c.k) * c.n, 2);
    product_.resize(mn);
    panel_.resize(size_t(panelRows) * c.n);
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      inputs_.emplace_back();
      char kind = c.inputs[i];
      fill(inputs_.back(), kind == 'b' ? c.n : kind == 'f' ? mn : 1, 3 + i);
      if (kind == 's')
        inputs_.back()[0] = 0.25f + 0.125f * i;
    }
    for (size_t i = 0; i < c.results.size(); ++i)
      for (auto *set : {&whole_, &panels_, &threaded_})
        set->emplace_back(mn);
  }

  /// The loop over rows [row, row + rows) reading the product from
  /// `product` (the block's first row) and writing `out`.
  std::unique_ptr<PreparedCommand> loop(int64_t row, int64_t rows,
                                        float *product,
                                        std::vector<std::vector<float>> &out) {
    return loop(c_.steps, c_.results, row, rows, product, out);
  }

  std::unique_ptr<PreparedCommand> loop(const std::vector<fb::FusedStep> &steps,
                                        const std::vector<uint16_t> &results,
                                        int64_t row, int64_t rows,
                                        float *product,
                                        std::vector<std::vector<float>> &out) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<int64_t> shape = {rows, c_.n};
    fbb.Finish(fb::CreateFusedLoopDirect(fbb, &shape, &steps, &results));
    programs_.emplace_back(fbb.GetBufferPointer(),
                           fbb.GetBufferPointer() + fbb.GetSize());
    // One description per tensor: the runtime tells buffers apart by them.
    descs_.emplace_back();
    auto &descs = descs_.back();
    descs.reserve(1 + c_.inputs.size() + out.size());
    descs.push_back({DType::f32, {rows, c_.n}});
    for (char kind : c_.inputs)
      descs.push_back(kind == 'b'   ? TensorDesc{DType::f32, {c_.n}}
                      : kind == 'f' ? TensorDesc{DType::f32, {rows, c_.n}}
                                    : TensorDesc{DType::f32, {}});
    std::vector<TensorRef> operands = {{&descs[0], product}};
    for (size_t i = 0; i < c_.inputs.size(); ++i)
      operands.push_back(
          {&descs[i + 1],
           inputs_[i].data() + (c_.inputs[i] == 'f' ? row * c_.n : 0)});
    std::vector<TensorRef> res;
    for (auto &r : out) {
      descs.push_back({DType::f32, {rows, c_.n}});
      res.push_back({&descs.back(), r.data() + row * c_.n});
    }
    const fb::FusedLoop &program =
        *flatbuffers::GetRoot<fb::FusedLoop>(programs_.back().data());
    std::vector<const TensorDesc *> operandDescs, resultDescs;
    for (const TensorRef &t : operands)
      operandDescs.push_back(t.desc);
    for (const TensorRef &t : res)
      resultDescs.push_back(t.desc);
    Status checked = cpu::checkFusedLoop(program, operandDescs, resultDescs);
    auto prepared = checked.isOk()
                        ? cpu::prepareFusedLoop(program, operands, res)
                        : StatusOr<std::unique_ptr<PreparedCommand>>(checked);
    if (!prepared.isOk()) {
      std::fprintf(stderr, "gemm-epilogue: %s: %s\n", c_.name,
                   prepared.status().message().c_str());
      std::exit(1);
    }
    return std::move(prepared).value();
  }

  void gemm(int64_t row, int64_t rows, float *c, float beta = 0.0f) const {
    cblas_sgemm(CblasRowMajor, CblasNoTrans,
                c_.transposeRhs ? CblasTrans : CblasNoTrans, rows, c_.n, c_.k,
                1.0f, a_.data() + row * c_.k, c_.k, b_.data(),
                c_.transposeRhs ? c_.k : c_.n, beta, c, c_.n);
  }

  /// The bias as the GEMM's C (beta = 1): every row of `c` set to it.
  void fillBias(float *c) const {
    const float *bias = inputs_[0].data();
    cpu::parallelFor(c_.m, 16, [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r)
        std::memcpy(c + r * c_.n, bias, size_t(c_.n) * 4);
    });
  }

  const Case &c_;
  std::vector<float> a_, b_, product_, panel_;
  std::vector<std::vector<float>> inputs_, whole_, panels_, threaded_;
  std::vector<std::vector<uint8_t>> programs_;
  std::vector<std::vector<TensorDesc>> descs_;
};

/// Runs a prepared loop; a failure ends the benchmark with its message.
void run(PreparedCommand &command) {
  Status status = command.run();
  if (!status.isOk()) {
    std::fprintf(stderr, "gemm-epilogue: %s\n", status.message().c_str());
    std::exit(1);
  }
}

bool sameBits(const std::vector<std::vector<float>> &x,
              const std::vector<std::vector<float>> &y) {
  for (size_t i = 0; i < x.size(); ++i)
    if (std::memcmp(x[i].data(), y[i].data(), x[i].size() * 4) != 0)
      return false;
  return true;
}

void runCase(const Case &c, int panelRows, int threads, int reps) {
  Bench b(c, panelRows);
  int64_t panels = (c.m + panelRows - 1) / panelRows;
  auto whole = b.loop(0, c.m, b.product_.data(), b.whole_);
  std::vector<std::unique_ptr<PreparedCommand>> panelLoops, threadLoops, hot;
  for (int64_t p = 0; p < panels; ++p) {
    int64_t row = p * panelRows, rows = std::min<int64_t>(panelRows, c.m - row);
    panelLoops.push_back(b.loop(row, rows, b.panel_.data(), b.panels_));
    // Each panel its own block of the product, so that threads never share
    // one; a panel is still read right after its GEMM wrote it.
    threadLoops.push_back(
        b.loop(row, rows, b.product_.data() + row * c.n, b.threaded_));
    hot.push_back(b.loop(row, rows, b.product_.data() + row * c.n, b.whole_));
  }
  // The bias as the GEMM's C, then what is left of the loop.
  bool biasFirst = !c.inputs.empty() && c.inputs[0] == 'b';
  std::vector<float> betaProduct(biasFirst ? b.product_.size() : 0);
  std::vector<std::vector<float>> restOut(
      c.restResults.size(), std::vector<float>(betaProduct.size()));
  std::unique_ptr<PreparedCommand> rest;
  if (biasFirst && !c.rest.empty())
    rest = b.loop(c.rest, c.restResults, 0, c.m, betaProduct.data(), restOut);
  auto betaForm = [&] {
    b.fillBias(betaProduct.data());
    b.gemm(0, c.m, betaProduct.data(), 1.0f);
    if (rest)
      run(*rest);
  };
  std::vector<double> tGemm, tSeparate, tPanels, tThreaded, tLoop, tHot, tBeta;
  for (int rep = 0; rep < reps; ++rep) {
    auto start = Clock::now();
    b.gemm(0, c.m, b.product_.data());
    tGemm.push_back(msSince(start));
    start = Clock::now();
    b.gemm(0, c.m, b.product_.data());
    auto loopStart = Clock::now();
    run(*whole);
    tLoop.push_back(msSince(loopStart));
    tSeparate.push_back(msSince(start));
    // The loop again over each panel of the product, now in L2: the best a
    // fused epilogue could do.
    double hotMs = 0;
    for (int64_t p = 0; p < panels; ++p) {
      run(*hot[p]);
      auto h = Clock::now();
      run(*hot[p]);
      hotMs += msSince(h);
    }
    tHot.push_back(hotMs);

    start = Clock::now();
    for (int64_t p = 0; p < panels; ++p) {
      int64_t row = p * panelRows;
      b.gemm(row, std::min<int64_t>(panelRows, c.m - row), b.panel_.data());
      run(*panelLoops[p]);
    }
    tPanels.push_back(msSince(start));

    start = Clock::now();
    openblas_set_num_threads(1);
    cpu::parallelFor(panels, 1, [&](int64_t first, int64_t last) {
      for (int64_t p = first; p < last; ++p) {
        int64_t row = p * panelRows;
        b.gemm(row, std::min<int64_t>(panelRows, c.m - row),
               b.product_.data() + row * c.n);
        run(*threadLoops[p]); // nested: inline on this thread
      }
    });
    openblas_set_num_threads(threads);
    tThreaded.push_back(msSince(start));

    if (biasFirst) {
      start = Clock::now();
      betaForm();
      tBeta.push_back(msSince(start));
    }
  }
  // The bits: every way against the whole GEMM then the whole loop.
  b.gemm(0, c.m, b.product_.data());
  run(*whole);
  auto reference = b.whole_;
  // Whether OpenBLAS gives the panels the bits of the whole GEMM.
  std::vector<float> byPanels(b.product_.size());
  for (int64_t row = 0; row < c.m; row += panelRows)
    b.gemm(row, std::min<int64_t>(panelRows, c.m - row),
           byPanels.data() + row * c.n);
  bool samePanels =
      std::memcmp(byPanels.data(), b.product_.data(), byPanels.size() * 4) == 0;
  std::string beta = "n/a (no bias)";
  if (biasFirst) {
    std::vector<std::vector<float>> outs;
    if (c.results.size() > c.restResults.size())
      outs.push_back(betaProduct);
    outs.insert(outs.end(), restOut.begin(), restOut.end());
    char text[64];
    std::snprintf(text, sizeof text, "%6.3f (%.2fx, bits %s)", median(tBeta),
                  medianRatio(tBeta, tSeparate),
                  sameBits(reference, outs) ? "same" : "differ");
    beta = text;
  }
  double sep = median(tSeparate);
  std::printf("%-30s %4dx%4dx%4d  gemm %6.3f  loop %5.3f (in L2 %5.3f)  "
              "separate %6.3f  panels %6.3f (%.2fx, bits %s)  "
              "threaded panels %6.3f (%.2fx, bits %s)  bias as C %s; "
              "panel products' bits %s\n",
              c.name, c.m, c.k, c.n, median(tGemm), median(tLoop), median(tHot),
              sep, median(tPanels), medianRatio(tPanels, tSeparate),
              sameBits(reference, b.panels_) ? "same" : "differ",
              median(tThreaded), medianRatio(tThreaded, tSeparate),
              sameBits(reference, b.threaded_) ? "same" : "differ",
              beta.c_str(), samePanels ? "same" : "differ");
}

} // namespace

int main(int argc, char **argv) {
  int threads = 2, reps = 15, panelRows = 64;
  const char *usage =
      "usage: gemm-epilogue [--threads 2] [--reps 15] [--panel-rows 64]\n";
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    int *target = flag == "--threads"      ? &threads
                  : flag == "--reps"       ? &reps
                  : flag == "--panel-rows" ? &panelRows
                                           : nullptr;
    if (!target || i + 1 == argc) {
      std::fprintf(stderr, "gemm-epilogue: %s %s\n%s",
                   target ? "no value after" : "unknown option", argv[i],
                   usage);
      return 2;
    }
    *target = std::atoi(argv[i + 1]);
  }
  if (threads < 1 || reps < 1 || panelRows < 1) {
    std::fprintf(stderr, "gemm-epilogue: --threads, --reps and --panel-rows "
                         "must be at least 1\n");
    return 2;
  }
  openblas_set_num_threads(threads);
  cpu::ThreadPool pool(threads);
  cpu::ParallelScope scope(&pool);
  std::printf("gemm-epilogue: %d threads, panels of %d rows, median of %d; "
              "times in ms per call, ratios to separate the median of each "
              "repetition's\n",
              threads, panelRows, reps);
  for (const Case &c : gpt2Cases())
    runCase(c, panelRows, threads, reps);
  return 0;
}
