// Errors of -mlc-data-parallel: a batch that does not divide, and ops the
// split of the rows cannot go through, each named at the op.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-data-parallel=mesh=dp=2
// RUN: mlc-opt %S/Inputs/batch-of-six.mlir -verify-diagnostics -mlc-data-parallel=mesh=dp=4

// A softmax across the rows of the batch.
func.func @softmax_over_rows(
    %x: tensor<8x4xf32> {mlc.input = "x"})
    -> (tensor<f32> {mlc.output = "loss"}) {
  // expected-error @below {{'mlc.softmax' op cannot be split over dp=2: it normalizes along dimension 0, which holds the rows of the batch}}
  %s = mlc.softmax %x axis = 0 : tensor<8x4xf32>
  %l = mlc.reduce_mean %s axes = [0, 1] : (tensor<8x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A parameter with a row per sample is the same on every rank.
func.func @parameter_per_row(
    %x: tensor<8x4xf32> {mlc.input = "x"},
    %p: tensor<8x4xf32> {mlc.param = "p", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  // expected-error @below {{'mlc.add' op cannot be split over dp=2: operand #1 ('tensor<8x4xf32>') is the same on every rank but spans dimension 0 of the result, which holds the rows of the batch}}
  %s = mlc.add %x, %p : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %l = mlc.reduce_mean %s axes = [0, 1] : (tensor<8x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The rows, moved to dimension 1, merged with dimension 0.
func.func @reshape_merging_rows(
    %x: tensor<8x4xf32> {mlc.input = "x"})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %t = mlc.transpose %x perm = [1, 0] : (tensor<8x4xf32>) -> tensor<4x8xf32>
  // expected-error @below {{'mlc.reshape' op cannot be split over dp=2: it reshapes 'tensor<4x8xf32>' to 'tensor<32xf32>', merging dimension 1 (the rows of the batch) with the ones before it}}
  %flat = mlc.reshape %t : (tensor<4x8xf32>) -> tensor<32xf32>
  %l = mlc.reduce_mean %flat axes = [0] : (tensor<32xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A norm over the width, when the rows were moved there.
func.func @norm_over_rows(
    %x: tensor<8x4xf32> {mlc.input = "x"},
    %w: tensor<8xf32> {mlc.param = "w", mlc.init = #mlc.init<ones>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %t = mlc.transpose %x perm = [1, 0] : (tensor<8x4xf32>) -> tensor<4x8xf32>
  // expected-error @below {{'mlc.rms_norm' op cannot be split over dp=2: it normalizes along dimension 1, which holds the rows of the batch}}
  %n = mlc.rms_norm %t, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %l = mlc.reduce_mean %n axes = [0, 1] : (tensor<4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A product over the rows of the batch against a parameter with a row per
// sample.
func.func @contracting_rows(
    %x: tensor<8x4xf32> {mlc.input = "x"},
    %w: tensor<8x3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  // expected-error @below {{'mlc.matmul' op cannot be split over dp=2: it contracts a value split over the ranks with one that every rank holds whole}}
  %g = mlc.matmul %x, %w transpose_lhs : (tensor<8x4xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %l = mlc.reduce_mean %g axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The largest element over the rows has no gradient over ranks.
func.func @max_over_rows(
    %x: tensor<8x4xf32> {mlc.input = "x"})
    -> (tensor<f32> {mlc.output = "loss"}) {
  // expected-error @below {{'mlc.reduce_max' op cannot be split over dp=2: it reduces the rows of the batch, and the maximum over ranks has no gradient}}
  %m = mlc.reduce_max %x axes = [0, 1] : (tensor<8x4xf32>) -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// An output that keeps the rows in another dimension than the first cannot
// be gathered back by concatenating the ranks' parts.
// expected-error @below {{result #1 of @rows_in_dimension_1 is split over dp along dimension 1; only results split along their leading dimension are gathered back whole}}
func.func @rows_in_dimension_1(
    %x: tensor<8x4xf32> {mlc.input = "x"})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4x8xf32> {mlc.output = "t"}) {
  %t = mlc.transpose %x perm = [1, 0] : (tensor<8x4xf32>) -> tensor<4x8xf32>
  %l = mlc.reduce_mean %x axes = [0, 1] : (tensor<8x4xf32>) -> tensor<f32>
  return %l, %t : tensor<f32>, tensor<4x8xf32>
}
