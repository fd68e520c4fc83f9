// -mlc-fuse on a training step: the whole AdamW update of a parameter (the
// decayed parameter, both moments, the denominator and the step) is one
// region yielding the new moments and the new parameter; the scalar bias
// corrections (f64, computed from the step counter) stay outside and come
// in as scalar operands, and the loss gradient's scaling is a region of
// its own between the two GEMMs.
// RUN: mlc-opt %s -mlc-train-step="optimizer=adamw lr=0.01" -canonicalize -cse -mlc-fuse | FileCheck %s

// CHECK-LABEL: func.func @train_step
// CHECK: %[[MM:.*]] = mlc.matmul %arg4, %arg0
// CHECK: %[[DY:.*]] = mlc.fusion "loop"(%[[MM]], %arg5, %{{.*}}) : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<4x2xf32>
// CHECK: mlc.sub
// CHECK-NEXT: mlc.mul
// CHECK-NEXT: mlc.yield
// CHECK: %[[G:.*]] = mlc.matmul %arg4, %[[DY]] transpose_lhs
// CHECK: mlc.pow {{.*}} : (tensor<f64>, tensor<f64>) -> tensor<f64>
// CHECK: %[[U:.*]]:3 = mlc.fusion "loop"(%arg0, %{{.*}}, %arg2, %{{.*}}, %[[G]], %{{.*}}, %arg3, {{.*}}) : ({{.*}}) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
// CHECK-COUNT-5: mlc.mul
// CHECK: mlc.mul
// CHECK: mlc.add
// CHECK: mlc.sqrt
// CHECK: mlc.div
// CHECK: mlc.add
// CHECK: mlc.div
// CHECK: mlc.mul
// CHECK: %[[P:.*]] = mlc.sub
// CHECK: mlc.yield %{{.*}}, %{{.*}}, %[[P]] : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
// CHECK: return %[[U]]#2, %[[U]]#0, %[[U]]#1
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %y: tensor<4x2xf32> {mlc.input = "y"},
                   %w: tensor<3x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %0 = mlc.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %1 = mlc.mse_loss %0, %y : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}
