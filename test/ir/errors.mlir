// Every verifier and type-inference error of the mlc ops, the model
// annotations on func arguments/results and the #mlc.init attribute.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Elementwise binary ops, compare and select
//===----------------------------------------------------------------------===//

func.func @incompatible_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'mlc.add' operand shapes 2x3 and 4 are not broadcast-compatible (aligned from the right, each pair of dimensions must be equal or one of them 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<3xf64>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'mlc.mul' operands must have one element type, found 'f32' and 'f64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.mul %a, %b : (tensor<2x3xf32>, tensor<3xf64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @wrong_broadcast_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'mlc.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @compare_element_mismatch(%a: tensor<4xi32>, %b: tensor<4xi64>) -> tensor<4xi1> {
  // expected-error @+2 {{'mlc.compare' operands must have one element type, found 'i32' and 'i64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.compare lt, %a, %b : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @compare_unknown_predicate(%a: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, ne, lt, le, gt, ge]}}
  %0 = mlc.compare less, %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @compare_result_not_i1(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = mlc.compare lt, %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_branch_mismatch(%p: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error @+2 {{'mlc.select' branches must have one element type, found 'f32' and 'f64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.select %p, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_predicate_shape(%p: tensor<3xi1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'mlc.select' operand shapes 3 and 4 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.select %p, %a, %a : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_predicate_not_i1(%p: tensor<4xi32>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = mlc.select %p, %a, %a : (tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Element types and shapes the ops do not take
//===----------------------------------------------------------------------===//

// -----

func.func @dynamic_shape(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'mlc.neg' op operand #0 must be statically shaped tensor}}
  %0 = mlc.neg %a : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @dynamic_shape_binary(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'mlc.add' op operand #0 must be statically shaped tensor}}
  %0 = mlc.add %a, %a : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = mlc.relu %a : tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @unsupported_element(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'mlc.neg' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = mlc.neg %a : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @exp_on_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{'mlc.exp' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float values, but got 'tensor<3xi32>'}}
  %0 = mlc.exp %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @pow_on_integers(%a: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{'mlc.pow' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float values, but got 'tensor<3xi64>'}}
  %0 = mlc.pow %a, %a : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @reduce_mean_on_integers(%a: tensor<3xi32>) -> tensor<i32> {
  // expected-error @+1 {{'mlc.reduce_mean' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float values}}
  %0 = mlc.reduce_mean %a axes = [0] : (tensor<3xi32>) -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

func.func @bool_arithmetic(%a: tensor<3xi1>) -> tensor<3xi1> {
  // expected-error @+1 {{'mlc.add' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xi1>'}}
  %0 = mlc.add %a, %a : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @unary_type_change(%a: tensor<3xf32>) -> tensor<3xf64> {
  // expected-error @+1 {{'mlc.tanh' op requires the same type for all operands and results}}
  %0 = "mlc.tanh"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'mlc.reduce_sum' axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.reduce_sum %a axes = [2] : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_negative_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'mlc.reduce_max' axis -3 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.reduce_max %a axes = [-3] : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_repeated_axis(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'mlc.reduce_mean' axis -1 is listed twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.reduce_mean %a axes = [1, -1] : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_wrong_keepdims_result(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'mlc.reduce_sum' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.reduce_sum %a axes = [1] keepdims : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

// -----

func.func @transpose_repeated_entry(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.transpose' perm must be a permutation of 0..1, found entry 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.transpose %a perm = [0, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_entry_out_of_range(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.transpose' perm must be a permutation of 0..1, found entry 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.transpose %a perm = [2, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_wrong_length(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.transpose' perm has 1 entries but the input has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.transpose %a perm = [1] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_element_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'mlc.reshape' op cannot reshape 2x3 (6 elements) to 7 (7 elements)}}
  %0 = mlc.reshape %a : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) -> tensor<6xf64> {
  // expected-error @+1 {{'mlc.reshape' op result element type 'f64' differs from the input's 'f32'}}
  %0 = mlc.reshape %a : (tensor<2x3xf32>) -> tensor<6xf64>
  return %0 : tensor<6xf64>
}

// -----

func.func @broadcast_to_incompatible(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'mlc.broadcast_to' op cannot broadcast shape 2x3 to 4x3 (aligned from the right, each input dimension must equal the target's or be 1)}}
  %0 = mlc.broadcast_to %a : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @broadcast_to_lower_rank(%a: tensor<1x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'mlc.broadcast_to' op cannot broadcast shape 1x3 to 3}}
  %0 = mlc.broadcast_to %a : (tensor<1x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @broadcast_to_element_type(%a: tensor<1x3xf32>) -> tensor<4x3xf64> {
  // expected-error @+1 {{'mlc.broadcast_to' op result element type 'f64' differs from the input's 'f32'}}
  %0 = mlc.broadcast_to %a : (tensor<1x3xf32>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @cast_shape_change(%a: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{'mlc.cast' op cannot change the shape: input is 2x3, result is 6}}
  %0 = mlc.cast %a : tensor<2x3xf32> to tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @cast_to_scalar(%a: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.cast' op cannot change the shape: input is 1, result is scalar}}
  %0 = mlc.cast %a : tensor<1xf32> to tensor<f32>
  return %0 : tensor<f32>
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

// -----

func.func @constant_type_mismatch() -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "mlc.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @constant_dynamic() -> tensor<?xf32> {
  // expected-error @+1 {{'mlc.constant' op result #0 must be statically shaped tensor}}
  %0 = "mlc.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @full_bool() -> tensor<4xi1> {
  // expected-error @+1 {{'mlc.full' op result #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xi1>'}}
  %0 = mlc.full 1.0 : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @full_integer_out_of_range() -> tensor<4xi32> {
  // expected-error @+1 {{'mlc.full' op value 3.000000e+09 does not fit in 'i32'}}
  %0 = mlc.full 3.0e9 : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @full_integer_nan() -> tensor<4xi64> {
  // 0x7FF8000000000000 is the bit pattern of a NaN.
  // expected-error @+1 {{'mlc.full' op value nan does not fit in 'i64'}}
  %0 = mlc.full 0x7FF8000000000000 : tensor<4xi64>
  return %0 : tensor<4xi64>
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_k_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'mlc.matmul' contraction dimensions differ: lhs 2x3 has K = 3, rhs 4x5 has K = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_k_mismatch_transposed(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.matmul' contraction dimensions differ: lhs 2x3 (transposed) has K = 2, rhs 2x5 (transposed) has K = 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @matmul_rank_1(%a: tensor<3xf32>, %b: tensor<3x5xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'mlc.matmul' operands must have rank >= 2, found 3 and 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x5xf32>) -> tensor<2x2x5xf32> {
  // expected-error @+2 {{'mlc.matmul' batch dimensions 2 and 3 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x5xf32>) -> tensor<2x2x5xf32>
  return %0 : tensor<2x2x5xf32>
}

// -----

func.func @matmul_element_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'mlc.matmul' operands must have one element type, found 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf16>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{'mlc.matmul' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @matmul_on_integers(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'mlc.matmul' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float values, but got 'tensor<2x3xi32>'}}
  %0 = mlc.matmul %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

// -----

func.func @einsum_missing_arrow(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op equation 'ij,jk' needs an explicit output ('->'), e.g. "ij,jk->ik"}}
  %0 = mlc.einsum "ij,jk" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @einsum_operand_count(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op equation names 2 operand(s) but the op has 1}}
  %0 = mlc.einsum "ij,jk->ik" %a : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @einsum_no_operands() -> tensor<f32> {
  // expected-error @+1 {{'mlc.einsum' op equation names 1 operand(s) but the op has 0}}
  %0 = mlc.einsum "->" : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @einsum_three_operands(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'mlc.einsum' op einsum takes one or two operands, found 3}}
  %0 = mlc.einsum "i,i,i->i" %a, %a, %a : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @einsum_rank_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op operand 0 has rank 2 but its labels 'ijk' name 3 dimension(s)}}
  %0 = mlc.einsum "ijk,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @einsum_label_size_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op label 'j' has size 3 in one operand and 4 in operand 1}}
  %0 = mlc.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @einsum_repeated_label(%a: tensor<3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'mlc.einsum' op label 'i' repeats within operand 0 (diagonals are not supported)}}
  %0 = mlc.einsum "ii->i" %a : (tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @einsum_invalid_label(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op invalid label '1' in operand 0 (labels are letters, plus at most one '...')}}
  %0 = mlc.einsum "i1->i1" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @einsum_invalid_output_label(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op invalid label '_' in the output (labels are letters, plus at most one '...')}}
  %0 = mlc.einsum "ij->i_" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @einsum_two_ellipses(%a: tensor<2x3x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.einsum' op operand 0 has more than one '...', in '...i...'}}
  %0 = mlc.einsum "...i...->" %a : (tensor<2x3x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @einsum_two_output_ellipses(%a: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op the output has more than one '...', in '......'}}
  %0 = mlc.einsum "...->......" %a : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @einsum_lone_dot(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op '.' in operand 0 is not part of an ellipsis ('...'), in 'i..j'}}
  %0 = mlc.einsum "i..j->ij" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @einsum_fourth_dot(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op '.' in the output is not part of an ellipsis ('...'), in '....'}}
  %0 = mlc.einsum "...->...." %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The letters alone need more dimensions than the operand has.
func.func @einsum_ellipsis_rank_too_small(%a: tensor<3xf32>, %w: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.einsum' op operand 0 has rank 1 but its labels '...ij' name at least 2 dimension(s)}}
  %0 = mlc.einsum "...ij,jk->...ik" %a, %w : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @einsum_ellipsis_not_broadcastable(%a: tensor<2x2xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op '...' stands for 2x2 in operand 0 and 3 in operand 1, which do not broadcast: size 2 against 3 (aligned on the right, sizes must be equal or 1)}}
  %0 = mlc.einsum "...,...->..." %a, %b : (tensor<2x2xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The ellipses align on the right: 3 against the 5 of 1x5, not the 1.
func.func @einsum_ellipsis_aligned_right(%a: tensor<2x3x4xf32>, %b: tensor<4x1x5xf32>) -> tensor<2x1x5xf32> {
  // expected-error @+1 {{'mlc.einsum' op '...' stands for 3 in operand 0 and 1x5 in operand 1, which do not broadcast: size 3 against 5 (aligned on the right, sizes must be equal or 1)}}
  %0 = mlc.einsum "i...j,j...->i..." %a, %b : (tensor<2x3x4xf32>, tensor<4x1x5xf32>) -> tensor<2x1x5xf32>
  return %0 : tensor<2x1x5xf32>
}

// -----

// The ellipsis dimensions go where the output's '...' is.
func.func @einsum_ellipsis_wrong_result(%a: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op result type 'tensor<2x3x4xf32>' does not match the equation, expected 'tensor<3x4x2xf32>'}}
  %0 = mlc.einsum "i...->...i" %a : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @einsum_unknown_output_label(%a: tensor<3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'mlc.einsum' op output label 'k' does not appear in any operand}}
  %0 = mlc.einsum "ij->k" %a : (tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @einsum_repeated_output_label(%a: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'mlc.einsum' op output label 'i' repeats}}
  %0 = mlc.einsum "ij->ii" %a : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @einsum_wrong_result_shape(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'mlc.einsum' op result type 'tensor<2xf32>' does not match the equation, expected 'tensor<3xf32>'}}
  %0 = mlc.einsum "ij->j" %a : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_wrong_result_element(%a: tensor<2x3xf32>) -> tensor<3xf64> {
  // expected-error @+1 {{'mlc.einsum' op result type 'tensor<3xf64>' does not match the equation, expected 'tensor<3xf32>'}}
  %0 = mlc.einsum "ij->j" %a : (tensor<2x3xf32>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

func.func @einsum_element_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'mlc.einsum' op operands must have one element type, found 'f32' and 'f64'}}
  %0 = mlc.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<3x4xf64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

//===----------------------------------------------------------------------===//
// Softmax, one-hot, argmax and losses
//===----------------------------------------------------------------------===//

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mlc.softmax' op axis 2 is out of range for rank 2}}
  %0 = mlc.softmax %a axis = 2 : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_scalar(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.softmax' op axis 0 is out of range for rank 0}}
  %0 = mlc.softmax %a axis = 0 : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @argmax_axis(%a: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{'mlc.argmax' op axis -3 is out of range for rank 2}}
  %0 = mlc.argmax %a axis = -3 : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @argmax_result_shape(%a: tensor<2x3xf32>) -> tensor<3xi64> {
  // expected-error @+1 {{'mlc.argmax' op result shape must be 2 (the input without axis 1), found 3}}
  %0 = mlc.argmax %a axis = -1 : (tensor<2x3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @argmax_float_result(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'mlc.argmax' op result #0 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.argmax %a axis = 1 : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @one_hot_no_class_dim(%a: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.one_hot' op result shape must be the labels' shape 4 plus a class dimension, found 4}}
  %0 = mlc.one_hot %a : (tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @one_hot_batch_mismatch(%a: tensor<4xi64>) -> tensor<5x10xf32> {
  // expected-error @+1 {{'mlc.one_hot' op result shape must be the labels' shape 4 plus a class dimension, found 5x10}}
  %0 = mlc.one_hot %a : (tensor<4xi64>) -> tensor<5x10xf32>
  return %0 : tensor<5x10xf32>
}

// -----

func.func @one_hot_float_labels(%a: tensor<4xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'mlc.one_hot' op operand #0 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.one_hot %a : (tensor<4xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

func.func @mse_loss_shape_mismatch(%a: tensor<4xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.mse_loss' op prediction and target must have the same type, found 'tensor<4xf32>' and 'tensor<3xf32>'}}
  %0 = mlc.mse_loss %a, %b : (tensor<4xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @mse_loss_element_mismatch(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.mse_loss' op prediction and target must have the same type, found 'tensor<4xf32>' and 'tensor<4xf64>'}}
  %0 = mlc.mse_loss %a, %b : (tensor<4xf32>, tensor<4xf64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @mse_loss_result_element(%a: tensor<4xf32>) -> tensor<f64> {
  // expected-error @+1 {{'mlc.mse_loss' op result element type must be 'f32'}}
  %0 = mlc.mse_loss %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

func.func @mse_loss_non_scalar(%a: tensor<4xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'mlc.mse_loss' op result #0 must be 0D tensor of 32-bit float or 64-bit float or bfloat16 type or 16-bit float values}}
  %0 = mlc.mse_loss %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @cross_entropy_label_shape(%a: tensor<4x10xf32>, %l: tensor<5xi64>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy' op labels shape must be 4 (the logits without their class dimension), found 5}}
  %0 = mlc.softmax_cross_entropy %a, %l : (tensor<4x10xf32>, tensor<5xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cross_entropy_scalar_logits(%a: tensor<f32>, %l: tensor<i64>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy' op logits must have a class dimension}}
  %0 = mlc.softmax_cross_entropy %a, %l : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cross_entropy_result_element(%a: tensor<4x10xf32>, %l: tensor<4xi64>) -> tensor<f64> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy' op result element type must be 'f32'}}
  %0 = mlc.softmax_cross_entropy %a, %l : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

func.func @cross_entropy_grad_labels(%a: tensor<4x10xf32>, %l: tensor<5xi64>, %s: tensor<f32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy_with_grad' op labels shape must be 4 (the logits without their class dimension), found 5}}
  %0:2 = mlc.softmax_cross_entropy_with_grad %a, %l, %s : (tensor<4x10xf32>, tensor<5xi64>, tensor<f32>) -> (tensor<f32>, tensor<4x10xf32>)
  return %0#1 : tensor<4x10xf32>
}

// -----

func.func @cross_entropy_grad_type(%a: tensor<4x10xf32>, %l: tensor<4xi64>, %s: tensor<f32>) -> tensor<4x9xf32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy_with_grad' op gradient type must be the logits' 'tensor<4x10xf32>', found 'tensor<4x9xf32>'}}
  %0:2 = mlc.softmax_cross_entropy_with_grad %a, %l, %s : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) -> (tensor<f32>, tensor<4x9xf32>)
  return %0#1 : tensor<4x9xf32>
}

// -----

func.func @cross_entropy_grad_scale(%a: tensor<4x10xf32>, %l: tensor<4xi64>, %s: tensor<f64>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy_with_grad' op scale element type must be 'f32'}}
  %0:2 = mlc.softmax_cross_entropy_with_grad %a, %l, %s : (tensor<4x10xf32>, tensor<4xi64>, tensor<f64>) -> (tensor<f32>, tensor<4x10xf32>)
  return %0#1 : tensor<4x10xf32>
}

// -----

func.func @cross_entropy_float_labels(%a: tensor<4x10xf32>, %l: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'mlc.softmax_cross_entropy' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.softmax_cross_entropy %a, %l : (tensor<4x10xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//===----------------------------------------------------------------------===//
// Model annotations on func arguments and results
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'mlc.input' on argument #0 must be a non-empty string name, found 1 : i64}}
func.func @input_name_not_string(%a: tensor<4xf32> {mlc.input = 1 : i64}) { return }

// -----

// expected-error @+1 {{'mlc.param' on argument #1 must be a non-empty string name, found ""}}
func.func @param_name_empty(%a: tensor<4xf32> {mlc.input = "x"}, %b: tensor<4xf32> {mlc.param = ""}) { return }

// -----

// expected-error @+1 {{'mlc.state' on argument #0 must be a non-empty string name, found unit}}
func.func @state_name_unit(%a: tensor<4xf32> {mlc.state}) { return }

// -----

// expected-error @+1 {{argument #0 is marked both 'mlc.input' and 'mlc.param'}}
func.func @input_and_param(%a: tensor<4xf32> {mlc.param = "w", mlc.input = "x"}) { return }

// -----

// expected-error @+1 {{argument #0 is marked both 'mlc.param' and 'mlc.state'}}
func.func @param_and_state(%a: tensor<4xf32> {mlc.param = "w", mlc.state = "s"}) { return }

// -----

// expected-error @+1 {{argument #0 is marked both 'mlc.input' and 'mlc.state'}}
func.func @input_and_state(%a: tensor<4xf32> {mlc.state = "s", mlc.input = "x"}) { return }

// -----

// expected-error @+1 {{'mlc.init' on argument #0 needs 'mlc.param' or 'mlc.state' beside it}}
func.func @init_on_input(%a: tensor<4xf32> {mlc.input = "x", mlc.init = #mlc.init<zeros>}) { return }

// -----

// expected-error @+1 {{'mlc.init' on argument #0 needs 'mlc.param' or 'mlc.state' beside it}}
func.func @init_alone(%a: tensor<4xf32> {mlc.init = #mlc.init<ones>}) { return }

// -----

// expected-error @+1 {{'mlc.init' on argument #0 must be an #mlc.init<...>, found 1.000000e+00 : f32}}
func.func @init_not_init_attr(%a: tensor<4xf32> {mlc.param = "w", mlc.init = 1.0 : f32}) { return }

// -----

// expected-error @+1 {{'mlc.frozen' on argument #0 needs 'mlc.param' beside it}}
func.func @frozen_input(%a: tensor<4xf32> {mlc.input = "x", mlc.frozen}) { return }

// -----

// expected-error @+1 {{'mlc.frozen' on argument #0 needs 'mlc.param' beside it}}
func.func @frozen_state(%a: tensor<4xf32> {mlc.state = "s", mlc.frozen}) { return }

// -----

// expected-error @+1 {{'mlc.frozen' on argument #0 takes no value}}
func.func @frozen_with_value(%a: tensor<4xf32> {mlc.param = "w", mlc.frozen = true}) { return }

// -----

// expected-error @+1 {{unknown mlc argument attribute 'mlc.parameter' on argument #0 (expected mlc.input, mlc.param, mlc.state, mlc.cache, mlc.init, mlc.frozen, mlc.decay, mlc.counter, mlc.accumulator, mlc.shift, mlc.vocab, mlc.position, mlc.slice or mlc.shard)}}
func.func @unknown_arg_attr(%a: tensor<4xf32> {mlc.parameter = "w"}) { return }

// -----

// expected-error @+1 {{unknown mlc result attribute 'mlc.name' on result #0 (expected mlc.output, mlc.update or mlc.slice)}}
func.func @unknown_result_attr(%a: tensor<4xf32> {mlc.param = "w"}) -> (tensor<4xf32> {mlc.name = "y"}) {
  return %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{'mlc.output' on result #1 must be a non-empty string name, found 3 : i64}}
func.func @output_name_not_string(%a: tensor<4xf32> {mlc.param = "w"}) -> (tensor<4xf32>, tensor<4xf32> {mlc.output = 3}) {
  return %a, %a : tensor<4xf32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{'mlc.update' on result #0 must be a non-empty string name, found ""}}
func.func @update_name_empty(%a: tensor<4xf32> {mlc.param = "w"}) -> (tensor<4xf32> {mlc.update = ""}) {
  return %a : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// #mlc.init
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{unknown initializer 'gaussian' (expected zeros, ones, constant, normal, uniform, xavier_uniform or kaiming_uniform)}}
func.func @init_unknown_kind(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<gaussian>}) { return }

// -----

// expected-error @+1 {{initializer 'normal' has no key 'sigma' (expected mean, std)}}
func.func @init_unknown_key(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, sigma = 1.0>}) { return }

// -----

// expected-error @+1 {{initializer 'zeros' has no key 'value' (it takes none)}}
func.func @init_key_on_keyless_kind(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros, value = 1.0>}) { return }

// -----

// expected-error @+1 {{key 'std' given twice}}
func.func @init_repeated_key(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 1.0, std = 2.0>}) { return }

// -----

// expected-error @+1 {{normal initializer needs std > 0, found 0.000000e+00}}
func.func @init_std_zero(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.0>}) { return }

// -----

// expected-error @+1 {{normal initializer needs std > 0, found -1.000000e-01}}
func.func @init_std_negative(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, mean = 1.0, std = -0.1>}) { return }

// -----

// expected-error @+1 {{uniform initializer needs low < high, found low = 1.000000e+00, high = 1.000000e+00}}
func.func @init_low_equals_high(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<uniform, low = 1.0, high = 1.0>}) { return }

// -----

// The omitted low defaults to 0.
// expected-error @+1 {{uniform initializer needs low < high, found low = 0.000000e+00, high = -1.000000e+00}}
func.func @init_high_below_default_low(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<uniform, high = -1.0>}) { return }

// -----

// expected-error @+1 {{xavier_uniform needs gain > 0, found -1.000000e+00}}
func.func @init_negative_gain(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<xavier_uniform, gain = -1.0>}) { return }

// -----

// 0x7FF0000000000000 is the bit pattern of +infinity.
// expected-error @+1 {{initializer values must be finite}}
func.func @init_infinite(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<constant, value = 0x7FF0000000000000>}) { return }

// -----

// expected-error @+1 {{expected '>'}}
func.func @init_missing_comma(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal std = 2.0>}) { return }

// -----

// expected-error @+1 {{expected valid keyword}}
func.func @init_missing_kind(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<>}) { return }

// -----

// expected-error @+1 {{expected floating point literal}}
func.func @init_value_not_number(%a: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = large>}) { return }

// -----

// expected-error @+1 {{parameter 'n' (argument #0) has element type 'i32' and cannot be trained; mark it mlc.frozen}}
func.func @integer_param(%a: tensor<4xi32> {mlc.param = "n"}) { return }

// -----

// expected-error @+1 {{unknown mlc attribute 'mlc.whatever' on an operation (functions take mlc.kind and mlc.optimizer, both strings, mlc.micro_batches, mlc.workspace and mlc.batch_axes; modules take mlc.transformer, mlc.arenas, mlc.mesh, mlc.pipeline and mlc.stage; other ops mlc.slices, mlc.stage, mlc.micro and mlc.backward)}}
func.func @unknown_op_attr() attributes {mlc.whatever = 1} { return }

// -----

// expected-error @+1 {{unknown mlc attribute 'mlc.optimizer' on an operation}}
func.func @optimizer_not_string() attributes {mlc.optimizer = 1} { return }

// -----

// expected-error @+1 {{'mlc.kind' must be "train", "eval", "accumulate", "apply", "prefill" or "decode", found "serve"}}
func.func @unknown_kind() attributes {mlc.kind = "serve"} { return }

// -----

// expected-error @+1 {{'mlc.micro_batches' must be an integer of at least 2, found 1 : i64}}
func.func @one_micro_batch() attributes {mlc.kind = "apply", mlc.micro_batches = 1 : i64} { return }

// -----

// expected-error @+1 {{'mlc.accumulator' on argument #0 needs 'mlc.state' beside it}}
func.func @accumulator_not_state(%g: tensor<3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.accumulator}) { return }

// -----

// expected-error @+1 {{'mlc.accumulator' on argument #0 takes no value}}
func.func @accumulator_value(%g: tensor<3xf32> {mlc.state = "w.grad_accum", mlc.init = #mlc.init<zeros>, mlc.accumulator = 1}) { return }

//===----------------------------------------------------------------------===//
// Names: they end up in safetensors headers, JSON and CSV
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'mlc.param' on argument #0 must be valid UTF-8}}
func.func @name_not_utf8(%w: tensor<4xf32> {mlc.param = "w\FF1"}) { return }

// -----

// expected-error @+1 {{'mlc.output' on result #0 must be valid UTF-8}}
func.func @output_not_utf8(%x: tensor<4xf32> {mlc.input = "x"}) -> (tensor<4xf32> {mlc.output = "\C0\AF"}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'mlc.input' on argument #0 must not contain control characters}}
func.func @name_newline(%x: tensor<4xf32> {mlc.input = "a\0Ab"}) { return }

// -----

// expected-error @+1 {{'mlc.param' on argument #0 must not be '__metadata__', which safetensors files reserve}}
func.func @name_metadata(%w: tensor<4xf32> {mlc.param = "__metadata__"}) { return }

// -----

// Any other Unicode is fine.
func.func @name_unicode(%w: tensor<4xf32> {mlc.param = "poids_\C3\A9t\C3\A9", mlc.init = #mlc.init<zeros>}) { return }

//===----------------------------------------------------------------------===//
// Step counters
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'mlc.counter' on argument #0 needs 'mlc.state' beside it}}
func.func @counter_without_state(%s: tensor<i64> {mlc.param = "s", mlc.frozen, mlc.counter}) { return }

// -----

// expected-error @+1 {{'mlc.counter' on argument #0 needs a tensor<i64> step counter, found 'tensor<2xi64>'}}
func.func @counter_not_scalar(%s: tensor<2xi64> {mlc.state = "s", mlc.counter}) { return }

//===----------------------------------------------------------------------===//
// Token windows: mlc.shift and mlc.vocab
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 must be an integer, found 1.000000e+00 : f64}}
func.func @shift_float(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 1.0, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 must be an integer, found true}}
func.func @shift_bool(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = true, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 must be at least 0 and below 2^40, found -1}}
func.func @shift_negative(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = -1, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 must be at least 0 and below 2^40, found 1099511627776}}
func.func @shift_huge(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 1099511627776, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 needs 'mlc.input' beside it (a token window is an input)}}
func.func @shift_param(%t: tensor<2x8xi32> {mlc.param = "t", mlc.frozen, mlc.shift = 0, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 needs 'mlc.vocab = V' beside it (the bound of the token ids)}}
func.func @shift_without_vocab(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 0}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 needs an i32 or i64 [B, T] input (B windows of T tokens), found 'tensor<2x8xf32>'}}
func.func @shift_float_input(%t: tensor<2x8xf32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 needs an i32 or i64 [B, T] input (B windows of T tokens), found 'tensor<16xi32>'}}
func.func @shift_rank_one(%t: tensor<16xi32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.shift' on argument #0 needs an i32 or i64 [B, T] input (B windows of T tokens), found 'tensor<2x8xi1>'}}
func.func @shift_bool_input(%t: tensor<2x8xi1> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 4}) { return }

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 must be at least 1 and at most 2^31 (token files hold i32 ids), found 0}}
func.func @vocab_zero(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 0}) { return }

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 must be at least 1 and at most 2^31 (token files hold i32 ids), found 2147483649}}
func.func @vocab_huge(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = 2147483649}) { return }

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 must be an integer, found "256"}}
func.func @vocab_string(%t: tensor<2x8xi32> {mlc.input = "t", mlc.shift = 0, mlc.vocab = "256"}) { return }

// -----

// expected-error @+1 {{'mlc.vocab' on argument #0 needs 'mlc.shift' beside it (it bounds the ids of a token window)}}
func.func @vocab_without_shift(%t: tensor<2x8xi32> {mlc.input = "t", mlc.vocab = 4}) { return }

// -----

// The largest vocabulary and a shift past the window are fine.
func.func @window_limits(%t: tensor<2x8xi64> {mlc.input = "t", mlc.shift = 100, mlc.vocab = 2147483648}) { return }

//===----------------------------------------------------------------------===//
// Tensor sizes: no empty tensors, none larger than 2^40 bytes
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{argument #0 ('tensor<0xf32>') has a dimension of size 0; mlc does not support empty tensors}}
func.func @empty_param(%w: tensor<0xf32> {mlc.param = "w"}) { return }

// -----

// A batch of 0 samples.
// expected-error @+1 {{argument #0 ('tensor<0x8xf32>') has a dimension of size 0; mlc does not support empty tensors}}
func.func @empty_batch(%x: tensor<0x8xf32> {mlc.input = "x"}) { return }

// -----

// expected-error @+1 {{argument #0 ('tensor<4294967296x4294967296xf32>') needs more than 2^40 bytes, the largest tensor mlc supports}}
func.func @huge_param(%w: tensor<4294967296x4294967296xf32> {mlc.param = "w"}) { return }

// -----

func.func @empty_result(%x: tensor<4x3xf32>) -> tensor<4x0xf32> {
  // expected-error @+1 {{'mlc.broadcast_to' op result #0 ('tensor<4x0xf32>') has a dimension of size 0; mlc does not support empty tensors}}
  %0 = mlc.broadcast_to %x : (tensor<4x3xf32>) -> tensor<4x0xf32>
  return %0 : tensor<4x0xf32>
}

// -----

func.func @empty_reduction(%x: tensor<4x0xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.reduce_sum' op operand #0 ('tensor<4x0xf32>') has a dimension of size 0}}
  %0 = mlc.reduce_sum %x axes = [1] : (tensor<4x0xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @empty_softmax(%x: tensor<4x0xf32>) -> tensor<4x0xf32> {
  // expected-error @+1 {{'mlc.softmax' op operand #0 ('tensor<4x0xf32>') has a dimension of size 0}}
  %0 = mlc.softmax %x axis = 1 : tensor<4x0xf32>
  return %0 : tensor<4x0xf32>
}

// -----

// The element count of a reshape would overflow int64 without the size
// check, which comes first.
func.func @huge_reshape(%x: tensor<4294967296x4294967296x16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{'mlc.reshape' op operand #0 ('tensor<4294967296x4294967296x16xf32>') needs more than 2^40 bytes}}
  %0 = mlc.reshape %x : (tensor<4294967296x4294967296x16xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

func.func @huge_constant() -> tensor<1099511627776x2xf32> {
  // expected-error @+1 {{'mlc.full' op result #0 ('tensor<1099511627776x2xf32>') needs more than 2^40 bytes}}
  %0 = mlc.full 1.0 : tensor<1099511627776x2xf32>
  return %0 : tensor<1099511627776x2xf32>
}

// -----

// expected-error @+1 {{'mlc.decay' on argument #0 must be true or false, found 1 : i64}}
func.func @decay_not_bool(%w: tensor<4xf32> {mlc.param = "w", mlc.decay = 1}) { return }

// -----

// expected-error @+1 {{'mlc.decay' on argument #0 needs 'mlc.param' beside it}}
func.func @decay_on_input(%x: tensor<4xf32> {mlc.input = "x", mlc.decay = true}) { return }

// -----

// expected-error @+1 {{'mlc.transformer' must be a dictionary, found "gpt2"}}
module attributes {mlc.transformer = "gpt2"} {}

// -----

// expected-error @+1 {{'mlc.transformer' needs family = "gpt2" or "llama"}}
module attributes {mlc.transformer = {family = "bert"}} {}

// -----

// expected-error @+1 {{'mlc.transformer' needs kv_heads as a positive i64}}
module attributes {mlc.transformer = {family = "llama", layers = 1 : i64, heads = 2 : i64, kv_heads = 0 : i64}} {}

// -----

// expected-error @+1 {{'mlc.transformer' needs tie_embeddings as a bool}}
module attributes {mlc.transformer = {family = "gpt2", layers = 1 : i64, heads = 2 : i64, kv_heads = 2 : i64, dim = 8 : i64, ffn_dim = 32 : i64, vocab = 16 : i64, context = 8 : i64, norm_eps = 1.0e-05 : f64, rope_theta = 1.0e+04 : f64}} {}

// -----

// expected-error @+1 {{unknown mlc attribute 'mlc.transformer' on an operation}}
func.func @transformer_on_function() attributes {mlc.transformer = {}} { return }

//===----------------------------------------------------------------------===//
// Memory plans: #mlc.slice, mlc.slices, mlc.arenas, mlc.workspace
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{slice offset 32 is not a multiple of 64}}
func.func @misaligned_slice(%a: tensor<4xf32> {mlc.param = "w", mlc.slice = #mlc.slice<parameter, 32, 16>}) { return }

// -----

// expected-error @+1 {{slice size must be at least 1 byte}}
func.func @empty_slice(%a: tensor<4xf32> {mlc.param = "w", mlc.slice = #mlc.slice<parameter, 0, 0>}) { return }

// -----

// expected-error @+1 {{slice [17592186044416, 17592186044416 + 16) ends past 2^44 bytes, the largest arena}}
func.func @slice_past_arena(%a: tensor<4xf32> {mlc.param = "w", mlc.slice = #mlc.slice<parameter, 17592186044416, 16>}) { return }

// -----

// expected-error @+1 {{'mlc.slice' on argument #0 must be an #mlc.slice<...>, found 3 : i64}}
func.func @slice_not_a_slice(%a: tensor<4xf32> {mlc.param = "w", mlc.slice = 3}) { return }

// -----

// expected-error @+1 {{'mlc.slice' on result #0 must be an #mlc.slice<...>, found "io"}}
func.func @result_slice_not_a_slice(%a: tensor<4xf32> {mlc.param = "w"}) -> (tensor<4xf32> {mlc.output = "y", mlc.slice = "io"}) {
  return %a : tensor<4xf32>
}

// -----

func.func @slices_per_result(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.slices' has 2 slices for 1 results}}
  %0 = mlc.neg %a {mlc.slices = [#mlc.slice<workspace, 0, 16>, #mlc.slice<workspace, 64, 16>]} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slices_not_slices(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'mlc.slices' must be an array of #mlc.slice<...>, found [0]}}
  %0 = mlc.neg %a {mlc.slices = [0]} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{'mlc.arenas' names unknown arena 'heap' (expected parameter, optimizer_state, step_counter, grad_accumulator, kv_cache, constant, io or workspace)}}
module attributes {mlc.arenas = {heap = 64 : i64}} {}

// -----

// expected-error @+1 {{'mlc.arenas' gives arena 'workspace' a size that is not a non-negative i64}}
module attributes {mlc.arenas = {workspace = -64 : i64}} {}

// -----

// expected-error @+1 {{'mlc.workspace' must be a non-negative i64, found "big"}}
func.func @workspace_not_a_size() attributes {mlc.workspace = "big"} { return }
