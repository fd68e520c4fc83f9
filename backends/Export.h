// Exporting a module of model functions to the .mlcx executable format.
#ifndef MLC_BACKENDS_EXPORT_H
#define MLC_BACKENDS_EXPORT_H

#include "backends/Target.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlc {

struct ExportOptions {
  /// Source of the model, recorded in the metadata.
  std::string modelName;
  /// "mlc <version>".
  std::string producer;
};

/// Serializes every func.func of `module` as an entry point of a one-rank
/// program for `target`. Functions follow the model conventions (mlc.input,
/// mlc.param, mlc.state arguments; mlc.output / mlc.update results); a
/// parameter or state shared by several functions is one buffer. Results
/// that update a parameter or state are written in place when the op that
/// computes them is the last reader of the old value, else copied after the
/// step. Errors are emitted on the offending op or function.
llvm::FailureOr<std::string> exportExecutable(mlir::ModuleOp module,
                                              const Target &target,
                                              const ExportOptions &options);

} // namespace mlc

#endif // MLC_BACKENDS_EXPORT_H
