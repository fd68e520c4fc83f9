// -mlc-autodiff: adds @<func>_grad returning the model's outputs and the
// gradients of its loss with respect to every trainable parameter.
#include "passes/Passes.h"
#include "passes/ReverseMode.h"

#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

namespace mlc {
#define GEN_PASS_DEF_AUTODIFF
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

struct AutodiffPass : mlc::impl::AutodiffBase<AutodiffPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(funcName);
    if (!func) {
      module.emitError() << "no function @" << funcName << " to differentiate";
      return signalPassFailure();
    }
    FailureOr<ModelSignature> sig = getModelSignature(func);
    if (failed(sig) || !func.getBody().hasOneBlock() ||
        func.getNumResults() == 0) {
      if (succeeded(sig))
        func.emitError() << "a model function has one block and returns its "
                            "loss first";
      return signalPassFailure();
    }
    for (const ModelArg *p : sig->trainableParams())
      for (const ModelResult &r : sig->results)
        if (r.name == "grad." + p->name) {
          func.emitError() << "result #" << r.index << " is named '" << r.name
                           << "', the name of the gradient of '" << p->name
                           << "'";
          return signalPassFailure();
        }
    std::string gradName = funcName + "_grad";
    if (module.lookupSymbol(gradName)) {
      func.emitError() << "cannot add @" << gradName
                       << ": the module already has that symbol";
      return signalPassFailure();
    }

    auto grad = cast<func::FuncOp>(func->clone());
    grad.setSymName(gradName);
    module.insert(++Block::iterator(func), grad);

    Block &body = grad.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    OpBuilder builder(ret);
    SmallVector<const ModelArg *> params = sig->trainableParams();
    SmallVector<Value> wrt;
    for (const ModelArg *p : params)
      wrt.push_back(body.getArgument(p->index));
    FailureOr<SmallVector<Value>> grads =
        buildReverseMode(builder, ret.getOperand(0), wrt);
    if (failed(grads))
      return signalPassFailure();

    SmallVector<Value> results(ret.getOperands());
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0; i < grad.getNumResults(); ++i)
      resultAttrs.push_back(grad.getResultAttrDict(i)
                                ? grad.getResultAttrDict(i)
                                : builder.getDictionaryAttr({}));
    for (auto [param, g] : llvm::zip(params, *grads)) {
      if (!g) {
        // The loss does not depend on this parameter: its gradient is zero.
        auto type = param->type;
        g = ConstantOp::create(
            builder, ret.getLoc(), type,
            DenseElementsAttr::get(type,
                                   builder.getZeroAttr(type.getElementType())));
      }
      results.push_back(g);
      resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
          attr::kOutput, builder.getStringAttr("grad." + param->name))));
    }
    func::ReturnOp::create(builder, ret.getLoc(), results);
    ret.erase();
    grad.setType(builder.getFunctionType(grad.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
    grad.setAllResultAttrs(resultAttrs);
    eraseDeadOps(body);
  }
};

} // namespace
