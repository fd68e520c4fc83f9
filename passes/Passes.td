// Passes of the mlc compiler.
#ifndef MLC_PASSES_TD
#define MLC_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerEinsum : Pass<"mlc-lower-einsum", "mlir::func::FuncOp"> {
  let summary = "Rewrite mlc.einsum into matmul, mul, reductions and "
                "transposes";
  let description = [{
    Each `mlc.einsum` becomes at most one `mlc.matmul` (when some label is
    contracted) or one broadcasting `mlc.mul` (when none is), plus the
    reductions, transposes and reshapes that line the labels up. Labels
    that appear in a single operand and not in the output are summed first;
    size-1 ellipsis dimensions that broadcast are reshaped away.
  }];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def Autodiff : Pass<"mlc-autodiff", "mlir::ModuleOp"> {
  let summary = "Generate the reverse-mode gradient function of a model";
  let description = [{
    For the model function `func` (default `@forward`), adds
    `@<func>_grad` with the same arguments, returning the model's outputs
    followed by the gradient of the loss (result 0) with respect to every
    trainable parameter, named `grad.<param>`. Adjoints of values used
    several times are summed; adjoints of broadcast operands are reduced
    back to their shapes; frozen parameters get no gradient.
  }];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"forward\"",
           "Name of the model function to differentiate">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def TrainStep : Pass<"mlc-train-step", "mlir::ModuleOp"> {
  let summary = "Build @train_step (autodiff + optimizer) and @eval";
  let description = [{
    Turns the model function `func` into `@train_step(params, optimizer
    state, inputs) -> (new params, new state, loss, other outputs)` and
    renames the model function to `@eval`. The update follows PyTorch
    exactly: `torch.optim.SGD` (lr, momentum, dampening, nesterov,
    weight-decay), `torch.optim.Adam` and `torch.optim.AdamW` (lr, beta1,
    beta2, eps, weight-decay, amsgrad). Optimizer state is named as in
    PyTorch's state dict: `<param>.momentum_buffer`, `<param>.exp_avg`,
    `<param>.exp_avg_sq`, `<param>.max_exp_avg_sq`, plus a shared `step`.
    Option defaults are PyTorch's (lr 1e-3 for Adam/AdamW, none for SGD;
    weight-decay 0, or 1e-2 for AdamW). An option the chosen optimizer does
    not take (`beta1` for SGD, `momentum` for Adam) is an error, as is a
    value that is not finite or out of range. `@train_step` gets
    `mlc.kind = "train"`, `@eval` gets `mlc.kind = "eval"`, and the step
    counter state is marked `mlc.counter`.

    Training schedule and regularization: `warmup` and `decay-steps` make
    the learning rate a function of the step counter (linear warmup, then
    cosine decay to `min-lr`, reported as the output `lr`); `clip` scales
    the gradients to a global L2 norm (reported as `grad_norm`, before
    clipping). Weight decay applies to parameters of rank >= 2 that are not
    embedding tables, unless `decay-all` or a parameter's `mlc.decay`
    attribute says otherwise.

    Gradient accumulation: with `accumulate=K` (K >= 2) the pass builds two
    entry points instead of `@train_step`. `@accumulate_grads(params,
    accumulators, inputs)` (`mlc.kind = "accumulate"`) runs forward and
    backward on one micro-batch and adds each gradient into the state
    `<param>.grad_accum` (marked `mlc.accumulator`), reporting the model's
    outputs. `@apply_grads(params, optimizer state, accumulators)`
    (`mlc.kind = "apply"`, `mlc.micro_batches = K`) divides the sums by K,
    clips and applies the optimizer exactly as `@train_step` would on one
    batch of K micro-batches (the loss being a mean over rows), counts the
    step, zeroes the accumulators and reports `lr` and `grad_norm`.
  }];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"forward\"",
           "Name of the model function">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd, adam or adamw">,
    Option<"lr", "lr", "double", /*default=*/"1e-3",
           "Learning rate (default: 1e-3 for adam/adamw; sgd needs one)">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum factor">,
    Option<"dampening", "dampening", "double", /*default=*/"0.0",
           "SGD dampening for momentum">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false",
           "SGD Nesterov momentum">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Weight decay (L2 for sgd/adam, decoupled for adamw; default 0, "
           "or 1e-2 for adamw)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9",
           "Adam decay rate of the first moment">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999",
           "Adam decay rate of the second moment">,
    Option<"eps", "eps", "double", /*default=*/"1e-8",
           "Adam term added to the denominator">,
    Option<"amsgrad", "amsgrad", "bool", /*default=*/"false",
           "Adam AMSGrad variant">,
    Option<"warmup", "warmup", "int64_t", /*default=*/"0",
           "Steps of linear learning-rate warmup (step s uses "
           "lr * (s + 1) / warmup)">,
    Option<"decaySteps", "decay-steps", "int64_t", /*default=*/"0",
           "Cosine decay from lr at the end of warmup to min-lr at this "
           "step, min-lr after it (0: no decay)">,
    Option<"minLr", "min-lr", "double", /*default=*/"0.0",
           "Learning rate at the end of the cosine decay">,
    Option<"clip", "clip", "double", /*default=*/"0.0",
           "Clip the gradients to this global L2 norm, as "
           "torch.nn.utils.clip_grad_norm_ (reports grad_norm)">,
    Option<"decayAll", "decay-all", "bool", /*default=*/"false",
           "Apply weight decay to every parameter; by default biases, "
           "norm weights (rank < 2) and embedding tables get none">,
    Option<"accumulate", "accumulate", "int64_t", /*default=*/"1",
           "Micro-batches per optimizer step: above 1, build "
           "@accumulate_grads and @apply_grads instead of @train_step">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def EvalEntry : Pass<"mlc-eval-entry", "mlir::ModuleOp"> {
  let summary = "Make the model function the @eval entry point";
  let description = [{
    Renames the model function `func` (default `@forward`) to `@eval` and
    marks it `mlc.kind = "eval"`: the inference-only form of a model, as
    `mlc compile` without `--train` builds it. A module without `func` but
    with prefill or decode functions (`mlc.kind = "prefill"` / `"decode"`)
    is left as it is: those are exported as they are.
  }];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"forward\"",
           "Name of the model function">,
  ];
}

def EvalFunc : Pass<"mlc-eval-func", "mlir::ModuleOp"> {
  let summary = "Choose a second function as the eval entry point";
  let description = [{
    Models are statically shaped, so evaluating at another batch size needs
    its own function. The model file holds it beside the model function
    `func` (default `@forward`): `eval-func` (e.g. `@forward_eval`) takes
    the same parameters (by `mlc.param` name, each with the same type and
    `mlc.init`, in any order, and no others) and inputs of any batch size.
    The pass checks that, naming the first parameter that differs and both
    functions, and marks `eval-func` `mlc.kind = "eval"`. Run before
    `-mlc-train-step` or `-mlc-eval-entry`, which then erase the model
    function instead of renaming it to `@eval`: the executable's eval entry
    point is `eval-func`, under its own name. Without `eval-func` the pass
    does nothing.
  }];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"forward\"",
           "Name of the model function">,
    Option<"evalFuncName", "eval-func", "std::string", /*default=*/"\"\"",
           "Name of the function to export as the eval entry point">,
  ];
}

def FuseCrossEntropy : Pass<"mlc-fuse-cross-entropy", "mlir::func::FuncOp"> {
  let summary = "Compute softmax_cross_entropy and its gradient in one op";
  let description = [{
    Autodiff writes the logits' gradient of `mlc.softmax_cross_entropy
    %logits, %labels` as `(softmax(logits) - one_hot(labels)) * scale`,
    a second pass over the logits after the loss's. Where a function
    computes both (a train step: the scale is the seed over the rows) and
    the scale is a scalar defined before the loss, the pass replaces the
    loss and that product by one `mlc.softmax_cross_entropy_with_grad`
    standing where the loss stood, and erases the softmax, one_hot and
    subtraction left without users. It does not apply when the scale is
    computed after the loss (an upstream gradient that depends on the
    loss's value), when the softmax is over another axis or the one_hot
    of other labels, or without a gradient (an eval function).
  }];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def DataParallel : Pass<"mlc-data-parallel", "mlir::ModuleOp"> {
  let summary = "Split the batch of every entry point over the dp axis of a "
                "mesh (SPMD: one program for every rank)";
  let description = [{
    Records `mesh` (e.g. `dp=4`) as the module's `mlc.mesh` and rewrites
    each function that takes batched inputs (the model function and eval
    functions; prefill and decode stay whole on every rank) into the
    program of one rank of the `dp` axis: its inputs hold B/N of the B rows
    (an error names the function when N does not divide B), and the
    batch's split is followed through every op, changing the types of the
    values that carry it. Parameters and what is computed from them alone
    are the same on every rank. A reduction over the split rows (a loss's
    mean, a sum) gives each rank a partial value; the function reports its
    mean (or sum) over the ranks through an `mlc.all_reduce`, and an
    output that keeps the split rows (logits) is gathered back whole with
    `mlc.all_gather`. A partial value that a non-linear op uses is
    all-reduced before it. The function gets `mlc.batch_axes = ["dp"]`;
    `-mlc-train-step` then all-reduces (sums) the gradients, which are
    partial: the loss's all-reduce passes 1/N of its adjoint to each rank,
    so the sum is the mean over the ranks of each rank's gradient.

    Run after inlining and `-mlc-lower-einsum` (and `-mlc-tensor-parallel`,
    which records the same mesh; the rows go through its f and its
    all-reduces over tp as they are), before `-mlc-train-step`. A mesh
    naming `pp` is an error that says it is not supported yet. An op the split cannot go through (a softmax or a norm
    over the batch dimension, a parameter the size of the batch combined
    with it) is an error at that op.
  }];
  let options = [
    Option<"mesh", "mesh", "std::string", /*default=*/"\"\"",
           "The mesh, axis=size pairs separated by commas (dp=2)">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def TensorParallel : Pass<"mlc-tensor-parallel", "mlir::ModuleOp"> {
  let summary = "Split the blocks of a model over the tp axis of a mesh "
                "(Megatron: column- then row-split matmuls)";
  let description = [{
    Records `mesh` (e.g. `tp=2` or `dp=2,tp=2`) as the module's `mlc.mesh`
    and rewrites every function into the program of one rank of the `tp`
    axis, as Megatron-LM splits a transformer. A block starts at a matmul
    whose weight is a parameter and whose result reaches, through ops that
    can carry split columns, a matmul contracting it with another
    parameter: the first weight is split by columns (its output features;
    a fused QKV weight, whose columns the model cuts into 3 equal pieces,
    in 3 blocks, so that each rank holds its heads of q, k and v), and the
    split is followed op by op (changing the types of the values that
    carry it) to the second, whose weight is split by rows. Biases of
    split columns are split as their columns. The block's input, the same
    on every rank, passes through `mlc.fan_out` (f: identity forward,
    all-reduced adjoint); the second matmul's product, a partial sum, is
    all-reduced (g: `mlc.all_reduce` sum, whose adjoint passes as it is).
    So attention is split by heads (key/value heads too: grouped-query
    attention keeps each group on one rank) and the MLP by its width. A
    KV cache written with split heads holds this rank's heads.

    Split parameters get their piece's type and `mlc.shard =
    #mlc.shard<[whole shape], split(D, "tp", BLOCKS)>`; a parameter is
    split alike in every function (an error names the two functions
    otherwise). An op the split cannot go through (a norm or softmax over
    split features, a value every rank holds combined with split ones) is
    an error at that op; heads, key/value heads and MLP widths (from
    `mlc.transformer` and at each op) that do not divide by tp are errors
    naming the numbers.

    Run after inlining and `-mlc-lower-einsum`, before `-mlc-data-parallel`
    (which then splits the batch over `dp`) and `-mlc-train-step`;
    `-mlc-lower-fan-out` removes the f operators once autodiff is done.
  }];
  let options = [
    Option<"mesh", "mesh", "std::string", /*default=*/"\"\"",
           "The mesh, axis=size pairs separated by commas (dp=2,tp=2)">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def Zero : Pass<"mlc-zero", "mlir::ModuleOp"> {
  let summary = "ZeRO over the dp axis: shard optimizer state (stage 1), "
                "gradients (2) and parameters (3) into flat chunks";
  let description = [{
    Runs after `-mlc-train-step` on a module split over `dp`
    (`-mlc-data-parallel`). Every trainable parameter of N elements is cut
    into flat chunks of ceil(N / n) elements over the n ranks of dp (the
    parameter flattened row-major and padded with zeros), and each rank
    runs the optimizer on its chunk only:

    - stage 1: the optimizer state arguments hold the rank's chunk
      (`mlc.shard = #mlc.shard<[whole shape], flat("dp")>`); the optimizer
      reads the rank's chunk of the parameter and of the all-reduced
      gradient (`mlc.all_slice`), and the updated chunks are all-gathered
      back into the whole parameter;
    - stage 2: as stage 1, but the gradient is reduce-scattered
      (`mlc.reduce_scatter`) instead of all-reduced: a rank only ever holds
      its chunk of the reduced gradient;
    - stage 3: the parameters are held as chunks too; the forward pass and
      the backward pass each all-gather a parameter right before their
      first use of it (so the forward pass's copy is dead before the
      backward pass starts), the gradients are reduce-scattered, and the
      updated chunk is the parameter's update. Other functions (eval)
      gather their parameters before use.

    A parameter that is already a piece (tensor parallelism's split) is
    chunked from its piece, the shard's steps composed (`split(...),
    flat("dp")`). In a pipeline stage, a parameter two stages hold (a tied
    embedding, whose update one stage sends the other) stays whole.

    Clipping's global norm is computed from the chunks: each rank's sum of
    squares, all-reduced before the root. `-mlc-bucket-all-reduce` then
    merges the reduce-scatters into buckets as it does the all-reduces.
    Stage 0, or a dp axis of one rank, changes nothing. A module without a
    dp axis, without a train step or with gradient accumulation is an
    error, as is an optimizer that is not elementwise in the parameter's
    chunk.
  }];
  let options = [
    Option<"stage", "stage", "int64_t", /*default=*/"0",
           "ZeRO stage: 0 (off), 1, 2 or 3">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def Pipeline : Pass<"mlc-pipeline", "mlir::ModuleOp"> {
  let summary = "Cut the model function into the stages of the mesh's pp "
                "axis and unroll it over micro-batches";
  let description = [{
    Pipeline parallelism, first half (before `-mlc-train-step`). The ops of
    the model function `func` are cut, in program order, into K stages (K
    the size of the module mesh's `pp` axis): each cut lies within a
    quarter of a stage's FLOPs (as the ops' cost models count them) of the
    balanced point, where the fewest bytes of values cross it (a block's
    residual stream rather than its four times wider MLP activation). The
    function is then unrolled over `micro-batches` M: every input is split
    along its leading (batch) axis into M equal parts, the ops are cloned
    once per part, and the results are the mean over the parts (the loss of
    equal micro-batches of a mean loss is the loss of the batch). Every
    cloned op carries `mlc.stage` and `mlc.micro`; reverse mode gives the
    ops of its gradient the same and `mlc.backward`, so that
    `-mlc-pipeline-split` can give each op its stage's program.

    Other functions (an eval function) are placed too, without
    micro-batches: an op runs on the latest stage its operands come from,
    and one that reads a parameter on a stage that holds it (a tied
    embedding is read on the first and the last stage). Prefill and decode
    functions are left out with a warning: generation does not run over
    pipeline stages. The module records `mlc.pipeline = {stages = K,
    micro_batches = M, schedule = S}`.

    Errors: no pp axis, a batch that does not divide by M, outputs that are
    not float scalars (they could not be averaged), a model with fewer ops
    that compute than stages.
  }];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"forward\"",
           "Model function">,
    Option<"microBatches", "micro-batches", "int64_t", /*default=*/"1",
           "Micro-batches M each batch is split into">,
    Option<"schedule", "schedule", "std::string", /*default=*/"\"1f1b\"",
           "Order of the micro-batches' forward and backward passes on each "
           "stage: gpipe or 1f1b">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def PipelineSplit : Pass<"mlc-pipeline-split", "mlir::ModuleOp"> {
  let summary = "Order each entry point as its pipeline schedule runs and "
                "split it into one program per stage";
  let description = [{
    Pipeline parallelism, second half (after `-mlc-train-step`). The ops of
    each function, placed by `-mlc-pipeline` (forward and backward), are
    first ordered as the schedule of `mlc.pipeline` runs them: GPipe runs
    every micro-batch's forward pass, then every backward pass; 1F1B runs
    K - k - 1 forward passes on stage k, then alternates one forward and
    one backward. The order is the one a step takes when every forward
    pass costs 1 and every backward pass 2 (a topological order by those
    start times), so that all programs together follow one sequence.
    The function is then split into `module @stage<k> attributes
    {mlc.stage = k}`, one per stage, each with the function restricted to
    the stage's ops. An op without a placement (the optimizer's update, an
    all-reduce of gradients) runs on the stage of its largest placed operand
    (the gradient, not clipping's scalar coefficient);
    one with no placed operand (a constant, the step counter's increment)
    runs on every stage that needs it. A value one stage computes and
    another reads is sent (`mlc.send ... over ["pp"]`) right after it is
    computed and received (`mlc.recv`) right before its first use. Each
    program keeps the model's inputs (every rank reads the same batches),
    the parameters and state its ops read, returns their updates (a tied
    embedding's update is sent to the other stage that holds it) and every
    output (the loss is sent from the last stage to the others).
  }];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def LowerFanOut : Pass<"mlc-lower-fan-out", "mlir::func::FuncOp"> {
  let summary = "Replace each mlc.fan_out by its input once nothing "
                "differentiates the function";
  let description = [{
    `mlc.fan_out` (tensor parallelism's f) is the identity in forward and
    exists for its gradient; after `-mlc-train-step` it has none to give,
    and no target lowers it.
  }];
}

def BucketAllReduce : Pass<"mlc-bucket-all-reduce", "mlir::func::FuncOp"> {
  let summary = "Merge all-reduces into buckets, each issued as soon as its "
                "values exist";
  let description = [{
    Groups the `mlc.all_reduce` ops of a function that share a reduction,
    mesh axes and element type (and its `mlc.reduce_scatter` ops alike)
    into buckets of at most `bucket-mb` MiB
    (a larger value is a bucket of its own; 0 puts every value in its own),
    filled in the order their inputs are computed, so that the gradients
    of the last layers, which the backward pass computes first, share the
    first bucket. Each bucket becomes one `mlc.all_reduce` placed right
    after the op computing its last input: its communication can start
    while the rest of the backward pass runs (PyTorch DDP's buckets). A
    value joins a bucket only if every use of the bucket's results comes
    after that point.
  }];
  let options = [
    Option<"bucketMb", "bucket-mb", "double", /*default=*/"25.0",
           "Largest bucket, in MiB (2^20 bytes)">,
  ];
}

def Fuse : Pass<"mlc-fuse", "mlir::func::FuncOp"> {
  let summary = "Group reductions and elementwise graph ops into kernel "
                "regions";
  let description = [{
    Groups ops into `mlc.fusion` regions, one future kernel each, so that
    values computed inside a region never reach memory. First around
    reductions (reduce_sum, reduce_mean, reduce_max over f32): `"row"`
    regions for reductions over the trailing dims, holding the
    elementwise ops that produce their input and those that consume
    their result per row, broadcast back over the row (a norm's backward
    pass, a softmax); then `"column"` regions for reductions over the
    leading dims (bias gradients) with their producers, sibling sums over
    the same axes that read a common value joining one region. Then
    `"loop"` regions: chains of elementwise ops (the `Elementwise`
    trait, `mlc.broadcast_to` included) over the same iteration shape,
    with operands of smaller shapes read at their broadcast index.

    A group grows from its last op up through the producers of its
    operands; a producer joins when every use of it lies in the group or
    after the group's last op (then it is also a result), or lies before
    it in ops that can move after the region (nothing before the region
    depends on them), so regions never form cycles. The whole AdamW
    update of one parameter becomes one loop region. Groups of a single
    op stay as they are. Values are f32 (i1 masks of mlc.compare too);
    other element types stay unfused.

    `min-ops` (default 2) is the smallest group made into a region; a
    large value turns fusion off so that its effect can be measured.
    `reductions=false` forms loop regions only, to measure what reduction
    fusion brings.
  }];
  let options = [
    Option<"minOps", "min-ops", "unsigned", /*default=*/"2",
           "Smallest number of ops a region holds">,
    Option<"reductions", "reductions", "bool", /*default=*/"true",
           "Form \"row\" and \"column\" regions around reductions">,
  ];
  let dependentDialects = ["::mlc::MlcDialect"];
}

def PlanMemory : Pass<"mlc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Give every value a slice of an arena: reuse memory by "
                "liveness, update state in place, record the peaks";
  let description = [{
    Plans the memory of every entry point of the module. Arguments get
    slices in arenas of their kind (`parameter`, `optimizer_state`,
    `step_counter`, `grad_accumulator`, `kv_cache`, inputs in `io`), one
    per buffer and contiguous per kind in the order they first appear; a
    parameter several functions take has one slice. Constants get their
    own slices in `constant`, the values a function reports their own in
    `io` (a copy taken before the update for one that is state the call
    updates). A result updating a parameter, state or cache gets the old
    value's slice when that is safe (`canUpdateInPlace`: every other reader
    of the old value runs first, the producer reads it elementwise). Every
    other value lives in the `workspace`, which all functions share: it is
    live from its op to its last reader (to the end for returned values),
    and values whose lifetimes do not meet share bytes, placed greedily by
    size (largest first, into the smallest gap that fits). Offsets are
    multiples of 64.

    Writes `mlc.slice` on arguments and reported results, `mlc.slices` (one
    per result) on ops, `mlc.workspace` (the function's peak) on functions
    and `mlc.arenas` (each arena's size) on the module; the exporter
    serializes exactly that. Run it last: a pass that changes the functions
    afterwards leaves the plan stale.
  }];
}

#endif // MLC_PASSES_TD
