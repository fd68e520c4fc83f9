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
/// parameter or state shared by several functions is one buffer. With a
/// memory plan (the module's mlc.arenas, from -mlc-plan-memory) every
/// buffer lies where the plan's slices say and an update the plan puts in
/// its state's slice is computed there; without one every buffer gets a
/// slice of its own and every update is copied into its state after the
/// step. Errors are emitted on the offending op or function.
llvm::FailureOr<std::string> exportExecutable(mlir::ModuleOp module,
                                              const Target &target,
                                              const ExportOptions &options);

} // namespace mlc

#endif // MLC_BACKENDS_EXPORT_H
