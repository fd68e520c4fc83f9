// -mlc-autodiff: @forward_grad returns the model's outputs and the gradient
// of the loss with respect to every trainable parameter.
// RUN: mlc-opt %s -split-input-file -mlc-autodiff | FileCheck %s
// The model function is chosen with func= (the last part of this file).
// RUN: split-file %s %t
// RUN: mlc-opt %t/func-option.mlir -mlc-autodiff=func=model | FileCheck %s --check-prefix=FUNC

// The course MLP: the forward ops are cloned, then each op's rule runs in
// reverse order.
// CHECK-LABEL: func.func @forward(
// CHECK-NOT: mlc.compare
// CHECK: return

// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf32> {mlc.input = "x"}, %[[Y:.*]]: tensor<1x1xf32> {mlc.input = "y"}, %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"}, %[[B1:.*]]: tensor<16xf32> {{.*}}mlc.param = "b1"}, %[[W2:.*]]: tensor<16x1xf32> {{.*}}mlc.param = "w2"})
// CHECK-SAME: -> (tensor<f32>, tensor<8x16xf32> {mlc.output = "grad.w1"}, tensor<16xf32> {mlc.output = "grad.b1"}, tensor<16x1xf32> {mlc.output = "grad.w2"})
// CHECK: %[[A:.*]] = mlc.matmul %[[X]], %[[W1]]
// CHECK: %[[AB:.*]] = mlc.add %[[A]], %[[B1]]
// CHECK: %[[R:.*]] = mlc.relu %[[AB]]
// CHECK: %[[P:.*]] = mlc.matmul %[[R]], %[[W2]]
// CHECK: %[[L:.*]] = mlc.mse_loss %[[P]], %[[Y]]
//
// The seed is 1; mse_loss gives dp = (p - y) * (seed * 2 / n), n = 1.
// CHECK-DAG: %[[SEED:.*]] = mlc.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[TWO_OVER_N:.*]] = mlc.constant dense<2.000000e+00> : tensor<f32>
// CHECK-DAG: %[[SCALE:.*]] = mlc.mul %[[SEED]], %[[TWO_OVER_N]]
// CHECK-DAG: %[[DIFF:.*]] = mlc.sub %[[P]], %[[Y]]
// CHECK: %[[DP:.*]] = mlc.mul %[[DIFF]], %[[SCALE]] : (tensor<1x1xf32>, tensor<f32>) -> tensor<1x1xf32>
//
// p = r w2: dr = dp w2^T, dw2 = r^T dp.
// CHECK-DAG: %[[DR:.*]] = mlc.matmul %[[DP]], %[[W2]] transpose_rhs : (tensor<1x1xf32>, tensor<16x1xf32>) -> tensor<1x16xf32>
// CHECK-DAG: %[[DW2:.*]] = mlc.matmul %[[R]], %[[DP]] transpose_lhs : (tensor<1x16xf32>, tensor<1x1xf32>) -> tensor<16x1xf32>
//
// relu passes the adjoint where its input was positive.
// CHECK: %[[ZERO:.*]] = mlc.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[MASK:.*]] = mlc.compare gt, %[[AB]], %[[ZERO]] : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xi1>
// CHECK: %[[DAB:.*]] = mlc.select %[[MASK]], %[[DR]], %{{.*}} : (tensor<1x16xi1>, tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
//
// b1 was broadcast over the batch axis: its adjoint is summed over it.
// CHECK: %[[DB1:.*]] = mlc.reduce_sum %[[DAB]] axes = [0] : (tensor<1x16xf32>) -> tensor<16xf32>
//
// a = x w1: dw1 = x^T dab; the adjoint of the input x is not computed.
// CHECK-NOT: mlc.matmul %[[DAB]], %[[W1]]
// CHECK: %[[DW1:.*]] = mlc.matmul %[[X]], %[[DAB]] transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// CHECK-NOT: mlc.matmul
// CHECK: return %[[L]], %[[DW1]], %[[DB1]], %[[DW2]] : tensor<f32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16x1xf32>
func.func @forward(%x: tensor<1x8xf32> {mlc.input = "x"}, %y: tensor<1x1xf32> {mlc.input = "y"},
                   %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
                   %b1: tensor<16xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
                   %w2: tensor<16x1xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>}) -> tensor<f32> {
  %a  = mlc.matmul %x, %w1 : (tensor<1x8xf32>, tensor<8x16xf32>) -> tensor<1x16xf32>
  %ab = mlc.add %a, %b1 : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
  %r  = mlc.relu %ab : tensor<1x16xf32>
  %p  = mlc.matmul %r, %w2 : (tensor<1x16xf32>, tensor<16x1xf32>) -> tensor<1x1xf32>
  %l  = mlc.mse_loss %p, %y : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// mse_loss over n = 8 elements scales by 2 / 8; its target, an input, gets
// no adjoint.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[P:.*]]: tensor<2x4xf32> {mlc.param = "p"}, %[[T:.*]]: tensor<2x4xf32> {mlc.input = "t"})
// CHECK: %[[TWO_OVER_N:.*]] = mlc.constant dense<2.500000e-01> : tensor<f32>
// CHECK: %[[SCALE:.*]] = mlc.mul %{{.*}}, %[[TWO_OVER_N]]
// CHECK: %[[DIFF:.*]] = mlc.sub %[[P]], %[[T]]
// CHECK: %[[DP:.*]] = mlc.mul %[[DIFF]], %[[SCALE]]
// CHECK-NOT: mlc.neg
// CHECK: return %{{.*}}, %[[DP]]
func.func @forward(%p: tensor<2x4xf32> {mlc.param = "p"}, %t: tensor<2x4xf32> {mlc.input = "t"}) -> tensor<f32> {
  %l = mlc.mse_loss %p, %t : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A value used twice receives the sum of the adjoints of its uses.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%{{.*}}: tensor<4x3xf32> {mlc.input = "x"}, %[[W:.*]]: tensor<3xf32> {mlc.param = "w"})
// CHECK: %[[EXP:.*]] = mlc.exp %[[W]]
// CHECK: %[[G:.*]] = mlc.broadcast_to %{{.*}} : (tensor<1xf32>) -> tensor<3xf32>
// CHECK-DAG: %[[DLOG:.*]] = mlc.div %[[G]], %[[W]]
// CHECK-DAG: %[[DEXP:.*]] = mlc.mul %[[G]], %[[EXP]]
// CHECK: %[[DW:.*]] = mlc.add %[[DLOG]], %[[DEXP]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: return %{{.*}}, %[[DW]]
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %w: tensor<3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %u = mlc.exp %w : tensor<3xf32>
  %v = mlc.log %w : tensor<3xf32>
  %s = mlc.add %u, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %t = mlc.reduce_sum %s axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %t : tensor<f32>
}

// -----

// w * w: both uses of w contribute g * w, and the two are summed.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[W:.*]]: tensor<2xf32> {mlc.param = "w"})
// CHECK: %[[G:.*]] = mlc.broadcast_to
// CHECK: %[[D1:.*]] = mlc.mul %[[G]], %[[W]]
// CHECK: %[[D2:.*]] = mlc.mul %[[G]], %[[W]]
// CHECK: %[[DW:.*]] = mlc.add %[[D1]], %[[D2]]
// CHECK: return %{{.*}}, %[[DW]]
func.func @forward(%w: tensor<2xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.mul %w, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = mlc.reduce_sum %0 axes = [0] : (tensor<2xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Operands that were broadcast get their adjoints summed back to their own
// shapes: over the added leading axes, over stretched size-1 axes (then
// reshaped), down to a scalar. A rank-2 weight applied to every batch entry
// gets one GEMM over all rows of the batch, not per-entry products summed.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32> {mlc.output = "grad.b"}, tensor<1x3xf32> {mlc.output = "grad.s"}, tensor<f32> {mlc.output = "grad.c"}, tensor<3x2xf32> {mlc.output = "grad.w"})
// CHECK: %[[XR:.*]] = mlc.reshape %[[XB:.*]] : (tensor<5x4x3xf32>) -> tensor<20x3xf32>
// CHECK: %[[GR:.*]] = mlc.reshape %{{.*}} : (tensor<5x4x2xf32>) -> tensor<20x2xf32>
// CHECK: %[[DW:.*]] = mlc.matmul %[[XR]], %[[GR]] transpose_lhs : (tensor<20x3xf32>, tensor<20x2xf32>) -> tensor<3x2xf32>
// CHECK-NOT: mlc.reduce_sum %{{.*}} : (tensor<5x3x2xf32>)
// CHECK: %[[NEG:.*]] = mlc.neg %{{.*}} : tensor<4x3xf32>
// CHECK: %[[DC:.*]] = mlc.reduce_sum %[[NEG]] axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
// CHECK: %[[SUM_S:.*]] = mlc.reduce_sum %{{.*}} axes = [0] : (tensor<4x3xf32>) -> tensor<3xf32>
// CHECK: %[[DS:.*]] = mlc.reshape %[[SUM_S]] : (tensor<3xf32>) -> tensor<1x3xf32>
// CHECK: %[[DB:.*]] = mlc.reduce_sum %{{.*}} axes = [0] : (tensor<4x3xf32>) -> tensor<3xf32>
// CHECK: return %{{.*}}, %[[DB]], %[[DS]], %[[DC]], %[[DW]]
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %b: tensor<3xf32> {mlc.param = "b"},
                   %s: tensor<1x3xf32> {mlc.param = "s"}, %c: tensor<f32> {mlc.param = "c"},
                   %w: tensor<3x2xf32> {mlc.param = "w"}, %xb: tensor<5x4x3xf32> {mlc.input = "xb"}) -> tensor<f32> {
  %0 = mlc.add %x, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = mlc.mul %0, %s : (tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<4x3xf32>
  %2 = mlc.sub %1, %c : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %3 = mlc.matmul %xb, %w : (tensor<5x4x3xf32>, tensor<3x2xf32>) -> tensor<5x4x2xf32>
  %4 = mlc.reduce_mean %3 axes = [0, 1, 2] : (tensor<5x4x2xf32>) -> tensor<f32>
  %5 = mlc.reduce_mean %2 axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  %6 = mlc.add %4, %5 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %6 : tensor<f32>
}

// -----

// Frozen parameters get no gradient result; a parameter the loss does not
// depend on gets a zero gradient, and so does one that only reaches the
// loss through an integer (argmax: no adjoint flows through it). Outputs
// after the loss are kept, before the gradients.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: %{{.*}}: tensor<3xf32> {mlc.frozen, mlc.param = "f"}
// CHECK-SAME: -> (tensor<f32>, tensor<4xi64> {mlc.output = "pred"}, tensor<3xf32> {mlc.output = "grad.w"}, tensor<3xf32> {mlc.output = "grad.unused"}, tensor<4x3xf32> {mlc.output = "grad.a"})
// CHECK-NOT: grad.f"
// CHECK: %[[PRED:.*]] = mlc.argmax
// CHECK-NOT: mlc.argmax
// CHECK-DAG: %[[DW:.*]] = mlc.reduce_sum %{{.*}} axes = [0] : (tensor<4x3xf32>) -> tensor<3xf32>
// CHECK-DAG: %[[DU:.*]] = mlc.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-DAG: %[[DA:.*]] = mlc.constant dense<0.000000e+00> : tensor<4x3xf32>
// CHECK: return %{{.*}}, %[[PRED]], %[[DW]], %[[DU]], %[[DA]]
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %w: tensor<3xf32> {mlc.param = "w"},
                   %f: tensor<3xf32> {mlc.param = "f", mlc.frozen}, %u: tensor<3xf32> {mlc.param = "unused"},
                   %a: tensor<4x3xf32> {mlc.param = "a"}) -> (tensor<f32>, tensor<4xi64> {mlc.output = "pred"}) {
  %0 = mlc.mul %x, %w : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = mlc.add %0, %f : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %i = mlc.argmax %a axis = 1 : (tensor<4x3xf32>) -> tensor<4xi64>
  %oh = mlc.one_hot %i : (tensor<4xi64>) -> tensor<4x3xf32>
  %2 = mlc.mul %1, %oh : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %l = mlc.reduce_sum %2 axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  return %l, %i : tensor<f32>, tensor<4xi64>
}

// -----

// A frozen parameter on the path still passes the adjoint through to the
// trainable ones.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: -> (tensor<f32>, tensor<2x3xf32> {mlc.output = "grad.w"})
// CHECK: %[[DW:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<4x2xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK-NOT: transpose_rhs
// CHECK: return %{{.*}}, %[[DW]]
func.func @forward(%x: tensor<4x2xf32> {mlc.input = "x"}, %w: tensor<2x3xf32> {mlc.param = "w"},
                   %v: tensor<3x1xf32> {mlc.param = "v", mlc.frozen}) -> tensor<f32> {
  %0 = mlc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %1 = mlc.matmul %0, %v : (tensor<4x3xf32>, tensor<3x1xf32>) -> tensor<4x1xf32>
  %2 = mlc.reduce_sum %1 axes = [0, 1] : (tensor<4x1xf32>) -> tensor<f32>
  return %2 : tensor<f32>
}

// -----

// softmax_cross_entropy: dlogits = (softmax(logits) - one_hot(labels)) * g / rows.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[LOGITS:.*]]: tensor<4x10xf32> {mlc.param = "logits"}, %[[LABELS:.*]]: tensor<4xi64> {mlc.input = "labels"})
// CHECK-DAG: %[[PROBS:.*]] = mlc.softmax %[[LOGITS]] axis = -1 : tensor<4x10xf32>
// CHECK-DAG: %[[TARGET:.*]] = mlc.one_hot %[[LABELS]] : (tensor<4xi64>) -> tensor<4x10xf32>
// CHECK-DAG: %[[QUARTER:.*]] = mlc.constant dense<2.500000e-01> : tensor<f32>
// CHECK-DAG: %[[SCALE:.*]] = mlc.mul %{{.*}}, %[[QUARTER]]
// CHECK: %[[DIFF:.*]] = mlc.sub %[[PROBS]], %[[TARGET]]
// CHECK: %[[D:.*]] = mlc.mul %[[DIFF]], %[[SCALE]]
// CHECK: return %{{.*}}, %[[D]]
func.func @forward(%logits: tensor<4x10xf32> {mlc.param = "logits"}, %labels: tensor<4xi64> {mlc.input = "labels"}) -> tensor<f32> {
  %0 = mlc.softmax_cross_entropy %logits, %labels : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// softmax with a negative axis: dx = y * (g - sum(g * y, axis)), the sum
// over the normalized axis.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3x5xf32> {mlc.param = "x"}, %[[T:.*]]: tensor<3x5xf32> {mlc.input = "t"})
// CHECK: %[[Y:.*]] = mlc.softmax %[[X]] axis = -2 : tensor<3x5xf32>
// CHECK: %[[SEED:.*]] = mlc.broadcast_to
// CHECK: %[[G:.*]] = mlc.mul %[[SEED]], %[[T]]
// CHECK: %[[GY:.*]] = mlc.mul %[[G]], %[[Y]]
// CHECK: %[[DOT:.*]] = mlc.reduce_sum %[[GY]] axes = [0] keepdims : (tensor<3x5xf32>) -> tensor<1x5xf32>
// CHECK: %[[CENTERED:.*]] = mlc.sub %[[G]], %[[DOT]]
// CHECK: %[[DX:.*]] = mlc.mul %[[Y]], %[[CENTERED]]
// CHECK: return %{{.*}}, %[[DX]]
func.func @forward(%x: tensor<3x5xf32> {mlc.param = "x"}, %t: tensor<3x5xf32> {mlc.input = "t"}) -> tensor<f32> {
  %0 = mlc.softmax %x axis = -2 : tensor<3x5xf32>
  %1 = mlc.mul %0, %t : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %2 = mlc.reduce_sum %1 axes = [0, 1] : (tensor<3x5xf32>) -> tensor<f32>
  return %2 : tensor<f32>
}

// -----

// abs passes g where x > 0, -g where x < 0 and 0 at 0.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32> {mlc.param = "x"})
// CHECK: %[[G:.*]] = mlc.broadcast_to
// CHECK: %[[ZERO:.*]] = mlc.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[POS:.*]] = mlc.compare gt, %[[X]], %[[ZERO]]
// CHECK: %[[NEG:.*]] = mlc.compare lt, %[[X]], %[[ZERO]]
// CHECK: %[[MINUS_G:.*]] = mlc.neg %[[G]]
// CHECK: %[[INNER:.*]] = mlc.select %[[NEG]], %[[MINUS_G]], %{{.*}}
// CHECK: %[[DX:.*]] = mlc.select %[[POS]], %[[G]], %[[INNER]]
// CHECK: return %{{.*}}, %[[DX]]
func.func @forward(%x: tensor<3xf32> {mlc.param = "x"}) -> tensor<f32> {
  %0 = mlc.abs %x : tensor<3xf32>
  %1 = mlc.reduce_sum %0 axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// A transposed rank-2 weight shared by a batch (a tied LM head, [V, D]) gets
// its adjoint as one GEMM over the batch's rows too: g^T x.
// CHECK-LABEL: func.func @forward_grad
// CHECK: %[[XR:.*]] = mlc.reshape %{{.*}} : (tensor<2x4x3xf32>) -> tensor<8x3xf32>
// CHECK: %[[GR:.*]] = mlc.reshape %{{.*}} : (tensor<2x4x5xf32>) -> tensor<8x5xf32>
// CHECK: %[[DW:.*]] = mlc.matmul %[[GR]], %[[XR]] transpose_lhs : (tensor<8x5xf32>, tensor<8x3xf32>) -> tensor<5x3xf32>
// CHECK: return %{{.*}}, %[[DW]]
func.func @forward(%x: tensor<2x4x3xf32> {mlc.input = "x"}, %w: tensor<5x3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.matmul %x, %w transpose_rhs : (tensor<2x4x3xf32>, tensor<5x3xf32>) -> tensor<2x4x5xf32>
  %1 = mlc.reduce_sum %0 axes = [0, 1, 2] : (tensor<2x4x5xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// The adjoints of transposed matmul operands are again single matmuls.
// c = a^T b^T: da = b^T g^T, db = g^T a^T.
// CHECK-LABEL: func.func @forward_grad
// CHECK-SAME: (%[[A:.*]]: tensor<3x2xf32> {mlc.param = "a"}, %[[B:.*]]: tensor<4x3xf32> {mlc.param = "b"})
// CHECK-DAG: %[[DA:.*]] = mlc.matmul %[[B]], %[[G:.*]] transpose_lhs transpose_rhs : (tensor<4x3xf32>, tensor<2x4xf32>) -> tensor<3x2xf32>
// CHECK-DAG: %[[DB:.*]] = mlc.matmul %[[G]], %[[A]] transpose_lhs transpose_rhs : (tensor<2x4xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
// CHECK: return %{{.*}}, %[[DA]], %[[DB]]
func.func @forward(%a: tensor<3x2xf32> {mlc.param = "a"}, %b: tensor<4x3xf32> {mlc.param = "b"}) -> tensor<f32> {
  %0 = mlc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<3x2xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %1 = mlc.reduce_sum %0 axes = [0, 1] : (tensor<2x4xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Ops that are not on a path from a parameter to the loss are left alone,
// even without a gradient rule (an einsum on inputs only).
// CHECK-LABEL: func.func @forward_grad
// CHECK: mlc.einsum
// CHECK: return
func.func @forward(%x: tensor<2x3xf32> {mlc.input = "x"}, %w: tensor<3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %e = mlc.einsum "ij->j" %x : (tensor<2x3xf32>) -> tensor<3xf32>
  %0 = mlc.mul %e, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = mlc.reduce_sum %0 axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// A loss that no parameter reaches: nothing is differentiated (not even the
// einsum that has no rule) and the parameter gets a zero gradient.
// CHECK-LABEL: func.func @forward_grad
// CHECK: %[[L:.*]] = mlc.einsum "ij->" %{{.*}} : (tensor<2x3xf32>) -> tensor<f32>
// CHECK: %[[ZERO:.*]] = mlc.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: return %[[L]], %[[ZERO]]
func.func @forward(%x: tensor<2x3xf32> {mlc.input = "x"}, %w: tensor<3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.einsum "ij->" %x : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The gradients of the ZeRO collectives: an all_gather's adjoint is
// reduce-scattered (part c of the ranks' sum, reshaped), a reduce_scatter's
// all-gathered (divided by the group's size for a mean).
// CHECK-LABEL: func.func @forward_grad
// CHECK: %[[G:.*]] = mlc.all_gather %{{.*}} over ["dp"] : (tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[P:.*]] = mlc.reduce_scatter mean over ["dp"] %[[G]] : tensor<4x3xf32> -> tensor<6xf32>
// CHECK: %[[D:.*]] = mlc.all_gather %{{.*}} over ["dp"] : (tensor<6xf32>) -> tensor<12xf32>
// CHECK: %[[N:.*]] = mlc.constant dense<2.000000e+00>
// CHECK: %[[DN:.*]] = mlc.div %[[D]], %[[N]]
// CHECK: %[[DR:.*]] = mlc.reshape %[[DN]] : (tensor<12xf32>) -> tensor<4x3xf32>
// CHECK: %[[S:.*]] = mlc.reduce_scatter sum over ["dp"] %[[DR]] : tensor<4x3xf32> -> tensor<6xf32>
// CHECK: %[[W:.*]] = mlc.reshape %[[S]] : (tensor<6xf32>) -> tensor<2x3xf32>
// CHECK: return %{{.*}}, %[[W]]
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @forward(%w: tensor<2x3xf32> {mlc.param = "w"}) -> tensor<f32> {
  %g = mlc.all_gather %w over ["dp"] : (tensor<2x3xf32>) -> tensor<4x3xf32>
  %p = mlc.reduce_scatter mean over ["dp"] %g : tensor<4x3xf32> -> tensor<6xf32>
  %q = mlc.mul %p, %p : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %l = mlc.reduce_sum %q axes = [0] : (tensor<6xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
}

// -----

// With the default func=forward, @model is left alone.
// CHECK-LABEL: func.func @model(
// CHECK-LABEL: func.func @forward_grad
// CHECK-NOT: @model_grad

// With func=model, @model_grad is added beside @model and @forward is left
// alone.
// FUNC-NOT: @forward_grad
// FUNC-LABEL: func.func @model(
// FUNC-LABEL: func.func @model_grad
// FUNC-SAME: -> (tensor<f32>, tensor<3xf32> {mlc.output = "grad.v"})
// FUNC-NOT: @forward_grad

//--- func-option.mlir
func.func @model(%v: tensor<3xf32> {mlc.param = "v"}) -> tensor<f32> {
  %0 = mlc.reduce_max %v axes = [0] : (tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @forward(%w: tensor<2xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<2xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
