// -mlc-train-step: builds @train_step (forward, reverse mode, optimizer
// update) from a model function and renames the model function to @eval.
#include "passes/Optimizers.h"
#include "passes/Passes.h"
#include "passes/ReverseMode.h"

#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlc {
#define GEN_PASS_DEF_TRAINSTEP
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kStepName = "step";
/// Outputs @train_step adds: the learning rate of a schedule, the gradient
/// norm before clipping.
constexpr llvm::StringLiteral kLrName = "lr";
constexpr llvm::StringLiteral kGradNormName = "grad_norm";
/// Gradient accumulation: the two entry points that replace @train_step,
/// and the suffix of a parameter's accumulator ("w1.grad_accum").
constexpr llvm::StringLiteral kAccumulateName = "accumulate_grads";
constexpr llvm::StringLiteral kApplyName = "apply_grads";
constexpr llvm::StringLiteral kAccumSuffix = "grad_accum";

NamedAttribute named(OpBuilder &b, StringRef key, Attribute value) {
  return b.getNamedAttr(key, value);
}

struct TrainStepPass : mlc::impl::TrainStepBase<TrainStepPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(funcName);
    if (!forward) {
      module.emitError() << "no model function @" << funcName;
      return signalPassFailure();
    }
    // Options left out take the optimizer's defaults; options given must be
    // ones the optimizer takes.
    OptimizerOptions options;
    options.name = optimizer;
    auto given = [](const auto &option) {
      using T = std::decay_t<decltype(option.getValue())>;
      return option.hasValue() ? std::optional<T>(option.getValue())
                               : std::nullopt;
    };
    options.lr = given(lr);
    options.momentum = given(momentum);
    options.dampening = given(dampening);
    options.nesterov = given(nesterov);
    options.weightDecay = given(weightDecay);
    options.beta1 = given(beta1);
    options.beta2 = given(beta2);
    options.eps = given(eps);
    options.amsgrad = given(amsgrad);
    options.warmup = given(warmup);
    options.decaySteps = given(decaySteps);
    options.minLr = given(minLr);
    options.clip = given(clip);
    options.decayAll = given(decayAll);
    FailureOr<OptimizerConfig> config =
        OptimizerConfig::create(options, [&] { return forward.emitError(); });
    if (failed(config) || failed(checkModel(module, forward)))
      return signalPassFailure();
    if (accumulate < 1) {
      forward.emitError() << "accumulate must be at least 1 (micro-batches "
                             "per optimizer step), got "
                          << static_cast<int64_t>(accumulate);
      return signalPassFailure();
    }
    if (accumulate > 1 && module->hasAttr(attr::kPipeline)) {
      forward.emitError() << "accumulate=" << static_cast<int64_t>(accumulate)
                          << " with pipeline stages: the pipeline's "
                             "micro-batches accumulate the gradients already "
                             "(micro-batches=M)";
      return signalPassFailure();
    }
    if (failed(buildTrainStep(module, forward, *config)))
      return signalPassFailure();
    if (findChosenEvalEntry(module, forward)) { // -mlc-eval-func's replaces it
      forward.erase();
      return;
    }
    forward.setSymName("eval");
    forward->setAttr(attr::kKind, StringAttr::get(&getContext(), kEvalKind));
  }

  LogicalResult checkModel(ModuleOp module, func::FuncOp forward) {
    SmallVector<StringRef> added;
    if (!findChosenEvalEntry(module, forward))
      added.push_back("eval");
    if (accumulate > 1)
      added.append({kAccumulateName, kApplyName});
    else
      added.push_back("train_step");
    for (StringRef name : added)
      if (name != funcName && module.lookupSymbol(name))
        return forward.emitError() << "cannot add @" << name
                                   << ": the module already has that symbol";
    if (!forward.getBody().hasOneBlock() || forward.getNumResults() == 0)
      return forward.emitError()
             << "a model function has one block and returns its loss first";
    return success();
  }

  /// The names @train_step adds (the optimizer state: "step",
  /// "<param>.exp_avg", ...) must not be taken by an argument, and the names
  /// it updates must not be taken by an output, or the results and
  /// arguments of @train_step could not be told apart by name.
  LogicalResult checkStateNames(func::FuncOp forward, const ModelSignature &sig,
                                const OptimizerConfig &config) {
    llvm::StringMap<unsigned> argIndex;
    for (const ModelArg &a : sig.args)
      argIndex[a.name] = a.index;
    SmallVector<std::string> updated;
    if (config.needsStep())
      updated.push_back(kStepName.str());
    SmallVector<StringRef> suffixes = config.perParamStates();
    if (accumulate > 1)
      suffixes.push_back(kAccumSuffix);
    for (const ModelArg *p : sig.trainableParams()) {
      updated.push_back(p->name);
      for (StringRef s : suffixes) {
        std::string name = p->name + "." + s.str();
        auto it = argIndex.find(name);
        if (it != argIndex.end())
          return forward.emitError()
                 << "argument #" << it->second << " is named '" << name
                 << "', the name of the optimizer state of '" << p->name << "'";
        updated.push_back(name);
      }
    }
    if (config.needsStep() && argIndex.count(kStepName))
      return forward.emitError()
             << "argument #" << argIndex.lookup(kStepName) << " is named '"
             << kStepName << "', the name of the optimizer step counter";
    for (const ModelResult &r : sig.results) {
      if (llvm::is_contained(updated, r.name))
        return forward.emitError()
               << "result #" << r.index << " is named '" << r.name
               << "', the name of a value @train_step updates";
      if ((config.hasSchedule() && r.name == kLrName) ||
          (config.clip > 0 && r.name == kGradNormName))
        return forward.emitError()
               << "result #" << r.index << " is named '" << r.name
               << "', the name of an output @train_step adds";
    }
    return success();
  }

  /// Whether weight decay applies to `param`: its `mlc.decay` attribute if
  /// it has one, else every parameter with decay-all, else matrices (rank
  /// >= 2) that are not embedding tables.
  static bool decays(func::FuncOp forward, const ModelArg &param,
                     const OptimizerConfig &config, Value arg) {
    if (auto attribute =
            forward.getArgAttrOfType<BoolAttr>(param.index, attr::kDecay))
      return attribute.getValue();
    if (config.decayAll)
      return true;
    return param.type.getRank() >= 2 && !isEmbeddingTable(arg);
  }

  /// Whether `value` is read as the table of an embedding lookup.
  static bool isEmbeddingTable(Value value) {
    return llvm::any_of(value.getUsers(),
                        [](Operation *user) { return isa<EmbeddingOp>(user); });
  }

  /// Scales `grads` (null entries skipped) to a global L2 norm of at most
  /// `maxNorm`, as torch.nn.utils.clip_grad_norm_: coefficient
  /// min(maxNorm / (norm + 1e-6), 1). Returns the norm before clipping (f64).
  /// `pieces[i]`, when not null, names the mesh axes over which grads[i] is
  /// a piece of the whole gradient (tensor parallelism's split weights):
  /// the sums of their squares are all-reduced over those axes, those of
  /// gradients every rank holds whole are not. The squares are summed per
  /// pipeline stage of the gradient too (after -mlc-pipeline), so that
  /// each stage's sum crosses to the others once.
  static Value clipGradients(OpBuilder &builder, Location loc, double maxNorm,
                             MutableArrayRef<Value> grads,
                             ArrayRef<ArrayAttr> pieces) {
    Type f64 = builder.getF64Type();
    auto scalarF64 = RankedTensorType::get({}, f64);
    // The stage of a gradient: that of the op computing it, through the
    // all-reduce data parallelism adds.
    auto stageOf = [](Value g) -> Attribute {
      Operation *def = g.getDefiningOp();
      if (auto reduce = dyn_cast_or_null<AllReduceOp>(def))
        def = reduce.getInputs()[cast<OpResult>(g).getResultNumber()]
                  .getDefiningOp();
      return def ? def->getAttr(attr::kStage) : Attribute();
    };
    // Partial sums of squares in order of appearance, per (axes, stage).
    struct Partial {
      ArrayAttr axes;
      Attribute stage;
      Value sum;
    };
    SmallVector<Partial> partials;
    for (auto [g, axes] : llvm::zip(grads, pieces)) {
      if (!g)
        continue;
      auto type = cast<RankedTensorType>(g.getType());
      auto dims = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      Value squares = CastOp::create(
          builder, loc, scalarF64,
          ReduceSumOp::create(builder, loc, MulOp::create(builder, loc, g, g),
                              dims, false));
      Attribute stage = stageOf(g);
      auto *it = llvm::find_if(partials, [&](const Partial &p) {
        return p.axes == axes && p.stage == stage;
      });
      if (it == partials.end())
        partials.push_back({axes, stage, squares});
      else
        it->sum = AddOp::create(builder, loc, it->sum, squares);
    }
    // Each stage's total first (so that a pipeline stage's squares meet in
    // one value before they cross), then the stages'.
    SmallVector<std::pair<Attribute, Value>> stageTotals;
    for (Partial &p : partials) {
      Value v = p.sum;
      if (p.axes)
        v = AllReduceOp::create(builder, loc, ValueRange{v}, Reduction::sum,
                                p.axes)
                ->getResult(0);
      auto *it = llvm::find_if(
          stageTotals, [&](auto &entry) { return entry.first == p.stage; });
      if (it == stageTotals.end())
        stageTotals.push_back({p.stage, v});
      else
        it->second = AddOp::create(builder, loc, it->second, v);
    }
    Value sumSquares;
    for (auto &[stage, v] : stageTotals)
      sumSquares = sumSquares ? AddOp::create(builder, loc, sumSquares, v) : v;
    if (!sumSquares)
      sumSquares = buildScalar(builder, loc, f64, 0.0);
    Value norm = SqrtOp::create(builder, loc, sumSquares);
    Value coefficient = MinOp::create(
        builder, loc,
        DivOp::create(builder, loc, buildScalar(builder, loc, f64, maxNorm),
                      AddOp::create(builder, loc, norm,
                                    buildScalar(builder, loc, f64, 1e-6))),
        buildScalar(builder, loc, f64, 1.0));
    // One coefficient per element type, read by every gradient of it.
    llvm::DenseMap<Type, Value> coefficientOf;
    for (Value &g : grads) {
      if (!g)
        continue;
      Type element = cast<RankedTensorType>(g.getType()).getElementType();
      Value &c = coefficientOf[element];
      if (!c)
        c = CastOp::create(builder, loc, RankedTensorType::get({}, element),
                           coefficient);
      g = MulOp::create(builder, loc, g, c);
    }
    return norm;
  }

  /// One warning, at the first such argument, for every trainable parameter
  /// the loss does not depend on (a model may have thousands).
  static void warnUnaffected(func::FuncOp forward,
                             ArrayRef<const ModelArg *> unaffected) {
    if (unaffected.empty())
      return;
    constexpr size_t kNamed = 8;
    Location loc = forward.getArgument(unaffected[0]->index).getLoc();
    InFlightDiagnostic diag = emitWarning(loc);
    if (unaffected.size() == 1) {
      diag << "parameter '" << unaffected[0]->name
           << "' does not affect the loss; it gets no gradient and is not "
              "updated";
      return;
    }
    diag << unaffected.size()
         << " parameters do not affect the loss; they get no gradient and "
            "are not updated: ";
    for (auto [i, p] : llvm::enumerate(unaffected.take_front(kNamed)))
      diag << (i ? ", '" : "'") << p->name << "'";
    if (unaffected.size() > kNamed)
      diag << " and " << unaffected.size() - kNamed << " more";
  }

  /// The attributes of a state argument named `name`, zero at start, with
  /// the unit attribute `marker` (kCounter, kAccumulator) unless empty, and
  /// `shard` (that of the parameter whose state it is) unless null: the
  /// optimizer state of a piece of a parameter is the same piece of the
  /// whole state, and is checkpointed whole.
  static DictionaryAttr stateAttrs(OpBuilder &builder, StringRef name,
                                   StringRef marker,
                                   ShardAttr shard = nullptr) {
    MLIRContext *ctx = builder.getContext();
    SmallVector<NamedAttribute> attrs = {
        named(builder, attr::kState, builder.getStringAttr(name)),
        named(builder, attr::kInit,
              InitAttr::get(ctx, InitKind::zeros, 0.0, 0.0))};
    if (!marker.empty())
      attrs.push_back(named(builder, marker, builder.getUnitAttr()));
    if (shard)
      attrs.push_back(named(builder, attr::kShard, shard));
    return builder.getDictionaryAttr(attrs);
  }

  /// Clones the body of `forward` (its arguments mapped by `mapping`) at
  /// the builder's insertion point; returns the cloned results.
  static SmallVector<Value>
  cloneForward(OpBuilder &builder, func::FuncOp forward, IRMapping &mapping) {
    auto ret = cast<func::ReturnOp>(forward.getBody().front().getTerminator());
    for (Operation &op : forward.getBody().front().without_terminator())
      builder.clone(op, mapping);
    SmallVector<Value> outputs;
    for (Value v : ret.getOperands())
      outputs.push_back(mapping.lookup(v));
    return outputs;
  }

  /// Arguments of an entry point being built, with their attributes.
  struct Arguments {
    SmallVector<Type> types;
    SmallVector<DictionaryAttr> attrs;

    void add(Type type, DictionaryAttr attributes) {
      types.push_back(type);
      attrs.push_back(attributes);
    }
    /// Appends arguments `args` of `forward`, attributes included.
    void addModelArgs(func::FuncOp forward, ArrayRef<const ModelArg *> args) {
      for (const ModelArg *a : args)
        add(a->type, forward.getArgAttrDict(a->index));
    }
    unsigned size() const { return types.size(); }
  };

  /// The parameters and the inputs of `sig`, in order.
  static void splitArgs(const ModelSignature &sig,
                        SmallVectorImpl<const ModelArg *> &params,
                        SmallVectorImpl<const ModelArg *> &inputs) {
    for (const ModelArg &a : sig.args)
      (a.kind == ModelArg::Kind::Param ? params : inputs).push_back(&a);
  }

  /// Clones the body of `forward` into `block`, whose arguments start with
  /// `params` and hold `inputs` from `firstInput` on; returns the cloned
  /// results.
  static SmallVector<Value> cloneForwardInto(OpBuilder &builder,
                                             func::FuncOp forward, Block *block,
                                             ArrayRef<const ModelArg *> params,
                                             ArrayRef<const ModelArg *> inputs,
                                             unsigned firstInput) {
    IRMapping mapping;
    for (auto [i, a] : llvm::enumerate(params))
      mapping.map(forward.getArgument(a->index), block->getArgument(i));
    for (auto [i, a] : llvm::enumerate(inputs))
      mapping.map(forward.getArgument(a->index),
                  block->getArgument(firstInput + i));
    return cloneForward(builder, forward, mapping);
  }

  /// Results of an entry point being built, with their attributes.
  struct Results {
    OpBuilder &builder;
    SmallVector<Value> values;
    SmallVector<DictionaryAttr> attrs;

    void add(Value v, StringRef key, StringRef name) {
      values.push_back(v);
      attrs.push_back(builder.getDictionaryAttr(
          named(builder, key, builder.getStringAttr(name))));
    }
  };

  /// A model split over mesh axes (-mlc-data-parallel) computes on each
  /// rank the gradient of its part of the loss, which the loss's
  /// all-reduce scales by 1/N: the gradient of the whole loss is their sum
  /// over the ranks, all-reduced here before anything (clipping, the
  /// optimizer) reads it. -mlc-bucket-all-reduce groups these into buckets.
  static void reduceOverBatchAxes(OpBuilder &builder, Location loc,
                                  func::FuncOp forward,
                                  MutableArrayRef<Value> grads) {
    auto axes = forward->getAttrOfType<ArrayAttr>(attr::kBatchAxes);
    if (!axes)
      return;
    for (Value &g : grads)
      if (g)
        g = AllReduceOp::create(builder, loc, ValueRange{g}, Reduction::sum,
                                axes)
                ->getResult(0);
  }

  /// An entry point that takes the model's inputs takes them split as the
  /// model function does.
  static void copyBatchAxes(func::FuncOp forward, func::FuncOp entry) {
    if (Attribute axes = forward->getAttr(attr::kBatchAxes))
      entry->setAttr(attr::kBatchAxes, axes);
  }

  /// Returns `results` from `func`'s block, erases the arguments in
  /// `unusedArgs` and dead ops, and marks the function as `kind`.
  static LogicalResult finishEntry(OpBuilder &builder, func::FuncOp func,
                                   Results &results,
                                   const llvm::BitVector &unusedArgs,
                                   StringRef kind) {
    Block *block = &func.getBody().front();
    func::ReturnOp::create(builder, func.getLoc(), results.values);
    if (failed(func.eraseArguments(unusedArgs)))
      return failure();
    func.setType(builder.getFunctionType(
        func.getArgumentTypes(), ValueRange(results.values).getTypes()));
    func.setAllResultAttrs(results.attrs);
    func->setAttr(attr::kKind, builder.getStringAttr(kind));
    eraseDeadOps(*block);
    return success();
  }

  LogicalResult buildTrainStep(ModuleOp module, func::FuncOp forward,
                               const OptimizerConfig &config) {
    FailureOr<ModelSignature> sig = getModelSignature(forward);
    if (failed(sig))
      return failure();
    for (const ModelArg &arg : sig->args)
      if (arg.kind == ModelArg::Kind::State)
        return forward.emitError()
               << "argument #" << arg.index
               << " is optimizer state; the model already has a train step";
    for (const ModelResult &r : sig->results)
      if (r.kind == ModelResult::Kind::Update)
        return forward.emitError()
               << "result #" << r.index
               << " is an update; the model already has a train step";
    if (failed(checkStateNames(forward, *sig, config)))
      return failure();
    if (accumulate == 1)
      return buildUpdateStep(forward, *sig, config, nullptr);
    FailureOr<llvm::BitVector> accumulated = buildAccumulateStep(forward, *sig);
    if (failed(accumulated))
      return failure();
    return buildUpdateStep(forward, *sig, config, &*accumulated);
  }

  /// Builds @accumulate_grads(params, accumulators, inputs): forward and
  /// backward on one micro-batch, each gradient added into the accumulator
  /// `<param>.grad_accum`, the model's outputs reported. Returns which of
  /// the parameters (positions among the parameter arguments) get an
  /// accumulator: the trainable ones the loss depends on.
  FailureOr<llvm::BitVector> buildAccumulateStep(func::FuncOp forward,
                                                 const ModelSignature &sig) {
    OpBuilder builder(forward.getContext());
    Location loc = forward.getLoc();
    SmallVector<const ModelArg *> params, inputs;
    splitArgs(sig, params, inputs);
    Arguments args;
    args.addModelArgs(forward, params);
    llvm::DenseMap<unsigned, unsigned> accumulatorArg; // of params[i]
    for (auto [i, p] : llvm::enumerate(params)) {
      if (p->frozen)
        continue;
      accumulatorArg[i] = args.size();
      args.add(p->type, stateAttrs(builder, p->name + "." + kAccumSuffix.str(),
                                   attr::kAccumulator));
    }
    unsigned firstInput = args.size();
    args.addModelArgs(forward, inputs);

    builder.setInsertionPointAfter(forward);
    auto func = func::FuncOp::create(builder, loc, kAccumulateName,
                                     builder.getFunctionType(args.types, {}));
    func.setAllArgAttrs(args.attrs);
    Block *block = func.addEntryBlock();
    builder.setInsertionPointToStart(block);
    SmallVector<Value> outputs =
        cloneForwardInto(builder, forward, block, params, inputs, firstInput);

    SmallVector<unsigned> trainable;
    SmallVector<Value> wrt;
    for (auto [i, p] : llvm::enumerate(params))
      if (!p->frozen) {
        trainable.push_back(i);
        wrt.push_back(block->getArgument(i));
      }
    FailureOr<SmallVector<Value>> grads =
        buildReverseMode(builder, outputs[0], wrt);
    if (failed(grads))
      return failure();

    Results results{builder, {}, {}};
    llvm::BitVector accumulated(params.size());
    llvm::BitVector unusedArgs(args.size());
    SmallVector<const ModelArg *> unaffected;
    for (auto [i, g] : llvm::zip(trainable, *grads)) {
      unsigned acc = accumulatorArg.lookup(i);
      if (!g) {
        unaffected.push_back(params[i]);
        unusedArgs.set(acc);
        continue;
      }
      accumulated.set(i);
      results.add(AddOp::create(builder, loc, block->getArgument(acc), g),
                  attr::kUpdate, params[i]->name + "." + kAccumSuffix.str());
    }
    warnUnaffected(forward, unaffected);
    for (const ModelResult &r : sig.results)
      results.add(outputs[r.index], attr::kOutput, r.name);
    if (failed(
            finishEntry(builder, func, results, unusedArgs, kAccumulateKind)))
      return failure();
    copyBatchAxes(forward, func);
    return accumulated;
  }

  /// Builds the optimizer step: @train_step(params, state, inputs), which
  /// computes the gradients of one batch itself, or, with `accumulated`
  /// (the parameters that have an accumulator), @apply_grads(params, state,
  /// accumulators), which takes the mean of `accumulate` micro-batches'
  /// gradients and zeroes the accumulators.
  LogicalResult buildUpdateStep(func::FuncOp forward, const ModelSignature &sig,
                                const OptimizerConfig &config,
                                const llvm::BitVector *accumulated) {
    MLIRContext *ctx = forward.getContext();
    OpBuilder builder(ctx);
    Location loc = forward.getLoc();

    // Signature: parameters, optimizer state, inputs (or accumulators).
    // Every trainable parameter gets its state arguments up front; those of
    // parameters the loss turns out not to depend on are erased at the end,
    // all at once (inserting or erasing arguments one by one is quadratic in
    // their number).
    SmallVector<const ModelArg *> params, inputs;
    splitArgs(sig, params, inputs);
    Arguments args;
    args.addModelArgs(forward, params);
    unsigned stepArg = args.size();
    if (config.needsStep())
      args.add(RankedTensorType::get({}, builder.getI64Type()),
               stateAttrs(builder, kStepName, attr::kCounter));
    // The first state argument of params[i], for trainable ones.
    llvm::DenseMap<unsigned, unsigned> firstStateArg;
    SmallVector<StringRef> perParam = config.perParamStates();
    for (auto [i, p] : llvm::enumerate(params)) {
      if (p->frozen)
        continue;
      firstStateArg[i] = args.size();
      auto shard = forward.getArgAttrOfType<ShardAttr>(p->index, attr::kShard);
      for (StringRef s : perParam)
        args.add(p->type,
                 stateAttrs(builder, p->name + "." + s.str(), "", shard));
    }
    unsigned firstInput = args.size();
    llvm::DenseMap<unsigned, unsigned> accumulatorArg; // of params[i]
    if (accumulated) {
      for (unsigned i : accumulated->set_bits()) {
        accumulatorArg[i] = args.size();
        args.add(params[i]->type,
                 stateAttrs(builder, params[i]->name + "." + kAccumSuffix.str(),
                            attr::kAccumulator));
      }
    } else {
      args.addModelArgs(forward, inputs);
    }

    builder.setInsertionPointAfter(forward);
    auto step = func::FuncOp::create(builder, loc,
                                     accumulated ? kApplyName : "train_step",
                                     builder.getFunctionType(args.types, {}));
    step.setAllArgAttrs(args.attrs);
    Block *block = step.addEntryBlock();
    builder.setInsertionPointToStart(block);

    // Gradients of the loss with respect to the trainable parameters: of
    // this batch, or the mean of the accumulated micro-batches'.
    SmallVector<unsigned> trainable; // positions in params
    SmallVector<Value> wrt;
    for (auto [i, p] : llvm::enumerate(params))
      if (!p->frozen) {
        trainable.push_back(i);
        wrt.push_back(block->getArgument(i));
      }
    SmallVector<Value> outputs, grads;
    if (accumulated) {
      for (unsigned i : trainable) {
        if (!accumulated->test(i)) {
          grads.push_back(nullptr);
          continue;
        }
        // The mean over the micro-batches, then the sum over the ranks:
        // what reads the gradient (the optimizer, clipping) reads the
        // all-reduce's result, as in @train_step (ZeRO shards from there).
        Value sum = block->getArgument(accumulatorArg.lookup(i));
        Type element = params[i]->type.getElementType();
        SmallVector<Value> means = {
            DivOp::create(builder, loc, sum,
                          buildScalar(builder, loc, element,
                                      static_cast<double>(accumulate)))};
        reduceOverBatchAxes(builder, loc, forward, means);
        grads.push_back(means[0]);
      }
    } else {
      outputs =
          cloneForwardInto(builder, forward, block, params, inputs, firstInput);
      FailureOr<SmallVector<Value>> fromLoss =
          buildReverseMode(builder, outputs[0], wrt);
      if (failed(fromLoss))
        return failure();
      grads = std::move(*fromLoss);
      reduceOverBatchAxes(builder, loc, forward, grads);
    }

    Value oldStep, newStep;
    if (config.needsStep()) {
      oldStep = block->getArgument(stepArg);
      newStep =
          AddOp::create(builder, loc, oldStep,
                        buildScalar(builder, loc, builder.getI64Type(), 1));
    }
    Value gradNorm;
    if (config.clip > 0) {
      SmallVector<ArrayAttr> pieces;
      for (unsigned i : trainable) {
        auto shard =
            forward.getArgAttrOfType<ShardAttr>(params[i]->index, attr::kShard);
        SmallVector<Attribute> axes;
        if (shard)
          for (StringAttr axis : shard.getAxes())
            if (!llvm::is_contained(axes, axis))
              axes.push_back(axis);
        pieces.push_back(shard ? builder.getArrayAttr(axes) : ArrayAttr());
      }
      gradNorm = clipGradients(builder, loc, config.clip, grads, pieces);
    }

    OptimizerEmitter emitter(builder, loc, config, oldStep, newStep);
    Results results{builder, {}, {}};
    SmallVector<std::pair<Value, std::string>> stateUpdates;
    SmallVector<const ModelArg *> unaffected;
    llvm::BitVector unusedArgs(args.size());
    for (auto [i, g] : llvm::zip(trainable, grads)) {
      const ModelArg *param = params[i];
      unsigned first = firstStateArg.lookup(i);
      if (!g) {
        unaffected.push_back(param);
        unusedArgs.set(first, first + perParam.size());
        continue;
      }
      SmallVector<Value> states;
      SmallVector<std::string> stateNames;
      for (auto [k, s] : llvm::enumerate(perParam)) {
        stateNames.push_back(param->name + "." + s.str());
        states.push_back(block->getArgument(first + k));
      }
      SmallVector<Value> updated = emitter.update(
          block->getArgument(i), g, states,
          decays(forward, *param, config, forward.getArgument(param->index)));
      results.add(updated[0], attr::kUpdate, param->name);
      for (auto [v, name] :
           llvm::zip(ArrayRef(updated).drop_front(), stateNames))
        stateUpdates.push_back({v, name});
    }
    if (!accumulated) // @accumulate_grads warned already
      warnUnaffected(forward, unaffected);
    for (auto &[v, name] : stateUpdates)
      results.add(v, attr::kUpdate, name);
    if (newStep)
      results.add(newStep, attr::kUpdate, kStepName);
    if (accumulated) {
      // The next optimizer step accumulates from zero. Parameters that
      // nothing here reads (frozen ones, those without a gradient) are not
      // arguments of @apply_grads.
      for (unsigned i : accumulated->set_bits())
        results.add(FullOp::create(builder, loc, params[i]->type,
                                   builder.getF64FloatAttr(0.0)),
                    attr::kUpdate, params[i]->name + "." + kAccumSuffix.str());
      for (unsigned i = 0; i < params.size(); ++i)
        if (block->getArgument(i).use_empty())
          unusedArgs.set(i);
    } else {
      for (const ModelResult &r : sig.results)
        results.add(outputs[r.index], attr::kOutput, r.name);
    }
    if (config.hasSchedule())
      results.add(emitter.learningRate(), attr::kOutput, kLrName);
    if (gradNorm)
      results.add(gradNorm, attr::kOutput, kGradNormName);

    if (failed(finishEntry(builder, step, results, unusedArgs,
                           accumulated ? kApplyKind : kTrainKind)))
      return failure();
    if (!accumulated)
      copyBatchAxes(forward, step);
    step->setAttr(attr::kOptimizer, builder.getStringAttr(config.describe()));
    if (accumulated)
      step->setAttr(attr::kMicroBatches, builder.getI64IntegerAttr(accumulate));
    return success();
  }
};

} // namespace
