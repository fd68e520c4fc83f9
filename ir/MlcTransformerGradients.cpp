// Reverse-mode derivative rules of the transformer ops
// (DifferentiableOpInterface); the other ops' rules are in
// MlcGradients.cpp.
#include "ir/Build.h"
#include "ir/MlcOps.h"

#include <cmath>

using namespace mlir;

namespace mlc {

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}
Value scalarLike(OpBuilder &b, Location loc, Value like, double value) {
  return buildScalar(
      b, loc, cast<RankedTensorType>(like.getType()).getElementType(), value);
}
/// The mean of `v` over its last dimension, kept as a size-1 dimension.
Value meanOfLast(OpBuilder &b, Location loc, Value v) {
  int64_t last = static_cast<int64_t>(shapeOf(v).size()) - 1;
  return ReduceMeanOp::create(b, loc, v, ArrayRef<int64_t>{last},
                              /*keepdims=*/true);
}

} // namespace

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

//===----------------------------------------------------------------------===//
// Norms: decompositions into primitive ops that recompute the statistics
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  // With xhat = (x - mean) * rstd and gw = g * weight:
  //   dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat))
  //   dweight = sum(g * xhat), dbias = sum(g) over the leading dims.
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  Value centered = SubOp::create(b, loc, x, meanOfLast(b, loc, x));
  Value var = meanOfLast(b, loc, MulOp::create(b, loc, centered, centered));
  Value eps = scalarLike(b, loc, x, getEps().convertToDouble());
  Value rstd = RsqrtOp::create(b, loc, AddOp::create(b, loc, var, eps));
  Value xhat = MulOp::create(b, loc, centered, rstd);
  Value gw = MulOp::create(b, loc, g, getWeight());
  Value meanGw = meanOfLast(b, loc, gw);
  Value meanGwXhat = meanOfLast(b, loc, MulOp::create(b, loc, gw, xhat));
  Value inner = SubOp::create(b, loc, SubOp::create(b, loc, gw, meanGw),
                              MulOp::create(b, loc, xhat, meanGwXhat));
  grads.push_back(MulOp::create(b, loc, inner, rstd));
  grads.push_back(buildSumToShape(b, loc, MulOp::create(b, loc, g, xhat),
                                  shapeOf(getWeight())));
  grads.push_back(buildSumToShape(b, loc, g, shapeOf(getBias())));
  return success();
}

LogicalResult RmsNormOp::buildGradients(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &grads) {
  // With r = rsqrt(mean(x^2) + eps) and gw = g * weight:
  //   dx = r * gw - x * r^3 * mean(gw * x), dweight = sum(g * x * r).
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  Value meanSquare = meanOfLast(b, loc, MulOp::create(b, loc, x, x));
  Value eps = scalarLike(b, loc, x, getEps().convertToDouble());
  Value r = RsqrtOp::create(b, loc, AddOp::create(b, loc, meanSquare, eps));
  Value gw = MulOp::create(b, loc, g, getWeight());
  Value r3 = MulOp::create(b, loc, MulOp::create(b, loc, r, r), r);
  Value meanGwX = meanOfLast(b, loc, MulOp::create(b, loc, gw, x));
  Value correction =
      MulOp::create(b, loc, MulOp::create(b, loc, x, r3), meanGwX);
  grads.push_back(
      SubOp::create(b, loc, MulOp::create(b, loc, gw, r), correction));
  Value normalized = MulOp::create(b, loc, x, r);
  grads.push_back(buildSumToShape(b, loc, MulOp::create(b, loc, g, normalized),
                                  shapeOf(getWeight())));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

namespace {

/// d gelu(x) / dx = Phi(x) + x phi(x), Phi = (1 + erf(x / sqrt 2)) / 2 and
/// phi = exp(-x^2 / 2) / sqrt(2 pi).
Value buildGeluDerivative(OpBuilder &b, Location loc, Value x) {
  Value half = scalarLike(b, loc, x, 0.5), one = scalarLike(b, loc, x, 1.0);
  Value erf = ErfOp::create(
      b, loc, MulOp::create(b, loc, x, scalarLike(b, loc, x, M_SQRT1_2)));
  Value cdf = MulOp::create(b, loc, AddOp::create(b, loc, erf, one), half);
  Value x2 = MulOp::create(b, loc, x, x);
  Value exp = ExpOp::create(
      b, loc, MulOp::create(b, loc, x2, scalarLike(b, loc, x, -0.5)));
  Value pdf = MulOp::create(
      b, loc, exp, scalarLike(b, loc, x, 0.5 * M_2_SQRTPI * M_SQRT1_2));
  return AddOp::create(b, loc, cdf, MulOp::create(b, loc, x, pdf));
}

/// The tanh form's derivative: with u = k (x + a x^3) and t = tanh(u),
/// (1 + t) / 2 + x (1 - t^2) k (1 + 3 a x^2) / 2.
Value buildGeluTanhDerivative(OpBuilder &b, Location loc, Value x) {
  const double k = M_SQRT2 * M_2_SQRTPI * 0.5, a = 0.044715;
  Value half = scalarLike(b, loc, x, 0.5), one = scalarLike(b, loc, x, 1.0);
  Value x2 = MulOp::create(b, loc, x, x);
  Value inner =
      AddOp::create(b, loc, x,
                    MulOp::create(b, loc, MulOp::create(b, loc, x2, x),
                                  scalarLike(b, loc, x, a)));
  Value t = TanhOp::create(
      b, loc, MulOp::create(b, loc, inner, scalarLike(b, loc, x, k)));
  Value left = MulOp::create(b, loc, AddOp::create(b, loc, t, one), half);
  Value sech2 = SubOp::create(b, loc, one, MulOp::create(b, loc, t, t));
  Value slope = AddOp::create(
      b, loc, MulOp::create(b, loc, x2, scalarLike(b, loc, x, 3 * a)), one);
  Value right = MulOp::create(
      b, loc, MulOp::create(b, loc, x, sech2),
      MulOp::create(b, loc, slope, scalarLike(b, loc, x, 0.5 * k)));
  return AddOp::create(b, loc, left, right);
}

} // namespace

LogicalResult GeluOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value derivative = getApproximate() == "tanh"
                         ? buildGeluTanhDerivative(b, loc, getInput())
                         : buildGeluDerivative(b, loc, getInput());
  grads.push_back(MulOp::create(b, loc, resultGrads[0], derivative));
  return success();
}

LogicalResult ErfOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  // d erf(x) = 2 / sqrt(pi) exp(-x^2)
  Location loc = getLoc();
  Value x = getInput();
  Value exp =
      ExpOp::create(b, loc, NegOp::create(b, loc, MulOp::create(b, loc, x, x)));
  Value derivative =
      MulOp::create(b, loc, exp, scalarLike(b, loc, x, M_2_SQRTPI));
  grads.push_back(MulOp::create(b, loc, resultGrads[0], derivative));
  return success();
}

LogicalResult SiluOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  // d (x s) = s (1 + x (1 - s)) with s = sigmoid(x)
  Location loc = getLoc();
  Value x = getInput(), one = scalarLike(b, loc, x, 1.0);
  Value s = SigmoidOp::create(b, loc, x);
  Value inner = AddOp::create(
      b, loc, one, MulOp::create(b, loc, x, SubOp::create(b, loc, one, s)));
  grads.push_back(
      MulOp::create(b, loc, resultGrads[0], MulOp::create(b, loc, s, inner)));
  return success();
}

LogicalResult LogSoftmaxOp::buildGradients(OpBuilder &b,
                                           ArrayRef<Value> resultGrads,
                                           SmallVectorImpl<Value> &grads) {
  // dx = g - softmax(x) * sum(g, axis), softmax(x) = exp(result)
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value sum =
      ReduceSumOp::create(b, loc, g, ArrayRef<int64_t>{getNormalizedAxis()},
                          /*keepdims=*/true);
  Value probs = ExpOp::create(b, loc, getResult());
  grads.push_back(SubOp::create(b, loc, g, MulOp::create(b, loc, probs, sum)));
  return success();
}

//===----------------------------------------------------------------------===//
// Rotary embeddings, masks and attention
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::buildGradients(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  // A rotation's adjoint is the rotation by the negative angle; the
  // positions get none.
  grads.push_back(RopeOp::create(b, getLoc(), getType(), resultGrads[0],
                                 getPositions(), getTheta(), !getInverse()));
  grads.push_back(Value());
  return success();
}

LogicalResult CausalMaskOp::buildGradients(OpBuilder &b,
                                           ArrayRef<Value> resultGrads,
                                           SmallVectorImpl<Value> &grads) {
  // Masked positions do not depend on the input: their adjoint is zero.
  grads.push_back(CausalMaskOp::create(b, getLoc(), resultGrads[0],
                                       b.getF64FloatAttr(0.0)));
  return success();
}

LogicalResult AttentionOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  auto grad = AttentionGradOp::create(
      b, getLoc(), getQ().getType(), getK().getType(), getV().getType(),
      resultGrads[0], getQ(), getK(), getV(), getOffset(), getCausalAttr(),
      getScaleAttr());
  grads.append({grad.getDq(), grad.getDk(), grad.getDv()});
  if (getOffset())
    grads.push_back(Value());
  return success();
}

StringRef AttentionGradOp::getNoGradientReason() {
  return "it is a gradient already, and mlc has no second derivatives";
}

//===----------------------------------------------------------------------===//
// KV caches
//===----------------------------------------------------------------------===//

StringRef CacheWriteOp::getNoGradientReason() {
  return "KV caches are written by prefill and decode, which nothing "
         "differentiates";
}

} // namespace mlc
