// A weight of which each of two ranks holds half the rows (tp=2), trained
// against a target each rank slices from one constant: the loss sums each
// rank's rows and is all-reduced, so every rank reports the whole loss and
// each gets the gradient of its own rows. sharded-whole.mlir is the same
// model on one rank.
module attributes {mlc.mesh = #mlc.mesh<tp = 2>} {
func.func @forward(
    %w: tensor<2x6xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.5>,
                         mlc.shard = #mlc.shard<[4, 6], split(0, "tp", 1)>},
    %b: tensor<3xf32> {mlc.param = "b", mlc.init = #mlc.init<uniform, low = -1.0, high = 1.0>,
                       mlc.shard = #mlc.shard<[5], flat("tp")>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %target = mlc.constant dense<[[0.5, -0.25, 1.0, 0.0, 0.75, -1.0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [-0.6, -0.5, -0.4, -0.3, -0.2, -0.1], [1.0, 0.0, -1.0, 1.0, 0.0, -1.0]]> : tensor<4x6xf32>
  %flat = mlc.all_slice %target over ["tp"] : (tensor<4x6xf32>) -> tensor<12xf32>
  %t = mlc.reshape %flat : (tensor<12xf32>) -> tensor<2x6xf32>
  %a = mlc.tanh %w : tensor<2x6xf32>
  %d = mlc.sub %a, %t : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  %sq = mlc.mul %d, %d : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  %part = mlc.reduce_sum %sq axes = [0, 1] : (tensor<2x6xf32>) -> tensor<f32>
  // b's padding element (the sixth of rank 1's three) is zero and stays
  // zero: its gradient is 2 * 0.
  %bsq = mlc.mul %b, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %bpart = mlc.reduce_sum %bsq axes = [0] : (tensor<3xf32>) -> tensor<f32>
  %sum = mlc.add %part, %bpart : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %loss = mlc.all_reduce sum over ["tp"] %sum : tensor<f32>
  return %loss : tensor<f32>
}
}
