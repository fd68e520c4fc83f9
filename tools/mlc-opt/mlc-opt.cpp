// mlc-opt: runs mlc and upstream passes on MLIR files.
#include "frontend/ModelFile.h"
#include "ir/MlcDialect.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlc::registerModelDialects(registry);
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  mlc::registerMlcPasses();
  mlc::registerCompilePipeline();
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "mlc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputPath, &error);
  if (!input) {
    llvm::errs() << "mlc-opt: " << error << "\n";
    return 1;
  }
  // Input nested deeper than the parser's stack allows is refused first.
  llvm::SourceMgr sourceMgr;
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(input->getBuffer(),
                                           input->getBufferIdentifier()),
      llvm::SMLoc());
  if (failed(mlc::checkNesting(sourceMgr, id)))
    return 1;

  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputPath, &error);
  if (!output) {
    llvm::errs() << "mlc-opt: " << error << "\n";
    return 1;
  }
  if (failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                               config)))
    return 1;
  output->keep();
  return 0;
}
