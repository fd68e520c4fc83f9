// When a value may take the memory of another (in-place updates).
#include "ir/Aliasing.h"

#include "ir/Broadcast.h"
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

/// Ops whose kernel may compute every result into memory an operand had:
/// single-result ops, and kernel regions (their kernels store a tile's
/// results after reading all of its operands).
bool writesAllResultsAfterReads(Operation *op) {
  return op->getNumResults() == 1 || isa<FusionOp>(op);
}

/// Whether a row or column region reads `operand` at the indices it writes
/// `result` (their shapes being equal): both of the iteration shape, the
/// result computed at each index rather than a value per output spread
/// over it, or both values per output (the reduced shape), which the
/// kernel reads once per output before it stores that output's value.
bool reductionReadsAtWrittenIndex(FusionOp fusion, ArrayRef<int64_t> shape,
                                  OpResult result) {
  ArrayRef<int64_t> iteration = fusion.getIterationShape();
  if (shape == iteration) {
    Value yielded = fusion.getBody().front().getTerminator()->getOperand(
        result.getResultNumber());
    auto spread = yielded.getDefiningOp<BroadcastToOp>();
    return !spread ||
           cast<ShapedType>(spread.getInput().getType()).getShape() ==
               iteration;
  }
  SmallVector<int64_t> perOutput(iteration);
  for (int64_t axis : fusion.getReducedAxes())
    perOutput[axis] = 1;
  return isBroadcastableTo(shape, perOutput) &&
         numElements(shape) == numElements(perOutput);
}

} // namespace

bool canWriteOverOperand(OpOperand &use, OpResult result) {
  Operation *op = use.getOwner();
  if (isa<CacheWriteOp>(op))
    return use.getOperandNumber() == 0;
  // A broadcast operand is read at many indices of the result, and a cast
  // to a wider type would overwrite elements it has not read yet.
  auto from = cast<ShapedType>(use.get().getType());
  auto to = cast<ShapedType>(result.getType());
  auto bytes = [](ShapedType t) {
    return (t.getElementTypeBitWidth() + 7) / 8;
  };
  if (from.getShape() != to.getShape() || bytes(from) != bytes(to))
    return false;
  if (auto fusion = dyn_cast<FusionOp>(op); fusion && fusion.isReduction())
    return reductionReadsAtWrittenIndex(fusion, to.getShape(), result);
  return isElementwise(op) && writesAllResultsAfterReads(op);
}

bool canUpdateInPlace(func::FuncOp func, const ModelSignature &sig,
                      const ModelResult &update) {
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value value = ret.getOperand(update.index);
  Operation *producer = value.getDefiningOp();
  // The runtime checks in-place safety per kernel, not per result, so only
  // a single-result op or a kernel region computes into persistent memory.
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
      if (use.getOwner() != producer ||
          !canWriteOverOperand(use, cast<OpResult>(value)))
        return false;
      continue;
    }
    if (!reader->isBeforeInBlock(producer))
      return false;
  }
  return true;
}

} // namespace mlc
