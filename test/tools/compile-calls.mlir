// mlc compile inlines the calls of private functions (the blocks of a
// generated transformer) before autodiff: the compiled IR has no call left,
// and the train step differentiates through both calls.
// RUN: mlc compile %s --train sgd,lr=0.1 --emit-mlir | FileCheck %s

// CHECK-NOT: call
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: call
// CHECK: mlc.tanh
// CHECK: mlc.tanh
// CHECK-NOT: call
func.func private @block(%x: tensor<2x3xf32>, %w: tensor<3x3xf32>) -> tensor<2x3xf32> {
  %h = mlc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %a = mlc.tanh %h : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

func.func @forward(%x: tensor<2x3xf32> {mlc.input = "x"},
                   %w0: tensor<3x3xf32> {mlc.param = "w0", mlc.init = #mlc.init<normal, std = 0.1>},
                   %w1: tensor<3x3xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>})
                   -> tensor<f32> {
  %h0 = func.call @block(%x, %w0) : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %h1 = func.call @block(%h0, %w1) : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %l = mlc.reduce_sum %h1 axes = [0, 1] : (tensor<2x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
