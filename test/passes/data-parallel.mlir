// -mlc-data-parallel: every function that takes a batch becomes the program
// of one rank of dp: its inputs hold B/N rows, the split goes through the
// ops, a loss (a mean over rows) is all-reduced into its mean over ranks
// and outputs that keep the rows are gathered back whole.
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 | FileCheck %s
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=4 | FileCheck %s --check-prefix=DP4
// The partitioned IR verifies and prints back as it was.
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 | mlc-opt -split-input-file | FileCheck %s
// dp=1 records the mesh and changes nothing else.
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=1 | FileCheck %s --check-prefix=DP1

// An MLP: x is split by rows, the weights are the same on every rank, the
// GEMMs and the bias keep the rows split, the MSE is each rank's mean.
// CHECK: module attributes {mlc.mesh = #mlc.mesh<dp = 2>}
// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<4x8xf32> {mlc.input = "x"}, %[[Y:[a-z0-9]+]]: tensor<4x1xf32> {mlc.input = "y"}, %[[W1:[a-z0-9]+]]: tensor<8x16xf32>
// CHECK-SAME: %[[B1:[a-z0-9]+]]: tensor<16xf32>
// CHECK-SAME: %[[W2:[a-z0-9]+]]: tensor<16x1xf32>
// CHECK-SAME: -> (tensor<f32> {mlc.output = "loss"})
// CHECK-SAME: attributes {mlc.batch_axes = ["dp"]}
// CHECK: %[[H:.*]] = mlc.matmul %[[X]], %[[W1]] : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK: %[[HB:.*]] = mlc.add %[[H]], %[[B1]] : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK: %[[A:.*]] = mlc.relu %[[HB]] : tensor<4x16xf32>
// CHECK: %[[P:.*]] = mlc.matmul %[[A]], %[[W2]] : (tensor<4x16xf32>, tensor<16x1xf32>) -> tensor<4x1xf32>
// CHECK: %[[L:.*]] = mlc.mse_loss %[[P]], %[[Y]] : (tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<f32>
// CHECK: %[[MEAN:.*]] = mlc.all_reduce mean over ["dp"] %[[L]] : tensor<f32>
// CHECK: return %[[MEAN]] : tensor<f32>
// DP4-LABEL: func.func @mlp
// DP4-SAME: tensor<2x8xf32> {mlc.input = "x"}
// DP4: mlc.all_reduce mean over ["dp"]
// DP1: module attributes {mlc.mesh = #mlc.mesh<dp = 1>}
// DP1-LABEL: func.func @mlp
// DP1-SAME: tensor<8x8xf32> {mlc.input = "x"}
// DP1-NOT: mlc.all_reduce
// DP1-NOT: mlc.batch_axes
func.func @mlp(
    %x: tensor<8x8xf32> {mlc.input = "x"},
    %y: tensor<8x1xf32> {mlc.input = "y"},
    %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
    %b1: tensor<16xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
    %w2: tensor<16x1xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %w1 : (tensor<8x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %hb = mlc.add %h, %b1 : (tensor<8x16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %a = mlc.relu %hb : tensor<8x16xf32>
  %p = mlc.matmul %a, %w2 : (tensor<8x16xf32>, tensor<16x1xf32>) -> tensor<8x1xf32>
  %l = mlc.mse_loss %p, %y : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A GPT-2 attention block on token ids [B, T]: the embedding, the norm over
// the width, the heads' reshapes and transposes, causal attention and the
// projections all keep the batch (dimension 0) split; the position table
// is the same on every rank and broadcasts. The loss is all-reduced, the
// logits, an output that keeps the rows, are gathered back to [4, 8, 16].
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[T:[a-z0-9]+]]: tensor<2x8xi32> {mlc.input = "tokens"
// CHECK-SAME: %[[TGT:[a-z0-9]+]]: tensor<2x8xi32> {mlc.input = "targets"
// CHECK-SAME: %[[WTE:[a-z0-9]+]]: tensor<16x32xf32>
// CHECK-SAME: -> (tensor<f32> {mlc.output = "loss"}, tensor<4x8x16xf32> {mlc.output = "logits"})
// CHECK: mlc.embedding %[[WTE]], %[[T]] : (tensor<16x32xf32>, tensor<2x8xi32>) -> tensor<2x8x32xf32>
// CHECK: mlc.add %{{.*}}, %{{.*}} : (tensor<2x8x32xf32>, tensor<8x32xf32>) -> tensor<2x8x32xf32>
// CHECK: mlc.layer_norm {{.*}} -> tensor<2x8x32xf32>
// CHECK: mlc.split {{.*}} -> (tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<2x8x32xf32>)
// CHECK: mlc.reshape {{.*}} : (tensor<2x8x32xf32>) -> tensor<2x8x2x16xf32>
// CHECK: mlc.transpose {{.*}} : (tensor<2x8x2x16xf32>) -> tensor<2x2x8x16xf32>
// CHECK: mlc.attention {{.*}} causal : (tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>) -> tensor<2x2x8x16xf32>
// CHECK: mlc.reshape {{.*}} : (tensor<2x8x2x16xf32>) -> tensor<2x8x32xf32>
// CHECK: %[[LOGITS:.*]] = mlc.matmul {{.*}} transpose_rhs : (tensor<2x8x32xf32>, tensor<16x32xf32>) -> tensor<2x8x16xf32>
// CHECK: %[[L:.*]] = mlc.softmax_cross_entropy %[[LOGITS]], %[[TGT]] : (tensor<2x8x16xf32>, tensor<2x8xi32>) -> tensor<f32>
// CHECK: %[[MEAN:.*]] = mlc.all_reduce mean over ["dp"] %[[L]] : tensor<f32>
// CHECK: %[[ALL:.*]] = mlc.all_gather %[[LOGITS]] over ["dp"] : (tensor<2x8x16xf32>) -> tensor<4x8x16xf32>
// CHECK: return %[[MEAN]], %[[ALL]] : tensor<f32>, tensor<4x8x16xf32>
func.func @attention(
    %tokens: tensor<4x8xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 16},
    %targets: tensor<4x8xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 16},
    %wte: tensor<16x32xf32> {mlc.param = "wte", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<8x32xf32> {mlc.param = "wpe", mlc.init = #mlc.init<normal, std = 0.02>},
    %ln_w: tensor<32xf32> {mlc.param = "ln.w", mlc.init = #mlc.init<ones>},
    %ln_b: tensor<32xf32> {mlc.param = "ln.b", mlc.init = #mlc.init<zeros>},
    %qkv_w: tensor<32x96xf32> {mlc.param = "qkv.w", mlc.init = #mlc.init<normal, std = 0.02>},
    %proj_w: tensor<32x32xf32> {mlc.param = "proj.w", mlc.init = #mlc.init<normal, std = 0.02>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4x8x16xf32> {mlc.output = "logits"}) {
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
  return %loss, %logits : tensor<f32>, tensor<4x8x16xf32>
}

// -----

// Rows flattened with the sequence ([B, T, C] -> [B T, C]) keep their block;
// a sum over the split rows is each rank's part of the sum, all-reduced
// with sum; a partial value a non-linear op reads (the exp of the mean) is
// all-reduced before it, so every rank computes it on the whole mean.
// CHECK-LABEL: func.func @partial
// CHECK: %[[FLAT:.*]] = mlc.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK: %[[S:.*]] = mlc.reduce_sum %[[FLAT]] axes = [0, 1] : (tensor<6x4xf32>) -> tensor<f32>
// CHECK: %[[M:.*]] = mlc.reduce_mean %[[FLAT]] axes = [0, 1] : (tensor<6x4xf32>) -> tensor<f32>
// CHECK: %[[SCALED:.*]] = mlc.mul %[[M]], %arg1 : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[WHOLE:.*]] = mlc.all_reduce mean over ["dp"] %[[SCALED]] : tensor<f32>
// CHECK: %[[E:.*]] = mlc.exp %[[WHOLE]] : tensor<f32>
// CHECK: %[[SUM:.*]] = mlc.all_reduce sum over ["dp"] %[[S]] : tensor<f32>
// CHECK: return %[[E]], %[[SUM]]
func.func @partial(
    %x: tensor<4x3x4xf32> {mlc.input = "x"},
    %c: tensor<f32> {mlc.param = "c", mlc.init = #mlc.init<ones>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "total"}) {
  %flat = mlc.reshape %x : (tensor<4x3x4xf32>) -> tensor<12x4xf32>
  %s = mlc.reduce_sum %flat axes = [0, 1] : (tensor<12x4xf32>) -> tensor<f32>
  %m = mlc.reduce_mean %flat axes = [0, 1] : (tensor<12x4xf32>) -> tensor<f32>
  %scaled = mlc.mul %m, %c : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %e = mlc.exp %scaled : tensor<f32>
  return %e, %s : tensor<f32>, tensor<f32>
}

// -----

// Prefill and decode take no batch of the data set: every rank runs them
// whole. Functions without inputs are left as they are too.
// CHECK-LABEL: func.func @prior
// CHECK-NOT: mlc.all_reduce
// CHECK-NOT: mlc.batch_axes
// CHECK: return
func.func @prior(
    %w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 1.0>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %l = mlc.reduce_mean %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
