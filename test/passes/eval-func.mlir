// -mlc-eval-func: a second function with the model's parameters and inputs
// of another batch size becomes the eval entry point; the model function
// still gives the train step and is then erased, not renamed to @eval.
// RUN: split-file %s %t
// RUN: mlc-opt %t/model.mlir "-mlc-compile=train=sgd,lr=0.1 eval-func=forward_eval" | FileCheck %s
// RUN: mlc-opt %t/model.mlir "-mlc-compile=eval-func=forward_eval" | FileCheck %s --check-prefix=INFER
// RUN: mlc-opt %t/model.mlir -mlc-compile | FileCheck %s --check-prefix=DERIVED
// RUN: mlc-opt %t/errors.mlir -split-input-file -verify-diagnostics "-mlc-eval-func=eval-func=forward_eval"
// RUN: not mlc-opt %t/model.mlir "-mlc-eval-func=eval-func=missing" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mlc-opt %t/model.mlir "-mlc-eval-func=eval-func=forward" 2>&1 | FileCheck %s --check-prefix=ITSELF

//--- model.mlir
// CHECK-NOT: func.func @eval(
// CHECK-NOT: func.func @forward(
// CHECK-DAG: func.func @train_step({{.*}}tensor<4x3xf32> {mlc.input = "x"
// CHECK-DAG: func.func @forward_eval(%{{.*}}: tensor<8x3xf32> {mlc.input = "x"{{.*}} attributes {mlc.kind = "eval"
// INFER-NOT: func.func @forward(
// INFER: func.func @forward_eval({{.*}} attributes {mlc.kind = "eval"
// INFER-NOT: func.func @forward(
// DERIVED-DAG: func.func @eval(%{{.*}}: tensor<4x3xf32>{{.*}}attributes {mlc.kind = "eval"
// DERIVED-DAG: func.func @forward_eval(
// MISSING: error: no eval function @missing (eval-func)
// ITSELF: error: eval-func @forward is the model function itself
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"},
                   %w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.mul %x, %w : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
func.func @forward_eval(%x: tensor<8x3xf32> {mlc.input = "x"},
                        %w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %p = mlc.mul %x, %w : (tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = mlc.reduce_mean %p axes = [0, 1] : (tensor<8x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

//--- errors.mlir
func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                   %v: tensor<2xf32> {mlc.param = "v", mlc.init = #mlc.init<ones>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
// expected-error @+1 {{parameter 'w' is 'tensor<4xf32>' in @forward_eval but 'tensor<3xf32>' in @forward}}
func.func @forward_eval(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                        %v: tensor<2xf32> {mlc.param = "v", mlc.init = #mlc.init<ones>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
// expected-error @+1 {{parameter 'w' has initializer #mlc.init<ones> in @forward_eval but #mlc.init<zeros> in @forward}}
func.func @forward_eval(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<ones>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                   %v: tensor<2xf32> {mlc.param = "v", mlc.init = #mlc.init<ones>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
// expected-error @+1 {{@forward_eval has no parameter 'v', a parameter of @forward ('tensor<2xf32>'); an eval function takes the model's parameters}}
func.func @forward_eval(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @forward(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
// expected-error @+1 {{parameter 'extra' of @forward_eval is not a parameter of @forward}}
func.func @forward_eval(%w: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                        %e: tensor<3xf32> {mlc.param = "extra", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
