// A linear classifier whose second output is its logits, with an eval
// function at batch 8 beside the training function at batch 4.
func.func @forward(%x: tensor<4x5xf32> {mlc.input = "x"}, %y: tensor<4xi64> {mlc.input = "y"},
                   %w: tensor<5x3xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.5>},
                   %b: tensor<3xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4x3xf32> {mlc.output = "logits"}) {
  %h = mlc.matmul %x, %w : (tensor<4x5xf32>, tensor<5x3xf32>) -> tensor<4x3xf32>
  %o = mlc.add %h, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %l = mlc.softmax_cross_entropy %o, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %l, %o : tensor<f32>, tensor<4x3xf32>
}
func.func @forward_eval(%x: tensor<8x5xf32> {mlc.input = "x"}, %y: tensor<8xi64> {mlc.input = "y"},
                        %b: tensor<3xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>},
                        %w: tensor<5x3xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.5>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<8x3xf32> {mlc.output = "logits"}) {
  %h = mlc.matmul %x, %w : (tensor<8x5xf32>, tensor<5x3xf32>) -> tensor<8x3xf32>
  %o = mlc.add %h, %b : (tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = mlc.softmax_cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l, %o : tensor<f32>, tensor<8x3xf32>
}
