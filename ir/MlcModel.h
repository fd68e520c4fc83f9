// The model conventions: which func arguments are inputs, parameters and
// optimizer state, and which results are outputs or in-place updates.
#ifndef MLC_IR_MLCMODEL_H
#define MLC_IR_MLCMODEL_H

#include "ir/MlcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

namespace mlc {

/// Attribute names of the model conventions, all on func arguments/results.
namespace attr {
/// Argument: a batch input fed from the data set; value is its name.
inline constexpr llvm::StringLiteral kInput = "mlc.input";
/// Argument: a trained parameter; value is its name.
inline constexpr llvm::StringLiteral kParam = "mlc.param";
/// Argument: optimizer state (momentum, moments, step); value is its name.
inline constexpr llvm::StringLiteral kState = "mlc.state";
/// Argument: KV-cache state of a prefill or decode function, a float tensor
/// written in place at a runtime position; value is its name. Its result
/// `mlc.update = "name"` is the new value.
inline constexpr llvm::StringLiteral kCache = "mlc.cache";
/// Argument (unit) of an i32/i64 scalar input of a prefill or decode
/// function: the absolute position of the call's first token.
inline constexpr llvm::StringLiteral kPosition = "mlc.position";
/// Argument: #mlc.init of a parameter or state.
inline constexpr llvm::StringLiteral kInit = "mlc.init";
/// Argument (unit): a parameter that is not trained.
inline constexpr llvm::StringLiteral kFrozen = "mlc.frozen";
/// Argument (bool): whether weight decay applies to this parameter, whatever
/// the default rule of the train step says.
inline constexpr llvm::StringLiteral kDecay = "mlc.decay";
/// Argument (integer >= 0) of an integer [B, T] input: the input is a batch
/// of windows of the data set's token stream, each starting this many tokens
/// after its window's start (0 for inputs, 1 for next-token targets).
inline constexpr llvm::StringLiteral kShift = "mlc.shift";
/// Argument (integer >= 1) beside kShift, or on the token input of a prefill
/// or decode function: the exclusive upper bound of the token ids the input
/// takes.
inline constexpr llvm::StringLiteral kVocab = "mlc.vocab";
/// Argument (unit): the optimizer state that counts training steps (an i64
/// scalar), checked against a checkpoint's step when training resumes.
inline constexpr llvm::StringLiteral kCounter = "mlc.counter";
/// Argument (unit): optimizer state that sums gradients over micro-batches
/// (gradient accumulation): zero at start, not saved in checkpoints.
inline constexpr llvm::StringLiteral kAccumulator = "mlc.accumulator";
/// Function (integer >= 2): the micro-batches an apply entry point averages.
inline constexpr llvm::StringLiteral kMicroBatches = "mlc.micro_batches";
/// Result: a named output (loss, metrics, gradients).
inline constexpr llvm::StringLiteral kOutput = "mlc.output";
/// Result: the new value of the parameter or state of that name.
inline constexpr llvm::StringLiteral kUpdate = "mlc.update";
/// Function: what kind of entry point it is (kTrainKind, kEvalKind,
/// kPrefillKind or kDecodeKind).
inline constexpr llvm::StringLiteral kKind = "mlc.kind";
/// Function: the optimizer a train step applies, for the record.
inline constexpr llvm::StringLiteral kOptimizer = "mlc.optimizer";
/// Argument or result: the #mlc.slice the memory plan gives it (on an
/// output, where the reported value lives).
inline constexpr llvm::StringLiteral kSlice = "mlc.slice";
/// Op: the #mlc.slice of each of its results, in order (-mlc-plan-memory).
inline constexpr llvm::StringLiteral kSlices = "mlc.slices";
/// Module: the planned size of each arena, {kind = bytes : i64, ...}.
inline constexpr llvm::StringLiteral kArenas = "mlc.arenas";
/// Function: the planned peak of its activations in the workspace arena.
inline constexpr llvm::StringLiteral kWorkspace = "mlc.workspace";
/// Module: the #mlc.mesh of ranks the entry points are partitioned over;
/// collectives name its axes.
inline constexpr llvm::StringLiteral kMesh = "mlc.mesh";
/// Function: the mesh axes (an array of names) its inputs' batch is split
/// over: each rank's inputs hold its block of the global batch.
inline constexpr llvm::StringLiteral kBatchAxes = "mlc.batch_axes";
/// Argument (a parameter or optimizer state): the #mlc.shard saying which
/// piece of a whole tensor this rank holds (tensor parallelism, ZeRO).
inline constexpr llvm::StringLiteral kShard = "mlc.shard";
/// Module: the configuration of a generated or imported transformer (family,
/// sizes, eps, rope theta, tied embeddings), for `mlc export-hf`.
inline constexpr llvm::StringLiteral kTransformer = "mlc.transformer";
/// Op (pipeline parallelism, between -mlc-pipeline and
/// -mlc-pipeline-split): the stage that computes it, the micro-batch it
/// belongs to, and, on ops of the backward pass, `mlc.backward`. Reverse
/// mode gives the ops of an op's gradient the op's stage and micro-batch.
inline constexpr llvm::StringLiteral kStage = "mlc.stage";
inline constexpr llvm::StringLiteral kMicro = "mlc.micro";
inline constexpr llvm::StringLiteral kBackward = "mlc.backward";
/// Module: the pipeline (#mlc.pipeline-like dictionary: stages,
/// micro_batches, schedule) -mlc-pipeline cut the model into; a stage's
/// module (nested, after -mlc-pipeline-split) holds its stage as kStage.
inline constexpr llvm::StringLiteral kPipeline = "mlc.pipeline";
} // namespace attr

/// Values of attr::kKind.
inline constexpr llvm::StringLiteral kTrainKind = "train";
inline constexpr llvm::StringLiteral kEvalKind = "eval";
/// Gradient accumulation: forward + backward on one micro-batch, and the
/// optimizer step on the accumulated gradients.
inline constexpr llvm::StringLiteral kAccumulateKind = "accumulate";
inline constexpr llvm::StringLiteral kApplyKind = "apply";
/// Inference on a prompt: takes token ids [B, T], fills the KV caches from
/// the position it is given and reports the logits [B, T, V] first.
inline constexpr llvm::StringLiteral kPrefillKind = "prefill";
/// One generation step: as prefill, usually with T = 1.
inline constexpr llvm::StringLiteral kDecodeKind = "decode";

/// Whether `func` is a prefill or decode function (mlc.kind).
bool isInferenceKind(mlir::Operation *func);

/// The mesh of the module holding `op` (mlc.mesh), or null.
MeshAttr getMesh(mlir::Operation *op);

/// An `mlc.reduce_scatter` of `inputs` over `axes` (a group of `groupSize`
/// ranks): one flat result of numel / groupSize elements per input.
llvm::SmallVector<mlir::Value>
buildReduceScatter(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::ValueRange inputs, Reduction reduction,
                   mlir::ArrayAttr axes, int64_t groupSize);

/// One argument of a model function.
struct ModelArg {
  enum class Kind { Input, Param, State, Cache };
  Kind kind;
  std::string name;
  unsigned index;
  mlir::RankedTensorType type;
  InitAttr init; // null for inputs and caches
  bool frozen = false;
  /// An input holding the absolute position of the first token (mlc.position).
  bool position = false;
  bool counter = false;     // state that counts training steps
  bool accumulator = false; // state that sums gradients over micro-batches
  /// A token-window input (mlc.shift and mlc.vocab); shift and vocab are 0
  /// otherwise, except on the token input of a prefill or decode function,
  /// which has a vocab but is no window.
  bool tokenWindow = false;
  uint64_t shift = 0, vocab = 0;
};

/// One result of a model function.
struct ModelResult {
  enum class Kind { Output, Update };
  Kind kind;
  std::string name;
  unsigned index;
  mlir::RankedTensorType type;
};

/// The arguments and results of a model function, in order.
struct ModelSignature {
  llvm::SmallVector<ModelArg> args;
  llvm::SmallVector<ModelResult> results;

  /// The trainable (not frozen) parameters.
  llvm::SmallVector<const ModelArg *> trainableParams() const;
};

/// Reads the conventions off `func`, emitting an error on `func` that names
/// the argument or result that breaks them. Results without a name are
/// outputs named "loss" (result 0) and "output<i>". The inputs are all rows
/// of the data set or all token windows of one vocabulary: a data set is
/// one or the other.
llvm::FailureOr<ModelSignature> getModelSignature(mlir::func::FuncOp func);

/// Default name of an unnamed result.
std::string defaultOutputName(unsigned resultIndex);

/// Names the executable buffers of model arguments, the one rule the memory
/// plan and the exporter share: a parameter or state is one buffer per name
/// across functions; an input of a prefill or decode function is its own
/// buffer "<func>.<name>"; an input whose name an earlier function gave
/// another type (an eval function of another batch size) is its own buffer
/// "<func>.in.<name>". Visit functions in module order.
class ArgumentBuffers {
public:
  std::string name(mlir::func::FuncOp func, const ModelArg &arg);

private:
  llvm::StringMap<mlir::Type> firstType_;
};

} // namespace mlc

#endif // MLC_IR_MLCMODEL_H
