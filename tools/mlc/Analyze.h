// `mlc analyze`: what a compiled model costs, read off the IR the compile
// pipeline produces (train step, kernel regions, memory plan), without
// running it, so that it also covers models far too large to run here.
#ifndef MLC_TOOLS_MLC_ANALYZE_H
#define MLC_TOOLS_MLC_ANALYZE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlc {

/// The report of `module` (compiled, not exported), as JSON:
///   {"entry_points": [{"name", "kind", "flops", "bytes", "intensity",
///                      "workspace_bytes",
///                      "matmuls": [{"location", "lhs", "rhs", "result",
///                                   "flops", "bytes", "intensity"}],
///                      "regions": [{"kind", "ops", "shape", "flops",
///                                   "bytes", "intensity"}],
///                      "other": [{"op", "count", "flops", "bytes"}],
///                      "collectives": [{"kind", "calls", "bytes"}]}],
///    "memory": {"parameters", "parameter_bytes", "trained_parameters",
///               "gradient_bytes", "optimizer_states",
///               "optimizer_state_bytes", "arenas": {kind: bytes},
///               "planned_bytes"}}
/// Bytes of a kernel are those it reads and writes once each (operands and
/// results; views and constants move none), intensity is FLOPs per byte;
/// a collective's bytes are those each rank hands it (its operands);
/// docs/analysis.md has the definitions. A pipeline's report is instead
///   {"pipeline": {"stages", "micro_batches", "schedule",
///                 "bubble_fraction"},
///    "stages": [{"stage", "entry_points", "memory"}]}
/// with one program's report per stage (its sends and receives among the
/// collectives: the traffic across the stage's boundaries).
llvm::json::Value analyzeModule(mlir::ModuleOp module);

/// The report as text: per entry point its totals, the matmuls and the
/// kernel regions, the other kernels by op; then memory.
std::string renderAnalysis(const llvm::json::Value &report);

} // namespace mlc

#endif // MLC_TOOLS_MLC_ANALYZE_H
