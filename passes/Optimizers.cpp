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

namespace {

/// An option of the --train spec / -mlc-train-step and the optimizers that
/// take it.
struct OptionInfo {
  llvm::StringLiteral key;
  bool sgd, adam;
};

constexpr OptionInfo kOptions[] = {
    {"lr", true, true},          {"momentum", true, false},
    {"dampening", true, false},  {"nesterov", true, false},
    {"weight-decay", true, true}, {"beta1", false, true},
    {"beta2", false, true},      {"eps", false, true},
    {"amsgrad", false, true},
};

std::string optionsTakenBy(bool sgd) {
  std::string s;
  for (const OptionInfo &o : kOptions)
    if (sgd ? o.sgd : o.adam)
      s += (s.empty() ? "" : ", ") + o.key.str();
  return s;
}

} // namespace

FailureOr<OptimizerConfig>
OptimizerConfig::create(const OptimizerOptions &options,
                        function_ref<InFlightDiagnostic()> emitError) {
  OptimizerConfig c;
  StringRef name = options.name;
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

  // Every option given must be one this optimizer takes.
  const bool given[] = {options.lr.has_value(),
                        options.momentum.has_value(),
                        options.dampening.has_value(),
                        options.nesterov.has_value(),
                        options.weightDecay.has_value(),
                        options.beta1.has_value(),
                        options.beta2.has_value(),
                        options.eps.has_value(),
                        options.amsgrad.has_value()};
  for (auto [info, isGiven] : llvm::zip_equal(kOptions, given))
    if (isGiven && !(isSGD ? info.sgd : info.adam))
      return emitError() << name << " takes no option '" << info.key
                         << "' (it takes " << optionsTakenBy(isSGD) << ")";

  // Numbers: finite, and in the ranges torch.optim accepts.
  auto number = [&](StringRef key, std::optional<double> value, double fallback,
                    double &out) -> LogicalResult {
    out = value.value_or(fallback);
    if (std::isfinite(out))
      return success();
    return emitError() << "invalid " << key << " value: " << out
                       << " (expected a finite number)";
  };
  if (!options.lr && isSGD)
    return emitError() << "sgd needs a learning rate (lr=...)";
  double adamWDecay = c.kind == OptimizerKind::AdamW ? 1e-2 : 0.0;
  if (failed(number("lr", options.lr, 1e-3, c.lr)) ||
      failed(number("weight-decay", options.weightDecay, adamWDecay,
                    c.weightDecay)) ||
      failed(number("momentum", options.momentum, 0.0, c.momentum)) ||
      failed(number("dampening", options.dampening, 0.0, c.dampening)) ||
      failed(number("beta1", options.beta1, 0.9, c.beta1)) ||
      failed(number("beta2", options.beta2, 0.999, c.beta2)) ||
      failed(number("eps", options.eps, 1e-8, c.eps)))
    return failure();
  c.nesterov = options.nesterov.value_or(false);
  c.amsgrad = options.amsgrad.value_or(false);
  if (c.lr < 0)
    return emitError() << "invalid learning rate: " << c.lr
                       << " (expected lr >= 0)";
  if (c.weightDecay < 0)
    return emitError() << "invalid weight-decay value: " << c.weightDecay
                       << " (expected weight-decay >= 0)";
  if (isSGD) {
    if (c.momentum < 0)
      return emitError() << "invalid momentum value: " << c.momentum
                         << " (expected momentum >= 0)";
    if (c.dampening < 0 || c.dampening > 1)
      return emitError() << "invalid dampening value: " << c.dampening
                         << " (expected 0 <= dampening <= 1)";
    if (c.nesterov && (c.momentum <= 0 || c.dampening != 0))
      return emitError()
             << "nesterov momentum requires a momentum and zero dampening";
    return c;
  }
  if (!(c.beta1 >= 0 && c.beta1 < 1))
    return emitError() << "invalid beta1 parameter: " << c.beta1
                       << " (expected 0 <= beta1 < 1)";
  if (!(c.beta2 >= 0 && c.beta2 < 1))
    return emitError() << "invalid beta2 parameter: " << c.beta2
                       << " (expected 0 <= beta2 < 1)";
  if (c.eps < 0)
    return emitError() << "invalid epsilon value: " << c.eps
                       << " (expected eps >= 0)";
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
