// -mlc-fuse around reductions: "row" regions (reductions over the trailing
// dims, with their producers and the consumers that broadcast the result
// back over the row) and "column" regions (reductions over the leading
// dims with their producers).
// RUN: mlc-opt %s -split-input-file -mlc-fuse | FileCheck %s
// Reduction fusion off: loops only.
// RUN: mlc-opt %s -split-input-file -mlc-fuse=reductions=false | FileCheck %s --check-prefix=OFF
// The regions verify and print back as they were parsed.
// RUN: mlc-opt %s -split-input-file -mlc-fuse | mlc-opt -split-input-file | FileCheck %s

// The backward pass of a layer norm as autodiff decomposes it (the row
// statistics recomputed), in the order of GPT-2's blocks: the weight and
// bias gradients come before the input gradient. The whole row-wise part
// is one region that reads x, the incoming gradient, the weight and the
// residual gradient once and writes xhat and dx; the weight gradient's
// multiply and both sums over rows move after it, into one column region
// that reads g and xhat once for both sums.
// CHECK-LABEL: func.func @layer_norm_backward
// CHECK: %[[ROW:.*]]:2 = mlc.fusion "row"(%arg0, %arg3, %arg1, %arg2, %arg4) : (tensor<4x8xf32>, tensor<f32>, tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
// CHECK: mlc.reduce_mean %{{.*}} axes = [1] keepdims
// CHECK: mlc.rsqrt %{{.*}} : tensor<4x1xf32>
// CHECK: %[[XHAT:.*]] = mlc.mul %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
// CHECK-COUNT-2: mlc.reduce_mean
// CHECK: %[[DX:.*]] = mlc.add
// CHECK-NEXT: mlc.yield %[[XHAT]], %[[DX]] : tensor<4x8xf32>, tensor<4x8xf32>
// CHECK: %[[COL:.*]]:2 = mlc.fusion "column"(%arg1, %[[ROW]]#0) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
// CHECK-NEXT: ^bb0(%[[G:.*]]: tensor<4x8xf32>, %[[XH:.*]]: tensor<4x8xf32>):
// CHECK-NEXT: %[[DB:.*]] = mlc.reduce_sum %[[G]] axes = [0]
// CHECK-NEXT: %[[GX:.*]] = mlc.mul %[[G]], %[[XH]]
// CHECK-NEXT: %[[DW:.*]] = mlc.reduce_sum %[[GX]] axes = [0]
// CHECK-NEXT: mlc.yield %[[DB]], %[[DW]]
// CHECK-NOT: mlc.reduce
// CHECK: return %[[COL]]#1, %[[COL]]#0, %[[ROW]]#1
// OFF-LABEL: func.func @layer_norm_backward
// OFF-NOT: mlc.fusion "row"
// OFF-NOT: mlc.fusion "column"
// OFF: return
func.func @layer_norm_backward(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>, %w: tensor<8xf32>, %eps: tensor<f32>, %residual: tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>) {
  %mean = mlc.reduce_mean %x axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %xc = mlc.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = mlc.mul %xc, %xc : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %var = mlc.reduce_mean %sq axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %ve = mlc.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %rstd = mlc.rsqrt %ve : tensor<4x1xf32>
  %xhat = mlc.mul %xc, %rstd : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %gx = mlc.mul %g, %xhat : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %dw = mlc.reduce_sum %gx axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
  %db = mlc.reduce_sum %g axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
  %gw = mlc.mul %g, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %m1 = mlc.reduce_mean %gw axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %p = mlc.mul %gw, %xhat : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %m2 = mlc.reduce_mean %p axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %t = mlc.mul %xhat, %m2 : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %d1 = mlc.sub %gw, %m1 : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %d2 = mlc.sub %d1, %t : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %d3 = mlc.mul %d2, %rstd : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %dx = mlc.add %residual, %d3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %dw, %db, %dx : tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>
}

// -----

// Bias and weight gradients: sums over the batch and sequence axes. The
// product's sum and the plain sum read g once, in one column region; the
// matmul reading g stays a library call.
// CHECK-LABEL: func.func @bias_grad
// CHECK: %[[C:.*]]:2 = mlc.fusion "column"(%arg0, %arg1) : (tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
// CHECK-NEXT: ^bb0(%[[G:.*]]: tensor<4x8x16xf32>, %[[X:.*]]: tensor<4x8x16xf32>):
// CHECK-NEXT: %[[P:.*]] = mlc.mul %[[G]], %[[X]]
// CHECK-NEXT: %[[S0:.*]] = mlc.reduce_sum %[[P]] axes = [0, 1]
// CHECK-NEXT: %[[S1:.*]] = mlc.reduce_sum %[[G]] axes = [0, 1]
// CHECK-NEXT: mlc.yield %[[S0]], %[[S1]] : tensor<16xf32>, tensor<16xf32>
// CHECK: %[[M:.*]] = mlc.matmul %arg0, %arg2
// CHECK: return %[[C]]#0, %[[C]]#1, %[[M]]
// OFF-LABEL: func.func @bias_grad
// OFF-NOT: mlc.fusion
// OFF: return
func.func @bias_grad(%g: tensor<4x8x16xf32>, %x: tensor<4x8x16xf32>, %w: tensor<16x16xf32>) -> (tensor<16xf32>, tensor<16xf32>, tensor<4x8x16xf32>) {
  %0 = mlc.mul %g, %x : (tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  %1 = mlc.reduce_sum %0 axes = [0, 1] : (tensor<4x8x16xf32>) -> tensor<16xf32>
  %2 = mlc.reduce_sum %g axes = [0, 1] : (tensor<4x8x16xf32>) -> tensor<16xf32>
  %3 = mlc.matmul %g, %w : (tensor<4x8x16xf32>, tensor<16x16xf32>) -> tensor<4x8x16xf32>
  return %1, %2, %3 : tensor<16xf32>, tensor<16xf32>, tensor<4x8x16xf32>
}

// -----

// A GELU-style gradient feeding both a bias sum and a matmul is written
// anyway: a column region would only save the sum's read of it, and walks
// columns down the rows, slower than a loop along them. The gradient is a
// loop region, its sum a reduction of its own.
// CHECK-LABEL: func.func @bias_of_computed_grad
// CHECK: %[[D:.*]] = mlc.fusion "loop"(%arg1, %arg0)
// CHECK: mlc.tanh
// CHECK: mlc.yield
// CHECK: mlc.reduce_sum %[[D]] axes = [0]
// CHECK: mlc.matmul %[[D]]
// OFF-LABEL: func.func @bias_of_computed_grad
// OFF: mlc.fusion "loop"
// OFF: mlc.reduce_sum
func.func @bias_of_computed_grad(%g: tensor<6x32xf32>, %x: tensor<6x32xf32>, %w: tensor<32x4xf32>) -> (tensor<32xf32>, tensor<6x4xf32>) {
  %t = mlc.tanh %x : tensor<6x32xf32>
  %d = mlc.mul %g, %t : (tensor<6x32xf32>, tensor<6x32xf32>) -> tensor<6x32xf32>
  %s = mlc.reduce_sum %d axes = [0] : (tensor<6x32xf32>) -> tensor<32xf32>
  %m = mlc.matmul %d, %w : (tensor<6x32xf32>, tensor<32x4xf32>) -> tensor<6x4xf32>
  return %s, %m : tensor<32xf32>, tensor<6x4xf32>
}

// -----

// A softmax written out: the row maximum, the shifted exponentials, their
// sum and the division are two passes over each row in one region.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[R:.*]] = mlc.fusion "row"(%arg0) : (tensor<4x32xf32>) -> tensor<4x32xf32> {
// CHECK: mlc.reduce_max
// CHECK-NEXT: mlc.sub
// CHECK-NEXT: mlc.exp
// CHECK-NEXT: mlc.reduce_sum
// CHECK-NEXT: %[[Y:.*]] = mlc.div
// CHECK-NEXT: mlc.yield %[[Y]] : tensor<4x32xf32>
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %m = mlc.reduce_max %x axes = [1] keepdims : (tensor<4x32xf32>) -> tensor<4x1xf32>
  %s = mlc.sub %x, %m : (tensor<4x32xf32>, tensor<4x1xf32>) -> tensor<4x32xf32>
  %e = mlc.exp %s : tensor<4x32xf32>
  %z = mlc.reduce_sum %e axes = [1] keepdims : (tensor<4x32xf32>) -> tensor<4x1xf32>
  %y = mlc.div %e, %z : (tensor<4x32xf32>, tensor<4x1xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// The last op is a value per row (an RMS norm's scale): the region's
// iteration shape is still the rows' 4x32.
// CHECK-LABEL: func.func @rstd
// CHECK: mlc.fusion "row"(%arg0, %arg1) : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x1xf32> {
// CHECK: mlc.mul
// CHECK-NEXT: mlc.reduce_mean
// CHECK-NEXT: mlc.add
// CHECK-NEXT: mlc.rsqrt
// CHECK-NEXT: mlc.yield
func.func @rstd(%x: tensor<4x32xf32>, %eps: tensor<f32>) -> tensor<4x1xf32> {
  %sq = mlc.mul %x, %x : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %v = mlc.reduce_mean %sq axes = [1] keepdims : (tensor<4x32xf32>) -> tensor<4x1xf32>
  %a = mlc.add %v, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %r = mlc.rsqrt %a : tensor<4x1xf32>
  return %r : tensor<4x1xf32>
}

// -----

// A gradient's sum of squares (gradient clipping): one row covering the
// whole tensor, read once; the f64 arithmetic after it stays outside.
// CHECK-LABEL: func.func @sum_of_squares
// CHECK: %[[S:.*]] = mlc.fusion "row"(%arg0) : (tensor<16x48xf32>) -> tensor<f32> {
// CHECK-NEXT: ^bb0(%[[G:.*]]: tensor<16x48xf32>):
// CHECK-NEXT: %[[Q:.*]] = mlc.mul %[[G]], %[[G]]
// CHECK-NEXT: %[[T:.*]] = mlc.reduce_sum %[[Q]] axes = [0, 1] : (tensor<16x48xf32>) -> tensor<f32>
// CHECK-NEXT: mlc.yield %[[T]] : tensor<f32>
// CHECK: mlc.cast %[[S]] : tensor<f32> to tensor<f64>
func.func @sum_of_squares(%g: tensor<16x48xf32>) -> tensor<f64> {
  %q = mlc.mul %g, %g : (tensor<16x48xf32>, tensor<16x48xf32>) -> tensor<16x48xf32>
  %s = mlc.reduce_sum %q axes = [0, 1] : (tensor<16x48xf32>) -> tensor<f32>
  %d = mlc.cast %s : tensor<f32> to tensor<f64>
  %n = mlc.sqrt %d : tensor<f64>
  return %n : tensor<f64>
}

// -----

// Rows longer than 65536 elements are not kept whole to be read again:
// the exponentials and their sum are one region, the division another op.
// CHECK-LABEL: func.func @long_rows
// CHECK: %[[R:.*]]:2 = mlc.fusion "row"(%arg0) : (tensor<2x70000xf32>) -> (tensor<2x70000xf32>, tensor<2x1xf32>) {
// CHECK: mlc.exp
// CHECK-NEXT: mlc.reduce_sum
// CHECK-NEXT: mlc.yield
// CHECK: mlc.div %[[R]]#0, %[[R]]#1
func.func @long_rows(%x: tensor<2x70000xf32>) -> tensor<2x70000xf32> {
  %e = mlc.exp %x : tensor<2x70000xf32>
  %z = mlc.reduce_sum %e axes = [1] keepdims : (tensor<2x70000xf32>) -> tensor<2x1xf32>
  %y = mlc.div %e, %z : (tensor<2x70000xf32>, tensor<2x1xf32>) -> tensor<2x70000xf32>
  return %y : tensor<2x70000xf32>
}

// -----

// Negative: the exponential also feeds a matmul whose result the reduced
// value depends on, so it cannot join (the region would both feed and
// read the matmul); the add and the sum still make a region.
// CHECK-LABEL: func.func @producer_used_outside
// CHECK: %[[E:.*]] = mlc.exp %arg0
// CHECK-NEXT: %[[M:.*]] = mlc.matmul %[[E]], %[[E]]
// CHECK-NEXT: mlc.fusion "row"(%[[E]], %[[M]])
// CHECK-NOT: mlc.exp
// CHECK: mlc.reduce_sum
func.func @producer_used_outside(%x: tensor<4x4xf32>) -> tensor<4x1xf32> {
  %e = mlc.exp %x : tensor<4x4xf32>
  %m = mlc.matmul %e, %e : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %a = mlc.add %e, %m : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = mlc.reduce_sum %a axes = [1] keepdims : (tensor<4x4xf32>) -> tensor<4x1xf32>
  return %s : tensor<4x1xf32>
}

// -----

// Negative: a column sum's result is complete only after every row, so
// the op that reads it back is not part of the column region.
// CHECK-LABEL: func.func @column_read_back
// CHECK: %[[C:.*]] = mlc.fusion "column"
// CHECK: mlc.exp
// CHECK-NEXT: mlc.reduce_sum
// CHECK-NEXT: mlc.yield
// CHECK: mlc.sub %arg0, %[[C]]
func.func @column_read_back(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = mlc.exp %x : tensor<4x8xf32>
  %s = mlc.reduce_sum %e axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
  %d = mlc.sub %x, %s : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Negative: shapes that do not match. The negation over 8 is not of the
// iteration shape 4x8 (it is an operand of the column region); the sum
// of every element is another reduction (a row over all of x), alone.
// CHECK-LABEL: func.func @shapes_differ
// CHECK: %[[N:.*]] = mlc.neg %arg1 : tensor<8xf32>
// CHECK-NEXT: mlc.fusion "column"(%arg0, %[[N]])
// CHECK: mlc.add
// CHECK-NEXT: mlc.reduce_sum %{{.*}} axes = [0]
// CHECK-NEXT: mlc.yield
// CHECK: mlc.reduce_sum %arg0 axes = [0, 1]
// CHECK-NEXT: return
func.func @shapes_differ(%x: tensor<4x8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<f32>) {
  %n = mlc.neg %y : tensor<8xf32>
  %a = mlc.add %x, %n : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %s = mlc.reduce_sum %a axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
  %t = mlc.reduce_sum %x axes = [0, 1] : (tensor<4x8xf32>) -> tensor<f32>
  return %s, %t : tensor<8xf32>, tensor<f32>
}

// -----

// Negative: a sum over the middle axis is neither rows nor columns; its
// producers make a loop region of their own.
// CHECK-LABEL: func.func @middle_axis
// CHECK: %[[L:.*]] = mlc.fusion "loop"
// CHECK: mlc.reduce_sum %[[L]] axes = [1]
func.func @middle_axis(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %e = mlc.exp %x : tensor<2x3x4xf32>
  %n = mlc.neg %e : tensor<2x3x4xf32>
  %s = mlc.reduce_sum %n axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// Negative: a sum over a dim of size 1 moves elements and adds nothing
// (a batch of one's bias gradient): it stays a single op, and the loop
// around it stays a loop region.
// CHECK-LABEL: func.func @unit_axis
// CHECK: %[[L:.*]] = mlc.fusion "loop"
// CHECK: mlc.reduce_sum %[[L]] axes = [0]
// CHECK-NOT: mlc.fusion "row"
func.func @unit_axis(%g: tensor<1x16xf32>, %x: tensor<1x16xf32>) -> tensor<16xf32> {
  %e = mlc.exp %x : tensor<1x16xf32>
  %m = mlc.mul %g, %e : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
  %s = mlc.reduce_sum %m axes = [0] : (tensor<1x16xf32>) -> tensor<16xf32>
  return %s : tensor<16xf32>
}
