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
    if (failed(buildTrainStep(module, forward, *config)))
      return signalPassFailure();
    forward.setSymName("eval");
    forward->setAttr(attr::kKind, StringAttr::get(&getContext(), kEvalKind));
  }

  LogicalResult checkModel(ModuleOp module, func::FuncOp forward) {
    for (StringRef name : {"train_step", "eval"})
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
    for (const ModelArg *p : sig.trainableParams()) {
      updated.push_back(p->name);
      for (StringRef s : config.perParamStates()) {
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
  static Value clipGradients(OpBuilder &builder, Location loc, double maxNorm,
                             MutableArrayRef<Value> grads) {
    Type f64 = builder.getF64Type();
    auto scalarF64 = RankedTensorType::get({}, f64);
    Value sumSquares = buildScalar(builder, loc, f64, 0.0);
    for (Value g : grads) {
      if (!g)
        continue;
      auto type = cast<RankedTensorType>(g.getType());
      auto axes = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      Value squares = ReduceSumOp::create(
          builder, loc, MulOp::create(builder, loc, g, g), axes, false);
      sumSquares = AddOp::create(builder, loc, sumSquares,
                                 CastOp::create(builder, loc, scalarF64,
                                                squares));
    }
    Value norm = SqrtOp::create(builder, loc, sumSquares);
    Value coefficient = MinOp::create(
        builder, loc,
        DivOp::create(builder, loc, buildScalar(builder, loc, f64, maxNorm),
                      AddOp::create(builder, loc, norm,
                                    buildScalar(builder, loc, f64, 1e-6))),
        buildScalar(builder, loc, f64, 1.0));
    for (Value &g : grads) {
      if (!g)
        continue;
      auto type = cast<RankedTensorType>(g.getType());
      g = MulOp::create(builder, loc, g,
                        CastOp::create(builder, loc,
                                       RankedTensorType::get(
                                           {}, type.getElementType()),
                                       coefficient));
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

    MLIRContext *ctx = module.getContext();
    OpBuilder builder(ctx);
    Location loc = forward.getLoc();

    // Signature: parameters, optimizer state, inputs. Every trainable
    // parameter gets its state arguments up front; those of parameters the
    // loss turns out not to depend on are erased at the end, all at once
    // (inserting or erasing arguments one by one is quadratic in their
    // number).
    SmallVector<const ModelArg *> params, inputs;
    for (const ModelArg &a : sig->args)
      (a.kind == ModelArg::Kind::Param ? params : inputs).push_back(&a);
    auto stateAttrs = [&](StringRef name, bool counter) {
      SmallVector<NamedAttribute> attrs = {
          named(builder, attr::kState, builder.getStringAttr(name)),
          named(builder, attr::kInit,
                InitAttr::get(ctx, InitKind::zeros, 0.0, 0.0))};
      if (counter)
        attrs.push_back(named(builder, attr::kCounter, builder.getUnitAttr()));
      return builder.getDictionaryAttr(attrs);
    };
    SmallVector<Type> argTypes;
    SmallVector<DictionaryAttr> argAttrs;
    for (const ModelArg *a : params) {
      argTypes.push_back(a->type);
      argAttrs.push_back(forward.getArgAttrDict(a->index));
    }
    unsigned stepArg = argTypes.size();
    if (config.needsStep()) {
      argTypes.push_back(RankedTensorType::get({}, builder.getI64Type()));
      argAttrs.push_back(stateAttrs(kStepName, /*counter=*/true));
    }
    // The first state argument of params[i], for trainable ones.
    llvm::DenseMap<unsigned, unsigned> firstStateArg;
    SmallVector<StringRef> perParam = config.perParamStates();
    for (auto [i, p] : llvm::enumerate(params)) {
      if (p->frozen)
        continue;
      firstStateArg[i] = argTypes.size();
      for (StringRef s : perParam) {
        argTypes.push_back(p->type);
        argAttrs.push_back(stateAttrs(p->name + "." + s.str(), false));
      }
    }
    unsigned firstInput = argTypes.size();
    for (const ModelArg *a : inputs) {
      argTypes.push_back(a->type);
      argAttrs.push_back(forward.getArgAttrDict(a->index));
    }

    builder.setInsertionPointAfter(forward);
    auto step = func::FuncOp::create(builder, loc, "train_step",
                                     builder.getFunctionType(argTypes, {}));
    step.setAllArgAttrs(argAttrs);
    Block *block = step.addEntryBlock();
    IRMapping mapping;
    for (auto [i, a] : llvm::enumerate(params))
      mapping.map(forward.getArgument(a->index), block->getArgument(i));
    for (auto [i, a] : llvm::enumerate(inputs))
      mapping.map(forward.getArgument(a->index),
                  block->getArgument(firstInput + i));

    builder.setInsertionPointToStart(block);
    auto ret = cast<func::ReturnOp>(forward.getBody().front().getTerminator());
    for (Operation &op : forward.getBody().front().without_terminator())
      builder.clone(op, mapping);
    SmallVector<Value> outputs;
    for (Value v : ret.getOperands())
      outputs.push_back(mapping.lookup(v));

    // Gradients of the loss with respect to the trainable parameters.
    SmallVector<unsigned> trainable; // positions in params
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

    Value oldStep, newStep;
    if (config.needsStep()) {
      oldStep = block->getArgument(stepArg);
      newStep =
          AddOp::create(builder, loc, oldStep,
                        buildScalar(builder, loc, builder.getI64Type(), 1));
    }
    Value gradNorm;
    if (config.clip > 0)
      gradNorm = clipGradients(builder, loc, config.clip, *grads);

    OptimizerEmitter emitter(builder, loc, config, oldStep, newStep);
    SmallVector<Value> results;
    SmallVector<DictionaryAttr> resultAttrs;
    auto addResult = [&](Value v, StringRef key, StringRef name) {
      results.push_back(v);
      resultAttrs.push_back(builder.getDictionaryAttr(
          named(builder, key, builder.getStringAttr(name))));
    };
    SmallVector<std::pair<Value, std::string>> stateUpdates;
    SmallVector<const ModelArg *> unaffected;
    llvm::BitVector unusedArgs(argTypes.size());
    for (auto [i, g] : llvm::zip(trainable, *grads)) {
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
      addResult(updated[0], attr::kUpdate, param->name);
      for (auto [v, name] :
           llvm::zip(ArrayRef(updated).drop_front(), stateNames))
        stateUpdates.push_back({v, name});
    }
    warnUnaffected(forward, unaffected);
    for (auto &[v, name] : stateUpdates)
      addResult(v, attr::kUpdate, name);
    if (newStep)
      addResult(newStep, attr::kUpdate, kStepName);
    for (const ModelResult &r : sig->results)
      addResult(outputs[r.index], attr::kOutput, r.name);
    if (config.hasSchedule())
      addResult(emitter.learningRate(), attr::kOutput, kLrName);
    if (gradNorm)
      addResult(gradNorm, attr::kOutput, kGradNormName);

    func::ReturnOp::create(builder, loc, results);
    if (failed(step.eraseArguments(unusedArgs)))
      return failure();
    step.setType(builder.getFunctionType(step.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
    step.setAllResultAttrs(resultAttrs);
    step->setAttr(attr::kKind, builder.getStringAttr(kTrainKind));
    step->setAttr(attr::kOptimizer, builder.getStringAttr(config.describe()));
    eraseDeadOps(*block);
    return success();
  }
};

} // namespace
