// Every verifier and type-inference error of the slicing ops: slice,
// concat and split (errors.mlir has the other ops).
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @slice_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'mlc.slice' axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = 2 start = 0 size = 1 : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @slice_past_the_end(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{'mlc.slice' range [2, 4) is out of bounds for axis 1 of size 3 (expected 0 <= start, 1 <= size and start + size <= 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = 1 start = 2 size = 2 : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_negative_start(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'mlc.slice' range [-1, 0) is out of bounds for axis 1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = -1 start = -1 size = 1 : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @slice_empty(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'mlc.slice' range [1, 1) is out of bounds for axis 1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = 1 start = 1 size = 0 : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @slice_wrong_result(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'mlc.slice' op inferred type(s) 'tensor<2x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = 1 start = 1 size = 2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_scalar(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{'mlc.slice' axis 0 is out of range for rank 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.slice %a axis = 0 start = 0 size = 1 : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @concat_no_operands() -> tensor<2xf32> {
  // expected-error @+2 {{'mlc.concat' needs at least one operand}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat axis = 0 : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_shapes_disagree(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'mlc.concat' operand #1 has shape 2x4, which differs from operand #0's 2x3 outside axis 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat %a, %b axis = 0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_ranks_disagree(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'mlc.concat' operand #1 has shape 3, which differs from operand #0's 2x3 outside axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat %a, %b axis = 1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_element_types_disagree(%a: tensor<2xf32>, %b: tensor<2xf64>) -> tensor<4xf32> {
  // expected-error @+2 {{'mlc.concat' operand #1 has element type 'f64', expected 'f32' (operand #0's)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat %a, %b axis = 0 : (tensor<2xf32>, tensor<2xf64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'mlc.concat' axis -2 is out of range for rank 1 (expected -1 <= axis < 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat %a, %a axis = -2 : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_wrong_result(%a: tensor<2xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'mlc.concat' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.concat %a, %a axis = 0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @split_sizes_do_not_add_up(%a: tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<2x3xf32>) {
  // expected-error @+2 {{'mlc.split' sizes [2, 3] add up to 5, but axis 1 has size 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = mlc.split %a axis = 1 sizes = [2, 3] : (tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<2x2xf32>, tensor<2x3xf32>
}

// -----

func.func @split_zero_size(%a: tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<2x1xf32>) {
  // expected-error @+2 {{'mlc.split' size 0 is not in [1, 6] (axis 1 has size 6)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = mlc.split %a axis = 1 sizes = [6, 0] : (tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<2x1xf32>)
  return %0#0, %0#1 : tensor<2x6xf32>, tensor<2x1xf32>
}

// -----

func.func @split_no_sizes(%a: tensor<2x6xf32>) {
  // expected-error @+2 {{'mlc.split' needs at least one size}}
  // expected-error @+1 {{failed to infer returned types}}
  mlc.split %a axis = 1 sizes = [] : (tensor<2x6xf32>) -> ()
  return
}

// -----

func.func @split_axis_out_of_range(%a: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'mlc.split' axis 3 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.split %a axis = 3 sizes = [6] : (tensor<2x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @split_wrong_result_count(%a: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  // expected-error @+2 {{'mlc.split' op inferred type(s) 'tensor<2x2xf32>', 'tensor<2x2xf32>', 'tensor<2x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>', 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = mlc.split %a axis = 1 sizes = [2, 2, 2] : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xf32>
}
