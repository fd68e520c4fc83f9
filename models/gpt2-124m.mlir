// GPT-2: 12 layers, 12 heads, width 768, MLP 3072, vocab 50257, context 1024; 124439808 parameters.
// @forward trains on batches of 4 x 64 tokens, @forward_eval evaluates 4 x 64.
// Parameters carry their Hugging Face names.
//
//   mlc compile MODEL.mlir --train adamw,lr=6e-4 --eval-func forward_eval -o MODEL.mlcx

module attributes {mlc.transformer = {family = "gpt2", layers = 12 : i64, heads = 12 : i64, kv_heads = 12 : i64, dim = 768 : i64, ffn_dim = 3072 : i64, vocab = 50257 : i64, context = 1024 : i64, norm_eps = 1.0e-05 : f64, rope_theta = 10000.0 : f64, tie_embeddings = true}} {

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_4x64(
    %x: tensor<4x64x768xf32>,
    %ln_1_w: tensor<768xf32>,
    %ln_1_b: tensor<768xf32>,
    %c_attn_w: tensor<768x2304xf32>,
    %c_attn_b: tensor<2304xf32>,
    %attn_proj_w: tensor<768x768xf32>,
    %attn_proj_b: tensor<768xf32>,
    %ln_2_w: tensor<768xf32>,
    %ln_2_b: tensor<768xf32>,
    %c_fc_w: tensor<768x3072xf32>,
    %c_fc_b: tensor<3072xf32>,
    %mlp_proj_w: tensor<3072x768xf32>,
    %mlp_proj_b: tensor<768xf32>)
    -> (tensor<4x64x768xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<4x64x768xf32>, tensor<768x2304xf32>) -> tensor<4x64x2304xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<4x64x2304xf32>, tensor<2304xf32>) -> tensor<4x64x2304xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [768, 768, 768] : (tensor<4x64x2304xf32>) -> (tensor<4x64x768xf32>, tensor<4x64x768xf32>, tensor<4x64x768xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<4x64x768xf32>) -> tensor<4x64x12x64xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<4x64x12x64xf32>) -> tensor<4x12x64x64xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<4x64x768xf32>) -> tensor<4x64x12x64xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<4x64x12x64xf32>) -> tensor<4x12x64x64xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<4x64x768xf32>) -> tensor<4x64x12x64xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<4x64x12x64xf32>) -> tensor<4x12x64x64xf32>
  %attn = mlc.attention %q, %k, %v causal : (tensor<4x12x64x64xf32>, tensor<4x12x64x64xf32>, tensor<4x12x64x64xf32>) -> tensor<4x12x64x64xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<4x12x64x64xf32>) -> tensor<4x64x12x64xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<4x64x12x64xf32>) -> tensor<4x64x768xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<4x64x768xf32>, tensor<768x768xf32>) -> tensor<4x64x768xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<4x64x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x1 = mlc.add %x, %o : (tensor<4x64x768xf32>, tensor<4x64x768xf32>) -> tensor<4x64x768xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<4x64x768xf32>, tensor<768x3072xf32>) -> tensor<4x64x3072xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<4x64x3072xf32>, tensor<3072xf32>) -> tensor<4x64x3072xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<4x64x3072xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<4x64x3072xf32>, tensor<3072x768xf32>) -> tensor<4x64x768xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<4x64x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %y = mlc.add %x1, %mlp : (tensor<4x64x768xf32>, tensor<4x64x768xf32>) -> tensor<4x64x768xf32>
  return %y : tensor<4x64x768xf32>
}

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_cached_1x1024(
    %x: tensor<1x1024x768xf32>,
    %ln_1_w: tensor<768xf32>,
    %ln_1_b: tensor<768xf32>,
    %c_attn_w: tensor<768x2304xf32>,
    %c_attn_b: tensor<2304xf32>,
    %attn_proj_w: tensor<768x768xf32>,
    %attn_proj_b: tensor<768xf32>,
    %ln_2_w: tensor<768xf32>,
    %ln_2_b: tensor<768xf32>,
    %c_fc_w: tensor<768x3072xf32>,
    %c_fc_b: tensor<3072xf32>,
    %mlp_proj_w: tensor<3072x768xf32>,
    %mlp_proj_b: tensor<768xf32>,
    %k_cache: tensor<1x12x1024x64xf32>,
    %v_cache: tensor<1x12x1024x64xf32>,
    %position: tensor<i64>)
    -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1024x768xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<1x1024x768xf32>, tensor<768x2304xf32>) -> tensor<1x1024x2304xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<1x1024x2304xf32>, tensor<2304xf32>) -> tensor<1x1024x2304xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [768, 768, 768] : (tensor<1x1024x2304xf32>) -> (tensor<1x1024x768xf32>, tensor<1x1024x768xf32>, tensor<1x1024x768xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<1x1024x768xf32>) -> tensor<1x1024x12x64xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<1x1024x12x64xf32>) -> tensor<1x12x1024x64xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<1x1024x768xf32>) -> tensor<1x1024x12x64xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<1x1024x12x64xf32>) -> tensor<1x12x1024x64xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x1024x768xf32>) -> tensor<1x1024x12x64xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x1024x12x64xf32>) -> tensor<1x12x1024x64xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x12x1024x64xf32>) -> tensor<1x1024x12x64xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x1024x12x64xf32>) -> tensor<1x1024x768xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<1x1024x768xf32>, tensor<768x768xf32>) -> tensor<1x1024x768xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<1x1024x768xf32>, tensor<768xf32>) -> tensor<1x1024x768xf32>
  %x1 = mlc.add %x, %o : (tensor<1x1024x768xf32>, tensor<1x1024x768xf32>) -> tensor<1x1024x768xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1024x768xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<1x1024x768xf32>, tensor<768x3072xf32>) -> tensor<1x1024x3072xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<1x1024x3072xf32>, tensor<3072xf32>) -> tensor<1x1024x3072xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<1x1024x3072xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<1x1024x3072xf32>, tensor<3072x768xf32>) -> tensor<1x1024x768xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<1x1024x768xf32>, tensor<768xf32>) -> tensor<1x1024x768xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x1024x768xf32>, tensor<1x1024x768xf32>) -> tensor<1x1024x768xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>
}

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_cached_1x1(
    %x: tensor<1x1x768xf32>,
    %ln_1_w: tensor<768xf32>,
    %ln_1_b: tensor<768xf32>,
    %c_attn_w: tensor<768x2304xf32>,
    %c_attn_b: tensor<2304xf32>,
    %attn_proj_w: tensor<768x768xf32>,
    %attn_proj_b: tensor<768xf32>,
    %ln_2_w: tensor<768xf32>,
    %ln_2_b: tensor<768xf32>,
    %c_fc_w: tensor<768x3072xf32>,
    %c_fc_b: tensor<3072xf32>,
    %mlp_proj_w: tensor<3072x768xf32>,
    %mlp_proj_b: tensor<768xf32>,
    %k_cache: tensor<1x12x1024x64xf32>,
    %v_cache: tensor<1x12x1024x64xf32>,
    %position: tensor<i64>)
    -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1x768xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<1x1x768xf32>, tensor<768x2304xf32>) -> tensor<1x1x2304xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<1x1x2304xf32>, tensor<2304xf32>) -> tensor<1x1x2304xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [768, 768, 768] : (tensor<1x1x2304xf32>) -> (tensor<1x1x768xf32>, tensor<1x1x768xf32>, tensor<1x1x768xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<1x1x768xf32>) -> tensor<1x1x12x64xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<1x1x12x64xf32>) -> tensor<1x12x1x64xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<1x1x768xf32>) -> tensor<1x1x12x64xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<1x1x12x64xf32>) -> tensor<1x12x1x64xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x1x768xf32>) -> tensor<1x1x12x64xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x1x12x64xf32>) -> tensor<1x12x1x64xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x12x1024x64xf32>, tensor<1x12x1x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x12x1024x64xf32>, tensor<1x12x1x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1x64xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x12x1x64xf32>) -> tensor<1x1x12x64xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x1x12x64xf32>) -> tensor<1x1x768xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<1x1x768xf32>, tensor<768x768xf32>) -> tensor<1x1x768xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<1x1x768xf32>, tensor<768xf32>) -> tensor<1x1x768xf32>
  %x1 = mlc.add %x, %o : (tensor<1x1x768xf32>, tensor<1x1x768xf32>) -> tensor<1x1x768xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1x768xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<1x1x768xf32>, tensor<768x3072xf32>) -> tensor<1x1x3072xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<1x1x3072xf32>, tensor<3072xf32>) -> tensor<1x1x3072xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<1x1x3072xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<1x1x3072xf32>, tensor<3072x768xf32>) -> tensor<1x1x768xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<1x1x768xf32>, tensor<768xf32>) -> tensor<1x1x768xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x1x768xf32>, tensor<1x1x768xf32>) -> tensor<1x1x768xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>
}

// Training: the mean cross-entropy of each next token.
func.func @forward(
    %tokens: tensor<4x64xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 50257},
    %targets: tensor<4x64xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 50257},
    %wte: tensor<50257x768xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<1024x768xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l4_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.4.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l4_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l5_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.5.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l5_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l6_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.6.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l6_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l7_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.7.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l7_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l8_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.8.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l8_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l9_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.9.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l9_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l10_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.10.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l10_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l11_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.11.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l11_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<768xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<768xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<50257x768xf32>, tensor<4x64xi32>) -> tensor<4x64x768xf32>
  %pos_emb = mlc.slice %wpe axis = 0 start = 0 size = 64 : (tensor<1024x768xf32>) -> tensor<64x768xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<4x64x768xf32>, tensor<64x768xf32>) -> tensor<4x64x768xf32>
  %x1 = func.call @gpt2_block_4x64(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x2 = func.call @gpt2_block_4x64(%x1, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x3 = func.call @gpt2_block_4x64(%x2, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x4 = func.call @gpt2_block_4x64(%x3, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x5 = func.call @gpt2_block_4x64(%x4, %l4_ln_1_w, %l4_ln_1_b, %l4_c_attn_w, %l4_c_attn_b, %l4_attn_proj_w, %l4_attn_proj_b, %l4_ln_2_w, %l4_ln_2_b, %l4_c_fc_w, %l4_c_fc_b, %l4_mlp_proj_w, %l4_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x6 = func.call @gpt2_block_4x64(%x5, %l5_ln_1_w, %l5_ln_1_b, %l5_c_attn_w, %l5_c_attn_b, %l5_attn_proj_w, %l5_attn_proj_b, %l5_ln_2_w, %l5_ln_2_b, %l5_c_fc_w, %l5_c_fc_b, %l5_mlp_proj_w, %l5_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x7 = func.call @gpt2_block_4x64(%x6, %l6_ln_1_w, %l6_ln_1_b, %l6_c_attn_w, %l6_c_attn_b, %l6_attn_proj_w, %l6_attn_proj_b, %l6_ln_2_w, %l6_ln_2_b, %l6_c_fc_w, %l6_c_fc_b, %l6_mlp_proj_w, %l6_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x8 = func.call @gpt2_block_4x64(%x7, %l7_ln_1_w, %l7_ln_1_b, %l7_c_attn_w, %l7_c_attn_b, %l7_attn_proj_w, %l7_attn_proj_b, %l7_ln_2_w, %l7_ln_2_b, %l7_c_fc_w, %l7_c_fc_b, %l7_mlp_proj_w, %l7_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x9 = func.call @gpt2_block_4x64(%x8, %l8_ln_1_w, %l8_ln_1_b, %l8_c_attn_w, %l8_c_attn_b, %l8_attn_proj_w, %l8_attn_proj_b, %l8_ln_2_w, %l8_ln_2_b, %l8_c_fc_w, %l8_c_fc_b, %l8_mlp_proj_w, %l8_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x10 = func.call @gpt2_block_4x64(%x9, %l9_ln_1_w, %l9_ln_1_b, %l9_c_attn_w, %l9_c_attn_b, %l9_attn_proj_w, %l9_attn_proj_b, %l9_ln_2_w, %l9_ln_2_b, %l9_c_fc_w, %l9_c_fc_b, %l9_mlp_proj_w, %l9_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x11 = func.call @gpt2_block_4x64(%x10, %l10_ln_1_w, %l10_ln_1_b, %l10_c_attn_w, %l10_c_attn_b, %l10_attn_proj_w, %l10_attn_proj_b, %l10_ln_2_w, %l10_ln_2_b, %l10_c_fc_w, %l10_c_fc_b, %l10_mlp_proj_w, %l10_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x12 = func.call @gpt2_block_4x64(%x11, %l11_ln_1_w, %l11_ln_1_b, %l11_c_attn_w, %l11_c_attn_b, %l11_attn_proj_w, %l11_attn_proj_b, %l11_ln_2_w, %l11_ln_2_b, %l11_c_fc_w, %l11_c_fc_b, %l11_mlp_proj_w, %l11_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x_final = mlc.layer_norm %x12, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<4x64x768xf32>, tensor<50257x768xf32>) -> tensor<4x64x50257xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<4x64x50257xf32>, tensor<4x64xi32>) -> tensor<f32>
  return %loss : tensor<f32>
}

// Evaluation: the loss and the logits, with its own batch.
func.func @forward_eval(
    %tokens: tensor<4x64xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 50257},
    %targets: tensor<4x64xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 50257},
    %wte: tensor<50257x768xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<1024x768xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l4_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.4.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l4_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l5_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.5.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l5_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l6_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.6.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l6_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l7_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.7.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l7_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l8_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.8.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l8_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l9_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.9.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l9_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l10_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.10.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l10_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l11_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.11.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l11_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<768xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<768xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4x64x50257xf32> {mlc.output = "logits"}) {
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<50257x768xf32>, tensor<4x64xi32>) -> tensor<4x64x768xf32>
  %pos_emb = mlc.slice %wpe axis = 0 start = 0 size = 64 : (tensor<1024x768xf32>) -> tensor<64x768xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<4x64x768xf32>, tensor<64x768xf32>) -> tensor<4x64x768xf32>
  %x1 = func.call @gpt2_block_4x64(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x2 = func.call @gpt2_block_4x64(%x1, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x3 = func.call @gpt2_block_4x64(%x2, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x4 = func.call @gpt2_block_4x64(%x3, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x5 = func.call @gpt2_block_4x64(%x4, %l4_ln_1_w, %l4_ln_1_b, %l4_c_attn_w, %l4_c_attn_b, %l4_attn_proj_w, %l4_attn_proj_b, %l4_ln_2_w, %l4_ln_2_b, %l4_c_fc_w, %l4_c_fc_b, %l4_mlp_proj_w, %l4_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x6 = func.call @gpt2_block_4x64(%x5, %l5_ln_1_w, %l5_ln_1_b, %l5_c_attn_w, %l5_c_attn_b, %l5_attn_proj_w, %l5_attn_proj_b, %l5_ln_2_w, %l5_ln_2_b, %l5_c_fc_w, %l5_c_fc_b, %l5_mlp_proj_w, %l5_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x7 = func.call @gpt2_block_4x64(%x6, %l6_ln_1_w, %l6_ln_1_b, %l6_c_attn_w, %l6_c_attn_b, %l6_attn_proj_w, %l6_attn_proj_b, %l6_ln_2_w, %l6_ln_2_b, %l6_c_fc_w, %l6_c_fc_b, %l6_mlp_proj_w, %l6_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x8 = func.call @gpt2_block_4x64(%x7, %l7_ln_1_w, %l7_ln_1_b, %l7_c_attn_w, %l7_c_attn_b, %l7_attn_proj_w, %l7_attn_proj_b, %l7_ln_2_w, %l7_ln_2_b, %l7_c_fc_w, %l7_c_fc_b, %l7_mlp_proj_w, %l7_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x9 = func.call @gpt2_block_4x64(%x8, %l8_ln_1_w, %l8_ln_1_b, %l8_c_attn_w, %l8_c_attn_b, %l8_attn_proj_w, %l8_attn_proj_b, %l8_ln_2_w, %l8_ln_2_b, %l8_c_fc_w, %l8_c_fc_b, %l8_mlp_proj_w, %l8_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x10 = func.call @gpt2_block_4x64(%x9, %l9_ln_1_w, %l9_ln_1_b, %l9_c_attn_w, %l9_c_attn_b, %l9_attn_proj_w, %l9_attn_proj_b, %l9_ln_2_w, %l9_ln_2_b, %l9_c_fc_w, %l9_c_fc_b, %l9_mlp_proj_w, %l9_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x11 = func.call @gpt2_block_4x64(%x10, %l10_ln_1_w, %l10_ln_1_b, %l10_c_attn_w, %l10_c_attn_b, %l10_attn_proj_w, %l10_attn_proj_b, %l10_ln_2_w, %l10_ln_2_b, %l10_c_fc_w, %l10_c_fc_b, %l10_mlp_proj_w, %l10_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x12 = func.call @gpt2_block_4x64(%x11, %l11_ln_1_w, %l11_ln_1_b, %l11_c_attn_w, %l11_c_attn_b, %l11_attn_proj_w, %l11_attn_proj_b, %l11_ln_2_w, %l11_ln_2_b, %l11_c_fc_w, %l11_c_fc_b, %l11_mlp_proj_w, %l11_mlp_proj_b) : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %x_final = mlc.layer_norm %x12, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<4x64x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<4x64x768xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<4x64x768xf32>, tensor<50257x768xf32>) -> tensor<4x64x50257xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<4x64x50257xf32>, tensor<4x64xi32>) -> tensor<f32>
  return %loss, %logits : tensor<f32>, tensor<4x64x50257xf32>
}

// Generation, first call: the prompt's logits, its keys and values cached.
func.func @prefill(
    %tokens: tensor<1x1024xi32> {mlc.input = "tokens", mlc.vocab = 50257},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %wte: tensor<50257x768xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<1024x768xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l4_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.4.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l4_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l5_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.5.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l5_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l6_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.6.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l6_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l7_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.7.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l7_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l8_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.8.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l8_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l9_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.9.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l9_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l10_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.10.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l10_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l11_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.11.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l11_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<768xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<768xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>},
    %k_cache0: tensor<1x12x1024x64xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x12x1024x64xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x12x1024x64xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x12x1024x64xf32> {mlc.cache = "cache.1.value"},
    %k_cache2: tensor<1x12x1024x64xf32> {mlc.cache = "cache.2.key"},
    %v_cache2: tensor<1x12x1024x64xf32> {mlc.cache = "cache.2.value"},
    %k_cache3: tensor<1x12x1024x64xf32> {mlc.cache = "cache.3.key"},
    %v_cache3: tensor<1x12x1024x64xf32> {mlc.cache = "cache.3.value"},
    %k_cache4: tensor<1x12x1024x64xf32> {mlc.cache = "cache.4.key"},
    %v_cache4: tensor<1x12x1024x64xf32> {mlc.cache = "cache.4.value"},
    %k_cache5: tensor<1x12x1024x64xf32> {mlc.cache = "cache.5.key"},
    %v_cache5: tensor<1x12x1024x64xf32> {mlc.cache = "cache.5.value"},
    %k_cache6: tensor<1x12x1024x64xf32> {mlc.cache = "cache.6.key"},
    %v_cache6: tensor<1x12x1024x64xf32> {mlc.cache = "cache.6.value"},
    %k_cache7: tensor<1x12x1024x64xf32> {mlc.cache = "cache.7.key"},
    %v_cache7: tensor<1x12x1024x64xf32> {mlc.cache = "cache.7.value"},
    %k_cache8: tensor<1x12x1024x64xf32> {mlc.cache = "cache.8.key"},
    %v_cache8: tensor<1x12x1024x64xf32> {mlc.cache = "cache.8.value"},
    %k_cache9: tensor<1x12x1024x64xf32> {mlc.cache = "cache.9.key"},
    %v_cache9: tensor<1x12x1024x64xf32> {mlc.cache = "cache.9.value"},
    %k_cache10: tensor<1x12x1024x64xf32> {mlc.cache = "cache.10.key"},
    %v_cache10: tensor<1x12x1024x64xf32> {mlc.cache = "cache.10.value"},
    %k_cache11: tensor<1x12x1024x64xf32> {mlc.cache = "cache.11.key"},
    %v_cache11: tensor<1x12x1024x64xf32> {mlc.cache = "cache.11.value"})
    -> (tensor<1x1024x50257xf32> {mlc.output = "logits"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.0.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.0.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.1.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.1.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.2.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.2.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.3.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.3.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.4.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.4.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.5.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.5.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.6.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.6.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.7.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.7.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.8.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.8.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.9.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.9.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.10.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.10.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.11.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.11.value"}) attributes {mlc.kind = "prefill"} {
  %range = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544, 545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587, 588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620, 621, 622, 623, 624, 625, 626, 627, 628, 629, 630, 631, 632, 633, 634, 635, 636, 637, 638, 639, 640, 641, 642, 643, 644, 645, 646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657, 658, 659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 684, 685, 686, 687, 688, 689, 690, 691, 692, 693, 694, 695, 696, 697, 698, 699, 700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 730, 731, 732, 733, 734, 735, 736, 737, 738, 739, 740, 741, 742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756, 757, 758, 759, 760, 761, 762, 763, 764, 765, 766, 767, 768, 769, 770, 771, 772, 773, 774, 775, 776, 777, 778, 779, 780, 781, 782, 783, 784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797, 798, 799, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 822, 823, 824, 825, 826, 827, 828, 829, 830, 831, 832, 833, 834, 835, 836, 837, 838, 839, 840, 841, 842, 843, 844, 845, 846, 847, 848, 849, 850, 851, 852, 853, 854, 855, 856, 857, 858, 859, 860, 861, 862, 863, 864, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 875, 876, 877, 878, 879, 880, 881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 897, 898, 899, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934, 935, 936, 937, 938, 939, 940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965, 966, 967, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 993, 994, 995, 996, 997, 998, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023]> : tensor<1024xi64>
  %positions = mlc.add %range, %position : (tensor<1024xi64>, tensor<i64>) -> tensor<1024xi64>
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<50257x768xf32>, tensor<1x1024xi32>) -> tensor<1x1024x768xf32>
  %pos_emb = mlc.embedding %wpe, %positions : (tensor<1024x768xf32>, tensor<1024xi64>) -> tensor<1024x768xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<1x1024x768xf32>, tensor<1024x768xf32>) -> tensor<1x1024x768xf32>
  %x1:3 = func.call @gpt2_block_cached_1x1024(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b, %k_cache0, %v_cache0, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x2:3 = func.call @gpt2_block_cached_1x1024(%x1#0, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b, %k_cache1, %v_cache1, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x3:3 = func.call @gpt2_block_cached_1x1024(%x2#0, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b, %k_cache2, %v_cache2, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x4:3 = func.call @gpt2_block_cached_1x1024(%x3#0, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b, %k_cache3, %v_cache3, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x5:3 = func.call @gpt2_block_cached_1x1024(%x4#0, %l4_ln_1_w, %l4_ln_1_b, %l4_c_attn_w, %l4_c_attn_b, %l4_attn_proj_w, %l4_attn_proj_b, %l4_ln_2_w, %l4_ln_2_b, %l4_c_fc_w, %l4_c_fc_b, %l4_mlp_proj_w, %l4_mlp_proj_b, %k_cache4, %v_cache4, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x6:3 = func.call @gpt2_block_cached_1x1024(%x5#0, %l5_ln_1_w, %l5_ln_1_b, %l5_c_attn_w, %l5_c_attn_b, %l5_attn_proj_w, %l5_attn_proj_b, %l5_ln_2_w, %l5_ln_2_b, %l5_c_fc_w, %l5_c_fc_b, %l5_mlp_proj_w, %l5_mlp_proj_b, %k_cache5, %v_cache5, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x7:3 = func.call @gpt2_block_cached_1x1024(%x6#0, %l6_ln_1_w, %l6_ln_1_b, %l6_c_attn_w, %l6_c_attn_b, %l6_attn_proj_w, %l6_attn_proj_b, %l6_ln_2_w, %l6_ln_2_b, %l6_c_fc_w, %l6_c_fc_b, %l6_mlp_proj_w, %l6_mlp_proj_b, %k_cache6, %v_cache6, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x8:3 = func.call @gpt2_block_cached_1x1024(%x7#0, %l7_ln_1_w, %l7_ln_1_b, %l7_c_attn_w, %l7_c_attn_b, %l7_attn_proj_w, %l7_attn_proj_b, %l7_ln_2_w, %l7_ln_2_b, %l7_c_fc_w, %l7_c_fc_b, %l7_mlp_proj_w, %l7_mlp_proj_b, %k_cache7, %v_cache7, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x9:3 = func.call @gpt2_block_cached_1x1024(%x8#0, %l8_ln_1_w, %l8_ln_1_b, %l8_c_attn_w, %l8_c_attn_b, %l8_attn_proj_w, %l8_attn_proj_b, %l8_ln_2_w, %l8_ln_2_b, %l8_c_fc_w, %l8_c_fc_b, %l8_mlp_proj_w, %l8_mlp_proj_b, %k_cache8, %v_cache8, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x10:3 = func.call @gpt2_block_cached_1x1024(%x9#0, %l9_ln_1_w, %l9_ln_1_b, %l9_c_attn_w, %l9_c_attn_b, %l9_attn_proj_w, %l9_attn_proj_b, %l9_ln_2_w, %l9_ln_2_b, %l9_c_fc_w, %l9_c_fc_b, %l9_mlp_proj_w, %l9_mlp_proj_b, %k_cache9, %v_cache9, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x11:3 = func.call @gpt2_block_cached_1x1024(%x10#0, %l10_ln_1_w, %l10_ln_1_b, %l10_c_attn_w, %l10_c_attn_b, %l10_attn_proj_w, %l10_attn_proj_b, %l10_ln_2_w, %l10_ln_2_b, %l10_c_fc_w, %l10_c_fc_b, %l10_mlp_proj_w, %l10_mlp_proj_b, %k_cache10, %v_cache10, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x12:3 = func.call @gpt2_block_cached_1x1024(%x11#0, %l11_ln_1_w, %l11_ln_1_b, %l11_c_attn_w, %l11_c_attn_b, %l11_attn_proj_w, %l11_attn_proj_b, %l11_ln_2_w, %l11_ln_2_b, %l11_c_fc_w, %l11_c_fc_b, %l11_mlp_proj_w, %l11_mlp_proj_b, %k_cache11, %v_cache11, %position) : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1024x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x_final = mlc.layer_norm %x12#0, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<1x1024x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1024x768xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<1x1024x768xf32>, tensor<50257x768xf32>) -> tensor<1x1024x50257xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2, %x3#1, %x3#2, %x4#1, %x4#2, %x5#1, %x5#2, %x6#1, %x6#2, %x7#1, %x7#2, %x8#1, %x8#2, %x9#1, %x9#2, %x10#1, %x10#2, %x11#1, %x11#2, %x12#1, %x12#2 : tensor<1x1024x50257xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>
}

// Generation, each next token: its logits at `position`, read with the cache.
func.func @decode(
    %tokens: tensor<1x1xi32> {mlc.input = "tokens", mlc.vocab = 50257},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %wte: tensor<50257x768xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<1024x768xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l0_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l1_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l2_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l3_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.4.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l4_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.4.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l4_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l4_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.4.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l4_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l4_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.4.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l4_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l4_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.4.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.5.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l5_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.5.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l5_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l5_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.5.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l5_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l5_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.5.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l5_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l5_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.5.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.6.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l6_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.6.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l6_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l6_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.6.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l6_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l6_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.6.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l6_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l6_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.6.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.7.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l7_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.7.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l7_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l7_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.7.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l7_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l7_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.7.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l7_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l7_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.7.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.8.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l8_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.8.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l8_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l8_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.8.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l8_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l8_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.8.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l8_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l8_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.8.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.9.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l9_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.9.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l9_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l9_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.9.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l9_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l9_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.9.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l9_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l9_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.9.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.10.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l10_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.10.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l10_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l10_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.10.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l10_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l10_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.10.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l10_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l10_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.10.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_1_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_1_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_attn_w: tensor<768x2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_attn_b: tensor<2304xf32> {mlc.param = "transformer.h.11.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l11_attn_proj_w: tensor<768x768xf32> {mlc.param = "transformer.h.11.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_attn_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l11_ln_2_w: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l11_ln_2_b: tensor<768xf32> {mlc.param = "transformer.h.11.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l11_c_fc_w: tensor<768x3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l11_c_fc_b: tensor<3072xf32> {mlc.param = "transformer.h.11.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l11_mlp_proj_w: tensor<3072x768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.0040824829>},
    %l11_mlp_proj_b: tensor<768xf32> {mlc.param = "transformer.h.11.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<768xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<768xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>},
    %k_cache0: tensor<1x12x1024x64xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x12x1024x64xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x12x1024x64xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x12x1024x64xf32> {mlc.cache = "cache.1.value"},
    %k_cache2: tensor<1x12x1024x64xf32> {mlc.cache = "cache.2.key"},
    %v_cache2: tensor<1x12x1024x64xf32> {mlc.cache = "cache.2.value"},
    %k_cache3: tensor<1x12x1024x64xf32> {mlc.cache = "cache.3.key"},
    %v_cache3: tensor<1x12x1024x64xf32> {mlc.cache = "cache.3.value"},
    %k_cache4: tensor<1x12x1024x64xf32> {mlc.cache = "cache.4.key"},
    %v_cache4: tensor<1x12x1024x64xf32> {mlc.cache = "cache.4.value"},
    %k_cache5: tensor<1x12x1024x64xf32> {mlc.cache = "cache.5.key"},
    %v_cache5: tensor<1x12x1024x64xf32> {mlc.cache = "cache.5.value"},
    %k_cache6: tensor<1x12x1024x64xf32> {mlc.cache = "cache.6.key"},
    %v_cache6: tensor<1x12x1024x64xf32> {mlc.cache = "cache.6.value"},
    %k_cache7: tensor<1x12x1024x64xf32> {mlc.cache = "cache.7.key"},
    %v_cache7: tensor<1x12x1024x64xf32> {mlc.cache = "cache.7.value"},
    %k_cache8: tensor<1x12x1024x64xf32> {mlc.cache = "cache.8.key"},
    %v_cache8: tensor<1x12x1024x64xf32> {mlc.cache = "cache.8.value"},
    %k_cache9: tensor<1x12x1024x64xf32> {mlc.cache = "cache.9.key"},
    %v_cache9: tensor<1x12x1024x64xf32> {mlc.cache = "cache.9.value"},
    %k_cache10: tensor<1x12x1024x64xf32> {mlc.cache = "cache.10.key"},
    %v_cache10: tensor<1x12x1024x64xf32> {mlc.cache = "cache.10.value"},
    %k_cache11: tensor<1x12x1024x64xf32> {mlc.cache = "cache.11.key"},
    %v_cache11: tensor<1x12x1024x64xf32> {mlc.cache = "cache.11.value"})
    -> (tensor<1x1x50257xf32> {mlc.output = "logits"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.0.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.0.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.1.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.1.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.2.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.2.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.3.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.3.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.4.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.4.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.5.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.5.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.6.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.6.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.7.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.7.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.8.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.8.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.9.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.9.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.10.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.10.value"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.11.key"}, tensor<1x12x1024x64xf32> {mlc.update = "cache.11.value"}) attributes {mlc.kind = "decode"} {
  %range = mlc.constant dense<0> : tensor<1xi64>
  %positions = mlc.add %range, %position : (tensor<1xi64>, tensor<i64>) -> tensor<1xi64>
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<50257x768xf32>, tensor<1x1xi32>) -> tensor<1x1x768xf32>
  %pos_emb = mlc.embedding %wpe, %positions : (tensor<1024x768xf32>, tensor<1xi64>) -> tensor<1x768xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<1x1x768xf32>, tensor<1x768xf32>) -> tensor<1x1x768xf32>
  %x1:3 = func.call @gpt2_block_cached_1x1(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b, %k_cache0, %v_cache0, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x2:3 = func.call @gpt2_block_cached_1x1(%x1#0, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b, %k_cache1, %v_cache1, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x3:3 = func.call @gpt2_block_cached_1x1(%x2#0, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b, %k_cache2, %v_cache2, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x4:3 = func.call @gpt2_block_cached_1x1(%x3#0, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b, %k_cache3, %v_cache3, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x5:3 = func.call @gpt2_block_cached_1x1(%x4#0, %l4_ln_1_w, %l4_ln_1_b, %l4_c_attn_w, %l4_c_attn_b, %l4_attn_proj_w, %l4_attn_proj_b, %l4_ln_2_w, %l4_ln_2_b, %l4_c_fc_w, %l4_c_fc_b, %l4_mlp_proj_w, %l4_mlp_proj_b, %k_cache4, %v_cache4, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x6:3 = func.call @gpt2_block_cached_1x1(%x5#0, %l5_ln_1_w, %l5_ln_1_b, %l5_c_attn_w, %l5_c_attn_b, %l5_attn_proj_w, %l5_attn_proj_b, %l5_ln_2_w, %l5_ln_2_b, %l5_c_fc_w, %l5_c_fc_b, %l5_mlp_proj_w, %l5_mlp_proj_b, %k_cache5, %v_cache5, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x7:3 = func.call @gpt2_block_cached_1x1(%x6#0, %l6_ln_1_w, %l6_ln_1_b, %l6_c_attn_w, %l6_c_attn_b, %l6_attn_proj_w, %l6_attn_proj_b, %l6_ln_2_w, %l6_ln_2_b, %l6_c_fc_w, %l6_c_fc_b, %l6_mlp_proj_w, %l6_mlp_proj_b, %k_cache6, %v_cache6, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x8:3 = func.call @gpt2_block_cached_1x1(%x7#0, %l7_ln_1_w, %l7_ln_1_b, %l7_c_attn_w, %l7_c_attn_b, %l7_attn_proj_w, %l7_attn_proj_b, %l7_ln_2_w, %l7_ln_2_b, %l7_c_fc_w, %l7_c_fc_b, %l7_mlp_proj_w, %l7_mlp_proj_b, %k_cache7, %v_cache7, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x9:3 = func.call @gpt2_block_cached_1x1(%x8#0, %l8_ln_1_w, %l8_ln_1_b, %l8_c_attn_w, %l8_c_attn_b, %l8_attn_proj_w, %l8_attn_proj_b, %l8_ln_2_w, %l8_ln_2_b, %l8_c_fc_w, %l8_c_fc_b, %l8_mlp_proj_w, %l8_mlp_proj_b, %k_cache8, %v_cache8, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x10:3 = func.call @gpt2_block_cached_1x1(%x9#0, %l9_ln_1_w, %l9_ln_1_b, %l9_c_attn_w, %l9_c_attn_b, %l9_attn_proj_w, %l9_attn_proj_b, %l9_ln_2_w, %l9_ln_2_b, %l9_c_fc_w, %l9_c_fc_b, %l9_mlp_proj_w, %l9_mlp_proj_b, %k_cache9, %v_cache9, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x11:3 = func.call @gpt2_block_cached_1x1(%x10#0, %l10_ln_1_w, %l10_ln_1_b, %l10_c_attn_w, %l10_c_attn_b, %l10_attn_proj_w, %l10_attn_proj_b, %l10_ln_2_w, %l10_ln_2_b, %l10_c_fc_w, %l10_c_fc_b, %l10_mlp_proj_w, %l10_mlp_proj_b, %k_cache10, %v_cache10, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x12:3 = func.call @gpt2_block_cached_1x1(%x11#0, %l11_ln_1_w, %l11_ln_1_b, %l11_c_attn_w, %l11_c_attn_b, %l11_attn_proj_w, %l11_attn_proj_b, %l11_ln_2_w, %l11_ln_2_b, %l11_c_fc_w, %l11_c_fc_b, %l11_mlp_proj_w, %l11_mlp_proj_b, %k_cache11, %v_cache11, %position) : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x2304xf32>, tensor<2304xf32>, tensor<768x768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768xf32>, tensor<768x3072xf32>, tensor<3072xf32>, tensor<3072x768xf32>, tensor<768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x1x768xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %x_final = mlc.layer_norm %x12#0, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<1x1x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x1x768xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<1x1x768xf32>, tensor<50257x768xf32>) -> tensor<1x1x50257xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2, %x3#1, %x3#2, %x4#1, %x4#2, %x5#1, %x5#2, %x6#1, %x6#2, %x7#1, %x7#2, %x8#1, %x8#2, %x9#1, %x9#2, %x10#1, %x10#2, %x11#1, %x11#2, %x12#1, %x12#2 : tensor<1x1x50257xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>
}

}
