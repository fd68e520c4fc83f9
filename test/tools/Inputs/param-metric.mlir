// A metric that is a parameter the step updates (1 * v canonicalizes to v)
// and one that is the loss's own parameter: both report their values
// before the update.
func.func @forward(%x: tensor<6x3x1xf32> {mlc.input = "x"},
    %w: tensor<f32> {mlc.param = "w", mlc.init = #mlc.init<constant, value = 0.5>},
    %v: tensor<f32> {mlc.param = "v", mlc.init = #mlc.init<constant, value = 2.0>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "w_now"},
        tensor<f32> {mlc.output = "v_now"}) {
  %v2 = mlc.mul %v, %v : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %l = mlc.add %w, %v2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %one = mlc.full 1.0 : tensor<f32>
  %vo = mlc.mul %one, %v : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %ident = mlc.cast %w : tensor<f32> to tensor<f32>
  return %l, %ident, %vo : tensor<f32>, tensor<f32>, tensor<f32>
}
