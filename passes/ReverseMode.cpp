// Reverse-mode automatic differentiation of straight-line mlc code.
//
// The ops that lie on a path from a `wrt` value to the loss are visited in
// reverse order; each emits the adjoints of its operands through its
// DifferentiableOpInterface rule, and adjoints of values used more than once
// are summed.
#include "passes/ReverseMode.h"

#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace mlc {

namespace {

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Values that depend on some `wrt` value through float tensors.
llvm::DenseSet<Value> collectActiveValues(ArrayRef<Operation *> ops,
                                          ArrayRef<Value> wrt) {
  llvm::DenseSet<Value> active(wrt.begin(), wrt.end());
  for (Operation *op : ops) {
    bool dependsOnWrt = llvm::any_of(
        op->getOperands(), [&](Value v) { return active.contains(v); });
    if (!dependsOnWrt)
      continue;
    for (Value result : op->getResults())
      if (isFloatTensor(result))
        active.insert(result);
  }
  return active;
}

/// Gives every op built while it is installed the pipeline placement of
/// the forward op whose gradient is being built (mlc.stage, mlc.micro) and
/// mlc.backward: -mlc-pipeline-split puts the gradient of an op on the
/// stage of the op. Ops of forward ops without a placement get none.
struct PlacementListener : OpBuilder::Listener {
  Attribute stage, micro;

  void place(Operation *op) {
    stage = op->getAttr(attr::kStage);
    micro = op->getAttr(attr::kMicro);
  }
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    if (!stage)
      return;
    op->setAttr(attr::kStage, stage);
    if (micro)
      op->setAttr(attr::kMicro, micro);
    op->setAttr(attr::kBackward, UnitAttr::get(op->getContext()));
  }
};

} // namespace

FailureOr<SmallVector<Value>> buildReverseMode(OpBuilder &builder, Value loss,
                                               ArrayRef<Value> wrt) {
  auto lossType = dyn_cast<RankedTensorType>(loss.getType());
  if (!lossType || lossType.getRank() != 0 ||
      !isa<FloatType>(lossType.getElementType()))
    return emitError(loss.getLoc())
           << "the loss must be a float scalar (tensor<f32> or similar), found "
           << loss.getType();

  // Snapshot the forward ops (those before the insertion point) first: the
  // backward ops land in the same block.
  Block *block = builder.getInsertionBlock();
  SmallVector<Operation *> forward;
  for (auto it = block->begin(); it != builder.getInsertionPoint(); ++it)
    forward.push_back(&*it);

  llvm::DenseSet<Value> active = collectActiveValues(forward, wrt);
  llvm::DenseMap<Value, Value> adjoints;
  auto accumulate = [&](Value v, Value grad, Location loc) {
    auto [it, inserted] = adjoints.try_emplace(v, grad);
    if (!inserted)
      it->second = AddOp::create(builder, loc, it->second, grad);
  };
  adjoints[loss] =
      buildScalar(builder, loss.getLoc(), lossType.getElementType(), 1.0);

  // The gradients of placed ops are placed alike (the builder's own
  // listener, if any, is put back on every return).
  PlacementListener placement;
  OpBuilder::Listener *previous = builder.getListener();
  bool placed = llvm::any_of(
      forward, [](Operation *op) { return op->hasAttr(attr::kStage); });
  if (placed && !previous)
    builder.setListener(&placement);
  llvm::scope_exit restore([&] {
    if (placed && !previous)
      builder.setListener(previous);
  });

  for (Operation *op : llvm::reverse(forward)) {
    placement.place(op);
    SmallVector<Value> resultGrads;
    bool anyGrad = false;
    for (Value r : op->getResults()) {
      Value g = adjoints.lookup(r);
      resultGrads.push_back(g);
      anyGrad |= static_cast<bool>(g);
    }
    bool anyActiveOperand = llvm::any_of(
        op->getOperands(), [&](Value v) { return active.contains(v); });
    if (!anyGrad || !anyActiveOperand)
      continue;
    auto differentiable = dyn_cast<DifferentiableOpInterface>(op);
    if (!differentiable)
      return op->emitError()
             << "cannot differentiate through '" << op->getName()
             << "': it has no gradient rule"
             << (isa<EinsumOp>(op) ? " (run -mlc-lower-einsum first)" : "");
    SmallVector<Value> operandGrads;
    if (failed(
            differentiable.buildGradients(builder, resultGrads, operandGrads)))
      return failure();
    if (operandGrads.size() != op->getNumOperands())
      return op->emitError()
             << "gradient rule of '" << op->getName() << "' returned "
             << operandGrads.size() << " adjoints for " << op->getNumOperands()
             << " operands";
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads)) {
      if (!grad || !active.contains(operand))
        continue;
      if (grad.getType() != operand.getType())
        return op->emitError()
               << "gradient rule of '" << op->getName() << "' produced "
               << grad.getType() << " for an operand of type "
               << operand.getType();
      accumulate(operand, grad, op->getLoc());
    }
  }

  SmallVector<Value> grads;
  for (Value w : wrt)
    grads.push_back(adjoints.lookup(w));
  return grads;
}

void eraseDeadOps(Block &block) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block))) {
      if (op.hasTrait<OpTrait::IsTerminator>() || !op.use_empty() ||
          !isMemoryEffectFree(&op))
        continue;
      op.erase();
      changed = true;
    }
  }
}

} // namespace mlc
