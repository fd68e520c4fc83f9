// The gradient of a sum over a large parameter is a splat of ones the size
// of the parameter (10^7 elements, 40 MB); the executable stores it as one
// element.
func.func @forward(
    %w: tensor<10000000xf32> {mlc.param = "w", mlc.init = #mlc.init<ones>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<10000000xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
