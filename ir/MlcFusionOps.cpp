// Verifiers of the kernel-region ops (ir/MlcFusionOps.td).
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlc;

namespace {

constexpr llvm::StringLiteral kLoopKind = "loop";
constexpr llvm::StringLiteral kRowKind = "row";
constexpr llvm::StringLiteral kColumnKind = "column";

ArrayRef<int64_t> shapeOf(Type type) {
  return cast<RankedTensorType>(type).getShape();
}

std::string formatAxes(ArrayRef<int64_t> axes) {
  std::string text = "[";
  for (auto [i, axis] : llvm::enumerate(axes))
    text += (i ? ", " : "") + std::to_string(axis);
  return text + "]";
}

/// The first reduction of a "row" or "column" body, or null.
Operation *firstReduction(FusionOp fusion) {
  for (Operation &op : fusion.getBodyOps())
    if (FusionOp::reducedAxesOf(&op))
      return &op;
  return nullptr;
}

} // namespace

std::optional<SmallVector<int64_t>> FusionOp::reducedAxesOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<SmallVector<int64_t>>>(op)
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(
          [](auto r) { return r.getNormalizedAxes(); })
      .Default([](Operation *) { return std::nullopt; });
}

StringRef FusionOp::reductionKind(ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> axes) {
  bool keptAfterReduced = false, reducedAfterKept = false;
  bool anyReduced = false, anyKept = false;
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (dim == 1)
      continue;
    bool reduced = llvm::is_contained(axes, int64_t(i));
    keptAfterReduced |= !reduced && anyReduced;
    reducedAfterKept |= reduced && anyKept;
    (reduced ? anyReduced : anyKept) = true;
  }
  if (!keptAfterReduced)
    return kRowKind;
  if (!reducedAfterKept)
    return kColumnKind;
  return "";
}

bool FusionOp::isReduction() {
  return getKind() == kRowKind || getKind() == kColumnKind;
}

ArrayRef<int64_t> FusionOp::getIterationShape() {
  if (isReduction())
    if (Operation *reduction = firstReduction(*this))
      return shapeOf(reduction->getOperand(0).getType());
  return shapeOf(getResult(0).getType());
}

SmallVector<int64_t> FusionOp::getReducedAxes() {
  if (!isReduction())
    return {};
  Operation *reduction = firstReduction(*this);
  return reduction ? *reducedAxesOf(reduction) : SmallVector<int64_t>{};
}

LogicalResult FusionOp::verify() {
  if (getKind() != kLoopKind && !isReduction())
    return emitOpError("kind must be \"loop\", \"row\" or \"column\", found \"")
           << getKind() << "\"";
  if (getResults().empty())
    return emitOpError("a kernel region has at least one result");
  return success();
}

/// Every operand broadcasts to the iteration shape.
static LogicalResult verifyOperandShapes(FusionOp fusion) {
  ArrayRef<int64_t> shape = fusion.getIterationShape();
  for (auto [i, arg] : llvm::enumerate(fusion.getBody().getArguments()))
    if (!isBroadcastableTo(shapeOf(arg.getType()), shape))
      return fusion.emitOpError("operand #")
             << i << " (" << arg.getType()
             << ") does not broadcast to the iteration shape "
             << formatShape(shape);
  return success();
}

/// "row" and "column" bodies: reductions over one set of axes of values of
/// the iteration shape, elementwise ops of that shape, and (rows only)
/// elementwise ops of the reduced shape.
static LogicalResult verifyReductionBody(FusionOp fusion) {
  StringRef kind = fusion.getKind();
  Operation *first = firstReduction(fusion);
  ArrayRef<int64_t> shape = fusion.getIterationShape();
  SmallVector<int64_t> axes = fusion.getReducedAxes();
  StringRef needed = FusionOp::reductionKind(shape, axes);
  if (needed != kind)
    return first->emitOpError("reduces axes ")
           << formatAxes(axes) << " of " << formatShape(shape) << ", "
           << (needed.empty() ? "neither a row nor a column reduction"
                              : "a \"" + needed.str() + "\" reduction")
           << ", inside a \"" << kind << "\" region";

  // The reduced shape with the reduced dims kept, and whether the region
  // is one row (then every one-element shape is a value per row).
  SmallVector<int64_t> rowShape(shape);
  for (int64_t axis : axes)
    rowShape[axis] = 1;
  bool oneRow = numElements(rowShape) == 1;
  auto isRowValue = [&](ArrayRef<int64_t> s) {
    return s == ArrayRef<int64_t>(rowShape) || (oneRow && numElements(s) == 1);
  };

  for (Operation &op : fusion.getBodyOps()) {
    if (std::optional<SmallVector<int64_t>> opAxes =
            FusionOp::reducedAxesOf(&op)) {
      if (shapeOf(op.getOperand(0).getType()) != shape || *opAxes != axes)
        return op.emitOpError("reduces ")
               << op.getOperand(0).getType() << " over axes "
               << formatAxes(*opAxes) << ", but the region reduces "
               << formatShape(shape) << " over axes " << formatAxes(axes);
      bool onlyYielded = llvm::all_of(
          op.getUsers(), [](Operation *user) { return isa<YieldOp>(user); });
      if (kind == kColumnKind && !onlyYielded)
        return op.emitOpError("is read inside a \"column\" region; a column "
                              "is reduced only after the last row, so its "
                              "result is only yielded");
      if (!onlyYielded && !isRowValue(shapeOf(op.getResult(0).getType())))
        return op.emitOpError("is read inside the region without keepdims; "
                              "values per row keep the reduced dims as 1 ")
               << "(" << formatShape(rowShape) << ")";
      continue;
    }
    if (!op.hasTrait<trait::Elementwise>())
      return op.emitOpError("is neither elementwise nor a reduction and "
                            "cannot be part of a \"")
             << kind << "\" region";
    ArrayRef<int64_t> result = shapeOf(op.getResult(0).getType());
    if (result != shape && !(kind == kRowKind && isRowValue(result)))
      return op.emitOpError("computes ")
             << op.getResult(0).getType() << " inside a \"" << kind
             << "\" region whose iteration shape is " << formatShape(shape)
             << (kind == kRowKind
                     ? " (values per row are " + formatShape(rowShape) + ")"
                     : "");
  }
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
  if (isReduction() && !firstReduction(*this))
    return emitOpError("a \"")
           << getKind() << "\" region holds at least one reduction";

  if (isReduction())
    return failure(failed(verifyOperandShapes(*this)) ||
                   failed(verifyReductionBody(*this)));

  ArrayRef<int64_t> shape = getIterationShape();
  for (auto [i, type] : llvm::enumerate(getResultTypes()))
    if (shapeOf(type) != shape)
      return emitOpError("result #")
             << i << " is " << type << ": every result of a \"loop\" region "
             << "has the iteration shape " << formatShape(shape);
  if (failed(verifyOperandShapes(*this)))
    return failure();
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
