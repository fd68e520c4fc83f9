// Sharded state (#mlc.shard on a state argument) and mlc.all_slice survive
// print -> parse -> print, in the custom and in the generic form.
// RUN: mlc-opt %s | mlc-opt | FileCheck %s
// RUN: mlc-opt %s -mlir-print-op-generic | mlc-opt | FileCheck %s

module attributes {mlc.mesh = #mlc.mesh<dp = 2, tp = 2>} {
// A fused QKV weight split by heads over tp, then its flat chunk over dp;
// a bias split in 3 blocks; an optimizer state's flat chunk with padding
// (5 elements over 2 ranks: 3 each).
// CHECK-LABEL: func.func @pieces
// CHECK-SAME: tensor<24xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "w", mlc.shard = #mlc.shard<[8, 12], split(1, "tp", 3), flat("dp")>}
// CHECK-SAME: tensor<6xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "b", mlc.shard = #mlc.shard<[12], split(0, "tp", 3)>}
// CHECK-SAME: tensor<3xf32> {mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[5], flat("dp")>, mlc.state = "v"}
// CHECK-SAME: tensor<4x3xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "u", mlc.shard = #mlc.shard<[8, 3], split(0, "dp", 1)>}
func.func @pieces(
    %w: tensor<24xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 12], split(1, "tp", 3), flat("dp")>},
    %b: tensor<6xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[12], split(0, "tp", 3)>},
    %v: tensor<3xf32> {mlc.state = "v", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[5], flat("dp")>},
    %u: tensor<4x3xf32> {mlc.param = "u", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 3], split(0, "dp", 1)>},
    %x: tensor<4x6xf32> {mlc.input = "x"}) -> (tensor<6xf32> {mlc.output = "s"}, tensor<2xi64> {mlc.output = "c"}) {
  // CHECK: mlc.all_slice %{{.*}} over ["dp", "tp"] : (tensor<4x6xf32>) -> tensor<6xf32>
  %s = mlc.all_slice %x over ["dp", "tp"] : (tensor<4x6xf32>) -> tensor<6xf32>
  %iota = mlc.constant dense<[0, 1, 0, 1]> : tensor<4xi64>
  // CHECK: mlc.all_slice %{{.*}} over ["tp"] : (tensor<4xi64>) -> tensor<2xi64>
  %c = mlc.all_slice %iota over ["tp"] : (tensor<4xi64>) -> tensor<2xi64>
  return %s, %c : tensor<6xf32>, tensor<2xi64>
}
}
