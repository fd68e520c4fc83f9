// mlc: the compiler driver. `mlc compile model.mlir --train adam -o m.mlcx`
// parses a model, runs the compile pipeline and writes an executable.
#include "backends/Export.h"
#include "backends/Target.h"
#include "frontend/ModelFile.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {

constexpr const char *kVersion = "0.1.0";

cl::SubCommand compileCommand("compile",
                              "Compile a model file into an .mlcx executable");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                               cl::Required, cl::sub(compileCommand));
cl::opt<std::string> outputFile("o",
                                cl::desc("Output executable (default: "
                                         "the model name with .mlcx)"),
                                cl::value_desc("file"),
                                cl::sub(compileCommand));
cl::opt<std::string> trainSpec(
    "train",
    cl::desc("Build a training step: optimizer and options, e.g. "
             "sgd,lr=0.1,momentum=0.9 or adamw,lr=1e-3,weight-decay=0.01"),
    cl::value_desc("spec"), cl::sub(compileCommand));
cl::opt<std::string> targetName("target", cl::desc("Target device (cpu)"),
                                cl::init("cpu"), cl::sub(compileCommand));
cl::opt<std::string> funcName("func", cl::desc("Model function"),
                              cl::init("forward"), cl::sub(compileCommand));
cl::opt<bool> emitMlir("emit-mlir",
                       cl::desc("Print the compiled IR instead of writing an "
                                "executable"),
                       cl::sub(compileCommand));

std::string defaultOutput(llvm::StringRef input) {
  llvm::SmallString<128> path(llvm::sys::path::filename(input));
  llvm::sys::path::replace_extension(path, ".mlcx");
  return std::string(path);
}

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "mlc") << message << "\n";
  return 1;
}

int compile() {
  mlc::TargetRegistry targets;
  mlc::registerAllTargets(targets);
  const mlc::Target *target = targets.lookup(targetName);
  if (!target)
    return fail("unknown target '" + targetName +
                "' (this build has: " + targets.names() + ")");

  std::string path = outputFile.empty() ? defaultOutput(inputFile) : outputFile;
  // The same file by identity (links included): writing would destroy the
  // model.
  bool same = false;
  if (!emitMlir && !llvm::sys::fs::equivalent(inputFile, path, same) && same)
    return fail("the output '" + path + "' is the model file '" + inputFile +
                "'; give another -o");

  MLIRContext context;
  mlc::loadModelDialects(context);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      mlc::parseModelFile(inputFile, context, sourceMgr);
  if (!module)
    return 1;

  PassManager pm(&context);
  mlc::CompileOptions options;
  options.func = funcName;
  options.train = trainSpec;
  std::string error;
  if (failed(mlc::buildCompilePipeline(pm, options, error)))
    return fail(error);
  if (failed(pm.run(*module)))
    return 1;

  if (emitMlir) {
    module->print(llvm::outs());
    llvm::outs() << "\n";
    return 0;
  }
  mlc::ExportOptions exportOptions;
  exportOptions.modelName = llvm::sys::path::filename(inputFile).str();
  exportOptions.producer = std::string("mlc ") + kVersion;
  FailureOr<std::string> bytes =
      mlc::exportExecutable(*module, *target, exportOptions);
  if (failed(bytes))
    return 1;

  std::string openError;
  auto out = openOutputFile(path, &openError);
  if (!out)
    return fail("cannot write '" + path + "': " + openError);
  out->os() << *bytes;
  out->keep();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlc::registerMlcPasses();
  registerTransformsPasses();
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << "mlc " << kVersion << "\n"; });
  cl::ParseCommandLineOptions(argc, argv,
                              "mlc compiler driver\n\n"
                              "  mlc compile model.mlir --train sgd,lr=0.1 "
                              "[--target cpu] -o model.mlcx\n");
  if (compileCommand)
    return compile();
  cl::PrintHelpMessage();
  return 1;
}
