// Cost model of mlc ops: floating-point operations per op.
#include "ir/Cost.h"

#include "ir/MlcOps.h"

#include "llvm/ADT/TypeSwitch.h"

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
} // namespace

uint64_t countFlops(Operation *op) {
  return llvm::TypeSwitch<Operation *, uint64_t>(op)
      .Case([](MatmulOp m) {
        auto lhs = m.getLhs().getType();
        int64_t k = m.getTransposeLhs() ? lhs.getDimSize(lhs.getRank() - 2)
                                        : lhs.getDimSize(lhs.getRank() - 1);
        return 2 * elementsOf(m.getResult()) * static_cast<uint64_t>(k);
      })
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(
          [](auto r) { return elementsOf(r.getInput()); })
      .Case<SoftmaxOp, LogSoftmaxOp, LayerNormOp>(
          [](auto s) { return 5 * elementsOf(s.getInput()); })
      .Case([](RmsNormOp n) { return 4 * elementsOf(n.getInput()); })
      .Case([](RopeOp r) { return 3 * elementsOf(r.getInput()); })
      .Case([](CausalMaskOp m) { return elementsOf(m.getInput()); })
      .Case([](AttentionOp a) { return attentionFlops(a.getQ(), a.getK()); })
      .Case([](AttentionGradOp a) {
        return 2 * attentionFlops(a.getQ(), a.getK());
      })
      .Case([](MseLossOp l) { return 3 * elementsOf(l.getPrediction()); })
      .Case([](EmbeddingGradOp e) { return elementsOf(e.getGrad()); })
      .Case(
          [](SoftmaxCrossEntropyOp l) { return 5 * elementsOf(l.getLogits()); })
      .Case([](FusionOp f) {
        uint64_t flops = 0;
        for (Operation &inner : f.getBodyOps())
          flops += countFlops(&inner);
        return flops;
      })
      // Moving elements (broadcast_to, cast) is no arithmetic.
      .Case<BroadcastToOp, CastOp>([](Operation *) { return uint64_t(0); })
      .Default([](Operation *o) {
        // One operation per element of every other elementwise op.
        return o->hasTrait<trait::Elementwise>() ? elementsOf(o->getResult(0))
                                                 : uint64_t(0);
      });
}

} // namespace mlc
