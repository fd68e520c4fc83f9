// The pass pipelines the mlc driver runs before exporting a model.
#ifndef MLC_PASSES_PIPELINES_H
#define MLC_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlc {

struct CompileOptions {
  /// Model function to compile.
  std::string func = "forward";
  /// Optimizer spec "sgd,lr=0.1,momentum=0.9"; empty for inference only.
  std::string train;
};

/// Turns a --train spec ("adam,lr=1e-3,beta2=0.99") into the option string
/// of -mlc-train-step ("optimizer=adam lr=1e-3 beta2=0.99").
llvm::FailureOr<std::string> trainSpecToPassOptions(llvm::StringRef spec,
                                                    std::string &error);

/// Adds the compile pipeline to `pm` (a ModuleOp pass manager):
/// lower-einsum, then train-step (or the rename of the model function to
/// @eval), canonicalize and CSE. Fails with `error` set on a bad spec or
/// an unknown option.
llvm::LogicalResult buildCompilePipeline(mlir::OpPassManager &pm,
                                         const CompileOptions &options,
                                         std::string &error);

} // namespace mlc

#endif // MLC_PASSES_PIPELINES_H
