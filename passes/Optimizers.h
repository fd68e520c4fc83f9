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

  /// Builds a config from pass options, where an lr or weight decay that was
  /// not given means "the optimizer's default". Emits an error naming the
  /// bad value (the checks torch.optim makes) and fails on invalid settings.
  static llvm::FailureOr<OptimizerConfig>
  create(llvm::StringRef name, std::optional<double> lr, double momentum,
         double dampening, bool nesterov, std::optional<double> weightDecay,
         double beta1, double beta2, double eps, bool amsgrad,
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
  /// perParamStates(), in order. Returns the new parameter followed by the
  /// new states.
  llvm::SmallVector<mlir::Value> update(mlir::Value param, mlir::Value grad,
                                        llvm::ArrayRef<mlir::Value> states);

private:
  mlir::Value scalar(mlir::Type element, double value);
  /// a + alpha * b, as torch's add(b, alpha=...).
  mlir::Value addScaled(mlir::Value a, mlir::Value b, double alpha);
  llvm::SmallVector<mlir::Value> updateSGD(mlir::Value param, mlir::Value grad,
                                           llvm::ArrayRef<mlir::Value> states);
  llvm::SmallVector<mlir::Value> updateAdam(mlir::Value param, mlir::Value grad,
                                            llvm::ArrayRef<mlir::Value> states);
  /// lr / (1 - beta1^t) and sqrt(1 - beta2^t), computed in f64 as PyTorch
  /// does in Python floats, then cast to `element`.
  std::pair<mlir::Value, mlir::Value> biasCorrections(mlir::Type element);

  mlir::OpBuilder &builder;
  mlir::Location loc;
  OptimizerConfig config;
  mlir::Value oldStep, newStep;
  llvm::DenseMap<mlir::Type, std::pair<mlir::Value, mlir::Value>> corrections;
  mlir::Value isFirstStep;
};

} // namespace mlc

#endif // MLC_PASSES_OPTIMIZERS_H
