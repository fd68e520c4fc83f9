// -mlc-train-step: builds @train_step (forward, reverse mode, optimizer
// update) from a model function and renames the model function to @eval.
#include "passes/Optimizers.h"
#include "passes/Passes.h"
#include "passes/ReverseMode.h"

#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"

namespace mlc {
#define GEN_PASS_DEF_TRAINSTEP
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kStepName = "step";

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
    // lr and weight-decay default per optimizer; -1 (their default in
    // Passes.td, also in TrainStepOptions) stands for "not given". Any other
    // negative value is passed on, to be rejected.
    auto given = [](double value) -> std::optional<double> {
      if (value == -1.0)
        return std::nullopt;
      return value;
    };
    FailureOr<OptimizerConfig> config = OptimizerConfig::create(
        optimizer, given(lr), momentum, dampening, nesterov, given(weightDecay),
        beta1, beta2, eps, amsgrad, [&] { return forward.emitError(); });
    if (failed(config) || failed(checkModel(module, forward)))
      return signalPassFailure();
    if (failed(buildTrainStep(module, forward, *config)))
      return signalPassFailure();
    forward.setSymName("eval");
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
    for (const ModelResult &r : sig.results)
      if (llvm::is_contained(updated, r.name))
        return forward.emitError()
               << "result #" << r.index << " is named '" << r.name
               << "', the name of a value @train_step updates";
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

    MLIRContext *ctx = module.getContext();
    OpBuilder builder(ctx);
    Location loc = forward.getLoc();

    // Signature: parameters, then inputs; optimizer state is inserted
    // between them once we know which parameters get a gradient.
    SmallVector<const ModelArg *> ordered;
    for (const ModelArg &a : sig->args)
      if (a.kind == ModelArg::Kind::Param)
        ordered.push_back(&a);
    unsigned numParams = ordered.size();
    for (const ModelArg &a : sig->args)
      if (a.kind == ModelArg::Kind::Input)
        ordered.push_back(&a);
    SmallVector<Type> argTypes;
    SmallVector<DictionaryAttr> argAttrs;
    for (const ModelArg *a : ordered) {
      argTypes.push_back(a->type);
      argAttrs.push_back(forward.getArgAttrDict(a->index));
    }

    builder.setInsertionPointAfter(forward);
    auto step = func::FuncOp::create(builder, loc, "train_step",
                                     builder.getFunctionType(argTypes, {}));
    step.setAllArgAttrs(argAttrs);
    Block *block = step.addEntryBlock();
    IRMapping mapping;
    for (auto [i, a] : llvm::enumerate(ordered))
      mapping.map(forward.getArgument(a->index), block->getArgument(i));

    builder.setInsertionPointToStart(block);
    auto ret = cast<func::ReturnOp>(forward.getBody().front().getTerminator());
    for (Operation &op : forward.getBody().front().without_terminator())
      builder.clone(op, mapping);
    SmallVector<Value> outputs;
    for (Value v : ret.getOperands())
      outputs.push_back(mapping.lookup(v));

    // Gradients of the loss with respect to the trainable parameters.
    SmallVector<unsigned> trainable; // positions among the first numParams
    SmallVector<Value> wrt;
    for (unsigned i = 0; i < numParams; ++i)
      if (!ordered[i]->frozen) {
        trainable.push_back(i);
        wrt.push_back(block->getArgument(i));
      }
    FailureOr<SmallVector<Value>> grads =
        buildReverseMode(builder, outputs[0], wrt);
    if (failed(grads))
      return failure();

    // Optimizer state arguments, right after the parameters.
    unsigned nextStateArg = numParams;
    auto addState = [&](StringRef name, RankedTensorType type) {
      NamedAttribute attrs[] = {
          named(builder, attr::kState, builder.getStringAttr(name)),
          named(builder, attr::kInit,
                InitAttr::get(ctx, InitKind::zeros, 0.0, 0.0))};
      (void)step.insertArgument(nextStateArg, type,
                                builder.getDictionaryAttr(attrs), loc);
      return step.getArgument(nextStateArg++);
    };
    Value oldStep, newStep;
    if (config.needsStep()) {
      auto stepType = RankedTensorType::get({}, builder.getI64Type());
      oldStep = addState(kStepName, stepType);
      newStep =
          AddOp::create(builder, loc, oldStep,
                        buildScalar(builder, loc, builder.getI64Type(), 1));
    }

    OptimizerEmitter emitter(builder, loc, config, oldStep, newStep);
    SmallVector<Value> results;
    SmallVector<DictionaryAttr> resultAttrs;
    auto addResult = [&](Value v, StringRef key, StringRef name) {
      results.push_back(v);
      resultAttrs.push_back(builder.getDictionaryAttr(
          named(builder, key, builder.getStringAttr(name))));
    };
    SmallVector<std::pair<Value, std::string>> stateUpdates;
    for (auto [i, g] : llvm::zip(trainable, *grads)) {
      const ModelArg *param = ordered[i];
      if (!g) {
        forward.emitWarning() << "parameter '" << param->name
                              << "' does not affect the loss; it gets no "
                                 "gradient and is not updated";
        continue;
      }
      SmallVector<Value> states;
      SmallVector<std::string> stateNames;
      for (StringRef s : config.perParamStates()) {
        stateNames.push_back(param->name + "." + s.str());
        states.push_back(addState(stateNames.back(), param->type));
      }
      SmallVector<Value> updated =
          emitter.update(step.getArgument(i), g, states);
      addResult(updated[0], attr::kUpdate, param->name);
      for (auto [v, name] :
           llvm::zip(ArrayRef(updated).drop_front(), stateNames))
        stateUpdates.push_back({v, name});
    }
    for (auto &[v, name] : stateUpdates)
      addResult(v, attr::kUpdate, name);
    if (newStep)
      addResult(newStep, attr::kUpdate, kStepName);
    for (const ModelResult &r : sig->results)
      addResult(outputs[r.index], attr::kOutput, r.name);

    func::ReturnOp::create(builder, loc, results);
    step.setType(builder.getFunctionType(step.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
    step.setAllResultAttrs(resultAttrs);
    step->setAttr("mlc.optimizer", builder.getStringAttr(config.describe()));
    eraseDeadOps(*block);
    return success();
  }
};

} // namespace
