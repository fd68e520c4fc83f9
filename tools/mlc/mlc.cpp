// mlc: the compiler driver. `mlc compile model.mlir --train adam -o m.mlcx`
// parses a model, runs the compile pipeline and writes an executable;
// `mlc gen`, `mlc import-hf` and `mlc export-hf` write transformers and
// convert their Hugging Face checkpoints.
#include "backends/Export.h"
#include "backends/Target.h"
#include "frontend/HuggingFace.h"
#include "frontend/ModelFile.h"
#include "frontend/ModelGen.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"
#include "tools/mlc/Analyze.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {

constexpr const char *kVersion = "0.1.0";

cl::OptionCategory mlcCategory("mlc options");
cl::SubCommand compileCommand("compile",
                              "Compile a model file into an .mlcx executable");
cl::SubCommand
    analyzeCommand("analyze",
                   "Report what a compiled model costs (FLOPs, bytes, memory) "
                   "without running it");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                               cl::Required, cl::sub(compileCommand),
                               cl::sub(analyzeCommand), cl::cat(mlcCategory));
cl::opt<std::string> outputFile("o",
                                cl::desc("Output executable (default: "
                                         "the model name with .mlcx; with "
                                         "--emit-mlir: stdout)"),
                                cl::value_desc("file"),
                                cl::sub(compileCommand), cl::cat(mlcCategory));
cl::opt<std::string> trainSpec(
    "train",
    cl::desc("Build a training step: optimizer and options, e.g. "
             "sgd,lr=0.1,momentum=0.9 or adamw,lr=1e-3,weight-decay=0.01"),
    cl::value_desc("spec"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::cat(mlcCategory));
cl::opt<std::string> targetName("target", cl::desc("Target device (cpu)"),
                                cl::init("cpu"), cl::sub(compileCommand), cl::cat(mlcCategory));
cl::opt<std::string> funcName("func", cl::desc("Model function"),
                              cl::init("forward"), cl::sub(compileCommand),
                              cl::sub(analyzeCommand), cl::cat(mlcCategory));
cl::opt<std::string> evalFuncName(
    "eval-func",
    cl::desc("Export this function of the model file as the eval entry "
             "point (the model's parameters, inputs of another batch size) "
             "instead of the one derived from --func"),
    cl::value_desc("name"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::cat(mlcCategory));
cl::opt<bool> noFuse("no-fuse",
                     cl::desc("Compile op by op, without kernel regions "
                              "(to measure what fusion brings)"),
                     cl::sub(compileCommand), cl::sub(analyzeCommand),
                     cl::cat(mlcCategory));
cl::opt<bool> emitMlir("emit-mlir",
                       cl::desc("Print the compiled IR instead of writing an "
                                "executable"),
                       cl::sub(compileCommand), cl::cat(mlcCategory));
cl::opt<bool> planMemory(
    "plan-memory",
    cl::desc("Plan memory: reuse the memory of dead values and compute "
             "updates in place (default; --plan-memory=false gives every "
             "value memory of its own)"),
    cl::init(true), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::cat(mlcCategory));

cl::opt<bool> analyzeJson("json", cl::desc("Print the report as JSON"),
                          cl::sub(analyzeCommand), cl::cat(mlcCategory));

cl::opt<std::string> meshSpec(
    "mesh",
    cl::desc("Partition over a mesh of ranks, e.g. dp=2, tp=2, pp=2 or "
             "dp=2,tp=2,pp=2: over dp each rank trains on its part of the "
             "batch and the gradients are all-reduced; over tp each rank "
             "holds its heads and its part of the MLPs (Megatron); over pp "
             "each rank runs one stage of the layers (a pipeline of "
             "--microbatches); run the executable with mpirun -np N mlc-run "
             "(N the product of the sizes)"),
    cl::value_desc("axes"), cl::sub(compileCommand), cl::sub(analyzeCommand),
    cl::cat(mlcCategory));
cl::opt<double> bucketMb(
    "bucket-mb",
    cl::desc("With --mesh: all-reduce gradients in buckets of at most this "
             "many MiB, each issued as soon as its gradients exist (default "
             "25; 0: one per gradient)"),
    cl::init(25.0), cl::sub(compileCommand), cl::sub(analyzeCommand), cl::cat(mlcCategory));

cl::opt<int64_t> zeroStage(
    "zero",
    cl::desc("With --mesh dp=N: ZeRO stage 1 (optimizer state sharded over "
             "dp), 2 (gradients too: reduce-scattered) or 3 (parameters "
             "too: gathered before use); 0 (default) keeps them whole"),
    cl::init(0), cl::value_desc("stage"), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::cat(mlcCategory));

cl::opt<int64_t> microBatchCount(
    "microbatches",
    cl::desc("With --mesh pp=K: split each batch into this many "
             "micro-batches, which the stages work on in turn (default 1; "
             "the bubble is (K-1)/(M+K-1))"),
    cl::init(1), cl::value_desc("M"), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::cat(mlcCategory));

cl::opt<std::string> pipelineSchedule(
    "schedule",
    cl::desc("With --mesh pp=K: the order of the micro-batches' passes on "
             "each stage: 1f1b (default; at most K-k micro-batches of "
             "activations live on stage k) or gpipe (every forward pass, "
             "then every backward pass)"),
    cl::init("1f1b"), cl::value_desc("gpipe|1f1b"), cl::sub(compileCommand),
    cl::sub(analyzeCommand), cl::cat(mlcCategory));

cl::SubCommand genCommand(
    "gen", "Write a GPT-2 or LLaMA model file (mlc gen gpt2 --layers 2 ...)");
cl::opt<std::string> genFamily(cl::Positional, cl::desc("<gpt2|llama>"),
                               cl::Required, cl::sub(genCommand),
                               cl::cat(mlcCategory));
cl::opt<std::string> genOutput("o", cl::desc("Output model file (default: "
                                             "stdout)"),
                               cl::value_desc("file"), cl::init("-"),
                               cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genLayers("layers", cl::desc("Transformer blocks"),
                           cl::Required, cl::sub(genCommand),
                           cl::cat(mlcCategory));
cl::opt<int64_t> genHeads("heads", cl::desc("Attention heads"), cl::Required,
                          cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genKvHeads(
    "kv-heads",
    cl::desc("Key/value heads, dividing --heads (llama; default: --heads; 1 "
             "is multi-query attention)"),
    cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genDim("dim", cl::desc("Model width"), cl::Required,
                        cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genFfnDim(
    "ffn-dim",
    cl::desc("MLP width (default: 4 * dim for gpt2; 8 * dim / 3 rounded up "
             "to a multiple of 32 for llama)"),
    cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genVocab("vocab", cl::desc("Vocabulary size"), cl::Required,
                          cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genContext("context",
                            cl::desc("Longest sequence the model reads (the "
                                     "KV cache's length)"),
                            cl::Required, cl::sub(genCommand),
                            cl::cat(mlcCategory));
cl::opt<int64_t> genBatch("batch", cl::desc("Training batch size"),
                          cl::Required, cl::sub(genCommand),
                          cl::cat(mlcCategory));
cl::opt<int64_t> genSeq("seq", cl::desc("Training sequence length"),
                        cl::Required, cl::sub(genCommand),
                        cl::cat(mlcCategory));
cl::opt<int64_t> genEvalBatch("eval-batch",
                              cl::desc("Batch size of @forward_eval "
                                       "(default: --batch)"),
                              cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<int64_t> genPrefill("prefill",
                            cl::desc("Tokens of one @prefill call, the "
                                     "longest prompt (default: --context)"),
                            cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<double> genNormEps("norm-eps",
                           cl::desc("LayerNorm / RMSNorm epsilon (default: "
                                    "1e-5 gpt2, 1e-6 llama)"),
                           cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<double> genRopeTheta("rope-theta",
                             cl::desc("Rotary embedding base (llama)"),
                             cl::init(10000.0), cl::sub(genCommand),
                             cl::cat(mlcCategory));
cl::opt<bool> genTie("tie-embeddings",
                     cl::desc("llama: share the token embedding with the LM "
                              "head (gpt2 always does)"),
                     cl::sub(genCommand), cl::cat(mlcCategory));
cl::opt<bool> genNoGeneration("no-generation",
                              cl::desc("Leave out @prefill and @decode"),
                              cl::sub(genCommand), cl::cat(mlcCategory));

cl::SubCommand
    importCommand("import-hf",
                  "Import a Hugging Face GPT-2 or LLaMA folder (config.json, "
                  "safetensors weights) as a model file and a parameter file");
cl::opt<std::string> importDir(cl::Positional, cl::desc("<folder>"),
                               cl::Required, cl::sub(importCommand),
                               cl::cat(mlcCategory));
cl::opt<std::string> importOutput("o", cl::desc("Output model file"),
                                  cl::value_desc("file"), cl::Required,
                                  cl::sub(importCommand), cl::cat(mlcCategory));
cl::opt<std::string> importParams(
    "params",
    cl::desc("Output parameter file (safetensors, for mlc-run --init-from)"),
    cl::value_desc("file"), cl::Required, cl::sub(importCommand),
    cl::cat(mlcCategory));
cl::opt<int64_t> importBatch("batch",
                             cl::desc("Training batch size (default: 1)"),
                             cl::sub(importCommand), cl::cat(mlcCategory));
cl::opt<int64_t> importSeq("seq",
                           cl::desc("Training sequence length (default: the "
                                    "context, n_positions or "
                                    "max_position_embeddings)"),
                           cl::sub(importCommand), cl::cat(mlcCategory));
cl::opt<int64_t> importEvalBatch("eval-batch",
                                 cl::desc("Batch size of @forward_eval "
                                          "(default: --batch)"),
                                 cl::sub(importCommand), cl::cat(mlcCategory));
cl::opt<int64_t> importPrefill("prefill",
                               cl::desc("Tokens of one @prefill call "
                                        "(default: the context)"),
                               cl::sub(importCommand), cl::cat(mlcCategory));
cl::opt<bool> importNoGeneration("no-generation",
                                 cl::desc("Leave out @prefill and @decode"),
                                 cl::sub(importCommand), cl::cat(mlcCategory));

cl::SubCommand
    exportCommand("export-hf",
                  "Write a transformer's parameters as a Hugging Face folder "
                  "(config.json, model.safetensors)");
cl::opt<std::string> exportModel(cl::Positional, cl::desc("<model.mlir>"),
                                 cl::Required, cl::sub(exportCommand),
                                 cl::cat(mlcCategory));
cl::opt<std::string> exportParams(cl::Positional,
                                  cl::desc("<params.safetensors>"),
                                  cl::Required, cl::sub(exportCommand),
                                  cl::cat(mlcCategory));
cl::opt<std::string> exportDir("o", cl::desc("Output folder"),
                               cl::value_desc("folder"), cl::Required,
                               cl::sub(exportCommand), cl::cat(mlcCategory));

std::string defaultOutput(llvm::StringRef input) {
  llvm::SmallString<128> path(llvm::sys::path::filename(input));
  llvm::sys::path::replace_extension(path, ".mlcx");
  return std::string(path);
}

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "mlc") << message << "\n";
  return 1;
}

/// Writes `bytes` to `path` ("-" is stdout). A regular file (or a new one)
/// is replaced atomically: a temporary file in the same folder is written
/// and renamed over it, so a failure leaves the old file as it was. A
/// symlink is written through to its target. Other existing files (a
/// device such as /dev/null) are written directly; a directory is refused.
llvm::Error writeOutput(llvm::StringRef path, llvm::StringRef bytes) {
  auto failure = [&](const llvm::Twine &why) {
    return llvm::createStringError("cannot write '" + path + "': " + why);
  };
  if (path == "-") {
    llvm::outs() << bytes;
    llvm::outs().flush();
    return llvm::Error::success();
  }
  llvm::SmallString<256> target(path);
  if (llvm::sys::fs::exists(path)) {
    if (std::error_code ec = llvm::sys::fs::real_path(path, target))
      return failure(ec.message());
    if (llvm::sys::fs::is_directory(target))
      return failure("it is a directory");
    if (!llvm::sys::fs::is_regular_file(target)) {
      std::error_code ec;
      llvm::raw_fd_ostream os(target, ec);
      if (!ec) {
        os << bytes;
        os.close();
        ec = os.error();
        os.clear_error();
      }
      return ec ? failure(ec.message()) : llvm::Error::success();
    }
  }
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(target + ".tmp-%%%%%%");
  if (!temp)
    return failure(llvm::toString(temp.takeError()));
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    os << bytes;
    os.flush();
    if (std::error_code ec = os.error()) {
      os.clear_error();
      llvm::consumeError(temp->discard());
      return failure(ec.message());
    }
  }
  if (llvm::Error e = temp->keep(target))
    return failure(llvm::toString(std::move(e)));
  return llvm::Error::success();
}

/// Whether `a` and `b` name the same existing file.
bool sameFile(llvm::StringRef a, llvm::StringRef b) {
  bool result = false;
  return !llvm::sys::fs::equivalent(a, b, result) && result;
}

/// Parses and verifies a model file mlc wrote (what mlc writes, it must
/// read) in `context`; null, with diagnostics printed, if it does not.
OwningOpRef<ModuleOp> verifiedModel(llvm::StringRef text,
                                    MLIRContext &context) {
  context.printOpOnDiagnostic(false);
  mlc::loadModelDialects(context);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(text, "generated model"), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

/// The model file compiled as the options say, with the context and the
/// diagnostics its messages need.
struct CompiledModel {
  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics{sourceMgr, &context};
  OwningOpRef<ModuleOp> module;
};

/// Parses the model file and runs the compile pipeline the options
/// describe on it; 0, or the exit code after reporting what failed.
int compileModel(CompiledModel &model) {
  MLIRContext &context = model.context;
  OwningOpRef<ModuleOp> &module = model.module;
  // Diagnostics name the op and its location; a dump of the whole
  // function in generic form would bury them.
  context.printOpOnDiagnostic(false);
  mlc::loadModelDialects(context);
  module = mlc::parseModelFile(inputFile, context, model.sourceMgr);
  if (!module)
    return 1;

  std::string error;
  mlc::CompileSettings settings;
  settings.func = funcName;
  settings.train = trainSpec;
  settings.evalFunc = evalFuncName;
  settings.fuse = !noFuse;
  settings.planMemory = planMemory;
  settings.mesh = meshSpec;
  settings.bucketMb = bucketMb;
  settings.zero = zeroStage;
  settings.microBatches = microBatchCount;
  settings.schedule = pipelineSchedule;
  if (meshSpec.empty() && bucketMb.getNumOccurrences())
    return fail("--bucket-mb sizes the gradient buckets of a mesh; it needs "
                "--mesh dp=N");
  FailureOr<std::string> pipeline = mlc::compilePipelineText(settings, error);
  if (failed(pipeline))
    return fail(error);
  PassManager pm(&context);
  std::string parseErrors;
  llvm::raw_string_ostream errs(parseErrors);
  if (failed(parsePassPipeline(*pipeline, pm, errs))) {
    // The pipeline parser reports on the pipeline text; keep its message.
    StringRef message = StringRef(parseErrors).trim();
    message.consume_front("MLIR Textual PassPipeline Parser:1:1: error: ");
    return fail(message.split('\n').first);
  }
  if (failed(pm.run(*module)))
    return 1;
  return 0;
}

/// `mlc analyze`: the compile pipeline, then the report instead of an
/// executable.
int analyze() {
  CompiledModel model;
  if (int rc = compileModel(model))
    return rc;
  llvm::json::Value report = mlc::analyzeModule(*model.module);
  if (analyzeJson)
    llvm::outs() << llvm::formatv("{0:2}", report) << "\n";
  else
    llvm::outs() << mlc::renderAnalysis(report);
  llvm::outs().flush();
  return 0;
}

int compile() {
  mlc::TargetRegistry targets;
  mlc::registerAllTargets(targets);
  const mlc::Target *target = targets.lookup(targetName);
  if (!target)
    return fail("unknown target '" + targetName +
                "' (this build has: " + targets.names() + ")");
  std::string path = outputFile.empty() ? (emitMlir ? std::string("-")
                                                    : defaultOutput(inputFile))
                                        : std::string(outputFile);
  // The same file by identity (links included): writing would destroy the
  // model.
  if (path != "-" && inputFile != "-" && sameFile(path, inputFile))
    return fail("the output '" + path + "' is the model file '" + inputFile +
                "'; give another -o");

  CompiledModel model;
  if (int rc = compileModel(model))
    return rc;
  OwningOpRef<ModuleOp> &module = model.module;

  std::string bytes;
  if (emitMlir) {
    llvm::raw_string_ostream os(bytes);
    module->print(os);
    os << "\n";
  } else {
    mlc::ExportOptions exportOptions;
    exportOptions.modelName = llvm::sys::path::filename(inputFile).str();
    exportOptions.producer = std::string("mlc ") + kVersion;
    FailureOr<std::string> exported =
        mlc::exportExecutable(*module, *target, exportOptions);
    if (failed(exported))
      return 1;
    bytes = std::move(*exported);
  }
  if (llvm::Error e = writeOutput(path, bytes))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

/// Copies each size option that was given into its field. A size given as
/// 0 or less is an error (reported; returns false), not a request for the
/// default the field keeps when the option is absent.
bool applySizes(
    std::initializer_list<std::pair<cl::opt<int64_t> *, int64_t *>> sizes) {
  for (auto [option, field] : sizes) {
    if (!option->getNumOccurrences())
      continue;
    if (*option <= 0) {
      fail("--" + option->ArgStr + " must be positive, got " +
           llvm::Twine(int64_t(*option)));
      return false;
    }
    *field = *option;
  }
  return true;
}

int gen() {
  mlc::TransformerConfig config;
  if (genFamily == "gpt2")
    config.family = mlc::TransformerConfig::Family::GPT2;
  else if (genFamily == "llama")
    config.family = mlc::TransformerConfig::Family::Llama;
  else
    return fail("unknown model family '" + genFamily +
                "' (expected gpt2 or llama)");
  if (config.family == mlc::TransformerConfig::Family::GPT2) {
    if (genRopeTheta.getNumOccurrences())
      return fail("--rope-theta is for llama; gpt2 has learned positions");
    if (genTie.getNumOccurrences())
      return fail("--tie-embeddings is for llama; gpt2 always ties them");
  }
  config.layers = genLayers;
  config.heads = genHeads;
  config.dim = genDim;
  config.vocab = genVocab;
  config.context = genContext;
  config.batch = genBatch;
  config.seq = genSeq;
  if (!applySizes({{&genKvHeads, &config.kvHeads},
                   {&genFfnDim, &config.ffnDim},
                   {&genEvalBatch, &config.evalBatch},
                   {&genPrefill, &config.prefill}}))
    return 1;
  if (genNormEps.getNumOccurrences()) {
    if (!(genNormEps > 0))
      return fail("--norm-eps must be positive");
    config.normEps = genNormEps;
  }
  config.ropeTheta = genRopeTheta;
  config.tieEmbeddings = genTie;
  config.generation = !genNoGeneration;
  llvm::Expected<std::string> text = mlc::generateTransformer(config);
  if (!text)
    return fail(llvm::toString(text.takeError()));

  MLIRContext context;
  if (!verifiedModel(*text, context))
    return fail("the generated model does not verify (a bug in mlc gen)");
  if (llvm::Error e = writeOutput(genOutput, *text))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

int importHf() {
  llvm::SmallString<256> configPath(importDir);
  llvm::sys::path::append(configPath, "config.json");
  if (!llvm::sys::fs::is_directory(importDir))
    return fail("'" + importDir + "' " +
                (llvm::sys::fs::exists(importDir) ? "is not a folder"
                                                  : "does not exist") +
                "; import-hf reads a Hugging Face model folder");
  if (sameFile(importOutput, importParams) || importOutput == importParams)
    return fail("-o and --params name the same file '" + importParams + "'");
  for (const char *input : {"config.json", "model.safetensors"}) {
    llvm::SmallString<256> path(importDir);
    llvm::sys::path::append(path, input);
    for (const std::string &output :
         {std::string(importOutput), std::string(importParams)})
      if (sameFile(output, path))
        return fail("the output '" + output + "' is the checkpoint's " + input +
                    "; give another");
  }
  auto buffer = llvm::MemoryBuffer::getFile(configPath, /*IsText=*/true);
  if (!buffer)
    return fail(configPath + ": " + buffer.getError().message());
  llvm::Expected<mlc::TransformerConfig> read =
      mlc::configFromHfJson((*buffer)->getBuffer(), configPath);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  mlc::TransformerConfig config = *read;
  config.batch = 1;
  config.seq = config.context;
  if (!applySizes({{&importBatch, &config.batch},
                   {&importSeq, &config.seq},
                   {&importEvalBatch, &config.evalBatch},
                   {&importPrefill, &config.prefill}}))
    return 1;
  config.generation = !importNoGeneration;
  llvm::Expected<std::string> text = mlc::generateTransformer(config);
  if (!text)
    return fail(configPath + " describes a model mlc cannot write: " +
                llvm::toString(text.takeError()));
  std::string source = importDir;
  for (char &c : source)
    if (static_cast<unsigned char>(c) < 0x20)
      c = '?'; // keep the comment on its line
  *text = "// Imported from " + source + " by mlc import-hf.\n" + *text;

  MLIRContext context;
  OwningOpRef<ModuleOp> module = verifiedModel(*text, context);
  if (!module)
    return fail("the imported model does not verify (a bug in mlc)");
  llvm::Expected<std::vector<mlc::ParamShape>> params =
      mlc::modelParameters(*module, "forward");
  if (!params)
    return fail(llvm::toString(params.takeError()));
  llvm::Expected<std::vector<mlc::Float32Tensor>> weights =
      mlc::readHfWeights(importDir, config, *params);
  if (!weights)
    return fail(llvm::toString(weights.takeError()));
  std::string bytes = mlc::serializeSafetensors(
      *weights, {{"mlc.contents", "parameters"},
                 {"mlc.source", "import-hf " + importDir}});
  if (llvm::Error e = writeOutput(importParams, bytes))
    return fail(llvm::toString(std::move(e)));
  if (llvm::Error e = writeOutput(importOutput, *text))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

/// The metadata entry that marks a model.safetensors export-hf wrote.
constexpr const char *kExportKey = "mlc.exporter";
constexpr const char *kExportValue = "mlc export-hf";

/// Makes `dir` ready for an export: a new folder is created; an existing
/// one must be empty or hold an earlier export (config.json and a
/// model.safetensors marked as written by export-hf, nothing else), which
/// is replaced. A Hugging Face download is never overwritten.
llvm::Error prepareExportFolder(llvm::StringRef dir) {
  if (!llvm::sys::fs::exists(dir)) {
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return llvm::createStringError("cannot create '" + dir +
                                     "': " + ec.message());
    return llvm::Error::success();
  }
  if (!llvm::sys::fs::is_directory(dir))
    return llvm::createStringError("'" + dir +
                                   "' exists and is not a folder; -o names "
                                   "the folder to write");
  std::error_code ec;
  bool empty = true;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    empty = false;
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name != "config.json" && name != "model.safetensors")
      return llvm::createStringError(
          "'" + dir + "' holds '" + name +
          "': it is neither empty nor an earlier export; give a new or "
          "empty folder");
  }
  if (ec)
    return llvm::createStringError("cannot read '" + dir +
                                   "': " + ec.message());
  if (empty)
    return llvm::Error::success();
  llvm::SmallString<256> weights(dir);
  llvm::sys::path::append(weights, "model.safetensors");
  llvm::Expected<mlc::SafetensorsReader> earlier =
      mlc::SafetensorsReader::open(weights);
  bool ours = false;
  if (earlier) {
    auto it = earlier->metadata().find(kExportKey);
    ours = it != earlier->metadata().end() && it->second == kExportValue;
  } else {
    llvm::consumeError(earlier.takeError());
  }
  if (!ours)
    return llvm::createStringError(
        "'" + dir +
        "' holds a checkpoint that mlc export-hf did not write; give a new "
        "or empty folder");
  return llvm::Error::success();
}

int exportHf() {
  MLIRContext context;
  context.printOpOnDiagnostic(false);
  mlc::loadModelDialects(context);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      mlc::parseModelFile(exportModel, context, sourceMgr);
  if (!module)
    return 1;
  llvm::Expected<mlc::TransformerConfig> config =
      mlc::configFromModule(*module);
  if (!config)
    return fail(exportModel + ": " + llvm::toString(config.takeError()));
  llvm::Expected<std::vector<mlc::ParamShape>> params =
      mlc::modelParameters(*module, "forward");
  if (!params)
    return fail(exportModel + ": " + llvm::toString(params.takeError()));
  llvm::Expected<mlc::SafetensorsReader> file =
      mlc::SafetensorsReader::open(exportParams);
  if (!file)
    return fail(llvm::toString(file.takeError()));
  llvm::Expected<std::vector<mlc::Float32Tensor>> weights =
      mlc::hfWeightsFromParams(*file, *params);
  if (!weights)
    return fail(llvm::toString(weights.takeError()));
  if (llvm::Error e = prepareExportFolder(exportDir))
    return fail(llvm::toString(std::move(e)));
  llvm::SmallString<256> weightsPath(exportDir), configPath(exportDir);
  llvm::sys::path::append(weightsPath, "model.safetensors");
  llvm::sys::path::append(configPath, "config.json");
  if (sameFile(weightsPath, exportParams))
    return fail("the parameter file '" + exportParams + "' is the " +
                weightsPath + " the export would replace; give another -o");
  // Hugging Face's loaders want format = pt in the metadata.
  std::string bytes = mlc::serializeSafetensors(
      *weights, {{"format", "pt"}, {kExportKey, kExportValue}});
  if (llvm::Error e = writeOutput(weightsPath, bytes))
    return fail(llvm::toString(std::move(e)));
  if (llvm::Error e = writeOutput(configPath, mlc::configToHfJson(*config)))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlc::registerMlcPasses();
  mlc::registerCompilePipeline();
  registerTransformsPasses();
  // --help lists mlc's options, not those LLVM's libraries register.
  cl::HideUnrelatedOptions(mlcCategory);
  cl::HideUnrelatedOptions(mlcCategory, compileCommand);
  cl::HideUnrelatedOptions(mlcCategory, analyzeCommand);
  cl::HideUnrelatedOptions(mlcCategory, genCommand);
  cl::HideUnrelatedOptions(mlcCategory, importCommand);
  cl::HideUnrelatedOptions(mlcCategory, exportCommand);
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << "mlc " << kVersion << "\n"; });
  cl::ParseCommandLineOptions(argc, argv,
                              "mlc compiler driver\n\n"
                              "  mlc compile model.mlir --train sgd,lr=0.1 "
                              "[--target cpu] -o model.mlcx\n"
                              "  mlc analyze model.mlir --train adamw "
                              "[--mesh dp=2] [--json]\n"
                              "  mlc gen gpt2 --layers 2 --heads 4 --dim 128 "
                              "--vocab 256 --context 128 --batch 8 --seq 64 "
                              "-o model.mlir\n"
                              "  mlc import-hf HF_FOLDER -o model.mlir "
                              "--params params.safetensors\n"
                              "  mlc export-hf model.mlir params.safetensors "
                              "-o HF_FOLDER\n");
  if (compileCommand)
    return compile();
  if (analyzeCommand)
    return analyze();
  if (genCommand)
    return gen();
  if (importCommand)
    return importHf();
  if (exportCommand)
    return exportHf();
  cl::PrintHelpMessage();
  return 1;
}
