// -mlc-zero's errors: each names the problem and where.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=optimizer=adamw lr=0.1" -mlc-zero=stage=2
// Gradient accumulation: @apply_grads is sharded (the optimizer's state in
// chunks, the accumulated gradient's all-reduce reduce-scattered), the
// accumulators stay whole.
// RUN: mlc-opt %S/Inputs/batch-of-six.mlir -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adam lr=0.1 accumulate=2" -mlc-zero=stage=2 | FileCheck %s --check-prefix=ACCUM
// ACCUM-LABEL: func.func @apply_grads
// ACCUM-SAME: tensor<2xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[4, 1], flat("dp")>, mlc.state = "w.exp_avg"}
// ACCUM-SAME: tensor<4x1xf32> {mlc.accumulator, mlc.init = #mlc.init<zeros>, mlc.state = "w.grad_accum"})
// ACCUM: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<4xf32> -> tensor<2xf32>
// A stage that does not exist.
// RUN: not mlc-opt %S/Inputs/batch-of-six.mlir -mlc-zero=stage=4 2>&1 | FileCheck %s --check-prefix=STAGE
// STAGE: error: -mlc-zero: stage must be 0, 1, 2 or 3, found 4
// No train step to shard.
// RUN: not mlc-opt %S/Inputs/batch-of-six.mlir -mlc-data-parallel=mesh=dp=2 -mlc-zero=stage=1 2>&1 | FileCheck %s --check-prefix=NOTRAIN
// NOTRAIN: error: -mlc-zero shards the train step, and the module has none; run -mlc-train-step first

// A mesh without dp: nothing to shard over.
// expected-error @below {{-mlc-zero shards over the dp axis of the module's mesh, and the mesh has none; compile with --mesh dp=N (-mlc-data-parallel)}}
module attributes {mlc.mesh = #mlc.mesh<tp = 2>} {
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x1xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %p = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x1xf32>) -> tensor<4x1xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<4x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}

// -----

// No mesh at all.
// expected-error @below {{-mlc-zero shards over the dp axis of the module's mesh, and the module has no mesh; compile with --mesh dp=N (-mlc-data-parallel)}}
module {
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x1xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %p = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x1xf32>) -> tensor<4x1xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<4x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}

// -----

// A gradient that is not all-reduced over dp: the model was not split by
// -mlc-data-parallel.
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x1xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  // expected-error @below {{'mlc.matmul' op cannot be sharded by -mlc-zero (stage 2): the optimizer's update of 'w' reads its result, which is neither elementwise on tensors of the parameter's shape 'tensor<2x1xf32>' and scalars nor the gradient's all-reduce over dp (run -mlc-data-parallel before -mlc-train-step)}}
  %p = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x1xf32>) -> tensor<4x1xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<4x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}
