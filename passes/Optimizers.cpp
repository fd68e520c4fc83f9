// Optimizer updates (SGD, Adam, AdamW) emitted as mlc ops, following the
// arithmetic of torch.optim (1.13, single-tensor path) step by step.
#include "passes/Optimizers.h"

#include "ir/Build.h"
#include "ir/MlcOps.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace mlc {

FailureOr<OptimizerConfig>
OptimizerConfig::create(StringRef name, std::optional<double> lr,
                        double momentum, double dampening, bool nesterov,
                        std::optional<double> weightDecay, double beta1,
                        double beta2, double eps, bool amsgrad,
                        function_ref<InFlightDiagnostic()> emitError) {
  OptimizerConfig c;
  if (name == "sgd")
    c.kind = OptimizerKind::SGD;
  else if (name == "adam")
    c.kind = OptimizerKind::Adam;
  else if (name == "adamw")
    c.kind = OptimizerKind::AdamW;
  else
    return emitError() << "unknown optimizer '" << name
                       << "' (expected sgd, adam or adamw)";
  bool isSGD = c.kind == OptimizerKind::SGD;

  if (!lr) {
    if (isSGD)
      return emitError() << "sgd needs a learning rate (lr=...)";
    lr = 1e-3;
  }
  if (!weightDecay)
    weightDecay = c.kind == OptimizerKind::AdamW ? 1e-2 : 0.0;
  c.lr = *lr;
  c.weightDecay = *weightDecay;
  if (!(c.lr >= 0) || !std::isfinite(c.lr))
    return emitError() << "invalid learning rate: " << c.lr;
  if (!(c.weightDecay >= 0) || !std::isfinite(c.weightDecay))
    return emitError() << "invalid weight_decay value: " << c.weightDecay;

  if (isSGD) {
    if (momentum < 0)
      return emitError() << "invalid momentum value: " << momentum;
    if (nesterov && (momentum <= 0 || dampening != 0))
      return emitError()
             << "nesterov momentum requires a momentum and zero dampening";
    c.momentum = momentum;
    c.dampening = dampening;
    c.nesterov = nesterov;
    return c;
  }
  if (momentum != 0 || dampening != 0 || nesterov)
    return emitError() << name
                       << " takes no momentum, dampening or nesterov option";
  if (!(beta1 >= 0 && beta1 < 1))
    return emitError() << "invalid beta1 parameter: " << beta1
                       << " (expected 0 <= beta1 < 1)";
  if (!(beta2 >= 0 && beta2 < 1))
    return emitError() << "invalid beta2 parameter: " << beta2
                       << " (expected 0 <= beta2 < 1)";
  if (!(eps >= 0))
    return emitError() << "invalid epsilon value: " << eps;
  c.beta1 = beta1;
  c.beta2 = beta2;
  c.eps = eps;
  c.amsgrad = amsgrad;
  return c;
}

std::string OptimizerConfig::describe() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  auto num = [](double v) {
    return llvm::formatv("{0}", llvm::format("%g", v));
  };
  switch (kind) {
  case OptimizerKind::SGD:
    os << "sgd(lr=" << num(lr) << ", momentum=" << num(momentum)
       << ", dampening=" << num(dampening)
       << ", nesterov=" << (nesterov ? "true" : "false")
       << ", weight_decay=" << num(weightDecay) << ")";
    break;
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW:
    os << (kind == OptimizerKind::Adam ? "adam" : "adamw") << "(lr=" << num(lr)
       << ", betas=(" << num(beta1) << ", " << num(beta2)
       << "), eps=" << num(eps) << ", weight_decay=" << num(weightDecay)
       << ", amsgrad=" << (amsgrad ? "true" : "false") << ")";
    break;
  }
  return s;
}

SmallVector<StringRef> OptimizerConfig::perParamStates() const {
  if (kind == OptimizerKind::SGD)
    return momentum != 0 ? SmallVector<StringRef>{"momentum_buffer"}
                         : SmallVector<StringRef>{};
  SmallVector<StringRef> states = {"exp_avg", "exp_avg_sq"};
  if (amsgrad)
    states.push_back("max_exp_avg_sq");
  return states;
}

bool OptimizerConfig::needsStep() const {
  return kind != OptimizerKind::SGD || momentum != 0;
}

OptimizerEmitter::OptimizerEmitter(OpBuilder &builder, Location loc,
                                   const OptimizerConfig &config, Value oldStep,
                                   Value newStep)
    : builder(builder), loc(loc), config(config), oldStep(oldStep),
      newStep(newStep) {}

Value OptimizerEmitter::scalar(Type element, double value) {
  return buildScalar(builder, loc, element, value);
}

static Type elementOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

Value OptimizerEmitter::addScaled(Value a, Value b, double alpha) {
  Value scaled = MulOp::create(builder, loc, b, scalar(elementOf(b), alpha));
  return AddOp::create(builder, loc, a, scaled);
}

SmallVector<Value> OptimizerEmitter::update(Value param, Value grad,
                                            ArrayRef<Value> states) {
  if (config.kind == OptimizerKind::SGD)
    return updateSGD(param, grad, states);
  return updateAdam(param, grad, states);
}

SmallVector<Value> OptimizerEmitter::updateSGD(Value param, Value grad,
                                               ArrayRef<Value> states) {
  // d_p = grad (+ wd * p); buf = d_p on the first step, else
  // momentum * buf + (1 - dampening) * d_p; nesterov: d_p += momentum * buf,
  // else d_p = buf; p += -lr * d_p.
  Value dp = grad;
  if (config.weightDecay != 0)
    dp = addScaled(dp, param, config.weightDecay);
  SmallVector<Value> result = {Value()};
  if (config.momentum != 0) {
    Value buf = states[0];
    Value decayed = MulOp::create(builder, loc, buf,
                                  scalar(elementOf(buf), config.momentum));
    Value running = addScaled(decayed, dp, 1.0 - config.dampening);
    if (!isFirstStep)
      isFirstStep = CompareOp::create(builder, loc, ComparePredicate::eq,
                                      oldStep, scalar(elementOf(oldStep), 0));
    Value newBuf = SelectOp::create(builder, loc, isFirstStep, dp, running);
    dp = config.nesterov ? addScaled(dp, newBuf, config.momentum) : newBuf;
    result.push_back(newBuf);
  }
  result[0] = addScaled(param, dp, -config.lr);
  return result;
}

std::pair<Value, Value> OptimizerEmitter::biasCorrections(Type element) {
  auto it = corrections.find(element);
  if (it != corrections.end())
    return it->second;
  Type f64 = builder.getF64Type();
  auto scalarF64 = RankedTensorType::get({}, f64);
  Value t = CastOp::create(builder, loc, scalarF64, newStep);
  Value one = scalar(f64, 1.0);
  Value bc1 =
      SubOp::create(builder, loc, one,
                    PowOp::create(builder, loc, scalar(f64, config.beta1), t));
  Value bc2 =
      SubOp::create(builder, loc, one,
                    PowOp::create(builder, loc, scalar(f64, config.beta2), t));
  Value stepSize = DivOp::create(builder, loc, scalar(f64, config.lr), bc1);
  Value bc2Sqrt = SqrtOp::create(builder, loc, bc2);
  auto scalarType = RankedTensorType::get({}, element);
  std::pair<Value, Value> result = {
      CastOp::create(builder, loc, scalarType, stepSize),
      CastOp::create(builder, loc, scalarType, bc2Sqrt)};
  corrections[element] = result;
  return result;
}

SmallVector<Value> OptimizerEmitter::updateAdam(Value param, Value grad,
                                                ArrayRef<Value> states) {
  Type element = elementOf(param);
  Value g = grad;
  Value p = param;
  if (config.weightDecay != 0) {
    if (config.kind == OptimizerKind::AdamW)
      p = MulOp::create(builder, loc, p,
                        scalar(element, 1.0 - config.lr * config.weightDecay));
    else
      g = addScaled(g, p, config.weightDecay);
  }
  // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
  Value m = addScaled(
      MulOp::create(builder, loc, states[0], scalar(element, config.beta1)), g,
      1.0 - config.beta1);
  // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
  Value decayedV =
      MulOp::create(builder, loc, states[1], scalar(element, config.beta2));
  Value v = addScaled(decayedV, MulOp::create(builder, loc, g, g),
                      1.0 - config.beta2);
  auto [stepSize, bc2Sqrt] = biasCorrections(element);
  SmallVector<Value> result = {Value(), m, v};
  Value second = v;
  if (config.amsgrad) {
    second = MaxOp::create(builder, loc, states[2], v);
    result.push_back(second);
  }
  // denom = (sqrt(v) / sqrt(bc2)) + eps; p.addcdiv_(m, denom, -step_size)
  Value sqrtV = SqrtOp::create(builder, loc, second);
  Value scaledSqrt = DivOp::create(builder, loc, sqrtV, bc2Sqrt);
  Value denom =
      AddOp::create(builder, loc, scaledSqrt, scalar(element, config.eps));
  Value ratio = DivOp::create(builder, loc, m, denom);
  result[0] = SubOp::create(builder, loc, p,
                            MulOp::create(builder, loc, ratio, stepSize));
  return result;
}

} // namespace mlc
