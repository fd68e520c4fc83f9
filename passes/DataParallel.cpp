// -mlc-data-parallel: turns every function that takes a batch into the
// program of one rank of the dp axis (SPMD): its inputs hold a block of the
// rows, the split is followed through every op (changing the types of the
// values that carry it), partial results are all-reduced and split outputs
// gathered, so that each function reports what it reported on one rank.
#include "passes/Passes.h"

#include "ir/MlcModel.h"
#include "ir/MlcOps.h"
#include "passes/Partitioning.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlc {
#define GEN_PASS_DEF_DATAPARALLEL
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace mlc {

LogicalResult parseMeshSpec(StringRef spec, MeshSpec &axes,
                            std::string &error) {
  axes.clear();
  SmallVector<StringRef> parts;
  spec.split(parts, ',', -1, /*KeepEmpty=*/true);
  for (StringRef part : parts) {
    auto [name, size] = part.trim().split('=');
    name = name.trim();
    size = size.trim();
    int64_t n = 0;
    if (name.empty() || !part.contains('=') || size.getAsInteger(10, n)) {
      error = "--mesh '" + spec.str() + "': '" + part.trim().str() +
              "' is not axis=size (e.g. --mesh dp=2)";
      return failure();
    }
    if (name != "dp" && name != "tp" && name != "pp") {
      error = "--mesh " + spec.str() + ": unknown axis '" + name.str() +
              "' (the axes are dp, tp and pp)";
      return failure();
    }
    if (n < 1 || n > (1 << 20)) {
      error = "--mesh " + spec.str() + ": " + name.str() +
              " must be at least 1 (and at most 2^20), found " + size.str();
      return failure();
    }
    for (auto &[seen, _] : axes)
      if (seen == name) {
        error =
            "--mesh " + spec.str() + ": axis " + name.str() + " is given twice";
        return failure();
      }
    axes.push_back({name.str(), n});
  }
  return success();
}

FailureOr<MeshAttr> meshFromSpec(ModuleOp module, StringRef spec) {
  MeshSpec axes;
  std::string error;
  if (failed(parseMeshSpec(spec, axes, error)))
    return module.emitError() << error;
  SmallVector<StringAttr> names;
  SmallVector<int64_t> sizes;
  for (auto &[name, size] : axes) {
    names.push_back(StringAttr::get(module.getContext(), name));
    sizes.push_back(size);
  }
  return MeshAttr::get(module.getContext(), names, sizes);
}

} // namespace mlc

namespace {

/// How a value is held by the ranks of the dp axis.
struct Layout {
  enum Kind { Replicated, Split, PartialSum, PartialMean };
  Kind kind = Replicated;
  /// Split: the dimension whose extent each rank holds 1/N of (a block of
  /// consecutive indices, at its position on the axis).
  int64_t dim = 0;

  static Layout replicated() { return {}; }
  static Layout split(int64_t dim) { return {Split, dim}; }
  bool isPartial() const { return kind == PartialSum || kind == PartialMean; }
  bool operator==(const Layout &o) const {
    return kind == o.kind && (kind != Split || dim == o.dim);
  }
};

/// Whether `op`, a collective, runs over axes other than dp alone (tensor
/// parallelism's), so that the batch passes through.
bool runsOverOtherAxes(Operation *op) {
  auto axes = op->getAttrOfType<ArrayAttr>("axes");
  return axes && llvm::none_of(axes, [](Attribute a) {
           return cast<StringAttr>(a).getValue() == "dp";
         });
}

/// Rewrites one function into the program of a rank of the dp axis.
class Partitioner : public PartitionerBase<Partitioner, Layout> {
public:
  /// Over the `axes` of a mesh (dp) with `ranks` ranks; with null `axes`,
  /// into `ranks` micro-batches that one rank computes in turn (pipeline
  /// parallelism): no collective is placed, and the results are left as
  /// each micro-batch computes them (microBatchResults says how to combine
  /// them).
  Partitioner(func::FuncOp func, int64_t ranks, ArrayAttr axes)
      : func_(func), ranks_(ranks), axes_(axes),
        over_(axes ? "dp=" + std::to_string(ranks)
                   : std::to_string(ranks) + " micro-batches") {}

  LogicalResult run();
  /// After run() without axes: how each result of one micro-batch makes
  /// the whole batch's.
  SmallVector<MicroBatchCombine> microBatchResults() const { return combines_; }

  // What keepingLayoutRule (passes/Partitioning.h) asks, with layoutOf
  // and requireWhole.
  LogicalResult requireNotSplitAt(Operation *op, Value v, int64_t d,
                                  StringRef why);
  InFlightDiagnostic error(Operation *op) {
    return op->emitOpError() << "cannot be split over " << over_ << ": ";
  }

private:
  /// Gives `v` the layout Split(dim) and its type the rank's extent there.
  LogicalResult setSplit(Value v, int64_t dim, Operation *where);
  LogicalResult visit(Operation *op);
  /// The layout of the results of an op whose operands are replicated or
  /// split (no partial values); an error at the op when the split cannot
  /// go through it.
  FailureOr<SmallVector<Layout>> splitRule(Operation *op);
  FailureOr<Layout> elementwiseRule(Operation *op);
  FailureOr<Layout> matmulRule(MatmulOp op);
  FailureOr<Layout> reshapeRule(ReshapeOp op);
  FailureOr<Layout> reduceRule(Operation *op, ArrayRef<int64_t> axes,
                               bool keepdims, Layout::Kind partial);
  /// The layout a partial operand keeps through `op` (linear in it: sums,
  /// scaling, reshapes), or nothing when `op` needs the whole value.
  std::optional<Layout> partialRule(Operation *op);
  /// All-reduces `v` (partial) into the value every rank holds.
  Value materialize(OpBuilder &b, Location loc, Value v);
  /// Reports result `v` of the function as one rank would: partial values
  /// all-reduced, split rows gathered.
  FailureOr<Value> combineResult(OpBuilder &b, Value v, unsigned index);

  func::FuncOp func_;
  int64_t ranks_;
  ArrayAttr axes_;
  std::string over_;
  SmallVector<MicroBatchCombine> combines_;
};

LogicalResult Partitioner::setSplit(Value v, int64_t dim, Operation *where) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t extent = type.getDimSize(dim);
  if (extent % ranks_ != 0)
    return where->emitOpError()
           << "has a result of type " << type << " whose dimension " << dim
           << " (" << extent << ") carries the batch but does not divide "
           << "over " << over_;
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] /= ranks_;
  v.setType(type.clone(shape));
  layouts_[v] = Layout::split(dim);
  return success();
}

LogicalResult Partitioner::requireNotSplitAt(Operation *op, Value v, int64_t d,
                                             StringRef why) {
  Layout l = layoutOf(v);
  if (l.kind == Layout::Split && l.dim == d)
    return error(op) << why << " along dimension " << d
                     << ", which holds the rows of the batch";
  return success();
}

Value Partitioner::materialize(OpBuilder &b, Location loc, Value v) {
  if (!axes_)
    return nullptr; // micro-batches: one rank cannot combine them here
  Reduction r = layoutOf(v).kind == Layout::PartialMean ? Reduction::mean
                                                        : Reduction::sum;
  Value reduced =
      AllReduceOp::create(b, loc, ValueRange{v}, r, axes_)->getResult(0);
  layouts_[reduced] = Layout::replicated();
  return reduced;
}

FailureOr<Layout> Partitioner::elementwiseRule(Operation *op) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = resultType.getRank();
  std::optional<int64_t> dim;
  for (Value v : op->getOperands()) {
    Layout l = layoutOf(v);
    if (l.kind != Layout::Split)
      continue;
    int64_t e = l.dim + rank - cast<RankedTensorType>(v.getType()).getRank();
    if (dim && *dim != e)
      return error(op) << "it combines values split along dimensions " << *dim
                       << " and " << e << " of its result";
    dim = e;
  }
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (layoutOf(v).kind != Layout::Replicated)
      continue;
    auto type = cast<RankedTensorType>(v.getType());
    int64_t aligned = *dim - (rank - type.getRank());
    if (aligned >= 0 && type.getDimSize(aligned) != 1)
      return error(op) << "operand #" << i << " (" << type
                       << ") is the same on every rank but spans dimension "
                       << *dim
                       << " of the result, which holds the rows of the batch";
  }
  return Layout::split(*dim);
}

FailureOr<Layout> Partitioner::matmulRule(MatmulOp op) {
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  int64_t a = lhsType.getRank(), b = rhsType.getRank();
  int64_t r = cast<RankedTensorType>(op.getType()).getRank();
  // Where each operand's split lands: a result dimension, or the
  // contracted one (-1).
  auto landing = [&](Layout l, bool isLhs) -> std::optional<int64_t> {
    if (l.kind != Layout::Split)
      return std::nullopt;
    int64_t rank = isLhs ? a : b;
    bool transposed = isLhs ? op.getTransposeLhs() : op.getTransposeRhs();
    int64_t outer = isLhs ? (transposed ? a - 1 : a - 2)  // M
                          : (transposed ? b - 2 : b - 1); // N
    int64_t contracted =
        isLhs ? (transposed ? a - 2 : a - 1) : (transposed ? b - 1 : b - 2);
    if (l.dim == contracted)
      return -1;
    if (l.dim == outer)
      return isLhs ? r - 2 : r - 1;
    return r - rank + l.dim; // a batch dimension
  };
  std::optional<int64_t> fromLhs = landing(layoutOf(op.getLhs()), true);
  std::optional<int64_t> fromRhs = landing(layoutOf(op.getRhs()), false);
  if (fromLhs && fromRhs) {
    if (*fromLhs == -1 && *fromRhs == -1) {
      Layout partial;
      partial.kind = Layout::PartialSum; // the sum over ranks of products
      return partial;
    }
    if (*fromLhs != *fromRhs || *fromLhs >= r - 2)
      return error(op) << "its operands are split along dimensions that "
                          "meet at different places of the product";
    return Layout::split(*fromLhs);
  }
  std::optional<int64_t> e = fromLhs ? fromLhs : fromRhs;
  if (*e == -1)
    return error(op) << "it contracts a value split over the ranks with one "
                        "that every rank holds whole";
  // A batch dimension of the whole operand must broadcast against it.
  if (*e < r - 2) {
    RankedTensorType whole = fromLhs ? rhsType : lhsType;
    int64_t aligned = *e - (r - whole.getRank());
    if (aligned >= 0 && whole.getDimSize(aligned) != 1)
      return error(op) << "operand " << (fromLhs ? "rhs" : "lhs") << " ("
                       << whole
                       << ") is the same on every rank but spans the batch "
                          "dimension "
                       << *e << " of the product";
  }
  return Layout::split(*e);
}

FailureOr<Layout> Partitioner::reshapeRule(ReshapeOp op) {
  Layout l = layoutOf(op.getInput());
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto out = cast<RankedTensorType>(op.getType());
  // The rank's rows are a block of consecutive indices along the split
  // dimension: the same block of the result's dimension e when the
  // dimensions before them hold as many elements and N divides e.
  int64_t before = 1;
  for (int64_t d = 0; d < l.dim; ++d)
    before *= in.getDimSize(d);
  int64_t prefix = 1;
  for (int64_t e = 0; e < out.getRank(); ++e) {
    if (prefix == before && out.getDimSize(e) % ranks_ == 0)
      return Layout::split(e);
    prefix *= out.getDimSize(e);
    if (prefix > before)
      break;
  }
  return error(op) << "it reshapes " << in.clone([&] {
    SmallVector<int64_t> whole(in.getShape());
    whole[l.dim] *= ranks_;
    return whole;
  }()) << " to " << out
                   << ", merging dimension " << l.dim
                   << " (the rows of the batch) with the ones before it";
}

FailureOr<Layout> Partitioner::reduceRule(Operation *op, ArrayRef<int64_t> axes,
                                          bool keepdims, Layout::Kind partial) {
  Layout l = layoutOf(op->getOperand(0));
  if (llvm::is_contained(axes, l.dim)) {
    if (partial == Layout::Replicated)
      return error(op) << "it reduces the rows of the batch, and the "
                          "maximum over ranks has no gradient";
    Layout p;
    p.kind = partial;
    return p;
  }
  int64_t e = l.dim;
  if (!keepdims)
    e -= llvm::count_if(axes, [&](int64_t a) { return a < l.dim; });
  return Layout::split(e);
}

FailureOr<SmallVector<Layout>> Partitioner::splitRule(Operation *op) {
  auto one = [](FailureOr<Layout> l) { return oneLayout(l); };
  if (op->hasTrait<trait::Elementwise>())
    return one(elementwiseRule(op));
  if (auto kept = keepingLayoutRule(op, *this))
    return *kept;
  return TypeSwitch<Operation *, FailureOr<SmallVector<Layout>>>(op)
      .Case([&](MatmulOp m) { return one(matmulRule(m)); })
      .Case<FanOutOp, AllReduceOp>(
          [&](Operation *) -> FailureOr<SmallVector<Layout>> {
            // Tensor parallelism's f and g, over tp: each dp rank's rows
            // go through them as they are.
            SmallVector<Layout> kept;
            for (Value v : op->getOperands())
              kept.push_back(layoutOf(v));
            return kept;
          })
      .Case([&](AllGatherOp g) -> FailureOr<SmallVector<Layout>> {
        // Logits gathered over tp along the vocabulary (dimension 0).
        if (failed(requireNotSplitAt(op, g.getInput(), 0,
                                     "it gathers the ranks' values")))
          return failure();
        return SmallVector<Layout>{layoutOf(g.getInput())};
      })
      .Case([&](ReshapeOp r) { return one(reshapeRule(r)); })
      .Case([&](TransposeOp t) -> FailureOr<SmallVector<Layout>> {
        int64_t d = layoutOf(t.getInput()).dim;
        auto it = llvm::find(t.getPerm(), d);
        return SmallVector<Layout>{Layout::split(it - t.getPerm().begin())};
      })
      .Case([&](ReduceSumOp r) {
        return one(reduceRule(r, r.getNormalizedAxes(), r.getKeepdims(),
                              Layout::PartialSum));
      })
      .Case([&](ReduceMeanOp r) {
        return one(reduceRule(r, r.getNormalizedAxes(), r.getKeepdims(),
                              Layout::PartialMean));
      })
      .Case([&](ReduceMaxOp r) {
        return one(reduceRule(r, r.getNormalizedAxes(), r.getKeepdims(),
                              Layout::Replicated));
      })
      .Case([&](AttentionOp a) {
        return attentionRule(a, *this, Layout::split(0),
                             "the batch (dimension 0)");
      })
      .Case([&](OneHotOp o) {
        return SmallVector<Layout>{layoutOf(o.getLabels())};
      })
      .Case([&](ArgmaxOp a) -> FailureOr<SmallVector<Layout>> {
        int64_t axis = normalizedAxis(a.getAxis(), a.getInput());
        Layout l = layoutOf(a.getInput());
        if (failed(requireNotSplitAt(op, a.getInput(), axis,
                                     "it takes the largest element")))
          return failure();
        return SmallVector<Layout>{Layout::split(l.dim - (axis < l.dim))};
      })
      .Case([&](SplitOp s) -> FailureOr<SmallVector<Layout>> {
        if (failed(requireNotSplitAt(op, s.getInput(), s.getNormalizedAxis(),
                                     "it cuts the value")))
          return failure();
        return SmallVector<Layout>(op->getNumResults(), layoutOf(s.getInput()));
      })
      .Case<MseLossOp, SoftmaxCrossEntropyOp>(
          [&](auto) -> FailureOr<SmallVector<Layout>> {
            // A mean over rows: every rank holds as many, so the mean over
            // the ranks of each rank's mean is the mean over all.
            Layout first = layoutOf(op->getOperand(0));
            if (!(layoutOf(op->getOperand(1)) == first) ||
                first.kind != Layout::Split ||
                first.dim >= cast<RankedTensorType>(op->getOperand(1).getType())
                                 .getRank())
              return error(op) << "a loss is split over the rows of both "
                                  "its operands alike";
            Layout mean;
            mean.kind = Layout::PartialMean;
            return SmallVector<Layout>{mean};
          })
      .Default([&](Operation *) -> FailureOr<SmallVector<Layout>> {
        return error(op) << "the data-parallel split has no rule for it";
      });
}

std::optional<Layout> Partitioner::partialRule(Operation *op) {
  SmallVector<Layout> in;
  for (Value v : op->getOperands())
    in.push_back(layoutOf(v));
  auto kindOf = [&](size_t i) { return in[i].kind; };
  bool whole1 = in.size() > 1 && kindOf(1) == Layout::Replicated;
  if (isa<NegOp, ReshapeOp, BroadcastToOp>(op) ||
      (isa<CastOp>(op) &&
       isa<FloatType>(cast<RankedTensorType>(op->getResult(0).getType())
                          .getElementType())))
    return in[0];
  if (isa<AddOp, SubOp>(op)) {
    // sum(a_r) + sum(b_r) and mean(a_r) + c are linear; sum(a_r) + c is not
    // (every rank would add c).
    if (in[0].isPartial() && in[0] == in[1])
      return in[0];
    for (size_t i : {0, 1})
      if (kindOf(i) == Layout::PartialMean &&
          kindOf(1 - i) == Layout::Replicated)
        return in[i];
    return std::nullopt;
  }
  if (isa<MulOp>(op)) {
    for (size_t i : {0, 1})
      if (in[i].isPartial() && kindOf(1 - i) == Layout::Replicated)
        return in[i];
    return std::nullopt;
  }
  if (isa<DivOp>(op) && in[0].isPartial() && whole1)
    return in[0];
  return std::nullopt;
}

LogicalResult Partitioner::visit(Operation *op) {
  bool distributed = llvm::any_of(op->getOperands(), [&](Value v) {
    return layoutOf(v).kind != Layout::Replicated;
  });
  if (!distributed)
    return success(); // every rank computes the same
  // Micro-batches of a rank's batch: an all-reduce over the ranks (data
  // parallelism's loss) combines each micro-batch's values elementwise, as
  // it did the batch's; rows gathered from the ranks would interleave.
  if (!axes_ && isa<AllReduceOp>(op)) {
    for (auto [in, out] : llvm::zip(op->getOperands(), op->getResults())) {
      out.setType(in.getType());
      layouts_[out] = layoutOf(in);
    }
    return success();
  }
  if (!axes_ && isa<AllGatherOp>(op))
    return error(op) << "it gathers rows from the ranks, which would "
                        "interleave with the micro-batches' rows";
  if ((isa<AllReduceOp, AllGatherOp>(op) && !runsOverOtherAxes(op)) ||
      isa<CacheWriteOp, EinsumOp>(op))
    return error(op) << "it is already partitioned, reads a KV cache or is "
                        "lowered before the split (run -mlc-lower-einsum "
                        "first)";
  bool anyPartial = llvm::any_of(
      op->getOperands(), [&](Value v) { return layoutOf(v).isPartial(); });
  if (anyPartial) {
    if (std::optional<Layout> kept = partialRule(op)) {
      for (Value r : op->getResults())
        layouts_[r] = *kept;
      return success();
    }
    // The op needs the whole value: every rank all-reduces it first.
    OpBuilder b(op);
    if (!axes_)
      return error(op) << "it needs the whole batch's value of an operand "
                          "each micro-batch computes a part of";
    for (OpOperand &use : op->getOpOperands())
      if (layoutOf(use.get()).isPartial())
        use.set(materialize(b, op->getLoc(), use.get()));
    if (llvm::none_of(op->getOperands(), [&](Value v) {
          return layoutOf(v).kind == Layout::Split;
        }))
      return success();
  }
  FailureOr<SmallVector<Layout>> results = splitRule(op);
  if (failed(results))
    return failure();
  for (auto [r, l] : llvm::zip(op->getResults(), *results)) {
    if (l.kind == Layout::Split) {
      if (failed(setSplit(r, l.dim, op)))
        return failure();
      continue;
    }
    layouts_[r] = l;
  }
  return success();
}

FailureOr<Value> Partitioner::combineResult(OpBuilder &b, Value v,
                                            unsigned index) {
  Layout l = layoutOf(v);
  if (!axes_) {
    if (l.kind == Layout::Split && l.dim != 0)
      return func_.emitError()
             << "result #" << index << " of @" << func_.getSymName()
             << " is split into micro-batches along dimension " << l.dim
             << "; only results split along their leading dimension are "
                "joined back whole";
    combines_.push_back(l.kind == Layout::Replicated   ? MicroBatchCombine::same
                        : l.kind == Layout::PartialSum ? MicroBatchCombine::sum
                        : l.kind == Layout::PartialMean
                            ? MicroBatchCombine::mean
                            : MicroBatchCombine::concat);
    return v;
  }
  if (l.kind == Layout::Replicated)
    return v;
  if (l.isPartial())
    return materialize(b, func_.getLoc(), v);
  if (l.dim != 0)
    return func_.emitError()
           << "result #" << index << " of @" << func_.getSymName()
           << " is split over dp along dimension " << l.dim
           << "; only results split along their leading dimension are "
              "gathered back whole";
  Type whole = func_.getFunctionType().getResult(index);
  Value gathered = AllGatherOp::create(b, func_.getLoc(), whole, v, axes_);
  layouts_[gathered] = Layout::replicated();
  return gathered;
}

LogicalResult Partitioner::run() {
  FailureOr<ModelSignature> sig = getModelSignature(func_);
  if (failed(sig))
    return failure();
  if (!func_.getBody().hasOneBlock())
    return func_.emitError() << "@" << func_.getSymName()
                             << " has more than one block; inline calls first";
  for (const ModelArg &arg : sig->args) {
    if (arg.kind != ModelArg::Kind::Input || arg.position)
      continue;
    int64_t rows = arg.type.getRank() ? arg.type.getDimSize(0) : 0;
    if (rows % ranks_ != 0 || rows == 0)
      return func_.emitError()
             << "@" << func_.getSymName() << " takes batches of " << rows
             << " rows ('" << arg.name << "' is " << arg.type
             << "), which do not divide over " << over_
             << "; choose a batch that is a multiple of " << ranks_;
    if (failed(setSplit(func_.getArgument(arg.index), 0, func_)))
      return failure();
  }
  Block &block = func_.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(block.without_terminator()))
    if (failed(visit(&op)))
      return failure();
  auto ret = cast<func::ReturnOp>(block.getTerminator());
  OpBuilder b(ret);
  for (OpOperand &operand : ret->getOpOperands()) {
    FailureOr<Value> combined =
        combineResult(b, operand.get(), operand.getOperandNumber());
    if (failed(combined))
      return failure();
    operand.set(*combined);
  }
  SmallVector<Type> results(func_.getFunctionType().getResults());
  if (!axes_)
    results = llvm::to_vector(ret.getOperandTypes());
  func_.setType(
      FunctionType::get(func_.getContext(), block.getArgumentTypes(), results));
  if (axes_)
    func_->setAttr(attr::kBatchAxes, axes_);
  return success();
}

/// Whether `func` takes a batch: an input that is not a position.
bool takesBatch(func::FuncOp func) {
  FailureOr<ModelSignature> sig = getModelSignature(func);
  return succeeded(sig) && llvm::any_of(sig->args, [](const ModelArg &a) {
           return a.kind == ModelArg::Kind::Input && !a.position;
         });
}

} // namespace

FailureOr<SmallVector<MicroBatchCombine>>
mlc::splitIntoMicroBatches(func::FuncOp func, int64_t parts) {
  Partitioner partitioner(func, parts, nullptr);
  if (failed(partitioner.run()))
    return failure();
  return partitioner.microBatchResults();
}

namespace {

struct DataParallelPass : mlc::impl::DataParallelBase<DataParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<MeshAttr> meshAttr = meshFromSpec(module, mesh);
    if (failed(meshAttr))
      return signalPassFailure();
    int64_t ranks = axisSize(*meshAttr, "dp");
    // -mlc-tensor-parallel, run first, records the same mesh; anything
    // else means the module was partitioned before.
    bool split = llvm::any_of(module.getOps<func::FuncOp>(), [](auto f) {
      return f->hasAttr(attr::kBatchAxes);
    });
    if (Attribute seen = module->getAttr(attr::kMesh);
        seen && (seen != *meshAttr || split)) {
      module.emitError() << "the module is partitioned already (" << seen
                         << ")";
      return signalPassFailure();
    }
    module->setAttr(attr::kMesh, *meshAttr);
    // One rank holds the whole batch: nothing to split or combine.
    if (ranks == 1)
      return;
    ArrayAttr axes =
        ArrayAttr::get(&getContext(), {StringAttr::get(&getContext(), "dp")});
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || isInferenceKind(func) || !takesBatch(func))
        continue;
      if (failed(Partitioner(func, ranks, axes).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
