// A batch of 6 rows, which dp=4 does not divide.
// expected-error @below {{@forward takes batches of 6 rows ('x' is 'tensor<6x4xf32>'), which do not divide over dp=4; choose a batch that is a multiple of 4}}
func.func @forward(
    %x: tensor<6x4xf32> {mlc.input = "x"},
    %w: tensor<4x1xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.matmul %x, %w : (tensor<6x4xf32>, tensor<4x1xf32>) -> tensor<6x1xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<6x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
