// -mlc-fuse: elementwise ops over one iteration shape become mlc.fusion
// "loop" regions; everything else stays as it is.
// RUN: mlc-opt %s -split-input-file -mlc-fuse | FileCheck %s
// A large min-ops turns fusion off.
// RUN: mlc-opt %s -split-input-file -mlc-fuse=min-ops=1000 | FileCheck %s --check-prefix=OFF
// The regions verify and print back as they were parsed.
// RUN: mlc-opt %s -split-input-file -mlc-fuse | mlc-opt -split-input-file | FileCheck %s

// An MLP block: the GEMM stays a library call; its bias, GELU and the
// residual become one region reading the bias broadcast.
// CHECK-LABEL: func.func @mlp
// CHECK: %[[MM:.*]] = mlc.matmul
// CHECK: %[[R:.*]] = mlc.fusion "loop"(%[[MM]], %arg2, %arg3) : (tensor<4x16xf32>, tensor<16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4x16xf32>, %[[B:.*]]: tensor<16xf32>, %[[C:.*]]: tensor<4x16xf32>):
// CHECK-NEXT: %[[S:.*]] = mlc.add %[[A]], %[[B]] : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: %[[G:.*]] = mlc.gelu %[[S]] approximate = "tanh" : tensor<4x16xf32>
// CHECK-NEXT: %[[O:.*]] = mlc.add %[[G]], %[[C]]
// CHECK-NEXT: mlc.yield %[[O]] : tensor<4x16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[R]]
// OFF-LABEL: func.func @mlp
// OFF-NOT: mlc.fusion
func.func @mlp(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>, %r: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = mlc.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = mlc.add %0, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %2 = mlc.gelu %1 approximate = "tanh" : tensor<4x16xf32>
  %3 = mlc.add %2, %r : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %3 : tensor<4x16xf32>
}

// -----

// A value also used after the region becomes one of its results; a
// broadcast_to feeding the region joins it (the operand is read at the
// broadcast index). The scalar computation stays outside: its shape is
// not the iteration shape.
// CHECK-LABEL: func.func @multi_output
// CHECK: %[[LR:.*]] = mlc.mul %arg2, %arg2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[R:.*]]:2 = mlc.fusion "loop"(%arg1, %arg0, %[[LR]]) : (tensor<1xf32>, tensor<8xf32>, tensor<f32>) -> (tensor<8xf32>, tensor<8xf32>)
// CHECK: mlc.broadcast_to
// CHECK: mlc.sub
// CHECK: mlc.mul
// CHECK: mlc.yield
// CHECK: %[[M:.*]] = mlc.matmul
// CHECK: return %[[R]]#0, %[[R]]#1, %[[M]]
func.func @multi_output(%p: tensor<8xf32>, %g: tensor<1xf32>, %lr: tensor<f32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<1x1xf32>) {
  %lr2 = mlc.mul %lr, %lr : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %gb = mlc.broadcast_to %g : (tensor<1xf32>) -> tensor<8xf32>
  %d = mlc.sub %p, %gb : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %n = mlc.mul %d, %lr2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %r = mlc.reshape %d : (tensor<8xf32>) -> tensor<1x8xf32>
  %m = mlc.matmul %r, %r transpose_rhs : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x1xf32>
  return %d, %n, %m : tensor<8xf32>, tensor<8xf32>, tensor<1x1xf32>
}

// -----

// No cycles: %a feeds a matmul whose result the last add reads, so %a
// cannot join that add's region (the region would both feed and read the
// matmul). Its own chain becomes a region of its own.
// CHECK-LABEL: func.func @no_cycle
// CHECK: %[[F:.*]] = mlc.fusion "loop"(%arg0) : (tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK: mlc.exp
// CHECK: mlc.neg
// CHECK: %[[M:.*]] = mlc.matmul %[[F]], %[[F]]
// CHECK: %[[G:.*]] = mlc.fusion "loop"(%[[F]], %[[M]]) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK: mlc.add
// CHECK: mlc.tanh
// CHECK: return %[[G]]
func.func @no_cycle(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %e = mlc.exp %x : tensor<4x4xf32>
  %a = mlc.neg %e : tensor<4x4xf32>
  %m = mlc.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = mlc.add %a, %m : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %t = mlc.tanh %s : tensor<4x4xf32>
  return %t : tensor<4x4xf32>
}

// -----

// Masks: compare and select fuse with their i1 value inside; f64 values
// and lone ops stay unfused.
// CHECK-LABEL: func.func @mask
// CHECK: mlc.fusion "loop"(%arg0, %arg1) : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
// CHECK: mlc.compare gt
// CHECK: mlc.select
// CHECK: mlc.yield
// CHECK: mlc.exp %arg2 : tensor<6xf64>
// CHECK-NEXT: mlc.log %{{.*}} : tensor<6xf64>
// CHECK-NEXT: return
func.func @mask(%x: tensor<6xf32>, %zero: tensor<f32>, %y: tensor<6xf64>) -> (tensor<6xf32>, tensor<6xf64>) {
  %c = mlc.compare gt, %x, %zero : (tensor<6xf32>, tensor<f32>) -> tensor<6xi1>
  %s = mlc.select %c, %x, %zero : (tensor<6xi1>, tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %e = mlc.exp %y : tensor<6xf64>
  %l = mlc.log %e : tensor<6xf64>
  return %s, %l : tensor<6xf32>, tensor<6xf64>
}
