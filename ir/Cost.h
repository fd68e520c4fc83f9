// Cost model of mlc ops: floating-point operations per op.
#ifndef MLC_IR_COST_H
#define MLC_IR_COST_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace mlc {

/// Floating-point operations `op` performs: 2*M*N*K per matmul batch
/// entry, one per output element for elementwise ops, one per input
/// element for reductions, a handful per element for softmax and losses,
/// zero for data movement (reshape, transpose, broadcast, cast, constants).
uint64_t countFlops(mlir::Operation *op);

} // namespace mlc

#endif // MLC_IR_COST_H
