// sharded-rows.mlir on one rank: the whole weight and target.
func.func @forward(
    %w: tensor<4x6xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.5>},
    %b: tensor<5xf32> {mlc.param = "b", mlc.init = #mlc.init<uniform, low = -1.0, high = 1.0>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %t = mlc.constant dense<[[0.5, -0.25, 1.0, 0.0, 0.75, -1.0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [-0.6, -0.5, -0.4, -0.3, -0.2, -0.1], [1.0, 0.0, -1.0, 1.0, 0.0, -1.0]]> : tensor<4x6xf32>
  %a = mlc.tanh %w : tensor<4x6xf32>
  %d = mlc.sub %a, %t : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  %sq = mlc.mul %d, %d : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  %part = mlc.reduce_sum %sq axes = [0, 1] : (tensor<4x6xf32>) -> tensor<f32>
  %bsq = mlc.mul %b, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  %bpart = mlc.reduce_sum %bsq axes = [0] : (tensor<5xf32>) -> tensor<f32>
  %loss = mlc.add %part, %bpart : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %loss : tensor<f32>
}
