// Cost model of mlc ops: floating-point operations per op.
#ifndef MLC_IR_COST_H
#define MLC_IR_COST_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace mlc {

/// Floating-point operations `op` performs, from its CostOpInterface
/// (ir/MlcInterfaces.td): 2*M*N*K per matmul batch entry, one per output
/// element for elementwise ops, one per input element for reductions, a
/// handful per element for softmax, norms and losses, zero for data
/// movement (reshape, transpose, broadcast, cast, constants). Every mlc op
/// implements it (registered_ops_test); other ops count zero.
uint64_t countFlops(mlir::Operation *op);

/// Attaches the cost model of the kernel-region op (mlc.fusion: the sum of
/// its body's) to `context`; the mlc dialect does it when it loads.
void attachCostModels(mlir::MLIRContext &context);

} // namespace mlc

#endif // MLC_IR_COST_H
