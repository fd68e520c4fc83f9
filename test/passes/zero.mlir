// -mlc-zero: ZeRO over dp=2 after the train step (AdamW with clipping).
// Every trained parameter is cut into flat chunks of ceil(numel / 2); each
// rank updates its chunk. Stage 1 shards the optimizer state, stage 2 the
// gradients too (reduce-scatter instead of all-reduce), stage 3 the
// parameters too (gathered before their use in forward and again in
// backward).
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=1 | FileCheck %s --check-prefix=S1
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=2 | FileCheck %s --check-prefix=S2
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=3 | FileCheck %s --check-prefix=S3
// The sharded IR verifies and prints back as it was.
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=3 | mlc-opt -split-input-file | FileCheck %s --check-prefix=S3
// Stage 0, and a dp axis of one rank, change nothing.
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=2 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=0 | FileCheck %s --check-prefix=NONE
// RUN: mlc-opt %s -split-input-file -mlc-data-parallel=mesh=dp=1 "-mlc-train-step=optimizer=adamw lr=0.1 clip=1.0" -mlc-zero=stage=3 | FileCheck %s --check-prefix=NONE
// NONE-NOT: mlc.shard
// NONE-NOT: mlc.all_slice
// NONE-NOT: mlc.reduce_scatter

// An MLP block. Its hidden width, 15, does not divide over 2 ranks: the
// chunks of b1 and w2 are 8 elements, the last padded with a zero.
//
// Stage 1: the moments are chunks; the optimizer reads the rank's chunk of
// the all-reduced gradient and of the parameter, the norm of clipping adds
// the chunks' squares over the ranks, and the updated chunks are gathered
// back into the whole parameters.
// S1-LABEL: func.func @train_step
// S1-SAME: %[[W1:[a-z0-9]+]]: tensor<8x15xf32> {{{.*}}mlc.param = "w1"}
// S1-SAME: tensor<60xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 15], flat("dp")>, mlc.state = "w1.exp_avg"}
// S1-SAME: tensor<8xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[15], flat("dp")>, mlc.state = "b1.exp_avg"}
// S1-SAME: -> (tensor<8x15xf32> {mlc.update = "w1"}, tensor<15xf32> {mlc.update = "b1"}, tensor<15x1xf32> {mlc.update = "w2"}, tensor<60xf32> {mlc.update = "w1.exp_avg"}
// S1: %[[GW1:.*]] = mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<8x15xf32>
// S1-NEXT: %[[FW1:.*]] = mlc.reshape %[[GW1]] : (tensor<8x15xf32>) -> tensor<120xf32>
// S1-NEXT: %[[CW1:.*]] = mlc.all_slice %[[FW1]] over ["dp"] : (tensor<120xf32>) -> tensor<60xf32>
// S1-NEXT: %[[GB1:.*]] = mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<15xf32>
// S1-NEXT: %[[PAD:.*]] = mlc.constant dense<0.000000e+00> : tensor<1xf32>
// S1-NEXT: %[[PB1:.*]] = mlc.concat %[[GB1]], %[[PAD]] axis = 0 : (tensor<15xf32>, tensor<1xf32>) -> tensor<16xf32>
// S1-NEXT: mlc.all_slice %[[PB1]] over ["dp"] : (tensor<16xf32>) -> tensor<8xf32>
// S1: mlc.mul %[[CW1]], %[[CW1]] : (tensor<60xf32>, tensor<60xf32>) -> tensor<60xf32>
// S1: %[[SQ:.*]] = mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<f64>
// S1-NEXT: mlc.sqrt %[[SQ]] : tensor<f64>
// S1: %[[FP:.*]] = mlc.reshape %[[W1]] : (tensor<8x15xf32>) -> tensor<120xf32>
// S1-NEXT: %[[CP:.*]] = mlc.all_slice %[[FP]] over ["dp"] : (tensor<120xf32>) -> tensor<60xf32>
// S1: mlc.mul %[[CP]], %{{.*}} : (tensor<60xf32>, tensor<f32>) -> tensor<60xf32>
// S1: %[[NW1:.*]] = mlc.all_gather %{{.*}} over ["dp"] : (tensor<60xf32>) -> tensor<120xf32>
// S1-NEXT: %[[UW1:.*]] = mlc.reshape %[[NW1]] : (tensor<120xf32>) -> tensor<8x15xf32>
// S1-NEXT: %[[NB1:.*]] = mlc.all_gather %{{.*}} over ["dp"] : (tensor<8xf32>) -> tensor<16xf32>
// S1-NEXT: %[[UB1:.*]] = mlc.slice %[[NB1]] axis = 0 start = 0 size = 15 : (tensor<16xf32>) -> tensor<15xf32>
// S1: return %[[UW1]], %[[UB1]], %{{.*}} : tensor<8x15xf32>, tensor<15xf32>, tensor<15x1xf32>, tensor<60xf32>, tensor<60xf32>, tensor<8xf32>,
//
// Stage 2: no rank holds a reduced gradient whole; each is
// reduce-scattered from the rank's padded flat gradient.
// S2-LABEL: func.func @train_step
// S2-NOT: mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<8x15xf32>
// S2: %[[FW1:.*]] = mlc.reshape %{{.*}} : (tensor<8x15xf32>) -> tensor<120xf32>
// S2-NEXT: %[[CW1:.*]] = mlc.reduce_scatter sum over ["dp"] %[[FW1]] : tensor<120xf32> -> tensor<60xf32>
// S2: %[[PB1:.*]] = mlc.concat %{{.*}}, %{{.*}} axis = 0 : (tensor<15xf32>, tensor<1xf32>) -> tensor<16xf32>
// S2-NEXT: mlc.reduce_scatter sum over ["dp"] %[[PB1]] : tensor<16xf32> -> tensor<8xf32>
// S2-NOT: mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<15xf32>
// S2: mlc.mul %[[CW1]], %[[CW1]] : (tensor<60xf32>, tensor<60xf32>) -> tensor<60xf32>
// S2: mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<f64>
// S2: mlc.all_gather %{{.*}} over ["dp"] : (tensor<60xf32>) -> tensor<120xf32>
// S2: return
//
// Stage 3: the parameters are chunks too. The eval gathers each before its
// use; the train step's forward pass gathers each before its first use,
// and the backward pass gathers again the one its gradients read (w2, the
// right operand of a product whose left operand's adjoint is needed; w1's
// adjoint reads only x, b1's none), after the forward pass is done with
// its copy. The updated chunks are the updates: nothing is gathered after
// the gradients are reduce-scattered.
// S3-LABEL: func.func @eval
// S3-SAME: %[[EW1:[a-z0-9]+]]: tensor<60xf32> {{{.*}}mlc.param = "w1", mlc.shard = #mlc.shard<[8, 15], flat("dp")>}
// S3: %[[EG:.*]] = mlc.all_gather %[[EW1]] over ["dp"] : (tensor<60xf32>) -> tensor<120xf32>
// S3-NEXT: %[[EW:.*]] = mlc.reshape %[[EG]] : (tensor<120xf32>) -> tensor<8x15xf32>
// S3-NEXT: mlc.matmul %{{.*}}, %[[EW]]
// S3-LABEL: func.func @train_step
// S3-SAME: %[[W1:[a-z0-9]+]]: tensor<60xf32> {{{.*}}mlc.param = "w1", mlc.shard = #mlc.shard<[8, 15], flat("dp")>}
// S3-SAME: %[[B1:[a-z0-9]+]]: tensor<8xf32> {{{.*}}mlc.param = "b1", mlc.shard = #mlc.shard<[15], flat("dp")>}
// S3-SAME: %[[W2:[a-z0-9]+]]: tensor<8xf32> {{{.*}}mlc.param = "w2", mlc.shard = #mlc.shard<[15, 1], flat("dp")>}
// S3-SAME: -> (tensor<60xf32> {mlc.update = "w1"}, tensor<8xf32> {mlc.update = "b1"}, tensor<8xf32> {mlc.update = "w2"}
// S3: %[[G1:.*]] = mlc.all_gather %[[W1]] over ["dp"] : (tensor<60xf32>) -> tensor<120xf32>
// S3-NEXT: %[[FW1:.*]] = mlc.reshape %[[G1]] : (tensor<120xf32>) -> tensor<8x15xf32>
// S3-NEXT: mlc.matmul %{{.*}}, %[[FW1]]
// S3-NEXT: mlc.all_gather %[[B1]] over ["dp"] : (tensor<8xf32>) -> tensor<16xf32>
// S3: mlc.all_gather %[[W2]] over ["dp"] : (tensor<8xf32>) -> tensor<16xf32>
// S3: mlc.mse_loss
// S3-NOT: mlc.all_gather %[[W1]]
// S3-NOT: mlc.all_gather %[[B1]]
// S3: %[[G2:.*]] = mlc.all_gather %[[W2]] over ["dp"] : (tensor<8xf32>) -> tensor<16xf32>
// S3-NOT: mlc.all_gather %[[W1]]
// S3-NOT: mlc.all_gather %[[B1]]
// S3: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<120xf32> -> tensor<60xf32>
// S3: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<16xf32> -> tensor<8xf32>
// S3: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<16xf32> -> tensor<8xf32>
// S3-NOT: mlc.all_gather
// S3-NOT: mlc.all_slice
// S3: return %{{.*}} : tensor<60xf32>, tensor<8xf32>, tensor<8xf32>, tensor<60xf32>
func.func @forward(
    %x: tensor<8x8xf32> {mlc.input = "x"},
    %y: tensor<8x1xf32> {mlc.input = "y"},
    %w1: tensor<8x15xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
    %b1: tensor<15xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
    %w2: tensor<15x1xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %w1 : (tensor<8x8xf32>, tensor<8x15xf32>) -> tensor<8x15xf32>
  %hb = mlc.add %h, %b1 : (tensor<8x15xf32>, tensor<15xf32>) -> tensor<8x15xf32>
  %a = mlc.gelu %hb : tensor<8x15xf32>
  %p = mlc.matmul %a, %w2 : (tensor<8x15xf32>, tensor<15x1xf32>) -> tensor<8x1xf32>
  %l = mlc.mse_loss %p, %y : (tensor<8x1xf32>, tensor<8x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// An attention block (GPT-2's, with the head tied to the token table; the
// batch split over dp as -mlc-data-parallel does).
//
// Stage 1: the moments of the fused QKV weight [32, 96] are chunks of 1536.
// S1-LABEL: func.func @train_step
// S1-SAME: tensor<1536xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[32, 96], flat("dp")>, mlc.state = "qkv.w.exp_avg"}
// S1: %[[GQKV:.*]] = mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<32x96xf32>
// S1-NEXT: %[[FQKV:.*]] = mlc.reshape %[[GQKV]] : (tensor<32x96xf32>) -> tensor<3072xf32>
// S1-NEXT: mlc.all_slice %[[FQKV]] over ["dp"] : (tensor<3072xf32>) -> tensor<1536xf32>
// S1: mlc.all_gather %{{.*}} over ["dp"] : (tensor<1536xf32>) -> tensor<3072xf32>
// S1-NEXT: mlc.reshape %{{.*}} : (tensor<3072xf32>) -> tensor<32x96xf32>
//
// Stage 2: its gradient is reduce-scattered.
// S2-LABEL: func.func @train_step
// S2: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<3072xf32> -> tensor<1536xf32>
// S2: mlc.all_gather %{{.*}} over ["dp"] : (tensor<1536xf32>) -> tensor<3072xf32>
//
// Stage 3: the forward pass gathers the token table (read by the embedding
// and by the tied head), the norm's weights, the QKV and projection
// weights; the backward pass gathers again those its gradients read (the
// head's table, the projection, QKV and the norm's weight), not the
// position table or the norm's bias.
// S3-LABEL: func.func @train_step
// S3-SAME: %[[WTE:[a-z0-9]+]]: tensor<256xf32> {{{.*}}mlc.param = "wte", mlc.shard = #mlc.shard<[16, 32], flat("dp")>}
// S3-SAME: %[[WPE:[a-z0-9]+]]: tensor<128xf32> {{{.*}}mlc.param = "wpe", mlc.shard = #mlc.shard<[8, 32], flat("dp")>}
// S3-SAME: %[[LNW:[a-z0-9]+]]: tensor<16xf32> {{{.*}}mlc.param = "ln.w", mlc.shard = #mlc.shard<[32], flat("dp")>}
// S3-SAME: %[[LNB:[a-z0-9]+]]: tensor<16xf32> {{{.*}}mlc.param = "ln.b", mlc.shard = #mlc.shard<[32], flat("dp")>}
// S3-SAME: %[[QKV:[a-z0-9]+]]: tensor<1536xf32> {{{.*}}mlc.param = "qkv.w", mlc.shard = #mlc.shard<[32, 96], flat("dp")>}
// S3-SAME: %[[PROJ:[a-z0-9]+]]: tensor<512xf32> {{{.*}}mlc.param = "proj.w", mlc.shard = #mlc.shard<[32, 32], flat("dp")>}
// S3: mlc.all_gather %[[WTE]] over ["dp"] : (tensor<256xf32>) -> tensor<512xf32>
// S3: mlc.embedding
// S3: mlc.all_gather %[[WPE]] over ["dp"]
// S3: mlc.all_gather %[[LNW]] over ["dp"]
// S3: mlc.all_gather %[[LNB]] over ["dp"]
// S3: mlc.layer_norm
// S3: mlc.all_gather %[[QKV]] over ["dp"] : (tensor<1536xf32>) -> tensor<3072xf32>
// S3: mlc.attention
// S3: mlc.all_gather %[[PROJ]] over ["dp"] : (tensor<512xf32>) -> tensor<1024xf32>
// S3: mlc.softmax_cross_entropy
// S3-NOT: mlc.all_gather %[[WPE]]
// S3-NOT: mlc.all_gather %[[LNB]]
// S3: mlc.all_gather %[[WTE]] over ["dp"] : (tensor<256xf32>) -> tensor<512xf32>
// S3: mlc.all_gather %[[PROJ]] over ["dp"] : (tensor<512xf32>) -> tensor<1024xf32>
// S3: mlc.attention_grad
// S3: mlc.all_gather %[[QKV]] over ["dp"] : (tensor<1536xf32>) -> tensor<3072xf32>
// S3: mlc.all_gather %[[LNW]] over ["dp"] : (tensor<16xf32>) -> tensor<32xf32>
// S3-NOT: mlc.all_gather %[[WPE]]
// S3-NOT: mlc.all_gather %[[LNB]]
// S3: mlc.reduce_scatter sum over ["dp"] %{{.*}} : tensor<3072xf32> -> tensor<1536xf32>
// S3-NOT: mlc.all_gather
// S3: return
func.func @forward(
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

