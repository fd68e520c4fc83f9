func.func @forward(%x: tensor<4x8xf32> {mlc.input = "x"},
                   %w: tensor<16x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %h = mlc.matmul %x, %w : (tensor<4x8xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  %l = mlc.reduce_sum %h axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
