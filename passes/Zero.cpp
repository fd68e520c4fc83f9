// -mlc-zero: ZeRO over the dp axis. Shards the optimizer state (stage 1),
// the gradients (stage 2) and the parameters (stage 3) of @train_step into
// flat chunks, one per rank, so that each rank updates only its chunk.
#include "passes/Passes.h"

#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlc {
#define GEN_PASS_DEF_ZERO
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kAxis = "dp";

/// How a parameter of `numel` elements is cut over `ranks`: chunks of
/// ceil(numel / ranks) elements, the last padded with zeros.
struct Chunking {
  int64_t numel = 0, chunk = 0, ranks = 1;
  int64_t padded() const { return chunk * ranks; }

  static Chunking of(RankedTensorType type, int64_t ranks) {
    int64_t numel = type.getNumElements();
    return {numel, (numel + ranks - 1) / ranks, ranks};
  }
};

/// `#mlc.shard<[whole shape], flat("dp")>`: the argument holds this rank's
/// flat chunk of a tensor of `whole`'s shape. When `piece` is already a
/// piece of a whole tensor (tensor parallelism's `split(...)`), the chunk
/// is taken from that piece: the steps compose, `split(...), flat("dp")`.
ShardAttr flatShardAttr(MLIRContext *ctx, RankedTensorType whole,
                        ShardAttr piece = nullptr) {
  if (!piece)
    return ShardAttr::get(ctx, whole.getShape(), {StringAttr::get(ctx, kAxis)},
                          {-1}, {1});
  SmallVector<StringAttr> axes(piece.getAxes());
  SmallVector<int64_t> dims(piece.getDims()), blocks(piece.getBlocks());
  axes.push_back(StringAttr::get(ctx, kAxis));
  dims.push_back(-1);
  blocks.push_back(1);
  return ShardAttr::get(ctx, piece.getShape(), axes, dims, blocks);
}

/// The per-rank chunk type of a tensor of `type` (a 1-D tensor of the
/// chunk's elements).
RankedTensorType chunkType(RankedTensorType type, const Chunking &c) {
  return RankedTensorType::get({c.chunk}, type.getElementType());
}

/// `v` flattened row-major and padded with zeros to `c.padded()` elements.
Value flatPadded(OpBuilder &b, Location loc, Value v, const Chunking &c) {
  auto type = cast<RankedTensorType>(v.getType());
  Value flat = buildReshape(b, loc, v, {c.numel});
  if (c.padded() == c.numel)
    return flat;
  Value zeros = buildZeros(
      b, loc,
      RankedTensorType::get({c.padded() - c.numel}, type.getElementType()));
  return ConcatOp::create(b, loc, ValueRange{flat, zeros}, 0);
}

/// This rank's chunk of `v` (no communication): part c of its padded flat
/// form, c the rank's position on dp.
Value rankChunk(OpBuilder &b, Location loc, Value v, const Chunking &c,
                ArrayAttr axes) {
  Value flat = flatPadded(b, loc, v, c);
  auto type = cast<RankedTensorType>(v.getType());
  return AllSliceOp::create(b, loc, chunkType(type, c), flat, axes);
}

/// The whole tensor of `whole`'s type from every rank's chunk: gathered,
/// the padding cut off, reshaped.
Value gatherWhole(OpBuilder &b, Location loc, Value chunk,
                  RankedTensorType whole, const Chunking &c, ArrayAttr axes) {
  Value flat = AllGatherOp::create(
      b, loc, RankedTensorType::get({c.padded()}, whole.getElementType()),
      chunk, axes);
  if (c.padded() != c.numel)
    flat = SliceOp::create(
        b, loc, RankedTensorType::get({c.numel}, whole.getElementType()), flat,
        0, 0, c.numel);
  return buildReshape(b, loc, flat, whole.getShape());
}

/// Gathers the whole tensor of `whole`'s type from the chunks `chunk`
/// right before the first of `uses` (operands reading the tensor, in one
/// block) and makes them read it.
void gatherBeforeFirstUse(Value chunk, ArrayRef<OpOperand *> uses,
                          RankedTensorType whole, const Chunking &c,
                          ArrayAttr axes) {
  if (uses.empty())
    return;
  Operation *first = uses.front()->getOwner();
  for (OpOperand *use : uses)
    if (use->getOwner()->isBeforeInBlock(first))
      first = use->getOwner();
  OpBuilder b(first);
  Value gathered = gatherWhole(b, first->getLoc(), chunk, whole, c, axes);
  for (OpOperand *use : uses)
    use->set(gathered);
}

/// One parameter that @train_step updates: its argument, its update, its
/// optimizer state (argument and update of each), its reduced gradient
/// and the ops of the optimizer that compute the updates from them.
struct Update {
  /// Valid while the signature it points into is (ZeroStep::run).
  const ModelArg *param = nullptr;
  std::string name;
  unsigned result = 0;
  SmallVector<std::pair<unsigned, unsigned>> states; // (argument, result)
  /// The all-reduce (sum over dp) of the gradient, and its result index.
  AllReduceOp reduce;
  unsigned reduceIndex = 0;
  /// The optimizer's ops, in block order.
  SmallVector<Operation *> ops;
  Chunking chunking;
  /// The piece of a whole tensor the parameter is before ZeRO (tensor
  /// parallelism's), or null.
  ShardAttr piece;
};

class ZeroStep {
public:
  ZeroStep(func::FuncOp func, int64_t stage, int64_t ranks, ArrayAttr axes)
      : func_(func), stage_(stage), ranks_(ranks), axes_(axes) {}

  LogicalResult run();
  /// The parameters sharded (stage 3), by name.
  llvm::StringSet<> shardedParams() const {
    llvm::StringSet<> names;
    for (const Update &u : updates_)
      names.insert(u.name);
    return names;
  }

private:
  LogicalResult findUpdates(const ModelSignature &sig);
  /// The optimizer ops of `u`: the updates' producers back to the
  /// gradient's all-reduce, the parameter, its state and scalars.
  LogicalResult collectOptimizer(Update &u);
  /// The gradient's chunk: an all_slice of the all-reduced gradient
  /// (stage 1) or a reduce_scatter in place of the all-reduce (2, 3).
  Value gradientChunk(Update &u);
  /// Reads of the reduced gradient outside the optimizer: the squares of
  /// clipping's global norm, summed from the chunks instead.
  LogicalResult shardSquares(Update &u, ArrayRef<Operation *> readers,
                             Value whole, Value chunk);
  /// The optimizer's ops again on the chunks, the old ones erased.
  void shardOptimizer(Update &u, Value paramChunk, Value gradChunk);
  /// Stage 3: the parameter argument holds its chunk; forward and backward
  /// each gather it before their first use.
  void shardParameter(Update &u, Value &chunk);
  /// The all-reduce that completes the global norm of clipping.
  LogicalResult reduceNormOverRanks();

  InFlightDiagnostic error(Operation *op) {
    return op->emitOpError()
           << "cannot be sharded by -mlc-zero (stage " << stage_ << "): ";
  }

  func::FuncOp func_;
  int64_t stage_, ranks_;
  ArrayAttr axes_;
  SmallVector<Update> updates_;
  /// Each rank's sums of squares of its gradient chunks (clipping).
  SmallVector<Value> squareSums_;
  /// Where the forward pass ends: the op computing the loss.
  Operation *lossOp_ = nullptr;
  /// Parameters two pipeline stages hold, left whole.
  SmallVector<std::string> keptWhole_;
};

LogicalResult ZeroStep::findUpdates(const ModelSignature &sig) {
  auto ret = cast<func::ReturnOp>(func_.getBody().front().getTerminator());
  llvm::StringMap<unsigned> resultByName;
  for (const ModelResult &r : sig.results)
    if (r.kind == ModelResult::Kind::Update)
      resultByName[r.name] = r.index;
  for (const ModelArg &a : sig.args) {
    if (a.kind != ModelArg::Kind::Param || a.frozen)
      continue;
    auto it = resultByName.find(a.name);
    if (it == resultByName.end())
      continue; // no gradient: not updated
    // A parameter two pipeline stages hold (a tied embedding) is updated
    // whole by one, which sends the update to the other: both keep it
    // whole.
    Value update = ret.getOperand(it->second);
    if (update.getDefiningOp<RecvOp>() ||
        llvm::any_of(update.getUsers(),
                     [](Operation *user) { return isa<SendOp>(user); })) {
      keptWhole_.push_back(a.name);
      continue;
    }
    Update u;
    u.piece = func_.getArgAttrOfType<ShardAttr>(a.index, attr::kShard);
    u.param = &a;
    u.name = a.name;
    u.result = it->second;
    u.chunking = Chunking::of(a.type, ranks_);
    std::string prefix = a.name + ".";
    for (const ModelArg &s : sig.args)
      if (s.kind == ModelArg::Kind::State && !s.counter &&
          StringRef(s.name).starts_with(prefix)) {
        // The accumulated gradient (gradient accumulation's
        // @apply_grads) is the gradient's source, not optimizer state; it
        // stays whole.
        if (s.accumulator)
          continue;
        auto r = resultByName.find(s.name);
        if (r == resultByName.end() || s.type != a.type)
          return func_.emitError()
                 << "optimizer state '" << s.name << "' of '" << a.name
                 << "' is not updated as a tensor of the parameter's type";
        u.states.push_back({s.index, r->second});
      }
    updates_.push_back(std::move(u));
  }
  return success();
}

LogicalResult ZeroStep::collectOptimizer(Update &u) {
  auto ret = cast<func::ReturnOp>(func_.getBody().front().getTerminator());
  RankedTensorType shape = u.param->type;
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> work;
  work.push_back(ret.getOperand(u.result));
  for (auto [arg, result] : u.states)
    work.push_back(ret.getOperand(result));
  while (!work.empty()) {
    Value v = work.pop_back_val();
    auto type = cast<RankedTensorType>(v.getType());
    if (isa<BlockArgument>(v) || type.getRank() == 0)
      continue; // the parameter, its state, or a scalar (lr, step, clip)
    Operation *def = v.getDefiningOp();
    if (auto reduce = dyn_cast<AllReduceOp>(def)) {
      if (reduce.getReduction() != Reduction::sum ||
          reduce.getAxes() != axes_ || type != shape)
        return error(def) << "the gradient of '" << u.param->name
                          << "' is expected to be an all-reduce (sum) over "
                             "dp of its type";
      if (u.reduce && (u.reduce != reduce ||
                       cast<OpResult>(v).getResultNumber() != u.reduceIndex))
        return error(def) << "'" << u.param->name
                          << "' is updated from two gradients";
      u.reduce = reduce;
      u.reduceIndex = cast<OpResult>(v).getResultNumber();
      continue;
    }
    if (!def->hasTrait<trait::Elementwise>() ||
        type.getShape() != shape.getShape())
      return error(def) << "the optimizer's update of '" << u.param->name
                        << "' reads its result, which is neither elementwise "
                           "on tensors of the parameter's shape "
                        << shape
                        << " and scalars nor the gradient's all-reduce over "
                           "dp (run -mlc-data-parallel before "
                           "-mlc-train-step)";
    if (!ops.insert(def))
      continue;
    for (Value operand : def->getOperands()) {
      auto t = cast<RankedTensorType>(operand.getType());
      if (t.getRank() != 0 && t.getShape() != shape.getShape())
        return error(def) << "the optimizer's update of '" << u.param->name
                          << "' reads a " << t
                          << ", neither of the parameter's shape nor a "
                             "scalar";
      work.push_back(operand);
    }
  }
  if (!u.reduce)
    return func_.emitError()
           << "-mlc-zero found no all-reduced gradient of '" << u.param->name
           << "' in @train_step; run -mlc-data-parallel "
              "before -mlc-train-step";
  u.ops = ops.takeVector();
  llvm::sort(u.ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  // The optimizer's values are read by the optimizer and the return only.
  for (Operation *op : u.ops)
    for (Operation *user : op->getUsers())
      if (!isa<func::ReturnOp>(user) && !llvm::is_contained(u.ops, user))
        return error(user) << "it reads a value of the optimizer's update of '"
                           << u.param->name << "'";
  return success();
}

Value ZeroStep::gradientChunk(Update &u) {
  Location loc = u.reduce.getLoc();
  Value whole = u.reduce.getResult(u.reduceIndex);
  if (stage_ == 1) {
    OpBuilder b(u.reduce->getContext());
    b.setInsertionPointAfter(u.reduce);
    return rankChunk(b, loc, whole, u.chunking, axes_);
  }
  // The all-reduce becomes a reduce-scatter of the padded flat gradient.
  OpBuilder b(u.reduce);
  Value local = u.reduce.getInputs()[u.reduceIndex];
  Value flat = flatPadded(b, loc, local, u.chunking);
  return buildReduceScatter(b, loc, ValueRange{flat}, Reduction::sum, axes_,
                            ranks_)
      .front();
}

LogicalResult ZeroStep::shardSquares(Update &u, ArrayRef<Operation *> readers,
                                     Value whole, Value chunk) {
  for (Operation *user : readers) {
    auto mul = dyn_cast<MulOp>(user);
    auto sum = mul && mul.getLhs() == whole && mul.getRhs() == whole &&
                       mul->hasOneUse()
                   ? dyn_cast<ReduceSumOp>(*mul->getUsers().begin())
                   : ReduceSumOp();
    if (!sum || cast<RankedTensorType>(sum.getType()).getRank() != 0)
      return error(user) << "it reads the reduced gradient of '"
                         << u.param->name
                         << "', which each rank holds only a chunk of (only "
                            "the squares of clipping's norm may)";
    OpBuilder b(mul);
    Value squares = MulOp::create(b, mul.getLoc(), chunk, chunk);
    Value partial = ReduceSumOp::create(b, sum.getLoc(), squares,
                                        ArrayRef<int64_t>{0}, false);
    sum.getResult().replaceAllUsesWith(partial);
    squareSums_.push_back(partial);
    sum.erase();
    mul.erase();
  }
  return success();
}

void ZeroStep::shardOptimizer(Update &u, Value paramChunk, Value gradChunk) {
  Block &block = func_.getBody().front();
  IRMapping mapping;
  Value grad = u.reduce.getResult(u.reduceIndex);
  mapping.map(grad, gradChunk);
  mapping.map(func_.getArgument(u.param->index), paramChunk);
  for (auto [arg, result] : u.states) {
    BlockArgument state = block.getArgument(arg);
    state.setType(chunkType(u.param->type, u.chunking));
    func_.setArgAttr(arg, attr::kShard,
                     flatShardAttr(func_.getContext(), u.param->type, u.piece));
  }
  for (Operation *op : u.ops) {
    OpBuilder b(op);
    Operation *clone = b.clone(*op, mapping);
    for (Value r : clone->getResults()) {
      auto type = cast<RankedTensorType>(r.getType());
      r.setType(
          RankedTensorType::get({u.chunking.chunk}, type.getElementType()));
    }
  }
  auto ret = cast<func::ReturnOp>(block.getTerminator());
  Value newParam = mapping.lookupOrDefault(ret.getOperand(u.result));
  if (stage_ < 3) {
    OpBuilder b(ret);
    newParam = gatherWhole(b, ret.getLoc(), newParam, u.param->type, u.chunking,
                           axes_);
  }
  ret.setOperand(u.result, newParam);
  for (auto [arg, result] : u.states)
    ret.setOperand(result, mapping.lookupOrDefault(ret.getOperand(result)));
  for (Operation *op : llvm::reverse(u.ops))
    op->erase();
}

void ZeroStep::shardParameter(Update &u, Value &chunk) {
  BlockArgument arg = func_.getArgument(u.param->index);
  SmallVector<OpOperand *> forward, backward;
  for (OpOperand &use : arg.getUses()) {
    Operation *user = use.getOwner();
    if (isa<func::ReturnOp>(user) || llvm::is_contained(u.ops, user))
      continue;
    bool inForward = !lossOp_ || !lossOp_->isBeforeInBlock(user);
    (inForward ? forward : backward).push_back(&use);
  }
  arg.setType(chunkType(u.param->type, u.chunking));
  func_.setArgAttr(u.param->index, attr::kShard,
                   flatShardAttr(func_.getContext(), u.param->type, u.piece));
  // Each pass gathers the whole parameter right before its first use, so
  // that the forward pass's copy is dead before the backward pass's.
  gatherBeforeFirstUse(arg, forward, u.param->type, u.chunking, axes_);
  gatherBeforeFirstUse(arg, backward, u.param->type, u.chunking, axes_);
  chunk = arg;
}

LogicalResult ZeroStep::reduceNormOverRanks() {
  if (squareSums_.empty())
    return success();
  // The total is all-reduced over dp: the squares of a gradient every rank
  // holds whole would count once per rank.
  if (!keptWhole_.empty())
    return func_.emitError()
           << "-mlc-zero with clipping: '" << keptWhole_.front()
           << "' is held by two pipeline stages and stays whole, so its "
              "squares cannot join the chunks' sum over dp; train without "
              "clip, or untie it";
  // Clipping adds the chunks' squares into one scalar: the first value
  // that holds every one of them is this rank's part of what the ranks of
  // dp hold together, all-reduced there. (Before its square root; or, in
  // a pipeline stage, before the sum goes to the stage that takes the
  // root, which adds the other stages' sums, reduced alike.)
  Block &block = func_.getBody().front();
  llvm::DenseMap<Value, llvm::BitVector> holds;
  for (auto [i, v] : llvm::enumerate(squareSums_)) {
    llvm::BitVector bits(squareSums_.size());
    bits.set(i);
    holds[v] = bits;
  }
  Value part;
  for (Operation &op : block.without_terminator()) {
    llvm::BitVector bits(squareSums_.size());
    for (Value operand : op.getOperands())
      if (auto it = holds.find(operand); it != holds.end())
        bits |= it->second;
    if (bits.none())
      continue;
    for (Value r : op.getResults()) {
      llvm::BitVector &mine = holds[r];
      if (mine.empty())
        mine = bits;
      else
        mine |= bits;
      if (mine.all() && !part &&
          cast<RankedTensorType>(r.getType()).getRank() == 0)
        part = r;
    }
    if (part)
      break;
  }
  if (squareSums_.size() == 1)
    part = squareSums_.front();
  if (!part)
    return squareSums_.front().getDefiningOp()->emitOpError()
           << "sums the squares of a gradient chunk for clipping's global "
              "norm, but -mlc-zero found no scalar that adds them all";
  OpBuilder b(block.getParentOp()->getContext());
  b.setInsertionPointAfterValue(part);
  auto total = AllReduceOp::create(b, part.getLoc(), ValueRange{part},
                                   Reduction::sum, axes_);
  part.replaceAllUsesExcept(total->getResult(0), total);
  return success();
}

LogicalResult ZeroStep::run() {
  FailureOr<ModelSignature> sig = getModelSignature(func_);
  if (failed(sig) || failed(findUpdates(*sig)))
    return failure();
  Block &block = func_.getBody().front();
  auto ret = cast<func::ReturnOp>(block.getTerminator());
  for (const ModelResult &r : sig->results)
    if (r.kind == ModelResult::Kind::Output) {
      lossOp_ = ret.getOperand(r.index).getDefiningOp();
      break;
    }
  for (Update &u : updates_)
    if (failed(collectOptimizer(u)))
      return failure();
  llvm::SmallPtrSet<Operation *, 16> reduces;
  for (Update &u : updates_) {
    Value whole = u.reduce.getResult(u.reduceIndex);
    llvm::SetVector<Operation *> readers;
    for (Operation *user : whole.getUsers())
      if (!llvm::is_contained(u.ops, user))
        readers.insert(user);
    Value gradChunk = gradientChunk(u);
    if (failed(shardSquares(u, readers.getArrayRef(), whole, gradChunk)))
      return failure();
    Value paramChunk;
    if (stage_ == 3) {
      shardParameter(u, paramChunk);
    } else {
      OpBuilder b(u.ops.front());
      paramChunk =
          rankChunk(b, u.ops.front()->getLoc(),
                    func_.getArgument(u.param->index), u.chunking, axes_);
    }
    shardOptimizer(u, paramChunk, gradChunk);
    if (stage_ >= 2)
      reduces.insert(u.reduce);
  }
  // Stages 2 and 3 reduce-scattered the gradients: their all-reduces have
  // no readers left.
  for (Operation *op : reduces)
    if (op->use_empty())
      op->erase();
  if (failed(reduceNormOverRanks()))
    return failure();
  func_.setType(FunctionType::get(func_.getContext(), block.getArgumentTypes(),
                                  ret.getOperandTypes()));
  return success();
}

/// Stage 3 in a function other than the train step (an eval): each
/// parameter argument the train step shards (`sharded`, by name) holds its
/// chunk, gathered whole before its first use.
void gatherParameters(func::FuncOp func, const ModelSignature &sig,
                      const llvm::StringSet<> &sharded, int64_t ranks,
                      ArrayAttr axes) {
  Block &block = func.getBody().front();
  for (const ModelArg &a : sig.args) {
    if (a.kind != ModelArg::Kind::Param || !sharded.contains(a.name))
      continue;
    BlockArgument arg = block.getArgument(a.index);
    Chunking c = Chunking::of(a.type, ranks);
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : arg.getUses())
      uses.push_back(&use);
    auto piece = func.getArgAttrOfType<ShardAttr>(a.index, attr::kShard);
    arg.setType(chunkType(a.type, c));
    func.setArgAttr(a.index, attr::kShard,
                    flatShardAttr(func.getContext(), a.type, piece));
    gatherBeforeFirstUse(arg, uses, a.type, c, axes);
  }
  func.setType(FunctionType::get(func.getContext(), block.getArgumentTypes(),
                                 func.getFunctionType().getResults()));
}

struct ZeroPass : mlc::impl::ZeroBase<ZeroPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (stage < 0 || stage > 3) {
      module.emitError() << "-mlc-zero: stage must be 0, 1, 2 or 3, found "
                         << static_cast<int64_t>(stage);
      return signalPassFailure();
    }
    if (stage == 0)
      return;
    MeshAttr mesh = getMesh(module);
    std::optional<unsigned> axis =
        mesh ? mesh.axisIndex(kAxis) : std::optional<unsigned>();
    if (!axis) {
      module.emitError()
          << "-mlc-zero shards over the dp axis of the module's mesh, and "
          << (mesh ? "the mesh has none" : "the module has no mesh")
          << "; compile with --mesh dp=N (-mlc-data-parallel)";
      return signalPassFailure();
    }
    ArrayAttr axes =
        ArrayAttr::get(&getContext(), {StringAttr::get(&getContext(), kAxis)});
    int64_t ranks = mesh.groupSize(axes);
    func::FuncOp train;
    for (auto func : module.getOps<func::FuncOp>()) {
      auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
      if (!kind)
        continue;
      // With gradient accumulation the optimizer runs in @apply_grads, on
      // the accumulated gradients' all-reduce.
      if (kind.getValue() == kTrainKind || kind.getValue() == kApplyKind)
        train = func;
    }
    if (!train) {
      module.emitError() << "-mlc-zero shards the train step, and the module "
                            "has none; run -mlc-train-step first";
      return signalPassFailure();
    }
    // Over one rank every chunk is the whole tensor.
    if (ranks == 1)
      return;
    ZeroStep step(train, stage, ranks, axes);
    if (failed(step.run()))
      return signalPassFailure();
    if (stage < 3)
      return;
    llvm::StringSet<> sharded = step.shardedParams();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func == train || func.isExternal())
        continue;
      FailureOr<ModelSignature> sig = getModelSignature(func);
      if (failed(sig))
        return signalPassFailure();
      gatherParameters(func, *sig, sharded, ranks, axes);
    }
  }
};

} // namespace
