// Reverse-mode derivative rules of the transformer ops
// (DifferentiableOpInterface); the other ops' rules are in
// MlcGradients.cpp.
#include "ir/Build.h"
#include "ir/MlcOps.h"

using namespace mlir;

namespace mlc {

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  // Each table row gets the sum of the adjoint rows that read it.
  grads.push_back(EmbeddingGradOp::create(b, getLoc(), getTable().getType(),
                                          resultGrads[0], getIds()));
  grads.push_back(Value());
  return success();
}

LogicalResult EmbeddingGradOp::buildGradients(OpBuilder &b,
                                              ArrayRef<Value> resultGrads,
                                              SmallVectorImpl<Value> &grads) {
  // Linear in the gradient: its adjoint reads the adjoint's rows back.
  grads.push_back(EmbeddingOp::create(b, getLoc(), resultGrads[0], getIds()));
  grads.push_back(Value());
  return success();
}

} // namespace mlc
