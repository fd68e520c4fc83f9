// -mlc-lower-einsum: each mlc.einsum becomes at most one matmul (when a
// label shared by both operands is contracted) or one broadcasting mul
// (when none is), plus the reductions, transposes and reshapes that line
// the labels up.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-lower-einsum | FileCheck %s

// The same labels everywhere: an elementwise product.
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4x5xf32>, %[[B:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.mul %[[A]], %[[B]] : (tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK-NEXT: return %[[R]]
func.func @elementwise(%a: tensor<2x3x4x5xf32>, %b: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = mlc.einsum "abcd,abcd->abcd" %a, %b : (tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// A linear layer with a [out, in] weight: the free labels of the input are
// flattened into the rows of one matmul, the weight is used as stored
// (transpose_rhs), and the result is reshaped back.
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>, %[[W:.*]]: tensor<6x5xf32>)
// CHECK-NEXT: %[[ROWS:.*]] = mlc.reshape %[[X]] : (tensor<2x3x4x5xf32>) -> tensor<24x5xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROWS]], %[[W]] transpose_rhs : (tensor<24x5xf32>, tensor<6x5xf32>) -> tensor<24x6xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<24x6xf32>) -> tensor<2x3x4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @linear(%x: tensor<2x3x4x5xf32>, %w: tensor<6x5xf32>) -> tensor<2x3x4x6xf32> {
  %0 = mlc.einsum "abcd,ed->abce" %x, %w : (tensor<2x3x4x5xf32>, tensor<6x5xf32>) -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// -----

// One operand, a label dropped: a sum over it.
// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.reduce_sum %[[X]] axes = [2] : (tensor<2x3x4x5xf32>) -> tensor<2x3x5xf32>
// CHECK-NEXT: return %[[R]]
func.func @reduce(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = mlc.einsum "abcd->abd" %x : (tensor<2x3x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Summed and transposed: the sum comes first.
// CHECK-LABEL: func.func @reduce_and_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xi32>)
// CHECK-NEXT: %[[S:.*]] = mlc.reduce_sum %[[X]] axes = [1] : (tensor<2x3x4xi32>) -> tensor<2x4xi32>
// CHECK-NEXT: %[[R:.*]] = mlc.transpose %[[S]] perm = [1, 0] : (tensor<2x4xi32>) -> tensor<4x2xi32>
// CHECK-NEXT: return %[[R]]
func.func @reduce_and_transpose(%x: tensor<2x3x4xi32>) -> tensor<4x2xi32> {
  %0 = mlc.einsum "abc->ca" %x : (tensor<2x3x4xi32>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.transpose %[[X]] perm = [1, 0] : (tensor<3x4xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @transpose(%x: tensor<3x4xf32>) -> tensor<4x3xf32> {
  %0 = mlc.einsum "ij->ji" %x : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// The identity equation lowers to nothing.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = mlc.einsum "ij->ij" %x : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A batched contraction is one batched matmul, with nothing around it.
// CHECK-LABEL: func.func @batched
// CHECK-SAME: (%[[A:.*]]: tensor<7x2x3xf32>, %[[B:.*]]: tensor<7x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.matmul %[[A]], %[[B]] : (tensor<7x2x3xf32>, tensor<7x3x4xf32>) -> tensor<7x2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @batched(%a: tensor<7x2x3xf32>, %b: tensor<7x3x4xf32>) -> tensor<7x2x4xf32> {
  %0 = mlc.einsum "bij,bjk->bik" %a, %b : (tensor<7x2x3xf32>, tensor<7x3x4xf32>) -> tensor<7x2x4xf32>
  return %0 : tensor<7x2x4xf32>
}

// -----

// Attention scores: two batch labels are flattened into one, and the keys
// are used as stored (transpose_rhs).
// CHECK-LABEL: func.func @attention_scores
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8x16xf32>, %[[K:.*]]: tensor<2x4x6x16xf32>)
// CHECK-NEXT: %[[Q3:.*]] = mlc.reshape %[[Q]] : (tensor<2x4x8x16xf32>) -> tensor<8x8x16xf32>
// CHECK-NEXT: %[[K3:.*]] = mlc.reshape %[[K]] : (tensor<2x4x6x16xf32>) -> tensor<8x6x16xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[Q3]], %[[K3]] transpose_rhs : (tensor<8x8x16xf32>, tensor<8x6x16xf32>) -> tensor<8x8x6xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<8x8x6xf32>) -> tensor<2x4x8x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @attention_scores(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>) -> tensor<2x4x8x6xf32> {
  %0 = mlc.einsum "bhqd,bhkd->bhqk" %q, %k : (tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>) -> tensor<2x4x8x6xf32>
  return %0 : tensor<2x4x8x6xf32>
}

// -----

// The contracted label first in the lhs: transpose_lhs instead of a
// transpose.
// CHECK-LABEL: func.func @lhs_transposed
// CHECK-SAME: (%[[A:.*]]: tensor<3x2xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.matmul %[[A]], %[[B]] transpose_lhs : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @lhs_transposed(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = mlc.einsum "ji,jk->ik" %a, %b : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Labels in an order no transpose flag covers: an explicit transpose before
// the matmul (the batch label moves first) and after it (the output order).
// CHECK-LABEL: func.func @transposes_around
// CHECK-SAME: (%[[A:.*]]: tensor<2x7x3xf32>, %[[B:.*]]: tensor<7x3x4xf32>)
// CHECK-NEXT: %[[AT:.*]] = mlc.transpose %[[A]] perm = [1, 0, 2] : (tensor<2x7x3xf32>) -> tensor<7x2x3xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[AT]], %[[B]] : (tensor<7x2x3xf32>, tensor<7x3x4xf32>) -> tensor<7x2x4xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.transpose %[[MM]] perm = [0, 2, 1] : (tensor<7x2x4xf32>) -> tensor<7x4x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @transposes_around(%a: tensor<2x7x3xf32>, %b: tensor<7x3x4xf32>) -> tensor<7x4x2xf32> {
  %0 = mlc.einsum "ibj,bjk->bki" %a, %b : (tensor<2x7x3xf32>, tensor<7x3x4xf32>) -> tensor<7x4x2xf32>
  return %0 : tensor<7x4x2xf32>
}

// -----

// An outer product: no label is contracted, so both operands are reshaped
// to broadcast against each other and multiplied.
// CHECK-LABEL: func.func @outer
// CHECK-SAME: (%[[A:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[COL:.*]] = mlc.reshape %[[A]] : (tensor<3xf32>) -> tensor<3x1xf32>
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[B]] : (tensor<4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.mul %[[COL]], %[[ROW]] : (tensor<3x1xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @outer(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = mlc.einsum "i,j->ij" %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// No contraction, the operands' labels in another order than the output's.
// CHECK-LABEL: func.func @product_transposed
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x2xf32>)
// CHECK-NEXT: %[[AT:.*]] = mlc.transpose %[[A]] perm = [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.mul %[[AT]], %[[B]] : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @product_transposed(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = mlc.einsum "ij,ji->ji" %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A label only one operand has and the output drops (z) is summed out of
// that operand before the matmul.
// CHECK-LABEL: func.func @summed_in_one_operand
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x5xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[S:.*]] = mlc.reduce_sum %[[A]] axes = [2] : (tensor<2x3x5xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.matmul %[[S]], %[[B]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @summed_in_one_operand(%a: tensor<2x3x5xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = mlc.einsum "ijz,jk->ik" %a, %b : (tensor<2x3x5xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Labels summed in one operand and no label contracted: a sum, then a mul.
// CHECK-LABEL: func.func @summed_without_contraction
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi64>, %[[B:.*]]: tensor<3x4xi64>)
// CHECK-NEXT: %[[S:.*]] = mlc.reduce_sum %[[B]] axes = [1] : (tensor<3x4xi64>) -> tensor<3xi64>
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[S]] : (tensor<3xi64>) -> tensor<1x3xi64>
// CHECK-NEXT: %[[R:.*]] = mlc.mul %[[A]], %[[ROW]] : (tensor<2x3xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
// CHECK-NEXT: return %[[R]]
func.func @summed_without_contraction(%a: tensor<2x3xi64>, %b: tensor<3x4xi64>) -> tensor<2x3xi64> {
  %0 = mlc.einsum "ij,jk->ij" %a, %b : (tensor<2x3xi64>, tensor<3x4xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// A full contraction to a scalar: a [1, K] x [K, 1] matmul.
// CHECK-LABEL: func.func @dot
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf64>, %[[B:.*]]: tensor<2x3xf64>)
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[A]] : (tensor<2x3xf64>) -> tensor<1x6xf64>
// CHECK-NEXT: %[[COL:.*]] = mlc.reshape %[[B]] : (tensor<2x3xf64>) -> tensor<6x1xf64>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROW]], %[[COL]] : (tensor<1x6xf64>, tensor<6x1xf64>) -> tensor<1x1xf64>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<1x1xf64>) -> tensor<f64>
// CHECK-NEXT: return %[[R]]
func.func @dot(%a: tensor<2x3xf64>, %b: tensor<2x3xf64>) -> tensor<f64> {
  %0 = mlc.einsum "ij,ij->" %a, %b : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

// '...' standing for no dimension: a vector times a matrix.
// CHECK-LABEL: func.func @matvec_no_batch
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[W:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[X]] : (tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROW]], %[[W]] : (tensor<1x3xf32>, tensor<3x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<1x4xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %[[R]]
func.func @matvec_no_batch(%x: tensor<3xf32>, %w: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = mlc.einsum "...i,ij->...j" %x, %w : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// One ellipsis dimension: a plain matmul.
// CHECK-LABEL: func.func @matvec_one_batch
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[W:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.matmul %[[X]], %[[W]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @matvec_one_batch(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = mlc.einsum "...i,ij->...j" %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Two ellipsis dimensions only the lhs has are flattened into the rows.
// CHECK-LABEL: func.func @matvec_two_batch
// CHECK-SAME: (%[[X:.*]]: tensor<5x2x3xf32>, %[[W:.*]]: tensor<3x4xf32>)
// CHECK-NEXT: %[[ROWS:.*]] = mlc.reshape %[[X]] : (tensor<5x2x3xf32>) -> tensor<10x3xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROWS]], %[[W]] : (tensor<10x3xf32>, tensor<3x4xf32>) -> tensor<10x4xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<10x4xf32>) -> tensor<5x2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @matvec_two_batch(%x: tensor<5x2x3xf32>, %w: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = mlc.einsum "...i,ij->...j" %x, %w : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// -----

// Ellipses of one shape in both operands are batch labels: one batched
// matmul, as for "bij,bjk->bik".
// CHECK-LABEL: func.func @ellipsis_batch
// CHECK-SAME: (%[[A:.*]]: tensor<7x2x3xf32>, %[[B:.*]]: tensor<7x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.matmul %[[A]], %[[B]] : (tensor<7x2x3xf32>, tensor<7x3x4xf32>) -> tensor<7x2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_batch(%a: tensor<7x2x3xf32>, %b: tensor<7x3x4xf32>) -> tensor<7x2x4xf32> {
  %0 = mlc.einsum "...ij,...jk->...ik" %a, %b : (tensor<7x2x3xf32>, tensor<7x3x4xf32>) -> tensor<7x2x4xf32>
  return %0 : tensor<7x2x4xf32>
}

// -----

// Broadcasting ellipses (2x1 against 5): the size-1 dimension of %a is
// reshaped away, which leaves each ellipsis dimension in one operand only,
// a free label of the matmul. Nothing is materialized by a broadcast.
// CHECK-LABEL: func.func @ellipsis_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x1x3x4xf32>, %[[B:.*]]: tensor<5x4x6xf32>)
// CHECK-NEXT: %[[ROWS:.*]] = mlc.reshape %[[A]] : (tensor<2x1x3x4xf32>) -> tensor<6x4xf32>
// CHECK-NEXT: %[[BT:.*]] = mlc.transpose %[[B]] perm = [1, 0, 2] : (tensor<5x4x6xf32>) -> tensor<4x5x6xf32>
// CHECK-NEXT: %[[COLS:.*]] = mlc.reshape %[[BT]] : (tensor<4x5x6xf32>) -> tensor<4x30xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROWS]], %[[COLS]] : (tensor<6x4xf32>, tensor<4x30xf32>) -> tensor<6x30xf32>
// CHECK-NEXT: %[[MM4:.*]] = mlc.reshape %[[MM]] : (tensor<6x30xf32>) -> tensor<2x3x5x6xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.transpose %[[MM4]] perm = [0, 2, 1, 3] : (tensor<2x3x5x6xf32>) -> tensor<2x5x3x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = mlc.einsum "...ij,...jk->...ik" %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// -----

// An elementwise product of broadcasting ellipses needs no reshape of the
// operand that already has its size-1 dimension in place.
// CHECK-LABEL: func.func @ellipsis_product
// CHECK-SAME: (%[[A:.*]]: tensor<2x1xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[B]] : (tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.mul %[[A]], %[[ROW]] : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_product(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.einsum "...,...->..." %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The ellipsis moved behind a letter: one transpose.
// CHECK-LABEL: func.func @ellipsis_last
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.transpose %[[X]] perm = [1, 2, 0] : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_last(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = mlc.einsum "i...->...i" %x : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// No '...' in the output: the ellipsis dimensions are summed (torch.einsum).
// CHECK-LABEL: func.func @ellipsis_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = mlc.reduce_sum %[[X]] axes = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<f32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_sum(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %0 = mlc.einsum "...->" %x : (tensor<2x3x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// A dot product per row over the ellipsis dimensions: one batched matmul.
// CHECK-LABEL: func.func @ellipsis_row_dot
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[ROW:.*]] = mlc.reshape %[[A]] : (tensor<2x3x4xf32>) -> tensor<2x1x12xf32>
// CHECK-NEXT: %[[COL:.*]] = mlc.reshape %[[B]] : (tensor<2x3x4xf32>) -> tensor<2x12x1xf32>
// CHECK-NEXT: %[[MM:.*]] = mlc.matmul %[[ROW]], %[[COL]] : (tensor<2x1x12xf32>, tensor<2x12x1xf32>) -> tensor<2x1x1xf32>
// CHECK-NEXT: %[[R:.*]] = mlc.reshape %[[MM]] : (tensor<2x1x1xf32>) -> tensor<2xf32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_row_dot(%a: tensor<2x3x4xf32>, %b: tensor<2x3x4xf32>) -> tensor<2xf32> {
  %0 = mlc.einsum "b...,b...->b" %a, %b : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Summed ellipsis dimensions that broadcast (3x1 against 1x4) are in one
// operand each once the size-1 ones are dropped: nothing is contracted, so
// even integers lower, to two sums and a mul.
// CHECK-LABEL: func.func @ellipsis_broadcast_sum
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x1xi32>, %[[B:.*]]: tensor<2x1x4xi32>)
// CHECK-DAG: %[[A2:.*]] = mlc.reshape %[[A]] : (tensor<2x3x1xi32>) -> tensor<2x3xi32>
// CHECK-DAG: %[[B2:.*]] = mlc.reshape %[[B]] : (tensor<2x1x4xi32>) -> tensor<2x4xi32>
// CHECK-DAG: %[[SA:.*]] = mlc.reduce_sum %[[A2]] axes = [1] : (tensor<2x3xi32>) -> tensor<2xi32>
// CHECK-DAG: %[[SB:.*]] = mlc.reduce_sum %[[B2]] axes = [1] : (tensor<2x4xi32>) -> tensor<2xi32>
// CHECK: %[[R:.*]] = mlc.mul %[[SA]], %[[SB]] : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
// CHECK-NEXT: return %[[R]]
func.func @ellipsis_broadcast_sum(%a: tensor<2x3x1xi32>, %b: tensor<2x1x4xi32>) -> tensor<2xi32> {
  %0 = mlc.einsum "b...,b...->b" %a, %b : (tensor<2x3x1xi32>, tensor<2x1x4xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// An integer einsum contracting an ellipsis dimension has no lowering; the
// message names the dimension.
func.func @integer_ellipsis_contraction(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<i32> {
  // expected-error @+1 {{could not lower this einsum: dimension 0 of '...' is contracted, which takes an mlc.matmul, and mlc.matmul takes float operands only}}
  %0 = mlc.einsum "...,...->" %a, %b : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<i32>
  return %0 : tensor<i32>
}

// -----

// mlc.matmul takes float operands only: an integer einsum that contracts a
// label shared by both operands has no lowering.
func.func @integer_contraction(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{could not lower this einsum: label 'j' is contracted, which takes an mlc.matmul, and mlc.matmul takes float operands only}}
  %0 = mlc.einsum "ij,jk->ik" %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}
