// Reading model files: parse, verify, report problems as file:line:col.
#ifndef MLC_FRONTEND_MODELFILE_H
#define MLC_FRONTEND_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace mlc {

/// Adds the dialects a model file may use (mlc, func) to `registry`, with
/// func's inliner extension, so that the compile pipeline can inline calls.
void registerModelDialects(mlir::DialectRegistry &registry);

/// Registers the dialects a model file may use (mlc, func) in `context`.
void loadModelDialects(mlir::MLIRContext &context);

/// Deepest nesting of brackets ( [ { < a model file may have. MLIR's parser
/// recurses once or more per level; far deeper input would overflow the
/// stack instead of giving a diagnostic. Real models nest a few levels.
inline constexpr unsigned kMaxNesting = 256;

/// Fails with an error at the first bracket nested deeper than kMaxNesting
/// in buffer `bufferId` of `sourceMgr` (string literals and comments are
/// skipped), printed through `sourceMgr`, before anything parses it.
llvm::LogicalResult checkNesting(const llvm::SourceMgr &sourceMgr,
                                 unsigned bufferId);

/// Parses and verifies the model at `path` ("-" for stdin). Diagnostics go
/// through the context's handler; with a SourceMgrDiagnosticHandler on
/// `sourceMgr` they read "model.mlir:3:7: error: ...".
mlir::OwningOpRef<mlir::ModuleOp> parseModelFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 llvm::SourceMgr &sourceMgr);

} // namespace mlc

#endif // MLC_FRONTEND_MODELFILE_H
