// Reduction regions (fb::FusedReduce): the CPU runs a "row" or "column"
// kernel region as a tile interpreter, like fused loops (Fused.cpp), whose
// programs may also reduce. Nothing is compiled at run time.
//
// The iteration space is viewed as [outer, inner]: for a row layout each
// output reduces one of `outer` contiguous rows of `inner` elements; for a
// column layout each of `inner` outputs reduces a column, one element of
// each of the `outer` rows. A register holds values of the iteration
// space (full), one value per output (reduced), or one value for all
// (uniform: computed once per run from one-element operands).
//
// Rows. A tile holds whole rows (as many as make kTile elements), and the
// steps run in order over it, so a reduction is complete before the steps
// that read it, and values of the row read values per row broadcast (a
// norm's or a softmax's second pass reads the row from L1/L2, not from
// memory). A row longer than kPiece whose full values never read a
// reduction is streamed instead, piece by piece, its reductions carried
// from piece to piece. Rows run in parallel; each is reduced on one thread.
//
// Columns. Threads split the outputs into blocks of neighbouring columns;
// a block walks the rows in order, running the steps on each row's piece
// and adding it into per-column accumulators, and stores the reductions
// after the last row. No step reads a reduction.
//
// Every reduction adds its inputs in the order of the single-op kernels
// (Reduce.cpp): a row in 8 interleaved f64 lanes and the remainder (the
// maximum in 16 lanes), a column one row after another in f64, each
// divided by the count (reduce_mean) and rounded to f32 once. So results
// are the same bits as op by op, for every thread count
// (test/unit/fused_reduce_test.cpp compares them). A tile stores its
// results after all its reads, so a result may share memory with an
// operand read at the same index.
#include "runtime/cpu/FusedSteps.h"
#include "runtime/cpu/Kernels.h"

#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;
using Layout = fb::ReduceLayout;

/// Elements of a tile of whole rows at most (when rows are shorter).
constexpr int64_t kTile = 512;
/// Elements of a streamed row's piece: a multiple of both accumulators'
/// lane counts, and small enough for a piece's registers to stay in L1/L2.
constexpr int64_t kPiece = 2048;
/// Columns of a block at most (its per-column f64 accumulators, 32 KiB a
/// reduction, stay in L2).
constexpr int64_t kColumnBlock = 4096;
/// Elements of work worth handing to another thread.
constexpr int64_t kParallelElements = int64_t(1) << 14;

bool isReduction(K op) {
  return op == K::reduce_sum || op == K::reduce_mean || op == K::reduce_max;
}

enum class Level : uint8_t { uniform, reduced, full };

using RowSum = LaneSum<float, double>;
using RowMax = LaneMax<float>;

/// Adds piece x[0..n) of a streamed row into `lanes` (n is a multiple of
/// the lanes but for the last piece); returns the row's total after the
/// last.
template <typename Lanes>
double addPiece(Lanes &lanes, const float *x, int64_t n, bool last) {
  const int64_t whole = last ? n / Lanes::kLanes * Lanes::kLanes : n;
  lanes.add(x, whole);
  return last ? lanes.finish(x + whole, n - whole) : 0.0;
}

/// A streamed row's reduction between its pieces.
struct RowAccumulator {
  RowSum sum;
  RowMax max;
  /// The reduction of the whole row, once its last piece is in.
  double total = 0;
};

//===----------------------------------------------------------------------===//
// The program: levels, checks
//===----------------------------------------------------------------------===//

/// What the checks and the interpreter derive from a program and its
/// operands' shapes.
struct Analysis {
  Layout layout = Layout::row;
  Shape shape;
  /// The iteration shape with the reduced dims as 1: values per output.
  Shape reducedShape;
  /// The iteration shape without the reduced dims.
  Shape droppedShape;
  int64_t outer = 1, inner = 1;
  /// Outputs of each reduction; the count each reduces.
  int64_t outputs = 1, count = 1;
  std::vector<Level> levels;
  /// Whether a step reads a reduction, directly or through other steps.
  std::vector<bool> afterReduction;
};

/// Whether reducing `axes` of `shape` is laid out as `layout`: for rows,
/// no kept dim after a reduced one; for columns, no reduced dim after a
/// kept one and a kept dim after the reduced ones (dims of size 1 aside).
bool matchesLayout(Layout layout, const Shape &shape, const Shape &axes) {
  bool anyReduced = false, anyKept = false;
  bool keptAfterReduced = false, reducedAfterKept = false;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1)
      continue;
    bool reduced =
        std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end();
    keptAfterReduced |= !reduced && anyReduced;
    reducedAfterKept |= reduced && anyKept;
    (reduced ? anyReduced : anyKept) = true;
  }
  if (layout == Layout::row)
    return !keptAfterReduced;
  return keptAfterReduced && !reducedAfterKept;
}

Status checkHeader(const fb::FusedReduce &program, const Descs &operands,
                   Analysis &a) {
  if (!program.shape() || !program.axes() || !program.steps() ||
      !program.results())
    return Status::error("reduction region without shape, axes, steps or "
                         "results");
  if (program.layout() != Layout::row && program.layout() != Layout::column)
    return Status::error("reduction region layout " +
                         std::to_string(int(program.layout())) +
                         " is neither row nor column");
  a.layout = program.layout();
  a.shape.assign(program.shape()->begin(), program.shape()->end());
  for (int64_t d : a.shape)
    if (d < 1)
      return Status::error("reduction region shape " + shapeStr(a.shape) +
                           " has a dimension below 1");
  Shape axes(program.axes()->begin(), program.axes()->end());
  for (size_t i = 0; i < axes.size(); ++i) {
    MLC_RETURN_IF_ERROR(checkAxis(axes[i], a.shape.size(), "axis"));
    if (i > 0 && axes[i] <= axes[i - 1])
      return Status::error("axes " + listStr(axes) +
                           " must be sorted and unique");
  }
  const char *layoutName = fb::EnumNameReduceLayout(a.layout);
  if (!matchesLayout(a.layout, a.shape, axes))
    return Status::error("reducing axes " + listStr(axes) + " of " +
                         shapeStr(a.shape) + " is not a " + layoutName +
                         " reduction");
  a.reducedShape = a.shape;
  for (int64_t axis : axes) {
    a.count *= a.shape[axis];
    a.reducedShape[axis] = 1;
  }
  for (size_t d = 0; d < a.shape.size(); ++d)
    if (std::find(axes.begin(), axes.end(), int64_t(d)) == axes.end())
      a.droppedShape.push_back(a.shape[d]);
  a.outputs = product(a.reducedShape);
  a.outer = a.layout == Layout::row ? a.outputs : a.count;
  a.inner = a.layout == Layout::row ? a.count : a.outputs;
  const auto &steps = *program.steps();
  if (steps.size() == 0 || steps.size() > 65535)
    return Status::error("reduction region has " +
                         std::to_string(steps.size()) +
                         " steps (1 to 65535 allowed)");
  for (size_t i = 0; i < operands.size(); ++i)
    if (!broadcastsTo(operands[i]->shape, a.shape) ||
        (operands[i]->dtype != DType::f32 && operands[i]->dtype != DType::i1))
      return Status::error("operand " + std::to_string(i) + " (" +
                           operands[i]->str() +
                           ") must be f32 or i1 and broadcast to the "
                           "iteration shape " +
                           shapeStr(a.shape));
  return Status::ok();
}

/// The level of a load of `operand`: one value, one per output, or values
/// of the iteration space.
Level loadLevel(const TensorDesc &operand, const Analysis &a) {
  if (operand.numElements() == 1)
    return Level::uniform;
  return broadcastsTo(operand.shape, a.reducedShape) ? Level::reduced
                                                     : Level::full;
}

Status checkSteps(const fb::FusedReduce &program, const Descs &operands,
                  Analysis &a) {
  const auto &steps = *program.steps();
  a.levels.assign(steps.size(), Level::uniform);
  a.afterReduction.assign(steps.size(), false);
  for (uint32_t i = 0; i < steps.size(); ++i) {
    const fb::FusedStep &s = *steps.Get(i);
    std::string where =
        "step " + std::to_string(i) + " (" + fb::EnumNameOpKind(s.op()) + ")";
    if (isReduction(s.op())) {
      if (s.a() >= i)
        return Status::error(where + " reads register " +
                             std::to_string(s.a()) +
                             ", which is not an earlier step");
      if (s.dtype() != DType::f32 || steps.Get(s.a())->dtype() != DType::f32)
        return Status::error(where + " reduces f32 into f32 only");
      a.levels[i] = Level::reduced;
      a.afterReduction[i] = true;
      continue;
    }
    MLC_RETURN_IF_ERROR(checkFusedStep(steps, i, operands));
    int n = fusedStepArity(s.op());
    if (n == 0) {
      a.levels[i] = loadLevel(*operands[s.a()], a);
      continue;
    }
    uint16_t regs[3] = {s.a(), s.b(), s.c()};
    for (int k = 0; k < n; ++k) {
      a.levels[i] = std::max(a.levels[i], a.levels[regs[k]]);
      a.afterReduction[i] = a.afterReduction[i] || a.afterReduction[regs[k]];
      if (a.layout == Layout::column && isReduction(steps.Get(regs[k])->op()))
        return Status::error(where + " reads the reduction of step " +
                             std::to_string(regs[k]) +
                             "; in a column layout a reduction is complete "
                             "only after the last row, so it is only a "
                             "result");
    }
  }
  return Status::ok();
}

Status checkResults(const fb::FusedReduce &program, const Descs &operands,
                    const Descs &results, const Analysis &a) {
  const auto &steps = *program.steps();
  if (program.results()->size() != results.size())
    return Status::error("reduction region names " +
                         std::to_string(program.results()->size()) +
                         " results for " + std::to_string(results.size()));
  for (uint32_t i = 0; i < results.size(); ++i) {
    uint16_t reg = program.results()->Get(i);
    std::string what = "result " + std::to_string(i);
    if (reg >= steps.size())
      return Status::error(what + " is register " + std::to_string(reg) +
                           " of " + std::to_string(steps.size()));
    const TensorDesc &result = *results[i];
    DType dtype = steps.Get(reg)->dtype();
    Level level = a.levels[reg];
    bool full = result.shape == a.shape;
    bool perOutput = result.numElements() == a.outputs &&
                     (result.shape == a.reducedShape ||
                      result.shape == a.droppedShape || a.outputs == 1);
    if (result.dtype != dtype || !(full || (level != Level::full && perOutput)))
      return Status::error(
          what + " is " + result.str() + ", expected " +
          TensorDesc{dtype, a.shape}.str() +
          (level == Level::full
               ? ""
               : " or " + TensorDesc{dtype, a.droppedShape}.str()));
    if (full && level != Level::full && a.afterReduction[reg] &&
        a.layout == Layout::column)
      return Status::error(what + " broadcasts a column's reduction, which is "
                                  "complete only after the last row");
    for (size_t o = 0; o < operands.size(); ++o) {
      if (results[i] != operands[o])
        continue;
      // Read and written at the same index: the iteration space's, or
      // the outputs' (loaded once per output before it is stored).
      bool sameIndex = full ? level == Level::full
                            : loadLevel(*operands[o], a) == Level::reduced;
      if (!sameIndex)
        return Status::error(what + " is the buffer of operand " +
                             std::to_string(o) +
                             ", which the region reads at other indices");
    }
    for (uint32_t other = 0; other < i; ++other)
      if (results[i] == results[other])
        return Status::error("results " + std::to_string(other) + " and " +
                             std::to_string(i) + " are one buffer");
  }
  return Status::ok();
}

Status analyze(const fb::FusedReduce &program, const Descs &operands,
               const Descs &results, Analysis &a) {
  MLC_RETURN_IF_ERROR(checkHeader(program, operands, a));
  MLC_RETURN_IF_ERROR(checkSteps(program, operands, a));
  return checkResults(program, operands, results, a);
}

//===----------------------------------------------------------------------===//
// The interpreter
//===----------------------------------------------------------------------===//

/// A rectangle of the iteration space viewed as [outer, inner]: rows
/// [row, row + rows) of columns [col, col + cols); contiguous (one row,
/// or whole rows).
struct Tile {
  int64_t row = 0, rows = 1, col = 0, cols = 1;
  /// Columns: where the tile's columns start in its block's values per
  /// output (0 for rows, and for the block itself).
  int64_t first = 0;
  int64_t size() const { return rows * cols; }
};

class FusedReduceCommand final : public PreparedCommand {
public:
  struct Step {
    fb::FusedStep def;
    Level level = Level::full;
    bool afterReduction = false;
    /// Scratch of the step (full: a tile's elements, reduced: a tile's
    /// outputs), or -1 for loads read in place and uniform steps.
    int slot = -1;
    // Loads: the operand, its type, and how a tile's part is read.
    const uint8_t *base = nullptr;
    DType source = DType::f32;
    bool inPlace = false;
    StridedPlan plan;
    // Reductions: the accumulator index and the divisor of the total.
    int accumulator = -1;
    double divisor = 1;
  };
  struct Output {
    int reg;
    DType dtype;
    uint8_t *base;
    /// Stored per tile (a register of the iteration space, or one per
    /// output broadcast over it), else per output once it is final.
    bool full;
  };
  /// When the steps run: once per output group (rows of a tile, or a
  /// block of columns) before the body, per tile, and after the last.
  struct Schedule {
    std::vector<int> prologue, body, epilogue;
  };

  FusedReduceCommand(Analysis analysis, std::vector<Step> steps,
                     std::vector<Output> outputs, Schedule schedule,
                     int fullSlots, int reducedSlots, int accumulators,
                     bool streamed)
      : a_(std::move(analysis)), steps_(std::move(steps)),
        outputs_(std::move(outputs)), schedule_(std::move(schedule)),
        fullSlots_(fullSlots), reducedSlots_(reducedSlots),
        accumulators_(accumulators), streamed_(streamed),
        values_(steps_.size()) {
    if (a_.layout == Layout::row && !streamed_)
      rowsPerTile_ = std::min(a_.outer, std::max<int64_t>(1, kTile / a_.inner));
  }

  Status run() override {
    for (size_t s = 0; s < steps_.size(); ++s)
      if (steps_[s].level == Level::uniform)
        values_[s] = evaluateUniform(s);
    if (a_.layout == Layout::column) {
      ThreadPool *pool = currentPool();
      cutColumns(pool ? pool->threads() : 1);
      int64_t blocks = (a_.inner + block_ - 1) / block_;
      int64_t grain =
          std::max<int64_t>(1, kParallelElements / (block_ * a_.outer));
      parallelFor(blocks, grain, [&](int64_t first, int64_t last) {
        Scratch scratch(*this);
        for (int64_t b = first; b < last; ++b)
          runColumns(b * block_, std::min(block_, a_.inner - b * block_),
                     scratch);
      });
      return Status::ok();
    }
    int64_t units = (a_.outer + rowsPerTile_ - 1) / rowsPerTile_;
    int64_t grain =
        std::max<int64_t>(1, kParallelElements / (rowsPerTile_ * a_.inner));
    parallelFor(units, grain, [&](int64_t first, int64_t last) {
      Scratch scratch(*this);
      for (int64_t u = first; u < last; ++u) {
        int64_t row = u * rowsPerTile_;
        int64_t rows = std::min(rowsPerTile_, a_.outer - row);
        if (streamed_)
          runStreamedRow(row, scratch);
        else
          runRows(row, rows, scratch);
      }
    });
    return Status::ok();
  }

private:
  /// Blocks of neighbouring columns, one per thread (a column's rows are
  /// walked in order by one thread, whatever the blocks, so the cut does
  /// not change the bits): long runs of each row, which the prefetcher
  /// follows (blocks of 256 columns of GPT-2's 3072 read rows a third
  /// slower), at most kColumnBlock columns of accumulators. A block walks
  /// each row in tiles of at most kTile columns, whose registers stay in
  /// L1; a block of every column takes tiles of several whole rows.
  void cutColumns(int threads) {
    int64_t share = (a_.inner + threads - 1) / threads;
    block_ = std::min(
        a_.inner,
        std::min(kColumnBlock, std::max<int64_t>(64, (share + 15) / 16 * 16)));
    rowsPerTile_ =
        block_ == a_.inner ? std::max<int64_t>(1, kTile / block_) : 1;
  }

  /// One thread's registers and scratch.
  struct Scratch {
    explicit Scratch(const FusedReduceCommand &c)
        : tileSize(c.tileSize()), outputSize(c.outputsPerTile()),
          full(static_cast<size_t>(c.fullSlots_ + 3) * tileSize),
          reduced(static_cast<size_t>(c.reducedSlots_) * outputSize),
          regs(c.steps_.size()), rowAccumulators(c.accumulators_),
          columnSums(static_cast<size_t>(c.accumulators_) * outputSize),
          columnMaxima(static_cast<size_t>(c.accumulators_) * outputSize) {}

    float *fullSlot(int slot) { return full.data() + slot * tileSize; }
    float *reducedSlot(int slot) { return reduced.data() + slot * outputSize; }

    int64_t tileSize, outputSize;
    std::vector<float> full, reduced;
    std::vector<const float *> regs;
    std::vector<RowAccumulator> rowAccumulators;
    std::vector<double> columnSums;
    std::vector<float> columnMaxima;
  };

  int64_t tileSize() const {
    if (a_.layout == Layout::column)
      return rowsPerTile_ > 1 ? rowsPerTile_ * block_ : std::min(block_, kTile);
    return streamed_ ? std::min(kPiece, a_.inner) : rowsPerTile_ * a_.inner;
  }
  int64_t outputsPerTile() const {
    return a_.layout == Layout::column ? block_ : rowsPerTile_;
  }
  /// The outputs a tile's reduced values stand for.
  int64_t outputBegin(const Tile &t) const {
    return a_.layout == Layout::column ? t.col : t.row;
  }
  int64_t outputCount(const Tile &t) const {
    return a_.layout == Layout::column ? t.cols : t.rows;
  }

  float load(const Step &s, int64_t offset) const {
    if (s.source == DType::i1)
      return s.base[offset] != 0 ? 1.0f : 0.0f;
    float v;
    std::memcpy(&v, s.base + offset * 4, 4);
    return v;
  }

  float evaluateUniform(size_t index) const {
    const Step &s = steps_[index];
    if (fusedStepArity(s.def.op()) == 0)
      return load(s, 0);
    const float *args[3] = {&values_[s.def.a()], &values_[s.def.b()],
                            &values_[s.def.c()]};
    float out = 0;
    runFusedStep(s.def, args, 0, &out, 1);
    return out;
  }

  /// Elements [begin, end) of a load's plan (the iteration space's for a
  /// full load, the outputs' for a reduced one) into `out`.
  void gather(const Step &s, int64_t begin, int64_t end, float *out) const {
    const int64_t stride = s.plan.innerStride[0];
    s.plan.forEachSpan(
        begin, end, [&](const StridedPlan::Offsets &in, int64_t at, int64_t n) {
          float *dst = out + (at - begin);
          if (s.source == DType::i1 || (stride != 0 && stride != 1)) {
            for (int64_t k = 0; k < n; ++k)
              dst[k] = load(s, in[0] + k * stride);
          } else if (stride == 1) {
            std::memcpy(dst, s.base + in[0] * 4, n * 4);
          } else {
            std::fill(dst, dst + n, load(s, in[0]));
          }
        });
  }

  /// Register `reg` as `level` values of tile `t`: a full register as the
  /// tile's elements (values per output or one value spread over it,
  /// into `spare`), a reduced one as the tile's outputs. Sets `*scalar`
  /// when the result is one value standing for all.
  const float *view(int reg, Level level, const Tile &t, Scratch &sc,
                    float *spare, bool *scalar) const {
    const Level has = steps_[reg].level;
    *scalar = false;
    if (has == Level::uniform) {
      *scalar = true;
      return &values_[reg];
    }
    const float *values = sc.regs[reg];
    if (has == level)
      return values;
    // Values per output read over the tile.
    if (a_.layout == Layout::row) {
      if (t.rows == 1) {
        *scalar = true;
        return values;
      }
      for (int64_t r = 0; r < t.rows; ++r)
        std::fill(spare + r * t.cols, spare + (r + 1) * t.cols, values[r]);
      return spare;
    }
    values += t.first;
    if (t.rows == 1)
      return values;
    for (int64_t r = 0; r < t.rows; ++r)
      std::memcpy(spare + r * t.cols, values, t.cols * 4);
    return spare;
  }

  void runLoad(int i, const Tile &t, Scratch &sc) const {
    const Step &s = steps_[i];
    int64_t begin =
        s.level == Level::full ? t.row * a_.inner + t.col : outputBegin(t);
    int64_t n = s.level == Level::full ? t.size() : outputCount(t);
    if (s.inPlace) {
      sc.regs[i] = reinterpret_cast<const float *>(s.base) + begin;
      return;
    }
    float *out =
        s.level == Level::full ? sc.fullSlot(s.slot) : sc.reducedSlot(s.slot);
    gather(s, begin, begin + n, out);
    sc.regs[i] = out;
  }

  void runElementwise(int i, const Tile &t, Scratch &sc) const {
    const Step &s = steps_[i];
    int n = fusedStepArity(s.def.op());
    uint16_t regs[3] = {s.def.a(), s.def.b(), s.def.c()};
    const float *args[3] = {};
    unsigned scalars = 0;
    for (int k = 0; k < n; ++k) {
      bool scalar;
      args[k] =
          view(regs[k], s.level, t, sc, sc.fullSlot(fullSlots_ + k), &scalar);
      scalars |= unsigned(scalar) << k;
    }
    bool full = s.level == Level::full;
    float *out = full ? sc.fullSlot(s.slot) : sc.reducedSlot(s.slot);
    runFusedStep(s.def, args, scalars, out, full ? t.size() : outputCount(t));
    sc.regs[i] = out;
  }

  /// A reduction over tile `t`: whole rows are reduced at once; a streamed
  /// row's piece, or a block of columns' row, goes into the accumulators.
  void runReduction(int i, const Tile &t, bool lastPiece, Scratch &sc) const {
    const Step &s = steps_[i];
    bool scalar;
    const float *x =
        view(s.def.a(), Level::full, t, sc, sc.fullSlot(fullSlots_), &scalar);
    std::vector<float> spread;
    if (scalar) { // a uniform input: the value at every index
      spread.assign(static_cast<size_t>(t.size()), *x);
      x = spread.data();
    }
    bool isMax = s.def.op() == K::reduce_max;
    float *out = sc.reducedSlot(s.slot);
    if (a_.layout == Layout::column) {
      double *sums =
          sc.columnSums.data() + s.accumulator * sc.outputSize + t.first;
      float *maxima =
          sc.columnMaxima.data() + s.accumulator * sc.outputSize + t.first;
      for (int64_t r = 0; r < t.rows; ++r, x += t.cols)
        for (int64_t j = 0; j < t.cols; ++j) {
          if (isMax)
            maxima[j] = maxPropagatingNaN(maxima[j], x[j]);
          else
            sums[j] += static_cast<double>(x[j]);
        }
      return;
    }
    if (streamed_) {
      RowAccumulator &acc = sc.rowAccumulators[s.accumulator];
      double total = isMax ? addPiece(acc.max, x, t.cols, lastPiece)
                           : addPiece(acc.sum, x, t.cols, lastPiece);
      if (lastPiece)
        acc.total = total;
      return;
    }
    for (int64_t r = 0; r < t.rows; ++r, x += t.cols) {
      double total = isMax ? reduceLanes<RowMax>(x, t.cols)
                           : reduceLanes<RowSum>(x, t.cols);
      out[r] = static_cast<float>(total / s.divisor);
    }
    sc.regs[i] = out;
  }

  void runStep(int i, const Tile &t, bool lastPiece, Scratch &sc) const {
    K op = steps_[i].def.op();
    if (isReduction(op))
      runReduction(i, t, lastPiece, sc);
    else if (fusedStepArity(op) == 0)
      runLoad(i, t, sc);
    else
      runElementwise(i, t, sc);
  }

  /// Stores register `reg`'s values for tile `t`: `full` outputs over the
  /// tile's elements, the others over its outputs.
  void store(const Output &o, const Tile &t, Scratch &sc) const {
    bool scalar;
    const float *values =
        o.full
            ? view(o.reg, Level::full, t, sc, sc.fullSlot(fullSlots_), &scalar)
            : view(o.reg, Level::reduced, t, sc, nullptr, &scalar);
    int64_t begin = o.full ? t.row * a_.inner + t.col : outputBegin(t);
    int64_t n = o.full ? t.size() : outputCount(t);
    if (o.dtype == DType::i1) {
      for (int64_t k = 0; k < n; ++k)
        o.base[begin + k] = values[scalar ? 0 : k] != 0.0f ? 1 : 0;
      return;
    }
    float *dst = reinterpret_cast<float *>(o.base) + begin;
    if (scalar)
      std::fill(dst, dst + n, *values);
    else
      std::memcpy(dst, values, n * 4);
  }

  void storeAll(bool full, const Tile &t, Scratch &sc) const {
    for (const Output &o : outputs_)
      if (o.full == full)
        store(o, t, sc);
  }

  /// Writes `count` outputs of every reduction, total(step, j) / divisor
  /// rounded to f32 once, as the single-op kernels do.
  template <typename F>
  void finishReductions(int64_t count, Scratch &sc, F &&total) const {
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step &s = steps_[i];
      if (!isReduction(s.def.op()))
        continue;
      float *out = sc.reducedSlot(s.slot);
      for (int64_t j = 0; j < count; ++j)
        out[j] = static_cast<float>(total(s, j) / s.divisor);
      sc.regs[i] = out;
    }
  }

  /// Whole rows [row, row + rows): every step in order over the tile.
  void runRows(int64_t row, int64_t rows, Scratch &sc) const {
    Tile t{row, rows, 0, a_.inner};
    for (int i : schedule_.body)
      runStep(i, t, true, sc);
    storeAll(true, t, sc);
    storeAll(false, t, sc);
  }

  /// One long row in pieces: values per row first, then the pieces, then
  /// the reductions' totals and what reads them.
  void runStreamedRow(int64_t row, Scratch &sc) const {
    Tile outputs{row, 1, 0, 1};
    for (int i : schedule_.prologue)
      runStep(i, outputs, false, sc);
    for (RowAccumulator &acc : sc.rowAccumulators)
      acc = RowAccumulator();
    for (int64_t col = 0; col < a_.inner; col += kPiece) {
      Tile piece{row, 1, col, std::min(kPiece, a_.inner - col)};
      bool last = col + kPiece >= a_.inner;
      for (int i : schedule_.body)
        runStep(i, piece, last, sc);
      storeAll(true, piece, sc);
    }
    finishReductions(1, sc, [&](const Step &s, int64_t) {
      return sc.rowAccumulators[s.accumulator].total;
    });
    for (int i : schedule_.epilogue)
      runStep(i, outputs, false, sc);
    storeAll(false, outputs, sc);
  }

  /// Columns [col, col + cols) over every row, in order.
  void runColumns(int64_t col, int64_t cols, Scratch &sc) const {
    Tile outputs{0, 1, col, cols};
    for (int i : schedule_.prologue)
      runStep(i, outputs, false, sc);
    std::fill(sc.columnSums.begin(), sc.columnSums.end(), 0.0);
    std::fill(sc.columnMaxima.begin(), sc.columnMaxima.end(), lowest<float>());
    const int64_t piece = rowsPerTile_ > 1 ? cols : std::min(cols, kTile);
    for (int64_t row = 0; row < a_.outer; row += rowsPerTile_)
      for (int64_t j = 0; j < cols; j += piece) {
        Tile t{row, std::min(rowsPerTile_, a_.outer - row), col + j,
               std::min(piece, cols - j), j};
        for (int i : schedule_.body)
          runStep(i, t, false, sc);
        storeAll(true, t, sc);
      }
    finishReductions(cols, sc, [&](const Step &s, int64_t j) {
      size_t at = static_cast<size_t>(s.accumulator * sc.outputSize + j);
      return s.def.op() == K::reduce_max
                 ? static_cast<double>(sc.columnMaxima[at])
                 : sc.columnSums[at];
    });
    storeAll(false, outputs, sc);
  }

  Analysis a_;
  std::vector<Step> steps_;
  std::vector<Output> outputs_;
  Schedule schedule_;
  int fullSlots_, reducedSlots_, accumulators_;
  bool streamed_;
  int64_t rowsPerTile_ = 1, block_ = 1;
  /// Values of the uniform steps during a run.
  std::vector<float> values_;
};

using Command = FusedReduceCommand;

/// Whether a row's full values never read a reduction (so a long row may
/// be streamed piece by piece).
bool streamable(const Analysis &a,
                const std::vector<Command::Output> &outputs) {
  for (size_t i = 0; i < a.levels.size(); ++i)
    if (a.levels[i] == Level::full && a.afterReduction[i])
      return false;
  for (const Command::Output &o : outputs)
    if (o.full && a.afterReduction[o.reg])
      return false;
  return true;
}

/// Which steps run before, during and after the tiles of an output group.
Command::Schedule scheduleSteps(const std::vector<Command::Step> &steps,
                                bool wholeRows) {
  Command::Schedule schedule;
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    const Command::Step &s = steps[i];
    if (s.level == Level::uniform)
      continue;
    if (wholeRows || s.level == Level::full || isReduction(s.def.op()))
      schedule.body.push_back(i);
    else
      (s.afterReduction ? schedule.epilogue : schedule.prologue).push_back(i);
  }
  return schedule;
}

/// Scratch slots: each reduced register its own (they live across a
/// whole output group), full registers shared once their last reader in
/// the body has run. Returns the number of full slots.
int assignSlots(std::vector<Command::Step> &steps,
                const fb::FusedReduce &program, int &reducedSlots) {
  const auto &defs = *program.steps();
  std::vector<size_t> lastUse(steps.size(), 0);
  for (uint32_t i = 0; i < defs.size(); ++i) {
    const fb::FusedStep &d = *defs.Get(i);
    uint16_t regs[3] = {d.a(), d.b(), d.c()};
    int n = isReduction(d.op()) ? 1 : fusedStepArity(d.op());
    for (int k = 0; k < n; ++k)
      lastUse[regs[k]] = i;
  }
  for (uint16_t reg : *program.results())
    lastUse[reg] = steps.size();
  std::vector<int> freeSlots;
  std::vector<std::vector<int>> releaseAt(steps.size() + 1);
  int fullSlots = 0;
  reducedSlots = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    Command::Step &s = steps[i];
    if (s.level == Level::reduced && !s.inPlace) {
      s.slot = reducedSlots++;
    } else if (s.level == Level::full && !s.inPlace) {
      if (freeSlots.empty()) {
        s.slot = fullSlots++;
      } else {
        s.slot = freeSlots.back();
        freeSlots.pop_back();
      }
      releaseAt[std::max(lastUse[i], i)].push_back(s.slot);
    }
    for (int slot : releaseAt[i])
      freeSlots.push_back(slot);
  }
  return fullSlots;
}

} // namespace

Status checkFusedReduce(const fb::FusedReduce &program, const Descs &operands,
                        const Descs &results) {
  Analysis a;
  return analyze(program, operands, results, a);
}

CommandOr prepareFusedReduce(const fb::FusedReduce &program,
                             const std::vector<TensorRef> &operands,
                             const std::vector<TensorRef> &results) {
  Descs operandDescs, resultDescs;
  for (const TensorRef &t : operands)
    operandDescs.push_back(t.desc);
  for (const TensorRef &t : results)
    resultDescs.push_back(t.desc);
  Analysis a;
  MLC_RETURN_IF_ERROR(analyze(program, operandDescs, resultDescs, a));

  const auto &defs = *program.steps();
  std::vector<Command::Step> steps(defs.size());
  int accumulators = 0;
  for (uint32_t i = 0; i < defs.size(); ++i) {
    Command::Step &s = steps[i];
    s.def = *defs.Get(i);
    s.level = a.levels[i];
    s.afterReduction = a.afterReduction[i];
    if (isReduction(s.def.op())) {
      s.accumulator = accumulators++;
      if (s.def.op() == K::reduce_mean)
        s.divisor = static_cast<double>(a.count);
      continue;
    }
    if (fusedStepArity(s.def.op()) != 0)
      continue;
    const TensorRef &operand = operands[s.def.a()];
    s.base = static_cast<const uint8_t *>(operand.data);
    s.source = operand.desc->dtype;
    if (s.level == Level::uniform)
      continue;
    const Shape &over = s.level == Level::full ? a.shape : a.reducedShape;
    s.inPlace =
        s.source == DType::f32 && operand.desc->numElements() == product(over);
    s.plan =
        makeStridedPlan(over, {broadcastStrides(operand.desc->shape, over)});
  }

  std::vector<Command::Output> outputs;
  for (uint32_t i = 0; i < results.size(); ++i) {
    uint16_t reg = program.results()->Get(i);
    outputs.push_back({reg, results[i].desc->dtype,
                       static_cast<uint8_t *>(results[i].data),
                       results[i].desc->shape == a.shape});
  }
  bool streamed =
      a.layout == Layout::row && a.inner > kPiece && streamable(a, outputs);
  Command::Schedule schedule =
      scheduleSteps(steps, a.layout == Layout::row && !streamed);
  int reducedSlots = 0;
  int fullSlots = assignSlots(steps, program, reducedSlots);
  return std::unique_ptr<PreparedCommand>(new FusedReduceCommand(
      std::move(a), std::move(steps), std::move(outputs), std::move(schedule),
      fullSlots, reducedSlots, accumulators, streamed));
}

} // namespace mlc::rt::cpu
