// Test harness of the CPU kernel tests: kernels in flatbuffers, host
// tensors of exact size, and the index helpers the naive references use.
#ifndef MLC_TEST_UNIT_CPUKERNELSTESTUTIL_H
#define MLC_TEST_UNIT_CPUKERNELSTESTUTIL_H

#include "runtime/cpu/Kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace mlc::rt::cpu::test {

using OpKind = fb::OpKind;
using Shape = std::vector<int64_t>;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// Harness
//===----------------------------------------------------------------------===//

/// A CpuKernel in its own flatbuffer.
class KernelBuf {
public:
  explicit KernelBuf(const fb::CpuKernelT &kernel) {
    fbb_.Finish(fb::CpuKernel::Pack(fbb_, &kernel));
  }
  const fb::CpuKernel &get() const {
    return *flatbuffers::GetRoot<fb::CpuKernel>(fbb_.GetBufferPointer());
  }

private:
  flatbuffers::FlatBufferBuilder fbb_;
};

inline fb::CpuKernelT kernelOf(OpKind op) {
  fb::CpuKernelT k;
  k.op = op;
  return k;
}

/// A host tensor whose storage is exactly byteSize() bytes, so that a
/// sanitizer build catches any access outside it.
struct Host {
  TensorDesc desc;
  std::unique_ptr<uint8_t[]> bytes;

  Host(DType dtype, Shape shape) : desc{dtype, std::move(shape)} {
    bytes.reset(new uint8_t[std::max<size_t>(desc.byteSize(), 1)]);
    std::memset(bytes.get(), 0xA5, std::max<size_t>(desc.byteSize(), 1));
  }
  int64_t size() const { return desc.numElements(); }
  TensorRef ref() { return {&desc, bytes.get()}; }

  double get(int64_t i) const {
    const void *p = bytes.get();
    switch (desc.dtype) {
    case DType::f32:
      return static_cast<const float *>(p)[i];
    case DType::f64:
      return static_cast<const double *>(p)[i];
    case DType::i32:
      return static_cast<const int32_t *>(p)[i];
    case DType::i64:
      return static_cast<double>(static_cast<const int64_t *>(p)[i]);
    default:
      return static_cast<const uint8_t *>(p)[i];
    }
  }
  void set(int64_t i, double v) {
    void *p = bytes.get();
    switch (desc.dtype) {
    case DType::f32:
      static_cast<float *>(p)[i] = static_cast<float>(v);
      break;
    case DType::f64:
      static_cast<double *>(p)[i] = v;
      break;
    case DType::i32:
      static_cast<int32_t *>(p)[i] = static_cast<int32_t>(v);
      break;
    case DType::i64:
      static_cast<int64_t *>(p)[i] = static_cast<int64_t>(v);
      break;
    default:
      static_cast<uint8_t *>(p)[i] = v != 0;
      break;
    }
  }
  std::vector<double> values() const {
    std::vector<double> v(static_cast<size_t>(size()));
    for (int64_t i = 0; i < size(); ++i)
      v[i] = get(i);
    return v;
  }
};

/// Steps of fused programs (fb::FusedStep): a load of command operand
/// `operand`, and a step of kind `op` on registers a, b, c.
inline fb::FusedStep fusedLoad(uint16_t operand, DType dtype = DType::f32) {
  return fb::FusedStep(OpKind::copy, dtype, fb::ComparePredicate::eq,
                       fb::GeluApproximation::none, operand, 0, 0);
}
inline fb::FusedStep
fusedStep(OpKind op, uint16_t a, uint16_t b = 0, uint16_t c = 0,
          DType dtype = DType::f32,
          fb::ComparePredicate predicate = fb::ComparePredicate::eq,
          fb::GeluApproximation approx = fb::GeluApproximation::none) {
  return fb::FusedStep(op, dtype, predicate, approx, a, b, c);
}

inline std::string descStr(DType dtype, const Shape &shape) {
  return TensorDesc{dtype, shape}.str();
}

inline bool isFloatType(DType t) { return t == DType::f32 || t == DType::f64; }

/// Random values: floats in [lo, hi), integers in [lo, hi], i1 in {0, 1}.
inline Host randomHost(DType dtype, Shape shape, double lo = -3, double hi = 3,
                       unsigned seed = 1) {
  Host h(dtype, std::move(shape));
  std::mt19937 rng(seed + static_cast<unsigned>(h.size()) * 7919u);
  for (int64_t i = 0; i < h.size(); ++i) {
    if (isFloatType(dtype))
      h.set(i, std::uniform_real_distribution<double>(lo, hi)(rng));
    else if (dtype == DType::i1)
      h.set(i, rng() % 2);
    else
      h.set(i, std::uniform_int_distribution<int64_t>(
                   static_cast<int64_t>(lo), static_cast<int64_t>(hi))(rng));
  }
  return h;
}

inline Status check(const fb::CpuKernelT &k,
                    const std::vector<TensorDesc> &operands,
                    const std::vector<TensorDesc> &results) {
  std::vector<const TensorDesc *> ops, res;
  for (const TensorDesc &d : operands)
    ops.push_back(&d);
  for (const TensorDesc &d : results)
    res.push_back(&d);
  return checkKernel(KernelBuf(k).get(), ops, res);
}

/// checkKernel, prepareKernel and one run().
inline Status runKernel(const fb::CpuKernelT &k, std::vector<Host *> operands,
                        std::vector<Host *> results) {
  KernelBuf buf(k);
  std::vector<const TensorDesc *> ops, res;
  std::vector<TensorRef> opRefs, resRefs;
  for (Host *h : operands) {
    ops.push_back(&h->desc);
    opRefs.push_back(h->ref());
  }
  for (Host *h : results) {
    res.push_back(&h->desc);
    resRefs.push_back(h->ref());
  }
  MLC_RETURN_IF_ERROR(checkKernel(buf.get(), ops, res));
  StatusOr<std::unique_ptr<PreparedCommand>> cmd =
      prepareKernel(buf.get(), opRefs, resRefs);
  if (!cmd)
    return cmd.status();
  return (*cmd)->run();
}

#define ASSERT_RUNS(...)                                                       \
  do {                                                                         \
    Status s_ = runKernel(__VA_ARGS__);                                        \
    ASSERT_TRUE(s_.isOk()) << s_.message();                                    \
  } while (false)

inline double tolerance(DType dtype) {
  return dtype == DType::f32 ? 2e-6 : 1e-12;
}

inline void expectValues(const Host &got, const std::vector<double> &want,
                         double relTol) {
  ASSERT_EQ(static_cast<size_t>(got.size()), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    double g = got.get(static_cast<int64_t>(i));
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(g)) << "element " << i;
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(g, want[i]) << "element " << i;
    } else {
      EXPECT_NEAR(g, want[i], relTol * std::max(1.0, std::fabs(want[i])))
          << "element " << i << " of " << got.desc.str();
    }
  }
}

inline Shape unravel(int64_t flat, const Shape &shape) {
  Shape idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}

inline int64_t ravel(const Shape &idx, const Shape &shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + idx[d];
  return flat;
}

/// Flat index into `operand` of the element that broadcasts to result
/// index `idx` (aligned from the right, size-1 dims repeat).
inline int64_t sourceIndex(const Shape &idx, const Shape &operand) {
  Shape src(operand.size());
  size_t lead = idx.size() - operand.size();
  for (size_t d = 0; d < operand.size(); ++d)
    src[d] = operand[d] == 1 ? 0 : idx[lead + d];
  return ravel(src, operand);
}

inline Shape broadcastRef(const Shape &a, const Shape &b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    out[out.size() - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

/// Reference of an n-ary broadcast op: result[i] = fn(operand values).
inline std::vector<double> broadcastRefValues(
    const std::vector<const Host *> &operands, const Shape &shape,
    const std::function<double(const std::vector<double> &)> &fn) {
  std::vector<double> out;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  for (int64_t i = 0; i < n; ++i) {
    Shape idx = unravel(i, shape);
    std::vector<double> args;
    for (const Host *h : operands)
      args.push_back(h->get(sourceIndex(idx, h->desc.shape)));
    out.push_back(fn(args));
  }
  return out;
}

/// Operand shape pairs covering every broadcasting pattern.
inline const std::vector<std::pair<Shape, Shape>> kBroadcastPairs = {
    {{3, 4}, {3, 4}},       // same shape
    {{37, 19}, {37, 19}},   // same shape, vector tail
    {{3, 4}, {}},           // rhs scalar
    {{}, {3, 4}},           // lhs scalar
    {{3, 4}, {4}},          // row vector
    {{3, 4}, {1, 4}},       // row vector, same rank
    {{3, 4}, {3, 1}},       // column vector
    {{2, 3, 4}, {3, 4}},    // leading-dim broadcast
    {{3, 1}, {1, 4}},       // both sides broadcast
    {{2, 1, 4}, {3, 1}},    // both sides, different ranks
    {{5, 1, 3}, {5, 2, 3}}, // middle dim
    {{0, 4}, {4}},          // empty
};

} // namespace mlc::rt::cpu::test

#endif // MLC_TEST_UNIT_CPUKERNELSTESTUTIL_H
