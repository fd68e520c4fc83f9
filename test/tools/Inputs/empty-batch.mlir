func.func @forward(%x: tensor<0x8xf32> {mlc.input = "x"},
                   %w: tensor<8x1xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> tensor<f32> {
  %p = mlc.matmul %x, %w : (tensor<0x8xf32>, tensor<8x1xf32>) -> tensor<0x1xf32>
  %l = mlc.reduce_sum %p axes = [0, 1] : (tensor<0x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
