// The CPU kernels give the same bits for every thread count: each kernel
// that splits its work runs on shapes that split unevenly, without a pool
// and with pools of 1, 2 and 3 threads, and every result must match the
// run without a pool bit for bit. (Their values are checked against naive
// references in cpu_kernels_test.cpp.)
#include "runtime/cpu/CpuDevice.h"
#include "runtime/cpu/Parallel.h"
#include "test/unit/CpuKernelsTestUtil.h"

#include <utility>

namespace mlc::rt::cpu::test {
namespace {

struct Result {
  DType dtype;
  Shape shape;
};

/// Result tensors filled with `fill` bytes: the runs with a pool start from
/// another pattern than the run without, so an element a chunk forgets to
/// write cannot match.
std::vector<std::unique_ptr<Host>> makeResults(const std::vector<Result> &specs,
                                               uint8_t fill) {
  std::vector<std::unique_ptr<Host>> results;
  for (const Result &r : specs) {
    results.push_back(std::make_unique<Host>(r.dtype, r.shape));
    std::memset(results.back()->bytes.get(), fill,
                std::max<size_t>(results.back()->desc.byteSize(), 1));
  }
  return results;
}

std::vector<Host *> pointers(const std::vector<std::unique_ptr<Host>> &hosts) {
  std::vector<Host *> out;
  for (const auto &h : hosts)
    out.push_back(h.get());
  return out;
}

/// Runs `kernel` without a pool, then with 1, 2 and 3 threads, and expects
/// the same result bytes from every run; pools of 2 and 3 threads must
/// have split at least one loop (so the test cannot pass by running
/// serially).
void expectSameBitsForAnyThreadCount(const fb::CpuKernelT &kernel,
                                     const std::vector<Host *> &operands,
                                     const std::vector<Result> &specs) {
  std::vector<std::unique_ptr<Host>> serial = makeResults(specs, 0xA5);
  {
    ParallelScope none(nullptr);
    ASSERT_RUNS(kernel, operands, pointers(serial));
  }
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    ThreadPool pool(threads);
    std::vector<std::unique_ptr<Host>> results = makeResults(specs, 0x5A);
    {
      ParallelScope scope(&pool);
      ASSERT_RUNS(kernel, operands, pointers(results));
    }
    if (threads > 1)
      EXPECT_GT(pool.splitLoops(), 0u) << "the kernel did not split its work";
    for (size_t r = 0; r < specs.size(); ++r) {
      size_t bytes = serial[r]->desc.byteSize();
      const uint8_t *want = serial[r]->bytes.get();
      const uint8_t *got = results[r]->bytes.get();
      size_t first = 0;
      while (first < bytes && want[first] == got[first])
        ++first;
      EXPECT_EQ(first, bytes) << "result " << r << " (" << serial[r]->desc.str()
                              << ") differs first at byte " << first;
    }
  }
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST(ParallelKernels, BinaryArithmetic) {
  const std::pair<Shape, Shape> shapes[] = {
      {{300007}, {300007}},      // contiguous, same shape
      {{617, 731}, {731}},       // row vector
      {{617, 1}, {1, 731}},      // both sides broadcast
      {{3, 617, 109}, {617, 1}}, // column vector under a batch dim
      {{200003}, {}},            // scalar
  };
  for (OpKind op : {OpKind::add, OpKind::mul, OpKind::div, OpKind::max})
    for (DType dtype : {DType::f32, DType::f64, DType::i32})
      for (const auto &[ls, rs] : shapes) {
        SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                     descStr(dtype, ls) + ", " + descStr(dtype, rs));
        Host lhs = randomHost(dtype, ls, -9, 9, 1);
        Host rhs = randomHost(dtype, rs, -9, 9, 2);
        expectSameBitsForAnyThreadCount(kernelOf(op), {&lhs, &rhs},
                                        {{dtype, broadcastRef(ls, rs)}});
      }
}

TEST(ParallelKernels, PowAndUnaryMath) {
  Host base = randomHost(DType::f32, {20011}, 0.5, 2, 3);
  Host exponent = randomHost(DType::f32, {20011}, -2, 2, 4);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::pow), {&base, &exponent},
                                  {{DType::f32, {20011}}});
  const OpKind ops[] = {OpKind::neg,  OpKind::abs,   OpKind::relu,
                        OpKind::exp,  OpKind::log,   OpKind::tanh,
                        OpKind::sqrt, OpKind::rsqrt, OpKind::sigmoid,
                        OpKind::erf,  OpKind::silu,  OpKind::sin};
  for (DType dtype : {DType::f32, DType::f64})
    for (OpKind op : ops) {
      SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                   dtypeName(dtype));
      bool positive =
          op == OpKind::log || op == OpKind::sqrt || op == OpKind::rsqrt;
      Host in = randomHost(dtype, {67, 2333}, positive ? 0.1 : -4, 4, 5);
      expectSameBitsForAnyThreadCount(kernelOf(op), {&in},
                                      {{dtype, {67, 2333}}});
    }
}

TEST(ParallelKernels, Gelu) {
  for (auto approximate :
       {fb::GeluApproximation::none, fb::GeluApproximation::tanh}) {
    fb::CpuKernelT k = kernelOf(OpKind::gelu);
    k.approximate = approximate;
    Host in = randomHost(DType::f32, {4, 13, 769}, -5, 5, 6);
    expectSameBitsForAnyThreadCount(k, {&in}, {{DType::f32, {4, 13, 769}}});
  }
}

TEST(ParallelKernels, CompareSelectCast) {
  Host a = randomHost(DType::f32, {411, 409}, -1, 1, 7);
  Host b = randomHost(DType::f32, {409}, -1, 1, 8);
  fb::CpuKernelT lt = kernelOf(OpKind::compare);
  lt.predicate = fb::ComparePredicate::lt;
  expectSameBitsForAnyThreadCount(lt, {&a, &b}, {{DType::i1, {411, 409}}});

  Host pred = randomHost(DType::i1, {411, 1}, 0, 1, 9);
  Host t = randomHost(DType::f64, {411, 409}, -1, 1, 10);
  Host f = randomHost(DType::f64, {409}, -1, 1, 11);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::select), {&pred, &t, &f},
                                  {{DType::f64, {411, 409}}});
  Host same = randomHost(DType::i1, {411, 409}, 0, 1, 12);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::select), {&same, &t, &t},
                                  {{DType::f64, {411, 409}}});

  Host x = randomHost(DType::f32, {186413}, -1e10, 1e10, 13);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::cast), {&x},
                                  {{DType::i32, {186413}}});
  Host bits = randomHost(DType::i1, {186413}, 0, 1, 14);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::cast), {&bits},
                                  {{DType::f64, {186413}}});
}

//===----------------------------------------------------------------------===//
// Reductions and softmax
//===----------------------------------------------------------------------===//

TEST(ParallelKernels, Reductions) {
  struct Case {
    Shape shape, axes;
  };
  const Case cases[] = {
      {{4, 40009}, {0}},      // the leading axis: columns
      {{301, 1009}, {1}},     // the last axis: rows
      {{7, 901, 53}, {0, 2}}, // both kinds, rows inside
      {{17, 53, 301}, {1}},   // a middle axis
      {{5, 17, 11, 29, 17}, {0, 2, 4}},
      {{5, 17, 11, 29, 17}, {1, 3}},
  };
  for (OpKind op :
       {OpKind::reduce_sum, OpKind::reduce_mean, OpKind::reduce_max})
    for (DType dtype : {DType::f32, DType::f64, DType::i64})
      for (const Case &c : cases) {
        if (op == OpKind::reduce_mean && dtype == DType::i64)
          continue;
        SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                     descStr(dtype, c.shape) + " axes " +
                     std::to_string(c.axes.size()));
        fb::CpuKernelT k = kernelOf(op);
        k.axes = c.axes;
        Shape out;
        for (size_t d = 0; d < c.shape.size(); ++d)
          if (std::find(c.axes.begin(), c.axes.end(), d) == c.axes.end())
            out.push_back(c.shape[d]);
        Host in = randomHost(dtype, c.shape, -100, 100, 15);
        expectSameBitsForAnyThreadCount(k, {&in}, {{dtype, out}});
      }
}

TEST(ParallelKernels, SoftmaxLogSoftmaxArgmax) {
  struct Case {
    Shape shape;
    int64_t axis;
  };
  const Case cases[] = {
      {{301, 1009}, 1},   // contiguous rows
      {{5, 203, 167}, 1}, // strided axis
      {{1009, 301}, 0},   // strided, one outer slab
  };
  for (const Case &c : cases)
    for (OpKind op : {OpKind::softmax, OpKind::log_softmax, OpKind::argmax}) {
      SCOPED_TRACE(std::string(fb::EnumNameOpKind(op)) + " " +
                   descStr(DType::f32, c.shape) + " axis " +
                   std::to_string(c.axis));
      fb::CpuKernelT k = kernelOf(op);
      k.axis = c.axis;
      Host in = randomHost(DType::f32, c.shape, -20, 20, 16);
      Result result{DType::f32, c.shape};
      if (op == OpKind::argmax) {
        result = {DType::i64, c.shape};
        result.shape.erase(result.shape.begin() + c.axis);
      }
      expectSameBitsForAnyThreadCount(k, {&in}, {result});
    }
}

//===----------------------------------------------------------------------===//
// Losses, norms, embeddings
//===----------------------------------------------------------------------===//

TEST(ParallelKernels, CrossEntropy) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Host logits = randomHost(dtype, {7, 29, 1009}, -10, 10, 17);
    Host labels = randomHost(DType::i32, {7, 29}, 0, 1008, 18);
    expectSameBitsForAnyThreadCount(kernelOf(OpKind::softmax_cross_entropy),
                                    {&logits, &labels}, {{dtype, {}}});
    Host scale(dtype, {});
    scale.set(0, 1.0 / 203);
    expectSameBitsForAnyThreadCount(
        kernelOf(OpKind::softmax_cross_entropy_with_grad),
        {&logits, &labels, &scale}, {{dtype, {}}, {dtype, {7, 29, 1009}}});
  }
}

TEST(ParallelKernels, LayerNormAndRmsNorm) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Host x = randomHost(dtype, {3, 101, 769}, -3, 3, 19);
    Host w = randomHost(dtype, {769}, 0.5, 1.5, 20);
    Host b = randomHost(dtype, {769}, -1, 1, 21);
    fb::CpuKernelT layer = kernelOf(OpKind::layer_norm);
    layer.eps = 1e-5;
    expectSameBitsForAnyThreadCount(layer, {&x, &w, &b},
                                    {{dtype, {3, 101, 769}}});
    fb::CpuKernelT rms = kernelOf(OpKind::rms_norm);
    rms.eps = 1e-6;
    expectSameBitsForAnyThreadCount(rms, {&x, &w}, {{dtype, {3, 101, 769}}});
  }
}

TEST(ParallelKernels, EmbeddingAndItsGradient) {
  Host table = randomHost(DType::f32, {3001, 97}, -1, 1, 22);
  // Few distinct ids, so that embedding_grad adds many rows into each.
  Host ids = randomHost(DType::i64, {7, 229}, 0, 3000, 23);
  for (int64_t i = 0; i < ids.size(); i += 3)
    ids.set(i, static_cast<double>(i % 5));
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::embedding), {&table, &ids},
                                  {{DType::f32, {7, 229, 97}}});
  Host grad = randomHost(DType::f32, {7, 229, 97}, -1, 1, 24);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::embedding_grad),
                                  {&grad, &ids}, {{DType::f32, {3001, 97}}});
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

TEST(ParallelKernels, AttentionAndItsGradient) {
  struct Case {
    Shape q, k;
    bool causal;
    std::optional<int64_t> offset;
  };
  const Case cases[] = {
      {{3, 8, 33, 24}, {3, 8, 33, 24}, true, std::nullopt},  // GPT-2 style
      {{2, 6, 19, 16}, {2, 2, 41, 16}, true, 22},            // GQA, offset
      {{3, 4, 29, 20}, {3, 2, 37, 20}, false, std::nullopt}, // GQA, full
      {{2, 4, 21, 8}, {2, 2, 2000, 8}, true, 7},             // query blocks
      {{2, 4, 1, 64}, {2, 2, 1024, 64}, true, 1023},         // decoding step
  };
  for (DType dtype : {DType::f32, DType::f64})
    for (const Case &c : cases) {
      SCOPED_TRACE(descStr(dtype, c.q) + " over " + descStr(dtype, c.k));
      Host q = randomHost(dtype, c.q, -2, 2, 25);
      Host k = randomHost(dtype, c.k, -2, 2, 26);
      Host v = randomHost(dtype, c.k, -2, 2, 27);
      Host g = randomHost(dtype, c.q, -2, 2, 28);
      Host offset(DType::i32, {});
      offset.set(0, static_cast<double>(c.offset.value_or(0)));
      fb::CpuKernelT fwd = kernelOf(OpKind::attention);
      fwd.causal = c.causal;
      fwd.scale = 0.3;
      fb::CpuKernelT bwd = fwd;
      bwd.op = OpKind::attention_grad;
      std::vector<Host *> fwdOperands = {&q, &k, &v},
                          bwdOperands = {&g, &q, &k, &v};
      if (c.offset) {
        fwdOperands.push_back(&offset);
        bwdOperands.push_back(&offset);
      }
      expectSameBitsForAnyThreadCount(fwd, fwdOperands, {{dtype, c.q}});
      expectSameBitsForAnyThreadCount(
          bwd, bwdOperands, {{dtype, c.q}, {dtype, c.k}, {dtype, c.k}});
    }
}

TEST(ParallelKernels, RopeAndCausalMask) {
  Host x = randomHost(DType::f32, {7, 8, 37, 64}, -1, 1, 29);
  Host positions(DType::i64, {37});
  for (int64_t t = 0; t < 37; ++t)
    positions.set(t, static_cast<double>(t + 5));
  fb::CpuKernelT rope = kernelOf(OpKind::rope);
  rope.theta = 10000;
  expectSameBitsForAnyThreadCount(rope, {&x, &positions},
                                  {{DType::f32, {7, 8, 37, 64}}});
  fb::CpuKernelT mask = kernelOf(OpKind::causal_mask);
  mask.fill = -1e9;
  Host scores = randomHost(DType::f32, {13, 8, 37, 41}, -1, 1, 30);
  expectSameBitsForAnyThreadCount(mask, {&scores},
                                  {{DType::f32, {13, 8, 37, 41}}});
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

TEST(ParallelKernels, TransposeCopyBroadcast) {
  struct Case {
    Shape shape, perm;
  };
  const Case cases[] = {
      {{9, 267, 131}, {0, 2, 1}},      // tiled
      {{4, 97, 12, 64}, {0, 2, 1, 3}}, // GPT-2's head split: strided rows
      {{531, 301}, {1, 0}},            // tiled, one entry
  };
  for (const Case &c : cases) {
    fb::CpuKernelT k = kernelOf(OpKind::transpose);
    k.perm = c.perm;
    Shape out;
    for (int64_t p : c.perm)
      out.push_back(c.shape[static_cast<size_t>(p)]);
    Host in = randomHost(DType::f32, c.shape, -1, 1, 31);
    expectSameBitsForAnyThreadCount(k, {&in}, {{DType::f32, out}});
  }
  Host big = randomHost(DType::f64, {3, 40009}, -1, 1, 32);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::copy), {&big},
                                  {{DType::f64, {3, 40009}}});
  Host row = randomHost(DType::f32, {1, 1031}, -1, 1, 33);
  expectSameBitsForAnyThreadCount(kernelOf(OpKind::broadcast_to), {&row},
                                  {{DType::f32, {197, 1031}}});
}

TEST(ParallelKernels, SliceConcatSplit) {
  Host whole = randomHost(DType::f32, {257, 2304}, -1, 1, 34);
  fb::CpuKernelT split = kernelOf(OpKind::split);
  split.axis = 1;
  expectSameBitsForAnyThreadCount(split, {&whole},
                                  {{DType::f32, {257, 768}},
                                   {DType::f32, {257, 1000}},
                                   {DType::f32, {257, 536}}});
  Host a = randomHost(DType::f32, {257, 768}, -1, 1, 35);
  Host b = randomHost(DType::f32, {257, 1536}, -1, 1, 36);
  fb::CpuKernelT concat = kernelOf(OpKind::concat);
  concat.axis = 1;
  expectSameBitsForAnyThreadCount(concat, {&a, &b},
                                  {{DType::f32, {257, 2304}}});
  fb::CpuKernelT slice = kernelOf(OpKind::slice);
  slice.axis = 1;
  slice.start = 100;
  expectSameBitsForAnyThreadCount(slice, {&whole}, {{DType::f32, {257, 1500}}});
}

//===----------------------------------------------------------------------===//
// The device
//===----------------------------------------------------------------------===//

/// The CPU device runs its commands on its own pool: a kernel prepared by a
/// 3-thread device gives the bits of the run without a pool.
TEST(ParallelKernels, DeviceRunsCommandsOnItsPool) {
  DeviceOptions options;
  options.threads = 3;
  StatusOr<std::unique_ptr<Device>> device = createCpuDevice(options);
  ASSERT_TRUE(device.isOk()) << device.status().message();
  Host x = randomHost(DType::f32, {301, 1009}, -20, 20, 37);
  Host want(DType::f32, {301, 1009}), got(DType::f32, {301, 1009});
  fb::CpuKernelT k = kernelOf(OpKind::softmax);
  k.axis = 1;
  ASSERT_RUNS(k, {&x}, {&want});

  // A Kernel table entry around the CpuKernel, as the executable has.
  flatbuffers::FlatBufferBuilder fbb;
  auto body = fb::CpuKernel::Pack(fbb, &k);
  fbb.Finish(fb::CreateKernel(fbb, fbb.CreateString("softmax"), 0,
                              fb::KernelBody::CpuKernel, body.Union()));
  const fb::Kernel &kernel =
      *flatbuffers::GetRoot<fb::Kernel>(fbb.GetBufferPointer());
  ASSERT_TRUE((*device)->check(kernel, {&x.desc}, {&got.desc}).isOk());
  StatusOr<std::unique_ptr<PreparedCommand>> command =
      (*device)->prepare(kernel, {x.ref()}, {got.ref()}, {});
  ASSERT_TRUE(command.isOk()) << command.status().message();
  EXPECT_EQ(currentPool(), nullptr);
  Status run = (*command)->run();
  ASSERT_TRUE(run.isOk()) << run.message();
  EXPECT_EQ(currentPool(), nullptr) << "the device's scope must end with run()";
  EXPECT_EQ(
      std::memcmp(want.bytes.get(), got.bytes.get(), want.desc.byteSize()), 0);
}

} // namespace
} // namespace mlc::rt::cpu::test
