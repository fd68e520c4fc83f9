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
    {"amsgrad", false, true},    {"warmup", true, true},
    {"decay-steps", true, true}, {"min-lr", true, true},
    {"clip", true, true},        {"decay-all", true, true},
};

std::string optionsTakenBy(bool sgd) {
  std::string s;
  for (const OptionInfo &o : kOptions)
    if (sgd ? o.sgd : o.adam)
      s += (s.empty() ? "" : ", ") + o.key.str();
  return s;
}

} // namespace

/// Reads and checks the schedule and clipping options into `c` (whose lr is
/// set).
LogicalResult checkSchedule(const OptimizerOptions &options,
                            OptimizerConfig &c,
                            function_ref<InFlightDiagnostic()> emitError) {
  c.warmup = options.warmup.value_or(0);
  c.decaySteps = options.decaySteps.value_or(0);
  c.minLr = options.minLr.value_or(0.0);
  c.clip = options.clip.value_or(0.0);
  if (c.warmup < 0)
    return emitError() << "invalid warmup value: " << c.warmup
                       << " (expected a number of steps >= 0)";
  if (c.decaySteps < 0 || (options.decaySteps && c.decaySteps <= c.warmup))
    return emitError() << "invalid decay-steps value: " << c.decaySteps
                       << " (expected more steps than the warmup's "
                       << c.warmup << ")";
  if (options.minLr && !options.decaySteps)
    return emitError() << "min-lr needs decay-steps (the step at which the "
                          "cosine decay reaches it)";
  if (!std::isfinite(c.minLr) || c.minLr < 0 || c.minLr > c.lr)
    return emitError() << "invalid min-lr value: " << c.minLr
                       << " (expected 0 <= min-lr <= lr = " << c.lr << ")";
  if (options.clip && !(std::isfinite(c.clip) && c.clip > 0))
    return emitError() << "invalid clip value: " << c.clip
                       << " (expected a finite norm > 0)";
  return success();
}

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
                        options.amsgrad.has_value(),
                        options.warmup.has_value(),
                        options.decaySteps.has_value(),
                        options.minLr.has_value(),
                        options.clip.has_value(),
                        options.decayAll.has_value()};
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
  c.decayAll = options.decayAll.value_or(false);
  if (c.lr < 0)
    return emitError() << "invalid learning rate: " << c.lr
                       << " (expected lr >= 0)";
  if (c.weightDecay < 0)
    return emitError() << "invalid weight-decay value: " << c.weightDecay
                       << " (expected weight-decay >= 0)";
  if (failed(checkSchedule(options, c, emitError)))
    return failure();
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
  if (weightDecay != 0 && !decayAll)
    os << "; weight decay on matrices only";
  if (warmup > 0)
    os << "; lr warmup " << warmup << " steps";
  if (decaySteps > 0)
    os << "; cosine lr decay to " << num(minLr) << " at step " << decaySteps;
  if (clip > 0)
    os << "; gradient norm clipped to " << num(clip);
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
  return kind != OptimizerKind::SGD || momentum != 0 || hasSchedule();
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
                                            ArrayRef<Value> states,
                                            bool decay) {
  double weightDecay = decay ? config.weightDecay : 0.0;
  if (config.kind == OptimizerKind::SGD)
    return updateSGD(param, grad, states, weightDecay);
  return updateAdam(param, grad, states, weightDecay);
}

Value OptimizerEmitter::learningRate() {
  Type f64 = builder.getF64Type();
  if (!config.hasSchedule())
    return scalar(f64, config.lr);
  if (scheduledLr)
    return scheduledLr;
  // s = steps done before this one. Warmup: lr (s + 1) / warmup. Cosine
  // decay: min + (lr - min) (1 + cos(pi (s - warmup) / (decay - warmup))) /
  // 2, then min from step `decay` on.
  auto scalarF64 = RankedTensorType::get({}, f64);
  Value s = CastOp::create(builder, loc, scalarF64, oldStep);
  Value lr = scalar(f64, config.lr);
  if (config.decaySteps > 0) {
    double span = static_cast<double>(config.decaySteps - config.warmup);
    Value progress =
        DivOp::create(builder, loc,
                      SubOp::create(builder, loc, s,
                                    scalar(f64, double(config.warmup))),
                      scalar(f64, span));
    Value cos = CosOp::create(
        builder, loc,
        MulOp::create(builder, loc, progress, scalar(f64, M_PI)));
    Value half = MulOp::create(
        builder, loc, AddOp::create(builder, loc, cos, scalar(f64, 1.0)),
        scalar(f64, 0.5 * (config.lr - config.minLr)));
    Value decayed = AddOp::create(builder, loc, half, scalar(f64, config.minLr));
    Value done = CompareOp::create(builder, loc, ComparePredicate::ge, s,
                                   scalar(f64, double(config.decaySteps)));
    lr = SelectOp::create(builder, loc, done, scalar(f64, config.minLr),
                          decayed);
  }
  if (config.warmup > 0) {
    Value warm = MulOp::create(
        builder, loc, AddOp::create(builder, loc, s, scalar(f64, 1.0)),
        scalar(f64, config.lr / double(config.warmup)));
    Value warming = CompareOp::create(builder, loc, ComparePredicate::lt, s,
                                      scalar(f64, double(config.warmup)));
    lr = SelectOp::create(builder, loc, warming, warm, lr);
  }
  scheduledLr = lr;
  return lr;
}

Value OptimizerEmitter::decoupledDecay(Type element, double weightDecay) {
  // 1 - lr * weight_decay, in double as torch computes it in Python floats.
  if (!config.hasSchedule())
    return scalar(element, 1.0 - config.lr * weightDecay);
  Type f64 = builder.getF64Type();
  Value factor = SubOp::create(
      builder, loc, scalar(f64, 1.0),
      MulOp::create(builder, loc, learningRate(), scalar(f64, weightDecay)));
  return CastOp::create(builder, loc, RankedTensorType::get({}, element),
                        factor);
}

Value OptimizerEmitter::learningRateAs(Type element) {
  auto it = learningRates.find(element);
  if (it != learningRates.end())
    return it->second;
  Value lr = CastOp::create(builder, loc, RankedTensorType::get({}, element),
                            learningRate());
  learningRates[element] = lr;
  return lr;
}

SmallVector<Value> OptimizerEmitter::updateSGD(Value param, Value grad,
                                               ArrayRef<Value> states,
                                               double weightDecay) {
  // d_p = grad (+ wd * p); buf = d_p on the first step, else
  // momentum * buf + (1 - dampening) * d_p; nesterov: d_p += momentum * buf,
  // else d_p = buf; p += -lr * d_p.
  Value dp = grad;
  if (weightDecay != 0)
    dp = addScaled(dp, param, weightDecay);
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
  if (config.hasSchedule())
    result[0] = SubOp::create(
        builder, loc, param,
        MulOp::create(builder, loc, dp, learningRateAs(elementOf(param))));
  else
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
  Value stepSize = DivOp::create(builder, loc, learningRate(), bc1);
  Value bc2Sqrt = SqrtOp::create(builder, loc, bc2);
  auto scalarType = RankedTensorType::get({}, element);
  std::pair<Value, Value> result = {
      CastOp::create(builder, loc, scalarType, stepSize),
      CastOp::create(builder, loc, scalarType, bc2Sqrt)};
  corrections[element] = result;
  return result;
}

SmallVector<Value> OptimizerEmitter::updateAdam(Value param, Value grad,
                                                ArrayRef<Value> states,
                                                double weightDecay) {
  Type element = elementOf(param);
  Value g = grad;
  Value p = param;
  if (weightDecay != 0) {
    if (config.kind == OptimizerKind::AdamW)
      p = MulOp::create(builder, loc, p, decoupledDecay(element, weightDecay));
    else
      g = addScaled(g, p, weightDecay);
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
