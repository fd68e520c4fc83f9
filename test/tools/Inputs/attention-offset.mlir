// Decoding-style attention whose position offset (-2) puts the first
// query before every key.
func.func @forward(%q: tensor<1x2x2x4xf32> {mlc.param = "q", mlc.init = #mlc.init<normal, std = 1.0>},
                   %kv: tensor<1x1x3x4xf32> {mlc.param = "kv", mlc.init = #mlc.init<normal, std = 1.0>}) -> tensor<f32> {
  %pos = mlc.constant dense<-2> : tensor<i64>
  %o = mlc.attention %q, %kv, %kv offset %pos causal : (tensor<1x2x2x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<i64>) -> tensor<1x2x2x4xf32>
  %l = mlc.reduce_sum %o axes = [0, 1, 2, 3] : (tensor<1x2x2x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
