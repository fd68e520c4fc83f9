// -mlc-train-step on a model split over dp (-mlc-data-parallel): the loss's
// mean over ranks passes 1/N of the adjoint to each rank, and the
// gradients, partial sums, are all-reduced before clipping and the
// optimizer read them. The entry points that take the batch keep its
// split; with gradient accumulation the accumulators are all-reduced when
// they are applied.
// RUN: mlc-opt %s -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=sgd lr=0.1 clip=1.0" | FileCheck %s
// RUN: mlc-opt %s -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=sgd lr=0.1 accumulate=2" | FileCheck %s --check-prefix=ACCUM

// CHECK-LABEL: func.func @eval
// CHECK-SAME: attributes {mlc.batch_axes = ["dp"], mlc.kind = "eval"}
// CHECK: mlc.all_reduce mean over ["dp"]
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: tensor<4x4xf32> {mlc.input = "x"}
// CHECK-SAME: attributes {mlc.batch_axes = ["dp"], mlc.kind = "train"
// CHECK: %[[LOSS:.*]] = mlc.mse_loss
// CHECK: %[[MEAN:.*]] = mlc.all_reduce mean over ["dp"] %[[LOSS]] : tensor<f32>
// CHECK: %[[ONE:.*]] = mlc.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[N:.*]] = mlc.constant dense<2.000000e+00> : tensor<f32>
// CHECK: %[[SEED:.*]] = mlc.div %[[ONE]], %[[N]]
// CHECK: %[[GB:.*]] = mlc.reduce_sum
// CHECK: %[[GW:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs
// CHECK: %[[W:.*]] = mlc.all_reduce sum over ["dp"] %[[GW]] : tensor<4x1xf32>
// CHECK: %[[B:.*]] = mlc.all_reduce sum over ["dp"] %[[GB]] : tensor<1xf32>
// The global norm of the clipping reads the reduced gradients.
// CHECK: mlc.mul %[[W]], %[[W]]
// CHECK: mlc.mul %[[B]], %[[B]]
// CHECK: return {{.*}}%[[MEAN]]

// ACCUM-LABEL: func.func @apply_grads
// ACCUM-NOT: mlc.batch_axes
// The mean over the micro-batches is summed over the ranks: the optimizer
// and clipping read the all-reduce's result.
// ACCUM: %[[MEANW:.*]] = mlc.div %arg2, %{{.*}} : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
// ACCUM: mlc.all_reduce sum over ["dp"] %[[MEANW]] : tensor<4x1xf32>
// ACCUM-LABEL: func.func @accumulate_grads
// ACCUM-SAME: mlc.batch_axes = ["dp"]
// ACCUM: mlc.all_reduce mean over ["dp"]
// ACCUM-NOT: mlc.all_reduce sum
// ACCUM: return
func.func @forward(
    %x: tensor<8x4xf32> {mlc.input = "x"},
    %y: tensor<8x1xf32> {mlc.input = "y"},
    %w: tensor<4x1xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.1>},
    %b: tensor<1xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.matmul %x, %w : (tensor<8x4xf32>, tensor<4x1xf32>) -> tensor<8x1xf32>
  %pb = mlc.add %p, %b : (tensor<8x1xf32>, tensor<1xf32>) -> tensor<8x1xf32>
  %l = mlc.mse_loss %pb, %y : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
