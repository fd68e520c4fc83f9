// Reading model files: parse, verify, report problems as file:line:col.
#ifndef MLC_FRONTEND_MODELFILE_H
#define MLC_FRONTEND_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace mlc {

/// Registers the dialects a model file may use (mlc, func) in `context`.
void loadModelDialects(mlir::MLIRContext &context);

/// Parses and verifies the model at `path` ("-" for stdin). Diagnostics go
/// through the context's handler; with a SourceMgrDiagnosticHandler on
/// `sourceMgr` they read "model.mlir:3:7: error: ...".
mlir::OwningOpRef<mlir::ModuleOp> parseModelFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 llvm::SourceMgr &sourceMgr);

} // namespace mlc

#endif // MLC_FRONTEND_MODELFILE_H
