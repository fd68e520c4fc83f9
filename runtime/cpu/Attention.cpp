// Attention CPU kernels: rope (rotary position embedding), causal_mask,
// attention and attention_grad.
//
// attention never holds the [B, H, T, S] scores: a (batch, head) computes
// its queries a block at a time (all of them when T x S is small, as in
// GPT-2's 64 x 64) into a [rows, S] scratch tile, as small dense products
// (runtime/cpu/AttentionTiles.h: register-blocked, SSE2 or AVX2): scores =
// q k^T, each row's softmax as the softmax kernel computes it
// (SoftmaxRows.h: exponentials through the compiled loop, their sum in
// double in LaneSum's fixed order), then out = P v. Causal masks skip the
// keys a row does not see, in whole register tiles where they can.
// attention_grad recomputes a block's P the same way, then dP = dout v^T,
// dS = P (dP - sum_j P dP) scale, dq = dS k, dk += dS^T q and dv += P^T
// dout, one product each. rope computes its angles in double.
//
// Every sum adds its terms in one fixed order: a product's element in order
// of its inner index (vectors run across output columns, never across the
// sum), dk and dv over the (head, query) pairs in order. So results are the
// same bits for any thread count and with or without AVX2. Threads split
// attention over (batch, head) and attention_grad over (batch, kv head), the
// unit that owns its dk and dv rows. Products read the keys (and, in the
// gradient, the values) transposed to [D, S], so that score rows vectorize
// across keys.
#include "runtime/cpu/AttentionTiles.h"
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/SoftmaxRows.h"

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

/// One head's keys (or values) [S, D] transposed to [D, S] with rows of
/// `stride` elements, the layout whose rows the products of scores
/// vectorize across.
template <typename T>
void transposeHead(const T *head, int64_t keys, int64_t width, int64_t stride,
                   T *out) {
  for (int64_t j = 0; j < keys; ++j)
    for (int64_t d = 0; d < width; ++d)
      out[d * stride + j] = head[j * width + d];
}

/// The row stride of tiles over the keys and of transposed heads: S rounded
/// up to a multiple of 16, room in which the products of scores fill whole
/// vectors rather than sum their last columns one by one.
int64_t keyStride(int64_t keys) { return (keys + 15) / 16 * 16; }

/// row[j] *= scale over [0, n), and their maximum, in vectorizable lanes.
/// A NaN never wins, where maxPropagatingNaN would return it: the row's
/// softmax is NaN either way, since the NaN's exponential enters its sum.
template <typename T> T scaleAndMax(T *row, int64_t n, T scale) {
  constexpr int kLanes = 8;
  T lanes[kLanes];
  std::fill(lanes, lanes + kLanes, -std::numeric_limits<T>::infinity());
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int k = 0; k < kLanes; ++k) {
      const T x = row[j + k] * scale;
      row[j + k] = x;
      lanes[k] = x > lanes[k] ? x : lanes[k];
    }
  T max = lanes[0];
  for (int k = 1; k < kLanes; ++k)
    max = lanes[k] > max ? lanes[k] : max;
  for (; j < n; ++j) {
    const T x = row[j] * scale;
    row[j] = x;
    max = x > max ? x : max;
  }
  return max;
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

/// The query rows a head computes at a time: as many as keep a [rows, S]
/// tile within 64 KiB of f32 (all of GPT-2's 64), at least one register
/// tile's worth.
int64_t queryBlock(const AttentionShape &s) {
  constexpr int64_t kTileElements = 16384;
  const int64_t stride = std::max<int64_t>(keyStride(s.keys), 1);
  const int64_t rows = std::max<int64_t>(4, kTileElements / stride);
  return std::max<int64_t>(1, std::min(rows, s.steps));
}

/// The number of tasks of `work` multiply-adds each worth a thread of
/// their own.
int64_t attentionGrain(int64_t work) {
  constexpr int64_t kGrainWork = 1 << 17; // about 30 us
  return std::max<int64_t>(1, kGrainWork / std::max<int64_t>(work, 1));
}

/// What every head of one command shares.
template <typename T> struct HeadPlan {
  AttentionShape s;
  const int64_t *keysOf; ///< Visible keys per query row (visibleKeys).
  T scale;
  int64_t block;  ///< queryBlock(s)
  int64_t stride; ///< keyStride(S): of tiles and of transposed heads
  tiles::ProductFn<T> product;
  RowLoops rows;
};

/// The plan of a command's run, its keys per query counted.
template <typename T>
HeadPlan<T> headPlan(const AttentionShape &s, const Shape &keysOf, T scale,
                     tiles::ProductFn<T> product, const RowLoops &rows) {
  return {s,       keysOf.data(), scale, queryBlock(s), keyStride(s.keys),
          product, rows};
}

/// Scratch of the attention tasks one thread runs.
template <typename T> struct HeadScratch {
  std::vector<T> kT, vT; ///< The kv head's keys and values transposed.
  std::vector<T> p, ds;  ///< A block's probabilities, and its dP then dS.
  std::vector<T> row;    ///< One row's products p dP.
  /// Per key, the first query of the block that sees it.
  std::vector<int64_t> firstQuery;
  int64_t transposed = -1; ///< The kv head kT holds, in the forward pass.

  HeadScratch(const AttentionShape &s, int64_t block, bool grad)
      : kT(static_cast<size_t>(s.width * keyStride(s.keys))),
        p(static_cast<size_t>(block * keyStride(s.keys))) {
    if (!grad)
      return;
    vT.resize(kT.size());
    ds.resize(p.size());
    row.resize(static_cast<size_t>(s.keys));
    firstQuery.resize(static_cast<size_t>(s.keys));
  }
};

/// x_t . h_j for query rows [t0, t0 + n) of x ([T, D]: q or dout) and the
/// rows of a kv head given transposed (`hT`: the keys or the values) into
/// an [n, stride] tile: row t's keys [0, keysOf[t]), the rest scratch.
template <typename T>
void dotRows(const HeadPlan<T> &plan, const T *x, int64_t t0, int64_t n,
             const T *hT, T *tile) {
  const AttentionShape &s = plan.s;
  tiles::Product<T> dots;
  dots.a = x + t0 * s.width;
  dots.aRow = s.width;
  dots.aCol = 1;
  dots.b = hT;
  dots.bRow = plan.stride;
  dots.c = tile;
  dots.cRow = plan.stride;
  dots.rows = n;
  dots.depth = s.width;
  dots.cols = plan.keysOf + t0;
  dots.room = plan.stride;
  dots.overwrite = true;
  plan.product(dots);
}

/// softmax(scale * q_t . k_j) over keys [0, keysOf[t]) of query rows [t0,
/// t0 + n) into `p` ([n, stride]): the scores as one product with the
/// transposed keys `kT`, then each row with the softmax kernel's
/// operations (SoftmaxRows.h). Columns past a row's keys are scratch.
template <typename T>
void blockProbabilities(const HeadPlan<T> &plan, const T *q, int64_t t0,
                        int64_t n, const T *kT, T *p) {
  dotRows(plan, q, t0, n, kT, p);
  for (int64_t i = 0; i < n; ++i) {
    T *row = p + i * plan.stride;
    const int64_t keys = plan.keysOf[t0 + i];
    const T max = scaleAndMax(row, keys, plan.scale);
    const T total = static_cast<T>(expRow(plan.rows, row, keys, max, row));
    if constexpr (std::is_same_v<T, float>) {
      plan.rows.divide(row, row, &total, keys);
    } else {
      for (int64_t j = 0; j < keys; ++j)
        row[j] /= total;
    }
  }
}

/// C = A B of a block's [n, stride] tile A with a head's [S, D] rows B (P v,
/// or dS k), row t adding keys [0, keysOf[t]) in order.
template <typename T>
void weightedRows(const HeadPlan<T> &plan, const T *tile, int64_t t0, int64_t n,
                  const T *head, T *out) {
  const AttentionShape &s = plan.s;
  tiles::Product<T> sum;
  sum.a = tile;
  sum.aRow = plan.stride;
  sum.aCol = 1;
  sum.b = head;
  sum.bRow = s.width;
  sum.c = out + t0 * s.width;
  sum.cRow = s.width;
  sum.rows = n;
  sum.width = s.width;
  sum.pEnd = plan.keysOf + t0;
  sum.overwrite = true;
  plan.product(sum);
}

/// attention of one (batch, head): `q` and `out` are its [T, D] rows, `vHead`
/// its kv head's [S, D] values, `scratch.kT` the keys transposed.
template <typename T>
void attendHead(const HeadPlan<T> &plan, const T *q, const T *vHead, T *out,
                HeadScratch<T> &scratch) {
  for (int64_t t0 = 0; t0 < plan.s.steps; t0 += plan.block) {
    const int64_t n = std::min(plan.block, plan.s.steps - t0);
    blockProbabilities(plan, q, t0, n, scratch.kT.data(), scratch.p.data());
    weightedRows(plan, scratch.p.data(), t0, n, vHead, out);
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

/// C += A^T B for a block's [n, stride] tile A (dS or P) and its rows B
/// (q or dout) into a kv head's [S, D] rows (dk or dv): key j adds the
/// block's queries that see it (from firstQuery[j]) in order.
template <typename T>
void addKeyRows(const HeadPlan<T> &plan, const T *tile, int64_t t0, int64_t n,
                const int64_t *firstQuery, const T *rows, T *out) {
  const AttentionShape &s = plan.s;
  tiles::Product<T> sum;
  sum.a = tile;
  sum.aRow = 1;
  sum.aCol = plan.stride;
  sum.b = rows + t0 * s.width;
  sum.bRow = s.width;
  sum.c = out;
  sum.cRow = s.width;
  sum.rows = plan.keysOf[t0 + n - 1]; // the block's last query sees most
  sum.depth = n;
  sum.width = s.width;
  sum.pBegin = firstQuery;
  plan.product(sum);
}

/// attention_grad of one kv head: it alone adds into its dk and dv, from
/// its query heads' rows in (h, t) order, as a serial loop over all heads
/// would. Per block of queries: P again (the forward's bits), dP = dO V^T,
/// dS = P (dP - sum_j P dP) scale, then dq = dS K, dk += dS^T q and dv +=
/// P^T dO, each one product.
template <typename T>
void attendHeadGrad(const HeadPlan<T> &plan, const KvHeadGrad<T> &g,
                    HeadScratch<T> &scratch) {
  const AttentionShape &s = plan.s;
  const int64_t kvHead = s.keys * s.width, qHead = s.steps * s.width;
  transposeHead(g.k, s.keys, s.width, plan.stride, scratch.kT.data());
  transposeHead(g.v, s.keys, s.width, plan.stride, scratch.vT.data());
  std::fill(g.dk, g.dk + kvHead, T(0));
  std::fill(g.dv, g.dv + kvHead, T(0));
  T *p = scratch.p.data(), *ds = scratch.ds.data(), *row = scratch.row.data();
  int64_t *firstQuery = scratch.firstQuery.data();
  for (int64_t h = 0; h < g.heads; ++h) {
    const T *q = g.q + h * qHead, *dout = g.dout + h * qHead;
    T *dq = g.dq + h * qHead;
    for (int64_t t0 = 0; t0 < s.steps; t0 += plan.block) {
      const int64_t n = std::min(plan.block, s.steps - t0);
      blockProbabilities(plan, q, t0, n, scratch.kT.data(), p);
      dotRows(plan, dout, t0, n, scratch.vT.data(), ds);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t keys = plan.keysOf[t0 + i];
        const T *pRow = p + i * plan.stride;
        T *dsRow = ds + i * plan.stride;
        for (int64_t j = 0; j < keys; ++j)
          row[j] = pRow[j] * dsRow[j];
        const T weighted =
            static_cast<T>(reduceLanes<LaneSum<T, double>>(row, keys));
        for (int64_t j = 0; j < keys; ++j)
          dsRow[j] = pRow[j] * (dsRow[j] - weighted) * plan.scale;
      }
      weightedRows(plan, ds, t0, n, g.k, dq);
      // Keys are seen from the first query whose count passes them on.
      for (int64_t j = 0, t = 0; j < plan.keysOf[t0 + n - 1]; ++j) {
        while (plan.keysOf[t0 + t] <= j)
          ++t;
        firstQuery[j] = t;
      }
      addKeyRows(plan, ds, t0, n, firstQuery, q, g.dk);
      addKeyRows(plan, p, t0, n, firstQuery, dout, g.dv);
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
  const loops::Isa isa = loops::hostIsa();
  const tiles::ProductFn<T> product = tiles::productKernel<T>(isa);
  const RowLoops rows = RowLoops::forIsa(isa);
  return makeCommand([=]() -> Status {
    StatusOr<std::optional<Shape>> keysOf =
        visibleKeys(fb::OpKind::attention, 3, causal, offset, readOffset, s);
    if (!keysOf.isOk())
      return keysOf.status();
    if (!*keysOf) {
      std::fill(out, out + s.batch * s.heads * s.steps * s.width, T(0));
      return Status::ok();
    }
    const HeadPlan<T> plan = headPlan(s, **keysOf, scale, product, rows);
    const int64_t qHead = s.steps * s.width, kvHead = s.keys * s.width;
    auto heads = [&](int64_t begin, int64_t end) {
      HeadScratch<T> scratch(s, plan.block, false);
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t kv = bh / s.heads * s.kvHeads + bh % s.heads / s.group();
        // A chunk's neighbouring query heads of one kv head share its keys.
        if (scratch.transposed != kv) {
          transposeHead(k + kv * kvHead, s.keys, s.width, plan.stride,
                        scratch.kT.data());
          scratch.transposed = kv;
        }
        attendHead(plan, q + bh * qHead, v + kv * kvHead, out + bh * qHead,
                   scratch);
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
  const loops::Isa isa = loops::hostIsa();
  const tiles::ProductFn<T> product = tiles::productKernel<T>(isa);
  const RowLoops rows = RowLoops::forIsa(isa);
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
    const HeadPlan<T> plan = headPlan(s, **keysOf, scale, product, rows);
    // The query heads of kv head i are heads i * group() and on, neighbours
    // in q; so one kv head's query rows are one block.
    const int64_t groupRows = s.group() * s.steps * s.width;
    const int64_t kvHead = s.keys * s.width;
    auto kvHeads = [&](int64_t begin, int64_t end) {
      HeadScratch<T> scratch(s, plan.block, true);
      for (int64_t kv = begin; kv < end; ++kv) {
        const int64_t at = kv * groupRows, kvAt = kv * kvHead;
        KvHeadGrad<T> g{q + at,  dout + at, k + kvAt,  v + kvAt,
                        dq + at, dk + kvAt, dv + kvAt, s.group()};
        attendHeadGrad(plan, g, scratch);
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
