// -mlc-eval-entry: the model function becomes @eval, marked as the eval
// entry point, its body unchanged.
// RUN: split-file %s %t
// RUN: mlc-opt %t/forward.mlir -mlc-eval-entry | FileCheck %s
// RUN: mlc-opt %t/named.mlir "-mlc-eval-entry=func=model" | FileCheck %s --check-prefix=NAMED
// RUN: mlc-opt %t/errors.mlir -split-input-file -verify-diagnostics -mlc-eval-entry

//--- forward.mlir
// CHECK-NOT: @forward
// CHECK-LABEL: func.func @eval(
// CHECK-SAME: %[[X:.*]]: tensor<4x3xf32> {mlc.input = "x"}, %[[W:.*]]: tensor<3xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "w"})
// CHECK-SAME: -> (tensor<f32> {mlc.output = "loss"})
// CHECK-SAME: attributes {mlc.kind = "eval"}
// CHECK: %[[P:.*]] = mlc.mul %[[X]], %[[W]]
// CHECK: %[[L:.*]] = mlc.reduce_sum %[[P]]
// CHECK: return %[[L]]
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"},
                   %w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.mul %x, %w : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %l = mlc.reduce_sum %p axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

//--- named.mlir
// NAMED-NOT: @model
// NAMED-LABEL: func.func @eval(
// NAMED-SAME: attributes {mlc.kind = "eval"}
func.func @model(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

//--- errors.mlir
// expected-error @+1 {{no model function @forward}}
module {
  func.func @model(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

module {
  // expected-error @+1 {{cannot add @eval: the module already has that symbol}}
  func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
  func.func @eval() { return }
}

// -----

// expected-error @+1 {{argument #0 of @forward is neither an input}}
func.func @forward(%w: tensor<3xf32>) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
