// The compile pipeline: what `mlc compile` and `mlc-opt -mlc-compile` run
// before a model is exported.
#ifndef MLC_PASSES_PIPELINES_H
#define MLC_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlc {

/// Options of -mlc-compile, the same as `mlc compile`'s.
struct CompileOptions : mlir::PassPipelineOptions<CompileOptions> {
  Option<std::string> func{*this, "func", llvm::cl::desc("Model function"),
                           llvm::cl::init("forward")};
  Option<std::string> train{
      *this, "train",
      llvm::cl::desc("Build a training step: the optimizer, then its options "
                     "(e.g. sgd,lr=0.1,momentum=0.9); without it the "
                     "executable is inference-only (@eval)")};
  Option<std::string> evalFunc{
      *this, "eval-func",
      llvm::cl::desc("Export this function (the model's parameters, inputs "
                     "of another batch size) as the eval entry point instead "
                     "of one derived from the model function")};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("Group elementwise ops into kernel regions "
                                   "(-mlc-fuse); false compiles op by op"),
                    llvm::cl::init(true)};
  Option<bool> planMemory{
      *this, "plan-memory",
      llvm::cl::desc("Plan memory last (-mlc-plan-memory); without it every "
                     "value gets memory of its own and no update is computed "
                     "in place"),
      llvm::cl::init(true)};
  Option<std::string> mesh{
      *this, "mesh",
      llvm::cl::desc("Partition over a mesh of ranks, e.g. dp=2 "
                     "(-mlc-data-parallel), tp=2 (-mlc-tensor-parallel) or "
                     "dp=2,tp=2; without it one rank")};
  Option<double> bucketMb{
      *this, "bucket-mb",
      llvm::cl::desc("With a mesh: gradients are all-reduced in buckets of "
                     "at most this many MiB (-mlc-bucket-all-reduce)"),
      llvm::cl::init(25.0)};
  Option<int64_t> zero{
      *this, "zero",
      llvm::cl::desc("With a dp mesh and a train step: ZeRO stage 1, 2 or 3 "
                     "(-mlc-zero); 0 keeps every rank's state whole"),
      llvm::cl::init(0)};
  Option<int64_t> microBatches{
      *this, "micro-batches",
      llvm::cl::desc("With a pp axis: micro-batches each batch is split into "
                     "(-mlc-pipeline)"),
      llvm::cl::init(1)};
  Option<std::string> schedule{
      *this, "schedule",
      llvm::cl::desc("With a pp axis: gpipe or 1f1b (-mlc-pipeline-split)"),
      llvm::cl::init("1f1b")};
};

/// What `mlc compile` asks of the pipeline, as plain values.
struct CompileSettings {
  std::string func = "forward";
  std::string train;    // a --train spec, or empty for inference
  std::string evalFunc; // empty: the eval entry point comes from func
  bool fuse = true;
  bool planMemory = true;
  std::string mesh; // "dp=2", "dp=2,tp=2", or empty for one rank
  double bucketMb = 25.0;
  int64_t zero = 0; // ZeRO stage, 0 to 3
  int64_t microBatches = 1;      // pipeline micro-batches (with a pp axis)
  std::string schedule = "1f1b"; // pipeline schedule: gpipe or 1f1b
};

/// Turns a --train spec ("adam,lr=1e-3,beta2=0.99") into the option string
/// of -mlc-train-step ("optimizer=adam lr=1e-3 beta2=0.99"). Keys and values
/// are single words (a space inside one is an error, not a separator).
llvm::FailureOr<std::string> trainSpecToPassOptions(llvm::StringRef spec,
                                                    std::string &error);

/// The text form of -mlc-compile with these settings, for
/// parsePassPipeline. Fails with `error` set if `func` is not a plain name,
/// `train` is not a valid spec or `mesh` not a mesh this compiler supports
/// (so that none can change the pipeline's syntax).
llvm::FailureOr<std::string>
compilePipelineText(const CompileSettings &settings, std::string &error);

/// Adds the compile pipeline to `pm` (a ModuleOp pass manager):
/// inline, lower-einsum, eval-func (with eval-func), tensor-parallel (with a
/// tp axis) and data-parallel (with a mesh), then train-step (or eval-entry
/// without --train), lower-fan-out and bucket-all-reduce (with a mesh),
/// canonicalize, CSE, fuse (unless fuse=false) and
/// plan-memory (unless plan-memory=false). With zero=N, canonicalize and
/// CSE run before -mlc-zero and bucket-all-reduce, so that CSE does not
/// merge the backward pass's gathers of a parameter with the forward's.
/// With a pp axis, -mlc-pipeline runs before the train step and
/// -mlc-pipeline-split after it; the passes from lower-fan-out on then run
/// on each stage's module. A bad spec or option fails through
/// `errorHandler`.
llvm::LogicalResult buildCompilePipeline(
    mlir::OpPassManager &pm, const CompileOptions &options,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler);

/// Registers -mlc-compile with the pass registry (mlc-opt, mlc).
void registerCompilePipeline();

} // namespace mlc

#endif // MLC_PASSES_PIPELINES_H
