// Ops of the mlc dialect: type inference, verifiers, folders and
// canonicalization patterns.
#include "ir/MlcOps.h"
#include "ir/Broadcast.h"
#include "ir/Einsum.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlc;

#include "ir/MlcInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

RankedTensorType tensorType(Type t) { return cast<RankedTensorType>(t); }

/// Infers the NumPy broadcast of `types`, all of element type `element`
/// unless `checkElements` is false; the result has element type `result`.
LogicalResult inferBroadcast(std::optional<Location> loc, StringRef opName,
                             ArrayRef<Type> types, Type resultElement,
                             bool checkElements,
                             SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  Type element;
  for (auto [i, t] : llvm::enumerate(types)) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type)
      return emitOptionalError(loc, "'", opName, "' expects ranked tensors");
    if (checkElements) {
      if (!element)
        element = type.getElementType();
      else if (element != type.getElementType())
        return emitOptionalError(loc, "'", opName,
                                 "' operands must have one element type, "
                                 "found ",
                                 element, " and ", type.getElementType());
    }
    if (i == 0) {
      shape.assign(type.getShape().begin(), type.getShape().end());
      continue;
    }
    auto joined = broadcastShapes(shape, type.getShape());
    if (!joined)
      return emitOptionalError(
          loc, "'", opName, "' operand shapes ", formatShape(shape), " and ",
          formatShape(type.getShape()),
          " are not broadcast-compatible (aligned from the right, each pair "
          "of dimensions must be equal or one of them 1)");
    shape = *joined;
  }
  inferred.push_back(
      RankedTensorType::get(shape, resultElement ? resultElement : element));
  return success();
}

/// Normalizes reduction axes against `rank`: in range, no repeats, sorted.
FailureOr<SmallVector<int64_t>> normalizeAxes(std::optional<Location> loc,
                                              StringRef opName,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank) {
      (void)emitOptionalError(loc, "'", opName, "' axis ", axis,
                              " is out of range for rank ", rank,
                              " (expected -", rank, " <= axis < ", rank, ")");
      return failure();
    }
    int64_t a = axis < 0 ? axis + rank : axis;
    if (llvm::is_contained(result, a)) {
      (void)emitOptionalError(loc, "'", opName, "' axis ", axis,
                              " is listed twice");
      return failure();
    }
    result.push_back(a);
  }
  llvm::sort(result);
  return result;
}

template <typename ReduceOp>
LogicalResult inferReduce(std::optional<Location> loc,
                          typename ReduceOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput().getType());
  auto axes = normalizeAxes(loc, ReduceOp::getOperationName(),
                            adaptor.getAxes(), type.getRank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(*axes, d))
      shape.push_back(type.getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

/// Whether `attr` is a splat whose value equals `value`.
bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type element = splat.getElementType();
  if (isa<FloatType>(element))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  if (isa<IntegerType>(element))
    return static_cast<double>(splat.getSplatValue<APInt>().getSExtValue()) ==
           value;
  return false;
}

/// Folds `lhs op identity` to lhs when the identity is a splat constant and
/// the op does not change lhs's type by broadcasting.
OpFoldResult foldRightIdentity(Value lhs, Attribute rhs, Type resultType,
                               double identity) {
  if (lhs.getType() == resultType && isSplatOf(rhs, identity))
    return lhs;
  return {};
}

} // namespace

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

LogicalResult mlc::verifyTensorSizes(Operation *op) {
  auto check = [&](Type type, StringRef what, unsigned index) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return success();
    std::string problem = checkTensorSize(tensor);
    if (problem.empty())
      return success();
    return op->emitOpError() << what << " #" << index << " (" << type << ") "
                             << problem;
  };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(type, "operand", i)))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(type, "result", i)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

#define MLC_BINARY_INFER(OpClass)                                              \
  LogicalResult OpClass::inferReturnTypes(                                     \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferBroadcast(                                                     \
        loc, getOperationName(),                                               \
        {adaptor.getLhs().getType(), adaptor.getRhs().getType()}, Type(),      \
        /*checkElements=*/true, inferred);                                     \
  }
MLC_BINARY_INFER(AddOp)
MLC_BINARY_INFER(SubOp)
MLC_BINARY_INFER(MulOp)
MLC_BINARY_INFER(DivOp)
MLC_BINARY_INFER(MaxOp)
MLC_BINARY_INFER(MinOp)
MLC_BINARY_INFER(PowOp)
#undef MLC_BINARY_INFER

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0))
    return r;
  return foldRightIdentity(getRhs(), adaptor.getLhs(), getType(), 0);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r =
          foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1))
    return r;
  return foldRightIdentity(getRhs(), adaptor.getLhs(), getType(), 1);
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1);
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

namespace {
/// neg(neg(x)) -> x
struct FoldDoubleNegation : OpRewritePattern<NegOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NegOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<NegOp>();
    if (!inner)
      return failure();
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};
} // namespace

void NegOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<FoldDoubleNegation>(context);
}

//===----------------------------------------------------------------------===//
// Compare and select
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(
      loc, getOperationName(),
      {adaptor.getLhs().getType(), adaptor.getRhs().getType()},
      IntegerType::get(context, 1), /*checkElements=*/true, inferred);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  Type onTrue = adaptor.getOnTrue().getType();
  Type onFalse = adaptor.getOnFalse().getType();
  Type element = tensorType(onTrue).getElementType();
  if (element != tensorType(onFalse).getElementType())
    return emitOptionalError(loc, "'", getOperationName(),
                             "' branches must have one element type, found ",
                             element, " and ",
                             tensorType(onFalse).getElementType());
  return inferBroadcast(loc, getOperationName(),
                        {adaptor.getPred().getType(), onTrue, onFalse}, element,
                        /*checkElements=*/false, inferred);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

#define MLC_REDUCE_IMPL(OpClass)                                               \
  LogicalResult OpClass::inferReturnTypes(                                     \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferReduce<OpClass>(loc, adaptor, inferred);                       \
  }                                                                            \
  SmallVector<int64_t> OpClass::getNormalizedAxes() {                          \
    return *normalizeAxes(std::nullopt, getOperationName(), getAxes(),         \
                          getInput().getType().getRank());                     \
  }                                                                            \
  OpFoldResult OpClass::fold(FoldAdaptor) {                                    \
    if (getAxes().empty() && getInput().getType() == getType())                \
      return getInput();                                                       \
    return {};                                                                 \
  }
MLC_REDUCE_IMPL(ReduceSumOp)
MLC_REDUCE_IMPL(ReduceMeanOp)
MLC_REDUCE_IMPL(ReduceMaxOp)
#undef MLC_REDUCE_IMPL

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " differs from the input's "
           << in.getElementType();
  if (!isBroadcastableTo(in.getShape(), out.getShape()))
    return emitOpError("cannot broadcast shape ")
           << formatShape(in.getShape()) << " to "
           << formatShape(out.getShape())
           << " (aligned from the right, each input dimension must equal the "
              "target's or be 1)";
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    return SplatElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  return {};
}

namespace {
/// broadcast_to(broadcast_to(x)) -> broadcast_to(x)
struct FoldBroadcastChain : OpRewritePattern<BroadcastToOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BroadcastToOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<BroadcastToOp>();
    if (!inner)
      return failure();
    rewriter.replaceOpWithNewOp<BroadcastToOp>(op, op.getType(),
                                               inner.getInput());
    return success();
  }
};
} // namespace

void BroadcastToOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                MLIRContext *context) {
  patterns.add<FoldBroadcastChain>(context);
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " differs from the input's "
           << in.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(in.getShape()) << " (" << in.getNumElements()
           << " elements) to " << formatShape(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x)
struct FoldReshapeChain : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getInput());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<FoldReshapeChain>(context);
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = tensorType(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOptionalError(loc, "'", getOperationName(), "' perm has ",
                             perm.size(), " entries but the input has rank ",
                             rank);
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOptionalError(loc, "'", getOperationName(),
                               "' perm must be a permutation of 0..", rank - 1,
                               ", found entry ", p);
    seen[p] = true;
    shape.push_back(type.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q)
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPerm())
      composed.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, inner.getInput(), composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ComposeTransposes>(context);
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError("cannot change the shape: input is ")
           << formatShape(getInput().getType().getShape()) << ", result is "
           << formatShape(getType().getShape());
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult FullOp::verify() {
  // An integer fill takes the value truncated toward zero, which must fit.
  auto intType = dyn_cast<IntegerType>(getType().getElementType());
  if (!intType)
    return success();
  double value = std::trunc(getValue().convertToDouble());
  double limit = std::ldexp(1.0, intType.getWidth() - 1);
  if (!(value >= -limit && value < limit))
    return emitOpError("value ")
           << getValue().convertToDouble() << " does not fit in " << intType;
  return success();
}

OpFoldResult FullOp::fold(FoldAdaptor) {
  Type element = getType().getElementType();
  double value = getValue().convertToDouble();
  Attribute scalar;
  if (auto f = dyn_cast<FloatType>(element)) {
    APFloat v(value);
    bool losesInfo;
    v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &losesInfo);
    scalar = FloatAttr::get(element, v);
  } else {
    scalar = IntegerAttr::get(element, static_cast<int64_t>(value));
  }
  return SplatElementsAttr::get(getType(), scalar);
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = tensorType(adaptor.getLhs().getType());
  auto rhs = tensorType(adaptor.getRhs().getType());
  StringRef name = getOperationName();
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(
        loc, "'", name, "' operands must have rank >= 2, found ",
        formatShape(lhs.getShape()), " and ", formatShape(rhs.getShape()));
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(
        loc, "'", name, "' operands must have one element type, found ",
        lhs.getElementType(), " and ", rhs.getElementType());
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  int64_t ar = a.size(), br = b.size();
  bool ta = adaptor.getTransposeLhs(), tb = adaptor.getTransposeRhs();
  int64_t m = ta ? a[ar - 1] : a[ar - 2];
  int64_t ka = ta ? a[ar - 2] : a[ar - 1];
  int64_t kb = tb ? b[br - 1] : b[br - 2];
  int64_t n = tb ? b[br - 2] : b[br - 1];
  if (ka != kb)
    return emitOptionalError(
        loc, "'", name, "' contraction dimensions differ: lhs ", formatShape(a),
        (ta ? " (transposed)" : ""), " has K = ", ka, ", rhs ", formatShape(b),
        (tb ? " (transposed)" : ""), " has K = ", kb);
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return emitOptionalError(
        loc, "'", name, "' batch dimensions ", formatShape(a.drop_back(2)),
        " and ", formatShape(b.drop_back(2)), " are not broadcast-compatible");
  SmallVector<int64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

LogicalResult EinsumOp::verify() {
  SmallVector<ArrayRef<int64_t>> shapes;
  Type element;
  for (Value input : getInputs()) {
    auto type = tensorType(input.getType());
    shapes.push_back(type.getShape());
    if (element && element != type.getElementType())
      return emitOpError("operands must have one element type, found ")
             << element << " and " << type.getElementType();
    element = type.getElementType();
  }
  llvm::Expected<EinsumEquation> parsed = parseEinsum(getEquation(), shapes);
  if (!parsed)
    return emitOpError() << llvm::toString(parsed.takeError());
  if (getType().getShape() != ArrayRef<int64_t>(parsed->outShape) ||
      getType().getElementType() != element)
    return emitOpError("result type ")
           << getType() << " does not match the equation, expected "
           << RankedTensorType::get(parsed->outShape, element);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, one-hot, argmax and losses
//===----------------------------------------------------------------------===//

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult OneHotOp::verify() {
  ArrayRef<int64_t> labels = getLabels().getType().getShape();
  ArrayRef<int64_t> result = getType().getShape();
  if (result.size() != labels.size() + 1 || result.drop_back() != labels)
    return emitOpError("result shape must be the labels' shape ")
           << formatShape(labels) << " plus a class dimension, found "
           << formatShape(result);
  return success();
}

LogicalResult ArgmaxOp::verify() {
  auto in = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  // I64Attr reads back as uint64_t: convert before testing the sign.
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += in.getRank();
  SmallVector<int64_t> expected(in.getShape());
  expected.erase(expected.begin() + axis);
  if (getType().getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("result shape must be ")
           << formatShape(expected) << " (the input without axis " << axis
           << "), found " << formatShape(getType().getShape());
  return success();
}

LogicalResult MseLossOp::verify() {
  auto p = getPrediction().getType();
  auto t = getTarget().getType();
  if (p != t)
    return emitOpError("prediction and target must have the same type, found ")
           << p << " and " << t;
  if (getType().getElementType() != p.getElementType())
    return emitOpError("result element type must be ") << p.getElementType();
  return success();
}

/// Logits [..., C] and labels [...] of a cross-entropy.
static LogicalResult verifyLogitsAndLabels(Operation *op,
                                           RankedTensorType logits,
                                           RankedTensorType labels) {
  if (logits.getRank() < 1)
    return op->emitOpError("logits must have a class dimension");
  if (labels.getShape() != logits.getShape().drop_back())
    return op->emitOpError("labels shape must be ")
           << formatShape(logits.getShape().drop_back())
           << " (the logits without their class dimension), found "
           << formatShape(labels.getShape());
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  auto logits = getLogits().getType();
  if (failed(verifyLogitsAndLabels(*this, logits, getLabels().getType())))
    return failure();
  if (getType().getElementType() != logits.getElementType())
    return emitOpError("result element type must be ")
           << logits.getElementType();
  return success();
}

LogicalResult SoftmaxCrossEntropyWithGradOp::verify() {
  auto logits = getLogits().getType();
  Type element = logits.getElementType();
  if (failed(verifyLogitsAndLabels(*this, logits, getLabels().getType())))
    return failure();
  if (getScale().getType().getElementType() != element)
    return emitOpError("scale element type must be ") << element;
  if (getLoss().getType().getElementType() != element)
    return emitOpError("loss element type must be ") << element;
  if (getGrad().getType() != logits)
    return emitOpError("gradient type must be the logits' ")
           << logits << ", found " << getGrad().getType();
  return success();
}

#define GET_OP_CLASSES
#include "ir/MlcOps.cpp.inc"
