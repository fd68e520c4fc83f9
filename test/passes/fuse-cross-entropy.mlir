// -mlc-fuse-cross-entropy: the loss and the gradient autodiff writes for it,
// (softmax(logits) - one_hot(labels)) * scale, become one
// softmax_cross_entropy_with_grad where the loss stood; and the cases it
// must leave alone.
// RUN: mlc-opt %s -split-input-file -mlc-fuse-cross-entropy | FileCheck %s
// RUN: mlc-opt %s -split-input-file -mlc-fuse-cross-entropy -mlc-fuse | FileCheck %s --check-prefix=FUSED
// RUN: mlc-opt %s -split-input-file -mlc-fuse-cross-entropy -verify-each | FileCheck %s --check-prefix=VALID
// VALID-NOT: error

// The written-out gradient, the scale an argument (a seed over the rows).
// CHECK-LABEL: func.func @fused
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>, %[[Y:.*]]: tensor<4xi64>, %[[S:.*]]: tensor<f32>)
// CHECK-NEXT: %[[L:.*]], %[[G:.*]] = mlc.softmax_cross_entropy_with_grad %[[X]], %[[Y]], %[[S]] : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) -> (tensor<f32>, tensor<4x10xf32>)
// CHECK-NOT: mlc.softmax
// CHECK-NOT: mlc.one_hot
// CHECK-NOT: mlc.sub
// CHECK: return %[[L]], %[[G]]
// FUSED-LABEL: func.func @fused
// FUSED-NOT: mlc.fusion
// FUSED: mlc.softmax_cross_entropy_with_grad
// FUSED-NOT: mlc.fusion
// FUSED: return
func.func @fused(%x: tensor<4x10xf32>, %y: tensor<4xi64>, %s: tensor<f32>)
    -> (tensor<f32>, tensor<4x10xf32>) {
  %l = mlc.softmax_cross_entropy %x, %y : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  %p = mlc.softmax %x axis = -1 : tensor<4x10xf32>
  %h = mlc.one_hot %y : (tensor<4xi64>) -> tensor<4x10xf32>
  %d = mlc.sub %p, %h : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %g = mlc.mul %s, %d : (tensor<f32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  return %l, %g : tensor<f32>, tensor<4x10xf32>
}

// -----

// A softmax someone else reads stays for them; the constant scale of a
// canonicalized train step is defined before the loss.
// FUSED-LABEL: func.func @softmax_kept
// CHECK-LABEL: func.func @softmax_kept
// CHECK: %[[C:.*]] = mlc.constant
// CHECK: %[[L:.*]], %[[G:.*]] = mlc.softmax_cross_entropy_with_grad %arg0, %arg1, %[[C]]
// CHECK: %[[P:.*]] = mlc.softmax %arg0
// CHECK-NOT: mlc.one_hot
// CHECK: return %[[L]], %[[G]], %[[P]]
func.func @softmax_kept(%x: tensor<2x3x5xf32>, %y: tensor<2x3xi32>)
    -> (tensor<f32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
  %c = mlc.constant dense<0.166666672> : tensor<f32>
  %l = mlc.softmax_cross_entropy %x, %y : (tensor<2x3x5xf32>, tensor<2x3xi32>) -> tensor<f32>
  %p = mlc.softmax %x axis = 2 : tensor<2x3x5xf32>
  %h = mlc.one_hot %y : (tensor<2x3xi32>) -> tensor<2x3x5xf32>
  %d = mlc.sub %p, %h : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %g = mlc.mul %d, %c : (tensor<2x3x5xf32>, tensor<f32>) -> tensor<2x3x5xf32>
  return %l, %g, %p : tensor<f32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>
}

// -----

// Not applied: the upstream gradient depends on the loss (loss^2's is
// 2 loss), so the scale exists only after the loss.
// CHECK-LABEL: func.func @scale_after_loss
// CHECK-NOT: softmax_cross_entropy_with_grad
// CHECK: mlc.softmax_cross_entropy %
// CHECK: mlc.one_hot
// CHECK: mlc.mul
func.func @scale_after_loss(%x: tensor<4x10xf32>, %y: tensor<4xi64>)
    -> (tensor<f32>, tensor<4x10xf32>) {
  %l = mlc.softmax_cross_entropy %x, %y : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  %s = mlc.add %l, %l : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %p = mlc.softmax %x axis = -1 : tensor<4x10xf32>
  %h = mlc.one_hot %y : (tensor<4xi64>) -> tensor<4x10xf32>
  %d = mlc.sub %p, %h : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %g = mlc.mul %d, %s : (tensor<4x10xf32>, tensor<f32>) -> tensor<4x10xf32>
  return %l, %g : tensor<f32>, tensor<4x10xf32>
}

// -----

// Not applied: the one_hot is of other labels, the softmax over another
// axis, the subtraction the other way round, or there is no gradient.
// CHECK-LABEL: func.func @not_the_gradient
// CHECK-NOT: softmax_cross_entropy_with_grad
// CHECK: return
func.func @not_the_gradient(%x: tensor<4x4xf32>, %y: tensor<4xi64>,
                            %z: tensor<4xi64>, %s: tensor<f32>)
    -> (tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %l = mlc.softmax_cross_entropy %x, %y : (tensor<4x4xf32>, tensor<4xi64>) -> tensor<f32>
  %p = mlc.softmax %x axis = -1 : tensor<4x4xf32>
  %hz = mlc.one_hot %z : (tensor<4xi64>) -> tensor<4x4xf32>
  %d1 = mlc.sub %p, %hz : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %g1 = mlc.mul %d1, %s : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  %p0 = mlc.softmax %x axis = 0 : tensor<4x4xf32>
  %h = mlc.one_hot %y : (tensor<4xi64>) -> tensor<4x4xf32>
  %d2 = mlc.sub %p0, %h : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %g2 = mlc.mul %d2, %s : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  %d3 = mlc.sub %h, %p : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %g3 = mlc.mul %d3, %s : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  return %l, %g1, %g2, %g3 : tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Not applied: an eval function computes the loss alone.
// CHECK-LABEL: func.func @eval
// CHECK: mlc.softmax_cross_entropy %
// CHECK-NOT: with_grad
func.func @eval(%x: tensor<4x10xf32>, %y: tensor<4xi64>) -> tensor<f32> {
  %l = mlc.softmax_cross_entropy %x, %y : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
