// Declarations and registration of the mlc passes.
#ifndef MLC_PASSES_PASSES_H
#define MLC_PASSES_PASSES_H

#include "ir/MlcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// A mesh as `--mesh dp=2` gives it: axis names and sizes, in order.
using MeshSpec = llvm::SmallVector<std::pair<std::string, int64_t>>;

/// Parses "dp=2,tp=2,pp=2" into `axes`; fails with `error` naming the part
/// that is not axis=size, an unknown axis (the axes are dp, tp and pp), a
/// size below 1, an axis given twice.
llvm::LogicalResult parseMeshSpec(llvm::StringRef spec, MeshSpec &axes,
                                  std::string &error);

/// The function of `module` other than `model` that -mlc-eval-func made the
/// eval entry point (mlc.kind = "eval"), or null. When there is one,
/// -mlc-train-step and -mlc-eval-entry erase the model function instead of
/// renaming it to @eval.
mlir::func::FuncOp findChosenEvalEntry(mlir::ModuleOp module,
                                       mlir::func::FuncOp model);

} // namespace mlc

#endif // MLC_PASSES_PASSES_H
