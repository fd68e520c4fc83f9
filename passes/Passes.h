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

/// The function of `module` other than `model` that -mlc-eval-func made the
/// eval entry point (mlc.kind = "eval"), or null. When there is one,
/// -mlc-train-step and -mlc-eval-entry erase the model function instead of
/// renaming it to @eval.
mlir::func::FuncOp findChosenEvalEntry(mlir::ModuleOp module,
                                       mlir::func::FuncOp model);

} // namespace mlc

#endif // MLC_PASSES_PASSES_H
