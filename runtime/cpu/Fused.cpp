// Fused loops (fb::FusedLoop): the CPU runs a kernel region as a tile
// interpreter. The iteration space is cut into tiles of kTile consecutive
// elements; each tile runs the region's steps over small scratch arrays
// that stay in L1, then stores the results, so a region reads each operand
// and writes each result once and nothing in between reaches memory. Tiles
// run in parallel (parallelFor); each step's loop is a plain loop over
// floats that the compiler vectorizes. Nothing is compiled at run time.
//
// Registers hold f32, or i1 as 0.0f / 1.0f. A step whose operands are all
// scalars (a splat operand, a value computed only from such) is computed
// once per run, before the tiles. Contiguous f32 operands are read in
// place; broadcast or i1 operands are gathered into scratch per tile.
// Results are stored after every step of the tile has run, so a result may
// share memory with an operand read at the same index (in-place updates).
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/Parallel.h"
#include "runtime/cpu/ScalarOps.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;
using P = fb::ComparePredicate;

constexpr int64_t kTile = 512;

/// How many registers a step of kind `op` reads; -1 for kinds a fused
/// loop cannot hold.
int arity(K op) {
  switch (op) {
  case K::copy:
    return 0; // reads command operand `a`, not a register
  case K::neg:
  case K::abs:
  case K::exp:
  case K::log:
  case K::tanh:
  case K::sqrt:
  case K::rsqrt:
  case K::relu:
  case K::sigmoid:
  case K::cos:
  case K::sin:
  case K::erf:
  case K::silu:
  case K::gelu:
  case K::cast:
    return 1;
  case K::add:
  case K::sub:
  case K::mul:
  case K::div:
  case K::max:
  case K::min:
  case K::pow:
  case K::compare:
    return 2;
  case K::select:
    return 3;
  default:
    return -1;
  }
}

/// The element type a step of kind `op` produces from its operands.
bool producesBool(K op) { return op == K::compare; }

/// One operand of a step within a tile: a run of floats or one value.
struct Arg {
  const float *p = nullptr;
  float v = 0;
  bool scalar = false;
};

template <typename Op>
void unaryLoop(float *out, const float *a, int64_t n, Op op) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = op(a[i]);
}

template <typename Op>
void binaryLoop(float *out, const Arg &a, const Arg &b, int64_t n, Op op) {
  if (!a.scalar && !b.scalar) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a.p[i], b.p[i]);
  } else if (!a.scalar) {
    const float bv = b.v;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a.p[i], bv);
  } else {
    const float av = a.v;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(av, b.p[i]);
  }
}

float boolValue(bool b) { return b ? 1.0f : 0.0f; }

/// Calls `fn(op)` with the scalar function of a unary step.
template <typename F>
void withUnary(K op, fb::GeluApproximation approximate, DType to, F &&fn) {
  switch (op) {
  case K::neg:
    return fn([](float a) { return -a; });
  case K::abs:
    return fn([](float a) { return std::fabs(a); });
  case K::exp:
    return fn([](float a) { return scalar::exp(a); });
  case K::log:
    return fn([](float a) { return scalar::log(a); });
  case K::tanh:
    return fn([](float a) { return scalar::tanh(a); });
  case K::sqrt:
    return fn([](float a) { return std::sqrt(a); });
  case K::rsqrt:
    return fn([](float a) { return scalar::rsqrt(a); });
  case K::relu:
    return fn([](float a) { return scalar::relu(a); });
  case K::sigmoid:
    return fn([](float a) { return scalar::sigmoid(a); });
  case K::cos:
    return fn([](float a) { return std::cos(a); });
  case K::sin:
    return fn([](float a) { return std::sin(a); });
  case K::erf:
    return fn([](float a) { return scalar::erf(a); });
  case K::silu:
    return fn([](float a) { return scalar::silu(a); });
  case K::gelu:
    if (approximate == fb::GeluApproximation::tanh)
      return fn([](float a) { return scalar::geluTanh(a); });
    return fn([](float a) { return scalar::gelu(a); });
  default: // cast: to i1 is x != 0; f32 and i1 (0 or 1) to f32 keep x
    if (to == DType::i1)
      return fn([](float a) { return boolValue(a != 0.0f); });
    return fn([](float a) { return a; });
  }
}

/// Calls `fn(op)` with the scalar function of a binary step.
template <typename F> void withBinary(K op, P predicate, F &&fn) {
  switch (op) {
  case K::add:
    return fn([](float a, float b) { return a + b; });
  case K::sub:
    return fn([](float a, float b) { return a - b; });
  case K::mul:
    return fn([](float a, float b) { return a * b; });
  case K::div:
    return fn([](float a, float b) { return a / b; });
  case K::max:
    return fn([](float a, float b) { return scalar::max(a, b); });
  case K::min:
    return fn([](float a, float b) { return scalar::min(a, b); });
  case K::pow:
    return fn([](float a, float b) { return std::pow(a, b); });
  default: // compare
    switch (predicate) {
    case P::eq:
      return fn([](float a, float b) { return boolValue(a == b); });
    case P::ne:
      return fn([](float a, float b) { return boolValue(a != b); });
    case P::lt:
      return fn([](float a, float b) { return boolValue(a < b); });
    case P::le:
      return fn([](float a, float b) { return boolValue(a <= b); });
    case P::gt:
      return fn([](float a, float b) { return boolValue(a > b); });
    default:
      return fn([](float a, float b) { return boolValue(a >= b); });
    }
  }
}

/// A fused loop bound to its buffers.
class FusedLoopCommand final : public PreparedCommand {
public:
  struct Step {
    K op = K::copy;
    DType dtype = DType::f32;
    P predicate = P::eq;
    fb::GeluApproximation approximate = fb::GeluApproximation::none;
    int a = 0, b = 0, c = 0;
    /// Computed once per run, before the tiles.
    bool scalar = false;
    /// Scratch array of the step within a tile, or -1 (scalar steps and
    /// contiguous f32 operands read in place).
    int slot = -1;
    // copy steps: the operand, its type and how it is read.
    const uint8_t *base = nullptr;
    DType source = DType::f32;
    bool contiguous = false;
    /// Gathered operands: the operand offset of each row of the iteration
    /// space (rows = elements / inner), and the step along a row (0 or 1).
    std::vector<int64_t> rowOffsets;
    int64_t innerStride = 0;
  };
  struct Output {
    int reg;
    DType dtype;
    uint8_t *base;
  };

  FusedLoopCommand(std::vector<Step> steps, std::vector<Output> outputs,
                   int64_t total, int64_t inner, int slots)
      : steps_(std::move(steps)), outputs_(std::move(outputs)), total_(total),
        inner_(inner), slots_(slots), values_(steps_.size()) {}

  Status run() override {
    // Scalar steps first: they are the same for every tile.
    for (size_t s = 0; s < steps_.size(); ++s)
      if (steps_[s].scalar)
        values_[s] = evaluateScalar(s);
    int64_t tiles = (total_ + kTile - 1) / kTile;
    // A chunk of at least 32 tiles (16K elements) is worth a thread.
    parallelFor(tiles, 32, [&](int64_t first, int64_t last) {
      std::vector<float> scratch(static_cast<size_t>(slots_) * kTile);
      std::vector<const float *> regs(steps_.size());
      for (int64_t t = first; t < last; ++t)
        runTile(t * kTile, std::min(total_, (t + 1) * kTile), scratch, regs);
    });
    return Status::ok();
  }

private:
  /// Element `at` of a copy step's operand as a register value.
  float load(const Step &s, int64_t offset) const {
    if (s.source == DType::i1)
      return boolValue(s.base[offset] != 0);
    float v;
    std::memcpy(&v, s.base + offset * 4, 4);
    return v;
  }

  float evaluateScalar(size_t index) const {
    const Step &s = steps_[index];
    switch (arity(s.op)) {
    case 0:
      return load(s, 0);
    case 1: {
      float out = 0, in = values_[s.a];
      withUnary(s.op, s.approximate, s.dtype,
                [&](auto f) { unaryLoop(&out, &in, 1, f); });
      return out;
    }
    case 2: {
      float out = 0;
      Arg a{&values_[s.a]}, b{&values_[s.b]};
      withBinary(s.op, s.predicate,
                 [&](auto f) { binaryLoop(&out, a, b, 1, f); });
      return out;
    }
    default:
      return values_[s.a] != 0.0f ? values_[s.b] : values_[s.c];
    }
  }

  Arg arg(int reg, const std::vector<const float *> &regs) const {
    if (steps_[reg].scalar)
      return Arg{nullptr, values_[reg], true};
    return Arg{regs[reg], 0, false};
  }

  void gather(const Step &s, int64_t begin, int64_t end, float *out) const {
    for (int64_t i = begin; i < end;) {
      int64_t row = i / inner_, col = i % inner_;
      int64_t n = std::min(end - i, inner_ - col);
      int64_t at = s.rowOffsets[row] + col * s.innerStride;
      if (s.source == DType::i1) {
        for (int64_t k = 0; k < n; ++k)
          out[k] = boolValue(s.base[at + k * s.innerStride] != 0);
      } else if (s.innerStride == 1) {
        std::memcpy(out, s.base + at * 4, n * 4);
      } else {
        float v;
        std::memcpy(&v, s.base + at * 4, 4);
        std::fill(out, out + n, v);
      }
      out += n;
      i += n;
    }
  }

  void runTile(int64_t begin, int64_t end, std::vector<float> &scratch,
               std::vector<const float *> &regs) const {
    int64_t n = end - begin;
    for (size_t r = 0; r < steps_.size(); ++r) {
      const Step &s = steps_[r];
      if (s.scalar)
        continue;
      if (s.op == K::copy && s.contiguous) {
        regs[r] = reinterpret_cast<const float *>(s.base) + begin;
        continue;
      }
      float *out = scratch.data() + static_cast<size_t>(s.slot) * kTile;
      regs[r] = out;
      switch (arity(s.op)) {
      case 0:
        gather(s, begin, end, out);
        break;
      case 1:
        withUnary(s.op, s.approximate, s.dtype,
                  [&](auto f) { unaryLoop(out, regs[s.a], n, f); });
        break;
      case 2: {
        Arg a = arg(s.a, regs), b = arg(s.b, regs);
        withBinary(s.op, s.predicate,
                   [&](auto f) { binaryLoop(out, a, b, n, f); });
        break;
      }
      default: {
        Arg p = arg(s.a, regs), t = arg(s.b, regs), f = arg(s.c, regs);
        for (int64_t i = 0; i < n; ++i) {
          const float tv = t.scalar ? t.v : t.p[i];
          const float fv = f.scalar ? f.v : f.p[i];
          out[i] = (p.scalar ? p.v : p.p[i]) != 0.0f ? tv : fv;
        }
        break;
      }
      }
    }
    for (const Output &o : outputs_) {
      bool isScalar = steps_[o.reg].scalar;
      float value = isScalar ? values_[o.reg] : 0.0f;
      if (o.dtype == DType::i1) {
        uint8_t *dst = o.base + begin;
        for (int64_t i = 0; i < n; ++i)
          dst[i] = (isScalar ? value : regs[o.reg][i]) != 0.0f ? 1 : 0;
      } else {
        float *dst = reinterpret_cast<float *>(o.base) + begin;
        if (isScalar)
          std::fill(dst, dst + n, value);
        else
          std::memcpy(dst, regs[o.reg], n * 4);
      }
    }
  }

  std::vector<Step> steps_;
  std::vector<Output> outputs_;
  int64_t total_, inner_;
  int slots_;
  /// Values of the scalar steps during a run.
  std::vector<float> values_;
};

bool isRegisterType(DType t) { return t == DType::f32 || t == DType::i1; }

} // namespace

Status checkFusedLoop(const fb::FusedLoop &loop, const Descs &operands,
                      const Descs &results) {
  if (!loop.shape() || !loop.steps() || !loop.results())
    return Status::error("fused loop without shape, steps or results");
  Shape shape(loop.shape()->begin(), loop.shape()->end());
  for (int64_t d : shape)
    if (d < 1)
      return Status::error("fused loop shape " + shapeStr(shape) +
                           " has a dimension below 1");
  const auto &steps = *loop.steps();
  if (steps.size() == 0 || steps.size() > 65535)
    return Status::error("fused loop has " + std::to_string(steps.size()) +
                         " steps (1 to 65535 allowed)");
  for (size_t i = 0; i < operands.size(); ++i)
    if (!broadcastsTo(operands[i]->shape, shape) ||
        !isRegisterType(operands[i]->dtype))
      return Status::error("operand " + std::to_string(i) + " (" +
                           operands[i]->str() +
                           ") must be f32 or i1 and broadcast to the "
                           "iteration shape " +
                           shapeStr(shape));
  for (uint32_t i = 0; i < steps.size(); ++i) {
    const fb::FusedStep &s = *steps.Get(i);
    std::string where = "step " + std::to_string(i) + " (" +
                        fb::EnumNameOpKind(s.op()) + ")";
    int n = arity(s.op());
    if (n < 0 || !fb::EnumNameOpKind(s.op())[0])
      return Status::error(where + " is not an elementwise kind");
    if (!isRegisterType(s.dtype()))
      return Status::error(where + " has dtype " + dtypeName(s.dtype()) +
                           ", expected f32 or i1");
    if (n == 0) {
      if (s.a() >= operands.size())
        return Status::error(where + " reads operand " + std::to_string(s.a()) +
                             " of " + std::to_string(operands.size()));
      if (operands[s.a()]->dtype != s.dtype())
        return Status::error(where + " reads operand " + std::to_string(s.a()) +
                             " (" + operands[s.a()]->str() + ") as " +
                             dtypeName(s.dtype()));
      continue;
    }
    uint16_t regs[3] = {s.a(), s.b(), s.c()};
    for (int k = 0; k < n; ++k)
      if (regs[k] >= i)
        return Status::error(where + " reads register " +
                             std::to_string(regs[k]) +
                             ", which is not an earlier step");
    auto typeOf = [&](int k) { return steps.Get(regs[k])->dtype(); };
    bool boolResult = producesBool(s.op()) ||
                      (s.op() == K::cast && s.dtype() == DType::i1);
    if ((s.dtype() == DType::i1) != boolResult)
      return Status::error(where + " must produce " +
                           (boolResult ? "i1" : "f32") + ", found " +
                           dtypeName(s.dtype()));
    bool operandsOk = true;
    if (s.op() == K::select)
      operandsOk = typeOf(0) == DType::i1 && typeOf(1) == DType::f32 &&
                   typeOf(2) == DType::f32;
    else if (s.op() != K::cast)
      for (int k = 0; k < n; ++k)
        operandsOk &= typeOf(k) == DType::f32;
    if (!operandsOk)
      return Status::error(where + " has operands of the wrong type");
  }
  if (loop.results()->size() != results.size())
    return Status::error("fused loop names " +
                         std::to_string(loop.results()->size()) +
                         " results for " + std::to_string(results.size()));
  for (uint32_t i = 0; i < results.size(); ++i) {
    uint16_t reg = loop.results()->Get(i);
    if (reg >= steps.size())
      return Status::error("result " + std::to_string(i) + " is register " +
                           std::to_string(reg) + " of " +
                           std::to_string(steps.size()));
    TensorDesc expected{steps.Get(reg)->dtype(), shape};
    if (*results[i] != expected)
      return Status::error("result " + std::to_string(i) + " is " +
                           results[i]->str() + ", expected " + expected.str());
    // A result may be the buffer of an operand: results have the
    // iteration shape, so such an operand is read at the index written,
    // and a tile stores its results after all its reads.
    for (uint32_t other = 0; other < i; ++other)
      if (results[i] == results[other])
        return Status::error("results " + std::to_string(other) + " and " +
                             std::to_string(i) + " are one buffer");
  }
  return Status::ok();
}

CommandOr prepareFusedLoop(const fb::FusedLoop &loop,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results) {
  Shape shape(loop.shape()->begin(), loop.shape()->end());
  int64_t total = product(shape);
  int64_t inner = shape.empty() ? 1 : shape.back();
  const auto &defs = *loop.steps();
  std::vector<FusedLoopCommand::Step> steps(defs.size());

  // Last step reading each register (results are read at the very end).
  std::vector<size_t> lastUse(defs.size(), 0);
  for (uint32_t i = 0; i < defs.size(); ++i) {
    const fb::FusedStep &d = *defs.Get(i);
    uint16_t regs[3] = {d.a(), d.b(), d.c()};
    for (int k = 0; k < arity(d.op()); ++k)
      lastUse[regs[k]] = i;
  }
  for (uint16_t reg : *loop.results())
    lastUse[reg] = defs.size();

  std::vector<int> freeSlots;
  int slots = 0;
  std::vector<std::vector<int>> releaseAt(defs.size() + 1);
  for (uint32_t i = 0; i < defs.size(); ++i) {
    const fb::FusedStep &d = *defs.Get(i);
    FusedLoopCommand::Step &s = steps[i];
    s.op = d.op();
    s.dtype = d.dtype();
    s.predicate = d.predicate();
    s.approximate = d.approximate();
    s.a = d.a();
    s.b = d.b();
    s.c = d.c();
    int n = arity(s.op);
    if (n == 0) {
      const TensorRef &operand = operands[s.a];
      s.base = static_cast<const uint8_t *>(operand.data);
      s.source = operand.desc->dtype;
      s.scalar = operand.desc->numElements() == 1;
      s.contiguous = operand.desc->shape == shape && s.source == DType::f32;
      if (!s.scalar && !s.contiguous) {
        Shape strides = broadcastStrides(operand.desc->shape, shape);
        s.innerStride = shape.empty() ? 0 : strides.back();
        int64_t rows = total / inner;
        s.rowOffsets.resize(static_cast<size_t>(rows));
        Shape outer(shape.begin(), shape.empty() ? shape.end() : shape.end() - 1);
        Shape counter(outer.size(), 0);
        int64_t at = 0;
        for (int64_t r = 0; r < rows; ++r) {
          s.rowOffsets[r] = at;
          for (size_t k = outer.size(); k-- > 0;) {
            if (++counter[k] < outer[k]) {
              at += strides[k];
              break;
            }
            at -= strides[k] * (outer[k] - 1);
            counter[k] = 0;
          }
        }
      }
    } else {
      s.scalar = steps[s.a].scalar && (n < 2 || steps[s.b].scalar) &&
                 (n < 3 || steps[s.c].scalar);
    }
    bool needsSlot = !s.scalar && !(n == 0 && s.contiguous);
    // Operands whose last use is this step free their slots after it: a
    // step may write over a slot it reads only at the same index, which
    // every loop here does, but keep them apart for clarity.
    if (needsSlot) {
      if (freeSlots.empty()) {
        s.slot = slots++;
      } else {
        s.slot = freeSlots.back();
        freeSlots.pop_back();
      }
      releaseAt[std::max<size_t>(lastUse[i], i)].push_back(s.slot);
    }
    for (int slot : releaseAt[i])
      freeSlots.push_back(slot);
  }

  std::vector<FusedLoopCommand::Output> outputs;
  for (uint32_t i = 0; i < results.size(); ++i) {
    uint16_t reg = loop.results()->Get(i);
    outputs.push_back({reg, results[i].desc->dtype,
                       static_cast<uint8_t *>(results[i].data)});
  }
  return std::unique_ptr<PreparedCommand>(new FusedLoopCommand(
      std::move(steps), std::move(outputs), total, inner, slots));
}

} // namespace mlc::rt::cpu
