func.func @forward(%x: tensor<1x8xf32> {mlc.input = "x"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %x axes = [0, 1] : (tensor<1x8xf32>) -> tensor<f32>
  // A missing type list below:
  %1 = mlc.neg %0
  return %1 : tensor<f32>
}
