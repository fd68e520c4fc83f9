// Transformer ops of the mlc dialect (embeddings, norms, activations,
// rotary embeddings, masks, attention): type inference and verifiers.
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlc;

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto table = cast<RankedTensorType>(adaptor.getTable().getType());
  auto ids = cast<RankedTensorType>(adaptor.getIds().getType());
  if (table.getRank() != 2)
    return emitOptionalError(loc, "'", getOperationName(),
                             "' table must be [V, D], found ",
                             formatShape(table.getShape()));
  SmallVector<int64_t> shape(ids.getShape());
  shape.push_back(table.getDimSize(1));
  inferred.push_back(RankedTensorType::get(shape, table.getElementType()));
  return success();
}

LogicalResult EmbeddingGradOp::verify() {
  auto result = getType();
  auto grad = getGrad().getType();
  ArrayRef<int64_t> ids = getIds().getType().getShape();
  if (result.getRank() != 2)
    return emitOpError("result must be the table's [V, D], found ")
           << formatShape(result.getShape());
  if (grad.getElementType() != result.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " differs from the gradient's "
           << grad.getElementType();
  SmallVector<int64_t> expected(ids);
  expected.push_back(result.getDimSize(1));
  if (grad.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("gradient shape must be ")
           << formatShape(expected)
           << " (the ids' shape, then D = " << result.getDimSize(1)
           << "), found " << formatShape(grad.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// Norms
//===----------------------------------------------------------------------===//

namespace {

/// Checks a norm's input (rank >= 1), its [D] parameters (weight, then
/// bias if any) and eps; infers the result, the input's type.
LogicalResult inferNorm(std::optional<Location> loc, StringRef opName,
                        Value input,
                        ArrayRef<std::pair<StringRef, Value>> params,
                        double eps, SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() < 1)
    return emitOptionalError(loc, "'", opName,
                             "' normalizes the last dimension, but the input "
                             "is a scalar");
  int64_t width = type.getDimSize(type.getRank() - 1);
  for (auto [name, value] : params) {
    auto param = cast<RankedTensorType>(value.getType());
    if (param.getElementType() != type.getElementType())
      return emitOptionalError(loc, "'", opName, "' ", name,
                               " has element type ", param.getElementType(),
                               ", expected the input's ",
                               type.getElementType());
    if (param.getShape() != ArrayRef<int64_t>{width})
      return emitOptionalError(loc, "'", opName, "' ", name, " must be [",
                               width, "] (the input's last dimension), found ",
                               formatShape(param.getShape()));
  }
  if (!std::isfinite(eps) || eps < 0)
    return emitOptionalError(
        loc, "'", opName, "' eps must be finite and non-negative, found ", eps);
  inferred.push_back(type);
  return success();
}

} // namespace

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferNorm(
      loc, getOperationName(), adaptor.getInput(),
      {{"weight", adaptor.getWeight()}, {"bias", adaptor.getBias()}},
      adaptor.getEps().convertToDouble(), inferred);
}

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferNorm(loc, getOperationName(), adaptor.getInput(),
                   {{"weight", adaptor.getWeight()}},
                   adaptor.getEps().convertToDouble(), inferred);
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", found \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult LogSoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  // I64Attr reads back as uint64_t: convert before testing the sign.
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

int64_t LogSoftmaxOp::getNormalizedAxis() {
  int64_t axis = static_cast<int64_t>(getAxis());
  return axis < 0 ? axis + getType().getRank() : axis;
}

//===----------------------------------------------------------------------===//
// Rotary embeddings and masks
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::verify() {
  RankedTensorType x = getInput().getType();
  ArrayRef<int64_t> positions = getPositions().getType().getShape();
  if (x.getRank() < 2)
    return emitOpError("input must have rank >= 2 ([..., T, D]), found ")
           << formatShape(x.getShape());
  int64_t steps = x.getDimSize(x.getRank() - 2);
  int64_t width = x.getDimSize(x.getRank() - 1);
  if (width % 2 != 0)
    return emitOpError("last dimension D must be even, found ") << width;
  if (positions != ArrayRef<int64_t>{steps})
    return emitOpError("positions must be [")
           << steps << "] (T, the input's dim -2), found "
           << formatShape(positions);
  double theta = getTheta().convertToDouble();
  if (!std::isfinite(theta) || theta <= 0)
    return emitOpError("theta must be finite and positive, found ") << theta;
  if (getType() != x)
    return emitOpError("result type ")
           << getType() << " differs from the input's " << x;
  return success();
}

LogicalResult CausalMaskOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError("input must have rank >= 2 ([..., T, S]), found ")
           << formatShape(getType().getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

namespace {

/// Checks q [B, H, T, D], k and v [B, KVH, S, D] of one element type with H
/// a multiple of KVH, the offset (a scalar that needs causal), causal
/// without offset having T <= S, and a finite scale.
LogicalResult verifyAttention(Operation *op, Value q, Value k, Value v,
                              Value offset, bool causal, FloatAttr scale) {
  auto qType = cast<RankedTensorType>(q.getType());
  auto kType = cast<RankedTensorType>(k.getType());
  auto vType = cast<RankedTensorType>(v.getType());
  if (kType.getElementType() != qType.getElementType() ||
      vType.getElementType() != qType.getElementType())
    return op->emitOpError("q, k and v must share one element type, found ")
           << qType.getElementType() << ", " << kType.getElementType()
           << " and " << vType.getElementType();
  if (qType.getRank() != 4)
    return op->emitOpError("q must be [B, H, T, D], found ")
           << formatShape(qType.getShape());
  ArrayRef<int64_t> qs = qType.getShape();
  if (kType.getRank() != 4 || kType.getDimSize(0) != qs[0] ||
      kType.getDimSize(3) != qs[3])
    return op->emitOpError("k must be [")
           << qs[0] << ", KVH, S, " << qs[3]
           << "] (q's batch and head size), found "
           << formatShape(kType.getShape());
  if (vType.getShape() != kType.getShape())
    return op->emitOpError("v must have k's shape ")
           << formatShape(kType.getShape()) << ", found "
           << formatShape(vType.getShape());
  int64_t heads = qs[1], kvHeads = kType.getDimSize(1);
  if (heads % kvHeads != 0)
    return op->emitOpError("query heads H = ")
           << heads << " must be a multiple of kv heads KVH = " << kvHeads;
  if (offset) {
    if (cast<RankedTensorType>(offset.getType()).getRank() != 0)
      return op->emitOpError("offset must be a scalar, found ")
             << offset.getType();
    if (!causal)
      return op->emitOpError("offset needs causal");
  } else if (causal && qs[2] > kType.getDimSize(2)) {
    return op->emitOpError("causal attention needs T <= S (bottom-right "
                           "aligned mask), found T = ")
           << qs[2] << ", S = " << kType.getDimSize(2);
  }
  if (scale && !std::isfinite(scale.getValueAsDouble()))
    return op->emitOpError("scale must be finite, found ")
           << scale.getValueAsDouble();
  return success();
}

double scaleOrDefault(FloatAttr scale, Value q) {
  if (scale)
    return scale.getValueAsDouble();
  auto type = cast<RankedTensorType>(q.getType());
  return 1.0 / std::sqrt(static_cast<double>(type.getShape().back()));
}

} // namespace

LogicalResult AttentionOp::verify() {
  if (failed(verifyAttention(*this, getQ(), getK(), getV(), getOffset(),
                             getCausal(), getScaleAttr())))
    return failure();
  if (getType() != getQ().getType())
    return emitOpError("result type ")
           << getType() << " differs from q's " << getQ().getType();
  return success();
}

double AttentionOp::getScaleOrDefault() {
  return scaleOrDefault(getScaleAttr(), getQ());
}

LogicalResult AttentionGradOp::verify() {
  if (failed(verifyAttention(*this, getQ(), getK(), getV(), getOffset(),
                             getCausal(), getScaleAttr())))
    return failure();
  if (getDout().getType() != getQ().getType())
    return emitOpError("dout type ")
           << getDout().getType() << " differs from q's " << getQ().getType();
  Value inputs[] = {getQ(), getK(), getV()};
  const char *names[] = {"dq", "dk", "dv"};
  for (auto [i, result] : llvm::enumerate(getResults()))
    if (result.getType() != inputs[i].getType())
      return emitOpError() << names[i] << " type " << result.getType()
                           << " differs from " << inputs[i].getType();
  return success();
}

double AttentionGradOp::getScaleOrDefault() {
  return scaleOrDefault(getScaleAttr(), getQ());
}
