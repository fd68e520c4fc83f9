// mlc.cache_write and the prefill/decode conventions (mlc.cache,
// mlc.position, mlc.vocab on token ids): round trip, then every verifier
// error.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @decode
// CHECK: %[[C:.*]] = mlc.cache_write %{{.*}}, %{{.*}}, %{{.*}} axis = 2 : (tensor<1x2x16x4xf32>, tensor<1x2x1x4xf32>, tensor<i64>) -> tensor<1x2x16x4xf32>
// CHECK: return %{{.*}}, %[[C]]
func.func @decode(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %k: tensor<1x2x16x4xf32> {mlc.cache = "k"})
    -> (tensor<1x1x4xf32>, tensor<1x2x16x4xf32> {mlc.update = "k"})
    attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  %n = mlc.reshape %e : (tensor<1x1x4xf32>) -> tensor<1x1x1x4xf32>
  %b = mlc.broadcast_to %n : (tensor<1x1x1x4xf32>) -> tensor<1x2x1x4xf32>
  %k2 = mlc.cache_write %k, %b, %pos axis = 2 : (tensor<1x2x16x4xf32>, tensor<1x2x1x4xf32>, tensor<i64>) -> tensor<1x2x16x4xf32>
  return %e, %k2 : tensor<1x1x4xf32>, tensor<1x2x16x4xf32>
}

// -----

func.func @cache_write_i32_position(%c: tensor<8x4xf64>, %n: tensor<3x4xf64>, %p: tensor<i32>) -> tensor<8x4xf64> {
  %0 = mlc.cache_write %c, %n, %p axis = -2 : (tensor<8x4xf64>, tensor<3x4xf64>, tensor<i32>) -> tensor<8x4xf64>
  return %0 : tensor<8x4xf64>
}

// -----

func.func @too_many_slices(%c: tensor<4x4xf32>, %n: tensor<5x4xf32>, %p: tensor<i64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op new values have 5 slices along axis 0, more than the cache's extent 4}}
  %0 = mlc.cache_write %c, %n, %p axis = 0 : (tensor<4x4xf32>, tensor<5x4xf32>, tensor<i64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @other_dims_differ(%c: tensor<4x4xf32>, %n: tensor<1x3xf32>, %p: tensor<i64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op new values 1x3 must match the cache 4x4 in every dimension but axis 0 (dimension 1 differs)}}
  %0 = mlc.cache_write %c, %n, %p axis = 0 : (tensor<4x4xf32>, tensor<1x3xf32>, tensor<i64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @bad_axis(%c: tensor<4x4xf32>, %n: tensor<1x4xf32>, %p: tensor<i64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op axis 2 is out of range for the cache 'tensor<4x4xf32>' of rank 2}}
  %0 = mlc.cache_write %c, %n, %p axis = 2 : (tensor<4x4xf32>, tensor<1x4xf32>, tensor<i64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @position_not_scalar(%c: tensor<4x4xf32>, %n: tensor<1x4xf32>, %p: tensor<1xi64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op position must be an integer scalar (tensor<i64> or tensor<i32>), found 'tensor<1xi64>'}}
  %0 = mlc.cache_write %c, %n, %p axis = 0 : (tensor<4x4xf32>, tensor<1x4xf32>, tensor<1xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @element_types_differ(%c: tensor<4x4xf32>, %n: tensor<1x4xf64>, %p: tensor<i64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op new values must have the cache's element type 'f32', found 'f64'}}
  %0 = mlc.cache_write %c, %n, %p axis = 0 : (tensor<4x4xf32>, tensor<1x4xf64>, tensor<i64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @result_type(%c: tensor<4x4xf32>, %n: tensor<1x4xf32>, %p: tensor<i64>) -> tensor<5x4xf32> {
  // expected-error @+1 {{'mlc.cache_write' op result must have the cache's type 'tensor<4x4xf32>', found 'tensor<5x4xf32>'}}
  %0 = mlc.cache_write %c, %n, %p axis = 0 : (tensor<4x4xf32>, tensor<1x4xf32>, tensor<i64>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// expected-error @+1 {{cache 'k' (argument #2) must be a float tensor, found 'tensor<1x16xi32>'}}
func.func @cache_not_float(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %k: tensor<1x16xi32> {mlc.cache = "k"})
    -> (tensor<1x1x4xf32>, tensor<1x16xi32> {mlc.update = "k"})
    attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e, %k : tensor<1x1x4xf32>, tensor<1x16xi32>
}

// -----

// expected-error @+1 {{cache 'k' (argument #2) has no result with mlc.update = "k" (its new value)}}
func.func @cache_without_update(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %k: tensor<1x16xf32> {mlc.cache = "k"})
    -> tensor<1x1x4xf32> attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e : tensor<1x1x4xf32>
}

// -----

// expected-error @+1 {{cache 'k' (argument #0) is only valid in a function of mlc.kind "prefill" or "decode"}}
func.func @cache_in_training(%k: tensor<16xf32> {mlc.cache = "k"})
    -> (tensor<16xf32> {mlc.update = "k"}) {
  return %k : tensor<16xf32>
}

// -----

// expected-error @+1 {{argument #2 is marked both 'mlc.cache' and 'mlc.param'}}
func.func @cache_and_param(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %k: tensor<16xf32> {mlc.cache = "k", mlc.param = "k"})
    -> (tensor<1x1x4xf32>, tensor<16xf32> {mlc.update = "k"})
    attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e, %k : tensor<1x1x4xf32>, tensor<16xf32>
}

// -----

// expected-error @+1 {{'mlc.position' on argument #1 needs an i32 or i64 scalar (tensor<i64>), found 'tensor<1xi64>'}}
func.func @position_not_scalar_arg(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<1xi64> {mlc.input = "position", mlc.position})
    -> tensor<1x1x4xf32> attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e : tensor<1x1x4xf32>
}

// -----

// expected-error @+1 {{'mlc.position' on argument #1 needs an i32 or i64 scalar (tensor<i64>), found 'tensor<f32>'}}
func.func @position_float(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<f32> {mlc.input = "position", mlc.position})
    -> tensor<1x1x4xf32> attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e : tensor<1x1x4xf32>
}

// -----

// expected-error @+1 {{'mlc.position' on argument #1 and argument #2 both hold the position; a function has one}}
func.func @two_positions(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %pos2: tensor<i64> {mlc.input = "position2", mlc.position})
    -> tensor<1x1x4xf32> attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e : tensor<1x1x4xf32>
}

// -----

// expected-error @+1 {{'mlc.position' on argument #1 needs 'mlc.input' beside it (the position is an input)}}
func.func @position_not_input(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 4},
    %pos: tensor<i64> {mlc.param = "position", mlc.position, mlc.init = #mlc.init<zeros>, mlc.frozen})
    -> tensor<1x1x4xf32> attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x4xf32>
  return %e : tensor<1x1x4xf32>
}

// -----

// expected-error @+1 {{'mlc.position' on argument #0 is only valid in a function of mlc.kind "prefill" or "decode"}}
func.func @position_in_eval(%pos: tensor<i64> {mlc.input = "position", mlc.position}) -> tensor<i64> {
  return %pos : tensor<i64>
}

// -----

// expected-error @+1 {{@prefill (mlc.kind = "prefill") needs a position input (mlc.input with mlc.position, an integer scalar)}}
func.func @prefill(%tokens: tensor<1x4xi64> {mlc.input = "tokens", mlc.vocab = 4})
    -> tensor<1x4x4xf32> attributes {mlc.kind = "prefill"} {
  %e = mlc.one_hot %tokens : (tensor<1x4xi64>) -> tensor<1x4x4xf32>
  return %e : tensor<1x4x4xf32>
}

// -----

// expected-error @+1 {{@prefill (mlc.kind = "prefill") takes input argument #0 without 'mlc.vocab'; the inputs of inference are token ids [B, T] with mlc.vocab = V and the position}}
func.func @prefill(%tokens: tensor<1x4xi64> {mlc.input = "tokens"},
                   %pos: tensor<i64> {mlc.input = "position", mlc.position})
    -> tensor<1x4x4xf32> attributes {mlc.kind = "prefill"} {
  %e = mlc.one_hot %tokens : (tensor<1x4xi64>) -> tensor<1x4x4xf32>
  return %e : tensor<1x4x4xf32>
}

// -----

// expected-error @+1 {{@prefill (mlc.kind = "prefill") must return the logits first, a float tensor of shape [1, 4, 5] ([B, T] of the tokens, mlc.vocab), found 'tensor<1x4x4xf32>'}}
func.func @prefill(%tokens: tensor<1x4xi64> {mlc.input = "tokens", mlc.vocab = 5},
                   %pos: tensor<i64> {mlc.input = "position", mlc.position})
    -> tensor<1x4x4xf32> attributes {mlc.kind = "prefill"} {
  %e = mlc.one_hot %tokens : (tensor<1x4xi64>) -> tensor<1x4x4xf32>
  return %e : tensor<1x4x4xf32>
}

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 needs an i32 or i64 [B, T] input of token ids, found 'tensor<4xi64>'}}
func.func @prefill(%tokens: tensor<4xi64> {mlc.input = "tokens", mlc.vocab = 4},
                   %pos: tensor<i64> {mlc.input = "position", mlc.position})
    -> tensor<4x4xf32> attributes {mlc.kind = "prefill"} {
  %e = mlc.one_hot %tokens : (tensor<4xi64>) -> tensor<4x4xf32>
  return %e : tensor<4x4xf32>
}

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 needs 'mlc.shift' beside it (it bounds the ids of a token window), or a function of mlc.kind "prefill" or "decode"}}
func.func @vocab_outside_inference(%tokens: tensor<1x4xi64> {mlc.input = "tokens", mlc.vocab = 4}) -> tensor<1x4xi64> {
  return %tokens : tensor<1x4xi64>
}

// -----

// expected-error @+1 {{'mlc.kind' must be "train", "eval", "accumulate", "apply", "prefill" or "decode", found "sample"}}
func.func @bad_kind() attributes {mlc.kind = "sample"} {
  return
}
