// The pass pipelines the mlc driver runs before exporting a model.
#include "passes/Pipelines.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace mlc {

FailureOr<std::string> trainSpecToPassOptions(StringRef spec,
                                              std::string &error) {
  SmallVector<StringRef> parts;
  spec.split(parts, ',', -1, /*KeepEmpty=*/false);
  if (parts.empty() || parts[0].contains('=')) {
    error = "--train needs an optimizer first, e.g. --train sgd,lr=0.1 or "
            "--train adam,lr=1e-3";
    return failure();
  }
  std::string options = "optimizer=" + parts[0].trim().str();
  for (StringRef part : llvm::drop_begin(parts)) {
    auto [key, value] = part.split('=');
    key = key.trim();
    value = value.trim();
    if (key.empty() || value.empty()) {
      error =
          "--train option '" + part.str() + "' is not of the form key=value";
      return failure();
    }
    options += " " + key.str() + "=" + value.str();
  }
  return options;
}

namespace {

/// Renames the model function to @eval for inference-only executables.
struct RenameToEval : PassWrapper<RenameToEval, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(RenameToEval)
  explicit RenameToEval(std::string func) : func(std::move(func)) {}
  StringRef getArgument() const final { return "mlc-rename-to-eval"; }
  void runOnOperation() override {
    auto f = getOperation().lookupSymbol<func::FuncOp>(func);
    if (!f) {
      getOperation().emitError() << "no model function @" << func;
      return signalPassFailure();
    }
    f.setSymName("eval");
  }
  std::string func;
};

} // namespace

LogicalResult buildCompilePipeline(OpPassManager &pm,
                                   const CompileOptions &options,
                                   std::string &error) {
  pm.addNestedPass<func::FuncOp>(createLowerEinsum());
  if (options.train.empty()) {
    pm.addPass(std::make_unique<RenameToEval>(options.func));
  } else {
    FailureOr<std::string> passOptions =
        trainSpecToPassOptions(options.train, error);
    if (failed(passOptions))
      return failure();
    std::string pipeline =
        "mlc-train-step{func=" + options.func + " " + *passOptions + "}";
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (failed(parsePassPipeline(pipeline, pm, errs))) {
      // Keep MLIR's first line ("no such option foo") without its prefix.
      StringRef first = StringRef(parseErrors).split('\n').first;
      first.consume_front("<Pass-Options-Parser>: ");
      error = "--train " + options.train + ": " + first.trim().str();
      return failure();
    }
  }
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  return success();
}

} // namespace mlc
