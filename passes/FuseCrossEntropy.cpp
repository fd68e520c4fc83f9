// -mlc-fuse-cross-entropy: softmax_cross_entropy and the gradient autodiff
// writes for it become one softmax_cross_entropy_with_grad.
#include "passes/Passes.h"

#include "ir/MlcOps.h"

#include "mlir/IR/Dominance.h"

#include <optional>

namespace mlc {
#define GEN_PASS_DEF_FUSECROSSENTROPY
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// `(softmax(logits) - one_hot(labels)) * scale` and the loss of the same
/// logits and labels.
struct CrossEntropyGradient {
  SoftmaxCrossEntropyOp loss;
  MulOp product;
  SubOp difference;
  SoftmaxOp softmax;
  OneHotOp oneHot;
  Value scale;
};

/// The softmax - one_hot operand of `mul` and its scale, in either order.
std::optional<std::pair<SubOp, Value>> differenceAndScale(MulOp mul) {
  for (auto [diff, scale] : {std::pair(mul.getLhs(), mul.getRhs()),
                             std::pair(mul.getRhs(), mul.getLhs())}) {
    auto sub = diff.getDefiningOp<SubOp>();
    auto type = dyn_cast<RankedTensorType>(scale.getType());
    if (sub && type && type.getRank() == 0)
      return std::pair(sub, scale);
  }
  return std::nullopt;
}

/// The loss's op of `logits` and `labels` in `block`, if any.
SoftmaxCrossEntropyOp findLoss(Value logits, Value labels, Block *block) {
  for (Operation *user : logits.getUsers())
    if (auto loss = dyn_cast<SoftmaxCrossEntropyOp>(user))
      if (loss.getLabels() == labels && loss->getBlock() == block)
        return loss;
  return {};
}

/// `mul` as the gradient of a loss that the fused op can replace with it:
/// the loss comes first in the same block, and the scale is defined before
/// it (the fused op stands where the loss stood).
std::optional<CrossEntropyGradient> match(MulOp mul, DominanceInfo &dominance) {
  auto operands = differenceAndScale(mul);
  if (!operands)
    return std::nullopt;
  auto [sub, scale] = *operands;
  auto softmax = sub.getLhs().getDefiningOp<SoftmaxOp>();
  auto oneHot = sub.getRhs().getDefiningOp<OneHotOp>();
  if (!softmax || !oneHot)
    return std::nullopt;
  Value logits = softmax.getInput();
  auto type = cast<RankedTensorType>(logits.getType());
  int64_t axis = static_cast<int64_t>(softmax.getAxis());
  if (axis != -1 && axis != type.getRank() - 1)
    return std::nullopt;
  if (oneHot.getType() != type || mul.getType() != type ||
      sub.getType() != type ||
      cast<RankedTensorType>(scale.getType()).getElementType() !=
          type.getElementType())
    return std::nullopt;
  SoftmaxCrossEntropyOp loss =
      findLoss(logits, oneHot.getLabels(), mul->getBlock());
  if (!loss || !loss->isBeforeInBlock(mul) ||
      !dominance.properlyDominates(scale, loss))
    return std::nullopt;
  return CrossEntropyGradient{loss, mul, sub, softmax, oneHot, scale};
}

void eraseIfUnused(Operation *op) {
  if (op->use_empty())
    op->erase();
}

void fuse(CrossEntropyGradient g) {
  OpBuilder b(g.loss);
  Location loc = b.getFusedLoc({g.loss.getLoc(), g.product.getLoc()});
  auto fused = SoftmaxCrossEntropyWithGradOp::create(
      b, loc, g.loss.getType(), g.product.getType(), g.loss.getLogits(),
      g.loss.getLabels(), g.scale);
  g.loss.getResult().replaceAllUsesWith(fused.getLoss());
  g.product.getResult().replaceAllUsesWith(fused.getGrad());
  g.loss.erase();
  g.product.erase();
  // The softmax and one_hot may have other readers; what is left unread
  // would be computed for nothing.
  eraseIfUnused(g.difference);
  eraseIfUnused(g.softmax);
  eraseIfUnused(g.oneHot);
}

struct FuseCrossEntropyPass
    : mlc::impl::FuseCrossEntropyBase<FuseCrossEntropyPass> {
  void runOnOperation() override {
    SmallVector<MulOp> products;
    getOperation().walk([&](MulOp mul) { products.push_back(mul); });
    DominanceInfo &dominance = getAnalysis<DominanceInfo>();
    // Fusing erases only the matched product among the candidates.
    for (MulOp mul : products)
      if (std::optional<CrossEntropyGradient> g = match(mul, dominance))
        fuse(*g);
  }
};

} // namespace
