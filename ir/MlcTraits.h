// Traits of the ops of the mlc dialect.
#ifndef MLC_IR_MLCTRAITS_H
#define MLC_IR_MLCTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mlc {

/// Fails, naming the operand or result, if a tensor of `op` is empty or
/// larger than mlc supports (checkTensorSize).
llvm::LogicalResult verifyTensorSizes(mlir::Operation *op);

namespace trait {

/// Every operand and result tensor has a size mlc can compile and run: no
/// dimension of size 0, at most kMaxTensorBytes. Runs before the op's own
/// verifier, so that no verifier computes element counts that overflow.
template <typename ConcreteType>
class SupportedTensorSizes
    : public mlir::OpTrait::TraitBase<ConcreteType, SupportedTensorSizes> {
public:
  static llvm::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyTensorSizes(op);
  }
};

/// Each result element is a function of the operand elements at the same
/// index, operands broadcasting as in NumPy. Fusion groups such ops into
/// loops; the op verifiers check the shapes.
template <typename ConcreteType>
class Elementwise : public mlir::OpTrait::TraitBase<ConcreteType, Elementwise> {
};

/// A pass rewrites the op into others before export (einsum:
/// -mlc-lower-einsum; full: folding to a constant), so no target has a
/// kernel for it.
template <typename ConcreteType>
class LoweredBeforeExport
    : public mlir::OpTrait::TraitBase<ConcreteType, LoweredBeforeExport> {};

/// The op exchanges data between the ranks of the module's mesh (an
/// all-reduce, an all-gather): every rank runs it, in the same order, and
/// the exporter writes it as a collective command rather than a kernel.
template <typename ConcreteType>
class Collective : public mlir::OpTrait::TraitBase<ConcreteType, Collective> {};

} // namespace trait
} // namespace mlc

#endif // MLC_IR_MLCTRAITS_H
