// Helpers that build short op sequences, for gradient rules and passes.
#ifndef MLC_IR_BUILD_H
#define MLC_IR_BUILD_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlc {

/// A rank-0 constant of the given element type; it broadcasts anywhere.
mlir::Value buildScalar(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Type elementType, double value);

/// `value` reshaped to `shape` (no op if it already has that shape).
mlir::Value buildReshape(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// `value` broadcast to `shape` (no op if it already has that shape).
mlir::Value buildBroadcast(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Sums `grad` over the dimensions a broadcast added, then reshapes it to
/// `target`: the adjoint of broadcasting a `target`-shaped value.
mlir::Value buildSumToShape(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value grad, llvm::ArrayRef<int64_t> target);

/// Re-inserts reduced axes as size-1 dimensions and broadcasts back to the
/// input shape: the adjoint of a reduction over `axes` (normalized).
mlir::Value buildUnreduce(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value grad, llvm::ArrayRef<int64_t> axes,
                          llvm::ArrayRef<int64_t> inputShape);

/// A splat constant of zeros of `type` (a splat costs one element in the
/// executable, whatever the shape).
mlir::Value buildZeros(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::RankedTensorType type);

} // namespace mlc

#endif // MLC_IR_BUILD_H
