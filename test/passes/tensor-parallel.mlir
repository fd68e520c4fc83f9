// -mlc-tensor-parallel: Megatron's layout over tp. A block's first matmul
// is split by columns, its second by rows; f (mlc.fan_out) enters the
// block, g (mlc.all_reduce sum) leaves it.
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=tp=2 | FileCheck %s
// The partitioned IR verifies and prints back as it was.
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=tp=2 | mlc-opt -split-input-file | FileCheck %s
// With dp, -mlc-data-parallel then splits the rows of each rank's piece.
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=dp=2,tp=2 -mlc-data-parallel=mesh=dp=2,tp=2 | FileCheck %s --check-prefix=DPTP
// tp=1 records the mesh and changes nothing else.
// RUN: mlc-opt %s -split-input-file -mlc-tensor-parallel=mesh=tp=1 | FileCheck %s --check-prefix=TP1

// A GPT-2 MLP: c_fc by columns (its bias as its columns), the GELU on each
// rank's columns, c_proj by rows; its product is each rank's term of the
// sum, all-reduced before the bias that every rank holds whole.
// CHECK: module attributes {mlc.mesh = #mlc.mesh<tp = 2>}
// CHECK-LABEL: func.func @mlp
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x4x8xf32> {mlc.input = "x"}
// CHECK-SAME: %[[FC:[a-z0-9]+]]: tensor<8x16xf32> {{{[^}]*}}mlc.param = "mlp.c_fc.weight", mlc.shard = #mlc.shard<[8, 32], split(1, "tp", 1)>}
// CHECK-SAME: %[[FCB:[a-z0-9]+]]: tensor<16xf32> {{{[^}]*}}mlc.param = "mlp.c_fc.bias", mlc.shard = #mlc.shard<[32], split(0, "tp", 1)>}
// CHECK-SAME: %[[PROJ:[a-z0-9]+]]: tensor<16x8xf32> {{{[^}]*}}mlc.param = "mlp.c_proj.weight", mlc.shard = #mlc.shard<[32, 8], split(0, "tp", 1)>}
// CHECK-SAME: %[[PROJB:[a-z0-9]+]]: tensor<8xf32> {{{[^}]*}}mlc.param = "mlp.c_proj.bias"}
// CHECK: %[[F:.*]] = mlc.fan_out %[[X]] over ["tp"] : tensor<2x4x8xf32>
// CHECK: %[[H:.*]] = mlc.matmul %[[F]], %[[FC]] : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
// CHECK: %[[HB:.*]] = mlc.add %[[H]], %[[FCB]] : (tensor<2x4x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
// CHECK: %[[A:.*]] = mlc.gelu %[[HB]] approximate = "tanh" : tensor<2x4x16xf32>
// CHECK: %[[P:.*]] = mlc.matmul %[[A]], %[[PROJ]] : (tensor<2x4x16xf32>, tensor<16x8xf32>) -> tensor<2x4x8xf32>
// CHECK: %[[G:.*]] = mlc.all_reduce sum over ["tp"] %[[P]] : tensor<2x4x8xf32>
// CHECK: %[[PB:.*]] = mlc.add %[[G]], %[[PROJB]] : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
// CHECK: mlc.add %[[X]], %[[PB]]
// DPTP: module attributes {mlc.mesh = #mlc.mesh<dp = 2, tp = 2>}
// DPTP-LABEL: func.func @mlp
// DPTP-SAME: tensor<1x4x8xf32> {mlc.input = "x"}
// DPTP-SAME: tensor<8x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[8, 32], split(1, "tp", 1)>}
// DPTP-SAME: attributes {mlc.batch_axes = ["dp"]}
// DPTP: mlc.fan_out %{{.*}} over ["tp"] : tensor<1x4x8xf32>
// DPTP: mlc.matmul {{.*}} -> tensor<1x4x16xf32>
// DPTP: mlc.all_reduce sum over ["tp"] %{{.*}} : tensor<1x4x8xf32>
// DPTP: mlc.all_reduce mean over ["dp"] %{{.*}} : tensor<f32>
// TP1: module attributes {mlc.mesh = #mlc.mesh<tp = 1>}
// TP1-LABEL: func.func @mlp
// TP1-NOT: mlc.fan_out
// TP1-NOT: mlc.shard
// TP1-NOT: mlc.all_reduce
func.func @mlp(
    %x: tensor<2x4x8xf32> {mlc.input = "x"},
    %y: tensor<2x4x8xf32> {mlc.input = "y"},
    %fc: tensor<8x32xf32> {mlc.param = "mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %fc_b: tensor<32xf32> {mlc.param = "mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %proj: tensor<32x8xf32> {mlc.param = "mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj_b: tensor<8xf32> {mlc.param = "mlp.c_proj.bias", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x4x8xf32>, tensor<8x32xf32>) -> tensor<2x4x32xf32>
  %hb = mlc.add %h, %fc_b : (tensor<2x4x32xf32>, tensor<32xf32>) -> tensor<2x4x32xf32>
  %a = mlc.gelu %hb approximate = "tanh" : tensor<2x4x32xf32>
  %p = mlc.matmul %a, %proj : (tensor<2x4x32xf32>, tensor<32x8xf32>) -> tensor<2x4x8xf32>
  %pb = mlc.add %p, %proj_b : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %r = mlc.add %x, %pb : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %l = mlc.mse_loss %r, %y : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// GPT-2 attention: the fused c_attn [C, 3C] is split by heads in 3 blocks
// (each rank holds its heads' columns of q, of k and of v), so the split
// into q, k and v cuts each rank's piece in three; 2 of the 4 heads per
// rank through the reshapes, transposes and causal attention; c_proj by
// rows.
// CHECK-LABEL: func.func @gpt2_attention
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x4x16xf32> {mlc.input = "x"}
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<16x24xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 48], split(1, "tp", 3)>}
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<24xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[48], split(0, "tp", 3)>}
// CHECK-SAME: %[[PROJ:[a-z0-9]+]]: tensor<8x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 16], split(0, "tp", 1)>}
// CHECK: %[[F:.*]] = mlc.fan_out %[[X]] over ["tp"]
// CHECK: %[[QKV0:.*]] = mlc.matmul %[[F]], %[[W]] : (tensor<2x4x16xf32>, tensor<16x24xf32>) -> tensor<2x4x24xf32>
// CHECK: %[[QKV:.*]] = mlc.add %[[QKV0]], %[[B]]
// CHECK: %[[S:.*]]:3 = mlc.split %[[QKV]] axis = 2 sizes = [8, 8, 8] : (tensor<2x4x24xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>)
// CHECK: mlc.reshape %[[S]]#0 : (tensor<2x4x8xf32>) -> tensor<2x4x2x4xf32>
// CHECK: %[[ATT:.*]] = mlc.attention {{.*}} causal : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
// CHECK: %[[O:.*]] = mlc.reshape %{{.*}} : (tensor<2x4x2x4xf32>) -> tensor<2x4x8xf32>
// CHECK: %[[P:.*]] = mlc.matmul %[[O]], %[[PROJ]] : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
// CHECK: mlc.all_reduce sum over ["tp"] %[[P]] : tensor<2x4x16xf32>
// DPTP-LABEL: func.func @gpt2_attention
// DPTP: mlc.attention {{.*}} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
func.func @gpt2_attention(
    %x: tensor<2x4x16xf32> {mlc.input = "x"},
    %y: tensor<2x4x16xf32> {mlc.input = "y"},
    %w: tensor<16x48xf32> {mlc.param = "attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %b: tensor<48xf32> {mlc.param = "attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %proj: tensor<16x16xf32> {mlc.param = "attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %qkv0 = mlc.matmul %x, %w : (tensor<2x4x16xf32>, tensor<16x48xf32>) -> tensor<2x4x48xf32>
  %qkv = mlc.add %qkv0, %b : (tensor<2x4x48xf32>, tensor<48xf32>) -> tensor<2x4x48xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [16, 16, 16] : (tensor<2x4x48xf32>) -> (tensor<2x4x16xf32>, tensor<2x4x16xf32>, tensor<2x4x16xf32>)
  %q1 = mlc.reshape %q0 : (tensor<2x4x16xf32>) -> tensor<2x4x4x4xf32>
  %q = mlc.transpose %q1 perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %k1 = mlc.reshape %k0 : (tensor<2x4x16xf32>) -> tensor<2x4x4x4xf32>
  %k = mlc.transpose %k1 perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %v1 = mlc.reshape %v0 : (tensor<2x4x16xf32>) -> tensor<2x4x4x4xf32>
  %v = mlc.transpose %v1 perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %att = mlc.attention %q, %k, %v causal : (tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %o1 = mlc.transpose %att perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %o = mlc.reshape %o1 : (tensor<2x4x4x4xf32>) -> tensor<2x4x16xf32>
  %p = mlc.matmul %o, %proj : (tensor<2x4x16xf32>, tensor<16x16xf32>) -> tensor<2x4x16xf32>
  %r = mlc.add %x, %p : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %l = mlc.mse_loss %r, %y : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// LLaMA attention with grouped queries: 4 query heads and 2 key/value
// heads, each rank holding 2 and 1 (the query heads that read its
// key/value head); the weights are [out, in] (transpose_rhs), so q, k and
// v are split along dimension 0 and o along dimension 1. Rotary positions
// go through each rank's heads; the SwiGLU MLP's gate and up are split by
// columns alike, down by rows.
// CHECK-LABEL: func.func @llama_block
// CHECK-SAME: %[[H:[a-z0-9]+]]: tensor<2x4x16xf32> {mlc.input = "h"}
// CHECK-SAME: %[[QW:[a-z0-9]+]]: tensor<8x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 16], split(0, "tp", 1)>}
// CHECK-SAME: %[[KW:[a-z0-9]+]]: tensor<4x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[8, 16], split(0, "tp", 1)>}
// CHECK-SAME: %[[VW:[a-z0-9]+]]: tensor<4x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[8, 16], split(0, "tp", 1)>}
// CHECK-SAME: %[[OW:[a-z0-9]+]]: tensor<16x8xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 16], split(1, "tp", 1)>}
// CHECK-SAME: %[[GW:[a-z0-9]+]]: tensor<12x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[24, 16], split(0, "tp", 1)>}
// CHECK-SAME: %[[UW:[a-z0-9]+]]: tensor<12x16xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[24, 16], split(0, "tp", 1)>}
// CHECK-SAME: %[[DW:[a-z0-9]+]]: tensor<16x12xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 24], split(1, "tp", 1)>}
// CHECK: %[[F:.*]] = mlc.fan_out %[[H]] over ["tp"]
// CHECK: mlc.matmul %[[F]], %[[QW]] transpose_rhs : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
// CHECK: mlc.matmul %[[F]], %[[KW]] transpose_rhs : (tensor<2x4x16xf32>, tensor<4x16xf32>) -> tensor<2x4x4xf32>
// CHECK: mlc.matmul %[[F]], %[[VW]] transpose_rhs : (tensor<2x4x16xf32>, tensor<4x16xf32>) -> tensor<2x4x4xf32>
// CHECK: mlc.rope {{.*}} : (tensor<2x2x4x4xf32>, tensor<4xi64>) -> tensor<2x2x4x4xf32>
// CHECK: mlc.rope {{.*}} : (tensor<2x1x4x4xf32>, tensor<4xi64>) -> tensor<2x1x4x4xf32>
// CHECK: mlc.attention {{.*}} causal : (tensor<2x2x4x4xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x4xf32>
// CHECK: %[[O:.*]] = mlc.matmul %{{.*}}, %[[OW]] transpose_rhs : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
// CHECK: %[[OG:.*]] = mlc.all_reduce sum over ["tp"] %[[O]]
// CHECK: %[[X1:.*]] = mlc.add %[[H]], %[[OG]]
// CHECK: %[[N:.*]] = mlc.rms_norm %[[X1]]
// CHECK: %[[F2:.*]] = mlc.fan_out %[[N]] over ["tp"]
// CHECK: mlc.matmul %[[F2]], %[[GW]] transpose_rhs : (tensor<2x4x16xf32>, tensor<12x16xf32>) -> tensor<2x4x12xf32>
// CHECK: mlc.matmul %[[F2]], %[[UW]] transpose_rhs
// CHECK: %[[D:.*]] = mlc.matmul %{{.*}}, %[[DW]] transpose_rhs : (tensor<2x4x12xf32>, tensor<16x12xf32>) -> tensor<2x4x16xf32>
// CHECK: mlc.all_reduce sum over ["tp"] %[[D]]
func.func @llama_block(
    %h: tensor<2x4x16xf32> {mlc.input = "h"},
    %y: tensor<2x4x16xf32> {mlc.input = "y"},
    %q_w: tensor<16x16xf32> {mlc.param = "q_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %k_w: tensor<8x16xf32> {mlc.param = "k_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %v_w: tensor<8x16xf32> {mlc.param = "v_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %o_w: tensor<16x16xf32> {mlc.param = "o_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %norm_w: tensor<16xf32> {mlc.param = "post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %gate_w: tensor<24x16xf32> {mlc.param = "gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %up_w: tensor<24x16xf32> {mlc.param = "up_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>},
    %down_w: tensor<16x24xf32> {mlc.param = "down_proj.weight", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %positions = mlc.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %q0 = mlc.matmul %h, %q_w transpose_rhs : (tensor<2x4x16xf32>, tensor<16x16xf32>) -> tensor<2x4x16xf32>
  %k0 = mlc.matmul %h, %k_w transpose_rhs : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
  %v0 = mlc.matmul %h, %v_w transpose_rhs : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
  %q1 = mlc.reshape %q0 : (tensor<2x4x16xf32>) -> tensor<2x4x4x4xf32>
  %q2 = mlc.transpose %q1 perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %k1 = mlc.reshape %k0 : (tensor<2x4x8xf32>) -> tensor<2x4x2x4xf32>
  %k2 = mlc.transpose %k1 perm = [0, 2, 1, 3] : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32>
  %v1 = mlc.reshape %v0 : (tensor<2x4x8xf32>) -> tensor<2x4x2x4xf32>
  %v = mlc.transpose %v1 perm = [0, 2, 1, 3] : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32>
  %q = mlc.rope %q2, %positions theta = 10000.0 : (tensor<2x4x4x4xf32>, tensor<4xi64>) -> tensor<2x4x4x4xf32>
  %k = mlc.rope %k2, %positions theta = 10000.0 : (tensor<2x2x4x4xf32>, tensor<4xi64>) -> tensor<2x2x4x4xf32>
  %att = mlc.attention %q, %k, %v causal : (tensor<2x4x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x4x4x4xf32>
  %o1 = mlc.transpose %att perm = [0, 2, 1, 3] : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %o2 = mlc.reshape %o1 : (tensor<2x4x4x4xf32>) -> tensor<2x4x16xf32>
  %o = mlc.matmul %o2, %o_w transpose_rhs : (tensor<2x4x16xf32>, tensor<16x16xf32>) -> tensor<2x4x16xf32>
  %x1 = mlc.add %h, %o : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %n = mlc.rms_norm %x1, %norm_w eps = 1.0e-06 : (tensor<2x4x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  %g0 = mlc.matmul %n, %gate_w transpose_rhs : (tensor<2x4x16xf32>, tensor<24x16xf32>) -> tensor<2x4x24xf32>
  %g = mlc.silu %g0 : tensor<2x4x24xf32>
  %u = mlc.matmul %n, %up_w transpose_rhs : (tensor<2x4x16xf32>, tensor<24x16xf32>) -> tensor<2x4x24xf32>
  %gu = mlc.mul %g, %u : (tensor<2x4x24xf32>, tensor<2x4x24xf32>) -> tensor<2x4x24xf32>
  %d = mlc.matmul %gu, %down_w transpose_rhs : (tensor<2x4x24xf32>, tensor<16x24xf32>) -> tensor<2x4x16xf32>
  %x2 = mlc.add %x1, %d : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %l = mlc.mse_loss %x2, %y : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The vocabulary over tp: wte, the table of the token input and tied with
// the LM head, is split by rows. Each rank looks up the tokens in its
// block of 8 (its first id from the rank's part of [0, 8]; the others
// give zeros) and the rows are summed (g); the ids and the labels are
// also checked against the whole vocabulary. The LM head is then split by
// columns (f before it), and the cross-entropy works on each rank's 8
// logits: the row's maximum over the ranks (as an integer, which carries
// no gradient), the sums of exponentials and the target's logit, each
// all-reduced; the logits an output returns are gathered along the
// vocabulary.
// CHECK-LABEL: func.func @lm
// CHECK-SAME: %[[IDS:[a-z0-9]+]]: tensor<2x4xi32> {mlc.input = "tokens"
// CHECK-SAME: %[[WTE:[a-z0-9]+]]: tensor<8x8xf32> {{{[^}]*}}mlc.shard = #mlc.shard<[16, 8], split(0, "tp", 1)>}
// CHECK: %[[STARTS:.*]] = mlc.constant dense<[0, 8]> : tensor<2xi32>
// CHECK: %[[MINE:.*]] = mlc.all_slice %[[STARTS]] over ["tp"] : (tensor<2xi32>) -> tensor<1xi32>
// CHECK: %[[START:.*]] = mlc.reshape %[[MINE]] : (tensor<1xi32>) -> tensor<i32>
// CHECK: %[[LOCAL:.*]] = mlc.sub %[[IDS]], %[[START]]
// CHECK: %[[CLAMPED:.*]] = mlc.min
// CHECK: %[[IN:.*]] = mlc.compare eq, %[[CLAMPED]], %[[LOCAL]]
// CHECK: %[[ROWS:.*]] = mlc.embedding %[[WTE]], %[[CLAMPED]] : (tensor<8x8xf32>, tensor<2x4xi32>) -> tensor<2x4x8xf32>
// The ids looked up in a table of zeros as large as the whole vocabulary:
// the kernel stops the step at an id outside it, which the clamped lookup
// above cannot tell from another rank's.
// CHECK: mlc.embedding %{{.*}}, %[[IDS]] : (tensor<16x1xf32>, tensor<2x4xi32>) -> tensor<2x4x1xf32>
// CHECK: %[[MASKED:.*]] = mlc.mul %[[ROWS]]
// CHECK: %[[X:.*]] = mlc.all_reduce sum over ["tp"] %[[MASKED]] : tensor<2x4x8xf32>
// CHECK: %[[H:.*]] = mlc.tanh %[[X]]
// CHECK: %[[F:.*]] = mlc.fan_out %[[H]] over ["tp"]
// CHECK: %[[LOGITS:.*]] = mlc.matmul %[[F]], %[[WTE]] transpose_rhs : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
// CHECK: %[[MAX:.*]] = mlc.reduce_max %[[LOGITS]] axes = [2] keepdims
// CHECK: %[[IMAX:.*]] = mlc.cast %[[MAX]] : tensor<2x4x1xf32> to tensor<2x4x1xi32>
// CHECK: mlc.all_reduce max over ["tp"] %[[IMAX]] : tensor<2x4x1xi32>
// CHECK: %[[SUMEXP:.*]] = mlc.reduce_sum %{{.*}} axes = [2] : (tensor<2x4x8xf32>) -> tensor<2x4xf32>
// CHECK: mlc.all_reduce sum over ["tp"] %[[SUMEXP]] : tensor<2x4xf32>
// CHECK: mlc.embedding %{{.*}}, %{{.*}} : (tensor<16x1xf32>, tensor<2x4xi32>) -> tensor<2x4x1xf32>
// CHECK: mlc.one_hot %{{.*}} : (tensor<2x4xi32>) -> tensor<2x4x8xf32>
// CHECK: mlc.all_reduce sum over ["tp"] %{{.*}} : tensor<2x4xf32>
// CHECK: %[[LOSS:.*]] = mlc.reduce_mean %{{.*}} axes = [0, 1] : (tensor<2x4xf32>) -> tensor<f32>
// CHECK-NOT: mlc.softmax_cross_entropy
// CHECK: %[[FRONT:.*]] = mlc.transpose %[[LOGITS]] perm = [2, 0, 1] : (tensor<2x4x8xf32>) -> tensor<8x2x4xf32>
// CHECK: %[[ALL:.*]] = mlc.all_gather %[[FRONT]] over ["tp"] : (tensor<8x2x4xf32>) -> tensor<16x2x4xf32>
// CHECK: %[[WHOLE:.*]] = mlc.transpose %[[ALL]] perm = [1, 2, 0] : (tensor<16x2x4xf32>) -> tensor<2x4x16xf32>
// CHECK: return %[[LOSS]], %[[WHOLE]]
// DPTP-LABEL: func.func @lm
// DPTP: mlc.all_gather %{{.*}} over ["tp"] : (tensor<8x1x4xf32>) -> tensor<16x1x4xf32>
// DPTP: mlc.all_reduce mean over ["dp"]
// DPTP: mlc.all_gather %{{.*}} over ["dp"] : (tensor<1x4x16xf32>) -> tensor<2x4x16xf32>
func.func @lm(
    %ids: tensor<2x4xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 16},
    %targets: tensor<2x4xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 16},
    %wte: tensor<16x8xf32> {mlc.param = "wte", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<2x4x16xf32> {mlc.output = "logits"}) {
  %x = mlc.embedding %wte, %ids : (tensor<16x8xf32>, tensor<2x4xi32>) -> tensor<2x4x8xf32>
  %h = mlc.tanh %x : tensor<2x4x8xf32>
  %logits = mlc.matmul %h, %wte transpose_rhs : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
  %l = mlc.softmax_cross_entropy %logits, %targets : (tensor<2x4x16xf32>, tensor<2x4xi32>) -> tensor<f32>
  return %l, %logits : tensor<f32>, tensor<2x4x16xf32>
}

// -----

// A scalar parameter that scales the split features: each rank's adjoint
// of it is its part of the sum over the features, so it goes through f as
// a block's input does (a constant needs none).
// CHECK-LABEL: func.func @scaled
// CHECK-SAME: %[[SCALE:[a-z0-9]+]]: tensor<f32> {{{[^}]*}}mlc.param = "scale"}
// CHECK-DAG: %[[F:.*]] = mlc.fan_out %[[SCALE]] over ["tp"] : tensor<f32>
// CHECK-DAG: %[[C:.*]] = mlc.constant dense<2.000000e+00> : tensor<f32>
// CHECK: %[[S:.*]] = mlc.mul %{{.*}}, %[[F]] : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
// CHECK: mlc.mul %[[S]], %[[C]] : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
func.func @scaled(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x32xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %scale: tensor<f32> {mlc.param = "scale", mlc.init = #mlc.init<ones>},
    %proj: tensor<32x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %two = mlc.constant dense<2.0> : tensor<f32>
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x32xf32>) -> tensor<2x32xf32>
  %s = mlc.mul %h, %scale : (tensor<2x32xf32>, tensor<f32>) -> tensor<2x32xf32>
  %t = mlc.mul %s, %two : (tensor<2x32xf32>, tensor<f32>) -> tensor<2x32xf32>
  %p = mlc.matmul %t, %proj : (tensor<2x32xf32>, tensor<32x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
