// Private helpers shared by the CPU kernel files: checks, shapes, strided
// walks and the per-family entry points that Check.cpp dispatches to.
#ifndef MLC_RUNTIME_CPU_KERNELUTIL_H
#define MLC_RUNTIME_CPU_KERNELUTIL_H

#include "runtime/Device.h"
#include "runtime/cpu/Parallel.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace mlc::rt::cpu {

using Shape = std::vector<int64_t>;
using Descs = std::vector<const TensorDesc *>;
using CommandOr = StatusOr<std::unique_ptr<PreparedCommand>>;

/// Storage type of i1 elements: one byte, read as "nonzero is true" so that
/// a byte other than 0 or 1 is never undefined behaviour.
using I1 = uint8_t;

//===----------------------------------------------------------------------===//
// Dtypes and shapes
//===----------------------------------------------------------------------===//

inline bool isFloat(DType t) { return t == DType::f32 || t == DType::f64; }
inline bool isInt(DType t) { return t == DType::i32 || t == DType::i64; }
/// Float or integer; i1 is a truth value, not a number.
inline bool isNumeric(DType t) { return isFloat(t) || isInt(t); }

/// "4x8" for a shape, "[]" for a scalar.
std::string shapeStr(const Shape &shape);
/// "[1, 0]": an attribute list as it appears in a message.
std::string listStr(const Shape &values);

/// The NumPy broadcast of two shapes, or nothing when they do not broadcast.
std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b);
/// Whether `from` broadcasts to exactly `to` (numpy.broadcast_to rules).
bool broadcastsTo(const Shape &from, const Shape &to);

/// Product of dims (shapes were checked, so it cannot overflow).
int64_t product(const Shape &shape, size_t begin = 0, size_t end = SIZE_MAX);
/// Row-major element strides of a contiguous tensor.
Shape contiguousStrides(const Shape &shape);
/// Element strides of `operand` seen through the result `shape` it
/// broadcasts to: aligned from the right, 0 along broadcast dims.
Shape broadcastStrides(const Shape &operand, const Shape &shape);

//===----------------------------------------------------------------------===//
// Check helpers; each returns an error without the op name, which
// checkKernel() puts in front.
//===----------------------------------------------------------------------===//

/// Operand and result counts.
Status checkArity(const Descs &operands, const Descs &results,
                  size_t numOperands, size_t numResults);
/// `desc` has `dtype`; `what` names it ("operand 1").
Status expectDType(const TensorDesc &desc, DType dtype,
                   const std::string &what);
/// `desc` is a float tensor.
Status expectFloat(const TensorDesc &desc, const std::string &what);
/// `desc` is a float or integer tensor.
Status expectNumeric(const TensorDesc &desc, const std::string &what);
/// Result `desc` is exactly `expected`.
Status expectResult(const TensorDesc &desc, const TensorDesc &expected);
/// A single axis attribute in [0, rank).
Status checkAxis(int64_t axis, size_t rank, const char *name);
/// `desc` holds indices (labels, ids): i32 or i64.
Status expectIndices(const TensorDesc &desc, const std::string &what);

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

/// Bad data a running kernel found (runtime/DataStatus.h). With a status
/// word for the command running on this thread (Device::prepare's
/// CommandContext), the problem is recorded there and this returns OK: the
/// kernel then computes a harmless value in place of the bad one and
/// returns normally. Without one, it is the error the kernel's run()
/// returns. Call it from the thread that called run(), not from a worker
/// of parallelFor. `op`, `problem`, `index`, `value`, `limit`, `extra` and
/// `operand` fill the word; `operandShape` places a flat index in the
/// message.
Status reportProblem(StatusWord problem, const Shape &operandShape = {});

/// Makes `context` the one reportProblem() uses on this thread for as long
/// as it lives.
class ProblemScope {
public:
  explicit ProblemScope(const CommandContext *context);
  ~ProblemScope();
  ProblemScope(const ProblemScope &) = delete;
  ProblemScope &operator=(const ProblemScope &) = delete;

private:
  const CommandContext *saved_;
};

/// A PreparedCommand whose run() calls a stored callable.
template <typename F> class FnCommand final : public PreparedCommand {
public:
  explicit FnCommand(F fn) : fn_(std::move(fn)) {}
  Status run() override { return fn_(); }

private:
  F fn_;
};

/// Wraps a `Status()` callable (usually a lambda owning its precomputed
/// plan) as a prepared command.
template <typename F> CommandOr makeCommand(F fn) {
  return std::unique_ptr<PreparedCommand>(new FnCommand<F>(std::move(fn)));
}

/// Calls `fn(T{})` with T the C++ element type of `dtype` (I1 for i1).
/// Only for dtypes that checkKernel() accepted.
template <typename F> decltype(auto) visitDType(DType dtype, F &&fn) {
  switch (dtype) {
  case DType::f64:
    return fn(double{});
  case DType::i32:
    return fn(int32_t{});
  case DType::i64:
    return fn(int64_t{});
  case DType::i1:
    return fn(I1{});
  default:
    return fn(float{});
  }
}

/// Calls `fn(L{})` with the C++ type of an i32 or i64 index tensor.
template <typename F> decltype(auto) visitIndices(DType dtype, F &&fn) {
  if (dtype == DType::i32)
    return fn(int32_t{});
  return fn(int64_t{});
}

/// Calls `fn(T{})` with an unsigned integer type of the element size of
/// `dtype`, for kernels that only move bits.
template <typename F> decltype(auto) visitBits(DType dtype, F &&fn) {
  switch (dtypeSize(dtype)) {
  case 1:
    return fn(uint8_t{});
  case 2:
    return fn(uint16_t{});
  case 8:
    return fn(uint64_t{});
  default:
    return fn(uint32_t{});
  }
}

//===----------------------------------------------------------------------===//
// Grains: the fewest iterations of a parallelFor worth handing to another
// thread. Waking a worker and joining it costs microseconds on an idle
// machine and can cost a scheduler time slice on a busy one, so a chunk
// should be work of tens of microseconds.
//===----------------------------------------------------------------------===//

/// Elements of a cheap elementwise loop (an add: 13 us in cache, about
/// 60 us from memory).
constexpr int64_t kElementGrain = 1 << 16;
/// Elements of a loop calling exp, tanh, erf or the like per element
/// (tanh: about 25 us).
constexpr int64_t kMathGrain = 1 << 12;

/// Rows of `width` elements that make up `elements` of work (at least 1).
inline int64_t rowGrain(int64_t width, int64_t elements = kElementGrain) {
  return std::max<int64_t>(1, elements / std::max<int64_t>(width, 1));
}

//===----------------------------------------------------------------------===//
// Row maxima
//===----------------------------------------------------------------------===//

/// max(acc, x) where NaN wins over every number.
template <typename T> T maxPropagatingNaN(T acc, T x) {
  return (x > acc || x != x) ? x : acc;
}

/// The lowest value of T: the identity of max.
template <typename T> T lowest() {
  if constexpr (std::is_floating_point_v<T>)
    return -std::numeric_limits<T>::infinity();
  else
    return std::numeric_limits<T>::min();
}

/// A maximum in kLanes independent lanes, with the NaN test in lanes of its
/// own, so that the compiler turns them into vector registers; then the
/// lanes and the remainder in order. A run may be added in pieces whose
/// lengths are multiples of kLanes (the last one aside, which finish()
/// takes): the same bits as the run at once. The lane loop must not be
/// unrolled before vectorization, hence the pragma.
template <typename T> struct LaneMax {
  static constexpr int kLanes = 16;
  T lanes[kLanes], nans[kLanes];

  LaneMax() {
    for (int k = 0; k < kLanes; ++k)
      lanes[k] = nans[k] = lowest<T>();
  }
  /// Adds x[0..n), n a multiple of kLanes.
  void add(const T *x, int64_t n) {
    for (int64_t i = 0; i + kLanes <= n; i += kLanes) {
      const T *chunk = x + i;
#pragma GCC unroll 1
      for (int k = 0; k < kLanes; ++k) {
        const T v = chunk[k];
        lanes[k] = v > lanes[k] ? v : lanes[k];
        nans[k] = v != v ? v : nans[k];
      }
    }
  }
  /// The maximum of everything added and of rest[0..n).
  T finish(const T *rest, int64_t n) const {
    T acc = lowest<T>();
    for (int k = 0; k < kLanes; ++k)
      acc = maxPropagatingNaN(maxPropagatingNaN(acc, lanes[k]), nans[k]);
    for (int64_t i = 0; i < n; ++i)
      acc = maxPropagatingNaN(acc, rest[i]);
    return acc;
  }
};

/// A sum in kLanes interleaved partial sums of type Acc, then the lanes'
/// total and the remainder in order: a fixed order (so deterministic) that
/// the compiler vectorizes. Pieces as for LaneMax.
template <typename T, typename Acc> struct LaneSum {
  static constexpr int kLanes = 8;
  Acc lanes[kLanes] = {};

  /// Adds x[0..n), n a multiple of kLanes.
  void add(const T *x, int64_t n) {
    for (int64_t i = 0; i + kLanes <= n; i += kLanes) {
      const T *chunk = x + i;
#pragma GCC unroll 1
      for (int k = 0; k < kLanes; ++k)
        lanes[k] += static_cast<Acc>(chunk[k]);
    }
  }
  /// The sum of everything added, then of rest[0..n) one by one.
  Acc finish(const T *rest, int64_t n) const {
    Acc sum = 0;
    for (int k = 0; k < kLanes; ++k)
      sum += lanes[k];
    for (int64_t i = 0; i < n; ++i)
      sum += static_cast<Acc>(rest[i]);
    return sum;
  }
};

/// Reduces x[0..n) with a lane accumulator (LaneMax or LaneSum).
template <typename Lanes, typename T> auto reduceLanes(const T *x, int64_t n) {
  Lanes lanes;
  const int64_t whole = n / Lanes::kLanes * Lanes::kLanes;
  lanes.add(x, whole);
  return lanes.finish(x + whole, n - whole);
}

/// Maximum of x[0..n) (lowest<T>() when n is 0); NaN if any element is NaN.
template <typename T> T rowMax(const T *x, int64_t n) {
  return reduceLanes<LaneMax<T>>(x, n);
}

//===----------------------------------------------------------------------===//
// Strided walks
//===----------------------------------------------------------------------===//

/// A row-major walk over a contiguous result with up to kMaxInputs operands
/// read through arbitrary element strides (0 along broadcast dims). Dims of
/// size 1 are dropped and dims that are contiguous for every operand are
/// merged, so most walks are one long innermost row.
struct StridedPlan {
  static constexpr int kMaxInputs = 3;
  using Offsets = std::array<int64_t, kMaxInputs>;

  int64_t total = 0;     ///< Result elements.
  int64_t inner = 1;     ///< Length of the innermost row.
  Offsets innerStride{}; ///< Operand strides along the row.
  Shape outerDims;       ///< Remaining dims, outermost first.
  std::vector<Offsets> outerStrides;
  int64_t rows = 0; ///< total / inner.

  /// Calls `row(inputOffsets, resultOffset)` for each innermost row, in
  /// row-major order. `counter` is scratch owned by the caller.
  template <typename F> void forEachRow(Shape &counter, F &&row) const;

  /// Calls `span(inputOffsets, resultOffset, length)` for the pieces of
  /// innermost rows that cover result elements [begin, end), in order, so
  /// that a parallelFor chunk may start and end inside a row.
  template <typename F>
  void forEachSpan(int64_t begin, int64_t end, F &&span) const;

  /// Steps the odometer `counter` over outerDims, and the operand offsets
  /// `in` with it, to the next row.
  void nextRow(Shape &counter, Offsets &in) const;
};

/// Plans a walk over `shape` with operands read through `inputStrides`
/// (one stride vector of rank(shape) per operand).
StridedPlan makeStridedPlan(const Shape &shape,
                            const std::vector<Shape> &inputStrides);

inline void StridedPlan::nextRow(Shape &counter, Offsets &in) const {
  for (size_t d = outerDims.size(); d-- > 0;) {
    const Offsets &stride = outerStrides[d];
    if (++counter[d] < outerDims[d]) {
      for (int k = 0; k < kMaxInputs; ++k)
        in[k] += stride[k];
      return;
    }
    for (int k = 0; k < kMaxInputs; ++k)
      in[k] -= stride[k] * (outerDims[d] - 1);
    counter[d] = 0;
  }
}

template <typename F>
void StridedPlan::forEachRow(Shape &counter, F &&row) const {
  counter.assign(outerDims.size(), 0);
  Offsets in{};
  int64_t out = 0;
  for (int64_t r = 0; r < rows; ++r, out += inner) {
    row(in, out);
    nextRow(counter, in);
  }
}

template <typename F>
void StridedPlan::forEachSpan(int64_t begin, int64_t end, F &&span) const {
  if (begin >= end)
    return;
  const size_t depth = outerDims.size();
  // The odometer of the row holding `begin`, and its operand offsets.
  Shape counter(depth, 0);
  Offsets in{};
  int64_t row = begin / inner, col = begin % inner;
  for (size_t d = depth; d-- > 0;) {
    counter[d] = row % outerDims[d];
    row /= outerDims[d];
    for (int k = 0; k < kMaxInputs; ++k)
      in[k] += counter[d] * outerStrides[d][k];
  }
  for (int64_t out = begin; out < end;) {
    const int64_t length = std::min(inner - col, end - out);
    Offsets at;
    for (int k = 0; k < kMaxInputs; ++k)
      at[k] = in[k] + col * innerStride[k];
    span(at, out, length);
    out += length;
    col = 0;
    nextRow(counter, in);
  }
}

/// forEachSpan over all of `plan`'s result elements, split among the
/// pool's threads in chunks of at least `grain` elements.
template <typename F>
void parallelSpans(const StridedPlan &plan, int64_t grain, F &&span) {
  parallelFor(plan.total, grain, [&](int64_t begin, int64_t end) {
    plan.forEachSpan(begin, end, span);
  });
}

/// Calls `span(outer, begin, length)` for the runs of rows of `inner`
/// elements that cover flat positions [begin, end) of an [outer, inner]
/// view: the chunks of a parallelFor over every (outer, inner) position.
template <typename F>
void forEachRowSpan(int64_t inner, int64_t begin, int64_t end, F &&span) {
  for (int64_t at = begin; at < end;) {
    const int64_t outer = at / inner, col = at % inner;
    const int64_t length = std::min(inner - col, end - at);
    span(outer, col, length);
    at += length;
  }
}

/// A tensor viewed as [outer, extent, inner] around one axis.
struct AxisView {
  int64_t outer = 1;
  int64_t extent = 1;
  int64_t inner = 1;
};
AxisView axisView(const Shape &shape, size_t axis);

//===----------------------------------------------------------------------===//
// Per-family entry points (one file each)
//===----------------------------------------------------------------------===//

// Elementwise.cpp: arithmetic, unary math, compare, select, cast.
Status checkElementwise(const fb::CpuKernel &kernel, const Descs &operands,
                        const Descs &results);
CommandOr prepareElementwise(const fb::CpuKernel &kernel,
                             const std::vector<TensorRef> &operands,
                             const std::vector<TensorRef> &results);

// Reduce.cpp: reduce_sum/mean/max, softmax, log_softmax, argmax.
Status checkReduce(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results);
CommandOr prepareReduce(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results);

// Layout.cpp: copy, reshape, broadcast_to, transpose.
Status checkLayout(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results);
CommandOr prepareLayout(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results);

// Matmul.cpp: batched matmul through OpenBLAS.
Status checkMatmul(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results);
CommandOr prepareMatmul(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results);

// Loss.cpp: one_hot, mse_loss, softmax_cross_entropy.
Status checkLoss(const fb::CpuKernel &kernel, const Descs &operands,
                 const Descs &results);
CommandOr prepareLoss(const fb::CpuKernel &kernel,
                      const std::vector<TensorRef> &operands,
                      const std::vector<TensorRef> &results);

// Embedding.cpp: embedding, embedding_grad.
Status checkEmbedding(const fb::CpuKernel &kernel, const Descs &operands,
                      const Descs &results);
CommandOr prepareEmbedding(const fb::CpuKernel &kernel,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results);

// Norm.cpp: layer_norm, rms_norm.
Status checkNorm(const fb::CpuKernel &kernel, const Descs &operands,
                 const Descs &results);
CommandOr prepareNorm(const fb::CpuKernel &kernel,
                      const std::vector<TensorRef> &operands,
                      const std::vector<TensorRef> &results);

// Attention.cpp: rope, causal_mask, attention, attention_grad.
Status checkAttention(const fb::CpuKernel &kernel, const Descs &operands,
                      const Descs &results);
CommandOr prepareAttention(const fb::CpuKernel &kernel,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results);
// Cache.cpp: cache_write (KV caches written at a runtime position).
Status checkCache(const fb::CpuKernel &kernel, const Descs &operands,
                  const Descs &results);
CommandOr prepareCache(const fb::CpuKernel &kernel,
                       const std::vector<TensorRef> &operands,
                       const std::vector<TensorRef> &results);

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_KERNELUTIL_H
