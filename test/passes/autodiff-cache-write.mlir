// mlc.cache_write has no gradient: autodiff says so when it lies on the
// loss's path, and differentiates around it otherwise.
// RUN: mlc-opt %s -split-input-file -mlc-autodiff -verify-diagnostics

func.func @forward(
    %w: tensor<4x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
    %n: tensor<1x2xf32> {mlc.param = "n", mlc.init = #mlc.init<zeros>, mlc.frozen},
    %p: tensor<i64> {mlc.param = "p", mlc.init = #mlc.init<zeros>, mlc.frozen})
    -> tensor<f32> {
  // expected-error @+1 {{cannot differentiate through 'mlc.cache_write': it has no gradient rule}}
  %c = mlc.cache_write %w, %n, %p axis = 0 : (tensor<4x2xf32>, tensor<1x2xf32>, tensor<i64>) -> tensor<4x2xf32>
  %l = mlc.reduce_sum %c axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
