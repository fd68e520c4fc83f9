// CPU kernels that reduce along axes: reduce_sum, reduce_mean, reduce_max,
// softmax, log_softmax and argmax.
//
// Float sums accumulate in double in a fixed order, so results are
// bit-identical from run to run. Threads split the output elements (rows,
// for softmax): each output is reduced by one thread, in the same order
// whatever the thread count.
#include "runtime/cpu/KernelUtil.h"

#include <cmath>
#include <limits>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

//===----------------------------------------------------------------------===//
// reduce_sum, reduce_mean, reduce_max
//===----------------------------------------------------------------------===//

/// The reduced axes; an absent vector means none (the flatbuffers object
/// API writes an empty vector as absent).
Shape axesOf(const fb::CpuKernel &kernel) {
  if (!kernel.axes())
    return {};
  return Shape(kernel.axes()->begin(), kernel.axes()->end());
}

/// The input walked in memory order as merged runs of kept or reduced dims.
/// Each output element gathers its inputs in that fixed order.
struct ReducePlan {
  /// Merged input dims, outermost first (never empty), and whether each
  /// is reduced or kept.
  Shape dims;
  std::vector<bool> reduced;
  bool innerReduced = false;
  int64_t inputTotal = 0;
  int64_t outputTotal = 0;
  int64_t count = 1;  ///< Inputs per output element.
  double divisor = 1; ///< What each output is divided by (count for mean).
};

ReducePlan planReduce(const Shape &shape, const Shape &axes) {
  ReducePlan plan;
  plan.inputTotal = product(shape);
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t a : axes)
    reduced[static_cast<size_t>(a)] = true;
  std::vector<bool> &kinds = plan.reduced;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (reduced[i])
      plan.count *= shape[i];
    if (shape[i] == 1)
      continue;
    if (!kinds.empty() && kinds.back() == reduced[i]) {
      plan.dims.back() *= shape[i];
      continue;
    }
    plan.dims.push_back(shape[i]);
    kinds.push_back(reduced[i]);
  }
  if (plan.dims.empty()) {
    plan.dims.push_back(1);
    kinds.push_back(false);
  }
  plan.outputTotal = 1;
  for (size_t d = 0; d < plan.dims.size(); ++d)
    if (!kinds[d])
      plan.outputTotal *= plan.dims[d];
  plan.innerReduced = kinds.back();
  return plan;
}

/// Sum accumulator: double for floats, the unsigned type for integers (so
/// integer sums wrap around instead of overflowing).
template <typename T, typename = void> struct SumAcc { using type = double; };
template <typename T>
struct SumAcc<T, std::enable_if_t<std::is_integral_v<T>>> {
  using type = std::make_unsigned_t<T>;
};

/// Sums in a fixed order.
template <typename T> struct SumPolicy {
  using Acc = typename SumAcc<T>::type;
  static Acc init() { return 0; }
  static Acc combine(Acc acc, T x) { return acc + static_cast<Acc>(x); }
  static Acc merge(Acc a, Acc b) { return a + b; }

  /// Sum of a contiguous run in interleaved partial sums (LaneSum): a
  /// fixed order (so still deterministic) that the compiler vectorizes.
  static Acc row(const T *x, int64_t n) {
    return reduceLanes<LaneSum<T, Acc>>(x, n);
  }
};

/// Maximum; NaN wins over every number.
template <typename T> struct MaxPolicy {
  using Acc = T;
  static Acc init() { return lowest<T>(); }
  static Acc combine(Acc acc, T x) { return maxPropagatingNaN(acc, x); }
  static Acc merge(Acc a, Acc b) { return combine(a, b); }
  static Acc row(const T *x, int64_t n) { return rowMax(x, n); }
};

/// The input as two nested walks: output elements over the kept dims, and
/// for each, its inputs over the reduced dims. Both in row-major order, so
/// every output gathers its inputs in the order of the input's memory.
struct ReduceWalk {
  Shape keptDims, keptStrides;       ///< Input strides of the kept dims.
  Shape reducedDims, reducedStrides; ///< Same for the reduced dims.
  /// The innermost merged dim: reduced (each output sums contiguous rows of
  /// `inner`) or kept (`inner` neighbouring outputs read neighbouring
  /// inputs). It is the last entry of reducedDims or keptDims.
  bool innerReduced = false;
  int64_t inner = 1;
};

ReduceWalk walkOf(const ReducePlan &plan) {
  ReduceWalk walk;
  walk.innerReduced = plan.innerReduced;
  walk.inner = plan.dims.back();
  int64_t stride = 1;
  for (size_t d = plan.dims.size(); d-- > 0;) {
    const bool reduced = plan.reduced[d];
    (reduced ? walk.reducedDims : walk.keptDims).push_back(plan.dims[d]);
    (reduced ? walk.reducedStrides : walk.keptStrides).push_back(stride);
    stride *= plan.dims[d];
  }
  std::reverse(walk.keptDims.begin(), walk.keptDims.end());
  std::reverse(walk.keptStrides.begin(), walk.keptStrides.end());
  std::reverse(walk.reducedDims.begin(), walk.reducedDims.end());
  std::reverse(walk.reducedStrides.begin(), walk.reducedStrides.end());
  return walk;
}

/// Input offset of element `index` (row-major) of the dims [0, depth).
int64_t offsetOf(int64_t index, const Shape &dims, const Shape &strides,
                 size_t depth) {
  int64_t offset = 0;
  for (size_t d = depth; d-- > 0;) {
    offset += (index % dims[d]) * strides[d];
    index /= dims[d];
  }
  return offset;
}

/// Calls `fn(offset)` for every combination of the first `depth` reduced
/// dims, in row-major order; `counter` is the caller's scratch.
template <typename F>
void forEachReduced(const ReduceWalk &walk, size_t depth, Shape &counter,
                    F &&fn) {
  counter.assign(depth, 0);
  int64_t offset = 0;
  for (int64_t i = 0, n = product(walk.reducedDims, 0, depth); i < n; ++i) {
    fn(offset);
    for (size_t d = depth; d-- > 0;) {
      offset += walk.reducedStrides[d];
      if (++counter[d] < walk.reducedDims[d])
        break;
      offset -= walk.reducedStrides[d] * walk.reducedDims[d];
      counter[d] = 0;
    }
  }
}

/// Outputs [begin, end) when the innermost dim is reduced: each is the
/// merge, over its outer reduced combinations, of Policy::row of a
/// contiguous run.
template <typename T, typename Policy, typename Write>
void reduceRows(const ReduceWalk &walk, const T *in, int64_t begin, int64_t end,
                Write &&write) {
  const size_t outerReduced = walk.reducedDims.size() - 1;
  Shape counter;
  for (int64_t o = begin; o < end; ++o) {
    const T *base =
        in + offsetOf(o, walk.keptDims, walk.keptStrides, walk.keptDims.size());
    typename Policy::Acc acc = Policy::init();
    forEachReduced(walk, outerReduced, counter, [&](int64_t offset) {
      acc = Policy::merge(acc, Policy::row(base + offset, walk.inner));
    });
    write(o, acc);
  }
}

/// Outputs [begin, end) when the innermost dim is kept: blocks of
/// neighbouring outputs accumulate their inputs one reduced combination
/// at a time (each output still in the input's memory order).
template <typename T, typename Policy, typename Write>
void reduceColumns(const ReduceWalk &walk, const T *in, int64_t begin,
                   int64_t end, Write &&write) {
  constexpr int64_t kBlock = 256;
  typename Policy::Acc acc[kBlock];
  Shape counter;
  // Outputs [first, first + n) of one row, whose first input is at x.
  auto block = [&](const T *x, int64_t first, int64_t n) {
    std::fill(acc, acc + n, Policy::init());
    forEachReduced(walk, walk.reducedDims.size(), counter, [&](int64_t at) {
      for (int64_t j = 0; j < n; ++j)
        acc[j] = Policy::combine(acc[j], x[at + j]);
    });
    for (int64_t j = 0; j < n; ++j)
      write(first + j, acc[j]);
  };
  const size_t outerKept = walk.keptDims.size() - 1;
  auto span = [&](int64_t row, int64_t col, int64_t length) {
    const T *x =
        in + offsetOf(row, walk.keptDims, walk.keptStrides, outerKept) + col;
    for (int64_t j = 0; j < length; j += kBlock)
      block(x + j, row * walk.inner + col + j, std::min(kBlock, length - j));
  };
  forEachRowSpan(walk.inner, begin, end, span);
}

/// Reduces each output element on one thread and writes acc / divisor
/// (the divisor is 1 except for reduce_mean, and unused for integers).
template <typename T, typename Policy>
CommandOr makeReduce(const ReducePlan &plan, const TensorRef &operand,
                     const TensorRef &result) {
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  using Acc = typename Policy::Acc;
  const double divisor = plan.divisor;
  auto write = [out, divisor](int64_t o, Acc acc) {
    if constexpr (std::is_floating_point_v<T>)
      out[o] = static_cast<T>(acc / divisor);
    else
      out[o] = static_cast<T>(acc);
  };
  const int64_t grain = rowGrain(plan.count);
  return makeCommand([walk = walkOf(plan), plan, in, write, grain]() {
    if (plan.inputTotal == 0) {
      for (int64_t o = 0; o < plan.outputTotal; ++o)
        write(o, Policy::init());
      return Status::ok();
    }
    parallelFor(plan.outputTotal, grain, [&](int64_t begin, int64_t end) {
      if (walk.innerReduced)
        reduceRows<T, Policy>(walk, in, begin, end, write);
      else
        reduceColumns<T, Policy>(walk, in, begin, end, write);
    });
    return Status::ok();
  });
}

CommandOr prepareReduceAxes(const fb::CpuKernel &kernel,
                            const TensorRef &operand, const TensorRef &result) {
  ReducePlan plan = planReduce(operand.desc->shape, axesOf(kernel));
  bool isMax = kernel.op() == K::reduce_max;
  if (kernel.op() == K::reduce_mean)
    plan.divisor = static_cast<double>(plan.count); // 0 gives NaN, as NumPy
  return visitDType(operand.desc->dtype, [&](auto tag) -> CommandOr {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, I1>)
      return Status::error("i1 is not a numeric dtype");
    else if (isMax)
      return makeReduce<T, MaxPolicy<T>>(plan, operand, result);
    else
      return makeReduce<T, SumPolicy<T>>(plan, operand, result);
  });
}

//===----------------------------------------------------------------------===//
// softmax, log_softmax
//===----------------------------------------------------------------------===//

/// log_softmax of a row from its shifted values x - max and their sum of
/// exponentials, as torch computes it: (x - max) - log(sum).
template <typename T>
void logSoftmaxRow(const T *shifted, double sum, T *out, int64_t n,
                   int64_t stride) {
  const T logSum = static_cast<T>(std::log(sum));
  for (int64_t c = 0; c < n; ++c)
    out[c * stride] = shifted[c * stride] - logSum;
}

/// Softmax (or log_softmax) of rows that are contiguous (the axis is the
/// last non-unit dim).
template <typename T>
void softmaxRows(const T *in, T *out, AxisView v, bool log) {
  for (int64_t o = 0; o < v.outer; ++o, in += v.extent, out += v.extent) {
    T max = rowMax(in, v.extent);
    double sum = 0;
    if (log) {
      for (int64_t c = 0; c < v.extent; ++c) {
        out[c] = in[c] - max;
        sum += std::exp(out[c]);
      }
      logSoftmaxRow(out, sum, out, v.extent, 1);
      continue;
    }
    for (int64_t c = 0; c < v.extent; ++c) {
      out[c] = std::exp(in[c] - max);
      sum += out[c];
    }
    const T total = static_cast<T>(sum);
    for (int64_t c = 0; c < v.extent; ++c)
      out[c] /= total;
  }
}

/// Softmax (or log_softmax) along a strided axis, for `count` neighbouring
/// inner positions from `in` and `out` (both already offset to the first):
/// the inner dim stays the contiguous loop, with one running max and sum
/// per inner position.
template <typename T>
void softmaxStrided(const T *in, T *out, AxisView v, int64_t count, bool log,
                    T *max, double *sum) {
  std::fill(max, max + count, MaxPolicy<T>::init());
  std::fill(sum, sum + count, 0.0);
  for (int64_t c = 0; c < v.extent; ++c)
    for (int64_t j = 0; j < count; ++j)
      max[j] = MaxPolicy<T>::combine(max[j], in[c * v.inner + j]);
  if (log) {
    for (int64_t c = 0; c < v.extent; ++c)
      for (int64_t j = 0; j < count; ++j) {
        T shifted = in[c * v.inner + j] - max[j];
        out[c * v.inner + j] = shifted;
        sum[j] += std::exp(shifted);
      }
    for (int64_t j = 0; j < count; ++j)
      logSoftmaxRow(out + j, sum[j], out + j, v.extent, v.inner);
    return;
  }
  for (int64_t c = 0; c < v.extent; ++c)
    for (int64_t j = 0; j < count; ++j) {
      T e = std::exp(in[c * v.inner + j] - max[j]);
      out[c * v.inner + j] = e;
      sum[j] += e;
    }
  for (int64_t c = 0; c < v.extent; ++c)
    for (int64_t j = 0; j < count; ++j)
      out[c * v.inner + j] /= static_cast<T>(sum[j]);
}

/// Inner positions a strided softmax or argmax keeps running values for at
/// once (a stack block, so that threads share no scratch).
constexpr int64_t kColumnBlock = 256;

/// Calls `fn(inAt, outAt, count)` for blocks of at most kColumnBlock
/// neighbouring inner positions, covering (outer, inner) positions
/// [begin, end): the rows of the reduced axis start at element inAt of the
/// operand; outAt is the matching (outer, inner) position.
template <typename F>
void forEachColumnBlock(AxisView v, int64_t begin, int64_t end, F &&fn) {
  forEachRowSpan(v.inner, begin, end,
                 [&](int64_t o, int64_t j, int64_t length) {
                   for (int64_t j0 = 0; j0 < length; j0 += kColumnBlock)
                     fn(o * v.extent * v.inner + j + j0, o * v.inner + j + j0,
                        std::min(kColumnBlock, length - j0));
                 });
}

template <typename T>
CommandOr makeSoftmax(AxisView view, bool log, const TensorRef &operand,
                      const TensorRef &result) {
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  const int64_t grain = rowGrain(view.extent, kMathGrain);
  if (view.inner == 1)
    return makeCommand([view, log, in, out, grain]() {
      parallelFor(view.outer, grain, [&](int64_t begin, int64_t end) {
        AxisView rows = view;
        rows.outer = end - begin;
        softmaxRows(in + begin * view.extent, out + begin * view.extent, rows,
                    log);
      });
      return Status::ok();
    });
  return makeCommand([view, log, in, out, grain]() {
    parallelFor(
        view.outer * view.inner, grain, [&](int64_t begin, int64_t end) {
          T max[kColumnBlock];
          double sum[kColumnBlock];
          forEachColumnBlock(
              view, begin, end, [&](int64_t at, int64_t, int64_t count) {
                softmaxStrided(in + at, out + at, view, count, log, max, sum);
              });
        });
    return Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// argmax
//===----------------------------------------------------------------------===//

/// Whether `x` replaces `best`: strictly greater, or the first NaN (which
/// then wins, as in numpy.argmax). Ties keep the first index.
template <typename T> bool beats(T x, T best) {
  return x > best || (x != x && best == best);
}

/// argmax along the axis for `count` neighbouring inner positions.
template <typename T, typename R>
void argmaxColumns(const T *in, R *out, AxisView v, int64_t count, T *best) {
  for (int64_t j = 0; j < count; ++j) {
    best[j] = in[j];
    out[j] = 0;
  }
  for (int64_t c = 1; c < v.extent; ++c)
    for (int64_t j = 0; j < count; ++j)
      if (beats(in[c * v.inner + j], best[j])) {
        best[j] = in[c * v.inner + j];
        out[j] = static_cast<R>(c);
      }
}

template <typename T>
CommandOr makeArgmax(AxisView view, const TensorRef &operand,
                     const TensorRef &result) {
  const T *in = operand.as<const T>();
  auto build = [&](auto *out) {
    return makeCommand([view, in, out]() {
      if (view.extent == 0)
        return Status::ok();
      parallelFor(view.outer * view.inner, rowGrain(view.extent),
                  [&](int64_t begin, int64_t end) {
                    T best[kColumnBlock];
                    forEachColumnBlock(
                        view, begin, end,
                        [&](int64_t at, int64_t to, int64_t count) {
                          argmaxColumns(in + at, out + to, view, count, best);
                        });
                  });
      return Status::ok();
    });
  };
  if (result.desc->dtype == DType::i32)
    return build(result.as<int32_t>());
  return build(result.as<int64_t>());
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

Status checkAxes(const Shape &axes, size_t rank) {
  for (size_t i = 0; i < axes.size(); ++i) {
    MLC_RETURN_IF_ERROR(checkAxis(axes[i], rank, "axis"));
    if (i > 0 && axes[i] <= axes[i - 1])
      return Status::error("axes " + listStr(axes) +
                           " must be sorted and unique");
  }
  return Status::ok();
}

Status checkReduceAxes(const fb::CpuKernel &kernel, const TensorDesc &operand,
                       const TensorDesc &result) {
  if (kernel.op() == K::reduce_mean)
    MLC_RETURN_IF_ERROR(expectFloat(operand, "operand 0"));
  else
    MLC_RETURN_IF_ERROR(expectNumeric(operand, "operand 0"));
  Shape axes = axesOf(kernel);
  MLC_RETURN_IF_ERROR(checkAxes(axes, operand.shape.size()));
  TensorDesc expected{operand.dtype, {}};
  size_t next = 0;
  for (size_t i = 0; i < operand.shape.size(); ++i) {
    bool reduced = next < axes.size() && static_cast<size_t>(axes[next]) == i;
    next += reduced;
    if (!reduced)
      expected.shape.push_back(operand.shape[i]);
    else if (kernel.keepdims())
      expected.shape.push_back(1);
  }
  return expectResult(result, expected)
      .withContext("operand " + operand.str() + " reduced over axes " +
                   listStr(axes) + (kernel.keepdims() ? " with keepdims" : ""));
}

Status checkSoftmax(const fb::CpuKernel &kernel, const TensorDesc &operand,
                    const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectFloat(operand, "operand 0"));
  MLC_RETURN_IF_ERROR(checkAxis(kernel.axis(), operand.shape.size(), "axis"));
  return expectResult(result, operand);
}

Status checkArgmax(const fb::CpuKernel &kernel, const TensorDesc &operand,
                   const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectNumeric(operand, "operand 0"));
  MLC_RETURN_IF_ERROR(checkAxis(kernel.axis(), operand.shape.size(), "axis"));
  if (!isInt(result.dtype))
    return Status::error("result has dtype " +
                         std::string(dtypeName(result.dtype)) +
                         ", expected i32 or i64");
  size_t axis = static_cast<size_t>(kernel.axis());
  Shape expected = operand.shape;
  expected.erase(expected.begin() + static_cast<ptrdiff_t>(axis));
  if (result.shape != expected)
    return Status::error("result shape is " + shapeStr(result.shape) +
                         ", expected " + shapeStr(expected) + " (operand " +
                         shapeStr(operand.shape) + " without axis " +
                         std::to_string(axis) + ")");
  int64_t extent = operand.shape[axis];
  if (extent == 0 && product(expected) != 0)
    return Status::error("axis " + std::to_string(axis) +
                         " has size 0, so there is no maximum");
  if (result.dtype == DType::i32 &&
      extent > std::numeric_limits<int32_t>::max())
    return Status::error("axis size " + std::to_string(extent) +
                         " does not fit the i32 result");
  return Status::ok();
}

} // namespace

Status checkReduce(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  const TensorDesc &operand = *operands[0];
  const TensorDesc &result = *results[0];
  switch (kernel.op()) {
  case K::softmax:
  case K::log_softmax:
    return checkSoftmax(kernel, operand, result);
  case K::argmax:
    return checkArgmax(kernel, operand, result);
  default:
    return checkReduceAxes(kernel, operand, result);
  }
}

CommandOr prepareReduce(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results) {
  const TensorRef &operand = operands[0];
  const TensorRef &result = results[0];
  K op = kernel.op();
  if (op != K::softmax && op != K::log_softmax && op != K::argmax)
    return prepareReduceAxes(kernel, operand, result);
  AxisView view =
      axisView(operand.desc->shape, static_cast<size_t>(kernel.axis()));
  return visitDType(operand.desc->dtype, [&](auto tag) -> CommandOr {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, I1>)
      return Status::error("i1 is not a numeric dtype");
    else if (op == K::argmax)
      return makeArgmax<T>(view, operand, result);
    else if constexpr (std::is_floating_point_v<T>)
      return makeSoftmax<T>(view, op == K::log_softmax, operand, result);
    else
      return Status::error("softmax needs a float operand");
  });
}

} // namespace mlc::rt::cpu
