// LLaMA: 2 layers, 4 heads (2 key/value), width 32, MLP 96, vocab 256, context 32; 41120 parameters.
// @forward trains on batches of 4 x 32 tokens, @forward_eval evaluates 4 x 32.
// Parameters carry their Hugging Face names.
//
//   mlc compile MODEL.mlir --train adamw,lr=6e-4 --eval-func forward_eval -o MODEL.mlcx

module attributes {mlc.transformer = {family = "llama", layers = 2 : i64, heads = 4 : i64, kv_heads = 2 : i64, dim = 32 : i64, ffn_dim = 96 : i64, vocab = 256 : i64, context = 32 : i64, norm_eps = 1.0e-06 : f64, rope_theta = 10000.0 : f64, tie_embeddings = false}} {

// One LLaMA block: x + attn(rms_norm(x)), then + mlp(rms_norm(x)), with rotary
// positions, grouped-query attention and a SwiGLU MLP.
func.func private @llama_block_4x32(
    %x: tensor<4x32x32xf32>,
    %attn_norm_w: tensor<32xf32>,
    %q_w: tensor<32x32xf32>,
    %k_w: tensor<16x32xf32>,
    %v_w: tensor<16x32xf32>,
    %o_w: tensor<32x32xf32>,
    %mlp_norm_w: tensor<32xf32>,
    %gate_w: tensor<96x32xf32>,
    %up_w: tensor<96x32xf32>,
    %down_w: tensor<32x96xf32>,
    %positions: tensor<32xi64>)
    -> (tensor<4x32x32xf32>) {
  %h = mlc.rms_norm %x, %attn_norm_w eps = 1.0e-06 : (tensor<4x32x32xf32>, tensor<32xf32>) -> tensor<4x32x32xf32>
  %q0 = mlc.matmul %h, %q_w transpose_rhs : (tensor<4x32x32xf32>, tensor<32x32xf32>) -> tensor<4x32x32xf32>
  %k0 = mlc.matmul %h, %k_w transpose_rhs : (tensor<4x32x32xf32>, tensor<16x32xf32>) -> tensor<4x32x16xf32>
  %v0 = mlc.matmul %h, %v_w transpose_rhs : (tensor<4x32x32xf32>, tensor<16x32xf32>) -> tensor<4x32x16xf32>
  %qh_bthd = mlc.reshape %q0 : (tensor<4x32x32xf32>) -> tensor<4x32x4x8xf32>
  %qh = mlc.transpose %qh_bthd perm = [0, 2, 1, 3] : (tensor<4x32x4x8xf32>) -> tensor<4x4x32x8xf32>
  %kh_bthd = mlc.reshape %k0 : (tensor<4x32x16xf32>) -> tensor<4x32x2x8xf32>
  %kh = mlc.transpose %kh_bthd perm = [0, 2, 1, 3] : (tensor<4x32x2x8xf32>) -> tensor<4x2x32x8xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<4x32x16xf32>) -> tensor<4x32x2x8xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<4x32x2x8xf32>) -> tensor<4x2x32x8xf32>
  %q = mlc.rope %qh, %positions theta = 10000.0 : (tensor<4x4x32x8xf32>, tensor<32xi64>) -> tensor<4x4x32x8xf32>
  %k = mlc.rope %kh, %positions theta = 10000.0 : (tensor<4x2x32x8xf32>, tensor<32xi64>) -> tensor<4x2x32x8xf32>
  %attn = mlc.attention %q, %k, %v causal : (tensor<4x4x32x8xf32>, tensor<4x2x32x8xf32>, tensor<4x2x32x8xf32>) -> tensor<4x4x32x8xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<4x4x32x8xf32>) -> tensor<4x32x4x8xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<4x32x4x8xf32>) -> tensor<4x32x32xf32>
  %o = mlc.matmul %attn_out, %o_w transpose_rhs : (tensor<4x32x32xf32>, tensor<32x32xf32>) -> tensor<4x32x32xf32>
  %x1 = mlc.add %x, %o : (tensor<4x32x32xf32>, tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  %h2 = mlc.rms_norm %x1, %mlp_norm_w eps = 1.0e-06 : (tensor<4x32x32xf32>, tensor<32xf32>) -> tensor<4x32x32xf32>
  %gate0 = mlc.matmul %h2, %gate_w transpose_rhs : (tensor<4x32x32xf32>, tensor<96x32xf32>) -> tensor<4x32x96xf32>
  %gate = mlc.silu %gate0 : tensor<4x32x96xf32>
  %up = mlc.matmul %h2, %up_w transpose_rhs : (tensor<4x32x32xf32>, tensor<96x32xf32>) -> tensor<4x32x96xf32>
  %gated = mlc.mul %gate, %up : (tensor<4x32x96xf32>, tensor<4x32x96xf32>) -> tensor<4x32x96xf32>
  %mlp = mlc.matmul %gated, %down_w transpose_rhs : (tensor<4x32x96xf32>, tensor<32x96xf32>) -> tensor<4x32x32xf32>
  %y = mlc.add %x1, %mlp : (tensor<4x32x32xf32>, tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  return %y : tensor<4x32x32xf32>
}

// One LLaMA block: x + attn(rms_norm(x)), then + mlp(rms_norm(x)), with rotary
// positions, grouped-query attention and a SwiGLU MLP.
func.func private @llama_block_cached_1x32(
    %x: tensor<1x32x32xf32>,
    %attn_norm_w: tensor<32xf32>,
    %q_w: tensor<32x32xf32>,
    %k_w: tensor<16x32xf32>,
    %v_w: tensor<16x32xf32>,
    %o_w: tensor<32x32xf32>,
    %mlp_norm_w: tensor<32xf32>,
    %gate_w: tensor<96x32xf32>,
    %up_w: tensor<96x32xf32>,
    %down_w: tensor<32x96xf32>,
    %k_cache: tensor<1x2x32x8xf32>,
    %v_cache: tensor<1x2x32x8xf32>,
    %position: tensor<i64>,
    %positions: tensor<32xi64>)
    -> (tensor<1x32x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>) {
  %h = mlc.rms_norm %x, %attn_norm_w eps = 1.0e-06 : (tensor<1x32x32xf32>, tensor<32xf32>) -> tensor<1x32x32xf32>
  %q0 = mlc.matmul %h, %q_w transpose_rhs : (tensor<1x32x32xf32>, tensor<32x32xf32>) -> tensor<1x32x32xf32>
  %k0 = mlc.matmul %h, %k_w transpose_rhs : (tensor<1x32x32xf32>, tensor<16x32xf32>) -> tensor<1x32x16xf32>
  %v0 = mlc.matmul %h, %v_w transpose_rhs : (tensor<1x32x32xf32>, tensor<16x32xf32>) -> tensor<1x32x16xf32>
  %qh_bthd = mlc.reshape %q0 : (tensor<1x32x32xf32>) -> tensor<1x32x4x8xf32>
  %qh = mlc.transpose %qh_bthd perm = [0, 2, 1, 3] : (tensor<1x32x4x8xf32>) -> tensor<1x4x32x8xf32>
  %kh_bthd = mlc.reshape %k0 : (tensor<1x32x16xf32>) -> tensor<1x32x2x8xf32>
  %kh = mlc.transpose %kh_bthd perm = [0, 2, 1, 3] : (tensor<1x32x2x8xf32>) -> tensor<1x2x32x8xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x32x16xf32>) -> tensor<1x32x2x8xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x32x2x8xf32>) -> tensor<1x2x32x8xf32>
  %q = mlc.rope %qh, %positions theta = 10000.0 : (tensor<1x4x32x8xf32>, tensor<32xi64>) -> tensor<1x4x32x8xf32>
  %k = mlc.rope %kh, %positions theta = 10000.0 : (tensor<1x2x32x8xf32>, tensor<32xi64>) -> tensor<1x2x32x8xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>) -> tensor<1x2x32x8xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>) -> tensor<1x2x32x8xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x4x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>) -> tensor<1x4x32x8xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x4x32x8xf32>) -> tensor<1x32x4x8xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x32x4x8xf32>) -> tensor<1x32x32xf32>
  %o = mlc.matmul %attn_out, %o_w transpose_rhs : (tensor<1x32x32xf32>, tensor<32x32xf32>) -> tensor<1x32x32xf32>
  %x1 = mlc.add %x, %o : (tensor<1x32x32xf32>, tensor<1x32x32xf32>) -> tensor<1x32x32xf32>
  %h2 = mlc.rms_norm %x1, %mlp_norm_w eps = 1.0e-06 : (tensor<1x32x32xf32>, tensor<32xf32>) -> tensor<1x32x32xf32>
  %gate0 = mlc.matmul %h2, %gate_w transpose_rhs : (tensor<1x32x32xf32>, tensor<96x32xf32>) -> tensor<1x32x96xf32>
  %gate = mlc.silu %gate0 : tensor<1x32x96xf32>
  %up = mlc.matmul %h2, %up_w transpose_rhs : (tensor<1x32x32xf32>, tensor<96x32xf32>) -> tensor<1x32x96xf32>
  %gated = mlc.mul %gate, %up : (tensor<1x32x96xf32>, tensor<1x32x96xf32>) -> tensor<1x32x96xf32>
  %mlp = mlc.matmul %gated, %down_w transpose_rhs : (tensor<1x32x96xf32>, tensor<32x96xf32>) -> tensor<1x32x32xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x32x32xf32>, tensor<1x32x32xf32>) -> tensor<1x32x32xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x32x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}

// One LLaMA block: x + attn(rms_norm(x)), then + mlp(rms_norm(x)), with rotary
// positions, grouped-query attention and a SwiGLU MLP.
func.func private @llama_block_cached_1x1(
    %x: tensor<1x1x32xf32>,
    %attn_norm_w: tensor<32xf32>,
    %q_w: tensor<32x32xf32>,
    %k_w: tensor<16x32xf32>,
    %v_w: tensor<16x32xf32>,
    %o_w: tensor<32x32xf32>,
    %mlp_norm_w: tensor<32xf32>,
    %gate_w: tensor<96x32xf32>,
    %up_w: tensor<96x32xf32>,
    %down_w: tensor<32x96xf32>,
    %k_cache: tensor<1x2x32x8xf32>,
    %v_cache: tensor<1x2x32x8xf32>,
    %position: tensor<i64>,
    %positions: tensor<1xi64>)
    -> (tensor<1x1x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>) {
  %h = mlc.rms_norm %x, %attn_norm_w eps = 1.0e-06 : (tensor<1x1x32xf32>, tensor<32xf32>) -> tensor<1x1x32xf32>
  %q0 = mlc.matmul %h, %q_w transpose_rhs : (tensor<1x1x32xf32>, tensor<32x32xf32>) -> tensor<1x1x32xf32>
  %k0 = mlc.matmul %h, %k_w transpose_rhs : (tensor<1x1x32xf32>, tensor<16x32xf32>) -> tensor<1x1x16xf32>
  %v0 = mlc.matmul %h, %v_w transpose_rhs : (tensor<1x1x32xf32>, tensor<16x32xf32>) -> tensor<1x1x16xf32>
  %qh_bthd = mlc.reshape %q0 : (tensor<1x1x32xf32>) -> tensor<1x1x4x8xf32>
  %qh = mlc.transpose %qh_bthd perm = [0, 2, 1, 3] : (tensor<1x1x4x8xf32>) -> tensor<1x4x1x8xf32>
  %kh_bthd = mlc.reshape %k0 : (tensor<1x1x16xf32>) -> tensor<1x1x2x8xf32>
  %kh = mlc.transpose %kh_bthd perm = [0, 2, 1, 3] : (tensor<1x1x2x8xf32>) -> tensor<1x2x1x8xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x1x16xf32>) -> tensor<1x1x2x8xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x1x2x8xf32>) -> tensor<1x2x1x8xf32>
  %q = mlc.rope %qh, %positions theta = 10000.0 : (tensor<1x4x1x8xf32>, tensor<1xi64>) -> tensor<1x4x1x8xf32>
  %k = mlc.rope %kh, %positions theta = 10000.0 : (tensor<1x2x1x8xf32>, tensor<1xi64>) -> tensor<1x2x1x8xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x2x32x8xf32>, tensor<1x2x1x8xf32>, tensor<i64>) -> tensor<1x2x32x8xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x2x32x8xf32>, tensor<1x2x1x8xf32>, tensor<i64>) -> tensor<1x2x32x8xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x4x1x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>) -> tensor<1x4x1x8xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x4x1x8xf32>) -> tensor<1x1x4x8xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x1x4x8xf32>) -> tensor<1x1x32xf32>
  %o = mlc.matmul %attn_out, %o_w transpose_rhs : (tensor<1x1x32xf32>, tensor<32x32xf32>) -> tensor<1x1x32xf32>
  %x1 = mlc.add %x, %o : (tensor<1x1x32xf32>, tensor<1x1x32xf32>) -> tensor<1x1x32xf32>
  %h2 = mlc.rms_norm %x1, %mlp_norm_w eps = 1.0e-06 : (tensor<1x1x32xf32>, tensor<32xf32>) -> tensor<1x1x32xf32>
  %gate0 = mlc.matmul %h2, %gate_w transpose_rhs : (tensor<1x1x32xf32>, tensor<96x32xf32>) -> tensor<1x1x96xf32>
  %gate = mlc.silu %gate0 : tensor<1x1x96xf32>
  %up = mlc.matmul %h2, %up_w transpose_rhs : (tensor<1x1x32xf32>, tensor<96x32xf32>) -> tensor<1x1x96xf32>
  %gated = mlc.mul %gate, %up : (tensor<1x1x96xf32>, tensor<1x1x96xf32>) -> tensor<1x1x96xf32>
  %mlp = mlc.matmul %gated, %down_w transpose_rhs : (tensor<1x1x96xf32>, tensor<32x96xf32>) -> tensor<1x1x32xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x1x32xf32>, tensor<1x1x32xf32>) -> tensor<1x1x32xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x1x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}

// Training: the mean cross-entropy of each next token.
func.func @forward(
    %tokens: tensor<4x32xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
    %targets: tensor<4x32xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256},
    %embed: tensor<256x32xf32> {mlc.param = "model.embed_tokens.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_q_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_k_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_v_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_o_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_up_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_down_w: tensor<32x96xf32> {mlc.param = "model.layers.0.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_q_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_k_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_v_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_o_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_up_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_down_w: tensor<32x96xf32> {mlc.param = "model.layers.1.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %norm_w: tensor<32xf32> {mlc.param = "model.norm.weight", mlc.init = #mlc.init<ones>},
    %lm_head: tensor<256x32xf32> {mlc.param = "lm_head.weight", mlc.init = #mlc.init<normal, std = 0.02>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %range = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi64>
  %x0 = mlc.embedding %embed, %tokens : (tensor<256x32xf32>, tensor<4x32xi32>) -> tensor<4x32x32xf32>
  %x1 = func.call @llama_block_4x32(%x0, %l0_attn_norm_w, %l0_q_w, %l0_k_w, %l0_v_w, %l0_o_w, %l0_mlp_norm_w, %l0_gate_w, %l0_up_w, %l0_down_w, %range) : (tensor<4x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<32xi64>) -> tensor<4x32x32xf32>
  %x2 = func.call @llama_block_4x32(%x1, %l1_attn_norm_w, %l1_q_w, %l1_k_w, %l1_v_w, %l1_o_w, %l1_mlp_norm_w, %l1_gate_w, %l1_up_w, %l1_down_w, %range) : (tensor<4x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<32xi64>) -> tensor<4x32x32xf32>
  %x_final = mlc.rms_norm %x2, %norm_w eps = 1.0e-06 : (tensor<4x32x32xf32>, tensor<32xf32>) -> tensor<4x32x32xf32>
  %logits = mlc.matmul %x_final, %lm_head transpose_rhs : (tensor<4x32x32xf32>, tensor<256x32xf32>) -> tensor<4x32x256xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<4x32x256xf32>, tensor<4x32xi32>) -> tensor<f32>
  return %loss : tensor<f32>
}

// Evaluation: the loss and the logits, with its own batch.
func.func @forward_eval(
    %tokens: tensor<4x32xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
    %targets: tensor<4x32xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256},
    %embed: tensor<256x32xf32> {mlc.param = "model.embed_tokens.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_q_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_k_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_v_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_o_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_up_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_down_w: tensor<32x96xf32> {mlc.param = "model.layers.0.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_q_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_k_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_v_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_o_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_up_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_down_w: tensor<32x96xf32> {mlc.param = "model.layers.1.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %norm_w: tensor<32xf32> {mlc.param = "model.norm.weight", mlc.init = #mlc.init<ones>},
    %lm_head: tensor<256x32xf32> {mlc.param = "lm_head.weight", mlc.init = #mlc.init<normal, std = 0.02>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4x32x256xf32> {mlc.output = "logits"}) {
  %range = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi64>
  %x0 = mlc.embedding %embed, %tokens : (tensor<256x32xf32>, tensor<4x32xi32>) -> tensor<4x32x32xf32>
  %x1 = func.call @llama_block_4x32(%x0, %l0_attn_norm_w, %l0_q_w, %l0_k_w, %l0_v_w, %l0_o_w, %l0_mlp_norm_w, %l0_gate_w, %l0_up_w, %l0_down_w, %range) : (tensor<4x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<32xi64>) -> tensor<4x32x32xf32>
  %x2 = func.call @llama_block_4x32(%x1, %l1_attn_norm_w, %l1_q_w, %l1_k_w, %l1_v_w, %l1_o_w, %l1_mlp_norm_w, %l1_gate_w, %l1_up_w, %l1_down_w, %range) : (tensor<4x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<32xi64>) -> tensor<4x32x32xf32>
  %x_final = mlc.rms_norm %x2, %norm_w eps = 1.0e-06 : (tensor<4x32x32xf32>, tensor<32xf32>) -> tensor<4x32x32xf32>
  %logits = mlc.matmul %x_final, %lm_head transpose_rhs : (tensor<4x32x32xf32>, tensor<256x32xf32>) -> tensor<4x32x256xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<4x32x256xf32>, tensor<4x32xi32>) -> tensor<f32>
  return %loss, %logits : tensor<f32>, tensor<4x32x256xf32>
}

// Generation, first call: the prompt's logits, its keys and values cached.
func.func @prefill(
    %tokens: tensor<1x32xi32> {mlc.input = "tokens", mlc.vocab = 256},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %embed: tensor<256x32xf32> {mlc.param = "model.embed_tokens.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_q_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_k_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_v_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_o_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_up_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_down_w: tensor<32x96xf32> {mlc.param = "model.layers.0.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_q_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_k_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_v_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_o_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_up_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_down_w: tensor<32x96xf32> {mlc.param = "model.layers.1.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %norm_w: tensor<32xf32> {mlc.param = "model.norm.weight", mlc.init = #mlc.init<ones>},
    %lm_head: tensor<256x32xf32> {mlc.param = "lm_head.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %k_cache0: tensor<1x2x32x8xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x2x32x8xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x2x32x8xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x2x32x8xf32> {mlc.cache = "cache.1.value"})
    -> (tensor<1x32x256xf32> {mlc.output = "logits"}, tensor<1x2x32x8xf32> {mlc.update = "cache.0.key"}, tensor<1x2x32x8xf32> {mlc.update = "cache.0.value"}, tensor<1x2x32x8xf32> {mlc.update = "cache.1.key"}, tensor<1x2x32x8xf32> {mlc.update = "cache.1.value"}) attributes {mlc.kind = "prefill"} {
  %range = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi64>
  %positions = mlc.add %range, %position : (tensor<32xi64>, tensor<i64>) -> tensor<32xi64>
  %x0 = mlc.embedding %embed, %tokens : (tensor<256x32xf32>, tensor<1x32xi32>) -> tensor<1x32x32xf32>
  %x1:3 = func.call @llama_block_cached_1x32(%x0, %l0_attn_norm_w, %l0_q_w, %l0_k_w, %l0_v_w, %l0_o_w, %l0_mlp_norm_w, %l0_gate_w, %l0_up_w, %l0_down_w, %k_cache0, %v_cache0, %position, %positions) : (tensor<1x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>, tensor<32xi64>) -> (tensor<1x32x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>)
  %x2:3 = func.call @llama_block_cached_1x32(%x1#0, %l1_attn_norm_w, %l1_q_w, %l1_k_w, %l1_v_w, %l1_o_w, %l1_mlp_norm_w, %l1_gate_w, %l1_up_w, %l1_down_w, %k_cache1, %v_cache1, %position, %positions) : (tensor<1x32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>, tensor<32xi64>) -> (tensor<1x32x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>)
  %x_final = mlc.rms_norm %x2#0, %norm_w eps = 1.0e-06 : (tensor<1x32x32xf32>, tensor<32xf32>) -> tensor<1x32x32xf32>
  %logits = mlc.matmul %x_final, %lm_head transpose_rhs : (tensor<1x32x32xf32>, tensor<256x32xf32>) -> tensor<1x32x256xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2 : tensor<1x32x256xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}

// Generation, each next token: its logits at `position`, read with the cache.
func.func @decode(
    %tokens: tensor<1x1xi32> {mlc.input = "tokens", mlc.vocab = 256},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %embed: tensor<256x32xf32> {mlc.param = "model.embed_tokens.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_q_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_k_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_v_w: tensor<16x32xf32> {mlc.param = "model.layers.0.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_o_w: tensor<32x32xf32> {mlc.param = "model.layers.0.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.0.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l0_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_up_w: tensor<96x32xf32> {mlc.param = "model.layers.0.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_down_w: tensor<32x96xf32> {mlc.param = "model.layers.0.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_attn_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.input_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_q_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.q_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_k_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.k_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_v_w: tensor<16x32xf32> {mlc.param = "model.layers.1.self_attn.v_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_o_w: tensor<32x32xf32> {mlc.param = "model.layers.1.self_attn.o_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_mlp_norm_w: tensor<32xf32> {mlc.param = "model.layers.1.post_attention_layernorm.weight", mlc.init = #mlc.init<ones>},
    %l1_gate_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.gate_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_up_w: tensor<96x32xf32> {mlc.param = "model.layers.1.mlp.up_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_down_w: tensor<32x96xf32> {mlc.param = "model.layers.1.mlp.down_proj.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %norm_w: tensor<32xf32> {mlc.param = "model.norm.weight", mlc.init = #mlc.init<ones>},
    %lm_head: tensor<256x32xf32> {mlc.param = "lm_head.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %k_cache0: tensor<1x2x32x8xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x2x32x8xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x2x32x8xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x2x32x8xf32> {mlc.cache = "cache.1.value"})
    -> (tensor<1x1x256xf32> {mlc.output = "logits"}, tensor<1x2x32x8xf32> {mlc.update = "cache.0.key"}, tensor<1x2x32x8xf32> {mlc.update = "cache.0.value"}, tensor<1x2x32x8xf32> {mlc.update = "cache.1.key"}, tensor<1x2x32x8xf32> {mlc.update = "cache.1.value"}) attributes {mlc.kind = "decode"} {
  %range = mlc.constant dense<0> : tensor<1xi64>
  %positions = mlc.add %range, %position : (tensor<1xi64>, tensor<i64>) -> tensor<1xi64>
  %x0 = mlc.embedding %embed, %tokens : (tensor<256x32xf32>, tensor<1x1xi32>) -> tensor<1x1x32xf32>
  %x1:3 = func.call @llama_block_cached_1x1(%x0, %l0_attn_norm_w, %l0_q_w, %l0_k_w, %l0_v_w, %l0_o_w, %l0_mlp_norm_w, %l0_gate_w, %l0_up_w, %l0_down_w, %k_cache0, %v_cache0, %position, %positions) : (tensor<1x1x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>, tensor<1xi64>) -> (tensor<1x1x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>)
  %x2:3 = func.call @llama_block_cached_1x1(%x1#0, %l1_attn_norm_w, %l1_q_w, %l1_k_w, %l1_v_w, %l1_o_w, %l1_mlp_norm_w, %l1_gate_w, %l1_up_w, %l1_down_w, %k_cache1, %v_cache1, %position, %positions) : (tensor<1x1x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<96x32xf32>, tensor<96x32xf32>, tensor<32x96xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<i64>, tensor<1xi64>) -> (tensor<1x1x32xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>)
  %x_final = mlc.rms_norm %x2#0, %norm_w eps = 1.0e-06 : (tensor<1x1x32xf32>, tensor<32xf32>) -> tensor<1x1x32xf32>
  %logits = mlc.matmul %x_final, %lm_head transpose_rhs : (tensor<1x1x32xf32>, tensor<256x32xf32>) -> tensor<1x1x256xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2 : tensor<1x1x256xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>
}

}
