// The verifier of kernel regions (mlc.fusion): each malformed region is
// an error naming what is wrong.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @bad_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{kind must be "loop", found "tile"}}
  %0 = mlc.fusion "tile"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @arg_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{body argument #0 is 'tensor<8xf32>' but operand #0 is 'tensor<4xf32>'}}
  %0 = mlc.fusion "loop"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    %1 = mlc.neg %a : tensor<8xf32>
    mlc.yield %1 : tensor<8xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.fusion "loop"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = mlc.compare gt, %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    // expected-error @+1 {{yields 'tensor<4xi1>' but the region returns 'tensor<4xf32>'}}
    mlc.yield %1 : tensor<4xi1>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @not_elementwise(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = mlc.fusion "loop"(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    // expected-error @+1 {{is not elementwise and cannot be part of a "loop" region}}
    %1 = mlc.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    mlc.yield %1 : tensor<4x4xf32>
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @inner_shape(%x: tensor<4xf32>, %y: tensor<1xf32>) -> tensor<4xf32> {
  %0 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<1xf32>):
    // expected-error @+1 {{computes 'tensor<1xf32>' inside a "loop" region whose iteration shape is 4}}
    %1 = mlc.neg %b : tensor<1xf32>
    %2 = mlc.add %a, %1 : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
    mlc.yield %2 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @result_shapes(%x: tensor<4xf32>, %y: tensor<2x4xf32>) -> (tensor<4xf32>, tensor<2x4xf32>) {
  // expected-error @+1 {{result #1 is 'tensor<2x4xf32>': every result of a "loop" region has the iteration shape 4}}
  %0:2 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<2x4xf32>) -> (tensor<4xf32>, tensor<2x4xf32>) {
  ^bb0(%a: tensor<4xf32>, %b: tensor<2x4xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1, %b : tensor<4xf32>, tensor<2x4xf32>
  }
  return %0#0, %0#1 : tensor<4xf32>, tensor<2x4xf32>
}

// -----

func.func @no_broadcast(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #1 ('tensor<3xf32>') does not broadcast to the iteration shape 4}}
  %0 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<3xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
