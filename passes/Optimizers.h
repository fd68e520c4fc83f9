// Optimizer updates (SGD, Adam, AdamW) emitted as mlc ops, following the
// arithmetic of torch.optim step by step.
#ifndef MLC_PASSES_OPTIMIZERS_H
#define MLC_PASSES_OPTIMIZERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>

namespace mlc {

enum class OptimizerKind { SGD, Adam, AdamW };

/// Optimizer settings as a user gave them: an option left out is nullopt
/// and takes the optimizer's default.
struct OptimizerOptions {
  std::string name;
  std::optional<double> lr, momentum, dampening, weightDecay, beta1, beta2,
      eps;
  std::optional<bool> nesterov, amsgrad;
  std::optional<int64_t> warmup, decaySteps;
  std::optional<double> minLr, clip;
  std::optional<bool> decayAll;
};

/// Hyperparameters of one optimizer; defaults are PyTorch's.
struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::SGD;
  double lr = 0.0;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weightDecay = 0.0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  bool amsgrad = false;
  /// Learning-rate schedule: linear warmup over `warmup` steps, then cosine
  /// decay to `minLr` at step `decaySteps` (0: none).
  int64_t warmup = 0;
  int64_t decaySteps = 0;
  double minLr = 0.0;
  /// Global L2 norm the gradients are clipped to (0: no clipping).
  double clip = 0.0;
  /// Weight decay on every parameter, not only matrices.
  bool decayAll = false;

  /// Whether the learning rate depends on the step.
  bool hasSchedule() const { return warmup > 0 || decaySteps > 0; }

  /// Builds a config from the options given, the others taking PyTorch's
  /// defaults. Emits an error naming the option and fails on an option the
  /// optimizer does not take, a value that is not finite or out of range
  /// (the checks torch.optim makes, and dampening in [0, 1]).
  static llvm::FailureOr<OptimizerConfig>
  create(const OptimizerOptions &options,
         llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// Short human-readable form, e.g. "adamw(lr=0.001, ...)".
  std::string describe() const;

  /// Names of the state tensors kept per parameter, e.g. {"exp_avg",
  /// "exp_avg_sq"}; each has the parameter's type and starts at zero.
  llvm::SmallVector<llvm::StringRef> perParamStates() const;

  /// Whether the update needs the shared step counter.
  bool needsStep() const;
};

/// Emits optimizer updates into one function, sharing the per-step scalars
/// (bias corrections) between parameters.
class OptimizerEmitter {
public:
  /// `oldStep` and `newStep` are the i64 step counter before and after this
  /// step (null if the config does not need it).
  OptimizerEmitter(mlir::OpBuilder &builder, mlir::Location loc,
                   const OptimizerConfig &config, mlir::Value oldStep,
                   mlir::Value newStep);

  /// Emits the update of one parameter; `states` are the current values of
  /// perParamStates(), in order; `decay` says whether weight decay applies
  /// to it. Returns the new parameter followed by the new states.
  llvm::SmallVector<mlir::Value> update(mlir::Value param, mlir::Value grad,
                                        llvm::ArrayRef<mlir::Value> states,
                                        bool decay);

  /// The learning rate of this step as an f64 scalar (a constant without a
  /// schedule).
  mlir::Value learningRate();

private:
  mlir::Value scalar(mlir::Type element, double value);
  /// a + alpha * b, as torch's add(b, alpha=...).
  mlir::Value addScaled(mlir::Value a, mlir::Value b, double alpha);
  llvm::SmallVector<mlir::Value> updateSGD(mlir::Value param, mlir::Value grad,
                                           llvm::ArrayRef<mlir::Value> states,
                                           double weightDecay);
  llvm::SmallVector<mlir::Value> updateAdam(mlir::Value param, mlir::Value grad,
                                            llvm::ArrayRef<mlir::Value> states,
                                            double weightDecay);
  /// learningRate() cast to `element`.
  mlir::Value learningRateAs(mlir::Type element);
  /// The AdamW factor 1 - lr * weightDecay as an `element` scalar.
  mlir::Value decoupledDecay(mlir::Type element, double weightDecay);
  /// lr / (1 - beta1^t) and sqrt(1 - beta2^t), computed in f64 as PyTorch
  /// does in Python floats, then cast to `element`.
  std::pair<mlir::Value, mlir::Value> biasCorrections(mlir::Type element);

  mlir::OpBuilder &builder;
  mlir::Location loc;
  OptimizerConfig config;
  mlir::Value oldStep, newStep;
  llvm::DenseMap<mlir::Type, std::pair<mlir::Value, mlir::Value>> corrections;
  llvm::DenseMap<mlir::Type, mlir::Value> learningRates;
  mlir::Value isFirstStep, scheduledLr;
};

} // namespace mlc

#endif // MLC_PASSES_OPTIMIZERS_H
