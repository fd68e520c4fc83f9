// An MLP 10 wide, which does not divide over tp=4.
func.func @width_ten(
    %x: tensor<2x8xf32> {mlc.input = "x"},
    %fc: tensor<8x10xf32> {mlc.param = "fc", mlc.init = #mlc.init<normal, std = 0.1>},
    %proj: tensor<10x8xf32> {mlc.param = "proj", mlc.init = #mlc.init<normal, std = 0.1>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  // expected-error @below {{'mlc.matmul' op cannot be split over tp=4: parameter 'fc' ('tensor<8x10xf32>') is split along dimension 1 (10), which does not divide by 4}}
  %h = mlc.matmul %x, %fc : (tensor<2x8xf32>, tensor<8x10xf32>) -> tensor<2x10xf32>
  %a = mlc.relu %h : tensor<2x10xf32>
  %p = mlc.matmul %a, %proj : (tensor<2x10xf32>, tensor<10x8xf32>) -> tensor<2x8xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<2x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
