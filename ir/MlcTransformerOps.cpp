// Transformer ops of the mlc dialect (embeddings, norms, activations,
// rotary embeddings, masks, attention): type inference and verifiers.
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"

#include <cmath>

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
