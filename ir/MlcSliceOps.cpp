// Slicing ops of the mlc dialect (slice, concat, split): type inference
// and folders.
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlc;

namespace {

/// `axis` made non-negative, or an error naming `opName` when it is not in
/// [-rank, rank).
FailureOr<int64_t> normalizeAxis(std::optional<Location> loc, StringRef opName,
                                 int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    (void)emitOptionalError(loc, "'", opName, "' axis ", axis,
                            " is out of range for rank ", rank, " (expected -",
                            rank, " <= axis < ", rank, ")");
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

/// `axis` of a verified op, made non-negative.
int64_t normalizedAxis(int64_t axis, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  return axis < 0 ? axis + rank : axis;
}

} // namespace

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  // I64Attr reads back as uint64_t: convert before testing the sign.
  FailureOr<int64_t> axis =
      normalizeAxis(loc, getOperationName(),
                    static_cast<int64_t>(adaptor.getAxis()), type.getRank());
  if (failed(axis))
    return failure();
  int64_t start = static_cast<int64_t>(adaptor.getStart());
  int64_t size = static_cast<int64_t>(adaptor.getSize());
  int64_t extent = type.getDimSize(*axis);
  if (start < 0 || size < 1 || start > extent - size)
    return emitOptionalError(
        loc, "'", getOperationName(), "' range [", start, ", ", start + size,
        ") is out of bounds for axis ", *axis, " of size ", extent,
        " (expected 0 <= start, 1 <= size and start + size <= ", extent, ")");
  SmallVector<int64_t> shape(type.getShape());
  shape[*axis] = size;
  inferred.push_back(type.clone(shape));
  return success();
}

int64_t SliceOp::getNormalizedAxis() {
  return normalizedAxis(static_cast<int64_t>(getAxis()), getInput());
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "'", name, "' needs at least one operand");
  auto first = cast<RankedTensorType>(inputs[0].getType());
  FailureOr<int64_t> axis = normalizeAxis(
      loc, name, static_cast<int64_t>(adaptor.getAxis()), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, input] : llvm::enumerate(inputs.drop_front())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getElementType() != first.getElementType())
      return emitOptionalError(loc, "'", name, "' operand #", i + 1, " has ",
                               "element type ", type.getElementType(),
                               ", expected ", first.getElementType(),
                               " (operand #0's)");
    bool agree = type.getRank() == first.getRank();
    for (int64_t d = 0; agree && d < type.getRank(); ++d)
      agree = d == *axis || type.getDimSize(d) == first.getDimSize(d);
    if (!agree)
      return emitOptionalError(
          loc, "'", name, "' operand #", i + 1, " has shape ",
          formatShape(type.getShape()), ", which differs from operand #0's ",
          formatShape(first.getShape()), " outside axis ", *axis);
    shape[*axis] += type.getDimSize(*axis);
  }
  inferred.push_back(first.clone(shape));
  return success();
}

int64_t ConcatOp::getNormalizedAxis() {
  return normalizedAxis(static_cast<int64_t>(getAxis()), getInputs()[0]);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs()[0];
  return {};
}

//===----------------------------------------------------------------------===//
// split
//===----------------------------------------------------------------------===//

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  FailureOr<int64_t> axis = normalizeAxis(
      loc, name, static_cast<int64_t>(adaptor.getAxis()), type.getRank());
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  if (sizes.empty())
    return emitOptionalError(loc, "'", name, "' needs at least one size");
  int64_t extent = type.getDimSize(*axis), total = 0;
  for (int64_t size : sizes) {
    if (size < 1 || size > extent)
      return emitOptionalError(loc, "'", name, "' size ", size,
                               " is not in [1, ", extent, "] (axis ", *axis,
                               " has size ", extent, ")");
    total += size; // at most sizes.size() * 2^40: no overflow
  }
  if (total != extent)
    return emitOptionalError(loc, "'", name, "' sizes [", sizes, "] add up to ",
                             total, ", but axis ", *axis, " has size ", extent);
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t size : sizes) {
    shape[*axis] = size;
    inferred.push_back(type.clone(shape));
  }
  return success();
}

int64_t SplitOp::getNormalizedAxis() {
  return normalizedAxis(static_cast<int64_t>(getAxis()), getInput());
}

LogicalResult SplitOp::fold(FoldAdaptor,
                            SmallVectorImpl<OpFoldResult> &results) {
  if (getNumResults() != 1)
    return failure();
  results.push_back(getInput());
  return success();
}
