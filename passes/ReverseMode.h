// Reverse-mode automatic differentiation of straight-line mlc code.
#ifndef MLC_PASSES_REVERSEMODE_H
#define MLC_PASSES_REVERSEMODE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace mlc {

/// Emits, at the builder's insertion point (after every op that computes
/// `loss`), the gradient of the scalar `loss` with respect to each value in
/// `wrt`. The ops between `wrt` and `loss` must be in one block and each op
/// on a path from `wrt` to `loss` must implement DifferentiableOpInterface.
/// A `wrt` value the loss does not depend on gets a null gradient.
/// Errors are emitted at the offending op.
llvm::FailureOr<llvm::SmallVector<mlir::Value>>
buildReverseMode(mlir::OpBuilder &builder, mlir::Value loss,
                 llvm::ArrayRef<mlir::Value> wrt);

/// Erases side-effect-free ops in `block` whose results are unused, so that
/// adjoints a rule computed but nobody needs do not clutter the output.
void eraseDeadOps(mlir::Block &block);

} // namespace mlc

#endif // MLC_PASSES_REVERSEMODE_H
