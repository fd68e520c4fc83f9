// Errors of -mlc-tensor-parallel: heads, key/value heads and widths that do
// not divide by tp, and ops the split of a block cannot go through, each
// named at the op.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-tensor-parallel=mesh=tp=2
// RUN: mlc-opt %S/Inputs/mlp-width-ten.mlir -verify-diagnostics -mlc-tensor-parallel=mesh=tp=4

// The model's configuration says 3 heads.
// expected-error @below {{tp=2 does not divide the 3 attention heads of the model (mlc.transformer heads = 3); choose a tp that divides it}}
module attributes {mlc.transformer = {family = "gpt2", layers = 1 : i64, heads = 3 : i64, kv_heads = 3 : i64, dim = 24 : i64, ffn_dim = 96 : i64, vocab = 256 : i64, context = 32 : i64, norm_eps = 1.0e-05 : f64, rope_theta = 10000.0 : f64, tie_embeddings = true}} {
}

// -----

// Grouped-query attention with one key/value head.
// expected-error @below {{tp=2 does not divide the 1 key/value heads of the model (mlc.transformer kv_heads = 1); choose a tp that divides it}}
module attributes {mlc.transformer = {family = "llama", layers = 1 : i64, heads = 4 : i64, kv_heads = 1 : i64, dim = 32 : i64, ffn_dim = 96 : i64, vocab = 256 : i64, context = 32 : i64, norm_eps = 1.0e-06 : f64, rope_theta = 10000.0 : f64, tie_embeddings = false}} {
}

// -----

// A vocabulary of 255 tokens.
// expected-error @below {{tp=2 does not divide the 255 tokens of the vocabulary of the model (mlc.transformer vocab = 255); choose a tp that divides it}}
module attributes {mlc.transformer = {family = "gpt2", layers = 1 : i64, heads = 2 : i64, kv_heads = 2 : i64, dim = 32 : i64, ffn_dim = 128 : i64, vocab = 255 : i64, context = 32 : i64, norm_eps = 1.0e-05 : f64, rope_theta = 10000.0 : f64, tie_embeddings = true}} {
}

// -----

// 3 heads of 4 without a configuration: the reshape into heads finds it.
func.func @three_heads(
    %x: tensor<2x4x12xf32> {mlc.input = "x"},
    %w: tensor<12x12xf32> {mlc.param = "q", mlc.init = #mlc.init<normal, std = 0.1>},
    %o: tensor<12x12xf32> {mlc.param = "o", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %q0 = mlc.matmul %x, %w : (tensor<2x4x12xf32>, tensor<12x12xf32>) -> tensor<2x4x12xf32>
  // expected-error @below {{'mlc.reshape' op cannot be split over tp=2: it reshapes dimension 2 (12, split over tp=2) into 3 x 4, and 3 (heads, when it feeds an attention) does not divide by 2}}
  %q1 = mlc.reshape %q0 : (tensor<2x4x12xf32>) -> tensor<2x4x3x4xf32>
  %q = mlc.transpose %q1 perm = [0, 2, 1, 3] : (tensor<2x4x3x4xf32>) -> tensor<2x3x4x4xf32>
  %a = mlc.attention %q, %q, %q causal : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %a1 = mlc.transpose %a perm = [0, 2, 1, 3] : (tensor<2x3x4x4xf32>) -> tensor<2x4x3x4xf32>
  %a2 = mlc.reshape %a1 : (tensor<2x4x3x4xf32>) -> tensor<2x4x12xf32>
  %p = mlc.matmul %a2, %o : (tensor<2x4x12xf32>, tensor<12x12xf32>) -> tensor<2x4x12xf32>
  %l = mlc.reduce_mean %p axes = [0, 1, 2] : (tensor<2x4x12xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A softmax over the features the block splits.
func.func @softmax_over_columns(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<16x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  // expected-error @below {{'mlc.softmax' op cannot be split over tp=2: it normalizes along dimension 1, which is split over the ranks}}
  %s = mlc.softmax %h axis = 1 : tensor<2x16xf32>
  %p = mlc.matmul %s, %proj : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Split columns added to an activation every rank holds whole.
func.func @whole_activation(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %z: tensor<2x16xf32> {mlc.input = "z"},
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<16x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  // expected-error @below {{'mlc.add' op cannot be split over tp=2: operand #1 ('tensor<2x16xf32>') is the same on every rank but spans dimension 1 of the result, which is split}}
  %s = mlc.add %h, %z : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %p = mlc.matmul %s, %proj : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The block's first weight is read whole before it.
func.func @weight_used_whole(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<16x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %n = mlc.reduce_sum %fc axes = [0, 1] : (tensor<8x16xf32>) -> tensor<f32>
  // expected-error @below {{'mlc.matmul' op cannot be split over tp=2: it splits parameter 'fc', which 'mlc.reduce_sum' (before it) uses whole}}
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %p = mlc.matmul %h, %proj : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %pn = mlc.add %p, %n : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %pn axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A result that keeps the split features other than as its last
// dimension (logits split over the vocabulary are gathered back).
// expected-error @below {{result #1 of @split_result is split over tp along dimension 1; only whole results can be reported}}
func.func @split_result(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<16x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<2x4x4xf32> {mlc.output = "heads"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %heads = mlc.reshape %h : (tensor<2x16xf32>) -> tensor<2x4x4xf32>
  %p = mlc.matmul %h, %proj : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l, %heads : tensor<f32>, tensor<2x4x4xf32>
}

// -----

// The fused QKV cut into unequal pieces.
func.func @unequal_split(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %w: tensor<8x24xf32> {mlc.param = "qkv", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<8x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %w : (tensor<2x8xf32>, tensor<8x24xf32>) -> tensor<2x24xf32>
  // expected-error @below {{'mlc.split' op cannot be split over tp=2: it cuts dimension 1, split over the ranks in 1 blocks, into 2 unequal pieces; each piece must be whole blocks}}
  %a, %b = mlc.split %h axis = 1 sizes = [8, 16] : (tensor<2x24xf32>) -> (tensor<2x8xf32>, tensor<2x16xf32>)
  %p = mlc.matmul %a, %proj : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// One parameter split in one function and whole in another.
module {
func.func @forward(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<16x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %p = mlc.matmul %h, %proj : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
// expected-error @below {{parameter 'fc' is whole in @norm but split over tp in @forward; every entry point holds the same piece}}
func.func @norm(
    %fc: tensor<8x16xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "norm"}) {
  %n = mlc.reduce_sum %fc axes = [0, 1] : (tensor<8x16xf32>) -> tensor<f32>
  return %n : tensor<f32>
}
}
