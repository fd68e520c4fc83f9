// Verifier errors of the collectives, #mlc.mesh and mlc.batch_axes.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @no_mesh(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op needs a module with a mesh (mlc.mesh = #mlc.mesh<...>) to name its axes}}
  %0 = mlc.all_reduce sum over ["dp"] %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @unknown_axis(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op runs over axis 'tp', which the mesh #mlc.mesh<dp = 2> does not have}}
  %0 = mlc.all_reduce sum over ["tp"] %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @no_axis(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op names no mesh axis to run over}}
  %0 = mlc.all_reduce sum over [] %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @axis_twice(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op names axis 'dp' twice}}
  %0 = mlc.all_reduce sum over ["dp", "dp"] %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @mixed_bucket(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op mixes element types 'f32' and 'f64'; a bucket has one}}
  %0:2 = mlc.all_reduce sum over ["dp"] %a, %b : tensor<4xf32>, tensor<4xf64>
  return %0#0 : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @integer_mean(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @below {{'mlc.all_reduce' op takes the mean of 'i32' values; the mean is of floats only}}
  %0 = mlc.all_reduce mean over ["dp"] %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @empty(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.all_reduce' op reduces no values; give it one or more}}
  "mlc.all_reduce"() <{axes = ["dp"], reduction = 0 : i32}> : () -> ()
  return %a : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @gather_size(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'mlc.all_gather' op gathers 'tensor<2x3xf32>' from 2 ranks into 'tensor<2x3xf32>'; expected 'tensor<4x3xf32>'}}
  %0 = mlc.all_gather %a over ["dp"] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @gather_scalar(%a: tensor<f32>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.all_gather' op gathers along the leading dimension; a scalar has none}}
  %0 = mlc.all_gather %a over ["dp"] : (tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_indivisible(%a: tensor<3xf32>) -> tensor<1xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op input #0 ('tensor<3xf32>') has 3 elements, which do not divide into 2 parts (one per rank of the group)}}
  %0 = mlc.reduce_scatter sum over ["dp"] %a : tensor<3xf32> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_result(%a: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op result #0 is 'tensor<2x2xf32>'; part of 'tensor<2x4xf32>' over 2 ranks is expected to be 'tensor<4xf32>'}}
  %0 = mlc.reduce_scatter sum over ["dp"] %a : tensor<2x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_max(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op scatters a max; it reduces by sum or mean}}
  %0 = mlc.reduce_scatter max over ["dp"] %a : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_mixed(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op mixes element types 'f32' and 'f64'; a bucket has one}}
  %0:2 = mlc.reduce_scatter sum over ["dp"] %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<2xf32>, tensor<2xf64>
  return %0#0 : tensor<2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_integer_mean(%a: tensor<4xi32>) -> tensor<2xi32> {
  // expected-error @below {{'mlc.reduce_scatter' op takes the mean of 'i32' values; the mean is of floats only}}
  %0 = mlc.reduce_scatter mean over ["dp"] %a : tensor<4xi32> -> tensor<2xi32>
  return %0 : tensor<2xi32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_arity(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op has 1 inputs and 2 results; it gives one result per input}}
  %0:2 = "mlc.reduce_scatter"(%a) <{axes = ["dp"], reduction = 0 : i32}> : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatter_axis(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.reduce_scatter' op runs over axis 'tp', which the mesh #mlc.mesh<dp = 2> does not have}}
  %0 = mlc.reduce_scatter sum over ["tp"] %a : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
}

// -----

// expected-error @below {{mesh axis 'dp' appears twice}}
module attributes {mlc.mesh = #mlc.mesh<dp = 2, dp = 2>} {
}

// -----

// expected-error @below {{mesh axis 'dp' has size 0; sizes are >= 1}}
module attributes {mlc.mesh = #mlc.mesh<dp = 0>} {
}

// -----

// expected-error @below {{'mlc.mesh' must be a #mlc.mesh<...>, found 2 : i64}}
module attributes {mlc.mesh = 2} {
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{'mlc.batch_axes' names axis 'pp', which the module's mesh does not have}}
func.func @batch_axes(%a: tensor<4xf32>) -> tensor<4xf32> attributes {mlc.batch_axes = ["pp"]} {
  return %a : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{'mlc.batch_axes' must be an array of mesh axis names, found "dp"}}
func.func @batch_axes_string(%a: tensor<4xf32>) -> tensor<4xf32> attributes {mlc.batch_axes = "dp"} {
  return %a : tensor<4xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @fan_out_axis(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'mlc.fan_out' op runs over axis 'tp', which the mesh #mlc.mesh<dp = 2> does not have}}
  %f = mlc.fan_out %a over ["tp"] : tensor<4xf32>
  return %f : tensor<4xf32>
}
}
