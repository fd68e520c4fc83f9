// CPU kernels that reduce along axes: reduce_sum, reduce_mean, reduce_max,
// softmax, log_softmax and argmax.
//
// Float sums accumulate in double in a fixed order, so results are
// bit-identical from run to run. Single-threaded, like every kernel outside
// OpenBLAS.
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
  Shape dims;       ///< Merged input dims, outermost first (never empty).
  Shape outStrides; ///< Output stride per merged dim; 0 for reduced ones.
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
  std::vector<bool> kinds;
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
  plan.outStrides.assign(plan.dims.size(), 0);
  int64_t stride = 1;
  for (size_t d = plan.dims.size(); d-- > 0;) {
    if (kinds[d])
      continue;
    plan.outStrides[d] = stride;
    stride *= plan.dims[d];
  }
  plan.outputTotal = stride;
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

  /// Sum of a contiguous run in kLanes interleaved partial sums: a fixed
  /// order (so still deterministic) that the compiler vectorizes.
  static Acc row(const T *x, int64_t n) {
    constexpr int kLanes = 8;
    Acc lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      const T *chunk = x + i;
#pragma GCC unroll 1
      for (int k = 0; k < kLanes; ++k)
        lanes[k] += static_cast<Acc>(chunk[k]);
    }
    Acc sum = 0;
    for (int k = 0; k < kLanes; ++k)
      sum += lanes[k];
    for (; i < n; ++i)
      sum += static_cast<Acc>(x[i]);
    return sum;
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

/// Accumulates `in` into `acc` (output-sized) along the plan.
template <typename T, typename Policy>
void accumulate(const ReducePlan &plan, const T *in,
                std::vector<typename Policy::Acc> &acc, Shape &counter) {
  acc.assign(static_cast<size_t>(plan.outputTotal), Policy::init());
  if (plan.inputTotal == 0)
    return;
  size_t depth = plan.dims.size() - 1;
  int64_t inner = plan.dims.back();
  int64_t rows = plan.inputTotal / inner;
  counter.assign(depth, 0);
  int64_t out = 0;
  for (int64_t r = 0; r < rows; ++r, in += inner) {
    if (plan.innerReduced) {
      acc[out] = Policy::merge(acc[out], Policy::row(in, inner));
    } else {
      typename Policy::Acc *dst = acc.data() + out;
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = Policy::combine(dst[j], in[j]);
    }
    for (size_t d = depth; d-- > 0;) {
      if (++counter[d] < plan.dims[d]) {
        out += plan.outStrides[d];
        break;
      }
      out -= plan.outStrides[d] * (plan.dims[d] - 1);
      counter[d] = 0;
    }
  }
}

/// Reduces into an output-sized accumulator, then writes acc / divisor
/// (the divisor is 1 except for reduce_mean, and unused for integers).
template <typename T, typename Policy>
CommandOr makeReduce(const ReducePlan &plan, const TensorRef &operand,
                     const TensorRef &result) {
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  return makeCommand([plan, in, out, counter = Shape(),
                      acc = std::vector<typename Policy::Acc>()]() mutable {
    accumulate<T, Policy>(plan, in, acc, counter);
    for (int64_t i = 0; i < plan.outputTotal; ++i) {
      if constexpr (std::is_floating_point_v<T>)
        out[i] = static_cast<T>(acc[i] / plan.divisor);
      else
        out[i] = static_cast<T>(acc[i]);
    }
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

/// Softmax (or log_softmax) along a strided axis: the inner dim stays the
/// contiguous loop, with one running max and sum per inner position.
template <typename T>
void softmaxStrided(const T *in, T *out, AxisView v, bool log,
                    std::vector<T> &max, std::vector<double> &sum) {
  const int64_t step = v.extent * v.inner;
  max.resize(static_cast<size_t>(v.inner));
  sum.resize(static_cast<size_t>(v.inner));
  for (int64_t o = 0; o < v.outer; ++o, in += step, out += step) {
    std::fill(max.begin(), max.end(), MaxPolicy<T>::init());
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t c = 0; c < v.extent; ++c)
      for (int64_t j = 0; j < v.inner; ++j)
        max[j] = MaxPolicy<T>::combine(max[j], in[c * v.inner + j]);
    if (log) {
      for (int64_t c = 0; c < v.extent; ++c)
        for (int64_t j = 0; j < v.inner; ++j) {
          T shifted = in[c * v.inner + j] - max[j];
          out[c * v.inner + j] = shifted;
          sum[j] += std::exp(shifted);
        }
      for (int64_t j = 0; j < v.inner; ++j)
        logSoftmaxRow(out + j, sum[j], out + j, v.extent, v.inner);
      continue;
    }
    for (int64_t c = 0; c < v.extent; ++c)
      for (int64_t j = 0; j < v.inner; ++j) {
        T e = std::exp(in[c * v.inner + j] - max[j]);
        out[c * v.inner + j] = e;
        sum[j] += e;
      }
    for (int64_t c = 0; c < v.extent; ++c)
      for (int64_t j = 0; j < v.inner; ++j)
        out[c * v.inner + j] /= static_cast<T>(sum[j]);
  }
}

template <typename T>
CommandOr makeSoftmax(AxisView view, bool log, const TensorRef &operand,
                      const TensorRef &result) {
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  if (view.inner == 1)
    return makeCommand([view, log, in, out]() {
      softmaxRows(in, out, view, log);
      return Status::ok();
    });
  return makeCommand([view, log, in, out, max = std::vector<T>(),
                      sum = std::vector<double>()]() mutable {
    softmaxStrided(in, out, view, log, max, sum);
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

template <typename T, typename R>
void argmaxAxis(const T *in, R *out, AxisView v, std::vector<T> &best) {
  best.resize(static_cast<size_t>(v.inner));
  const int64_t step = v.extent * v.inner;
  for (int64_t o = 0; o < v.outer; ++o, in += step, out += v.inner) {
    for (int64_t j = 0; j < v.inner; ++j) {
      best[j] = in[j];
      out[j] = 0;
    }
    for (int64_t c = 1; c < v.extent; ++c)
      for (int64_t j = 0; j < v.inner; ++j)
        if (beats(in[c * v.inner + j], best[j])) {
          best[j] = in[c * v.inner + j];
          out[j] = static_cast<R>(c);
        }
  }
}

template <typename T>
CommandOr makeArgmax(AxisView view, const TensorRef &operand,
                     const TensorRef &result) {
  const T *in = operand.as<const T>();
  auto build = [&](auto *out) {
    return makeCommand([view, in, out, best = std::vector<T>()]() mutable {
      if (view.extent > 0)
        argmaxAxis(in, out, view, best);
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
