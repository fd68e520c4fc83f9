// -mlc-train-step's training options: the learning-rate schedule, gradient
// clipping, and which parameters get weight decay.
// RUN: mlc-opt %s -split-input-file "-mlc-train-step=lr=0.1 warmup=4 decay-steps=10 min-lr=0.01" | FileCheck %s --check-prefix=SCHEDULE
// RUN: mlc-opt %s -split-input-file "-mlc-train-step=lr=0.1 clip=1.5" | FileCheck %s --check-prefix=CLIP
// RUN: mlc-opt %s -split-input-file "-mlc-train-step=optimizer=adamw weight-decay=0.1" -cse | FileCheck %s --check-prefix=DECAY
// RUN: mlc-opt %s -split-input-file "-mlc-train-step=optimizer=adamw weight-decay=0.1 decay-all=true" -cse | FileCheck %s --check-prefix=DECAY-ALL

// The schedule reads the step counter (plain SGD gets one for it), and its
// learning rate is the output `lr`: warmup lr (s + 1) / 4 while s < 4,
// min-lr from step 10, a cosine between.
// SCHEDULE-LABEL: func.func @train_step(
// SCHEDULE-SAME: %[[STEP:[^:]*]]: tensor<i64> {mlc.counter, mlc.init = #mlc.init<zeros>, mlc.state = "step"}
// SCHEDULE-SAME: tensor<f32> {mlc.output = "loss"}, tensor<f64> {mlc.output = "lr"})
// SCHEDULE-SAME: lr warmup 4 steps; cosine lr decay to 0.01 at step 10"
// SCHEDULE: %[[S:.*]] = mlc.cast %[[STEP]] : tensor<i64> to tensor<f64>
// SCHEDULE: mlc.cos
// SCHEDULE: %[[DONE:.*]] = mlc.compare ge, %[[S]]
// SCHEDULE: %[[AFTER:.*]] = mlc.select %[[DONE]]
// SCHEDULE: %[[WARMING:.*]] = mlc.compare lt, %[[S]]
// SCHEDULE: %[[LR:.*]] = mlc.select %[[WARMING]], %{{.*}}, %[[AFTER]]
// SCHEDULE: %[[LR32:.*]] = mlc.cast %[[LR]] : tensor<f64> to tensor<f32>
// SCHEDULE: return {{.*}}, %[[LR]] :

// Clipping: the gradients are scaled by min(1.5 / (norm + 1e-6), 1), and
// the norm before clipping is the output `grad_norm`.
// CLIP-LABEL: func.func @train_step(
// CLIP-SAME: tensor<f32> {mlc.output = "loss"}, tensor<f64> {mlc.output = "grad_norm"})
// CLIP-SAME: gradient norm clipped to 1.5"
// CLIP: %[[NORM:.*]] = mlc.sqrt %{{.*}} : tensor<f64>
// CLIP: %[[COEF:.*]] = mlc.min %{{.*}}, %{{.*}} : (tensor<f64>, tensor<f64>) -> tensor<f64>
// CLIP: return {{.*}}, %[[NORM]] :

// Weight decay: the matrix w decays, the bias b does not, and `mlc.decay`
// overrides the rule either way (v decays, u does not). AdamW multiplies a
// decayed parameter by 1 - lr * wd.
// DECAY-LABEL: func.func @train_step(
// DECAY-SAME: %[[W:[^:]*]]: tensor<3x2xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "w"}
// DECAY-SAME: %[[B:[^:]*]]: tensor<2xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "b"}
// DECAY-SAME: %[[V:[^:]*]]: tensor<2xf32> {mlc.decay = true, mlc.init = #mlc.init<zeros>, mlc.param = "v"}
// DECAY-SAME: %[[U:[^:]*]]: tensor<3x2xf32> {mlc.decay = false, mlc.init = #mlc.init<zeros>, mlc.param = "u"}
// DECAY-SAME: weight decay on matrices only"
// The updates come in parameter order: w, b, v, u.
// DECAY: mlc.mul %[[W]], %[[FACTOR:[^ ]*]] : (tensor<3x2xf32>, tensor<f32>)
// DECAY-NOT: mlc.mul %[[B]], %[[FACTOR]]
// DECAY: mlc.mul %[[V]], %[[FACTOR]] : (tensor<2xf32>, tensor<f32>)
// DECAY-NOT: mlc.mul %[[U]], %[[FACTOR]]
// DECAY: return
// DECAY-ALL-LABEL: func.func @train_step(
// DECAY-ALL-NOT: matrices only
// DECAY-ALL-DAG: mlc.mul %[[W:[^,]*]], %[[FACTOR:[^ ]*]] : (tensor<3x2xf32>, tensor<f32>)
// DECAY-ALL-DAG: mlc.mul %{{.*}}, %[[FACTOR]] : (tensor<2xf32>, tensor<f32>)
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"},
                   %w: tensor<3x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                   %b: tensor<2xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>},
                   %v: tensor<2xf32> {mlc.param = "v", mlc.init = #mlc.init<zeros>, mlc.decay = true},
                   %u: tensor<3x2xf32> {mlc.param = "u", mlc.init = #mlc.init<zeros>, mlc.decay = false})
    -> tensor<f32> {
  %h = mlc.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %h2 = mlc.matmul %x, %u : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %s = mlc.add %h, %h2 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %hb = mlc.add %s, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %hv = mlc.mul %hb, %v : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %l = mlc.reduce_mean %hv axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
