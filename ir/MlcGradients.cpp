// Reverse-mode derivative rules of the mlc ops (DifferentiableOpInterface).
//
// Each rule receives the adjoint of the op's result and emits the adjoints
// of its operands. Operands that were broadcast get their adjoint summed
// back to their own shape.
#include "ir/Broadcast.h"
#include "ir/Build.h"
#include "ir/MlcOps.h"

using namespace mlir;

namespace mlc {

//===----------------------------------------------------------------------===//
// Builder helpers
//===----------------------------------------------------------------------===//

Value buildScalar(OpBuilder &b, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute scalar;
  if (auto f = dyn_cast<FloatType>(elementType)) {
    APFloat v(value);
    bool losesInfo;
    v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &losesInfo);
    scalar = FloatAttr::get(elementType, v);
  } else {
    scalar = IntegerAttr::get(elementType, static_cast<int64_t>(value));
  }
  return ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, scalar));
}

Value buildZeros(OpBuilder &b, Location loc, RankedTensorType type) {
  Attribute zero = isa<FloatType>(type.getElementType())
                       ? Attribute(FloatAttr::get(type.getElementType(), 0.0))
                       : Attribute(IntegerAttr::get(type.getElementType(), 0));
  return ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, zero));
}

Value buildReshape(OpBuilder &b, Location loc, Value value,
                   ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return ReshapeOp::create(b, loc, type.clone(shape), value);
}

Value buildBroadcast(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return BroadcastToOp::create(b, loc, type.clone(shape), value);
}

Value buildSumToShape(OpBuilder &b, Location loc, Value grad,
                      ArrayRef<int64_t> target) {
  auto type = cast<RankedTensorType>(grad.getType());
  SmallVector<int64_t> axes = broadcastAxes(target, type.getShape());
  if (!axes.empty())
    grad = ReduceSumOp::create(b, loc, grad, axes, /*keepdims=*/false);
  return buildReshape(b, loc, grad, target);
}

Value buildUnreduce(OpBuilder &b, Location loc, Value grad,
                    ArrayRef<int64_t> axes, ArrayRef<int64_t> inputShape) {
  SmallVector<int64_t> kept(inputShape);
  for (int64_t axis : axes)
    kept[axis] = 1;
  return buildBroadcast(b, loc, buildReshape(b, loc, grad, kept), inputShape);
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}
Type elementOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}
Value scalarLike(OpBuilder &b, Location loc, Value like, double value) {
  return buildScalar(b, loc, elementOf(like), value);
}

/// Pushes the adjoints of a binary op's operands, summed to their shapes.
LogicalResult pushBinary(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value dl, Value dr, SmallVectorImpl<Value> &grads) {
  grads.push_back(dl ? buildSumToShape(b, loc, dl, shapeOf(lhs)) : Value());
  grads.push_back(dr ? buildSumToShape(b, loc, dr, shapeOf(rhs)) : Value());
  return success();
}

} // namespace

LogicalResult AddOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  Value g = resultGrads[0];
  return pushBinary(b, getLoc(), getLhs(), getRhs(), g, g, grads);
}

LogicalResult SubOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  Value g = resultGrads[0];
  return pushBinary(b, getLoc(), getLhs(), getRhs(), g,
                    NegOp::create(b, getLoc(), g), grads);
}

LogicalResult MulOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  // Built in separate statements so that the op order does not depend on
  // the compiler's order of evaluating arguments.
  Value dl = MulOp::create(b, loc, g, getRhs());
  Value dr = MulOp::create(b, loc, g, getLhs());
  return pushBinary(b, loc, getLhs(), getRhs(), dl, dr, grads);
}

LogicalResult DivOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  // d(l/r)/dl = 1/r, d(l/r)/dr = -(l/r)/r
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value dl = DivOp::create(b, loc, g, getRhs());
  Value dr = NegOp::create(
      b, loc,
      DivOp::create(b, loc, MulOp::create(b, loc, g, getResult()), getRhs()));
  return pushBinary(b, loc, getLhs(), getRhs(), dl, dr, grads);
}

namespace {
/// Routes the adjoint to lhs where `predicate(lhs, rhs)` holds, else rhs.
LogicalResult buildMinMaxGradients(OpBuilder &b, Location loc, Value lhs,
                                   Value rhs, Value g, ComparePredicate pred,
                                   SmallVectorImpl<Value> &grads) {
  Value takeLhs = CompareOp::create(b, loc, pred, lhs, rhs);
  Value zero = scalarLike(b, loc, g, 0.0);
  Value dl = SelectOp::create(b, loc, takeLhs, g, zero);
  Value dr = SelectOp::create(b, loc, takeLhs, zero, g);
  return pushBinary(b, loc, lhs, rhs, dl, dr, grads);
}
} // namespace

LogicalResult MaxOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  return buildMinMaxGradients(b, getLoc(), getLhs(), getRhs(), resultGrads[0],
                              ComparePredicate::ge, grads);
}

LogicalResult MinOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  return buildMinMaxGradients(b, getLoc(), getLhs(), getRhs(), resultGrads[0],
                              ComparePredicate::le, grads);
}

LogicalResult PowOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  // d(l^r)/dl = r * l^(r-1); d(l^r)/dr = l^r * log(l), taken as 0 where
  // l == 0 and r >= 0 (as PyTorch does), so that x^2 at 0 has a finite
  // exponent gradient.
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value l = getLhs(), r = getRhs();
  Value rMinusOne = SubOp::create(b, loc, r, scalarLike(b, loc, r, 1.0));
  Value dl = MulOp::create(
      b, loc, g, MulOp::create(b, loc, r, PowOp::create(b, loc, l, rMinusOne)));
  Value zero = scalarLike(b, loc, g, 0.0);
  Value lIsZero = CompareOp::create(b, loc, ComparePredicate::eq, l, zero);
  Value rNonNeg = CompareOp::create(b, loc, ComparePredicate::ge, r, zero);
  // Both masks are i1; a zero base with non-negative exponent has both set.
  Value dr = MulOp::create(
      b, loc, g, MulOp::create(b, loc, getResult(), LogOp::create(b, loc, l)));
  dr = SelectOp::create(b, loc, lIsZero,
                        SelectOp::create(b, loc, rNonNeg, zero, dr), dr);
  return pushBinary(b, loc, l, r, dl, dr, grads);
}

LogicalResult NegOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  grads.push_back(NegOp::create(b, getLoc(), resultGrads[0]));
  return success();
}

LogicalResult AbsOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value g = resultGrads[0], x = getInput();
  Value zero = scalarLike(b, loc, x, 0.0);
  Value positive = CompareOp::create(b, loc, ComparePredicate::gt, x, zero);
  Value negative = CompareOp::create(b, loc, ComparePredicate::lt, x, zero);
  Value gz = scalarLike(b, loc, g, 0.0);
  Value dx = SelectOp::create(
      b, loc, positive, g,
      SelectOp::create(b, loc, negative, NegOp::create(b, loc, g), gz));
  grads.push_back(dx);
  return success();
}

LogicalResult ExpOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  grads.push_back(MulOp::create(b, getLoc(), resultGrads[0], getResult()));
  return success();
}

LogicalResult LogOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  grads.push_back(DivOp::create(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

LogicalResult TanhOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value y = getResult();
  Value one = scalarLike(b, loc, y, 1.0);
  Value oneMinusY2 = SubOp::create(b, loc, one, MulOp::create(b, loc, y, y));
  grads.push_back(MulOp::create(b, loc, resultGrads[0], oneMinusY2));
  return success();
}

LogicalResult CosOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  // d cos(x) = -sin(x)
  Location loc = getLoc();
  Value sin = SinOp::create(b, loc, getInput());
  grads.push_back(
      MulOp::create(b, loc, resultGrads[0], NegOp::create(b, loc, sin)));
  return success();
}

LogicalResult SinOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value cos = CosOp::create(b, loc, getInput());
  grads.push_back(MulOp::create(b, loc, resultGrads[0], cos));
  return success();
}

LogicalResult SqrtOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  // d sqrt(x) = 1 / (2 sqrt(x))
  Location loc = getLoc();
  Value y = getResult();
  Value twoY = MulOp::create(b, loc, y, scalarLike(b, loc, y, 2.0));
  grads.push_back(DivOp::create(b, loc, resultGrads[0], twoY));
  return success();
}

LogicalResult RsqrtOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  // d x^-1/2 = -1/2 x^-3/2 = -1/2 y^3
  Location loc = getLoc();
  Value y = getResult();
  Value y3 = MulOp::create(b, loc, MulOp::create(b, loc, y, y), y);
  Value scale = MulOp::create(b, loc, y3, scalarLike(b, loc, y, -0.5));
  grads.push_back(MulOp::create(b, loc, resultGrads[0], scale));
  return success();
}

LogicalResult ReluOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  Value positive = CompareOp::create(b, loc, ComparePredicate::gt, x,
                                     scalarLike(b, loc, x, 0.0));
  grads.push_back(
      SelectOp::create(b, loc, positive, g, scalarLike(b, loc, g, 0.0)));
  return success();
}

LogicalResult SigmoidOp::buildGradients(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value y = getResult();
  Value oneMinusY = SubOp::create(b, loc, scalarLike(b, loc, y, 1.0), y);
  grads.push_back(MulOp::create(b, loc, resultGrads[0],
                                MulOp::create(b, loc, y, oneMinusY)));
  return success();
}

LogicalResult SelectOp::buildGradients(OpBuilder &b,
                                       ArrayRef<Value> resultGrads,
                                       SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value zero = scalarLike(b, loc, g, 0.0);
  grads.push_back(Value());
  grads.push_back(buildSumToShape(b, loc,
                                  SelectOp::create(b, loc, getPred(), g, zero),
                                  shapeOf(getOnTrue())));
  grads.push_back(buildSumToShape(b, loc,
                                  SelectOp::create(b, loc, getPred(), zero, g),
                                  shapeOf(getOnFalse())));
  return success();
}

LogicalResult ReduceSumOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  grads.push_back(buildUnreduce(b, getLoc(), resultGrads[0],
                                getNormalizedAxes(), shapeOf(getInput())));
  return success();
}

LogicalResult ReduceMeanOp::buildGradients(OpBuilder &b,
                                           ArrayRef<Value> resultGrads,
                                           SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  SmallVector<int64_t> axes = getNormalizedAxes();
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= shapeOf(getInput())[axis];
  Value scaled = MulOp::create(
      b, loc, resultGrads[0],
      scalarLike(b, loc, resultGrads[0], 1.0 / static_cast<double>(count)));
  grads.push_back(buildUnreduce(b, loc, scaled, axes, shapeOf(getInput())));
  return success();
}

LogicalResult ReduceMaxOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  // The adjoint is shared evenly among the elements equal to the maximum.
  Location loc = getLoc();
  SmallVector<int64_t> axes = getNormalizedAxes();
  ArrayRef<int64_t> inShape = shapeOf(getInput());
  Value max = buildUnreduce(b, loc, getResult(), axes, inShape);
  Value isMax =
      CompareOp::create(b, loc, ComparePredicate::eq, getInput(), max);
  Value mask = CastOp::create(
      b, loc, RankedTensorType::get(inShape, elementOf(resultGrads[0])), isMax);
  Value count = ReduceSumOp::create(b, loc, mask, axes, /*keepdims=*/true);
  Value share = DivOp::create(b, loc, mask, count);
  Value g = buildUnreduce(b, loc, resultGrads[0], axes, inShape);
  grads.push_back(MulOp::create(b, loc, g, share));
  return success();
}

LogicalResult BroadcastToOp::buildGradients(OpBuilder &b,
                                            ArrayRef<Value> resultGrads,
                                            SmallVectorImpl<Value> &grads) {
  grads.push_back(
      buildSumToShape(b, getLoc(), resultGrads[0], shapeOf(getInput())));
  return success();
}

LogicalResult ReshapeOp::buildGradients(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &grads) {
  grads.push_back(
      buildReshape(b, getLoc(), resultGrads[0], shapeOf(getInput())));
  return success();
}

LogicalResult TransposeOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  grads.push_back(TransposeOp::create(b, getLoc(), resultGrads[0], inverse));
  return success();
}

LogicalResult SliceOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  // The adjoint padded with zeros before and after the slice.
  Location loc = getLoc();
  int64_t axis = getNormalizedAxis();
  auto inType = getInput().getType();
  int64_t start = static_cast<int64_t>(getStart());
  int64_t after = inType.getDimSize(axis) - start - getType().getDimSize(axis);
  SmallVector<Value> pieces;
  auto zeros = [&](int64_t extent) {
    SmallVector<int64_t> shape(inType.getShape());
    shape[axis] = extent;
    pieces.push_back(buildZeros(b, loc, inType.clone(shape)));
  };
  if (start > 0)
    zeros(start);
  pieces.push_back(resultGrads[0]);
  if (after > 0)
    zeros(after);
  grads.push_back(pieces.size() == 1
                      ? pieces[0]
                      : ConcatOp::create(b, loc, pieces, axis).getResult());
  return success();
}

LogicalResult ConcatOp::buildGradients(OpBuilder &b,
                                       ArrayRef<Value> resultGrads,
                                       SmallVectorImpl<Value> &grads) {
  // Each operand gets its own range of the adjoint.
  int64_t axis = getNormalizedAxis();
  int64_t start = 0;
  for (Value input : getInputs()) {
    int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(axis);
    grads.push_back(
        SliceOp::create(b, getLoc(), resultGrads[0], axis, start, size));
    start += size;
  }
  return success();
}

LogicalResult SplitOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  // The results' adjoints side by side; zeros for a result without one.
  SmallVector<Value> pieces;
  for (auto [result, grad] : llvm::zip(getResults(), resultGrads))
    pieces.push_back(
        grad ? grad
             : buildZeros(b, getLoc(),
                          cast<RankedTensorType>(result.getType())));
  grads.push_back(ConcatOp::create(b, getLoc(), pieces, getNormalizedAxis()));
  return success();
}

LogicalResult CastOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  auto inType = getInput().getType();
  if (!isa<FloatType>(inType.getElementType()) ||
      !isa<FloatType>(getType().getElementType())) {
    grads.push_back(Value());
    return success();
  }
  grads.push_back(CastOp::create(b, getLoc(), inType, resultGrads[0]));
  return success();
}

LogicalResult MatmulOp::buildGradients(OpBuilder &b,
                                       ArrayRef<Value> resultGrads,
                                       SmallVectorImpl<Value> &grads) {
  // C = op(A) op(B). With op(X) = X or X^T the adjoints are again single
  // matmuls with transpose flags; broadcast batch dims are summed away.
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value a = getLhs(), bv = getRhs();
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  Value da, db;
  if (!ta)
    da = tb ? MatmulOp::create(b, loc, g, bv, false, false)
            : MatmulOp::create(b, loc, g, bv, false, true);
  else
    da = tb ? MatmulOp::create(b, loc, bv, g, true, true)
            : MatmulOp::create(b, loc, bv, g, false, true);
  auto aType = cast<RankedTensorType>(a.getType());
  if (!ta && aType.getRank() > 2 &&
      cast<RankedTensorType>(bv.getType()).getRank() == 2) {
    // A rank-2 weight shared by every batch entry of a row-major lhs
    // ([..., M, K] x [K, N]): its adjoint is one GEMM over all rows rather
    // than one product per batch entry summed afterwards (which writes
    // the weight's size once per entry and runs small GEMMs).
    int64_t rows = 1;
    for (int64_t d : aType.getShape().drop_back())
      rows *= d;
    Value a2 = buildReshape(b, loc, a, {rows, aType.getShape().back()});
    Value g2 = buildReshape(b, loc, g, {rows, shapeOf(g).back()});
    db = tb ? MatmulOp::create(b, loc, g2, a2, true, false)  // [N, K]
            : MatmulOp::create(b, loc, a2, g2, true, false); // [K, N]
  } else if (!tb) {
    db = ta ? MatmulOp::create(b, loc, a, g, false, false)
            : MatmulOp::create(b, loc, a, g, true, false);
  } else {
    db = ta ? MatmulOp::create(b, loc, g, a, true, true)
            : MatmulOp::create(b, loc, g, a, true, false);
  }
  return pushBinary(b, loc, a, bv, da, db, grads);
}

LogicalResult SoftmaxOp::buildGradients(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &grads) {
  // dx = y * (g - sum(g * y, axis))
  Location loc = getLoc();
  Value y = getResult(), g = resultGrads[0];
  int64_t rank = getType().getRank();
  // I64Attr reads back as uint64_t: convert before testing the sign.
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  Value dot = ReduceSumOp::create(b, loc, MulOp::create(b, loc, g, y),
                                  ArrayRef<int64_t>{axis}, /*keepdims=*/true);
  grads.push_back(MulOp::create(b, loc, y, SubOp::create(b, loc, g, dot)));
  return success();
}

LogicalResult MseLossOp::buildGradients(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &grads) {
  // L = mean((p - t)^2): dp = 2 (p - t) / n, dt = -dp
  Location loc = getLoc();
  Value p = getPrediction(), t = getTarget();
  double n = static_cast<double>(numElements(shapeOf(p)));
  Value scale =
      MulOp::create(b, loc, resultGrads[0], scalarLike(b, loc, p, 2.0 / n));
  Value dp = MulOp::create(b, loc, SubOp::create(b, loc, p, t), scale);
  grads.push_back(dp);
  grads.push_back(NegOp::create(b, loc, dp));
  return success();
}

LogicalResult
SoftmaxCrossEntropyOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  // dlogits = (softmax(logits) - one_hot(labels)) * g / rows
  Location loc = getLoc();
  Value logits = getLogits();
  auto type = cast<RankedTensorType>(logits.getType());
  double rows = static_cast<double>(numElements(type.getShape().drop_back()));
  Value probs = SoftmaxOp::create(b, loc, logits, b.getI64IntegerAttr(-1));
  Value target = OneHotOp::create(b, loc, type, getLabels());
  Value scale = MulOp::create(b, loc, resultGrads[0],
                              scalarLike(b, loc, logits, 1.0 / rows));
  grads.push_back(
      MulOp::create(b, loc, SubOp::create(b, loc, probs, target), scale));
  grads.push_back(Value());
  return success();
}

//===----------------------------------------------------------------------===//
// Ops without a derivative (NoGradientOpInterface), each with its reason
//===----------------------------------------------------------------------===//

StringRef CompareOp::getNoGradientReason() {
  return "its result is boolean (the predicate of a select gets none)";
}
StringRef ConstantOp::getNoGradientReason() { return "it has no operands"; }
StringRef FullOp::getNoGradientReason() { return "it has no operands"; }
StringRef OneHotOp::getNoGradientReason() {
  return "its operand is integer labels";
}
StringRef SoftmaxCrossEntropyWithGradOp::getNoGradientReason() {
  return "it is formed after autodiff, and its gradient result is a "
         "gradient already";
}
StringRef ArgmaxOp::getNoGradientReason() {
  return "its result is integer indices";
}
StringRef EinsumOp::getNoGradientReason() {
  return "autodiff runs after -mlc-lower-einsum, on the ops it lowers to";
}

namespace {

/// Kernel regions are formed by -mlc-fuse, after autodiff: nothing
/// differentiates through them.
template <typename Op>
struct KernelRegionNoGradient
    : NoGradientOpInterface::ExternalModel<KernelRegionNoGradient<Op>, Op> {
  static StringRef getNoGradientReason() {
    return "kernel regions are formed after autodiff";
  }
};

} // namespace

void attachNoGradientModels(MLIRContext &context) {
  FusionOp::attachInterface<KernelRegionNoGradient<FusionOp>>(context);
  YieldOp::attachInterface<KernelRegionNoGradient<YieldOp>>(context);
}

} // namespace mlc
