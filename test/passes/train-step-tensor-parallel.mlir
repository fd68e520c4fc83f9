// -mlc-train-step after -mlc-tensor-parallel: g (the all-reduce after a
// row-split matmul) passes its adjoint as it is, and f (mlc.fan_out) sums
// the ranks' adjoints of the block's input, each rank's part of the
// gradient through its columns, with an all-reduce in backward. The
// gradients of split weights are each rank's piece, those of the weights
// every rank holds are the same on every rank: none is all-reduced over
// tp. -mlc-lower-fan-out then leaves the forward's identity.
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=tp=2 -mlc-train-step="optimizer=sgd lr=0.1" | FileCheck %s
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=tp=2 -mlc-train-step="optimizer=sgd lr=0.1" -mlc-lower-fan-out | FileCheck %s --check-prefix=LOWERED

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[TABLE:[a-z0-9]+]]: tensor<16x8xf32> {mlc.init = {{.*}}, mlc.param = "wte"}
// CHECK-SAME: %[[FC:[a-z0-9]+]]: tensor<8x16xf32> {{{[^}]*}}mlc.param = "fc", mlc.shard = #mlc.shard<[8, 32], split(1, "tp", 1)>}
// CHECK-SAME: %[[PROJ:[a-z0-9]+]]: tensor<16x8xf32> {{{[^}]*}}mlc.param = "proj", mlc.shard = #mlc.shard<[32, 8], split(0, "tp", 1)>}
// Forward: f, the column and row matmuls, g.
// CHECK: %[[X:.*]] = mlc.embedding %[[TABLE]]
// CHECK: %[[F:.*]] = mlc.fan_out %[[X]] over ["tp"] : tensor<2x4x8xf32>
// CHECK: %[[H:.*]] = mlc.matmul %[[F]], %[[FC]] : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
// CHECK: %[[P:.*]] = mlc.matmul %{{.*}}, %[[PROJ]] : (tensor<2x4x16xf32>, tensor<16x8xf32>) -> tensor<2x4x8xf32>
// CHECK: mlc.all_reduce sum over ["tp"] %[[P]] : tensor<2x4x8xf32>
// Backward: the row matmul's adjoint is not reduced (g's gradient is the
// identity); the rank's part of the input's adjoint through its columns of
// fc is, before it reaches the residual and the embedding (f's gradient).
// CHECK-NOT: mlc.all_reduce
// CHECK: %[[DX:.*]] = mlc.matmul %{{.*}}, %[[FC]] transpose_rhs : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
// CHECK-NOT: mlc.all_reduce
// CHECK: %[[DXS:.*]] = mlc.all_reduce sum over ["tp"] %[[DX]] : tensor<2x4x8xf32>
// CHECK-NOT: mlc.all_reduce
// CHECK: mlc.embedding_grad
// CHECK-NOT: mlc.all_reduce
// CHECK: return
// LOWERED-LABEL: func.func @train_step
// LOWERED-NOT: mlc.fan_out
// LOWERED: mlc.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
func.func @forward(
    %ids: tensor<2x4xi32> {mlc.input = "ids"},
    %y: tensor<2x4x8xf32> {mlc.input = "y"},
    %wte: tensor<16x8xf32> {mlc.param = "wte", mlc.init = #mlc.init<normal, std = 0.1>},
    %fc: tensor<8x32xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<32x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %x = mlc.embedding %wte, %ids : (tensor<16x8xf32>, tensor<2x4xi32>) -> tensor<2x4x8xf32>
  %h = mlc.matmul %x, %fc : (tensor<2x4x8xf32>, tensor<8x32xf32>) -> tensor<2x4x32xf32>
  %a = mlc.gelu %h approximate = "tanh" : tensor<2x4x32xf32>
  %p = mlc.matmul %a, %proj : (tensor<2x4x32xf32>, tensor<32x8xf32>) -> tensor<2x4x8xf32>
  %r = mlc.add %x, %p : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %l = mlc.mse_loss %r, %y : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A scalar parameter scaling the split features: f's gradient all-reduces
// each rank's part of its adjoint, so every rank updates it alike.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[SCALE:[a-z0-9]+]]: tensor<f32> {{{[^}]*}}mlc.param = "scale"}
// CHECK: mlc.fan_out %[[SCALE]] over ["tp"] : tensor<f32>
// CHECK: %[[DS:.*]] = mlc.reduce_sum %{{.*}} axes = [0, 1] : (tensor<2x16xf32>) -> tensor<f32>
// CHECK: %[[DSUM:.*]] = mlc.all_reduce sum over ["tp"] %[[DS]] : tensor<f32>
// CHECK: mlc.mul %[[DSUM]]
func.func @forward(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x32xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %scale: tensor<f32> {mlc.param = "scale", mlc.init = #mlc.init<ones>},
    %proj: tensor<32x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x32xf32>) -> tensor<2x32xf32>
  %s = mlc.mul %h, %scale : (tensor<2x32xf32>, tensor<f32>) -> tensor<2x32xf32>
  %p = mlc.matmul %s, %proj : (tensor<2x32xf32>, tensor<32x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
