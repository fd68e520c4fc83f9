// Transformer ops of the mlc dialect (embeddings, norms, activations,
// rotary embeddings, masks, attention): type inference and verifiers.
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"

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
