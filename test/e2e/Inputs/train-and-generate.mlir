// Training and generation in one model file: @forward trains "w" (a
// parameter fit without inputs), @prefill and @decode of cache-model.mlir
// share it by name.
func.func @forward(
    %w: tensor<8x8xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 1.0>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %sq = mlc.mul %w, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %l = mlc.reduce_mean %sq axes = [0, 1] : (tensor<8x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// @prefill: logits of the 8 tokens at positions [pos, pos + 8), reading
// every earlier token back from the cache.
func.func @prefill(
    %tokens: tensor<1x8xi64> {mlc.input = "tokens", mlc.vocab = 8},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %w: tensor<8x8xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 1.0>},
    %cache: tensor<1x16x8xf32> {mlc.cache = "cache"})
    -> (tensor<1x8x8xf32> {mlc.output = "logits"},
        tensor<1x16x8xf32> {mlc.update = "cache"})
    attributes {mlc.kind = "prefill"} {
  %e = mlc.one_hot %tokens : (tensor<1x8xi64>) -> tensor<1x8x8xf32>
  %c = mlc.cache_write %cache, %e, %pos axis = 1 : (tensor<1x16x8xf32>, tensor<1x8x8xf32>, tensor<i64>) -> tensor<1x16x8xf32>
  %s = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi64>
  %q0 = mlc.constant dense<[[0], [1], [2], [3], [4], [5], [6], [7]]> : tensor<8x1xi64>
  %q = mlc.add %q0, %pos : (tensor<8x1xi64>, tensor<i64>) -> tensor<8x1xi64>
  %m = mlc.compare le, %s, %q : (tensor<16xi64>, tensor<8x1xi64>) -> tensor<8x16xi1>
  %mask = mlc.cast %m : tensor<8x16xi1> to tensor<8x16xf32>
  %h = mlc.matmul %mask, %c : (tensor<8x16xf32>, tensor<1x16x8xf32>) -> tensor<1x8x8xf32>
  %a = mlc.tanh %h : tensor<1x8x8xf32>
  %logits = mlc.matmul %a, %w : (tensor<1x8x8xf32>, tensor<8x8xf32>) -> tensor<1x8x8xf32>
  return %logits, %c : tensor<1x8x8xf32>, tensor<1x16x8xf32>
}

// @decode: logits of the 1 tokens at positions [pos, pos + 1), reading
// every earlier token back from the cache.
func.func @decode(
    %tokens: tensor<1x1xi64> {mlc.input = "tokens", mlc.vocab = 8},
    %pos: tensor<i64> {mlc.input = "position", mlc.position},
    %w: tensor<8x8xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 1.0>},
    %cache: tensor<1x16x8xf32> {mlc.cache = "cache"})
    -> (tensor<1x1x8xf32> {mlc.output = "logits"},
        tensor<1x16x8xf32> {mlc.update = "cache"})
    attributes {mlc.kind = "decode"} {
  %e = mlc.one_hot %tokens : (tensor<1x1xi64>) -> tensor<1x1x8xf32>
  %c = mlc.cache_write %cache, %e, %pos axis = 1 : (tensor<1x16x8xf32>, tensor<1x1x8xf32>, tensor<i64>) -> tensor<1x16x8xf32>
  %s = mlc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi64>
  %q0 = mlc.constant dense<[[0]]> : tensor<1x1xi64>
  %q = mlc.add %q0, %pos : (tensor<1x1xi64>, tensor<i64>) -> tensor<1x1xi64>
  %m = mlc.compare le, %s, %q : (tensor<16xi64>, tensor<1x1xi64>) -> tensor<1x16xi1>
  %mask = mlc.cast %m : tensor<1x16xi1> to tensor<1x16xf32>
  %h = mlc.matmul %mask, %c : (tensor<1x16xf32>, tensor<1x16x8xf32>) -> tensor<1x1x8xf32>
  %a = mlc.tanh %h : tensor<1x1x8xf32>
  %logits = mlc.matmul %a, %w : (tensor<1x1x8xf32>, tensor<8x8xf32>) -> tensor<1x1x8xf32>
  return %logits, %c : tensor<1x1x8xf32>, tensor<1x16x8xf32>
}
