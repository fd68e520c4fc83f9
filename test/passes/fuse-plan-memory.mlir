// Row regions compute updates in place where their kernel reads the old
// value at the index it writes (ir/Aliasing.cpp): a value of the iteration
// shape computed at each index, and a value per row read once per row
// before that row's new value is stored. A row's sum spread back over the
// row by broadcast_to is written at indices the kernel also reads for
// other rows' sums: the new q gets a workspace slice (the exporter copies
// it after the step).
// RUN: mlc-opt %s -mlc-fuse -mlc-plan-memory | FileCheck %s

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: {mlc.init = #mlc.init<zeros>, mlc.param = "p", mlc.slice = #mlc.slice<parameter, 0, 128>}
// CHECK-SAME: {mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<optimizer_state, 0, 16>, mlc.state = "m"}
// CHECK-SAME: {mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<optimizer_state, 64, 128>, mlc.state = "q"}
// m's and p's new values: one row region, both in place.
// CHECK: %[[MP:.*]]:2 = mlc.fusion "row"({{.*}}) {mlc.slices = [#mlc.slice<optimizer_state, 0, 16>, #mlc.slice<parameter, 0, 128>]}
// CHECK: mlc.reduce_mean
// CHECK: mlc.yield
// q's: a row's sum spread over the row, in the workspace.
// CHECK: %[[Q:.*]] = mlc.fusion "row"({{.*}}) {mlc.slices = [#mlc.slice<workspace, 0, 128>]}
// CHECK: mlc.reduce_sum
// CHECK-NEXT: mlc.broadcast_to
// CHECK: return %[[MP]]#1, %[[MP]]#0, %[[Q]]
func.func @train_step(%p: tensor<4x8xf32> {mlc.param = "p", mlc.init = #mlc.init<zeros>},
                      %m: tensor<4x1xf32> {mlc.state = "m", mlc.init = #mlc.init<zeros>},
                      %q: tensor<4x8xf32> {mlc.state = "q", mlc.init = #mlc.init<zeros>},
                      %x: tensor<4x8xf32> {mlc.input = "x"})
    -> (tensor<4x8xf32> {mlc.update = "p"}, tensor<4x1xf32> {mlc.update = "m"},
        tensor<4x8xf32> {mlc.update = "q"}, tensor<f32> {mlc.output = "loss"})
    attributes {mlc.kind = "train"} {
  %half = mlc.constant dense<0.5> : tensor<f32>
  %mean = mlc.reduce_mean %x axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %a = mlc.mul %m, %half : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %b = mlc.mul %mean, %half : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %m2 = mlc.add %a, %b : (tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %xc = mlc.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %t = mlc.mul %xc, %m2 : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %p2 = mlc.sub %p, %t : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %qs = mlc.add %q, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %sum = mlc.reduce_sum %qs axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %q2 = mlc.broadcast_to %sum : (tensor<4x1xf32>) -> tensor<4x8xf32>
  %loss = mlc.reduce_sum %x axes = [0, 1] : (tensor<4x8xf32>) -> tensor<f32>
  return %p2, %m2, %q2, %loss : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xf32>, tensor<f32>
}
