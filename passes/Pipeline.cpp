// Pipeline parallelism: -mlc-pipeline cuts the model function into stages
// and unrolls it over micro-batches (before the train step is built);
// -mlc-pipeline-split orders every entry point as its schedule runs and
// splits it into one program per stage, joined by sends and receives.
//
// The two halves meet through op attributes: every forward op carries its
// stage and micro-batch, and reverse mode gives the ops of an op's
// gradient the same placement (passes/ReverseMode.cpp), so the backward
// pass of a stage is known without tracking it here. Ops the train step
// adds without a placement (gradient all-reduces, the optimizer) follow
// their placed operands.
#include "passes/Partitioning.h"
#include "passes/Passes.h"

#include "ir/Build.h"
#include "ir/Cost.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <tuple>

namespace mlc {
#define GEN_PASS_DEF_PIPELINE
#define GEN_PASS_DEF_PIPELINESPLIT
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kAxis = "pp";

/// The size of the pp axis of the module's mesh (1 without one).
int64_t stagesOf(ModuleOp module) {
  MeshAttr mesh = getMesh(module);
  if (!mesh)
    return 1;
  std::optional<unsigned> axis = mesh.axisIndex(kAxis);
  return axis ? mesh.getSizes()[*axis] : 1;
}

uint64_t bytesOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return 0;
  unsigned bits = tensor.getElementTypeBitWidth();
  return static_cast<uint64_t>(tensor.getNumElements()) * ((bits + 7) / 8);
}

IntegerAttr indexAttr(MLIRContext *ctx, int64_t value) {
  return IntegerAttr::get(IntegerType::get(ctx, 64), value);
}

std::optional<int64_t> stageOfOp(Operation *op) {
  if (auto stage = op->getAttrOfType<IntegerAttr>(attr::kStage))
    return stage.getInt();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// -mlc-pipeline
//===----------------------------------------------------------------------===//

struct PipelinePass : mlc::impl::PipelineBase<PipelinePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t stages = stagesOf(module);
    if (stages < 2) {
      module.emitError() << "-mlc-pipeline needs a module mesh with a pp axis "
                            "of at least 2 stages (mesh=pp=2)";
      return signalPassFailure();
    }
    if (schedule != "gpipe" && schedule != "1f1b") {
      module.emitError() << "pipeline schedule '" << schedule
                         << "' is not gpipe or 1f1b";
      return signalPassFailure();
    }
    if (microBatches < 1) {
      module.emitError() << "micro-batches must be at least 1, got "
                         << static_cast<int64_t>(microBatches);
      return signalPassFailure();
    }
    auto model = module.lookupSymbol<func::FuncOp>(funcName);
    if (!model) {
      module.emitError() << "no model function @" << funcName;
      return signalPassFailure();
    }
    if (!model.getBody().hasOneBlock() || model.getNumResults() == 0) {
      model.emitError() << "a model function has one block and returns its "
                           "loss first";
      return signalPassFailure();
    }
    llvm::DenseMap<Operation *, int64_t> stageOf;
    if (failed(cut(model, stages, stageOf)))
      return signalPassFailure();
    // Where each parameter (by name) is read in the model function.
    FailureOr<ModelSignature> sig = getModelSignature(model);
    if (failed(sig))
      return signalPassFailure();
    llvm::StringMap<SmallVector<int64_t>> paramStages;
    for (const ModelArg &a : sig->args) {
      if (a.kind == ModelArg::Kind::Input)
        continue;
      SmallVector<int64_t> &where = paramStages[a.name];
      for (Operation *user : model.getArgument(a.index).getUsers())
        if (auto it = stageOf.find(user); it != stageOf.end())
          where.push_back(it->second);
      llvm::sort(where);
      where.erase(std::unique(where.begin(), where.end()), where.end());
    }
    for (auto func :
         llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (func == model || func.isExternal())
        continue;
      if (isInferenceKind(func)) {
        func.emitWarning() << "pipeline parallelism leaves out @"
                           << func.getSymName()
                           << ": generation does not run over pipeline stages";
        func.erase();
        continue;
      }
      // An eval function (chosen or not) reads the parameters on the
      // stages that train them.
      if (failed(placeByOperands(func, paramStages)))
        return signalPassFailure();
    }
    if (failed(unroll(model, *sig, stageOf)))
      return signalPassFailure();
    Builder b(module.getContext());
    module->setAttr(
        attr::kPipeline,
        b.getDictionaryAttr(
            {b.getNamedAttr("micro_batches", b.getI64IntegerAttr(microBatches)),
             b.getNamedAttr("schedule", b.getStringAttr(schedule)),
             b.getNamedAttr("stages", b.getI64IntegerAttr(stages))}));
  }

  /// Cuts the ops of `model` into `stages` contiguous runs (stageOf). Cut k
  /// lies within a quarter of a stage's FLOPs of k/K of the total, at the
  /// position the fewest bytes of values cross; the nearest position when
  /// no position is that close.
  LogicalResult cut(func::FuncOp model, int64_t stages,
                    llvm::DenseMap<Operation *, int64_t> &stageOf) {
    Block &body = model.getBody().front();
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    size_t n = ops.size();
    llvm::DenseMap<Operation *, size_t> position;
    for (auto [i, op] : llvm::enumerate(ops))
      position[op] = i;
    std::vector<double> prefix(n + 1, 0.0);
    for (size_t i = 0; i < n; ++i)
      prefix[i + 1] = prefix[i] + static_cast<double>(countFlops(ops[i]));
    double total = prefix[n];
    size_t computing =
        llvm::count_if(ops, [](Operation *op) { return countFlops(op) > 0; });
    if (computing < static_cast<size_t>(stages))
      return model.emitError() << "@" << model.getSymName() << " has "
                               << computing << " ops that compute, too few for "
                               << stages << " pipeline stages";
    // crossing[p]: bytes of the values ops before p compute and ops from p
    // on (or the return) read.
    std::vector<double> delta(n + 2, 0.0);
    for (auto [i, op] : llvm::enumerate(ops))
      for (Value r : op->getResults()) {
        size_t last = i;
        for (Operation *user : r.getUsers()) {
          Operation *inBlock = body.findAncestorOpInBlock(*user);
          size_t at =
              inBlock && position.count(inBlock) ? position.lookup(inBlock) : n;
          last = std::max(last, at);
        }
        if (last > i) {
          delta[i + 1] += static_cast<double>(bytesOf(r.getType()));
          delta[last + 1] -= static_cast<double>(bytesOf(r.getType()));
        }
      }
    std::vector<double> crossing(n + 1, 0.0);
    double running = 0;
    for (size_t p = 0; p <= n; ++p) {
      running += delta[p];
      crossing[p] = running;
    }
    double share = total / static_cast<double>(stages);
    SmallVector<size_t> cuts = {0};
    for (int64_t k = 1; k < stages; ++k) {
      double target = share * static_cast<double>(k);
      // Leave every later stage an op that computes: stage k starts after
      // the previous cut's first computing op and early enough.
      size_t lo = cuts.back() + 1, hi = n;
      size_t needed = static_cast<size_t>(stages - k);
      for (size_t p = n, seen = 0; p > 0; --p) {
        if (countFlops(ops[p - 1]) > 0 && ++seen == needed) {
          hi = p - 1;
          break;
        }
      }
      while (lo <= hi && prefix[lo] <= prefix[cuts.back()])
        ++lo; // the previous stage computes something
      if (lo > hi)
        return model.emitError()
               << "cannot cut @" << model.getSymName() << " into " << stages
               << " pipeline stages that each compute";
      size_t best = lo;
      bool bestClose = false;
      for (size_t p = lo; p <= hi; ++p) {
        double distance = std::abs(prefix[p] - target);
        bool close = distance <= 0.25 * share;
        double bestDistance = std::abs(prefix[best] - target);
        bool better =
            close ? (!bestClose || crossing[p] < crossing[best] ||
                     (crossing[p] == crossing[best] && distance < bestDistance))
                  : (!bestClose && distance < bestDistance);
        if (better) {
          best = p;
          bestClose = close;
        }
      }
      cuts.push_back(best);
    }
    cuts.push_back(n);
    for (int64_t k = 0; k < stages; ++k)
      for (size_t i = cuts[k]; i < cuts[k + 1]; ++i)
        stageOf[ops[i]] = k;
    return success();
  }

  /// Places the ops of `func` (an eval function, no micro-batches): an op
  /// runs on the latest stage its operands come from, and one that reads a
  /// parameter on the first stage at or after that which holds it.
  LogicalResult
  placeByOperands(func::FuncOp func,
                  const llvm::StringMap<SmallVector<int64_t>> &paramStages) {
    FailureOr<ModelSignature> sig = getModelSignature(func);
    if (failed(sig))
      return failure();
    llvm::DenseMap<Value, const ModelArg *> argOf;
    for (const ModelArg &a : sig->args)
      argOf[func.getArgument(a.index)] = &a;
    MLIRContext *ctx = func.getContext();
    for (Operation &op : func.getBody().front().without_terminator()) {
      int64_t stage = -1;
      for (Value v : op.getOperands())
        if (Operation *def = v.getDefiningOp())
          if (std::optional<int64_t> s = stageOfOp(def))
            stage = std::max(stage, *s);
      for (Value v : op.getOperands()) {
        const ModelArg *a = argOf.lookup(v);
        if (!a || a->kind == ModelArg::Kind::Input)
          continue;
        auto it = paramStages.find(a->name);
        if (it == paramStages.end() || it->second.empty())
          return op.emitError()
                 << "reads '" << a->name << "', which the model function "
                 << "does not read: its pipeline stage is unknown";
        const SmallVector<int64_t> &holders = it->second;
        const int64_t *at =
            llvm::lower_bound(holders, std::max<int64_t>(stage, 0));
        stage = std::max(stage, at == holders.end() ? holders.back() : *at);
      }
      if (stage >= 0)
        op.setAttr(attr::kStage, indexAttr(ctx, stage));
    }
    return success();
  }

  /// Unrolls `model` over the micro-batches: one micro-batch's computation
  /// (the model split as -mlc-data-parallel splits a batch, with its rules
  /// and errors) is cloned once per part of the inputs, its ops carrying
  /// their stage and micro-batch, and the results combine the parts' (the
  /// mean of means, the sum of sums, rows concatenated). The parts are
  /// cloned last one first, so that reverse mode, which visits ops from the
  /// end, builds the first micro-batch's backward pass first and sums a
  /// parameter's gradient over the micro-batches in their order.
  LogicalResult unroll(func::FuncOp model, const ModelSignature &sig,
                       const llvm::DenseMap<Operation *, int64_t> &stageOf) {
    MLIRContext *ctx = model.getContext();
    Block &body = model.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    int64_t m = microBatches;
    for (auto &[op, stage] : stageOf)
      op->setAttr(attr::kStage, indexAttr(ctx, stage));
    if (m == 1) {
      for (auto &[op, stage] : stageOf)
        op->setAttr(attr::kMicro, indexAttr(ctx, 0));
      return success();
    }
    // One micro-batch, in a function of its own while it is built.
    OpBuilder b(model);
    b.setInsertionPointAfter(model);
    // It keeps the model's name (for its errors); it is gone before the
    // pass ends.
    auto micro = cast<func::FuncOp>(b.clone(*model));
    llvm::scope_exit eraseMicro([&] { micro.erase(); });
    FailureOr<SmallVector<MicroBatchCombine>> combines =
        splitIntoMicroBatches(micro, m);
    if (failed(combines))
      return failure();
    // Ops the split added (none today) run on their operands' stage.
    for (Operation &op : micro.getBody().front().without_terminator())
      if (!op.hasAttr(attr::kStage)) {
        int64_t stage = 0;
        for (Value v : op.getOperands())
          if (Operation *def = v.getDefiningOp())
            stage = std::max(stage, stageOfOp(def).value_or(0));
        op.setAttr(attr::kStage, indexAttr(ctx, stage));
      }

    SmallVector<Operation *> original;
    for (Operation &op : body.without_terminator())
      original.push_back(&op);
    Block &part = micro.getBody().front();
    auto partRet = cast<func::ReturnOp>(part.getTerminator());
    b.setInsertionPoint(ret);
    SmallVector<SmallVector<Value>> parts(m);
    for (int64_t i = m - 1; i >= 0; --i) {
      IRMapping mapping;
      for (const ModelArg &a : sig.args) {
        Value arg = model.getArgument(a.index);
        Value inPart = part.getArgument(a.index);
        if (arg.getType() == inPart.getType()) {
          mapping.map(inPart, arg);
          continue;
        }
        int64_t rows = cast<RankedTensorType>(inPart.getType()).getDimSize(0);
        mapping.map(inPart, SliceOp::create(b, arg.getLoc(), arg, int64_t(0),
                                            i * rows, rows));
      }
      for (Operation &op : part.without_terminator())
        b.clone(op, mapping)->setAttr(attr::kMicro, indexAttr(ctx, i));
      for (Value v : partRet.getOperands())
        parts[i].push_back(mapping.lookupOrDefault(v));
    }
    SmallVector<Value> combined;
    for (auto [r, v] : llvm::enumerate(partRet.getOperands())) {
      Operation *def = v.getDefiningOp();
      int64_t stage = def ? stageOfOp(def).value_or(0) : 0;
      // The combination is placed with the first micro-batch: the
      // gradient of a mean is the seed of every micro-batch's backward
      // pass, which must not wait for the last one's (a forward op waits
      // for its operands anyway).
      auto place = [&](Value result) {
        Operation *op = result.getDefiningOp();
        op->setAttr(attr::kStage, indexAttr(ctx, stage));
        op->setAttr(attr::kMicro, indexAttr(ctx, 0));
        return result;
      };
      Location loc = v.getLoc();
      switch ((*combines)[r]) {
      case MicroBatchCombine::same:
        combined.push_back(parts[0][r]);
        break;
      case MicroBatchCombine::concat: {
        SmallVector<Value> rows;
        for (int64_t i = 0; i < m; ++i)
          rows.push_back(parts[i][r]);
        combined.push_back(
            place(ConcatOp::create(b, loc, rows, int64_t(0))->getResult(0)));
        break;
      }
      case MicroBatchCombine::sum:
      case MicroBatchCombine::mean: {
        Value sum = parts[0][r];
        for (int64_t i = 1; i < m; ++i)
          sum = place(AddOp::create(b, loc, sum, parts[i][r]));
        if ((*combines)[r] == MicroBatchCombine::mean) {
          Type element = cast<RankedTensorType>(sum.getType()).getElementType();
          sum = place(DivOp::create(
              b, loc, sum,
              buildScalar(b, loc, element, static_cast<double>(m))));
        }
        combined.push_back(sum);
        break;
      }
      }
    }
    ret->setOperands(combined);
    for (Operation *op : llvm::reverse(original))
      op->erase();
    return success();
  }
};

//===----------------------------------------------------------------------===//
// -mlc-pipeline-split
//===----------------------------------------------------------------------===//

/// When each (stage, micro-batch, pass) of a step starts if every forward
/// pass takes 1 and every backward pass 2, under `schedule`.
class Timeline {
public:
  Timeline(int64_t stages, int64_t micro, StringRef schedule)
      : stages_(stages), micro_(micro),
        start_(static_cast<size_t>(stages * micro * 2), -1) {
    // Each stage's order of (backward?, micro-batch).
    std::vector<std::vector<std::pair<bool, int64_t>>> order(stages);
    for (int64_t s = 0; s < stages; ++s) {
      if (schedule == "gpipe") {
        for (int64_t i = 0; i < micro; ++i)
          order[s].push_back({false, i});
        for (int64_t i = 0; i < micro; ++i)
          order[s].push_back({true, i});
        continue;
      }
      int64_t warmup = std::min(stages - s - 1, micro);
      for (int64_t i = 0; i < warmup; ++i)
        order[s].push_back({false, i});
      for (int64_t i = 0; i < micro; ++i) {
        if (warmup + i < micro)
          order[s].push_back({false, warmup + i});
        order[s].push_back({true, i});
      }
    }
    std::vector<int64_t> end(start_.size(), -1), free(stages, 0);
    std::vector<size_t> next(stages, 0);
    bool progress = true;
    while (progress) {
      progress = false;
      for (int64_t s = 0; s < stages; ++s)
        while (next[s] < order[s].size()) {
          auto [backward, i] = order[s][next[s]];
          int64_t ready;
          if (!backward)
            ready = s == 0 ? 0 : end[slot(s - 1, i, false)];
          else
            ready = s == stages - 1 ? end[slot(s, i, false)]
                                    : end[slot(s + 1, i, true)];
          if (ready < 0)
            break;
          int64_t begin = std::max(free[s], ready);
          start_[slot(s, i, backward)] = begin;
          end[slot(s, i, backward)] = begin + (backward ? 2 : 1);
          free[s] = end[slot(s, i, backward)];
          ++next[s];
          progress = true;
        }
    }
  }

  /// The start of the pass, or -1 outside the schedule.
  int64_t start(int64_t stage, int64_t micro, bool backward) const {
    if (stage < 0 || stage >= stages_ || micro < 0 || micro >= micro_)
      return -1;
    return start_[slot(stage, micro, backward)];
  }

private:
  size_t slot(int64_t s, int64_t i, bool backward) const {
    return static_cast<size_t>((s * micro_ + i) * 2 + (backward ? 1 : 0));
  }
  int64_t stages_, micro_;
  std::vector<int64_t> start_;
};

struct PipelineSplitPass : mlc::impl::PipelineSplitBase<PipelineSplitPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto pipeline = module->getAttrOfType<DictionaryAttr>(attr::kPipeline);
    if (!pipeline) {
      module.emitError() << "-mlc-pipeline-split needs a module that "
                            "-mlc-pipeline cut into stages (mlc.pipeline)";
      return signalPassFailure();
    }
    stages_ = pipeline.getAs<IntegerAttr>("stages").getInt();
    micro_ = pipeline.getAs<IntegerAttr>("micro_batches").getInt();
    schedule_ = pipeline.getAs<StringAttr>("schedule").getValue().str();
    if (stages_ != stagesOf(module)) {
      module.emitError() << "mlc.pipeline has " << stages_
                         << " stages but the mesh's pp axis "
                         << stagesOf(module);
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<ModuleOp> stageModules;
    for (int64_t k = 0; k < stages_; ++k) {
      auto stage = ModuleOp::create(module.getLoc(),
                                    StringRef("stage" + std::to_string(k)));
      stage->setAttr(attr::kMesh, module->getAttr(attr::kMesh));
      stage->setAttr(attr::kPipeline, pipeline);
      stage->setAttr(attr::kStage, b.getI64IntegerAttr(k));
      b.insert(stage);
      stageModules.push_back(stage);
    }
    for (func::FuncOp func : funcs) {
      if (func.isExternal() || !func.getBody().hasOneBlock()) {
        func.emitError() << "a pipelined entry point has one block";
        return signalPassFailure();
      }
      WalkResult nested = func.walk([](Operation *op) {
        return op->getNumRegions() && !isa<func::FuncOp>(op)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      });
      if (nested.wasInterrupted()) {
        func.emitError() << "-mlc-pipeline-split runs before -mlc-fuse: the "
                            "ops of an entry point have no regions";
        return signalPassFailure();
      }
      regroupCrossStageSums(func);
      if (failed(order(func)) || failed(split(func, stageModules)))
        return signalPassFailure();
      func.erase();
    }
    if (failed(checkStaleState(stageModules)))
      return signalPassFailure();
  }

  /// A stage that reads a parameter or state in one function must train
  /// it in its train step (or receive its update there): else its copy
  /// would never change.
  LogicalResult checkStaleState(ArrayRef<ModuleOp> stageModules) {
    for (ModuleOp stage : stageModules) {
      func::FuncOp train;
      for (auto func : stage.getOps<func::FuncOp>())
        if (auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
            kind && kind.getValue() == kTrainKind)
          train = func;
      if (!train)
        continue;
      FailureOr<ModelSignature> trainSig = getModelSignature(train);
      if (failed(trainSig))
        return failure();
      llvm::StringSet<> trained;
      for (const ModelResult &r : trainSig->results)
        if (r.kind == ModelResult::Kind::Update)
          trained.insert(r.name);
      for (const ModelArg &a : trainSig->args)
        if (a.kind != ModelArg::Kind::Input && a.frozen)
          trained.insert(a.name);
      for (auto func : stage.getOps<func::FuncOp>()) {
        if (func == train)
          continue;
        FailureOr<ModelSignature> sig = getModelSignature(func);
        if (failed(sig))
          return failure();
        for (const ModelArg &a : sig->args)
          if (a.kind == ModelArg::Kind::Param && !trained.contains(a.name))
            return func.emitError()
                   << "@" << func.getSymName() << " reads '" << a.name
                   << "' on pipeline stage "
                   << stage->getAttrOfType<IntegerAttr>(attr::kStage).getInt()
                   << ", whose train step does not update it";
      }
    }
    return success();
  }

  /// Reverse mode sums the adjoint of a value read on several stages (a
  /// tied embedding, read by the first stage's embedding and the last's
  /// head) as the backward passes reach its uses, alternating between the
  /// stages: split as it is, the running sum would cross between them
  /// once per micro-batch. Each such chain of adds becomes one partial sum
  /// per stage, in the order of its terms, and the sum of the partials on
  /// the stage the chain ended on: one transfer per other stage a step.
  void regroupCrossStageSums(func::FuncOp func) {
    Block &body = func.getBody().front();
    auto isLink = [](Operation *op) {
      return op && isa<AddOp>(op) && op->hasAttr(attr::kBackward) &&
             op->getResult(0).getType() == op->getOperand(0).getType() &&
             op->getResult(0).getType() == op->getOperand(1).getType();
    };
    // The ends of chains: links whose result no link extends.
    SmallVector<Operation *> ends;
    for (Operation &op : body.without_terminator()) {
      if (!isLink(&op))
        continue;
      bool extended =
          llvm::any_of(op.getResult(0).getUses(), [&](OpOperand &use) {
            return isLink(use.getOwner()) && use.getOperandNumber() == 0 &&
                   op.getResult(0).hasOneUse();
          });
      if (!extended)
        ends.push_back(&op);
    }
    for (Operation *end : ends) {
      // The links from the first to `end`, and the terms they add.
      SmallVector<Operation *> links = {end};
      Value base = end->getOperand(0);
      while (isLink(base.getDefiningOp()) && base.hasOneUse()) {
        links.push_back(base.getDefiningOp());
        base = base.getDefiningOp()->getOperand(0);
      }
      std::reverse(links.begin(), links.end());
      SmallVector<Value> terms = {base};
      for (Operation *link : links)
        terms.push_back(link->getOperand(1));
      auto termStage = [](Value v) -> int64_t {
        Operation *def = v.getDefiningOp();
        return def ? stageOfOp(def).value_or(-1) : -1;
      };
      std::set<int64_t> stages;
      for (Value t : terms)
        if (termStage(t) >= 0)
          stages.insert(termStage(t));
      if (stages.size() < 2 || links.size() < 2)
        continue;
      int64_t last = stageOfOp(end).value_or(-1);
      // Partial sums per stage, each add placed with its later term.
      std::map<int64_t, Value> partial;
      OpBuilder b(end);
      for (Value t : terms) {
        int64_t s = termStage(t);
        auto [it, first] = partial.try_emplace(s, t);
        if (first)
          continue;
        Operation *add = AddOp::create(b, end->getLoc(), it->second, t);
        if (Operation *def = t.getDefiningOp())
          add->setAttrs(def->getDiscardableAttrDictionary());
        add->setAttr(attr::kBackward, b.getUnitAttr());
        it->second = add->getResult(0);
      }
      // The partials in stage order, the chain's own stage last.
      Value total;
      for (int64_t s : stages)
        if (s != last)
          total = total ? AddOp::create(b, end->getLoc(), total, partial[s])
                              ->getResult(0)
                        : partial[s];
      for (auto &[s, v] : partial)
        if (s < 0 || s == last) {
          Value mine = v;
          total =
              total ? AddOp::create(b, end->getLoc(), mine, total)->getResult(0)
                    : mine;
          if (Operation *sum = total.getDefiningOp();
              sum && sum != mine.getDefiningOp())
            sum->setAttrs(end->getDiscardableAttrDictionary());
        }
      end->getResult(0).replaceAllUsesWith(total);
      for (Operation *link : llvm::reverse(links))
        link->erase();
    }
  }

  /// Orders the ops of `func` by when the schedule starts their pass (ops
  /// without a micro-batch at their latest operand's), a topological order
  /// that keeps ops of one pass in the order they had. Ops with effects
  /// keep their order among themselves.
  LogicalResult order(func::FuncOp func) {
    Block &body = func.getBody().front();
    bool any = llvm::any_of(body.without_terminator(), [](Operation &op) {
      return op.hasAttr(attr::kMicro);
    });
    if (!any)
      return success();
    Timeline timeline(stages_, micro_, schedule_);
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    llvm::DenseMap<Operation *, size_t> index;
    for (auto [i, op] : llvm::enumerate(ops))
      index[op] = i;
    std::vector<int64_t> time(ops.size(), -1);
    std::vector<SmallVector<size_t>> users(ops.size());
    std::vector<size_t> waiting(ops.size(), 0);
    std::optional<size_t> lastEffect;
    for (auto [i, op] : llvm::enumerate(ops)) {
      llvm::SmallSetVector<size_t, 4> deps;
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (Operation *def = v.getDefiningOp())
            if (Operation *top = body.findAncestorOpInBlock(*def);
                top && top != op && index.count(top))
              deps.insert(index.lookup(top));
      });
      if (!isMemoryEffectFree(op)) {
        if (lastEffect)
          deps.insert(*lastEffect);
        lastEffect = i;
      }
      auto stage = op->getAttrOfType<IntegerAttr>(attr::kStage);
      auto micro = op->getAttrOfType<IntegerAttr>(attr::kMicro);
      if (stage && micro) {
        time[i] = timeline.start(stage.getInt(), micro.getInt(),
                                 op->hasAttr(attr::kBackward));
        if (time[i] < 0)
          return op->emitError()
                 << "has a pipeline placement outside the " << stages_
                 << " stages and " << micro_ << " micro-batches of the module";
      }
      for (size_t d : deps) {
        users[d].push_back(i);
        if (!(stage && micro))
          time[i] = std::max(time[i], time[d]);
      }
      waiting[i] = deps.size();
    }
    using Key = std::tuple<int64_t, size_t>;
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> ready;
    for (size_t i = 0; i < ops.size(); ++i)
      if (waiting[i] == 0)
        ready.push({time[i], i});
    Operation *terminator = body.getTerminator();
    size_t placed = 0;
    while (!ready.empty()) {
      auto [t, i] = ready.top();
      ready.pop();
      ops[i]->moveBefore(terminator);
      ++placed;
      for (size_t u : users[i])
        if (--waiting[u] == 0)
          ready.push({time[u], u});
    }
    if (placed != ops.size())
      return func.emitError()
             << "the ops of @" << func.getSymName() << " form a cycle";
    return success();
  }

  /// Splits `func` into one function per stage module (see the pass's
  /// description).
  LogicalResult split(func::FuncOp func,
                      MutableArrayRef<ModuleOp> stageModules) {
    MLIRContext *ctx = func.getContext();
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    FailureOr<ModelSignature> sig = getModelSignature(func);
    if (failed(sig))
      return failure();
    size_t numStages = static_cast<size_t>(stages_);

    // The stage of every op: its own, that of its largest placed operand,
    // or none (-1: run by every stage that needs it, as constants are).
    llvm::DenseMap<Operation *, int64_t> stageOf;
    llvm::DenseMap<Operation *, size_t> position;
    for (Operation &op : body.without_terminator()) {
      position[&op] = position.size();
      // A value made of nothing (a constant) is made wherever it is read.
      if (op.getNumOperands() == 0 && isMemoryEffectFree(&op)) {
        stageOf[&op] = -1;
        continue;
      }
      if (std::optional<int64_t> s = stageOfOp(&op)) {
        if (*s >= stages_)
          return op.emitError()
                 << "is placed on stage " << *s << " of " << stages_;
        stageOf[&op] = *s;
        continue;
      }
      // The stage of the largest placed operand (the latest of those as
      // large): the optimizer's update runs where the gradient is, and a
      // scalar it reads (clipping's coefficient) is what crosses.
      int64_t stage = -1;
      uint64_t largest = 0;
      size_t latest = 0;
      for (Value v : op.getOperands()) {
        Operation *def = v.getDefiningOp();
        if (!def || stageOf.lookup(def) < 0)
          continue;
        uint64_t bytes = bytesOf(v.getType());
        if (stage < 0 || bytes > largest ||
            (bytes == largest && position.lookup(def) >= latest)) {
          stage = stageOf.lookup(def);
          largest = bytes;
          latest = position.lookup(def);
        }
      }
      stageOf[&op] = stage;
    }
    auto stageOfValue = [&](Value v) -> int64_t {
      Operation *def = v.getDefiningOp();
      return def ? stageOf.lookup(def) : -1;
    };

    // What each stage needs: arguments, ops run everywhere, and values of
    // other stages (consumers: the stages that receive a value).
    std::vector<llvm::DenseSet<unsigned>> usedArgs(numStages);
    std::vector<llvm::DenseSet<Operation *>> everywhereOps(numStages);
    llvm::DenseMap<Value, std::set<int64_t>> consumers;
    std::function<void(int64_t, Value)> need = [&](int64_t k, Value v) {
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        usedArgs[k].insert(arg.getArgNumber());
        return;
      }
      Operation *def = v.getDefiningOp();
      int64_t s = stageOf.lookup(def);
      if (s < 0) {
        if (everywhereOps[k].insert(def).second)
          for (Value operand : def->getOperands())
            need(k, operand);
        return;
      }
      if (s != k)
        consumers[v].insert(k);
    };
    for (Operation &op : body.without_terminator()) {
      int64_t s = stageOf.lookup(&op);
      if (s < 0)
        continue;
      for (Value v : op.getOperands())
        need(s, v);
    }
    // Every stage returns the outputs, and the updates of the arguments it
    // holds (which may make it hold more: follow until nothing changes).
    llvm::StringMap<unsigned> argByName;
    for (const ModelArg &a : sig->args)
      argByName[a.name] = a.index;
    std::vector<llvm::BitVector> returns(numStages,
                                         llvm::BitVector(ret.getNumOperands()));
    for (size_t k = 0; k < numStages; ++k)
      for (const ModelResult &r : sig->results)
        if (r.kind == ModelResult::Kind::Output) {
          returns[k].set(r.index);
          need(k, ret.getOperand(r.index));
        }
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t k = 0; k < numStages; ++k)
        for (const ModelResult &r : sig->results) {
          if (r.kind != ModelResult::Kind::Update || returns[k].test(r.index))
            continue;
          auto it = argByName.find(r.name);
          if (it == argByName.end() || !usedArgs[k].contains(it->second))
            continue;
          returns[k].set(r.index);
          need(k, ret.getOperand(r.index));
          changed = true;
        }
    }
    // Every rank reads the model's inputs, whichever stage uses them.
    for (const ModelArg &a : sig->args)
      if (a.kind == ModelArg::Kind::Input)
        for (size_t k = 0; k < numStages; ++k)
          usedArgs[k].insert(a.index);

    // Build the stage functions with every argument, in one walk over the
    // ops in order: sends right after a value is computed, receives right
    // before its first use (or before a later value's from the same stage),
    // so that all stages follow one sequence and a send never waits.
    SmallVector<func::FuncOp> parts;
    SmallVector<IRMapping> mappings(numStages);
    SmallVector<OpBuilder> builders;
    for (size_t k = 0; k < numStages; ++k) {
      OpBuilder b(ctx);
      b.setInsertionPointToEnd(stageModules[k].getBody());
      auto part = func::FuncOp::create(b, func.getLoc(), func.getSymName(),
                                       func.getFunctionType());
      part->setAttrs(func->getAttrs());
      Block *block = part.addEntryBlock();
      for (auto [from, to] :
           llvm::zip(body.getArguments(), block->getArguments()))
        mappings[k].map(from, to);
      b.setInsertionPointToEnd(block);
      parts.push_back(part);
      builders.push_back(b);
    }
    auto axes = ArrayAttr::get(ctx, {StringAttr::get(ctx, kAxis)});
    // inbox[k][s]: the values stage s sent stage k and k has not received,
    // in the order they were sent. Messages between two ranks arrive in the
    // order they are sent, so a stage that needs a value receives every
    // value sent before it from the same stage first.
    std::vector<std::vector<std::deque<Value>>> inbox(
        numStages, std::vector<std::deque<Value>>(numStages));
    auto valueIn = [&](int64_t k, Value v) -> Value {
      if (Value mapped = mappings[k].lookupOrNull(v))
        return mapped;
      std::deque<Value> &pending = inbox[k][stageOfValue(v)];
      while (!pending.empty()) {
        Value next = pending.front();
        pending.pop_front();
        mappings[k].map(next, RecvOp::create(builders[k], next.getLoc(),
                                             next.getType(), stageOfValue(next),
                                             axes));
        if (next == v)
          break;
      }
      return mappings[k].lookup(v);
    };
    for (Operation &op : body.without_terminator()) {
      int64_t s = stageOf.lookup(&op);
      if (s < 0) {
        for (size_t k = 0; k < numStages; ++k)
          if (everywhereOps[k].contains(&op))
            builders[k].clone(op, mappings[k]);
        continue;
      }
      for (Value v : op.getOperands())
        if (stageOfValue(v) >= 0)
          valueIn(s, v);
      builders[s].clone(op, mappings[s]);
      for (Value r : op.getResults()) {
        auto it = consumers.find(r);
        if (it == consumers.end())
          continue;
        for (int64_t to : it->second) {
          SendOp::create(builders[s], r.getLoc(), mappings[s].lookup(r), to,
                         axes);
          inbox[to][s].push_back(r);
        }
      }
    }
    for (size_t k = 0; k < numStages; ++k) {
      func::FuncOp part = parts[k];
      SmallVector<Value> results;
      SmallVector<DictionaryAttr> resultAttrs;
      for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
        if (!returns[k].test(i))
          continue;
        results.push_back(valueIn(static_cast<int64_t>(k), ret.getOperand(i)));
        resultAttrs.push_back(func.getResultAttrDict(i));
      }
      func::ReturnOp::create(builders[k], ret.getLoc(), results);
      llvm::BitVector unused(func.getNumArguments());
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (!usedArgs[k].contains(i))
          unused.set(i);
      if (failed(part.eraseArguments(unused)))
        return failure();
      part.setType(FunctionType::get(ctx, part.getArgumentTypes(),
                                     ValueRange(results).getTypes()));
      part.setAllResultAttrs(resultAttrs);
      part.walk([](Operation *op) {
        op->removeAttr(attr::kStage);
        op->removeAttr(attr::kMicro);
        op->removeAttr(attr::kBackward);
      });
    }
    return success();
  }

  int64_t stages_ = 0, micro_ = 0;
  std::string schedule_;
};

} // namespace
