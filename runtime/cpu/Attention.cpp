// Attention CPU kernels: rope (rotary position embedding), causal_mask,
// attention and attention_grad.
//
// attention never holds the [B, H, T, S] scores: each (batch, head, query)
// row recomputes its S scores into a scratch row (two-pass softmax),
// accumulating in the element type. attention_grad recomputes the same
// probabilities per row and adds into dk and dv in a fixed (b, h, t, j)
// order, so its sums are the same on every run. rope computes its angles in
// double.
//
// Threads split attention over (batch, head) and attention_grad over
// (batch, kv head), the unit that owns its dk and dv rows; one task keeps
// the serial order of operations. Its dot products with the keys (and, in
// the gradient, with the values) run across keys over a transposed copy of
// the head, so that the loop vectorizes while each dot still adds its
// products in order of d. A row's f32 exponentials run through the compiled
// loop of FloatLoops.h (vectorized, the same bits with or without AVX2).
#include "runtime/cpu/FloatLoops.h"
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
    auto rows = [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t row = r * width, t = r % steps;
        const T *c = cosines.data() + t * half, *s = sines.data() + t * half;
        for (int64_t i = 0; i < half; ++i) {
          const T lo = x[row + i], hi = x[row + half + i];
          y[row + i] = lo * c[i] - hi * s[i];
          y[row + half + i] = hi * c[i] + lo * s[i];
        }
      }
    };
    parallelFor(outer * steps, rowGrain(width), rows);
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
    parallelFor(outer * steps, rowGrain(cols), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t row = r * cols, t = r % steps;
        // Keys j <= t + (S - T) stay; clamp the count to [0, S].
        const int64_t kept = std::clamp<int64_t>(t + cols - steps + 1, 0, cols);
        std::copy(x + row, x + row + kept, y + row);
        std::fill(y + row + kept, y + row + cols, fill);
      }
    });
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

/// How many keys query t sees (keys [0, count)), or -1 when the offset
/// leaves it none: its position `last` is before every key. `offset` is
/// only read when `hasOffset`.
struct Visibility {
  bool causal = false, hasOffset = false;
  int64_t offset = 0;

  int64_t keysOf(int64_t t, const AttentionShape &s, int64_t &last) const {
    if (!causal)
      return s.keys;
    if (hasOffset && offset >= s.keys)
      return s.keys; // (and offset + t cannot overflow below)
    last = hasOffset ? offset + t : t + s.keys - s.steps;
    if (last < 0)
      return -1;
    return std::min(last + 1, s.keys);
  }
};

/// Reads the run-time offset (an i32 or i64 scalar), if any.
template <typename L> int64_t readOffset(const void *data) {
  return static_cast<int64_t>(*static_cast<const L *>(data));
}

/// One head's keys (or values) [S, D] transposed to [D, S].
template <typename T>
void transposeHead(const T *head, int64_t keys, int64_t width, T *out) {
  for (int64_t j = 0; j < keys; ++j)
    for (int64_t d = 0; d < width; ++d)
      out[d * keys + j] = head[j * width + d];
}

/// dots[j] = x . row_j for rows [0, n) of a head given transposed
/// (`columns` is [D, S]). Each dot adds x[d] * row_j[d] in order of d,
/// exactly as a loop over d would, but the inner loop runs across rows.
template <typename T>
void dotsWithRows(const T *x, const T *columns, int64_t n, int64_t keys,
                  int64_t width, T *__restrict dots) {
  std::fill(dots, dots + n, T(0));
  for (int64_t d = 0; d < width; ++d) {
    const T xd = x[d];
    const T *column = columns + d * keys;
    for (int64_t j = 0; j < n; ++j)
      dots[j] += xd * column[j];
  }
}

/// The normalized probabilities of one query row over keys [0, n) into
/// `p`: softmax(scale * q . k_j), two passes, accumulated in T. `kT` is the
/// head's keys transposed.
template <typename T>
void rowProbabilities(const T *q, const T *kT, int64_t n, int64_t keys,
                      int64_t width, T scale, loops::Binary expDifference,
                      T *p) {
  dotsWithRows(q, kT, n, keys, width, p);
  T max = -std::numeric_limits<T>::infinity();
  for (int64_t j = 0; j < n; ++j) {
    p[j] *= scale;
    max = maxPropagatingNaN(max, p[j]);
  }
  // exp(p - max): f32 through the compiled loop, f64 through libm.
  if constexpr (std::is_same_v<T, float>) {
    expDifference(p, p, &max, n);
  } else {
    for (int64_t j = 0; j < n; ++j)
      p[j] = std::exp(p[j] - max);
  }
  T sum = 0;
  for (int64_t j = 0; j < n; ++j)
    sum += p[j];
  const T inv = T(1) / sum;
  for (int64_t j = 0; j < n; ++j)
    p[j] *= inv;
}

/// The keys each query row sees, checked before anything is written. The
/// first query that sees none (a bad run-time offset, operand
/// `offsetOperand` of `op`) is reported and gives no counts: the kernels
/// then write zeros.
template <typename ReadOffset>
StatusOr<std::optional<Shape>>
visibleKeys(fb::OpKind op, uint32_t offsetOperand, bool causal,
            const void *offset, ReadOffset readOffset,
            const AttentionShape &s) {
  Visibility vis{causal, offset != nullptr, offset ? readOffset(offset) : 0};
  Shape counts(static_cast<size_t>(s.steps));
  for (int64_t t = 0; t < s.steps; ++t) {
    int64_t last = 0;
    counts[t] = vis.keysOf(t, s, last);
    if (counts[t] < 0) {
      StatusWord problem;
      problem.problem =
          static_cast<uint32_t>(DataProblem::attention_offset_before_keys);
      problem.op = static_cast<uint32_t>(op);
      problem.operand = offsetOperand;
      problem.index = t;
      problem.value = vis.offset;
      problem.extra = last;
      MLC_RETURN_IF_ERROR(reportProblem(problem));
      return std::optional<Shape>();
    }
  }
  return std::optional<Shape>(std::move(counts));
}

AttentionShape attentionShape(const TensorDesc &q, const TensorDesc &k) {
  return {q.shape[0], q.shape[1], k.shape[1],
          q.shape[2], k.shape[2], q.shape[3]};
}

/// The number of tasks of `work` multiply-adds each worth a thread of
/// their own.
int64_t attentionGrain(int64_t work) {
  constexpr int64_t kGrainWork = 1 << 17; // about 30 us
  return std::max<int64_t>(1, kGrainWork / std::max<int64_t>(work, 1));
}

/// Scratch of the attention tasks one thread runs.
template <typename T> struct HeadScratch {
  std::vector<T> kT, vT; ///< The head's keys and values transposed.
  std::vector<T> p, dp;  ///< One query row's probabilities and dp.
  std::vector<T> acc;    ///< One output row.

  /// exp(x - c) over a row of f32 scores (FloatLoops.h).
  loops::Binary expDifference;

  HeadScratch(const AttentionShape &s, loops::Binary expDifference)
      : kT(static_cast<size_t>(s.keys * s.width)), vT(kT.size()),
        p(static_cast<size_t>(s.keys)), dp(p.size()),
        acc(static_cast<size_t>(s.width)), expDifference(expDifference) {}
};

/// attention of one (batch, head): `q` and `out` are its [T, D] rows,
/// `kHead` and `vHead` its kv head's [S, D].
template <typename T>
void attendHead(const AttentionShape &s, const Shape &keysOf, T scale,
                const T *q, const T *kHead, const T *vHead, T *out,
                HeadScratch<T> &scratch) {
  transposeHead(kHead, s.keys, s.width, scratch.kT.data());
  T *p = scratch.p.data(), *acc = scratch.acc.data();
  for (int64_t t = 0; t < s.steps; ++t) {
    const int64_t n = keysOf[t], row = t * s.width;
    rowProbabilities(q + row, scratch.kT.data(), n, s.keys, s.width, scale,
                     scratch.expDifference, p);
    std::fill(acc, acc + s.width, T(0));
    for (int64_t j = 0; j < n; ++j) {
      const T *vj = vHead + j * s.width;
      for (int64_t d = 0; d < s.width; ++d)
        acc[d] += p[j] * vj[d];
    }
    std::copy(acc, acc + s.width, out + row);
  }
}

/// One kv head's share of attention_grad: the rows of its query heads
/// (`heads` heads of [T, D], one after another, in q, dout and dq) and its
/// own [S, D] k, v, dk and dv.
template <typename T> struct KvHeadGrad {
  const T *q, *dout, *k, *v;
  T *dq, *dk, *dv;
  int64_t heads;
};

/// attention_grad of one kv head: it alone adds into its dk and dv, from
/// its query heads' rows in (h, t) order, as a serial loop over all heads
/// would.
template <typename T>
void attendHeadGrad(const AttentionShape &s, const Shape &keysOf, T scale,
                    const KvHeadGrad<T> &g, HeadScratch<T> &scratch) {
  const int64_t kvHead = s.keys * s.width;
  transposeHead(g.k, s.keys, s.width, scratch.kT.data());
  transposeHead(g.v, s.keys, s.width, scratch.vT.data());
  std::fill(g.dk, g.dk + kvHead, T(0));
  std::fill(g.dv, g.dv + kvHead, T(0));
  T *p = scratch.p.data(), *dp = scratch.dp.data();
  for (int64_t h = 0; h < g.heads; ++h)
    for (int64_t t = 0; t < s.steps; ++t) {
      const int64_t n = keysOf[t], row = (h * s.steps + t) * s.width;
      const T *qRow = g.q + row, *gRow = g.dout + row;
      rowProbabilities(qRow, scratch.kT.data(), n, s.keys, s.width, scale,
                       scratch.expDifference, p);
      dotsWithRows(gRow, scratch.vT.data(), n, s.keys, s.width, dp);
      T weighted = 0;
      for (int64_t j = 0; j < n; ++j)
        weighted += p[j] * dp[j];
      T *dqRow = g.dq + row;
      std::fill(dqRow, dqRow + s.width, T(0));
      // Three loops rather than one: each has a single store to check for
      // aliasing, so each vectorizes; every element sees the same sums.
      for (int64_t j = 0; j < n; ++j) {
        const T ds = p[j] * (dp[j] - weighted) * scale;
        const T *kj = g.k + j * s.width;
        T *dkj = g.dk + j * s.width, *dvj = g.dv + j * s.width;
        for (int64_t d = 0; d < s.width; ++d)
          dqRow[d] += ds * kj[d];
        for (int64_t d = 0; d < s.width; ++d)
          dkj[d] += ds * qRow[d];
        for (int64_t d = 0; d < s.width; ++d)
          dvj[d] += p[j] * gRow[d];
      }
    }
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
  const loops::Binary expDifference =
      loops::expDifferenceLoop(loops::hostIsa());
  return makeCommand([=]() -> Status {
    StatusOr<std::optional<Shape>> keysOf =
        visibleKeys(fb::OpKind::attention, 3, causal, offset, readOffset, s);
    if (!keysOf.isOk())
      return keysOf.status();
    if (!*keysOf) {
      std::fill(out, out + s.batch * s.heads * s.steps * s.width, T(0));
      return Status::ok();
    }
    const int64_t qHead = s.steps * s.width, kvHead = s.keys * s.width;
    auto heads = [&](int64_t begin, int64_t end) {
      HeadScratch<T> scratch(s, expDifference);
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t kv = bh / s.heads * s.kvHeads + bh % s.heads / s.group();
        attendHead(s, **keysOf, scale, q + bh * qHead, k + kv * kvHead,
                   v + kv * kvHead, out + bh * qHead, scratch);
      }
    };
    parallelFor(s.batch * s.heads, attentionGrain(2 * s.steps * kvHead), heads);
    return Status::ok();
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
  const loops::Binary expDifference =
      loops::expDifferenceLoop(loops::hostIsa());
  return makeCommand([=]() -> Status {
    StatusOr<std::optional<Shape>> keysOf = visibleKeys(
        fb::OpKind::attention_grad, 4, causal, offset, readOffset, s);
    if (!keysOf.isOk())
      return keysOf.status();
    if (!*keysOf) {
      std::fill(dq, dq + s.batch * s.heads * s.steps * s.width, T(0));
      std::fill(dk, dk + s.batch * s.kvHeads * s.keys * s.width, T(0));
      std::fill(dv, dv + s.batch * s.kvHeads * s.keys * s.width, T(0));
      return Status::ok();
    }
    // The query heads of kv head i are heads i * group() and on, neighbours
    // in q; so one kv head's query rows are one block.
    const int64_t groupRows = s.group() * s.steps * s.width;
    const int64_t kvHead = s.keys * s.width;
    auto kvHeads = [&](int64_t begin, int64_t end) {
      HeadScratch<T> scratch(s, expDifference);
      for (int64_t kv = begin; kv < end; ++kv) {
        const int64_t at = kv * groupRows, kvAt = kv * kvHead;
        KvHeadGrad<T> g{q + at,  dout + at, k + kvAt,  v + kvAt,
                        dq + at, dk + kvAt, dv + kvAt, s.group()};
        attendHeadGrad(s, **keysOf, scale, g, scratch);
      }
    };
    parallelFor(s.batch * s.kvHeads,
                attentionGrain(5 * s.group() * s.steps * kvHead), kvHeads);
    return Status::ok();
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
