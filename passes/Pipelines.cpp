// The compile pipeline: what `mlc compile` and `mlc-opt -mlc-compile` run
// before a model is exported.
#include "passes/Pipelines.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;

namespace mlc {

namespace {

/// Whether `word` is non-empty and made of characters that need no quoting
/// in a pass option string: letters, digits and `.+-_`.
bool isPlainWord(StringRef word) {
  return !word.empty() && llvm::all_of(word, [](char c) {
    return llvm::isAlnum(c) || c == '.' || c == '+' || c == '-' || c == '_';
  });
}

/// The size of axis `name` in the mesh spec `spec` ("dp=2,pp=2"); 0 when
/// it has none (or does not parse: its error comes from where it is used).
int64_t meshAxisSize(StringRef spec, StringRef name) {
  MeshSpec axes;
  std::string error;
  if (spec.empty() || failed(parseMeshSpec(spec, axes, error)))
    return 0;
  for (auto &[axis, size] : axes)
    if (axis == name)
      return size;
  return 0;
}

} // namespace

FailureOr<std::string> trainSpecToPassOptions(StringRef spec,
                                              std::string &error) {
  SmallVector<StringRef> parts;
  spec.split(parts, ',', -1, /*KeepEmpty=*/true);
  StringRef optimizer = parts.empty() ? "" : parts[0].trim();
  if (optimizer.empty() || optimizer.contains('=')) {
    error = "--train needs an optimizer first, e.g. --train sgd,lr=0.1 or "
            "--train adam,lr=1e-3";
    return failure();
  }
  if (!isPlainWord(optimizer)) {
    error = "--train optimizer '" + optimizer.str() +
            "' is not a name (expected sgd, adam or adamw)";
    return failure();
  }
  std::string options = "optimizer=" + optimizer.str();
  for (StringRef part : llvm::drop_begin(parts)) {
    auto [key, value] = part.split('=');
    key = key.trim();
    value = value.trim();
    if (key.empty() || value.empty() || !part.contains('=')) {
      error = "--train option '" + part.str() +
              "' is not of the form key=value (options are separated by "
              "commas: sgd,lr=0.1,momentum=0.9)";
      return failure();
    }
    if (!isPlainWord(key) || !isPlainWord(value)) {
      error = "--train option '" + part.str() + "' has a " +
              (llvm::any_of(part, llvm::isSpace) ? "space" : "character") +
              " that is not part of a key or number; separate options with "
              "commas: sgd,lr=0.1,momentum=0.9";
      return failure();
    }
    options += " " + key.str() + "=" + value.str();
  }
  return options;
}

FailureOr<std::string> compilePipelineText(const CompileSettings &settings,
                                           std::string &error) {
  if (!isPlainWord(settings.func)) {
    error = "--func '" + settings.func + "' is not a function name";
    return failure();
  }
  std::string text = "mlc-compile{func=" + settings.func;
  if (!settings.evalFunc.empty()) {
    if (!isPlainWord(settings.evalFunc)) {
      error = "--eval-func '" + settings.evalFunc + "' is not a function name";
      return failure();
    }
    text += " eval-func=" + settings.evalFunc;
  }
  if (!settings.train.empty()) {
    if (failed(trainSpecToPassOptions(settings.train, error)))
      return failure();
    text += " train=" + settings.train;
  }
  if (!settings.mesh.empty()) {
    MeshSpec axes;
    if (failed(parseMeshSpec(settings.mesh, axes, error)))
      return failure();
    std::string canonical;
    for (auto &[name, size] : axes)
      canonical +=
          (canonical.empty() ? "" : ",") + name + "=" + std::to_string(size);
    text += " mesh=" + canonical;
  }
  if (!(settings.bucketMb >= 0) || !std::isfinite(settings.bucketMb)) {
    error = "--bucket-mb must be a number of MiB >= 0, found " +
            std::to_string(settings.bucketMb);
    return failure();
  }
  if (settings.bucketMb != 25.0)
    text += " bucket-mb=" + std::to_string(settings.bucketMb);
  if (settings.zero < 0 || settings.zero > 3) {
    error = "--zero " + std::to_string(settings.zero) +
            ": the ZeRO stage is 0, 1, 2 or 3";
    return failure();
  }
  if (settings.zero != 0) {
    if (settings.mesh.empty()) {
      error = "--zero " + std::to_string(settings.zero) +
              " shards training state over the dp axis of a mesh; it needs "
              "--mesh dp=N";
      return failure();
    }
    text += " zero=" + std::to_string(settings.zero);
  }
  bool pipelined = meshAxisSize(settings.mesh, "pp") > 0;
  if (settings.microBatches < 1) {
    error = "--microbatches must be at least 1, found " +
            std::to_string(settings.microBatches);
    return failure();
  }
  if (settings.schedule != "gpipe" && settings.schedule != "1f1b") {
    error = "--schedule '" + settings.schedule + "' is not gpipe or 1f1b";
    return failure();
  }
  if (!pipelined &&
      (settings.microBatches != 1 || settings.schedule != "1f1b")) {
    error = "--microbatches and --schedule order the stages of a pipeline; "
            "they need a mesh with a pp axis (--mesh pp=N)";
    return failure();
  }
  if (settings.microBatches != 1)
    text += " micro-batches=" + std::to_string(settings.microBatches);
  if (settings.schedule != "1f1b")
    text += " schedule=" + settings.schedule;
  if (!settings.fuse)
    text += " fuse=false";
  if (!settings.planMemory)
    text += " plan-memory=false";
  return text + "}";
}

LogicalResult
buildCompilePipeline(OpPassManager &pm, const CompileOptions &options,
                     function_ref<LogicalResult(const Twine &)> errorHandler) {
  if (!isPlainWord(options.func))
    return errorHandler("func '" + options.func + "' is not a function name");
  if (!options.evalFunc.empty() && !isPlainWord(options.evalFunc))
    return errorHandler("eval-func '" + options.evalFunc +
                        "' is not a function name");
  // Block functions (model files may call one per transformer block) are
  // inlined first: autodiff and export see one function per entry point.
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addNestedPass<func::FuncOp>(createLowerEinsum());
  if (!options.evalFunc.empty()) {
    EvalFuncOptions evalFunc;
    evalFunc.funcName = options.func;
    evalFunc.evalFuncName = options.evalFunc;
    pm.addPass(createEvalFunc(evalFunc));
  }
  if (!options.mesh.empty()) {
    MeshSpec axes;
    std::string error;
    if (failed(parseMeshSpec(options.mesh, axes, error)))
      return errorHandler(error);
    // Tensor parallelism first: it splits the weights and the features
    // within each rank's rows, which data parallelism then splits.
    if (llvm::any_of(axes, [](auto &axis) { return axis.first == "tp"; })) {
      TensorParallelOptions tp;
      tp.mesh = options.mesh;
      pm.addPass(createTensorParallel(tp));
    }
    DataParallelOptions dp;
    dp.mesh = options.mesh;
    pm.addPass(createDataParallel(dp));
  }
  bool pipelined = meshAxisSize(options.mesh, "pp") > 1;
  if (pipelined) {
    PipelineOptions pipeline;
    pipeline.funcName = options.func;
    pipeline.microBatches = options.microBatches;
    pipeline.schedule = options.schedule;
    pm.addPass(createPipeline(pipeline));
  } else if (options.microBatches != 1) {
    return errorHandler("micro-batches=" + Twine(options.microBatches) +
                        " splits the batch of a pipeline; it needs a mesh "
                        "with a pp axis of at least 2 stages (mesh=pp=N)");
  }
  if (options.train.empty()) {
    EvalEntryOptions eval;
    eval.funcName = options.func;
    pm.addPass(createEvalEntry(eval));
  } else {
    std::string error;
    FailureOr<std::string> passOptions =
        trainSpecToPassOptions(options.train, error);
    if (failed(passOptions))
      return errorHandler(error);
    std::unique_ptr<Pass> trainStep = createTrainStep();
    std::string all = "func=" + options.func + " " + *passOptions;
    if (failed(trainStep->initializeOptions(all, [&](const Twine &message) {
          // Keep MLIR's first line ("no such option foo") without its prefix.
          std::string text = message.str();
          StringRef first = StringRef(text).split('\n').first;
          first.consume_front("<Pass-Options-Parser>: ");
          return errorHandler("--train " + options.train + ": " + first.trim());
        })))
      return failure();
    pm.addPass(std::move(trainStep));
  }
  if (options.zero < 0 || options.zero > 3)
    return errorHandler("zero must be 0, 1, 2 or 3");
  if (options.zero != 0 && meshAxisSize(options.mesh, "dp") == 0)
    return errorHandler("zero=" + Twine(options.zero) +
                        " needs a mesh with a dp axis (mesh=dp=N)");
  // A pipeline's stages are programs of their own (nested modules), each
  // compiled on from here as one module is.
  if (pipelined)
    pm.addPass(createPipelineSplit());
  OpPassManager &rest = pipelined ? pm.nest<ModuleOp>() : pm;
  // ZeRO's stage 3 gathers a parameter in the backward pass again, which
  // CSE would merge with the forward pass's gather: it runs after CSE.
  // Each stage of a pipeline shards its own state over dp.
  if (options.zero != 0) {
    rest.addPass(createCanonicalizerPass());
    rest.addPass(createCSEPass());
    ZeroOptions zero;
    zero.stage = options.zero;
    rest.addPass(createZero(zero));
  }
  if (!options.mesh.empty()) {
    if (!(options.bucketMb >= 0))
      return errorHandler("bucket-mb must be >= 0");
    rest.addNestedPass<func::FuncOp>(createLowerFanOut());
    BucketAllReduceOptions buckets;
    buckets.bucketMb = options.bucketMb;
    rest.addNestedPass<func::FuncOp>(createBucketAllReduce(buckets));
  }
  if (options.zero == 0) {
    rest.addPass(createCanonicalizerPass());
    rest.addPass(createCSEPass());
  }
  if (options.fuse) {
    rest.addNestedPass<func::FuncOp>(createFuseCrossEntropy());
    rest.addNestedPass<func::FuncOp>(createFuse());
  }
  // Last: the plan describes the functions as they are exported.
  if (options.planMemory)
    rest.addPass(createPlanMemory());
  return success();
}

void registerCompilePipeline() {
  registerPassPipeline(
      "mlc-compile",
      "The pipeline of `mlc compile`: inline calls, lower einsum, choose the "
      "eval function (eval-func=NAME), split the batch over a mesh "
      "(mesh=dp=N) and its blocks over tp (mesh=tp=N or dp=N,tp=M), cut it "
      "into pipeline stages (mesh=pp=K, micro-batches=M, schedule=gpipe|1f1b), "
      "build the train step (train=SPEC) or the eval entry point, shard it "
      "with "
      "ZeRO (zero=1|2|3), drop the f operators of tp, bucket the all-reduces "
      "and reduce-scatters (bucket-mb=S), split the stages into programs, "
      "canonicalize, CSE, fuse the "
      "cross-entropy with its gradient and fuse (unless fuse=false), plan "
      "memory (unless plan-memory=false)",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        CompileOptions options;
        std::string parseErrors;
        llvm::raw_string_ostream errs(parseErrors);
        if (failed(options.parseFromString(text, errs)))
          return errorHandler(parseErrors);
        return buildCompilePipeline(pm, options, errorHandler);
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optionHandler) {
        optionHandler(CompileOptions());
      });
}

} // namespace mlc
