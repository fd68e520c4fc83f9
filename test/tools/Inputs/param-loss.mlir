// The loss is a parameter (w + 0 canonicalizes to w): it must report w
// before the step updates it.
func.func @forward(%x0: tensor<6x3x1xf32> {mlc.input = "x0"},
    %w5: tensor<f32> {mlc.param = "w5", mlc.init = #mlc.init<constant, value = 0.5>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %v2 = mlc.full 0.00000000000000000e+00 : tensor<f32>
  %v3 = mlc.add %w5, %v2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %v3 : tensor<f32>
}
