// -mlc-train-step with accumulate=K: @accumulate_grads adds each micro-batch's
// gradients into <param>.grad_accum; @apply_grads takes their mean (sum / K),
// clips, updates, counts the step and zeroes the accumulators.
// RUN: split-file %s %t
// RUN: mlc-opt %t/model.mlir "-mlc-train-step=optimizer=adam accumulate=4 clip=1.0" -canonicalize -cse | FileCheck %s
// RUN: mlc-opt %t/model.mlir "-mlc-train-step=optimizer=adam" | FileCheck %s --check-prefix=ONE
// RUN: mlc-opt %t/zero.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam accumulate=0"
// RUN: mlc-opt %t/name-taken.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam accumulate=2"

//--- model.mlir
// CHECK-LABEL: func.func @apply_grads(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3x2xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "w"}
// CHECK-NOT: mlc.param = "f"
// CHECK-SAME: %[[ACC:[^:]*]]: tensor<3x2xf32> {mlc.accumulator, mlc.init = #mlc.init<zeros>, mlc.state = "w.grad_accum"})
// CHECK-SAME: {mlc.update = "step"}, tensor<3x2xf32> {mlc.update = "w.grad_accum"}, tensor<f64> {mlc.output = "grad_norm"})
// CHECK-SAME: attributes {mlc.kind = "apply", mlc.micro_batches = 4 : i64
// CHECK-DAG: %[[ZERO:.*]] = mlc.constant dense<0.000000e+00> : tensor<3x2xf32>
// CHECK-DAG: %[[K:.*]] = mlc.constant dense<4.000000e+00> : tensor<f32>
// CHECK: %[[MEAN:.*]] = mlc.div %[[ACC]], %[[K]]
// CHECK: mlc.mul %[[MEAN]], %[[MEAN]]
// CHECK: return {{.*}}, %[[ZERO]], %{{.*}} :

// CHECK-LABEL: func.func @accumulate_grads(
// CHECK-SAME: %[[W2:[^:]*]]: tensor<3x2xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "w"}
// CHECK-SAME: mlc.param = "f"
// CHECK-SAME: %[[ACC2:[^:]*]]: tensor<3x2xf32> {mlc.accumulator, mlc.init = #mlc.init<zeros>, mlc.state = "w.grad_accum"}
// CHECK-SAME: mlc.input = "x"
// CHECK-SAME: -> (tensor<3x2xf32> {mlc.update = "w.grad_accum"}, tensor<f32> {mlc.output = "loss"})
// CHECK-SAME: attributes {mlc.kind = "accumulate"}
// CHECK: %[[G:.*]] = mlc.matmul {{.*}} transpose_lhs
// CHECK: %[[SUM:.*]] = mlc.add %[[ACC2]], %[[G]]
// CHECK: return %[[SUM]], %{{.*}} :

// Without accumulate (or accumulate=1) the pass builds @train_step alone.
// ONE-NOT: accumulate_grads
// ONE-NOT: apply_grads
// ONE: func.func @train_step(
// ONE-NOT: grad_accum
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"},
                   %w: tensor<3x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                   %f: tensor<2xf32> {mlc.param = "f", mlc.init = #mlc.init<ones>, mlc.frozen})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %q = mlc.mul %p, %f : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %l = mlc.reduce_mean %q axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

//--- zero.mlir
// expected-error @+1 {{accumulate must be at least 1 (micro-batches per optimizer step), got 0}}
func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

//--- name-taken.mlir
// expected-error @+1 {{argument #1 is named 'w.grad_accum', the name of the optimizer state of 'w'}}
func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                   %g: tensor<3xf32> {mlc.param = "w.grad_accum", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
