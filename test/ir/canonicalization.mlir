// The folders and canonicalization patterns of the mlc ops, and the cases
// that look foldable but must stay.
// RUN: mlc-opt %s -canonicalize -split-input-file | FileCheck %s

//===----------------------------------------------------------------------===//
// Identity elements: x + 0, 0 + x, x - 0, x * 1, 1 * x, x / 1
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: mlc.add
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @add_zero(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = mlc.constant dense<0.0> : tensor<4xf32>
  %scalar = mlc.constant dense<0.0> : tensor<f32>
  %0 = mlc.add %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.add %zero, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // A scalar zero broadcasts to x's shape: the result is still x.
  %2 = mlc.add %x, %scalar : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @add_zero_integer
// CHECK-SAME: (%[[X:.*]]: tensor<2x2xi32>)
// CHECK-NOT: mlc.add
// CHECK: return %[[X]]
func.func @add_zero_integer(%x: tensor<2x2xi32>) -> tensor<2x2xi32> {
  %zero = mlc.constant dense<0> : tensor<2xi32>
  %0 = mlc.add %zero, %x : (tensor<2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>)
// CHECK-NOT: mlc.sub
// CHECK: return %[[X]]
func.func @sub_zero(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %zero = mlc.constant dense<0.0> : tensor<bf16>
  %0 = mlc.sub %x, %zero : (tensor<4xbf16>, tensor<bf16>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf64>)
// CHECK-NOT: mlc.mul
// CHECK: return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) {
  %one = mlc.constant dense<1.0> : tensor<f64>
  %0 = mlc.mul %x, %one : (tensor<4xf64>, tensor<f64>) -> tensor<4xf64>
  %1 = mlc.mul %one, %x : (tensor<f64>, tensor<4xf64>) -> tensor<4xf64>
  return %0, %1 : tensor<4xf64>, tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xi64>)
// CHECK-NOT: mlc.div
// CHECK: return %[[X]]
func.func @div_one(%x: tensor<4xi64>) -> tensor<4xi64> {
  %one = mlc.constant dense<1> : tensor<4xi64>
  %0 = mlc.div %x, %one : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// The identity broadcasts x to a larger shape: the result is not x.
// CHECK-LABEL: func.func @add_zero_broadcasting_x
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK: %[[ZERO:.*]] = mlc.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK: %[[SUM:.*]] = mlc.add %[[X]], %[[ZERO]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[SUM]]
func.func @add_zero_broadcasting_x(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = mlc.constant dense<0.0> : tensor<2x3xf32>
  %0 = mlc.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one_broadcasting_x
// CHECK: %[[PROD:.*]] = mlc.mul
// CHECK: return %[[PROD]]
func.func @mul_one_broadcasting_x(%x: tensor<1x3xf32>) -> tensor<5x3xf32> {
  %one = mlc.constant dense<1.0> : tensor<5x1xf32>
  %0 = mlc.mul %one, %x : (tensor<5x1xf32>, tensor<1x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

// Only the right operand of sub and div is an identity: 0 - x and 1 / x stay.
// CHECK-LABEL: func.func @left_identity_of_sub_and_div
// CHECK: %[[NEG:.*]] = mlc.sub
// CHECK: %[[INV:.*]] = mlc.div
// CHECK: return %[[NEG]], %[[INV]]
func.func @left_identity_of_sub_and_div(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %zero = mlc.constant dense<0.0> : tensor<f32>
  %one = mlc.constant dense<1.0> : tensor<f32>
  %0 = mlc.sub %zero, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.div %one, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Not an identity: the wrong constant, or a constant that is not a splat.
// CHECK-LABEL: func.func @not_identities
// CHECK: %[[A:.*]] = mlc.add
// CHECK: %[[B:.*]] = mlc.mul
// CHECK: %[[C:.*]] = mlc.add
// CHECK: %[[D:.*]] = mlc.div
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @not_identities(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %one = mlc.constant dense<1.0> : tensor<2xf32>
  %zero = mlc.constant dense<0.0> : tensor<2xf32>
  %mixed = mlc.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = mlc.add %x, %one : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = mlc.mul %x, %zero : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = mlc.add %x, %mixed : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %3 = mlc.div %x, %zero : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

//===----------------------------------------------------------------------===//
// Reductions over no axes
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @reduce_no_axes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: mlc.reduce
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]]
func.func @reduce_no_axes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = mlc.reduce_sum %x axes = [] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = mlc.reduce_mean %x axes = [] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = mlc.reduce_max %x axes = [] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = mlc.reduce_sum %x axes = [] keepdims : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_with_axes
// CHECK: %[[SUM:.*]] = mlc.reduce_sum
// CHECK: return %[[SUM]]
func.func @reduce_with_axes(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = mlc.reduce_sum %x axes = [1] : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

//===----------------------------------------------------------------------===//
// broadcast_to
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @broadcast_to_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NOT: mlc.broadcast_to
// CHECK: return %[[X]]
func.func @broadcast_to_same_type(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = mlc.broadcast_to %x : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_chain
// CHECK-SAME: (%[[X:.*]]: tensor<1x3xf32>)
// CHECK-NEXT: %[[B:.*]] = mlc.broadcast_to %[[X]] : (tensor<1x3xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[B]]
func.func @broadcast_to_chain(%x: tensor<1x3xf32>) -> tensor<4x2x3xf32> {
  %0 = mlc.broadcast_to %x : (tensor<1x3xf32>) -> tensor<2x3xf32>
  %1 = mlc.broadcast_to %0 : (tensor<2x3xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_splat
// CHECK-DAG: %[[F:.*]] = mlc.constant dense<1.500000e+00> : tensor<2x3xf32>
// CHECK-DAG: %[[I:.*]] = mlc.constant dense<7> : tensor<2x3xi32>
// CHECK-NOT: mlc.broadcast_to
// CHECK: return %[[F]], %[[I]]
func.func @broadcast_to_splat() -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %f = mlc.constant dense<1.5> : tensor<3xf32>
  %0 = mlc.broadcast_to %f : (tensor<3xf32>) -> tensor<2x3xf32>
  %i = mlc.constant dense<7> : tensor<1x3xi32>
  %1 = mlc.broadcast_to %i : (tensor<1x3xi32>) -> tensor<2x3xi32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

// A constant that is not a splat is not expanded.
// CHECK-LABEL: func.func @broadcast_to_non_splat
// CHECK: %[[C:.*]] = mlc.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[B:.*]] = mlc.broadcast_to %[[C]] : (tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[B]]
func.func @broadcast_to_non_splat() -> tensor<2x3xf32> {
  %c = mlc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = mlc.broadcast_to %c : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<6xf32>)
// CHECK-NOT: mlc.reshape
// CHECK: return %[[X]]
func.func @reshape_same_type(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = mlc.reshape %x : (tensor<6xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<6xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[X]] : (tensor<6xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %0 = mlc.reshape %x : (tensor<6xf32>) -> tensor<2x3xf32>
  %1 = mlc.reshape %0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// A chain that comes back to the input's shape disappears.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<6xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = mlc.reshape %x : (tensor<6xf32>) -> tensor<2x3xf32>
  %1 = mlc.reshape %0 : (tensor<2x3xf32>) -> tensor<6xf32>
  return %1 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK: %[[C:.*]] = mlc.constant dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>
// CHECK-NOT: mlc.reshape
// CHECK: return %[[C]]
func.func @reshape_constant() -> tensor<3x2xi32> {
  %c = mlc.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = mlc.reshape %c : (tensor<6xi32>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT: mlc.transpose
// CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = mlc.transpose %x perm = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// transpose [0, 2, 1] of transpose [1, 2, 0] of x is transpose [1, 0, 2] of x.
// CHECK-LABEL: func.func @transpose_composition
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = mlc.transpose %[[X]] perm = [1, 0, 2] : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_composition(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = mlc.transpose %x perm = [1, 2, 0] : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = mlc.transpose %0 perm = [0, 2, 1] : (tensor<3x4x2xf32>) -> tensor<3x2x4xf32>
  return %1 : tensor<3x2x4xf32>
}

// -----

// Two transposes that undo each other disappear.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = mlc.transpose %x perm = [2, 0, 1] : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = mlc.transpose %0 perm = [1, 2, 0] : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Transposing a square matrix keeps the type, but is not the identity.
// CHECK-LABEL: func.func @transpose_not_identity
// CHECK: mlc.transpose %{{.*}} perm = [1, 0]
func.func @transpose_not_identity(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = mlc.transpose %x perm = [1, 0] : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

//===----------------------------------------------------------------------===//
// cast, full, neg
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[C:.*]] = mlc.cast %[[X]] : tensor<4xf32> to tensor<4xf16>
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @cast_same_type(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf16>) {
  %0 = mlc.cast %x : tensor<4xf32> to tensor<4xf32>
  %1 = mlc.cast %x : tensor<4xf32> to tensor<4xf16>
  return %0, %1 : tensor<4xf32>, tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @full_to_splat
// CHECK-DAG: %[[F32:.*]] = mlc.constant dense<5.000000e-01> : tensor<2x3xf32>
// CHECK-DAG: %[[I32:.*]] = mlc.constant dense<-2> : tensor<4xi32>
// CHECK-DAG: %[[BF16:.*]] = mlc.constant dense<1.000980e-01> : tensor<bf16>
// CHECK-DAG: %[[I64:.*]] = mlc.constant dense<2> : tensor<2xi64>
// CHECK-NOT: mlc.full
// CHECK: return %[[F32]], %[[I32]], %[[BF16]], %[[I64]]
func.func @full_to_splat() -> (tensor<2x3xf32>, tensor<4xi32>, tensor<bf16>, tensor<2xi64>) {
  %0 = mlc.full 0.5 : tensor<2x3xf32>
  %1 = mlc.full -2.0 : tensor<4xi32>
  // 0.1 rounded to the nearest bf16.
  %2 = mlc.full 0.1 : tensor<bf16>
  // Integers take the value truncated toward zero.
  %3 = mlc.full 2.9 : tensor<2xi64>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<4xi32>, tensor<bf16>, tensor<2xi64>
}

// -----

// A full that feeds an identity folds twice: x * full(1) is x.
// CHECK-LABEL: func.func @full_as_identity
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @full_as_identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = mlc.full 1.0 : tensor<4xf32>
  %0 = mlc.mul %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @double_negation
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: mlc.neg
// CHECK: return %[[X]]
func.func @double_negation(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.neg %x : tensor<4xf32>
  %1 = mlc.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// An odd number of negations leaves one.
// CHECK-LABEL: func.func @triple_negation
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>)
// CHECK-NEXT: %[[N:.*]] = mlc.neg %[[X]] : tensor<4xi32>
// CHECK-NEXT: return %[[N]]
func.func @triple_negation(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = mlc.neg %x : tensor<4xi32>
  %1 = mlc.neg %0 : tensor<4xi32>
  %2 = mlc.neg %1 : tensor<4xi32>
  return %2 : tensor<4xi32>
}

//===----------------------------------------------------------------------===//
// Slicing: a slice of a whole axis, a concat of one operand and a split
// into one piece are their input; the proper ones stay.
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @slice_whole_axis
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: mlc.slice
// CHECK: return %[[X]]
func.func @slice_whole_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.slice %x axis = 1 start = 0 size = 3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_part_stays
// CHECK: mlc.slice
func.func @slice_part_stays(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = mlc.slice %x axis = 1 start = 1 size = 2 : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat_one_operand
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi64>)
// CHECK-NOT: mlc.concat
// CHECK: return %[[X]]
func.func @concat_one_operand(%x: tensor<2x3xi64>) -> tensor<2x3xi64> {
  %0 = mlc.concat %x axis = 0 : (tensor<2x3xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @concat_two_stays
// CHECK: mlc.concat
func.func @concat_two_stays(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = mlc.concat %x, %x axis = 0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @split_one_piece
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: mlc.split
// CHECK: return %[[X]]
func.func @split_one_piece(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.split %x axis = 1 sizes = [3] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @split_two_stays
// CHECK: mlc.split
func.func @split_two_stays(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0:2 = mlc.split %x axis = 1 sizes = [2, 1] : (tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x1xf32>)
  return %0#1 : tensor<2x1xf32>
}
