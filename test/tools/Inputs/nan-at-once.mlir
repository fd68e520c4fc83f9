// The loss is NaN on the first step: log of a negative weight.
func.func @forward(%w: tensor<f32> {mlc.param = "w", mlc.init = #mlc.init<constant, value = -1.0>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %l = mlc.log %w : tensor<f32>
  return %l : tensor<f32>
}
