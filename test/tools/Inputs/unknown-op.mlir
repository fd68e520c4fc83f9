func.func @forward(%x: tensor<4x8xf32> {mlc.input = "x"}) -> tensor<f32> {
  %h = mlc.conv2d %x : tensor<4x8xf32>
  %l = mlc.reduce_sum %h axes = [0, 1] : (tensor<4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
