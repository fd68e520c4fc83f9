// A parameter split in two, both pieces used: loss = a^2 + sum(b) for
// [a, b] = split(w), reported with a as the metric 'head'.
func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<ones>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "head"}) {
  %p:2 = mlc.split %w axis = 0 sizes = [1, 2] : (tensor<3xf32>) -> (tensor<1xf32>, tensor<2xf32>)
  %sq = mlc.mul %p#0, %p#0 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %s1 = mlc.reduce_sum %sq axes = [0] : (tensor<1xf32>) -> tensor<f32>
  %s2 = mlc.reduce_sum %p#1 axes = [0] : (tensor<2xf32>) -> tensor<f32>
  %l = mlc.add %s1, %s2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %h = mlc.reshape %p#0 : (tensor<1xf32>) -> tensor<f32>
  return %l, %h : tensor<f32>, tensor<f32>
}
