// Collectives: ops that exchange data between the ranks of the module's
// mesh. Every rank runs the same program, so every rank reaches each one,
// in the same order.
#ifndef MLC_COLLECTIVE_OPS_TD
#define MLC_COLLECTIVE_OPS_TD

def Mlc_AllReduceOp : Mlc_Op<"all_reduce",
    [Pure, Differentiable, Cost, Mlc_Collective, InferTypeOpAdaptor]> {
  let summary = "every rank of a group gets the reduction of all ranks' "
                "values";
  let description = [{
    `%g:2 = mlc.all_reduce sum over ["dp"] %a, %b : tensor<8x4xf32>,
    tensor<4xf32>`: result i is the reduction (`sum`, `mean`, `max`,
    `min`) of input i over the ranks of a group, the ranks that share this
    rank's coordinates on every mesh axis not in `axes` (names of the
    module's `mlc.mesh`). Several inputs form a bucket: one call covers
    them all, so they share one element type; `mean` is the sum divided by
    the group's size, floats only.

    The gradient treats the result as one value held by every rank (a
    replicated value, as data parallelism's loss): the adjoint of a sum
    passes to each input as it is, that of a mean divided by the group's
    size. Max and min have none.
  }];
  let arguments = (ins Variadic<Mlc_NumericTensor>:$inputs,
                       Mlc_Reduction:$reduction, StrArrayAttr:$axes);
  let results = (outs Variadic<Mlc_NumericTensor>:$results);
  let assemblyFormat =
      "$reduction `over` $axes $inputs attr-dict `:` type($inputs)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The ranks of the group (1 where the module has no mesh).
    int64_t getGroupSize();
  }];
}

def Mlc_AllGatherOp : Mlc_Op<"all_gather",
    [Pure, Differentiable, Cost, Mlc_Collective]> {
  let summary = "the ranks' values of a group, concatenated along dim 0";
  let description = [{
    `mlc.all_gather %x over ["dp"] : (tensor<2x16xf32>) -> tensor<4x16xf32>`:
    every rank of the group (as for `all_reduce`) gets the inputs of all,
    concatenated along the leading dimension in the order of their
    positions in the group; the result's leading dimension is the input's
    times the group's size. Data parallelism gathers the outputs a split
    batch computes (the logits of each rank's rows); ZeRO stage 3 gathers
    the flat shards of a parameter.

    The gradient: every rank's adjoint of the result is its part of the
    loss's gradient (the ranks' adjoints add up to the whole one, as data
    parallelism's gradients do), so the input's adjoint is part c (the
    rank's position) of their sum, a `reduce_scatter` (sum) of the
    adjoint reshaped to the input's shape.
  }];
  let arguments = (ins Mlc_Tensor:$input, StrArrayAttr:$axes);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$input `over` $axes attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getGroupSize();
  }];
}

def Mlc_ReduceScatterOp : Mlc_Op<"reduce_scatter",
    [Pure, Differentiable, Cost, Mlc_Collective]> {
  let summary = "each rank of a group gets its part of the reduction of all "
                "ranks' values";
  let description = [{
    `%p:2 = mlc.reduce_scatter sum over ["dp"] %a, %b : tensor<8x4xf32>,
    tensor<6xf32> -> tensor<16xf32>, tensor<3xf32>` (over dp = 2):
    each input is read flat (row-major) as n equal contiguous parts (n the
    group's size, as for `all_reduce`; its element count must divide by
    n), and the rank at position c of the group gets part c of the
    reduction (`sum` or `mean`) over the group: a 1-D result of numel / n
    elements. Several inputs form a bucket that one call covers, of one
    element type. ZeRO stage 2 reduce-scatters the gradients this way: each
    rank keeps the reduced gradient of the flat shard it updates.

    The gradient: part c of the reduction reads part c of every rank's
    input, so every rank's input adjoint is the concatenation of the
    parts' adjoints, which the rank at position c holds: an `all_gather`
    of the adjoint, reshaped to the input's shape (divided by n for a
    mean).
  }];
  let arguments = (ins Variadic<Mlc_NumericTensor>:$inputs,
                       Mlc_Reduction:$reduction, StrArrayAttr:$axes);
  let results = (outs Variadic<Mlc_NumericTensor>:$results);
  let assemblyFormat =
      "$reduction `over` $axes $inputs attr-dict `:` type($inputs) `->` "
      "type($results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getGroupSize();
  }];
}

def Mlc_AllSliceOp : Mlc_Op<"all_slice",
    [Pure, NoGradient, Cost, Mlc_Collective]> {
  let summary = "this rank's part of a value every rank of a group holds";
  let description = [{
    `mlc.all_slice %x over ["dp"] : (tensor<4x8xf32>) -> tensor<16xf32>`:
    no communication: the input is read flat (row-major) as n equal
    contiguous parts, n the size of the group (as for `all_reduce`), and
    the rank at position c of the group keeps part c, a 1-D result of
    numel / n elements (numel must divide by n). The inverse of a flat
    `all_gather`; ZeRO takes each rank's chunk of a replicated parameter
    this way, and slicing `mlc.constant dense<[0, 1, ..., n-1]>` gives a
    rank its coordinate as a value. Not differentiable: whether the
    adjoint of the replicated input is partial or whole depends on the
    strategy, so the pass that uses it builds what it needs.
  }];
  let arguments = (ins Mlc_Tensor:$input, StrArrayAttr:$axes);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$input `over` $axes attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getGroupSize();
  }];
}

def Mlc_FanOutOp : Mlc_Op<"fan_out",
    [Pure, Differentiable, Cost, Mlc_LoweredBeforeExport,
     AllTypesMatch<["input", "result"]>]> {
  let summary = "a value every rank of a group holds, entering per-rank work "
                "(Megatron's f): identity forward, all-reduced adjoint";
  let description = [{
    `%y = mlc.fan_out %x over ["tp"] : tensor<4x32x32xf32>`: the result is
    the input. It marks where a value that the ranks of a group hold alike
    feeds computations each rank does on its own piece of the weights (the
    column-split matmuls of a tensor-parallel block), so that each rank's
    adjoint of it is partial: its gradient is the `mlc.all_reduce` (sum)
    of the result's adjoint over `axes`, which gives every rank the whole
    adjoint. `-mlc-tensor-parallel` places it; the conjugate (g: all-reduce
    forward, identity backward) is `mlc.all_reduce` itself.

    Once nothing differentiates the function any more (after
    `-mlc-train-step`), `-mlc-lower-fan-out` replaces it by its input: it
    is never exported.
  }];
  let arguments = (ins Mlc_FloatTensor:$input, StrArrayAttr:$axes);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `over` $axes attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Mlc_SendOp : Mlc_Op<"send",
    [NoGradient, Cost, Mlc_Collective,
     MemoryEffects<[MemWrite<DefaultResource>]>]> {
  let summary = "hands a value to one other rank of a group";
  let description = [{
    `mlc.send %x to 1 over ["pp"] : tensor<4x32xf32>`: the rank at position
    `peer` of this rank's group over `axes` (as for `all_reduce`) gets `%x`
    from the `mlc.recv` it runs from this rank, the next one between the
    two ranks. Pipeline parallelism sends a stage's activations to the
    next stage and their adjoints back. A send never waits for its
    receiver: the runtime keeps a copy of the value until it is taken, so
    that two ranks whose programs send to each other in the order of one
    schedule cannot block each other. It has effects (it is never erased
    or merged); `-mlc-pipeline-split` places it after autodiff, so it has
    no gradient.
  }];
  let arguments = (ins Mlc_Tensor:$input, I64Attr:$peer, StrArrayAttr:$axes);
  let assemblyFormat =
      "$input `to` $peer `over` $axes attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getGroupSize();
  }];
}

def Mlc_RecvOp : Mlc_Op<"recv",
    [NoGradient, Cost, Mlc_Collective,
     MemoryEffects<[MemWrite<DefaultResource>]>]> {
  let summary = "takes the value one other rank of a group sends";
  let description = [{
    `%x = mlc.recv from 0 over ["pp"] : tensor<4x32xf32>`: the value the
    rank at position `peer` of this rank's group over `axes` hands to this
    rank with its next `mlc.send`; the two name the same type. It waits
    until the value arrives (a pipeline stage's time waiting here is its
    bubble). It has effects, so two receives are never merged, and no
    gradient (see `mlc.send`).
  }];
  let arguments = (ins I64Attr:$peer, StrArrayAttr:$axes);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "`from` $peer `over` $axes attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getGroupSize();
  }];
}

#endif // MLC_COLLECTIVE_OPS_TD
