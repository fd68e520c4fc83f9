// A model without inputs: fit w to a target; it trains for --steps N on no
// data. It reports an integer metric (the index of the largest weight) and
// a non-scalar output that logs cannot show.
func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<constant, value = 2.0>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<i64> {mlc.output = "largest"},
        tensor<i32> {mlc.output = "count"}, tensor<3xf32> {mlc.output = "weights"}) {
  %t = mlc.constant dense<[1.0, -1.0, 3.0]> : tensor<3xf32>
  %d = mlc.sub %w, %t : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %sq = mlc.mul %d, %d : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %l = mlc.reduce_sum %sq axes = [0] : (tensor<3xf32>) -> tensor<f32>
  %a = mlc.argmax %w axis = 0 : (tensor<3xf32>) -> tensor<i64>
  %zero = mlc.full 0.0 : tensor<3xf32>
  %pos = mlc.compare gt, %w, %zero : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %posi = mlc.cast %pos : tensor<3xi1> to tensor<3xi32>
  %n = mlc.reduce_sum %posi axes = [0] : (tensor<3xi32>) -> tensor<i32>
  return %l, %a, %n, %w : tensor<f32>, tensor<i64>, tensor<i32>, tensor<3xf32>
}
