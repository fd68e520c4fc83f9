// Cost model of mlc ops (CostOpInterface): the FLOPs of every op that does
// not take the interface's default of one per result element.
#include "ir/Cost.h"

#include "ir/Einsum.h"
#include "ir/MlcOps.h"

using namespace mlir;

namespace mlc {

namespace {

uint64_t elementsOf(Value v) {
  return static_cast<uint64_t>(
      cast<RankedTensorType>(v.getType()).getNumElements());
}

/// 4 B H T S D: the q k^T and p v products at 2 FLOPs per multiply-add,
/// for every key, masked or not (a causal mask is not halved).
uint64_t attentionFlops(Value q, Value k) {
  ArrayRef<int64_t> keys = cast<RankedTensorType>(k.getType()).getShape();
  return 4 * elementsOf(q) * static_cast<uint64_t>(keys[2]);
}

/// A kernel region costs what the ops it holds cost; it is attached from
/// here because that is the cost model's knowledge, not the region's.
struct FusionCost : CostOpInterface::ExternalModel<FusionCost, FusionOp> {
  uint64_t getFlops(Operation *op) const {
    uint64_t flops = 0;
    for (Operation &inner : cast<FusionOp>(op).getBodyOps())
      flops += countFlops(&inner);
    return flops;
  }
};

} // namespace

uint64_t countFlops(Operation *op) {
  auto cost = dyn_cast<CostOpInterface>(op);
  return cost ? cost.getFlops() : 0;
}

void attachCostModels(MLIRContext &context) {
  FusionOp::attachInterface<FusionCost>(context);
}

//===----------------------------------------------------------------------===//
// Products: 2 FLOPs per multiply-add
//===----------------------------------------------------------------------===//

uint64_t MatmulOp::getFlops() {
  RankedTensorType lhs = getLhs().getType();
  int64_t k = getTransposeLhs() ? lhs.getDimSize(lhs.getRank() - 2)
                                : lhs.getDimSize(lhs.getRank() - 1);
  return 2 * elementsOf(getResult()) * static_cast<uint64_t>(k);
}

uint64_t AttentionOp::getFlops() { return attentionFlops(getQ(), getK()); }

/// Twice the forward's, the usual estimate of a backward pass (recomputing
/// the scores costs another half of the forward, not counted).
uint64_t AttentionGradOp::getFlops() {
  return 2 * attentionFlops(getQ(), getK());
}

/// What the ops -mlc-lower-einsum makes of it cost: over the joint space
/// of all labels, a multiply-add per point when labels are summed (a
/// matmul, or a product and a sum), a product per point when none are; one
/// operand costs a sum per point if it sums, nothing if it only permutes.
uint64_t EinsumOp::getFlops() {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : getInputs())
    shapes.push_back(cast<RankedTensorType>(input.getType()).getShape());
  llvm::Expected<EinsumEquation> eq = parseEinsum(getEquation(), shapes);
  if (!eq) { // the verifier reports a bad equation
    llvm::consumeError(eq.takeError());
    return 0;
  }
  uint64_t joint = 1;
  bool sums = false;
  for (auto [label, size] : eq->sizes) {
    joint *= static_cast<uint64_t>(size);
    sums |= eq->output.find(label) == std::string::npos;
  }
  if (getInputs().size() == 1)
    return sums ? joint : 0;
  return sums ? 2 * joint : joint;
}

//===----------------------------------------------------------------------===//
// Reductions: one FLOP per input element
//===----------------------------------------------------------------------===//

uint64_t ReduceSumOp::getFlops() { return elementsOf(getInput()); }
uint64_t ReduceMeanOp::getFlops() { return elementsOf(getInput()); }
uint64_t ReduceMaxOp::getFlops() { return elementsOf(getInput()); }

//===----------------------------------------------------------------------===//
// A handful of FLOPs per element
//===----------------------------------------------------------------------===//

uint64_t SoftmaxOp::getFlops() { return 5 * elementsOf(getInput()); }
uint64_t LogSoftmaxOp::getFlops() { return 5 * elementsOf(getInput()); }
uint64_t LayerNormOp::getFlops() { return 5 * elementsOf(getInput()); }
uint64_t RmsNormOp::getFlops() { return 4 * elementsOf(getInput()); }
uint64_t RopeOp::getFlops() { return 3 * elementsOf(getInput()); }
uint64_t MseLossOp::getFlops() { return 3 * elementsOf(getPrediction()); }
uint64_t SoftmaxCrossEntropyOp::getFlops() {
  return 5 * elementsOf(getLogits());
}
/// The loss's 5 per element and the gradient's divide, subtract, multiply.
uint64_t SoftmaxCrossEntropyWithGradOp::getFlops() {
  return 8 * elementsOf(getLogits());
}
/// One addition per element of the adjoint rows it sums.
uint64_t EmbeddingGradOp::getFlops() { return elementsOf(getGrad()); }

//===----------------------------------------------------------------------===//
// Moving or picking elements: no arithmetic
//===----------------------------------------------------------------------===//

uint64_t BroadcastToOp::getFlops() { return 0; }
// Collectives move data between ranks; the communicator counts their bytes.
uint64_t AllReduceOp::getFlops() { return 0; }
uint64_t AllGatherOp::getFlops() { return 0; }
uint64_t ReduceScatterOp::getFlops() { return 0; }
uint64_t AllSliceOp::getFlops() { return 0; }
uint64_t SendOp::getFlops() { return 0; }
uint64_t RecvOp::getFlops() { return 0; }
uint64_t FanOutOp::getFlops() { return 0; }
uint64_t ReshapeOp::getFlops() { return 0; }
uint64_t TransposeOp::getFlops() { return 0; }
uint64_t CastOp::getFlops() { return 0; }
uint64_t SliceOp::getFlops() { return 0; }
uint64_t ConcatOp::getFlops() { return 0; }
uint64_t SplitOp::getFlops() { return 0; }
uint64_t ConstantOp::getFlops() { return 0; }
uint64_t FullOp::getFlops() { return 0; }
uint64_t OneHotOp::getFlops() { return 0; }
uint64_t ArgmaxOp::getFlops() { return 0; }
uint64_t EmbeddingOp::getFlops() { return 0; }
uint64_t CacheWriteOp::getFlops() { return 0; }

} // namespace mlc
