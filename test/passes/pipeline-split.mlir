// -mlc-pipeline-split: each entry point of a module -mlc-pipeline placed
// becomes one function per stage module, its ops in the order the schedule
// runs them, joined by mlc.send and mlc.recv over pp: activations forward,
// their adjoints back, the loss from the last stage to the first. Each
// stage trains the parameters it reads and returns their updates and the
// loss. An MLP of four layers over two stages and two micro-batches.
// RUN: mlc-opt %s -mlc-pipeline="micro-batches=2 schedule=gpipe" -mlc-train-step="optimizer=sgd lr=0.1" -mlc-pipeline-split | FileCheck %s --check-prefixes=CHECK,GPIPE
// RUN: mlc-opt %s -mlc-pipeline="micro-batches=2 schedule=1f1b" -mlc-train-step="optimizer=sgd lr=0.1" -mlc-pipeline-split | FileCheck %s --check-prefixes=CHECK,1F1B
// The split IR verifies and prints back as it was.
// RUN: mlc-opt %s -mlc-pipeline=micro-batches=2 -mlc-train-step="optimizer=sgd lr=0.1" -mlc-pipeline-split | mlc-opt | FileCheck %s --check-prefixes=CHECK,1F1B
// Without -mlc-pipeline there is nothing to split.
// RUN: not mlc-opt %s -mlc-pipeline-split 2>&1 | FileCheck %s --check-prefix=UNPLACED
// UNPLACED: error: -mlc-pipeline-split needs a module that -mlc-pipeline cut into stages (mlc.pipeline)

// CHECK: module @stage0 attributes {{{.*}}mlc.stage = 0 : i64}
// The eval entry point: forward passes only.
// CHECK: func.func @eval(%arg0: tensor<8x8xf32> {mlc.input = "x"}, %arg1: tensor<8x1xf32> {mlc.input = "y"}, %arg2: tensor<8x16xf32> {{.*}}mlc.param = "w1"}, %arg3: tensor<16x16xf32> {{.*}}mlc.param = "w2"})
// CHECK: mlc.send %{{.*}} to 1 over ["pp"] : tensor<4x16xf32>
// CHECK: mlc.send %{{.*}} to 1 over ["pp"] : tensor<4x16xf32>
// CHECK: %[[LOSS:.*]] = mlc.recv from 1 over ["pp"] : tensor<f32>
// CHECK: return %[[LOSS]] : tensor<f32>
// Stage 0 trains w1 and w2: both micro-batches forward, then both backward
// (with 2 stages, 1F1B's first stage warms up with one forward pass and
// runs the second before the first backward one, as GPipe does).
// CHECK: func.func @train_step(%arg0: tensor<8x16xf32> {{.*}}mlc.param = "w1"}, %arg1: tensor<16x16xf32> {{.*}}mlc.param = "w2"}, %arg2: tensor<8x8xf32> {mlc.input = "x"}, %arg3: tensor<8x1xf32> {mlc.input = "y"})
// CHECK-SAME: -> (tensor<8x16xf32> {mlc.update = "w1"}, tensor<16x16xf32> {mlc.update = "w2"}, tensor<f32> {mlc.output = "loss"})
// CHECK: mlc.send %{{.*}} to 1 over ["pp"] : tensor<4x16xf32>
// CHECK: mlc.send %{{.*}} to 1 over ["pp"] : tensor<4x16xf32>
// Values from one stage are received in the order they were sent: under
// GPipe the loss before the first adjoint, under 1F1B after it.
// GPIPE: %[[TLOSS:.*]] = mlc.recv from 1 over ["pp"] : tensor<f32>
// CHECK: %[[G0:.*]] = mlc.recv from 1 over ["pp"] : tensor<4x16xf32>
// CHECK: mlc.matmul %[[G0]], %arg1 transpose_rhs
// 1F1B: %[[TLOSS:.*]] = mlc.recv from 1 over ["pp"] : tensor<f32>
// CHECK: %[[G1:.*]] = mlc.recv from 1 over ["pp"] : tensor<4x16xf32>
// CHECK: mlc.matmul %[[G1]], %arg1 transpose_rhs
// CHECK: return %{{.*}}, %{{.*}}, %[[TLOSS]]

// CHECK: module @stage1 attributes {{{.*}}mlc.stage = 1 : i64}
// CHECK: func.func @eval(%arg0: tensor<8x8xf32> {mlc.input = "x"}, %arg1: tensor<8x1xf32> {mlc.input = "y"}, %arg2: tensor<16x16xf32> {{.*}}mlc.param = "w3"}, %arg3: tensor<16x1xf32> {{.*}}mlc.param = "w4"})
// CHECK: mlc.send %{{.*}} to 0 over ["pp"] : tensor<f32>
// Stage 1 trains w3 and w4. GPipe runs both forward passes, then both
// backward ones; under 1F1B each micro-batch's backward pass follows its
// forward pass at once.
// CHECK: func.func @train_step(%arg0: tensor<16x16xf32> {{.*}}mlc.param = "w3"}, %arg1: tensor<16x1xf32> {{.*}}mlc.param = "w4"}, %arg2: tensor<8x8xf32> {mlc.input = "x"}, %arg3: tensor<8x1xf32> {mlc.input = "y"})
// CHECK-SAME: -> (tensor<16x16xf32> {mlc.update = "w3"}, tensor<16x1xf32> {mlc.update = "w4"}, tensor<f32> {mlc.output = "loss"})
// CHECK: mlc.recv from 0 over ["pp"] : tensor<4x16xf32>
// CHECK: mlc.mse_loss
// GPIPE: mlc.recv from 0 over ["pp"] : tensor<4x16xf32>
// GPIPE: mlc.mse_loss
// GPIPE: mlc.send %{{.*}} to 0 over ["pp"] : tensor<f32>
// GPIPE: mlc.send %{{.*}} to 0 over ["pp"] : tensor<4x16xf32>
// GPIPE: mlc.send %{{.*}} to 0 over ["pp"] : tensor<4x16xf32>
// 1F1B: mlc.send %{{.*}} to 0 over ["pp"] : tensor<4x16xf32>
// 1F1B: mlc.recv from 0 over ["pp"] : tensor<4x16xf32>
// 1F1B: mlc.mse_loss
// 1F1B: mlc.send %{{.*}} to 0 over ["pp"] : tensor<f32>
// 1F1B: mlc.send %{{.*}} to 0 over ["pp"] : tensor<4x16xf32>
// CHECK: return
// CHECK-NOT: func.func
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
func.func @forward(
    %x: tensor<8x8xf32> {mlc.input = "x"},
    %y: tensor<8x1xf32> {mlc.input = "y"},
    %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
    %w2: tensor<16x16xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>},
    %w3: tensor<16x16xf32> {mlc.param = "w3", mlc.init = #mlc.init<normal, std = 0.1>},
    %w4: tensor<16x1xf32> {mlc.param = "w4", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h1 = mlc.matmul %x, %w1 : (tensor<8x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %a1 = mlc.relu %h1 : tensor<8x16xf32>
  %h2 = mlc.matmul %a1, %w2 : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
  %a2 = mlc.relu %h2 : tensor<8x16xf32>
  %h3 = mlc.matmul %a2, %w3 : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
  %a3 = mlc.relu %h3 : tensor<8x16xf32>
  %p = mlc.matmul %a3, %w4 : (tensor<8x16xf32>, tensor<16x1xf32>) -> tensor<8x1xf32>
  %l = mlc.mse_loss %p, %y : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}
