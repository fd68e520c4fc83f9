// Verifiers of the kernel-region ops (ir/MlcFusionOps.td).
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kLoopKind = "loop";

} // namespace

ArrayRef<int64_t> FusionOp::getIterationShape() {
  return cast<RankedTensorType>(getResult(0).getType()).getShape();
}

LogicalResult FusionOp::verify() {
  if (getKind() != kLoopKind)
    return emitOpError("kind must be \"loop\", found \"") << getKind() << "\"";
  if (getResults().empty())
    return emitOpError("a kernel region has at least one result");
  return success();
}

LogicalResult FusionOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("the body has ")
           << body.getNumArguments() << " arguments for " << getInputs().size()
           << " operands";
  for (auto [i, arg, input] : llvm::enumerate(body.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError("body argument #")
             << i << " is " << arg.getType() << " but operand #" << i << " is "
             << input.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("the body must end with mlc.yield");
  if (yield.getValues().getTypes() != getResultTypes())
    return yield.emitOpError("yields ")
           << yield.getValues().getTypes() << " but the region returns "
           << getResultTypes();

  ArrayRef<int64_t> shape = getIterationShape();
  for (auto [i, type] : llvm::enumerate(getResultTypes()))
    if (cast<RankedTensorType>(type).getShape() != shape)
      return emitOpError("result #")
             << i << " is " << type << ": every result of a \"loop\" region "
             << "has the iteration shape " << formatShape(shape);
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    if (!isBroadcastableTo(cast<RankedTensorType>(arg.getType()).getShape(),
                           shape))
      return emitOpError("operand #")
             << i << " (" << arg.getType()
             << ") does not broadcast to the iteration shape "
             << formatShape(shape);
  for (Operation &op : getBodyOps()) {
    if (!op.hasTrait<trait::Elementwise>())
      return op.emitOpError("is not elementwise and cannot be part of a "
                            "\"loop\" region");
    for (Type type : op.getResultTypes())
      if (cast<RankedTensorType>(type).getShape() != shape)
        return op.emitOpError("computes ")
               << type << " inside a \"loop\" region whose iteration shape is "
               << formatShape(shape);
  }
  return success();
}
