// -mlc-eval-func: a second function of the model file, with the model's
// parameters and inputs of another batch size, becomes the eval entry point.
#include "passes/Passes.h"

#include "ir/MlcModel.h"

#include "llvm/ADT/StringMap.h"

namespace mlc {
#define GEN_PASS_DEF_EVALFUNC
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace mlc {

func::FuncOp findChosenEvalEntry(ModuleOp module, func::FuncOp model) {
  for (auto func : module.getOps<func::FuncOp>()) {
    auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
    if (func != model && kind && kind.getValue() == kEvalKind)
      return func;
  }
  return nullptr;
}

} // namespace mlc

namespace {

struct EvalFuncPass : mlc::impl::EvalFuncBase<EvalFuncPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module.lookupSymbol<func::FuncOp>(funcName);
    if (!model) {
      module.emitError() << "no model function @" << funcName;
      return signalPassFailure();
    }
    if (evalFuncName.empty())
      return; // nothing chosen: the eval entry is derived from the model
    if (evalFuncName == funcName) {
      model.emitError() << "eval-func @" << evalFuncName
                        << " is the model function itself; name a second "
                           "function, or leave eval-func out";
      return signalPassFailure();
    }
    auto eval = module.lookupSymbol<func::FuncOp>(evalFuncName);
    if (!eval) {
      module.emitError() << "no eval function @" << evalFuncName
                         << " (eval-func)";
      return signalPassFailure();
    }
    if (failed(checkSameParams(model, eval)))
      return signalPassFailure();
    eval->setAttr(attr::kKind, StringAttr::get(&getContext(), kEvalKind));
  }

  /// The eval function reads the model's parameters: the same names, each
  /// with the same type and initializer (it shares their buffers), and no
  /// others. It is a forward function: no optimizer state, no updates.
  static LogicalResult checkSameParams(func::FuncOp model, func::FuncOp eval) {
    FailureOr<ModelSignature> modelSig = getModelSignature(model);
    FailureOr<ModelSignature> evalSig = getModelSignature(eval);
    if (failed(modelSig) || failed(evalSig))
      return failure();
    StringRef m = model.getSymName(), e = eval.getSymName();
    for (const ModelArg &a : evalSig->args)
      if (a.kind == ModelArg::Kind::State)
        return eval.emitError() << "argument #" << a.index << " of @" << e
                                << " is optimizer state; an eval function "
                                   "takes inputs and parameters";
    for (const ModelResult &r : evalSig->results)
      if (r.kind == ModelResult::Kind::Update)
        return eval.emitError() << "result #" << r.index << " of @" << e
                                << " is an update; an eval function reports "
                                   "outputs";
    if (eval.getNumResults() == 0)
      return eval.emitError() << "@" << e
                              << " returns nothing; an eval "
                                 "function returns its loss first";
    llvm::StringMap<const ModelArg *> evalParams;
    for (const ModelArg &a : evalSig->args)
      if (a.kind == ModelArg::Kind::Param)
        evalParams[a.name] = &a;
    for (const ModelArg &p : modelSig->args) {
      if (p.kind != ModelArg::Kind::Param)
        continue;
      const ModelArg *q = evalParams.lookup(p.name);
      if (!q)
        return eval.emitError()
               << "@" << e << " has no parameter '" << p.name
               << "', a parameter of @" << m << " (" << p.type
               << "); an eval function takes the model's parameters";
      if (q->type != p.type)
        return eval.emitError()
               << "parameter '" << p.name << "' is " << q->type << " in @" << e
               << " but " << p.type << " in @" << m;
      if (q->init != p.init)
        return eval.emitError()
               << "parameter '" << p.name << "' has initializer "
               << describeInit(q->init) << " in @" << e << " but "
               << describeInit(p.init) << " in @" << m;
      evalParams.erase(p.name);
    }
    for (const ModelArg &q : evalSig->args)
      if (q.kind == ModelArg::Kind::Param && evalParams.count(q.name))
        return eval.emitError() << "parameter '" << q.name << "' of @" << e
                                << " is not a parameter of @" << m;
    return success();
  }

  static std::string describeInit(InitAttr init) {
    if (!init)
      return "none";
    std::string s;
    llvm::raw_string_ostream os(s);
    os << Attribute(init);
    return s;
  }
};

} // namespace
