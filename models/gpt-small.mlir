// GPT-2: 4 layers, 4 heads, width 128, MLP 512, vocab 256, context 128; 842496 parameters.
// @forward trains on batches of 16 x 128 tokens, @forward_eval evaluates 32 x 128.
// Parameters carry their Hugging Face names.
//
//   mlc compile MODEL.mlir --train adamw,lr=6e-4 --eval-func forward_eval -o MODEL.mlcx

module attributes {mlc.transformer = {family = "gpt2", layers = 4 : i64, heads = 4 : i64, kv_heads = 4 : i64, dim = 128 : i64, ffn_dim = 512 : i64, vocab = 256 : i64, context = 128 : i64, norm_eps = 1.0e-05 : f64, rope_theta = 10000.0 : f64, tie_embeddings = true}} {

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_16x128(
    %x: tensor<16x128x128xf32>,
    %ln_1_w: tensor<128xf32>,
    %ln_1_b: tensor<128xf32>,
    %c_attn_w: tensor<128x384xf32>,
    %c_attn_b: tensor<384xf32>,
    %attn_proj_w: tensor<128x128xf32>,
    %attn_proj_b: tensor<128xf32>,
    %ln_2_w: tensor<128xf32>,
    %ln_2_b: tensor<128xf32>,
    %c_fc_w: tensor<128x512xf32>,
    %c_fc_b: tensor<512xf32>,
    %mlp_proj_w: tensor<512x128xf32>,
    %mlp_proj_b: tensor<128xf32>)
    -> (tensor<16x128x128xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<16x128x128xf32>, tensor<128x384xf32>) -> tensor<16x128x384xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<16x128x384xf32>, tensor<384xf32>) -> tensor<16x128x384xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [128, 128, 128] : (tensor<16x128x384xf32>) -> (tensor<16x128x128xf32>, tensor<16x128x128xf32>, tensor<16x128x128xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<16x128x128xf32>) -> tensor<16x128x4x32xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<16x128x4x32xf32>) -> tensor<16x4x128x32xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<16x128x128xf32>) -> tensor<16x128x4x32xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<16x128x4x32xf32>) -> tensor<16x4x128x32xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<16x128x128xf32>) -> tensor<16x128x4x32xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<16x128x4x32xf32>) -> tensor<16x4x128x32xf32>
  %attn = mlc.attention %q, %k, %v causal : (tensor<16x4x128x32xf32>, tensor<16x4x128x32xf32>, tensor<16x4x128x32xf32>) -> tensor<16x4x128x32xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<16x4x128x32xf32>) -> tensor<16x128x4x32xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<16x128x4x32xf32>) -> tensor<16x128x128xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<16x128x128xf32>, tensor<128x128xf32>) -> tensor<16x128x128xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<16x128x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %x1 = mlc.add %x, %o : (tensor<16x128x128xf32>, tensor<16x128x128xf32>) -> tensor<16x128x128xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<16x128x128xf32>, tensor<128x512xf32>) -> tensor<16x128x512xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<16x128x512xf32>, tensor<512xf32>) -> tensor<16x128x512xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<16x128x512xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<16x128x512xf32>, tensor<512x128xf32>) -> tensor<16x128x128xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<16x128x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %y = mlc.add %x1, %mlp : (tensor<16x128x128xf32>, tensor<16x128x128xf32>) -> tensor<16x128x128xf32>
  return %y : tensor<16x128x128xf32>
}

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_32x128(
    %x: tensor<32x128x128xf32>,
    %ln_1_w: tensor<128xf32>,
    %ln_1_b: tensor<128xf32>,
    %c_attn_w: tensor<128x384xf32>,
    %c_attn_b: tensor<384xf32>,
    %attn_proj_w: tensor<128x128xf32>,
    %attn_proj_b: tensor<128xf32>,
    %ln_2_w: tensor<128xf32>,
    %ln_2_b: tensor<128xf32>,
    %c_fc_w: tensor<128x512xf32>,
    %c_fc_b: tensor<512xf32>,
    %mlp_proj_w: tensor<512x128xf32>,
    %mlp_proj_b: tensor<128xf32>)
    -> (tensor<32x128x128xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<32x128x128xf32>, tensor<128x384xf32>) -> tensor<32x128x384xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<32x128x384xf32>, tensor<384xf32>) -> tensor<32x128x384xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [128, 128, 128] : (tensor<32x128x384xf32>) -> (tensor<32x128x128xf32>, tensor<32x128x128xf32>, tensor<32x128x128xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<32x128x128xf32>) -> tensor<32x128x4x32xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<32x128x4x32xf32>) -> tensor<32x4x128x32xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<32x128x128xf32>) -> tensor<32x128x4x32xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<32x128x4x32xf32>) -> tensor<32x4x128x32xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<32x128x128xf32>) -> tensor<32x128x4x32xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<32x128x4x32xf32>) -> tensor<32x4x128x32xf32>
  %attn = mlc.attention %q, %k, %v causal : (tensor<32x4x128x32xf32>, tensor<32x4x128x32xf32>, tensor<32x4x128x32xf32>) -> tensor<32x4x128x32xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<32x4x128x32xf32>) -> tensor<32x128x4x32xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<32x128x4x32xf32>) -> tensor<32x128x128xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<32x128x128xf32>, tensor<128x128xf32>) -> tensor<32x128x128xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<32x128x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %x1 = mlc.add %x, %o : (tensor<32x128x128xf32>, tensor<32x128x128xf32>) -> tensor<32x128x128xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<32x128x128xf32>, tensor<128x512xf32>) -> tensor<32x128x512xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<32x128x512xf32>, tensor<512xf32>) -> tensor<32x128x512xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<32x128x512xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<32x128x512xf32>, tensor<512x128xf32>) -> tensor<32x128x128xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<32x128x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %y = mlc.add %x1, %mlp : (tensor<32x128x128xf32>, tensor<32x128x128xf32>) -> tensor<32x128x128xf32>
  return %y : tensor<32x128x128xf32>
}

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_cached_1x128(
    %x: tensor<1x128x128xf32>,
    %ln_1_w: tensor<128xf32>,
    %ln_1_b: tensor<128xf32>,
    %c_attn_w: tensor<128x384xf32>,
    %c_attn_b: tensor<384xf32>,
    %attn_proj_w: tensor<128x128xf32>,
    %attn_proj_b: tensor<128xf32>,
    %ln_2_w: tensor<128xf32>,
    %ln_2_b: tensor<128xf32>,
    %c_fc_w: tensor<128x512xf32>,
    %c_fc_b: tensor<512xf32>,
    %mlp_proj_w: tensor<512x128xf32>,
    %mlp_proj_b: tensor<128xf32>,
    %k_cache: tensor<1x4x128x32xf32>,
    %v_cache: tensor<1x4x128x32xf32>,
    %position: tensor<i64>)
    -> (tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x128x128xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<1x128x128xf32>, tensor<128x384xf32>) -> tensor<1x128x384xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<1x128x384xf32>, tensor<384xf32>) -> tensor<1x128x384xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [128, 128, 128] : (tensor<1x128x384xf32>) -> (tensor<1x128x128xf32>, tensor<1x128x128xf32>, tensor<1x128x128xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<1x128x128xf32>) -> tensor<1x128x4x32xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<1x128x4x32xf32>) -> tensor<1x4x128x32xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<1x128x128xf32>) -> tensor<1x128x4x32xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<1x128x4x32xf32>) -> tensor<1x4x128x32xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x128x128xf32>) -> tensor<1x128x4x32xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x128x4x32xf32>) -> tensor<1x4x128x32xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> tensor<1x4x128x32xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> tensor<1x4x128x32xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> tensor<1x4x128x32xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x4x128x32xf32>) -> tensor<1x128x4x32xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x128x4x32xf32>) -> tensor<1x128x128xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<1x128x128xf32>, tensor<128x128xf32>) -> tensor<1x128x128xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<1x128x128xf32>, tensor<128xf32>) -> tensor<1x128x128xf32>
  %x1 = mlc.add %x, %o : (tensor<1x128x128xf32>, tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x128x128xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<1x128x128xf32>, tensor<128x512xf32>) -> tensor<1x128x512xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<1x128x512xf32>, tensor<512xf32>) -> tensor<1x128x512xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<1x128x512xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<1x128x512xf32>, tensor<512x128xf32>) -> tensor<1x128x128xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<1x128x128xf32>, tensor<128xf32>) -> tensor<1x128x128xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x128x128xf32>, tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>
}

// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with causal
// multi-head attention and a GELU (tanh) MLP.
func.func private @gpt2_block_cached_1x1(
    %x: tensor<1x1x128xf32>,
    %ln_1_w: tensor<128xf32>,
    %ln_1_b: tensor<128xf32>,
    %c_attn_w: tensor<128x384xf32>,
    %c_attn_b: tensor<384xf32>,
    %attn_proj_w: tensor<128x128xf32>,
    %attn_proj_b: tensor<128xf32>,
    %ln_2_w: tensor<128xf32>,
    %ln_2_b: tensor<128xf32>,
    %c_fc_w: tensor<128x512xf32>,
    %c_fc_b: tensor<512xf32>,
    %mlp_proj_w: tensor<512x128xf32>,
    %mlp_proj_b: tensor<128xf32>,
    %k_cache: tensor<1x4x128x32xf32>,
    %v_cache: tensor<1x4x128x32xf32>,
    %position: tensor<i64>)
    -> (tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>) {
  %h = mlc.layer_norm %x, %ln_1_w, %ln_1_b eps = 1.0e-05 : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x1x128xf32>
  %qkv0 = mlc.matmul %h, %c_attn_w : (tensor<1x1x128xf32>, tensor<128x384xf32>) -> tensor<1x1x384xf32>
  %qkv = mlc.add %qkv0, %c_attn_b : (tensor<1x1x384xf32>, tensor<384xf32>) -> tensor<1x1x384xf32>
  %q0, %k0, %v0 = mlc.split %qkv axis = 2 sizes = [128, 128, 128] : (tensor<1x1x384xf32>) -> (tensor<1x1x128xf32>, tensor<1x1x128xf32>, tensor<1x1x128xf32>)
  %q_bthd = mlc.reshape %q0 : (tensor<1x1x128xf32>) -> tensor<1x1x4x32xf32>
  %q = mlc.transpose %q_bthd perm = [0, 2, 1, 3] : (tensor<1x1x4x32xf32>) -> tensor<1x4x1x32xf32>
  %k_bthd = mlc.reshape %k0 : (tensor<1x1x128xf32>) -> tensor<1x1x4x32xf32>
  %k = mlc.transpose %k_bthd perm = [0, 2, 1, 3] : (tensor<1x1x4x32xf32>) -> tensor<1x4x1x32xf32>
  %v_bthd = mlc.reshape %v0 : (tensor<1x1x128xf32>) -> tensor<1x1x4x32xf32>
  %v = mlc.transpose %v_bthd perm = [0, 2, 1, 3] : (tensor<1x1x4x32xf32>) -> tensor<1x4x1x32xf32>
  // Keys and values go into the cache at `position`; each query
  // attends to the cached positions up to its own.
  %k_cache_new = mlc.cache_write %k_cache, %k, %position axis = 2 : (tensor<1x4x128x32xf32>, tensor<1x4x1x32xf32>, tensor<i64>) -> tensor<1x4x128x32xf32>
  %v_cache_new = mlc.cache_write %v_cache, %v, %position axis = 2 : (tensor<1x4x128x32xf32>, tensor<1x4x1x32xf32>, tensor<i64>) -> tensor<1x4x128x32xf32>
  %attn = mlc.attention %q, %k_cache_new, %v_cache_new offset %position causal : (tensor<1x4x1x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> tensor<1x4x1x32xf32>
  %attn_out_bthd = mlc.transpose %attn perm = [0, 2, 1, 3] : (tensor<1x4x1x32xf32>) -> tensor<1x1x4x32xf32>
  %attn_out = mlc.reshape %attn_out_bthd : (tensor<1x1x4x32xf32>) -> tensor<1x1x128xf32>
  %o0 = mlc.matmul %attn_out, %attn_proj_w : (tensor<1x1x128xf32>, tensor<128x128xf32>) -> tensor<1x1x128xf32>
  %o = mlc.add %o0, %attn_proj_b : (tensor<1x1x128xf32>, tensor<128xf32>) -> tensor<1x1x128xf32>
  %x1 = mlc.add %x, %o : (tensor<1x1x128xf32>, tensor<1x1x128xf32>) -> tensor<1x1x128xf32>
  %h2 = mlc.layer_norm %x1, %ln_2_w, %ln_2_b eps = 1.0e-05 : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x1x128xf32>
  %fc0 = mlc.matmul %h2, %c_fc_w : (tensor<1x1x128xf32>, tensor<128x512xf32>) -> tensor<1x1x512xf32>
  %fc1 = mlc.add %fc0, %c_fc_b : (tensor<1x1x512xf32>, tensor<512xf32>) -> tensor<1x1x512xf32>
  %fc = mlc.gelu %fc1 approximate = "tanh" : tensor<1x1x512xf32>
  %mlp0 = mlc.matmul %fc, %mlp_proj_w : (tensor<1x1x512xf32>, tensor<512x128xf32>) -> tensor<1x1x128xf32>
  %mlp = mlc.add %mlp0, %mlp_proj_b : (tensor<1x1x128xf32>, tensor<128xf32>) -> tensor<1x1x128xf32>
  %y = mlc.add %x1, %mlp : (tensor<1x1x128xf32>, tensor<1x1x128xf32>) -> tensor<1x1x128xf32>
  return %y, %k_cache_new, %v_cache_new : tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>
}

// Training: the mean cross-entropy of each next token.
func.func @forward(
    %tokens: tensor<16x128xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
    %targets: tensor<16x128xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256},
    %wte: tensor<256x128xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<128x128xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<128xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<128xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<256x128xf32>, tensor<16x128xi32>) -> tensor<16x128x128xf32>
  %pos_emb = mlc.slice %wpe axis = 0 start = 0 size = 128 : (tensor<128x128xf32>) -> tensor<128x128xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<16x128x128xf32>, tensor<128x128xf32>) -> tensor<16x128x128xf32>
  %x1 = func.call @gpt2_block_16x128(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b) : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %x2 = func.call @gpt2_block_16x128(%x1, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b) : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %x3 = func.call @gpt2_block_16x128(%x2, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b) : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %x4 = func.call @gpt2_block_16x128(%x3, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b) : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %x_final = mlc.layer_norm %x4, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<16x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<16x128x128xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<16x128x128xf32>, tensor<256x128xf32>) -> tensor<16x128x256xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<16x128x256xf32>, tensor<16x128xi32>) -> tensor<f32>
  return %loss : tensor<f32>
}

// Evaluation: the loss and the logits, with its own batch.
func.func @forward_eval(
    %tokens: tensor<32x128xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
    %targets: tensor<32x128xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256},
    %wte: tensor<256x128xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<128x128xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<128xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<128xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<32x128x256xf32> {mlc.output = "logits"}) {
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<256x128xf32>, tensor<32x128xi32>) -> tensor<32x128x128xf32>
  %pos_emb = mlc.slice %wpe axis = 0 start = 0 size = 128 : (tensor<128x128xf32>) -> tensor<128x128xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<32x128x128xf32>, tensor<128x128xf32>) -> tensor<32x128x128xf32>
  %x1 = func.call @gpt2_block_32x128(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b) : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %x2 = func.call @gpt2_block_32x128(%x1, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b) : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %x3 = func.call @gpt2_block_32x128(%x2, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b) : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %x4 = func.call @gpt2_block_32x128(%x3, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b) : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %x_final = mlc.layer_norm %x4, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<32x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128x128xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<32x128x128xf32>, tensor<256x128xf32>) -> tensor<32x128x256xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<32x128x256xf32>, tensor<32x128xi32>) -> tensor<f32>
  return %loss, %logits : tensor<f32>, tensor<32x128x256xf32>
}

// Generation, first call: the prompt's logits, its keys and values cached.
func.func @prefill(
    %tokens: tensor<1x128xi32> {mlc.input = "tokens", mlc.vocab = 256},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %wte: tensor<256x128xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<128x128xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<128xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<128xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>},
    %k_cache0: tensor<1x4x128x32xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x4x128x32xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x4x128x32xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x4x128x32xf32> {mlc.cache = "cache.1.value"},
    %k_cache2: tensor<1x4x128x32xf32> {mlc.cache = "cache.2.key"},
    %v_cache2: tensor<1x4x128x32xf32> {mlc.cache = "cache.2.value"},
    %k_cache3: tensor<1x4x128x32xf32> {mlc.cache = "cache.3.key"},
    %v_cache3: tensor<1x4x128x32xf32> {mlc.cache = "cache.3.value"})
    -> (tensor<1x128x256xf32> {mlc.output = "logits"}, tensor<1x4x128x32xf32> {mlc.update = "cache.0.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.0.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.1.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.1.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.2.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.2.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.3.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.3.value"}) attributes {mlc.kind = "prefill"} {
  %range = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<128xi64>
  %positions = mlc.add %range, %position : (tensor<128xi64>, tensor<i64>) -> tensor<128xi64>
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<256x128xf32>, tensor<1x128xi32>) -> tensor<1x128x128xf32>
  %pos_emb = mlc.embedding %wpe, %positions : (tensor<128x128xf32>, tensor<128xi64>) -> tensor<128x128xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<1x128x128xf32>, tensor<128x128xf32>) -> tensor<1x128x128xf32>
  %x1:3 = func.call @gpt2_block_cached_1x128(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b, %k_cache0, %v_cache0, %position) : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x2:3 = func.call @gpt2_block_cached_1x128(%x1#0, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b, %k_cache1, %v_cache1, %position) : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x3:3 = func.call @gpt2_block_cached_1x128(%x2#0, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b, %k_cache2, %v_cache2, %position) : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x4:3 = func.call @gpt2_block_cached_1x128(%x3#0, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b, %k_cache3, %v_cache3, %position) : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x128x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x_final = mlc.layer_norm %x4#0, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<1x128x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x128x128xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<1x128x128xf32>, tensor<256x128xf32>) -> tensor<1x128x256xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2, %x3#1, %x3#2, %x4#1, %x4#2 : tensor<1x128x256xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>
}

// Generation, each next token: its logits at `position`, read with the cache.
func.func @decode(
    %tokens: tensor<1x1xi32> {mlc.input = "tokens", mlc.vocab = 256},
    %position: tensor<i64> {mlc.input = "position", mlc.position},
    %wte: tensor<256x128xf32> {mlc.param = "transformer.wte.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %wpe: tensor<128x128xf32> {mlc.param = "transformer.wpe.weight", mlc.init = #mlc.init<normal, std = 0.02>, mlc.decay = false},
    %l0_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.0.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.0.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l0_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.0.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l0_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l0_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.0.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l0_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l0_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.0.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l0_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l0_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.0.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.1.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.1.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l1_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.1.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l1_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l1_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.1.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l1_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l1_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.1.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l1_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l1_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.1.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.2.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.2.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l2_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.2.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l2_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l2_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.2.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l2_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l2_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.2.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l2_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l2_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.2.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_1_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_1_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_1.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_attn_w: tensor<128x384xf32> {mlc.param = "transformer.h.3.attn.c_attn.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_attn_b: tensor<384xf32> {mlc.param = "transformer.h.3.attn.c_attn.bias", mlc.init = #mlc.init<zeros>},
    %l3_attn_proj_w: tensor<128x128xf32> {mlc.param = "transformer.h.3.attn.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_attn_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.attn.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %l3_ln_2_w: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.weight", mlc.init = #mlc.init<ones>},
    %l3_ln_2_b: tensor<128xf32> {mlc.param = "transformer.h.3.ln_2.bias", mlc.init = #mlc.init<zeros>},
    %l3_c_fc_w: tensor<128x512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.weight", mlc.init = #mlc.init<normal, std = 0.02>},
    %l3_c_fc_b: tensor<512xf32> {mlc.param = "transformer.h.3.mlp.c_fc.bias", mlc.init = #mlc.init<zeros>},
    %l3_mlp_proj_w: tensor<512x128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.weight", mlc.init = #mlc.init<normal, std = 0.00707106781>},
    %l3_mlp_proj_b: tensor<128xf32> {mlc.param = "transformer.h.3.mlp.c_proj.bias", mlc.init = #mlc.init<zeros>},
    %ln_f_w: tensor<128xf32> {mlc.param = "transformer.ln_f.weight", mlc.init = #mlc.init<ones>},
    %ln_f_b: tensor<128xf32> {mlc.param = "transformer.ln_f.bias", mlc.init = #mlc.init<zeros>},
    %k_cache0: tensor<1x4x128x32xf32> {mlc.cache = "cache.0.key"},
    %v_cache0: tensor<1x4x128x32xf32> {mlc.cache = "cache.0.value"},
    %k_cache1: tensor<1x4x128x32xf32> {mlc.cache = "cache.1.key"},
    %v_cache1: tensor<1x4x128x32xf32> {mlc.cache = "cache.1.value"},
    %k_cache2: tensor<1x4x128x32xf32> {mlc.cache = "cache.2.key"},
    %v_cache2: tensor<1x4x128x32xf32> {mlc.cache = "cache.2.value"},
    %k_cache3: tensor<1x4x128x32xf32> {mlc.cache = "cache.3.key"},
    %v_cache3: tensor<1x4x128x32xf32> {mlc.cache = "cache.3.value"})
    -> (tensor<1x1x256xf32> {mlc.output = "logits"}, tensor<1x4x128x32xf32> {mlc.update = "cache.0.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.0.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.1.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.1.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.2.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.2.value"}, tensor<1x4x128x32xf32> {mlc.update = "cache.3.key"}, tensor<1x4x128x32xf32> {mlc.update = "cache.3.value"}) attributes {mlc.kind = "decode"} {
  %range = mlc.constant dense<0> : tensor<1xi64>
  %positions = mlc.add %range, %position : (tensor<1xi64>, tensor<i64>) -> tensor<1xi64>
  %tok_emb = mlc.embedding %wte, %tokens : (tensor<256x128xf32>, tensor<1x1xi32>) -> tensor<1x1x128xf32>
  %pos_emb = mlc.embedding %wpe, %positions : (tensor<128x128xf32>, tensor<1xi64>) -> tensor<1x128xf32>
  %x0 = mlc.add %tok_emb, %pos_emb : (tensor<1x1x128xf32>, tensor<1x128xf32>) -> tensor<1x1x128xf32>
  %x1:3 = func.call @gpt2_block_cached_1x1(%x0, %l0_ln_1_w, %l0_ln_1_b, %l0_c_attn_w, %l0_c_attn_b, %l0_attn_proj_w, %l0_attn_proj_b, %l0_ln_2_w, %l0_ln_2_b, %l0_c_fc_w, %l0_c_fc_b, %l0_mlp_proj_w, %l0_mlp_proj_b, %k_cache0, %v_cache0, %position) : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x2:3 = func.call @gpt2_block_cached_1x1(%x1#0, %l1_ln_1_w, %l1_ln_1_b, %l1_c_attn_w, %l1_c_attn_b, %l1_attn_proj_w, %l1_attn_proj_b, %l1_ln_2_w, %l1_ln_2_b, %l1_c_fc_w, %l1_c_fc_b, %l1_mlp_proj_w, %l1_mlp_proj_b, %k_cache1, %v_cache1, %position) : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x3:3 = func.call @gpt2_block_cached_1x1(%x2#0, %l2_ln_1_w, %l2_ln_1_b, %l2_c_attn_w, %l2_c_attn_b, %l2_attn_proj_w, %l2_attn_proj_b, %l2_ln_2_w, %l2_ln_2_b, %l2_c_fc_w, %l2_c_fc_b, %l2_mlp_proj_w, %l2_mlp_proj_b, %k_cache2, %v_cache2, %position) : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x4:3 = func.call @gpt2_block_cached_1x1(%x3#0, %l3_ln_1_w, %l3_ln_1_b, %l3_c_attn_w, %l3_c_attn_b, %l3_attn_proj_w, %l3_attn_proj_b, %l3_ln_2_w, %l3_ln_2_b, %l3_c_fc_w, %l3_c_fc_b, %l3_mlp_proj_w, %l3_mlp_proj_b, %k_cache3, %v_cache3, %position) : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x384xf32>, tensor<384xf32>, tensor<128x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128x512xf32>, tensor<512xf32>, tensor<512x128xf32>, tensor<128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<i64>) -> (tensor<1x1x128xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>)
  %x_final = mlc.layer_norm %x4#0, %ln_f_w, %ln_f_b eps = 1.0e-05 : (tensor<1x1x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<1x1x128xf32>
  %logits = mlc.matmul %x_final, %wte transpose_rhs : (tensor<1x1x128xf32>, tensor<256x128xf32>) -> tensor<1x1x256xf32>
  return %logits, %x1#1, %x1#2, %x2#1, %x2#2, %x3#1, %x3#2, %x4#1, %x4#2 : tensor<1x1x256xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>, tensor<1x4x128x32xf32>
}

}
