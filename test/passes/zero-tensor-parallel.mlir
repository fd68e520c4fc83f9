// -mlc-zero over parameters tensor parallelism split: each rank's chunk
// over dp is taken from its tp piece, and the shard says so, the steps
// composed (split over tp, then the flat chunk over dp), for the
// parameters and their optimizer state alike; gradients are
// reduce-scattered and parameters gathered over dp alone.
// RUN: mlc-opt %s -mlc-tensor-parallel=mesh=dp=2,tp=2 -mlc-data-parallel=mesh=dp=2,tp=2 "-mlc-train-step=optimizer=adam lr=0.1" -mlc-zero=stage=3 | FileCheck %s
// RUN: mlc-opt %s -mlc-tensor-parallel=mesh=dp=2,tp=2 -mlc-data-parallel=mesh=dp=2,tp=2 "-mlc-train-step=optimizer=adam lr=0.1" -mlc-zero=stage=1 | FileCheck %s --check-prefix=S1
// The sharded IR verifies and prints back as it was.
// RUN: mlc-opt %s -mlc-tensor-parallel=mesh=dp=2,tp=2 -mlc-data-parallel=mesh=dp=2,tp=2 "-mlc-train-step=optimizer=adam lr=0.1" -mlc-zero=stage=3 | mlc-opt | FileCheck %s

// An MLP block: w1 [8, 16] split by columns (a piece of 8 x 8 = 64
// elements, chunks of 32), b1 [16] alike (8, chunks of 4), w2 [16, 4] by
// rows (32, chunks of 16).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: tensor<32xf32> {{{.*}}mlc.param = "w1", mlc.shard = #mlc.shard<[8, 16], split(1, "tp", 1), flat("dp")>}
// CHECK-SAME: tensor<4xf32> {{{.*}}mlc.param = "b1", mlc.shard = #mlc.shard<[16], split(0, "tp", 1), flat("dp")>}
// CHECK-SAME: tensor<16xf32> {{{.*}}mlc.param = "w2", mlc.shard = #mlc.shard<[16, 4], split(0, "tp", 1), flat("dp")>}
// CHECK-SAME: tensor<32xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 16], split(1, "tp", 1), flat("dp")>, mlc.state = "w1.exp_avg"}
// CHECK: mlc.all_gather %{{.*}} over ["dp"] : (tensor<32xf32>) -> tensor<64xf32>
// CHECK: mlc.all_reduce sum over ["tp"]
// CHECK: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<64xf32> -> tensor<32xf32>
// CHECK-NOT: mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<8x8xf32>
// Stage 1: the parameters stay the rank's tp pieces; the moments are
// chunks of them.
// S1-LABEL: func.func @train_step
// S1-SAME: tensor<8x8xf32> {{{.*}}mlc.param = "w1", mlc.shard = #mlc.shard<[8, 16], split(1, "tp", 1)>}
// S1-SAME: tensor<32xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 16], split(1, "tp", 1), flat("dp")>, mlc.state = "w1.exp_avg"}
// S1: mlc.all_slice %{{.*}} over ["dp"] : (tensor<64xf32>) -> tensor<32xf32>
func.func @forward(
    %x: tensor<8x8xf32> {mlc.input = "x"},
    %y: tensor<8x4xf32> {mlc.input = "y"},
    %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
    %b1: tensor<16xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
    %w2: tensor<16x4xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %w1 : (tensor<8x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %hb = mlc.add %h, %b1 : (tensor<8x16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %a = mlc.relu %hb : tensor<8x16xf32>
  %p = mlc.matmul %a, %w2 : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %l = mlc.mse_loss %p, %y : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
