// Errors of -mlc-autodiff: what the pass cannot differentiate, and model
// functions that break the conventions (MlcModel.cpp).
// RUN: mlc-opt %s -split-input-file -mlc-autodiff -verify-diagnostics

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<4xf32> {
  // expected-error @+1 {{the loss must be a float scalar (tensor<f32> or similar), found 'tensor<4xf32>'}}
  %0 = mlc.exp %w : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<i32> {
  // expected-error @+1 {{the loss must be a float scalar (tensor<f32> or similar), found 'tensor<i32>'}}
  %0 = mlc.argmax %w axis = 0 : (tensor<4xf32>) -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

// A loss that is an argument: the error points at it.
// expected-error @+1 {{the loss must be a float scalar (tensor<f32> or similar), found 'tensor<1xf32>'}}
func.func @forward(%w: tensor<1xf32> {mlc.param = "w"}) -> tensor<1xf32> {
  return %w : tensor<1xf32>
}

// -----

// expected-error @+1 {{no function @forward to differentiate}}
module {
  func.func @model(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
    %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}

// -----

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  // expected-error @+1 {{cannot differentiate through 'mlc.einsum': it has no gradient rule (run -mlc-lower-einsum first)}}
  %0 = mlc.einsum "i->" %w : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  // expected-error @+1 {{cannot differentiate through 'func.call': it has no gradient rule}}
  %1 = func.call @identity(%0) : (tensor<f32>) -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @identity(tensor<f32>) -> tensor<f32>

// -----

// expected-error @+1 {{cannot add @forward_grad: the module already has that symbol}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @forward_grad(tensor<4xf32>) -> tensor<f32>

// -----

// expected-error @+1 {{a model function has one block and returns its loss first}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) {
  return
}

// -----

// expected-error @+1 {{a model function has one block and returns its loss first}}
func.func private @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32>

//===----------------------------------------------------------------------===//
// Model conventions (getModelSignature)
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{argument #1 of @forward is neither an input (mlc.input = "name"), a parameter (mlc.param = "name"), optimizer state (mlc.state) nor a KV cache (mlc.cache)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %x: tensor<4xf32>) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @+1 {{argument #0 must be a statically shaped tensor, found 'tensor<?xf32>'}}
func.func @forward(%w: tensor<?xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.constant dense<1.0> : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @+1 {{argument #1 reuses the name 'w' of argument #0}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %x: tensor<4xf32> {mlc.input = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @+1 {{argument #1 must be a statically shaped tensor, found 'f32'}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %s: f32 {mlc.input = "s"}) -> tensor<4xf32> {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{result #0 must be a statically shaped tensor, found 'tensor<?xf32>'}}
func.func private @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<?xf32>

// -----

// expected-error @+1 {{result #1 updates 'x', which is not a parameter, state or cache argument}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %x: tensor<4xf32> {mlc.input = "x"}) -> (tensor<f32>, tensor<4xf32> {mlc.update = "x"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{result #1 updates 'v', which is not a parameter, state or cache argument}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf32> {mlc.update = "v"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{result #1 updates 'w' of type 'tensor<4xf32>' with a value of type 'tensor<4xf64>'}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf64> {mlc.update = "w"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  %1 = mlc.cast %w : tensor<4xf32> to tensor<4xf64>
  return %0, %1 : tensor<f32>, tensor<4xf64>
}

// -----

// An unnamed first result is the output "loss".
// expected-error @+1 {{result #1 reuses the name 'loss'}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf32> {mlc.output = "loss"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// -----

// @forward_grad returns the gradient of w as the output "grad.w".
// expected-error @+1 {{result #1 is named 'grad.w', the name of the gradient of 'w'}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf32> {mlc.output = "grad.w"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// -----

// The maximum over ranks has no gradient.
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  // expected-error @+1 {{'mlc.all_reduce' op has no gradient: the adjoint of a max over ranks would go to the rank that holds it, which no rank knows}}
  %1 = mlc.all_reduce max over ["dp"] %0 : tensor<f32>
  return %1 : tensor<f32>
}
}
