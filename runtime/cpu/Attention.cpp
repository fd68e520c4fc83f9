// Attention CPU kernels: rope (rotary position embedding), causal_mask,
// attention and attention_grad.
//
// attention never holds the [B, H, T, S] scores: each (batch, head, query)
// row recomputes its S scores into a scratch row (two-pass softmax),
// accumulating in the element type. attention_grad recomputes the same
// probabilities per row and adds into dk and dv in a fixed (b, h, t, j)
// order, so its sums are the same on every run. rope computes its angles in
// double. Single-threaded, like every kernel outside OpenBLAS.
#include "runtime/cpu/KernelUtil.h"

#include <algorithm>
#include <cmath>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

/// rope of every row: rows are [outer, T, D] with positions per t. The cos
/// and sin table [T, D/2] is rebuilt from the positions on every run.
template <typename T, typename L>
CommandOr makeRope(const fb::CpuKernel &kernel, const TensorRef &input,
                   const TensorRef &positions, const TensorRef &result) {
  const T *x = input.as<const T>();
  const L *pos = positions.as<const L>();
  T *y = result.as<T>();
  const Shape &shape = input.desc->shape;
  const int64_t width = shape.back(), steps = shape[shape.size() - 2];
  const int64_t outer = product(shape, 0, shape.size() - 2);
  const double theta = kernel.theta();
  const double sign = kernel.inverse() ? -1.0 : 1.0;
  return makeCommand([x, pos, y, width, steps, outer, theta, sign,
                      cosines = std::vector<T>(),
                      sines = std::vector<T>()]() mutable {
    const int64_t half = width / 2;
    cosines.resize(static_cast<size_t>(steps * half));
    sines.resize(cosines.size());
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t i = 0; i < half; ++i) {
        double invFreq = std::pow(theta, -2.0 * static_cast<double>(i) /
                                             static_cast<double>(width));
        double angle = static_cast<double>(pos[t]) * invFreq;
        cosines[t * half + i] = static_cast<T>(std::cos(angle));
        sines[t * half + i] = static_cast<T>(sign * std::sin(angle));
      }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t t = 0; t < steps; ++t) {
        const int64_t row = (o * steps + t) * width;
        const T *c = cosines.data() + t * half, *s = sines.data() + t * half;
        for (int64_t i = 0; i < half; ++i) {
          const T lo = x[row + i], hi = x[row + half + i];
          y[row + i] = lo * c[i] - hi * s[i];
          y[row + half + i] = hi * c[i] + lo * s[i];
        }
      }
    return Status::ok();
  });
}

Status checkRope(const fb::CpuKernel &kernel, const Descs &operands,
                 const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
  const TensorDesc &x = *operands[0], &positions = *operands[1];
  MLC_RETURN_IF_ERROR(expectFloat(x, "operand 0"));
  if (x.shape.size() < 2 || x.shape.back() % 2 != 0)
    return Status::error("operand 0 is " + x.str() +
                         ", expected rank >= 2 with an even last dimension");
  MLC_RETURN_IF_ERROR(expectIndices(positions, "operand 1 (the positions)"));
  Shape steps{x.shape[x.shape.size() - 2]};
  if (positions.shape != steps)
    return Status::error("operand 1 (the positions) shape is " +
                         shapeStr(positions.shape) + ", expected " +
                         shapeStr(steps) + " (T, operand 0's dim -2)");
  if (!std::isfinite(kernel.theta()) || kernel.theta() <= 0)
    return Status::error("theta " + std::to_string(kernel.theta()) +
                         " is not finite and positive");
  return expectResult(*results[0], x);
}

//===----------------------------------------------------------------------===//
// causal_mask
//===----------------------------------------------------------------------===//

template <typename T>
CommandOr makeCausalMask(const fb::CpuKernel &kernel, const TensorRef &input,
                         const TensorRef &result) {
  const T *x = input.as<const T>();
  T *y = result.as<T>();
  const Shape &shape = input.desc->shape;
  const int64_t cols = shape.back(), steps = shape[shape.size() - 2];
  const int64_t outer = product(shape, 0, shape.size() - 2);
  const T fill = static_cast<T>(kernel.fill());
  return makeCommand([x, y, cols, steps, outer, fill]() {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t t = 0; t < steps; ++t) {
        const int64_t row = (o * steps + t) * cols;
        // Keys j <= t + (S - T) stay; clamp the count to [0, S].
        const int64_t kept = std::clamp<int64_t>(t + cols - steps + 1, 0, cols);
        std::copy(x + row, x + row + kept, y + row);
        std::fill(y + row + kept, y + row + cols, fill);
      }
    return Status::ok();
  });
}

Status checkCausalMask(const Descs &operands, const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  const TensorDesc &x = *operands[0];
  MLC_RETURN_IF_ERROR(expectFloat(x, "operand 0"));
  if (x.shape.size() < 2)
    return Status::error("operand 0 is " + x.str() +
                         ", expected rank >= 2 ([..., T, S])");
  return expectResult(*results[0], x);
}

//===----------------------------------------------------------------------===//
// attention, attention_grad
//===----------------------------------------------------------------------===//

/// The sizes of one attention: q [B, H, T, D], k and v [B, KVH, S, D].
struct AttentionShape {
  int64_t batch, heads, kvHeads, steps, keys, width;
  /// Query heads per kv head.
  int64_t group() const { return heads / kvHeads; }
};

/// How many keys query t sees (keys [0, count)), or an error when the
/// offset leaves it none. `offset` is only read when `hasOffset`.
struct Visibility {
  bool causal = false, hasOffset = false;
  int64_t offset = 0;

  StatusOr<int64_t> keysOf(int64_t t, const AttentionShape &s) const {
    if (!causal)
      return s.keys;
    int64_t last = hasOffset ? offset + t : t + s.keys - s.steps;
    if (last < 0)
      return Status::error("offset " + std::to_string(offset) + " puts query " +
                           std::to_string(t) + " at position " +
                           std::to_string(last) + ", before every key");
    return std::min(last + 1, s.keys);
  }
};

/// Reads the run-time offset (an i32 or i64 scalar), if any.
template <typename L> int64_t readOffset(const void *data) {
  return static_cast<int64_t>(*static_cast<const L *>(data));
}

/// The normalized probabilities of one query row over keys [0, n) into
/// `p`: softmax(scale * q . k_j), two passes, accumulated in T.
template <typename T>
void rowProbabilities(const T *q, const T *k, int64_t n, int64_t width, T scale,
                      T *p) {
  T max = -std::numeric_limits<T>::infinity();
  for (int64_t j = 0; j < n; ++j) {
    const T *kj = k + j * width;
    T dot = 0;
    for (int64_t d = 0; d < width; ++d)
      dot += q[d] * kj[d];
    p[j] = dot * scale;
    max = maxPropagatingNaN(max, p[j]);
  }
  T sum = 0;
  for (int64_t j = 0; j < n; ++j) {
    p[j] = std::exp(p[j] - max);
    sum += p[j];
  }
  const T inv = T(1) / sum;
  for (int64_t j = 0; j < n; ++j)
    p[j] *= inv;
}

/// Calls `row(b, h, t, qRow, kHead, vHead, visibleKeys)` for every query
/// row in (b, h, t) order; stops at the first offset error.
template <typename T, typename F>
Status forEachQueryRow(const AttentionShape &s, const Visibility &vis,
                       const T *q, const T *k, const T *v, F &&row) {
  const int64_t qHead = s.steps * s.width, kvHead = s.keys * s.width;
  for (int64_t t = 0; t < s.steps; ++t)
    MLC_RETURN_IF_ERROR(vis.keysOf(t, s).status());
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.heads; ++h) {
      const int64_t kv = b * s.kvHeads + h / s.group();
      for (int64_t t = 0; t < s.steps; ++t) {
        int64_t n = vis.keysOf(t, s).value();
        row(b, h, t, q + (b * s.heads + h) * qHead + t * s.width,
            k + kv * kvHead, v + kv * kvHead, n);
      }
    }
  return Status::ok();
}

AttentionShape attentionShape(const TensorDesc &q, const TensorDesc &k) {
  return {q.shape[0], q.shape[1], k.shape[1],
          q.shape[2], k.shape[2], q.shape[3]};
}

template <typename T, typename ReadOffset>
CommandOr makeAttention(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const TensorRef &result, ReadOffset readOffset) {
  AttentionShape s = attentionShape(*operands[0].desc, *operands[1].desc);
  const T *q = operands[0].as<const T>();
  const T *k = operands[1].as<const T>();
  const T *v = operands[2].as<const T>();
  const void *offset = operands.size() > 3 ? operands[3].data : nullptr;
  T *out = result.as<T>();
  const T scale = static_cast<T>(kernel.scale());
  const bool causal = kernel.causal();
  return makeCommand([=, p = std::vector<T>(),
                      acc = std::vector<T>()]() mutable {
    p.resize(static_cast<size_t>(s.keys));
    acc.resize(static_cast<size_t>(s.width));
    Visibility vis{causal, offset != nullptr, offset ? readOffset(offset) : 0};
    return forEachQueryRow<T>(
        s, vis, q, k, v,
        [&](int64_t b, int64_t h, int64_t t, const T *qRow, const T *kHead,
            const T *vHead, int64_t n) {
          rowProbabilities(qRow, kHead, n, s.width, scale, p.data());
          std::fill(acc.begin(), acc.end(), T(0));
          for (int64_t j = 0; j < n; ++j) {
            const T *vj = vHead + j * s.width;
            for (int64_t d = 0; d < s.width; ++d)
              acc[d] += p[j] * vj[d];
          }
          std::copy(acc.begin(), acc.end(),
                    out + ((b * s.heads + h) * s.steps + t) * s.width);
        });
  });
}

template <typename T, typename ReadOffset>
CommandOr makeAttentionGrad(const fb::CpuKernel &kernel,
                            const std::vector<TensorRef> &operands,
                            const std::vector<TensorRef> &results,
                            ReadOffset readOffset) {
  AttentionShape s = attentionShape(*operands[1].desc, *operands[2].desc);
  const T *dout = operands[0].as<const T>();
  const T *q = operands[1].as<const T>();
  const T *k = operands[2].as<const T>();
  const T *v = operands[3].as<const T>();
  const void *offset = operands.size() > 4 ? operands[4].data : nullptr;
  T *dq = results[0].as<T>(), *dk = results[1].as<T>();
  T *dv = results[2].as<T>();
  const T scale = static_cast<T>(kernel.scale());
  const bool causal = kernel.causal();
  return makeCommand([=, p = std::vector<T>(),
                      dp = std::vector<T>()]() mutable {
    p.resize(static_cast<size_t>(s.keys));
    dp.resize(static_cast<size_t>(s.keys));
    Visibility vis{causal, offset != nullptr, offset ? readOffset(offset) : 0};
    const int64_t kvElements = s.batch * s.kvHeads * s.keys * s.width;
    // Check the offset before writing anything.
    for (int64_t t = 0; t < s.steps; ++t)
      MLC_RETURN_IF_ERROR(vis.keysOf(t, s).status());
    std::fill(dk, dk + kvElements, T(0));
    std::fill(dv, dv + kvElements, T(0));
    return forEachQueryRow<T>(
        s, vis, q, k, v,
        [&](int64_t b, int64_t h, int64_t t, const T *qRow, const T *kHead,
            const T *vHead, int64_t n) {
          const int64_t qOffset = ((b * s.heads + h) * s.steps + t) * s.width;
          const int64_t kvOffset = kHead - k;
          const T *g = dout + qOffset;
          rowProbabilities(qRow, kHead, n, s.width, scale, p.data());
          T weighted = 0;
          for (int64_t j = 0; j < n; ++j) {
            const T *vj = vHead + j * s.width;
            T dot = 0;
            for (int64_t d = 0; d < s.width; ++d)
              dot += g[d] * vj[d];
            dp[j] = dot;
            weighted += p[j] * dot;
          }
          T *dqRow = dq + qOffset;
          std::fill(dqRow, dqRow + s.width, T(0));
          for (int64_t j = 0; j < n; ++j) {
            const T ds = p[j] * (dp[j] - weighted) * scale;
            const T *kj = kHead + j * s.width;
            T *dkj = dk + kvOffset + j * s.width;
            T *dvj = dv + kvOffset + j * s.width;
            for (int64_t d = 0; d < s.width; ++d) {
              dqRow[d] += ds * kj[d];
              dkj[d] += ds * qRow[d];
              dvj[d] += p[j] * g[d];
            }
          }
        });
  });
}

/// q [B, H, T, D], k and v [B, KVH, S, D] of one float type, H a multiple
/// of KVH; an optional scalar i32/i64 offset, which needs causal.
Status checkAttentionOperands(const fb::CpuKernel &kernel, const Descs &qkv,
                              const TensorDesc *offset, size_t first) {
  auto name = [&](size_t i, const char *what) {
    return "operand " + std::to_string(first + i) + " (" + what + ")";
  };
  const TensorDesc &q = *qkv[0], &k = *qkv[1], &v = *qkv[2];
  MLC_RETURN_IF_ERROR(expectFloat(q, name(0, "q")));
  MLC_RETURN_IF_ERROR(expectDType(k, q.dtype, name(1, "k")));
  MLC_RETURN_IF_ERROR(expectDType(v, q.dtype, name(2, "v")));
  if (q.shape.size() != 4)
    return Status::error(name(0, "q") + " is " + q.str() +
                         ", expected [B, H, T, D]");
  if (k.shape.size() != 4 || k.shape[0] != q.shape[0] ||
      k.shape[3] != q.shape[3] || k.shape[1] == 0 ||
      q.shape[1] % k.shape[1] != 0)
    return Status::error(
        name(1, "k") + " is " + k.str() + ", expected [" +
        std::to_string(q.shape[0]) + ", KVH, S, " + std::to_string(q.shape[3]) +
        "] with H = " + std::to_string(q.shape[1]) + " a multiple of KVH");
  if (v.shape != k.shape)
    return Status::error(name(2, "v") + " is " + v.str() + ", expected " +
                         k.str() + " (k's shape)");
  if (offset) {
    MLC_RETURN_IF_ERROR(expectIndices(*offset, name(3, "offset")));
    if (!offset->shape.empty())
      return Status::error(name(3, "offset") + " is " + offset->str() +
                           ", expected a scalar");
    if (!kernel.causal())
      return Status::error("an offset needs causal");
  } else if (kernel.causal() && q.shape[2] > k.shape[2]) {
    return Status::error(
        "causal attention of T = " + std::to_string(q.shape[2]) +
        " queries over S = " + std::to_string(k.shape[2]) +
        " keys leaves early queries no key (expected T <= S)");
  }
  if (!std::isfinite(kernel.scale()))
    return Status::error("scale " + std::to_string(kernel.scale()) +
                         " is not finite");
  return Status::ok();
}

Status checkAttentionKernel(const fb::CpuKernel &kernel, const Descs &operands,
                            const Descs &results) {
  bool grad = kernel.op() == K::attention_grad;
  size_t first = grad ? 1 : 0, numResults = grad ? 3 : 1;
  size_t base = first + 3;
  if (operands.size() != base && operands.size() != base + 1)
    return Status::error("expected " + std::to_string(base) + " or " +
                         std::to_string(base + 1) + " operands, found " +
                         std::to_string(operands.size()));
  if (results.size() != numResults)
    return Status::error("expected " + std::to_string(numResults) + " result" +
                         (grad ? "s" : "") + ", found " +
                         std::to_string(results.size()));
  Descs qkv(operands.begin() + first, operands.begin() + base);
  const TensorDesc *offset = operands.size() > base ? operands[base] : nullptr;
  MLC_RETURN_IF_ERROR(checkAttentionOperands(kernel, qkv, offset, first));
  if (!grad)
    return expectResult(*results[0], *qkv[0]);
  if (*operands[0] != *qkv[0])
    return Status::error("operand 0 (dout) is " + operands[0]->str() +
                         ", expected " + qkv[0]->str() + " (q's)");
  for (size_t i = 0; i < 3; ++i)
    MLC_RETURN_IF_ERROR(expectResult(*results[i], *qkv[i]));
  return Status::ok();
}

} // namespace

Status checkAttention(const fb::CpuKernel &kernel, const Descs &operands,
                      const Descs &results) {
  switch (kernel.op()) {
  case K::rope:
    return checkRope(kernel, operands, results);
  case K::causal_mask:
    return checkCausalMask(operands, results);
  default:
    return checkAttentionKernel(kernel, operands, results);
  }
}

CommandOr prepareAttention(const fb::CpuKernel &kernel,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results) {
  const bool f64 = results[0].desc->dtype == DType::f64;
  switch (kernel.op()) {
  case K::rope:
    return visitIndices(operands[1].desc->dtype, [&](auto index) {
      using L = decltype(index);
      return f64 ? makeRope<double, L>(kernel, operands[0], operands[1],
                                       results[0])
                 : makeRope<float, L>(kernel, operands[0], operands[1],
                                      results[0]);
    });
  case K::causal_mask:
    return f64 ? makeCausalMask<double>(kernel, operands[0], results[0])
               : makeCausalMask<float>(kernel, operands[0], results[0]);
  default:
    break;
  }
  bool grad = kernel.op() == K::attention_grad;
  size_t offsetIndex = grad ? 4 : 3;
  bool offset32 = operands.size() > offsetIndex &&
                  operands[offsetIndex].desc->dtype == DType::i32;
  return visitIndices(offset32 ? DType::i32 : DType::i64, [&](auto index) {
    using L = decltype(index);
    auto read = &readOffset<L>;
    if (grad)
      return f64 ? makeAttentionGrad<double>(kernel, operands, results, read)
                 : makeAttentionGrad<float>(kernel, operands, results, read);
    return f64 ? makeAttention<double>(kernel, operands, results[0], read)
               : makeAttention<float>(kernel, operands, results[0], read);
  });
}

} // namespace mlc::rt::cpu
