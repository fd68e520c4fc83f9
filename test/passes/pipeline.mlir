// -mlc-pipeline: the model function cut into the stages of the mesh's pp
// axis, balanced by FLOPs at the narrowest point near the balance, and
// unrolled over the micro-batches: each input sliced along its rows, the
// ops cloned per part (the last part first) with mlc.stage and mlc.micro,
// the loss the mean of the parts' losses.
// RUN: mlc-opt %s -split-input-file -mlc-pipeline=micro-batches=2 | FileCheck %s --check-prefix=MLP
// RUN: mlc-opt %s -split-input-file -mlc-pipeline="micro-batches=2 schedule=gpipe" | FileCheck %s --check-prefix=ATT
// The placed IR verifies and prints back as it was.
// RUN: mlc-opt %s -split-input-file -mlc-pipeline=micro-batches=2 | mlc-opt -split-input-file | FileCheck %s --check-prefix=MLP
// One micro-batch: the ops are placed and keep their shapes.
// RUN: mlc-opt %s -split-input-file -mlc-pipeline | FileCheck %s --check-prefix=ONE

// An MLP of four layers: the first two matmuls (2048 + 4096 of 10.6k
// FLOPs) are stage 0, the rest stage 1; the cut lies after the second
// matmul, where one [rows, 16] activation crosses.
// MLP: module attributes {mlc.mesh = #mlc.mesh<pp = 2>, mlc.pipeline = {micro_batches = 2 : i64, schedule = "1f1b", stages = 2 : i64}}
// MLP-LABEL: func.func @forward
// MLP: %[[X1:.*]] = mlc.slice %arg0 axis = 0 start = 4 size = 4 : (tensor<8x8xf32>) -> tensor<4x8xf32>
// MLP: %[[Y1:.*]] = mlc.slice %arg1 axis = 0 start = 4 size = 4 : (tensor<8x1xf32>) -> tensor<4x1xf32>
// MLP: mlc.matmul %[[X1]], %arg2 {mlc.micro = 1 : i64, mlc.stage = 0 : i64} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// MLP: mlc.relu {{.*}} {mlc.micro = 1 : i64, mlc.stage = 0 : i64}
// MLP: mlc.matmul {{.*}}, %arg3 {mlc.micro = 1 : i64, mlc.stage = 0 : i64}
// MLP: mlc.relu {{.*}} {mlc.micro = 1 : i64, mlc.stage = 1 : i64}
// MLP: mlc.matmul {{.*}}, %arg4 {mlc.micro = 1 : i64, mlc.stage = 1 : i64}
// MLP: %[[L1:.*]] = mlc.mse_loss {{.*}}, %[[Y1]] {mlc.micro = 1 : i64, mlc.stage = 1 : i64}
// MLP: mlc.slice %arg0 axis = 0 start = 0 size = 4
// MLP: mlc.matmul {{.*}}, %arg2 {mlc.micro = 0 : i64, mlc.stage = 0 : i64}
// MLP: %[[L0:.*]] = mlc.mse_loss {{.*}} {mlc.micro = 0 : i64, mlc.stage = 1 : i64}
// MLP: %[[SUM:.*]] = mlc.add %[[L0]], %[[L1]] {mlc.micro = 0 : i64, mlc.stage = 1 : i64}
// MLP: %[[TWO:.*]] = mlc.constant dense<2.000000e+00> : tensor<f32>
// MLP: %[[MEAN:.*]] = mlc.div %[[SUM]], %[[TWO]] {mlc.micro = 0 : i64, mlc.stage = 1 : i64}
// MLP: return %[[MEAN]] : tensor<f32>
// ONE-LABEL: func.func @forward
// ONE-NOT: mlc.slice
// ONE: mlc.matmul %arg0, %arg2 {mlc.micro = 0 : i64, mlc.stage = 0 : i64} : (tensor<8x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
// ONE: mlc.mse_loss {{.*}} {mlc.micro = 0 : i64, mlc.stage = 1 : i64}
// ONE-NOT: mlc.div
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

// -----

// A GPT-2 attention block, its head tied to the embedding: the embedding,
// the norm and the QKV projection (1/3 of the FLOPs with the head) are
// stage 0; attention, the projection, the residual and the head stage 1,
// which reads wte again. The batch of 4 token windows is split into 2
// micro-batches of 2, through the heads' reshapes and transposes.
// ATT: mlc.pipeline = {micro_batches = 2 : i64, schedule = "gpipe", stages = 2 : i64}
// ATT-LABEL: func.func @forward
// ATT: mlc.slice %arg0 axis = 0 start = 2 size = 2 : (tensor<4x8xi32>) -> tensor<2x8xi32>
// ATT: mlc.embedding %arg2, {{.*}} {mlc.micro = 1 : i64, mlc.stage = 0 : i64} : (tensor<16x32xf32>, tensor<2x8xi32>) -> tensor<2x8x32xf32>
// ATT: mlc.matmul {{.*}}, %arg6 {mlc.micro = 1 : i64, mlc.stage = 0 : i64} : (tensor<2x8x32xf32>, tensor<32x96xf32>) -> tensor<2x8x96xf32>
// ATT: mlc.split {{.*}} {mlc.micro = 1 : i64, mlc.stage = 1 : i64}
// ATT: mlc.attention {{.*}} causal {mlc.micro = 1 : i64, mlc.stage = 1 : i64} : (tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>) -> tensor<2x2x8x16xf32>
// ATT: mlc.matmul {{.*}}, %arg2 transpose_rhs {mlc.micro = 1 : i64, mlc.stage = 1 : i64} : (tensor<2x8x32xf32>, tensor<16x32xf32>) -> tensor<2x8x16xf32>
// ATT: mlc.softmax_cross_entropy {{.*}} {mlc.micro = 1 : i64, mlc.stage = 1 : i64}
// ATT: mlc.embedding %arg2, {{.*}} {mlc.micro = 0 : i64, mlc.stage = 0 : i64}
// ATT: mlc.div {{.*}} {mlc.micro = 0 : i64, mlc.stage = 1 : i64}
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
func.func @forward(
    %tokens: tensor<4x8xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 16},
    %targets: tensor<4x8xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 16},
    %wte: tensor<16x32xf32> {mlc.param = "wte", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<8x32xf32> {mlc.param = "wpe", mlc.init = #mlc.init<normal, std = 0.02>},
    %ln_w: tensor<32xf32> {mlc.param = "ln.w", mlc.init = #mlc.init<ones>},
    %ln_b: tensor<32xf32> {mlc.param = "ln.b", mlc.init = #mlc.init<zeros>},
    %qkv_w: tensor<32x96xf32> {mlc.param = "qkv.w", mlc.init = #mlc.init<normal, std = 0.02>},
    %proj_w: tensor<32x32xf32> {mlc.param = "proj.w", mlc.init = #mlc.init<normal, std = 0.02>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %emb = mlc.embedding %wte, %tokens : (tensor<16x32xf32>, tensor<4x8xi32>) -> tensor<4x8x32xf32>
  %x = mlc.add %emb, %wpe : (tensor<4x8x32xf32>, tensor<8x32xf32>) -> tensor<4x8x32xf32>
  %h = mlc.layer_norm %x, %ln_w, %ln_b : (tensor<4x8x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<4x8x32xf32>
  %qkv = mlc.matmul %h, %qkv_w : (tensor<4x8x32xf32>, tensor<32x96xf32>) -> tensor<4x8x96xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [32, 32, 32] : (tensor<4x8x96xf32>) -> (tensor<4x8x32xf32>, tensor<4x8x32xf32>, tensor<4x8x32xf32>)
  %q1 = mlc.reshape %q0 : (tensor<4x8x32xf32>) -> tensor<4x8x2x16xf32>
  %q = mlc.transpose %q1 perm = [0, 2, 1, 3] : (tensor<4x8x2x16xf32>) -> tensor<4x2x8x16xf32>
  %k1 = mlc.reshape %k0 : (tensor<4x8x32xf32>) -> tensor<4x8x2x16xf32>
  %k = mlc.transpose %k1 perm = [0, 2, 1, 3] : (tensor<4x8x2x16xf32>) -> tensor<4x2x8x16xf32>
  %v1 = mlc.reshape %v0 : (tensor<4x8x32xf32>) -> tensor<4x8x2x16xf32>
  %v = mlc.transpose %v1 perm = [0, 2, 1, 3] : (tensor<4x8x2x16xf32>) -> tensor<4x2x8x16xf32>
  %att = mlc.attention %q, %k, %v causal : (tensor<4x2x8x16xf32>, tensor<4x2x8x16xf32>, tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32>
  %o1 = mlc.transpose %att perm = [0, 2, 1, 3] : (tensor<4x2x8x16xf32>) -> tensor<4x8x2x16xf32>
  %o2 = mlc.reshape %o1 : (tensor<4x8x2x16xf32>) -> tensor<4x8x32xf32>
  %o = mlc.matmul %o2, %proj_w : (tensor<4x8x32xf32>, tensor<32x32xf32>) -> tensor<4x8x32xf32>
  %r = mlc.add %x, %o : (tensor<4x8x32xf32>, tensor<4x8x32xf32>) -> tensor<4x8x32xf32>
  %logits = mlc.matmul %r, %wte transpose_rhs : (tensor<4x8x32xf32>, tensor<16x32xf32>) -> tensor<4x8x16xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<4x8x16xf32>, tensor<4x8xi32>) -> tensor<f32>
  return %loss : tensor<f32>
}
}
