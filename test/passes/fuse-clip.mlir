// -mlc-fuse on an AdamW step with gradient clipping, for a model with a
// layer norm: the norm's backward pass is one row region and its weight
// and bias gradients one column region; each gradient's sum of squares
// is a row region over the whole gradient, read once (the f64 sum of
// those sums and the clip factor stay outside); each parameter's update
// is one loop region reading the clip factor.
// RUN: mlc-opt %s -mlc-train-step="optimizer=adamw lr=0.01 clip=1.0" -canonicalize -cse -mlc-fuse | FileCheck %s

// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = mlc.matmul %arg13, %arg0
// CHECK: %[[DY:.*]] = mlc.matmul %{{.*}}, %arg3 transpose_rhs
// CHECK: %[[GW2:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<4x8xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
// CHECK: %[[LN:.*]]:2 = mlc.fusion "row"(%[[H]], %{{.*}}, %[[DY]], %arg1) : ({{.*}}) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
// CHECK-COUNT-4: mlc.reduce_mean
// CHECK: mlc.yield
// CHECK: %[[WB:.*]]:2 = mlc.fusion "column"(%[[DY]], %[[LN]]#0) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
// CHECK: %[[GW1:.*]] = mlc.matmul %arg13, %[[LN]]#1 transpose_lhs
// CHECK: %[[S0:.*]] = mlc.fusion "row"(%[[GW1]]) : (tensor<3x8xf32>) -> tensor<f32> {
// CHECK-NEXT: ^bb0(%[[G:.*]]: tensor<3x8xf32>):
// CHECK-NEXT: %[[Q:.*]] = mlc.mul %[[G]], %[[G]]
// CHECK-NEXT: %[[T:.*]] = mlc.reduce_sum %[[Q]] axes = [0, 1] : (tensor<3x8xf32>) -> tensor<f32>
// CHECK-NEXT: mlc.yield %[[T]]
// CHECK: mlc.cast %[[S0]] : tensor<f32> to tensor<f64>
// CHECK: mlc.fusion "row"(%[[WB]]#0) : (tensor<8xf32>) -> tensor<f32>
// CHECK: mlc.fusion "row"(%[[WB]]#1) : (tensor<8xf32>) -> tensor<f32>
// CHECK: mlc.fusion "row"(%[[GW2]]) : (tensor<8x2xf32>) -> tensor<f32>
// CHECK: %[[NORM:.*]] = mlc.sqrt %{{.*}} : tensor<f64>
// CHECK: %[[MIN:.*]] = mlc.min
// CHECK: %[[CLIP:.*]] = mlc.cast %[[MIN]] : tensor<f64> to tensor<f32>
// CHECK: mlc.fusion "loop"(%[[GW1]], %[[CLIP]],
// CHECK: mlc.fusion "loop"(%[[WB]]#0, %[[CLIP]],
// CHECK: mlc.fusion "loop"(%[[WB]]#1, %[[CLIP]],
// CHECK: mlc.fusion "loop"(%[[GW2]], %[[CLIP]],
// CHECK-NOT: mlc.reduce
// CHECK: return
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %y: tensor<4x2xf32> {mlc.input = "y"},
                   %w1: tensor<3x8xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
                   %g: tensor<8xf32> {mlc.param = "ln.weight", mlc.init = #mlc.init<ones>},
                   %b: tensor<8xf32> {mlc.param = "ln.bias", mlc.init = #mlc.init<zeros>},
                   %w2: tensor<8x2xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>}) -> tensor<f32> {
  %h = mlc.matmul %x, %w1 : (tensor<4x3xf32>, tensor<3x8xf32>) -> tensor<4x8xf32>
  %0 = mlc.layer_norm %h, %g, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = mlc.matmul %0, %w2 : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  %2 = mlc.mse_loss %1, %y : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<f32>
  return %2 : tensor<f32>
}
