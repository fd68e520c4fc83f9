// -mlc-tensor-parallel: splits the weights of a model's blocks over the tp
// axis of a mesh as Megatron does (the first matmuls of attention and MLP by
// columns, the second by rows), follows the split through every op between
// them, and places the conjugate operators f (mlc.fan_out) before a block
// and g (mlc.all_reduce) after it, so that each rank computes its heads and
// its part of the MLP and every rank ends the block with the whole result.
// The vocabulary is split too: the token embedding's rows, the LM head's
// outputs and the cross-entropy over them (VocabParallel.h).
#include "passes/Passes.h"

#include "ir/MlcModel.h"
#include "ir/MlcOps.h"
#include "passes/Partitioning.h"
#include "passes/VocabParallel.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlc {
#define GEN_PASS_DEF_TENSORPARALLEL
#define GEN_PASS_DEF_LOWERFANOUT
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// How a value is held by the ranks of the tp axis.
struct Layout {
  enum Kind { Replicated, Split, PartialSum };
  Kind kind = Replicated;
  /// Split: the dimension each rank holds 1/N of. Its extent E is viewed as
  /// [blocks, N, E / (blocks N)] and a rank holds index c (its coordinate)
  /// of the middle: a fused QKV projection is split in 3 blocks, so that
  /// each rank holds its heads' columns of q, of k and of v.
  int64_t dim = 0;
  int64_t blocks = 1;

  static Layout replicated() { return {}; }
  static Layout split(int64_t dim, int64_t blocks = 1) {
    return {Split, dim, blocks};
  }
  /// Each rank holds a term of the sum over the ranks (a row-split
  /// product); never kept: g all-reduces it where it is made.
  static Layout partialSum() { return {PartialSum}; }
  bool isSplit() const { return kind == Split; }
  bool operator==(const Layout &o) const {
    return kind == o.kind &&
           (kind != Split || (dim == o.dim && blocks == o.blocks));
  }
};

/// How a parameter is split: its whole type and the layout of its piece.
struct ParamSplit {
  RankedTensorType whole;
  Layout layout;
};

/// Ops a column split goes through on its way to the matmul that contracts
/// it (the row-split one): what lies between a block's two matmuls.
bool carriesColumns(Operation *op) {
  return op->hasTrait<trait::Elementwise>() ||
         isa<ReshapeOp, TransposeOp, SplitOp, SliceOp, ConcatOp, AttentionOp,
             RopeOp, CausalMaskOp, SoftmaxOp, CacheWriteOp>(op);
}

/// Rewrites one function into the program of a rank of the tp axis.
class Partitioner : public PartitionerBase<Partitioner, Layout> {
public:
  /// `decided`: how functions partitioned before split each parameter, by
  /// name, which this one follows where its own blocks say nothing (a
  /// prefill's LM head, which no loss reads).
  Partitioner(func::FuncOp func, int64_t ranks, ArrayAttr axes,
              const llvm::StringMap<std::pair<func::FuncOp, Layout>> &decided)
      : func_(func), ranks_(ranks), axes_(axes), decided_(decided) {}

  LogicalResult run();
  /// The parameters split, by argument index.
  const llvm::DenseMap<unsigned, ParamSplit> &splits() const { return splits_; }

  // What keepingLayoutRule (passes/Partitioning.h) asks, with layoutOf
  // and requireWhole.
  LogicalResult requireNotSplitAt(Operation *op, Value v, int64_t d,
                                  StringRef why);
  InFlightDiagnostic error(Operation *op) {
    return op->emitOpError() << "cannot be split over tp=" << ranks_ << ": ";
  }

private:
  /// The whole (unsplit) type of `v`.
  RankedTensorType wholeType(Value v) const;
  /// The parameter `v` is, or null.
  const ModelArg *paramOf(Value v) const;
  /// Whether `m` starts a block: its weight is a parameter, and its result
  /// reaches, through ops that can carry a column split, a matmul that
  /// contracts it with another parameter or a cross-entropy (then `m` is
  /// the LM head). The block's blocks (3 for a fused QKV) come from the
  /// first equal split of those columns.
  std::optional<int64_t> columnBlocks(MatmulOp m) const;
  /// Gives `v` the layout `l` and its type the rank's piece.
  LogicalResult setLayout(Value v, Layout l, Operation *where);
  /// Splits parameter `arg` as `l` for `where`, which must be its first use.
  LogicalResult splitParam(BlockArgument arg, Layout l, Operation *where);
  LogicalResult visit(Operation *op);
  LogicalResult columnMatmul(MatmulOp m, int64_t blocks);
  /// Gives `use` (a value every rank holds, read by per-rank work) through
  /// f, one mlc.fan_out per value.
  void fanOut(OpOperand &use);
  /// Whether `v` is a token input (an argument with a vocabulary).
  bool isTokenIds(Value v) const;
  /// The embedding of tokens with this rank's rows of the vocabulary.
  LogicalResult vocabEmbedding(EmbeddingOp e);
  /// The cross-entropy of logits split over the vocabulary.
  LogicalResult vocabCrossEntropy(SoftmaxCrossEntropyOp ce);
  /// `v`, split along its last dimension, gathered whole (of type `whole`).
  Value gatherColumns(OpBuilder &b, Value v, Type whole);
  /// All-reduces (sums) `v`, a partial sum (g), after its op.
  void reduceAfter(Value v);
  FailureOr<SmallVector<Layout>> rule(Operation *op);
  FailureOr<Layout> elementwiseRule(Operation *op);
  FailureOr<Layout> matmulRule(MatmulOp op);
  FailureOr<Layout> reshapeRule(ReshapeOp op);
  FailureOr<SmallVector<Layout>> splitOpRule(SplitOp op);

  func::FuncOp func_;
  int64_t ranks_;
  ArrayAttr axes_;
  ModelSignature sig_;
  /// The all-reduces this pass made (g), which it does not visit.
  llvm::DenseSet<Operation *> reductions_;
  /// The mlc.fan_out of each replicated value column matmuls read.
  llvm::DenseMap<Value, Value> fannedOut_;
  llvm::DenseMap<unsigned, ParamSplit> splits_;
  const llvm::StringMap<std::pair<func::FuncOp, Layout>> &decided_;
};

RankedTensorType Partitioner::wholeType(Value v) const {
  auto type = cast<RankedTensorType>(v.getType());
  Layout l = layoutOf(v);
  if (!l.isSplit())
    return type;
  SmallVector<int64_t> shape(type.getShape());
  shape[l.dim] *= ranks_;
  return type.clone(shape);
}

const ModelArg *Partitioner::paramOf(Value v) const {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner()->getParentOp() != func_)
    return nullptr;
  for (const ModelArg &a : sig_.args)
    if (a.index == arg.getArgNumber())
      return a.kind == ModelArg::Kind::Param ? &a : nullptr;
  return nullptr;
}

bool Partitioner::isTokenIds(Value v) const {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner()->getParentOp() != func_)
    return false;
  return llvm::any_of(sig_.args, [&](const ModelArg &a) {
    return a.index == arg.getArgNumber() && a.kind == ModelArg::Kind::Input &&
           a.vocab > 0;
  });
}

/// The dimensions of a matmul's rhs: its N (result columns) and K
/// (contracted) dimension.
std::pair<int64_t, int64_t> rhsDims(MatmulOp m) {
  int64_t b = cast<RankedTensorType>(m.getRhs().getType()).getRank();
  return m.getTransposeRhs() ? std::pair{b - 2, b - 1}
                             : std::pair{b - 1, b - 2};
}

/// The lhs's contracted dimension.
int64_t lhsContracted(MatmulOp m) {
  int64_t a = cast<RankedTensorType>(m.getLhs().getType()).getRank();
  return m.getTransposeLhs() ? a - 2 : a - 1;
}

std::optional<int64_t> Partitioner::columnBlocks(MatmulOp m) const {
  const ModelArg *weight = paramOf(m.getRhs());
  if (!weight || weight->type.getRank() != 2 || paramOf(m.getLhs()))
    return std::nullopt;
  int64_t columns = cast<RankedTensorType>(m.getType()).getShape().back();
  std::optional<int64_t> blocks;
  bool closed = false;
  SmallVector<Value> work{m.getResult()};
  llvm::DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      // A matmul contracting the columns with a parameter, or a
      // cross-entropy over them (the vocabulary, split as its logits).
      auto next = dyn_cast<MatmulOp>(user);
      auto loss = dyn_cast<SoftmaxCrossEntropyOp>(user);
      if ((next && next.getLhs() == v && paramOf(next.getRhs())) ||
          (loss && loss.getLogits() == v)) {
        closed = true;
        continue;
      }
      if (!carriesColumns(user))
        continue;
      auto split = dyn_cast<SplitOp>(user);
      if (split && !blocks) {
        auto type = cast<RankedTensorType>(split.getInput().getType());
        ArrayRef<int64_t> sizes = split.getSizes();
        if (split.getNormalizedAxis() == type.getRank() - 1 &&
            type.getShape().back() == columns && llvm::all_equal(sizes))
          blocks = static_cast<int64_t>(sizes.size());
      }
      for (Value r : user->getResults())
        work.push_back(r);
    }
  }
  if (!closed)
    return std::nullopt;
  return blocks.value_or(1);
}

LogicalResult Partitioner::setLayout(Value v, Layout l, Operation *where) {
  if (!l.isSplit()) {
    layouts_[v] = l;
    return success();
  }
  auto type = cast<RankedTensorType>(v.getType());
  int64_t extent = type.getDimSize(l.dim);
  if (extent % (ranks_ * l.blocks) != 0)
    return where->emitOpError()
           << "has a result of type " << type << " whose dimension " << l.dim
           << " (" << extent << ") is split over tp=" << ranks_
           << (l.blocks > 1 ? " in " + std::to_string(l.blocks) + " blocks"
                            : std::string())
           << ", but " << extent << " does not divide by " << ranks_ * l.blocks;
  SmallVector<int64_t> shape(type.getShape());
  shape[l.dim] /= ranks_;
  v.setType(type.clone(shape));
  layouts_[v] = l;
  return success();
}

LogicalResult Partitioner::splitParam(BlockArgument arg, Layout l,
                                      Operation *where) {
  const ModelArg *param = paramOf(arg);
  Layout now = layoutOf(arg);
  if (now.isSplit()) {
    if (now == l)
      return success();
    return error(where) << "parameter '" << param->name
                        << "' is split along dimension " << now.dim
                        << " for one use and along dimension " << l.dim
                        << " (or in other blocks) for this one";
  }
  for (Operation *user : arg.getUsers())
    if (user != where && user->isBeforeInBlock(where))
      return error(where) << "it splits parameter '" << param->name
                          << "', which '" << user->getName()
                          << "' (before it) uses whole";
  int64_t extent = param->type.getDimSize(l.dim);
  if (extent % (ranks_ * l.blocks) != 0)
    return error(where) << "parameter '" << param->name << "' (" << param->type
                        << ") is split along dimension " << l.dim << " ("
                        << extent << ")"
                        << (l.blocks > 1
                                ? " in " + std::to_string(l.blocks) + " blocks"
                                : std::string())
                        << ", which does not divide by " << ranks_ * l.blocks;
  splits_[arg.getArgNumber()] = {param->type, l};
  return setLayout(arg, l, where);
}

void Partitioner::reduceAfter(Value v) {
  OpBuilder b(v.getContext());
  b.setInsertionPointAfterValue(v);
  auto reduce =
      AllReduceOp::create(b, v.getLoc(), ValueRange{v}, Reduction::sum, axes_);
  v.replaceAllUsesExcept(reduce->getResult(0), reduce);
  reductions_.insert(reduce);
  layouts_[v] = Layout::replicated();
}

LogicalResult Partitioner::columnMatmul(MatmulOp m, int64_t blocks) {
  int64_t n = rhsDims(m).first;
  if (failed(splitParam(cast<BlockArgument>(m.getRhs()),
                        Layout::split(n, blocks), m)))
    return failure();
  fanOut(m->getOpOperand(0));
  int64_t r = cast<RankedTensorType>(m.getType()).getRank();
  return setLayout(m.getResult(), Layout::split(r - 1, blocks), m);
}

void Partitioner::fanOut(OpOperand &use) {
  Value v = use.get();
  Value &fanned = fannedOut_[v];
  if (!fanned) {
    OpBuilder b(use.getOwner());
    b.setInsertionPointAfterValue(v);
    fanned = FanOutOp::create(b, v.getLoc(), v, axes_);
  }
  use.set(fanned);
}

LogicalResult Partitioner::requireNotSplitAt(Operation *op, Value v, int64_t d,
                                             StringRef why) {
  Layout l = layoutOf(v);
  if (l.isSplit() && l.dim == d)
    return error(op) << why << " along dimension " << d
                     << ", which is split over the ranks";
  return success();
}

FailureOr<Layout> Partitioner::elementwiseRule(Operation *op) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = resultType.getRank();
  std::optional<Layout> split;
  for (Value v : op->getOperands()) {
    Layout l = layoutOf(v);
    if (!l.isSplit())
      continue;
    l.dim += rank - cast<RankedTensorType>(v.getType()).getRank();
    if (split && !(*split == l))
      return error(op) << "it combines values split differently (along "
                       << "dimensions " << split->dim << " and " << l.dim
                       << " of its result, in " << split->blocks << " and "
                       << l.blocks << " blocks)";
    split = l;
  }
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (layoutOf(v).isSplit())
      continue;
    auto type = cast<RankedTensorType>(v.getType());
    int64_t aligned = split->dim - (rank - type.getRank());
    if (aligned < 0 || type.getDimSize(aligned) == 1)
      continue;
    // A bias of split columns is split as they are.
    if (paramOf(v)) {
      if (failed(splitParam(cast<BlockArgument>(v),
                            Layout::split(aligned, split->blocks), op)))
        return failure();
      continue;
    }
    return error(op) << "operand #" << i << " (" << type
                     << ") is the same on every rank but spans dimension "
                     << split->dim << " of the result, which is split";
  }
  return *split;
}

FailureOr<Layout> Partitioner::matmulRule(MatmulOp op) {
  Layout lhs = layoutOf(op.getLhs()), rhs = layoutOf(op.getRhs());
  int64_t a = cast<RankedTensorType>(op.getLhs().getType()).getRank();
  int64_t b = cast<RankedTensorType>(op.getRhs().getType()).getRank();
  int64_t r = cast<RankedTensorType>(op.getType()).getRank();
  auto [rhsN, rhsK] = rhsDims(op);
  int64_t lhsK = lhsContracted(op);
  int64_t lhsM = op.getTransposeLhs() ? a - 1 : a - 2;
  // Row split: the lhs's columns meet the rows of a parameter, split alike;
  // each rank's product is its part of the sum, which g all-reduces.
  if (lhs.isSplit() && lhs.dim == lhsK && !rhs.isSplit() &&
      paramOf(op.getRhs())) {
    if (failed(splitParam(cast<BlockArgument>(op.getRhs()),
                          Layout::split(rhsK, lhs.blocks), op)))
      return failure();
    rhs = layoutOf(op.getRhs());
  }
  if (lhs.isSplit() && rhs.isSplit() && lhs.dim == lhsK && rhs.dim == rhsK) {
    if (lhs.blocks != rhs.blocks)
      return error(op) << "it contracts values split in " << lhs.blocks
                       << " and " << rhs.blocks << " blocks";
    return Layout::partialSum();
  }
  auto landing = [&](Layout l, bool isLhs) -> std::optional<int64_t> {
    if (!l.isSplit())
      return std::nullopt;
    if (l.dim == (isLhs ? lhsK : rhsK))
      return -1;
    if (isLhs && l.dim == lhsM)
      return r - 2;
    if (!isLhs && l.dim == rhsN)
      return r - 1;
    return r - (isLhs ? a : b) + l.dim; // a batch dimension
  };
  std::optional<int64_t> fromLhs = landing(lhs, true);
  std::optional<int64_t> fromRhs = landing(rhs, false);
  if (fromLhs && fromRhs) {
    if (*fromLhs != *fromRhs || *fromLhs >= r - 2 || lhs.blocks != rhs.blocks)
      return error(op) << "its operands are split along dimensions that "
                          "meet at different places of the product";
    return Layout::split(*fromLhs, lhs.blocks);
  }
  std::optional<int64_t> e = fromLhs ? fromLhs : fromRhs;
  Layout l = fromLhs ? lhs : rhs;
  if (*e == -1)
    return error(op) << "it contracts a value split over the ranks with one "
                        "that every rank holds whole (and is no parameter "
                        "to split alike)";
  if (*e < r - 2) {
    auto whole = cast<RankedTensorType>(fromLhs ? op.getRhs().getType()
                                                : op.getLhs().getType());
    int64_t aligned = *e - (r - whole.getRank());
    if (aligned >= 0 && whole.getDimSize(aligned) != 1)
      return error(op) << "operand " << (fromLhs ? "rhs" : "lhs") << " ("
                       << whole
                       << ") is the same on every rank but spans the split "
                          "batch dimension "
                       << *e << " of the product";
  }
  return Layout::split(*e, l.blocks);
}

FailureOr<Layout> Partitioner::reshapeRule(ReshapeOp op) {
  Layout l = layoutOf(op.getInput());
  RankedTensorType in = wholeType(op.getInput());
  auto out = cast<RankedTensorType>(op.getType());
  int64_t before = 1;
  for (int64_t d = 0; d < l.dim; ++d)
    before *= in.getDimSize(d);
  int64_t extent = in.getDimSize(l.dim);
  int64_t prefix = 1;
  for (int64_t e = 0; e < out.getRank(); ++e) {
    // Dimensions of one element before it do not move it.
    if (prefix == before && out.getDimSize(e) == 1)
      continue;
    if (prefix == before) {
      int64_t f = out.getDimSize(e);
      // The split dimension keeps its place: cut into [F, ...] (each
      // rank's block of F must be whole) or merged with the dimensions
      // after it (each rank's block carries them along).
      bool cut = f <= extent && extent % f == 0;
      bool merged = f >= extent && f % extent == 0;
      if (merged || (cut && f % (ranks_ * l.blocks) == 0))
        return Layout::split(e, l.blocks);
      if (cut)
        return error(op) << "it reshapes dimension " << l.dim << " (" << extent
                         << ", split over tp=" << ranks_
                         << (l.blocks > 1
                                 ? " in " + std::to_string(l.blocks) + " blocks"
                                 : std::string())
                         << ") into " << f << " x " << extent / f << ", and "
                         << f << " (heads, when it feeds an attention) does "
                         << "not divide by " << ranks_ * l.blocks;
      break;
    }
    prefix *= out.getDimSize(e);
    if (prefix > before)
      break;
  }
  return error(op) << "it reshapes " << in << " to " << out
                   << ", merging dimension " << l.dim
                   << " (split over the ranks) with the ones before it";
}

FailureOr<SmallVector<Layout>> Partitioner::splitOpRule(SplitOp op) {
  Layout l = layoutOf(op.getInput());
  if (op.getNormalizedAxis() != l.dim)
    return SmallVector<Layout>(op->getNumResults(), l);
  ArrayRef<int64_t> sizes = op.getSizes();
  int64_t parts = static_cast<int64_t>(sizes.size());
  if (!llvm::all_equal(sizes) || l.blocks % parts != 0)
    return error(op) << "it cuts dimension " << l.dim
                     << ", split over the ranks in " << l.blocks
                     << " blocks, into " << parts
                     << (llvm::all_equal(sizes) ? "" : " unequal")
                     << " pieces; each piece must be whole blocks";
  // Each rank cuts its piece alike: its part of every piece.
  SmallVector<int64_t> local;
  for (int64_t s : sizes)
    local.push_back(s / ranks_);
  op.setSizes(local);
  return SmallVector<Layout>(op->getNumResults(),
                             Layout::split(l.dim, l.blocks / parts));
}

FailureOr<SmallVector<Layout>> Partitioner::rule(Operation *op) {
  if (auto m = dyn_cast<MatmulOp>(op))
    return oneLayout(matmulRule(m));
  if (auto r = dyn_cast<ReshapeOp>(op))
    return oneLayout(reshapeRule(r));
  if (op->hasTrait<trait::Elementwise>())
    return oneLayout(elementwiseRule(op));
  if (auto kept = keepingLayoutRule(op, *this))
    return *kept;
  return TypeSwitch<Operation *, FailureOr<SmallVector<Layout>>>(op)
      .Case([&](TransposeOp t) -> FailureOr<SmallVector<Layout>> {
        Layout l = layoutOf(t.getInput());
        auto it = llvm::find(t.getPerm(), l.dim);
        return SmallVector<Layout>{
            Layout::split(it - t.getPerm().begin(), l.blocks)};
      })
      .Case([&](SplitOp s) { return splitOpRule(s); })
      .Case([&](AttentionOp a) {
        // Each rank attends with its heads: its query heads read its key
        // and value heads (consecutive query heads share one, so with
        // both split in order the groups stay on one rank).
        return attentionRule(a, *this, Layout::split(1),
                             "the heads (dimension 1)");
      })
      .Case([&](CacheWriteOp w) -> FailureOr<SmallVector<Layout>> {
        Layout l = layoutOf(w.getValue());
        auto cache = dyn_cast<BlockArgument>(w.getCache());
        if (!l.isSplit() || l.dim == w.getNormalizedAxis() || !cache ||
            cache.getOwner()->getParentOp() != func_)
          return error(op) << "a KV cache argument is written with values "
                              "split over the heads";
        // Each rank caches its heads' keys and values.
        if (!layoutOf(cache).isSplit() && failed(setLayout(cache, l, op)))
          return failure();
        if (!(layoutOf(cache) == l))
          return error(op) << "the cache and the value are split differently";
        return SmallVector<Layout>{l};
      })
      .Default([&](Operation *) -> FailureOr<SmallVector<Layout>> {
        return error(op) << "the tensor-parallel split has no rule for it";
      });
}

LogicalResult Partitioner::vocabEmbedding(EmbeddingOp e) {
  if (failed(
          splitParam(cast<BlockArgument>(e.getTable()), Layout::split(0), e)))
    return failure();
  OpBuilder b(e);
  reductions_.insert(
      buildVocabParallelEmbedding(b, e, ranks_, axes_).getDefiningOp());
  return success();
}

LogicalResult Partitioner::vocabCrossEntropy(SoftmaxCrossEntropyOp ce) {
  Layout l = layoutOf(ce.getLogits());
  int64_t last = cast<RankedTensorType>(ce.getLogits().getType()).getRank() - 1;
  if (!(l == Layout::split(last)) || layoutOf(ce.getLabels()).isSplit())
    return error(ce) << "a cross-entropy is split over the vocabulary (the "
                        "last dimension of its logits, in one block) or not";
  OpBuilder b(ce);
  buildVocabParallelCrossEntropy(b, ce, ranks_, axes_);
  return success();
}

Value Partitioner::gatherColumns(OpBuilder &b, Value v, Type whole) {
  // all_gather joins the ranks' pieces along dimension 0: the vocabulary
  // goes there and back.
  Location loc = v.getLoc();
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> toFront{rank - 1}, toBack;
  for (int64_t d = 0; d + 1 < rank; ++d) {
    toFront.push_back(d);
    toBack.push_back(d + 1);
  }
  toBack.push_back(0);
  Value front = TransposeOp::create(b, loc, v, toFront);
  auto frontType = cast<RankedTensorType>(front.getType());
  SmallVector<int64_t> gathered(frontType.getShape());
  gathered[0] *= ranks_;
  Value all =
      AllGatherOp::create(b, loc, frontType.clone(gathered), front, axes_);
  Value back = TransposeOp::create(b, loc, all, toBack);
  assert(back.getType() == whole && "gathered logits of the whole type");
  (void)whole;
  return back;
}

LogicalResult Partitioner::visit(Operation *op) {
  if (reductions_.contains(op) || isa<FanOutOp>(op))
    return success();
  if (auto e = dyn_cast<EmbeddingOp>(op);
      e && isTokenIds(e.getIds()) && paramOf(e.getTable()))
    return vocabEmbedding(e);
  if (auto ce = dyn_cast<SoftmaxCrossEntropyOp>(op);
      ce && layoutOf(ce.getLogits()).isSplit())
    return vocabCrossEntropy(ce);
  if (auto m = dyn_cast<MatmulOp>(op); m && !layoutOf(m.getLhs()).isSplit()) {
    // A weight split by its output features already (a tied embedding
    // table as the LM head), or one that starts a block.
    Layout w = layoutOf(m.getRhs());
    if (w.isSplit() && paramOf(m.getRhs()) && w.dim == rhsDims(m).first)
      return columnMatmul(m, w.blocks);
    if (!w.isSplit())
      if (std::optional<int64_t> blocks = columnBlocks(m))
        return columnMatmul(m, *blocks);
    if (const ModelArg *weight = paramOf(m.getRhs()); weight && !w.isSplit()) {
      auto it = decided_.find(weight->name);
      if (it != decided_.end() && it->second.second.isSplit() &&
          it->second.second.dim == rhsDims(m).first)
        return columnMatmul(m, it->second.second.blocks);
    }
  }
  bool split = llvm::any_of(op->getOperands(),
                            [&](Value v) { return layoutOf(v).isSplit(); });
  if (!split)
    return success(); // every rank computes the same
  if (isa<AllReduceOp, AllGatherOp, EinsumOp>(op))
    return error(op) << "it is already partitioned or lowered before the "
                        "split (run -mlc-lower-einsum first)";
  FailureOr<SmallVector<Layout>> results = rule(op);
  if (failed(results))
    return failure();
  // A value every rank holds that enters per-rank work (a scalar scaling
  // split features, say) gets a partial adjoint on each rank: f sums it.
  for (OpOperand &use : op->getOpOperands()) {
    Value v = use.get();
    auto type = cast<RankedTensorType>(v.getType());
    if (!layoutOf(v).isSplit() && isa<FloatType>(type.getElementType()) &&
        !v.getDefiningOp<ConstantOp>() && !v.getDefiningOp<FanOutOp>())
      fanOut(use);
  }
  for (auto [r, l] : llvm::zip(op->getResults(), *results)) {
    if (l.kind == Layout::PartialSum) {
      reduceAfter(r);
      continue;
    }
    if (failed(setLayout(r, l, op)))
      return failure();
  }
  return success();
}

LogicalResult Partitioner::run() {
  FailureOr<ModelSignature> sig = getModelSignature(func_);
  if (failed(sig))
    return failure();
  sig_ = *sig;
  if (!func_.getBody().hasOneBlock())
    return func_.emitError() << "@" << func_.getSymName()
                             << " has more than one block; inline calls first";
  Block &block = func_.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(block.without_terminator()))
    if (failed(visit(&op)))
      return failure();
  auto ret = cast<func::ReturnOp>(block.getTerminator());
  SmallVector<Type> results;
  for (OpOperand &operand : ret->getOpOperands()) {
    Layout l = layoutOf(operand.get());
    bool update = llvm::any_of(sig_.results, [&](const ModelResult &r) {
      return r.index == operand.getOperandNumber() &&
             r.kind == ModelResult::Kind::Update;
    });
    // A cache each rank holds its heads of stays so; an output is whole:
    // logits split over the vocabulary are gathered back.
    int64_t last =
        cast<RankedTensorType>(operand.get().getType()).getRank() - 1;
    if (l == Layout::split(last) && !update) {
      OpBuilder b(ret);
      operand.set(gatherColumns(
          b, operand.get(),
          func_.getFunctionType().getResult(operand.getOperandNumber())));
      l = Layout::replicated();
    }
    if (l.isSplit() && !update)
      return func_.emitError()
             << "result #" << operand.getOperandNumber() << " of @"
             << func_.getSymName() << " is split over tp along dimension "
             << l.dim << "; only whole results can be reported";
    results.push_back(operand.get().getType());
  }
  func_.setType(
      FunctionType::get(func_.getContext(), block.getArgumentTypes(), results));
  return success();
}

/// `#mlc.shard<[whole], split(D, "tp", B)>`.
ShardAttr shardAttr(MLIRContext *context, const ParamSplit &split,
                    StringAttr axis) {
  return ShardAttr::get(context, split.whole.getShape(), {axis},
                        {split.layout.dim}, {split.layout.blocks});
}

/// Checks the model's shape against tp: the heads, key/value heads and MLP
/// width of `mlc.transformer` must divide by it, which the ops would also
/// find, less plainly.
LogicalResult checkTransformer(ModuleOp module, int64_t ranks) {
  auto config = module->getAttrOfType<DictionaryAttr>(attr::kTransformer);
  if (!config)
    return success();
  for (auto [key, what] :
       {std::pair<StringRef, StringRef>{"heads", "attention heads"},
        {"kv_heads", "key/value heads"},
        {"ffn_dim", "MLP width (ffn_dim)"},
        {"vocab", "tokens of the vocabulary"}}) {
    auto value = config.getAs<IntegerAttr>(key);
    if (value && value.getInt() % ranks != 0)
      return module.emitError()
             << "tp=" << ranks << " does not divide the " << value.getInt()
             << " " << what << " of the model (mlc.transformer " << key << " = "
             << value.getInt() << "); choose a tp that divides it";
  }
  return success();
}

struct TensorParallelPass : mlc::impl::TensorParallelBase<TensorParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<MeshAttr> meshAttr = meshFromSpec(module, mesh);
    if (failed(meshAttr))
      return signalPassFailure();
    if (module->hasAttr(attr::kMesh)) {
      module.emitError() << "the module is partitioned already ("
                         << module->getAttr(attr::kMesh) << ")";
      return signalPassFailure();
    }
    module->setAttr(attr::kMesh, *meshAttr);
    int64_t ranks = axisSize(*meshAttr, "tp");
    if (ranks == 1)
      return;
    if (failed(checkTransformer(module, ranks)))
      return signalPassFailure();
    auto tp = StringAttr::get(&getContext(), "tp");
    ArrayAttr axes = ArrayAttr::get(&getContext(), {tp});
    // A parameter is one tensor for every entry point: it must be split
    // alike in all (first function that splits it, and how).
    llvm::StringMap<std::pair<func::FuncOp, Layout>> byName;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      Partitioner partitioner(func, ranks, axes, byName);
      if (failed(partitioner.run()))
        return signalPassFailure();
      for (auto &[index, split] : partitioner.splits())
        func.setArgAttr(index, attr::kShard,
                        shardAttr(&getContext(), split, tp));
      FailureOr<ModelSignature> sig = getModelSignature(func);
      if (failed(sig))
        return signalPassFailure();
      for (const ModelArg &arg : sig->args) {
        if (arg.kind != ModelArg::Kind::Param)
          continue;
        auto it = partitioner.splits().find(arg.index);
        Layout l = it == partitioner.splits().end() ? Layout::replicated()
                                                    : it->second.layout;
        auto [seen, inserted] = byName.try_emplace(arg.name, func, l);
        if (inserted || seen->second.second == l)
          continue;
        func.emitError() << "parameter '" << arg.name << "' is "
                         << (l.isSplit() ? "split over tp" : "whole") << " in @"
                         << func.getSymName() << " but "
                         << (seen->second.second.isSplit() ? "split over tp"
                                                           : "whole")
                         << (l.isSplit() && seen->second.second.isSplit()
                                 ? " differently"
                                 : "")
                         << " in @" << seen->second.first.getSymName()
                         << "; every entry point holds the same piece";
        return signalPassFailure();
      }
    }
  }
};

struct LowerFanOutPass : mlc::impl::LowerFanOutBase<LowerFanOutPass> {
  void runOnOperation() override {
    getOperation().walk([](FanOutOp op) {
      op.getResult().replaceAllUsesWith(op.getInput());
      op.erase();
    });
  }
};

} // namespace
