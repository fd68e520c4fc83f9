// -mlc-eval-entry: the model function becomes the @eval entry point of an
// inference-only executable. A module of prefill/decode functions alone
// needs no @eval and is left as it is.
#include "passes/Passes.h"

#include "ir/MlcModel.h"

namespace mlc {
#define GEN_PASS_DEF_EVALENTRY
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

struct EvalEntryPass : mlc::impl::EvalEntryBase<EvalEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(funcName);
    if (!forward) {
      bool inference =
          llvm::any_of(module.getOps<func::FuncOp>(),
                       [](func::FuncOp f) { return isInferenceKind(f); });
      if (inference)
        return;
      module.emitError() << "no model function @" << funcName;
      return signalPassFailure();
    }
    if (findChosenEvalEntry(module, forward)) { // -mlc-eval-func's replaces it
      if (failed(getModelSignature(forward)))
        return signalPassFailure();
      forward.erase();
      return;
    }
    if (funcName != "eval" && module.lookupSymbol("eval")) {
      forward.emitError()
          << "cannot add @eval: the module already has that symbol";
      return signalPassFailure();
    }
    if (failed(getModelSignature(forward)))
      return signalPassFailure();
    forward.setSymName("eval");
    forward->setAttr(attr::kKind, StringAttr::get(&getContext(), kEvalKind));
  }
};

} // namespace
