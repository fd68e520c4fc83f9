func.func @forward(%x: tensor<2x3xf32> {mlc.input = "x"},
                   %w: tensor<3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %p = mlc.mul %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %l = mlc.reduce_sum %p axes = [0, 1] : (tensor<2x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
