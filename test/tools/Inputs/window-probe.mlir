// A model whose outputs say which token window it saw: with a token file
// whose ids are their own positions (tokens[i] = i), the loss is the mean
// of the window at shift 0 (start + 1.5 for one window of 4 tokens) and
// `shifted` the mean of the window at shift 2 (start + 3.5). The loss also
// adds w, which a learning rate of 1e-30 keeps at 0 in every printed digit.
func.func @forward(
    %t: tensor<1x4xi32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 1000},
    %u: tensor<1x4xi64> {mlc.input = "u", mlc.shift = 2, mlc.vocab = 1000},
    %w: tensor<f32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "shifted"}) {
  %tf = mlc.cast %t : tensor<1x4xi32> to tensor<1x4xf32>
  %uf = mlc.cast %u : tensor<1x4xi64> to tensor<1x4xf32>
  %mt = mlc.reduce_mean %tf axes = [0, 1] : (tensor<1x4xf32>) -> tensor<f32>
  %mu = mlc.reduce_mean %uf axes = [0, 1] : (tensor<1x4xf32>) -> tensor<f32>
  %loss = mlc.add %mt, %w : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %loss, %mu : tensor<f32>, tensor<f32>
}
