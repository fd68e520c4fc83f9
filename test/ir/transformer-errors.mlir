// Every verifier and type-inference error of the transformer ops:
// embeddings, norms, activations, rotary embeddings, masks and attention
// (errors.mlir and slicing-errors.mlir have the other ops).
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

func.func @embedding_table_rank(%t: tensor<10x4x2xf32>, %i: tensor<3xi64>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.embedding' table must be [V, D], found 10x4x2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.embedding %t, %i : (tensor<10x4x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @embedding_ids_not_integer(%t: tensor<10x4xf32>, %i: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @embedding_table_not_float(%t: tensor<10x4xi32>, %i: tensor<3xi64>) -> tensor<3x4xi32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xi32>, tensor<3xi64>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// -----

func.func @embedding_wrong_result(%t: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x10xf32> {
  // expected-error @+2 {{'mlc.embedding' op inferred type(s) 'tensor<3x4xf32>' are incompatible with return type(s) of operation 'tensor<3x10xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----

func.func @embedding_grad_result_rank(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op result must be the table's [V, D], found 10}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// -----

func.func @embedding_grad_shape(%g: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<10x4xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op gradient shape must be 2x4 (the ids' shape, then D = 4), found 3x4}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

func.func @embedding_grad_width(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10x5xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op gradient shape must be 3x5 (the ids' shape, then D = 5), found 3x4}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10x5xf32>
  return %0 : tensor<10x5xf32>
}

// -----

func.func @embedding_grad_element_type(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10x4xf64> {
  // expected-error @+1 {{'mlc.embedding_grad' op result element type 'f64' differs from the gradient's 'f32'}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10x4xf64>
  return %0 : tensor<10x4xf64>
}

//===----------------------------------------------------------------------===//
// Norms and activations
//===----------------------------------------------------------------------===//

// -----

func.func @layer_norm_weight_shape(%x: tensor<2x8xf32>, %w: tensor<4xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.layer_norm' weight must be [8] (the input's last dimension), found 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.layer_norm %x, %w, %b : (tensor<2x8xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<1x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.layer_norm' bias must be [8] (the input's last dimension), found 1x8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.layer_norm %x, %w, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_bias_element_type(%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf64>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.layer_norm' bias has element type 'f64', expected the input's 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.layer_norm %x, %w, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf64>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_scalar(%x: tensor<f32>, %w: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+2 {{'mlc.layer_norm' normalizes the last dimension, but the input is a scalar}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.layer_norm %x, %w, %w : (tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @layer_norm_negative_eps(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.layer_norm' eps must be finite and non-negative, found -1.000000e-05}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.layer_norm %x, %w, %w eps = -1.0e-5 : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_weight_shape(%x: tensor<2x8xf32>, %w: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.rms_norm' weight must be [8] (the input's last dimension), found 2x8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.rms_norm %x, %w : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_infinite_eps(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'mlc.rms_norm' eps must be finite and non-negative, found INF}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.rms_norm %x, %w eps = 0x7FF0000000000000 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_wrong_result(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf64> {
  // expected-error @+2 {{'mlc.rms_norm' op inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.rms_norm %x, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf64>
  return %0 : tensor<2x8xf64>
}

// -----

func.func @gelu_unknown_approximation(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.gelu' op approximate must be "none" or "tanh", found "erf"}}
  %0 = mlc.gelu %x approximate = "erf" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @silu_integer(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = mlc.silu %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @log_softmax_axis(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'mlc.log_softmax' op axis -3 is out of range for rank 2}}
  %0 = mlc.log_softmax %x axis = -3 : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

//===----------------------------------------------------------------------===//
// Rotary embeddings, masks and attention
//===----------------------------------------------------------------------===//

// -----

func.func @rope_odd_width(%x: tensor<2x3x5xf32>, %p: tensor<3xi64>) -> tensor<2x3x5xf32> {
  // expected-error @+1 {{'mlc.rope' op last dimension D must be even, found 5}}
  %0 = mlc.rope %x, %p : (tensor<2x3x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @rope_rank_one(%x: tensor<8xf32>, %p: tensor<8xi64>) -> tensor<8xf32> {
  // expected-error @+1 {{'mlc.rope' op input must have rank >= 2 ([..., T, D]), found 8}}
  %0 = mlc.rope %x, %p : (tensor<8xf32>, tensor<8xi64>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @rope_positions_shape(%x: tensor<2x3x4xf32>, %p: tensor<4xi64>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'mlc.rope' op positions must be [3] (T, the input's dim -2), found 4}}
  %0 = mlc.rope %x, %p : (tensor<2x3x4xf32>, tensor<4xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @rope_float_positions(%x: tensor<3x4xf32>, %p: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.rope %x, %p : (tensor<3x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @rope_theta(%x: tensor<3x4xf32>, %p: tensor<3xi64>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'mlc.rope' op theta must be finite and positive, found -1.000000e+00}}
  %0 = mlc.rope %x, %p theta = -1.0 : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @rope_result(%x: tensor<3x4xf32>, %p: tensor<3xi64>) -> tensor<3x4xf64> {
  // expected-error @+1 {{'mlc.rope' op result type 'tensor<3x4xf64>' differs from the input's 'tensor<3x4xf32>'}}
  %0 = mlc.rope %x, %p : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// -----

func.func @causal_mask_rank_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.causal_mask' op input must have rank >= 2 ([..., T, S]), found 4}}
  %0 = mlc.causal_mask %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @causal_mask_integer(%x: tensor<4x4xi32>) -> tensor<4x4xi32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = mlc.causal_mask %x : tensor<4x4xi32>
  return %0 : tensor<4x4xi32>
}

// -----

func.func @attention_groups(%q: tensor<1x6x2x8xf32>, %k: tensor<1x4x3x8xf32>) -> tensor<1x6x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op query heads H = 6 must be a multiple of kv heads KVH = 4}}
  %0 = mlc.attention %q, %k, %k : (tensor<1x6x2x8xf32>, tensor<1x4x3x8xf32>, tensor<1x4x3x8xf32>) -> tensor<1x6x2x8xf32>
  return %0 : tensor<1x6x2x8xf32>
}

// -----

func.func @attention_q_rank(%q: tensor<6x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<6x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op q must be [B, H, T, D], found 6x2x8}}
  %0 = mlc.attention %q, %k, %k : (tensor<6x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<6x2x8xf32>
  return %0 : tensor<6x2x8xf32>
}

// -----

func.func @attention_k_width(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x4xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op k must be [1, KVH, S, 8] (q's batch and head size), found 1x2x3x4}}
  %0 = mlc.attention %q, %k, %k : (tensor<1x2x2x8xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_v_shape(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op v must have k's shape 1x2x3x8, found 1x2x4x8}}
  %0 = mlc.attention %q, %k, %v : (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_element_types(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf64>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op q, k and v must share one element type, found 'f32', 'f64' and 'f64'}}
  %0 = mlc.attention %q, %k, %k : (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf64>, tensor<1x2x3x8xf64>) -> tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_offset_needs_causal(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x3x8xf32>, %pos: tensor<i64>) -> tensor<1x2x1x8xf32> {
  // expected-error @+1 {{'mlc.attention' op offset needs causal}}
  %0 = mlc.attention %q, %k, %k offset %pos : (tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<i64>) -> tensor<1x2x1x8xf32>
  return %0 : tensor<1x2x1x8xf32>
}

// -----

func.func @attention_offset_not_scalar(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x3x8xf32>, %pos: tensor<1xi64>) -> tensor<1x2x1x8xf32> {
  // expected-error @+1 {{'mlc.attention' op offset must be a scalar, found 'tensor<1xi64>'}}
  %0 = mlc.attention %q, %k, %k offset %pos causal : (tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1xi64>) -> tensor<1x2x1x8xf32>
  return %0 : tensor<1x2x1x8xf32>
}

// -----

func.func @attention_causal_more_queries(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{'mlc.attention' op causal attention needs T <= S (bottom-right aligned mask), found T = 4, S = 3}}
  %0 = mlc.attention %q, %k, %k causal : (tensor<1x2x4x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @attention_scale(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention' op scale must be finite, found nan}}
  %0 = mlc.attention %q, %k, %k scale = 0x7FF8000000000000 : (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_result(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32> {
  // expected-error @+1 {{'mlc.attention' op result type 'tensor<1x2x3x8xf32>' differs from q's 'tensor<1x2x2x8xf32>'}}
  %0 = mlc.attention %q, %k, %k : (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32>
  return %0 : tensor<1x2x3x8xf32>
}

// -----

func.func @attention_grad_dout(%g: tensor<1x2x2x4xf32>, %q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention_grad' op dout type 'tensor<1x2x2x4xf32>' differs from q's 'tensor<1x2x2x8xf32>'}}
  %0:3 = mlc.attention_grad %g, %q, %k, %k : (tensor<1x2x2x4xf32>, tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>)
  return %0#0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_grad_result(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{'mlc.attention_grad' op dk type 'tensor<1x2x2x8xf32>' differs from 'tensor<1x2x3x8xf32>'}}
  %0:3 = mlc.attention_grad %q, %q, %k, %k : (tensor<1x2x2x8xf32>, tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x2x2x8xf32>, tensor<1x2x2x8xf32>, tensor<1x2x3x8xf32>)
  return %0#0 : tensor<1x2x2x8xf32>
}

// -----

func.func @attention_grad_groups(%q: tensor<1x3x2x8xf32>, %k: tensor<1x2x3x8xf32>) -> tensor<1x3x2x8xf32> {
  // expected-error @+1 {{'mlc.attention_grad' op query heads H = 3 must be a multiple of kv heads KVH = 2}}
  %0:3 = mlc.attention_grad %q, %q, %k, %k causal : (tensor<1x3x2x8xf32>, tensor<1x3x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x3x2x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>)
  return %0#0 : tensor<1x3x2x8xf32>
}
