// The collectives, the mesh and the split batch survive print -> parse ->
// print, in the custom and in the generic form.
// RUN: mlc-opt %s | mlc-opt | FileCheck %s
// RUN: mlc-opt %s -mlir-print-op-generic | mlc-opt | FileCheck %s

// CHECK: module attributes {mlc.mesh = #mlc.mesh<dp = 2, tp = 4>}
module attributes {mlc.mesh = #mlc.mesh<dp = 2, tp = 4>} {
// CHECK-LABEL: func.func @collectives
// CHECK-SAME: attributes {mlc.batch_axes = ["dp"]}
func.func @collectives(%a: tensor<2x3xf32> {mlc.input = "a"}, %b: tensor<3xf32> {mlc.param = "b", mlc.init = #mlc.init<zeros>}, %c: tensor<16xf32> {mlc.input = "c"})
    -> (tensor<2x3xf32> {mlc.output = "s"}, tensor<3xf32> {mlc.output = "m"}, tensor<4x3xf32> {mlc.output = "g"}, tensor<3xf32> {mlc.output = "x"}, tensor<3xf32> {mlc.output = "p"}, tensor<2xf32> {mlc.output = "q"})
    attributes {mlc.batch_axes = ["dp"]} {
  // CHECK: %[[S:.*]]:2 = mlc.all_reduce sum over ["dp"] %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>
  %s:2 = mlc.all_reduce sum over ["dp"] %a, %b : tensor<2x3xf32>, tensor<3xf32>
  // CHECK: %[[M:.*]] = mlc.all_reduce mean over ["dp", "tp"] %[[S]]#1 : tensor<3xf32>
  %m = mlc.all_reduce mean over ["dp", "tp"] %s#1 : tensor<3xf32>
  // CHECK: %[[X:.*]] = mlc.all_reduce max over ["tp"] %[[M]] : tensor<3xf32>
  %x = mlc.all_reduce max over ["tp"] %m : tensor<3xf32>
  // CHECK: %[[G:.*]] = mlc.all_gather %[[S]]#0 over ["dp"] : (tensor<2x3xf32>) -> tensor<4x3xf32>
  %g = mlc.all_gather %s#0 over ["dp"] : (tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: mlc.fan_out %[[X]] over ["tp"] : tensor<3xf32>
  %f = mlc.fan_out %x over ["tp"] : tensor<3xf32>
  // CHECK: %[[P:.*]]:2 = mlc.reduce_scatter sum over ["dp"] %[[S]]#0, %[[G]] : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<3xf32>, tensor<6xf32>
  %p:2 = mlc.reduce_scatter sum over ["dp"] %s#0, %g : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<3xf32>, tensor<6xf32>
  // CHECK: %[[Q:.*]] = mlc.reduce_scatter mean over ["dp", "tp"] %{{.*}} : tensor<16xf32> -> tensor<2xf32>
  %q = mlc.reduce_scatter mean over ["dp", "tp"] %c : tensor<16xf32> -> tensor<2xf32>
  return %s#0, %m, %g, %f, %p#0, %q : tensor<2x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>
}
}
