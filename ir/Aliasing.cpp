// When a value may take the memory of another (in-place updates).
#include "ir/Aliasing.h"

#include "ir/MlcOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace mlc {

namespace {

bool isLoopRegion(Operation *op) {
  auto fusion = dyn_cast<FusionOp>(op);
  return fusion && fusion.getKind() == "loop";
}

/// Ops that read every operand elementwise at the index they write: the
/// Elementwise ops (but not broadcast_to, which reads one element for many)
/// and "loop" kernel regions, whose kernels store a tile's results after
/// reading all of its operands.
bool isElementwise(Operation *op) {
  if (isLoopRegion(op))
    return true;
  return op->hasTrait<trait::Elementwise>() && !isa<BroadcastToOp>(op);
}

/// Ops whose kernel may compute every result into memory an operand of the
/// same shape had: single-result ops, and loop regions (all results have
/// the region's iteration shape).
bool writesAllResultsAfterReads(Operation *op) {
  return op->getNumResults() == 1 || isLoopRegion(op);
}

} // namespace

bool canWriteOverOperand(OpOperand &use) {
  Operation *op = use.getOwner();
  if (isa<CacheWriteOp>(op))
    return use.getOperandNumber() == 0;
  if (!isElementwise(op) || !writesAllResultsAfterReads(op))
    return false;
  // A broadcast operand is read at many indices of the result, and a cast
  // to a wider type would overwrite elements it has not read yet.
  auto from = cast<ShapedType>(use.get().getType());
  auto to = cast<ShapedType>(op->getResult(0).getType());
  auto bytes = [](ShapedType t) {
    return (t.getElementTypeBitWidth() + 7) / 8;
  };
  return from.getShape() == to.getShape() && bytes(from) == bytes(to);
}

bool canUpdateInPlace(func::FuncOp func, const ModelSignature &sig,
                      const ModelResult &update) {
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value value = ret.getOperand(update.index);
  Operation *producer = value.getDefiningOp();
  // The runtime checks in-place safety per kernel, not per result, so only
  // a single-result op or a loop region computes into persistent memory.
  if (!producer || producer->getBlock() != &body || isa<ConstantOp>(producer) ||
      !writesAllResultsAfterReads(producer) ||
      llvm::count(ret.getOperands(), value) != 1)
    return false;
  const ModelArg *old = nullptr;
  for (const ModelArg &arg : sig.args)
    if (arg.name == update.name && arg.kind != ModelArg::Kind::Input)
      old = &arg;
  if (!old)
    return false;
  for (OpOperand &use : func.getArgument(old->index).getUses()) {
    Operation *reader = body.findAncestorOpInBlock(*use.getOwner());
    if (reader == ret.getOperation())
      continue;
    if (reader == producer) {
      if (use.getOwner() != producer || !canWriteOverOperand(use))
        return false;
      continue;
    }
    if (!reader->isBeforeInBlock(producer))
      return false;
  }
  return true;
}

} // namespace mlc
