// Fused loops (fb::FusedLoop): the CPU runs a kernel region as a tile
// interpreter. The iteration space is cut into tiles of at most kTile
// elements; each tile runs the region's steps over small scratch arrays
// that stay in L1, then stores the results, so a region reads each operand
// and writes each result once and nothing in between reaches memory. Tiles
// run in parallel (parallelFor). Each step is one call of a compiled loop
// (FloatLoops.h: vectorized, AVX2 where the CPU has it) chosen when the
// command is prepared, so a tile pays one indirect call per step and no
// dispatch on kinds; a scaling by one value is folded into the add, sub or
// mul that reads it, one pass instead of two. Nothing is compiled at run
// time.
//
// Registers hold f32, or i1 as 0.0f / 1.0f. A step whose operands are all
// scalars (a splat operand, a value computed only from such) is computed
// once per run, before the tiles, and read by the loops as one value.
// Operands of the iteration shape are read in place. Rows of at least a
// tile are cut into tiles within a row, where a broadcast operand is read
// in place too (or is one value); shorter rows are grouped, and their
// broadcast operands gathered per row. A step computing a result writes it
// straight into the result's memory when no later step reads what that
// overwrites (see planDirectResults); other results are stored after
// every step of the tile has run, so a result may share memory with an
// operand read at the same index (in-place updates).
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/FusedSteps.h"
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/Parallel.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;
using P = fb::ComparePredicate;

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

bool isRegisterType(DType t) { return t == DType::f32 || t == DType::i1; }

} // namespace

int fusedStepArity(fb::OpKind op) { return arity(op); }

void runFusedStep(const fb::FusedStep &step, const float *const args[3],
                  unsigned scalars, float *out, int64_t n) {
  const loops::Isa isa = loops::hostIsa();
  const K op = step.op();
  const int operands = arity(op);
  // All operands one value: compute it once and fill.
  if (operands > 0 && scalars == (1u << operands) - 1 && n > 1) {
    float value = 0;
    runFusedStep(step, args, scalars, &value, 1);
    std::fill(out, out + n, value);
    return;
  }
  if (scalars == (1u << operands) - 1)
    scalars = 0; // n == 1: one value is an array of one
  switch (operands) {
  case 1:
    return loops::unaryLoop(op, step.approximate(), step.dtype(),
                            isa)(out, args[0], n);
  case 2:
    return loops::binaryLoop(op, step.predicate(), scalars, isa)(out, args[0],
                                                                 args[1], n);
  default: // select
    return loops::selectLoop(scalars, isa)(out, args[0], args[1], args[2], n);
  }
}

Status checkFusedStep(const flatbuffers::Vector<const fb::FusedStep *> &steps,
                      uint32_t i, const Descs &operands) {
  const fb::FusedStep &s = *steps.Get(i);
  std::string where =
      "step " + std::to_string(i) + " (" + fb::EnumNameOpKind(s.op()) + ")";
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
    return Status::ok();
  }
  uint16_t regs[3] = {s.a(), s.b(), s.c()};
  for (int k = 0; k < n; ++k)
    if (regs[k] >= i)
      return Status::error(where + " reads register " +
                           std::to_string(regs[k]) +
                           ", which is not an earlier step");
  auto typeOf = [&](int k) { return steps.Get(regs[k])->dtype(); };
  bool boolResult =
      producesBool(s.op()) || (s.op() == K::cast && s.dtype() == DType::i1);
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
  return Status::ok();
}

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
  for (uint32_t i = 0; i < steps.size(); ++i)
    MLC_RETURN_IF_ERROR(checkFusedStep(steps, i, operands));
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

//===----------------------------------------------------------------------===//
// Execution: how a prepared loop walks its tiles and runs its steps
//===----------------------------------------------------------------------===//

namespace {

/// Elements of a tile at most: the scratch arrays of a tile's live
/// registers (2 KiB each) stay in L1 together, and a step's loop over
/// them is long enough that calling it costs little.
constexpr int64_t kTile = 512;

/// Elements worth handing to another thread (a chunk of tens of
/// microseconds, see KernelUtil.h).
constexpr int64_t kChunkElements = 1 << 14;

/// The iteration space as `rows` rows of `inner` contiguous elements, cut
/// into tiles. A row of at least kTile elements is cut into pieces of one
/// length (the last may be shorter), so that a tile lies within one row,
/// where every broadcast operand is one run of its memory or one value;
/// shorter rows are grouped kTile / inner to a tile.
struct TilePlan {
  int64_t inner = 1, rows = 1;
  /// Rows of at least kTile elements: the tiles per row and their length.
  int64_t pieces = 0, pieceLength = 0;
  /// Shorter rows: the rows of a tile.
  int64_t rowsPerTile = 1;
  int64_t count = 1;
  /// Elements of the longest tile: the length of a scratch array.
  int64_t longest = 1;

  TilePlan() = default;
  TilePlan(int64_t total, int64_t inner) : inner(inner), rows(total / inner) {
    if (inner >= kTile) {
      pieces = (inner + kTile - 1) / kTile;
      pieceLength = (inner + pieces - 1) / pieces;
      count = rows * pieces;
      longest = pieceLength;
    } else {
      rowsPerTile = kTile / inner;
      count = (rows + rowsPerTile - 1) / rowsPerTile;
      longest = std::min(rows, rowsPerTile) * inner;
    }
  }
};

/// Elements [begin, begin + n) of the iteration space: `rows` whole rows
/// from `row` on, or (rows == 1) n elements of row `row` from column `col`.
struct Tile {
  int64_t begin, n, row, col, rows;
};

Tile tileAt(const TilePlan &plan, int64_t t) {
  if (plan.pieces > 0) {
    int64_t row = t / plan.pieces, col = (t % plan.pieces) * plan.pieceLength;
    int64_t n = std::min(plan.pieceLength, plan.inner - col);
    return {row * plan.inner + col, n, row, col, 1};
  }
  int64_t row = t * plan.rowsPerTile;
  int64_t rows = std::min(plan.rowsPerTile, plan.rows - row);
  return {row * plan.inner, rows * plan.inner, row, 0, rows};
}

/// How a step gets its values within a tile.
enum class Exec : uint8_t {
  /// Depends only on one-element operands: computed once per run.
  scalar,
  /// An f32 operand of the iteration shape, read where it is.
  inPlace,
  /// Another operand (broadcast, or i1): read row by row, in place when
  /// the tile is a run of it.
  load,
  /// cast to f32: the values of its operand.
  alias,
  unary,
  binary,
  select,
  /// binary, with an operand (or two) computed on the fly by a scaling
  /// folded into it (see foldScalings).
  foldedBinary,
  /// A scaling folded into its only reader: not run itself.
  folded,
};

struct Step {
  Exec exec = Exec::scalar;
  K op = K::copy;
  /// The registers a computed step reads (a copy step: `a` is the
  /// operand).
  int a = 0, b = 0, c = 0;
  /// Computed steps: the loop, by arity (scalar steps run it on one
  /// element).
  loops::Unary unary = nullptr;
  loops::Binary binary = nullptr;
  loops::Ternary ternary = nullptr;
  loops::FoldedBinary folded = nullptr;
  /// foldedBinary: the scalar registers a folded operand scales by, or -1.
  int ca = -1, cb = -1;
  /// The scratch array of the step's values within a tile, or -1.
  int slot = -1;
  /// A result buffer the step writes directly instead of a scratch
  /// array (see planDirectResults).
  float *direct = nullptr;
  // Operand reads (copy steps): the operand, its element type, its memory,
  // the operand offset of each row of the iteration space and the step
  // along a row (0 or 1).
  const uint8_t *base = nullptr;
  DType source = DType::f32;
  size_t bytes = 0;
  std::vector<int64_t> rowOffsets;
  int64_t innerStride = 0;
};

struct Output {
  int reg;
  DType dtype;
  uint8_t *base;
  /// Written by its step (Step::direct), nothing left to store.
  bool direct = false;
};

/// Whether a step runs a loop over the tile that writes its own values.
bool isComputed(Exec exec) {
  return exec == Exec::unary || exec == Exec::binary || exec == Exec::select ||
         exec == Exec::foldedBinary;
}

/// A fused loop bound to its buffers.
class FusedLoopCommand final : public PreparedCommand {
public:
  FusedLoopCommand(std::vector<Step> steps, std::vector<Output> outputs,
                   TilePlan plan, int slots)
      : steps_(std::move(steps)), outputs_(std::move(outputs)), plan_(plan),
        slots_(slots), values_(steps_.size()) {}

  Status run() override {
    evaluateScalars();
    int64_t grain = std::max<int64_t>(1, kChunkElements / plan_.longest);
    parallelFor(plan_.count, grain, [&](int64_t first, int64_t last) {
      std::vector<float> scratch(static_cast<size_t>(slots_) *
                                 static_cast<size_t>(plan_.longest));
      std::vector<const float *> regs(steps_.size());
      for (int64_t t = first; t < last; ++t)
        runTile(tileAt(plan_, t), scratch.data(), regs);
    });
    return Status::ok();
  }

private:
  /// The steps that are the same for every tile, with the loops the tiles
  /// use, on one element.
  void evaluateScalars() {
    for (size_t r = 0; r < steps_.size(); ++r) {
      const Step &s = steps_[r];
      if (s.exec != Exec::scalar)
        continue;
      float *out = &values_[r];
      if (s.base)
        *out = readOne(s, 0);
      else if (s.unary)
        s.unary(out, &values_[s.a], 1);
      else if (s.binary)
        s.binary(out, &values_[s.a], &values_[s.b], 1);
      else
        s.ternary(out, &values_[s.a], &values_[s.b], &values_[s.c], 1);
    }
  }

  static float readOne(const Step &s, int64_t at) {
    if (s.source == DType::i1)
      return s.base[at] != 0 ? 1.0f : 0.0f;
    float v;
    std::memcpy(&v, s.base + at * 4, 4);
    return v;
  }

  /// A load step's values within `tile`: a pointer into the operand where
  /// the tile is one run of it, else `slot` filled row by row.
  const float *loadTile(const Step &s, const Tile &tile, float *slot) const {
    for (int64_t r = 0; r < tile.rows; ++r) {
      int64_t at = s.rowOffsets[tile.row + r] + tile.col * s.innerStride;
      int64_t n = tile.rows == 1 ? tile.n : plan_.inner;
      float *out = slot + r * plan_.inner;
      if (s.source == DType::i1) {
        const uint8_t *p = s.base + at;
        for (int64_t k = 0; k < n; ++k)
          out[k] = p[k * s.innerStride] != 0 ? 1.0f : 0.0f;
      } else if (s.innerStride == 0) {
        std::fill(out, out + n, readOne(s, at));
      } else if (tile.rows == 1) {
        return reinterpret_cast<const float *>(s.base) + at;
      } else {
        std::memcpy(out, s.base + at * 4, static_cast<size_t>(n) * 4);
      }
    }
    return slot;
  }

  const float *operand(int reg, const std::vector<const float *> &regs) const {
    return steps_[reg].exec == Exec::scalar ? &values_[reg] : regs[reg];
  }

  const float *scale(int reg) const {
    return reg < 0 ? nullptr : &values_[reg];
  }

  void runTile(const Tile &tile, float *scratch,
               std::vector<const float *> &regs) const {
    for (size_t r = 0; r < steps_.size(); ++r) {
      const Step &s = steps_[r];
      float *slot = s.slot < 0 ? nullptr : scratch + s.slot * plan_.longest;
      float *out = s.direct ? s.direct + tile.begin : slot;
      switch (s.exec) {
      case Exec::scalar:
        break;
      case Exec::inPlace:
        regs[r] = reinterpret_cast<const float *>(s.base) + tile.begin;
        break;
      case Exec::load:
        regs[r] = loadTile(s, tile, slot);
        break;
      case Exec::alias:
        regs[r] = regs[s.a];
        break;
      case Exec::unary:
        s.unary(out, regs[s.a], tile.n);
        regs[r] = out;
        break;
      case Exec::binary:
        s.binary(out, operand(s.a, regs), operand(s.b, regs), tile.n);
        regs[r] = out;
        break;
      case Exec::select:
        s.ternary(out, operand(s.a, regs), operand(s.b, regs),
                  operand(s.c, regs), tile.n);
        regs[r] = out;
        break;
      case Exec::foldedBinary:
        s.folded(out, operand(s.a, regs), scale(s.ca), operand(s.b, regs),
                 scale(s.cb), tile.n);
        regs[r] = out;
        break;
      case Exec::folded:
        break;
      }
    }
    storeResults(tile, regs);
  }

  /// Results not written by their step: after every step of the tile has
  /// read its operands, so a result may share memory with an operand read
  /// at the same index.
  void storeResults(const Tile &tile,
                    const std::vector<const float *> &regs) const {
    for (const Output &o : outputs_) {
      if (o.direct)
        continue;
      bool isScalar = steps_[o.reg].exec == Exec::scalar;
      const float *values = isScalar ? &values_[o.reg] : regs[o.reg];
      if (o.dtype == DType::i1) {
        uint8_t *dst = o.base + tile.begin;
        for (int64_t i = 0; i < tile.n; ++i)
          dst[i] = values[isScalar ? 0 : i] != 0.0f ? 1 : 0;
      } else {
        float *dst = reinterpret_cast<float *>(o.base) + tile.begin;
        if (isScalar)
          std::fill(dst, dst + tile.n, *values);
        else
          std::memcpy(dst, values, static_cast<size_t>(tile.n) * 4);
      }
    }
  }

  std::vector<Step> steps_;
  std::vector<Output> outputs_;
  TilePlan plan_;
  int slots_;
  /// Values of the scalar steps during a run.
  std::vector<float> values_;
};

/// The iteration shape with its dims of size 1 dropped and each pair of
/// neighbours merged where every operand in `strides` (element strides
/// seen through the shape) steps over both as over one dim; `strides` are
/// collapsed alike. Longer rows make longer runs of broadcast operands.
void collapseDims(Shape &shape, std::vector<Shape> &strides) {
  Shape dims;
  std::vector<Shape> merged(strides.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1)
      continue;
    bool mergeable = !dims.empty();
    for (size_t k = 0; k < strides.size() && mergeable; ++k)
      mergeable = merged[k].back() == strides[k][d] * shape[d];
    if (mergeable) {
      dims.back() *= shape[d];
      for (size_t k = 0; k < strides.size(); ++k)
        merged[k].back() = strides[k][d];
      continue;
    }
    dims.push_back(shape[d]);
    for (size_t k = 0; k < strides.size(); ++k)
      merged[k].push_back(strides[k][d]);
  }
  if (dims.empty()) { // one element
    dims.push_back(1);
    for (Shape &m : merged)
      m.push_back(0);
  }
  shape = std::move(dims);
  strides = std::move(merged);
}

/// Operand offsets of the first element of each row of `shape` (its last
/// dim being the row), for an operand with element `strides`.
std::vector<int64_t> rowOffsetsOf(const Shape &shape, const Shape &strides) {
  size_t outerDims = shape.size() - 1;
  int64_t rows = product(shape, 0, outerDims);
  std::vector<int64_t> offsets(static_cast<size_t>(rows));
  Shape counter(outerDims, 0);
  int64_t at = 0;
  for (int64_t r = 0; r < rows; ++r) {
    offsets[static_cast<size_t>(r)] = at;
    for (size_t k = outerDims; k-- > 0;) {
      if (++counter[k] < shape[k]) {
        at += strides[k];
        break;
      }
      at -= strides[k] * (shape[k] - 1);
      counter[k] = 0;
    }
  }
  return offsets;
}

/// Each step's kind of execution and loop, and for copy steps the operand
/// they read.
std::vector<Step> describeSteps(const fb::FusedLoop &loop,
                                const std::vector<TensorRef> &operands,
                                const Shape &shape, loops::Isa isa) {
  const auto &defs = *loop.steps();
  std::vector<Step> steps(defs.size());
  for (uint32_t i = 0; i < defs.size(); ++i) {
    const fb::FusedStep &d = *defs.Get(i);
    Step &s = steps[i];
    s.op = d.op();
    s.a = d.a();
    s.b = d.b();
    s.c = d.c();
    int n = arity(d.op());
    if (n == 0) {
      const TensorRef &operand = operands[s.a];
      s.base = static_cast<const uint8_t *>(operand.data);
      s.source = operand.desc->dtype;
      s.bytes = operand.desc->byteSize();
      if (operand.desc->numElements() == 1)
        s.exec = Exec::scalar;
      else if (operand.desc->shape == shape && s.source == DType::f32)
        s.exec = Exec::inPlace;
      else
        s.exec = Exec::load;
      continue;
    }
    int regs[3] = {s.a, s.b, s.c};
    loops::ScalarMask scalars = 0;
    for (int k = 0; k < n; ++k)
      if (steps[regs[k]].exec == Exec::scalar)
        scalars |= 1u << k;
    bool allScalar = scalars == (1u << n) - 1;
    if (n == 1)
      s.unary = loops::unaryLoop(d.op(), d.approximate(), d.dtype(), isa);
    else if (n == 2)
      s.binary = loops::binaryLoop(d.op(), d.predicate(),
                                   allScalar ? 0 : scalars, isa);
    else
      s.ternary = loops::selectLoop(allScalar ? 0 : scalars, isa);
    if (allScalar)
      s.exec = Exec::scalar;
    else if (d.op() == K::cast && d.dtype() == DType::f32)
      s.exec = Exec::alias;
    else
      s.exec = n == 1 ? Exec::unary : n == 2 ? Exec::binary : Exec::select;
  }
  return steps;
}

/// Row offsets of the load steps over the collapsed iteration shape;
/// returns the length of its rows.
int64_t planLoads(std::vector<Step> &steps,
                  const std::vector<TensorRef> &operands, Shape shape) {
  std::vector<size_t> loads;
  std::vector<Shape> strides;
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].exec == Exec::load) {
      loads.push_back(i);
      strides.push_back(
          broadcastStrides(operands[steps[i].a].desc->shape, shape));
    }
  collapseDims(shape, strides);
  for (size_t k = 0; k < loads.size(); ++k) {
    Step &s = steps[loads[k]];
    s.innerStride = strides[k].back();
    s.rowOffsets = rowOffsetsOf(shape, strides[k]);
  }
  return shape.back();
}

/// Who reads each register: the last step that does (results count as
/// read after the last step, and the reader of an alias reads its
/// operand too), and how many reads there are (one per result naming it).
struct Reads {
  std::vector<size_t> last;
  std::vector<int> count;
};

Reads readsOf(const fb::FusedLoop &loop, const std::vector<Step> &steps) {
  const auto &defs = *loop.steps();
  Reads reads{std::vector<size_t>(defs.size(), 0),
              std::vector<int>(defs.size(), 0)};
  for (uint32_t i = 0; i < defs.size(); ++i) {
    const fb::FusedStep &d = *defs.Get(i);
    uint16_t regs[3] = {d.a(), d.b(), d.c()};
    for (int k = 0; k < arity(d.op()); ++k) {
      reads.last[regs[k]] = i;
      ++reads.count[regs[k]];
    }
  }
  for (uint16_t reg : *loop.results()) {
    reads.last[reg] = defs.size();
    ++reads.count[reg];
  }
  for (size_t i = steps.size(); i-- > 0;)
    if (steps[i].exec == Exec::alias)
      reads.last[steps[i].a] = std::max(reads.last[steps[i].a], reads.last[i]);
  return reads;
}

/// The fold of step `x` into a reader: a multiplication of an array by
/// one value (either side), or a division of an array by one value;
/// Fold::none for any other step.
loops::Fold foldOf(const std::vector<Step> &steps, const Step &x) {
  if (x.exec != Exec::binary)
    return loops::Fold::none;
  bool aScalar = steps[x.a].exec == Exec::scalar;
  bool bScalar = steps[x.b].exec == Exec::scalar;
  if (x.op == K::mul && aScalar != bScalar)
    return loops::Fold::mul;
  if (x.op == K::div && bScalar && !aScalar)
    return loops::Fold::div;
  return loops::Fold::none;
}

/// Folds scalings (x * c, c * x, x / c with c one value) into the add, sub
/// or mul that is their only reader, which then computes them on the fly:
/// one pass over the tile instead of two, the same operations in the same
/// order (an optimizer's m * beta1 + g * (1 - beta1) becomes one step;
/// c * x is computed as x * c, the same value). The reader then reads the
/// scaled arrays itself: `reads.last` is updated.
void foldScalings(std::vector<Step> &steps, Reads &reads, loops::Isa isa) {
  for (size_t i = 0; i < steps.size(); ++i) {
    Step &s = steps[i];
    if (s.exec != Exec::binary ||
        (s.op != K::add && s.op != K::sub && s.op != K::mul))
      continue;
    int *operands[2] = {&s.a, &s.b}, *scales[2] = {&s.ca, &s.cb};
    loops::Fold folds[2];
    loops::ScalarMask scalars = 0;
    for (int k = 0; k < 2; ++k) {
      int reg = *operands[k];
      int readsHere = (s.a == reg) + (s.b == reg);
      folds[k] = reads.count[reg] == readsHere ? foldOf(steps, steps[reg])
                                               : loops::Fold::none;
      if (steps[reg].exec == Exec::scalar)
        scalars |= 1u << k;
    }
    s.folded = loops::foldedLoop(s.op, folds[0], folds[1], scalars, isa);
    if (!s.folded)
      continue;
    for (int k = 0; k < 2; ++k) {
      if (folds[k] == loops::Fold::none)
        continue;
      Step &x = steps[*operands[k]];
      bool arrayFirst = steps[x.a].exec != Exec::scalar;
      *operands[k] = arrayFirst ? x.a : x.b;
      *scales[k] = arrayFirst ? x.b : x.a;
      x.exec = Exec::folded;
      reads.last[*operands[k]] = std::max(reads.last[*operands[k]], i);
    }
    s.exec = Exec::foldedBinary;
  }
}

bool overlaps(const void *a, size_t aBytes, const void *b, size_t bBytes) {
  auto x = reinterpret_cast<uintptr_t>(a), y = reinterpret_cast<uintptr_t>(b);
  return x < y + bBytes && y < x + aBytes;
}

/// Lets the step computing an f32 result write it into the result's
/// memory instead of a scratch array, saving a copy per tile, where that
/// cannot change what any step reads: every copy step whose operand shares
/// memory with the result comes before it, and no step after it reads the
/// operand's values. The step itself may read them if the operand is the
/// result's buffer read in place: then it reads each element just before
/// writing it (an optimizer's p - lr * update).
void planDirectResults(std::vector<Step> &steps, std::vector<Output> &outputs,
                       const std::vector<size_t> &lastUse, int64_t total) {
  for (Output &o : outputs) {
    Step &s = steps[o.reg];
    auto r = static_cast<size_t>(o.reg);
    bool computed = isComputed(s.exec);
    if (o.dtype != DType::f32 || !computed || s.direct)
      continue;
    size_t bytes = static_cast<size_t>(total) * 4;
    bool safe = true;
    for (size_t l = 0; l < steps.size() && safe; ++l) {
      const Step &load = steps[l];
      if (!load.base || !overlaps(load.base, load.bytes, o.base, bytes))
        continue;
      bool sameIndex = load.exec == Exec::inPlace && load.base == o.base;
      safe = l < r && (lastUse[l] < r || (lastUse[l] == r && sameIndex));
    }
    if (safe) {
      s.direct = reinterpret_cast<float *>(o.base);
      o.direct = true;
    }
  }
}

/// Gives each step that needs one a scratch array, reusing those of
/// registers no later step reads; returns how many there are. A step never
/// writes over an array it reads (they are released after it).
int assignSlots(std::vector<Step> &steps, const std::vector<size_t> &lastUse) {
  std::vector<int> freeSlots;
  std::vector<std::vector<int>> releaseAt(steps.size() + 1);
  int slots = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    Step &s = steps[i];
    bool needsSlot = s.exec == Exec::load || (isComputed(s.exec) && !s.direct);
    if (needsSlot) {
      if (freeSlots.empty()) {
        s.slot = slots++;
      } else {
        s.slot = freeSlots.back();
        freeSlots.pop_back();
      }
      releaseAt[std::max(lastUse[i], i)].push_back(s.slot);
    }
    for (int slot : releaseAt[i])
      freeSlots.push_back(slot);
  }
  return slots;
}

} // namespace

CommandOr prepareFusedLoop(const fb::FusedLoop &loop,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results) {
  Shape shape(loop.shape()->begin(), loop.shape()->end());
  int64_t total = product(shape);
  std::vector<Step> steps =
      describeSteps(loop, operands, shape, loops::hostIsa());
  int64_t inner = planLoads(steps, operands, shape);
  Reads reads = readsOf(loop, steps);
  foldScalings(steps, reads, loops::hostIsa());
  std::vector<Output> outputs;
  for (uint32_t i = 0; i < results.size(); ++i)
    outputs.push_back({loop.results()->Get(i), results[i].desc->dtype,
                       static_cast<uint8_t *>(results[i].data)});
  planDirectResults(steps, outputs, reads.last, total);
  int slots = assignSlots(steps, reads.last);
  return std::unique_ptr<PreparedCommand>(new FusedLoopCommand(
      std::move(steps), std::move(outputs), TilePlan(total, inner), slots));
}

} // namespace mlc::rt::cpu
