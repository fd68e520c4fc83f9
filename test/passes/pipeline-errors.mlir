// Errors of -mlc-pipeline and of the ops and attributes it adds.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-pipeline=micro-batches=2

// expected-error@+1 {{-mlc-pipeline needs a module mesh with a pp axis of at least 2 stages (mesh=pp=2)}}
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %y = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %l = mlc.reduce_mean %y axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}

// -----

// Three rows do not split into two micro-batches.
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
// expected-error@+1 {{@forward takes batches of 3 rows ('x' is 'tensor<3x2xf32>'), which do not divide over 2 micro-batches; choose a batch that is a multiple of 2}}
func.func @forward(%x: tensor<3x2xf32> {mlc.input = "x"}, %w: tensor<2x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %y = mlc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %z = mlc.matmul %y, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %l = mlc.reduce_mean %z axes = [0, 1] : (tensor<3x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}

// -----

// One op that computes cannot make two stages.
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
// expected-error@+1 {{@forward has 1 ops that compute, too few for 2 pipeline stages}}
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<4x2xf32> {
  %y = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
}

// -----

// An eval function reads a parameter the model function does not.
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x2xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %y = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %z = mlc.matmul %y, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %l = mlc.reduce_mean %z axes = [0, 1] : (tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
func.func @score(%x: tensor<4x2xf32> {mlc.input = "x"}, %v: tensor<2x2xf32> {mlc.param = "v", mlc.init = #mlc.init<zeros>}) -> tensor<4x2xf32> {
  // expected-error@+1 {{reads 'v', which the model function does not read: its pipeline stage is unknown}}
  %y = mlc.matmul %x, %v : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
}

// -----

// A send to a peer outside the group.
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
func.func @f(%x: tensor<2xf32>) {
  // expected-error@+1 {{'mlc.send' op names peer 2 of a group of 2 ranks (positions 0 to 1)}}
  mlc.send %x to 2 over ["pp"] : tensor<2xf32>
  return
}
}

// -----

// A receive over an axis the mesh lacks.
module attributes {mlc.mesh = #mlc.mesh<pp = 2>} {
func.func @f() -> tensor<2xf32> {
  // expected-error@+1 {{'mlc.recv' op runs over axis 'dp', which the mesh #mlc.mesh<pp = 2> does not have}}
  %x = mlc.recv from 0 over ["dp"] : tensor<2xf32>
  return %x : tensor<2xf32>
}
}

// -----

// expected-error@+1 {{'mlc.pipeline' must be {stages = K (>= 2), micro_batches = M (>= 1), schedule = "gpipe" or "1f1b"}, found {micro_batches = 2 : i64, schedule = "zigzag", stages = 2 : i64}}}
module attributes {mlc.pipeline = {micro_batches = 2 : i64, schedule = "zigzag", stages = 2 : i64}} {
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'mlc.stage' must be a non-negative i64, found -1 : i64}}
  %y = mlc.neg %x {mlc.stage = -1 : i64} : tensor<2xf32>
  return %y : tensor<2xf32>
}
