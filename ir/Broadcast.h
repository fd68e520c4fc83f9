// Shape arithmetic shared by the verifiers, autodiff and the backends.
#ifndef MLC_IR_BROADCAST_H
#define MLC_IR_BROADCAST_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlc {

/// The NumPy broadcast of two shapes, or nullopt if some aligned pair of
/// dimensions differs and neither is 1.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Whether `from` broadcasts to exactly `to` (numpy.broadcast_to rules).
bool isBroadcastableTo(llvm::ArrayRef<int64_t> from,
                       llvm::ArrayRef<int64_t> to);

/// Formats a shape as "2x3" ("scalar" for rank 0), for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Number of elements of a static shape.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Largest tensor mlc compiles, in bytes (2^40, the runtime's limit too):
/// keeps every element count and byte offset far from overflow.
inline constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 40;

/// Why `type` cannot be an mlc tensor, or an empty string if it can: mlc
/// has no empty tensors (a dimension of size 0) and no tensor larger than
/// kMaxTensorBytes. The products are computed without overflow.
std::string checkTensorSize(mlir::RankedTensorType type);

/// Dimensions of `to` that a broadcast from `from` expanded: the leading
/// dimensions `from` lacks and those where `from` has 1 but `to` does not.
/// Summing a gradient of shape `to` over them and reshaping gives `from`.
llvm::SmallVector<int64_t> broadcastAxes(llvm::ArrayRef<int64_t> from,
                                         llvm::ArrayRef<int64_t> to);

} // namespace mlc

#endif // MLC_IR_BROADCAST_H
