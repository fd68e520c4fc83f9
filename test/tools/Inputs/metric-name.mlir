// An output named like a field of the metrics file.
func.func @forward(%x: tensor<2x3xf32> {mlc.input = "x"},
    %w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "step"}) {
  %p = mlc.mul %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %l = mlc.reduce_sum %p axes = [0, 1] : (tensor<2x3xf32>) -> tensor<f32>
  return %l, %l : tensor<f32>, tensor<f32>
}
