// Every mlc op, element type, #mlc.init form and model annotation survives
// print -> parse -> print, in the custom and in the generic form.
// RUN: mlc-opt %s | mlc-opt | FileCheck %s
// RUN: mlc-opt %s -mlir-print-op-generic | mlc-opt | FileCheck %s

// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.*]] = mlc.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = mlc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SUB:.*]] = mlc.sub %[[B]], %[[ADD]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = mlc.sub %b, %0 : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MUL:.*]] = mlc.mul %[[SUB]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = mlc.mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[DIV:.*]] = mlc.div %[[MUL]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = mlc.div %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MAX:.*]] = mlc.max %[[DIV]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = mlc.max %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MIN:.*]] = mlc.min %[[MAX]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = mlc.min %4, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[POW:.*]] = mlc.pow %[[MIN]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = mlc.pow %5, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: return %[[POW]]
  return %6 : tensor<2x3xf32>
}

// Size-1 dimensions stretch on either side, and a scalar broadcasts anywhere.
// CHECK-LABEL: func.func @broadcasting
func.func @broadcasting(%a: tensor<4x1x3xf32>, %b: tensor<5x1xf32>, %s: tensor<f32>) -> tensor<4x5x3xf32> {
  // CHECK: mlc.add %{{.*}}, %{{.*}} : (tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
  %0 = mlc.add %a, %b : (tensor<4x1x3xf32>, tensor<5x1xf32>) -> tensor<4x5x3xf32>
  // CHECK: mlc.mul %{{.*}}, %{{.*}} : (tensor<f32>, tensor<4x5x3xf32>) -> tensor<4x5x3xf32>
  %1 = mlc.mul %s, %0 : (tensor<f32>, tensor<4x5x3xf32>) -> tensor<4x5x3xf32>
  return %1 : tensor<4x5x3xf32>
}

// CHECK-LABEL: func.func @unary
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[NEG:.*]] = mlc.neg %[[X]] : tensor<4xf32>
  %0 = mlc.neg %x : tensor<4xf32>
  // CHECK: %[[ABS:.*]] = mlc.abs %[[NEG]] : tensor<4xf32>
  %1 = mlc.abs %0 : tensor<4xf32>
  // CHECK: %[[EXP:.*]] = mlc.exp %[[ABS]] : tensor<4xf32>
  %2 = mlc.exp %1 : tensor<4xf32>
  // CHECK: %[[LOG:.*]] = mlc.log %[[EXP]] : tensor<4xf32>
  %3 = mlc.log %2 : tensor<4xf32>
  // CHECK: %[[TANH:.*]] = mlc.tanh %[[LOG]] : tensor<4xf32>
  %4 = mlc.tanh %3 : tensor<4xf32>
  // CHECK: %[[SQRT:.*]] = mlc.sqrt %[[TANH]] : tensor<4xf32>
  %5 = mlc.sqrt %4 : tensor<4xf32>
  // CHECK: %[[RSQRT:.*]] = mlc.rsqrt %[[SQRT]] : tensor<4xf32>
  %6 = mlc.rsqrt %5 : tensor<4xf32>
  // CHECK: %[[RELU:.*]] = mlc.relu %[[RSQRT]] : tensor<4xf32>
  %7 = mlc.relu %6 : tensor<4xf32>
  // CHECK: %[[SIG:.*]] = mlc.sigmoid %[[RELU]] : tensor<4xf32>
  %8 = mlc.sigmoid %7 : tensor<4xf32>
  // CHECK: return %[[SIG]]
  return %8 : tensor<4xf32>
}

// CHECK-LABEL: func.func @compare_select
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<f32>)
func.func @compare_select(%a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xf32> {
  // CHECK: mlc.compare eq, %[[A]], %[[B]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %eq = mlc.compare eq, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: mlc.compare ne, %[[A]], %[[B]]
  %ne = mlc.compare ne, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: mlc.compare lt, %[[A]], %[[B]]
  %lt = mlc.compare lt, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: mlc.compare le, %[[A]], %[[B]]
  %le = mlc.compare le, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: mlc.compare gt, %[[A]], %[[B]]
  %gt = mlc.compare gt, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: %[[GE:.*]] = mlc.compare ge, %[[A]], %[[B]]
  %ge = mlc.compare ge, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  // CHECK: %[[SEL:.*]] = mlc.select %[[GE]], %[[A]], %[[B]] : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %s = mlc.select %ge, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  // CHECK: return %[[SEL]]
  return %s : tensor<4xf32>
}

// CHECK-LABEL: func.func @reductions
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2xf32>, tensor<2x1x1xf32>, tensor<3xf32>, tensor<1x3x4xf32>, tensor<f32>, tensor<2x3x1xf32>) {
  // CHECK: mlc.reduce_sum %[[X]] axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
  %0 = mlc.reduce_sum %x axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
  // CHECK: mlc.reduce_sum %[[X]] axes = [-1, 1] keepdims : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %1 = mlc.reduce_sum %x axes = [-1, 1] keepdims : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  // CHECK: mlc.reduce_mean %[[X]] axes = [0, 2] : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %2 = mlc.reduce_mean %x axes = [0, 2] : (tensor<2x3x4xf32>) -> tensor<3xf32>
  // CHECK: mlc.reduce_mean %[[X]] axes = [0] keepdims : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  %3 = mlc.reduce_mean %x axes = [0] keepdims : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  // CHECK: mlc.reduce_max %[[X]] axes = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<f32>
  %4 = mlc.reduce_max %x axes = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<f32>
  // CHECK: mlc.reduce_max %[[X]] axes = [2] keepdims : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %5 = mlc.reduce_max %x axes = [2] keepdims : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2xf32>, tensor<2x1x1xf32>, tensor<3xf32>, tensor<1x3x4xf32>, tensor<f32>, tensor<2x3x1xf32>
}

// CHECK-LABEL: func.func @shapes
// CHECK-SAME: (%[[X:.*]]: tensor<1x3xf32>)
func.func @shapes(%x: tensor<1x3xf32>) -> tensor<3x2xf16> {
  // CHECK: %[[BC:.*]] = mlc.broadcast_to %[[X]] : (tensor<1x3xf32>) -> tensor<2x2x3xf32>
  %0 = mlc.broadcast_to %x : (tensor<1x3xf32>) -> tensor<2x2x3xf32>
  // CHECK: %[[RS:.*]] = mlc.reshape %[[BC]] : (tensor<2x2x3xf32>) -> tensor<2x6xf32>
  %1 = mlc.reshape %0 : (tensor<2x2x3xf32>) -> tensor<2x6xf32>
  // CHECK: %[[RS2:.*]] = mlc.reshape %[[RS]] : (tensor<2x6xf32>) -> tensor<4x3xf32>
  %2 = mlc.reshape %1 : (tensor<2x6xf32>) -> tensor<4x3xf32>
  // CHECK: %[[TR:.*]] = mlc.transpose %[[RS2]] perm = [1, 0] : (tensor<4x3xf32>) -> tensor<3x4xf32>
  %3 = mlc.transpose %2 perm = [1, 0] : (tensor<4x3xf32>) -> tensor<3x4xf32>
  // CHECK: %[[SL:.*]] = mlc.reduce_sum %[[TR]] axes = [1] keepdims : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %4 = mlc.reduce_sum %3 axes = [1] keepdims : (tensor<3x4xf32>) -> tensor<3x1xf32>
  // CHECK: %[[BC2:.*]] = mlc.broadcast_to %[[SL]] : (tensor<3x1xf32>) -> tensor<3x2xf32>
  %5 = mlc.broadcast_to %4 : (tensor<3x1xf32>) -> tensor<3x2xf32>
  // CHECK: %[[CAST:.*]] = mlc.cast %[[BC2]] : tensor<3x2xf32> to tensor<3x2xf16>
  %6 = mlc.cast %5 : tensor<3x2xf32> to tensor<3x2xf16>
  // CHECK: return %[[CAST]]
  return %6 : tensor<3x2xf16>
}

// CHECK-LABEL: func.func @slicing
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<4x2xf32>)
func.func @slicing(%x: tensor<4x8xf32>, %y: tensor<4x2xf32>) -> tensor<4x7xf32> {
  // CHECK: %[[S:.*]] = mlc.slice %[[X]] axis = 1 start = 2 size = 3 : (tensor<4x8xf32>) -> tensor<4x3xf32>
  %0 = mlc.slice %x axis = 1 start = 2 size = 3 : (tensor<4x8xf32>) -> tensor<4x3xf32>
  // CHECK: %[[N:.*]] = mlc.slice %[[X]] axis = -2 start = 0 size = 1 : (tensor<4x8xf32>) -> tensor<1x8xf32>
  %1 = mlc.slice %x axis = -2 start = 0 size = 1 : (tensor<4x8xf32>) -> tensor<1x8xf32>
  // CHECK: %[[C:.*]] = mlc.concat %[[S]], %[[Y]], %[[S]] axis = -1 : (tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>) -> tensor<4x8xf32>
  %2 = mlc.concat %0, %y, %0 axis = -1 : (tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>) -> tensor<4x8xf32>
  // CHECK: mlc.concat %[[N]], %[[C]] axis = 0 : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<5x8xf32>
  %3 = mlc.concat %1, %2 axis = 0 : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<5x8xf32>
  // CHECK: mlc.concat %[[Y]] axis = 1 : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %4 = mlc.concat %y axis = 1 : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %5 = mlc.concat %4, %2 axis = 1 : (tensor<4x2xf32>, tensor<4x8xf32>) -> tensor<4x10xf32>
  %6 = mlc.slice %5 axis = 1 start = 3 size = 7 : (tensor<4x10xf32>) -> tensor<4x7xf32>
  return %6 : tensor<4x7xf32>
}

// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xi32>)
func.func @split(%x: tensor<4x8xi32>) -> (tensor<4x2xi32>, tensor<4x6xi32>, tensor<1x8xi32>) {
  // CHECK: %[[P:.*]]:2 = mlc.split %[[X]] axis = -1 sizes = [2, 6] : (tensor<4x8xi32>) -> (tensor<4x2xi32>, tensor<4x6xi32>)
  %0:2 = mlc.split %x axis = -1 sizes = [2, 6] : (tensor<4x8xi32>) -> (tensor<4x2xi32>, tensor<4x6xi32>)
  // CHECK: %[[R:.*]]:4 = mlc.split %[[X]] axis = 0 sizes = [1, 1, 1, 1] : (tensor<4x8xi32>) -> (tensor<1x8xi32>, tensor<1x8xi32>, tensor<1x8xi32>, tensor<1x8xi32>)
  %1:4 = mlc.split %x axis = 0 sizes = [1, 1, 1, 1] : (tensor<4x8xi32>) -> (tensor<1x8xi32>, tensor<1x8xi32>, tensor<1x8xi32>, tensor<1x8xi32>)
  // CHECK: return %[[P]]#0, %[[P]]#1, %[[R]]#3
  return %0#0, %0#1, %1#3 : tensor<4x2xi32>, tensor<4x6xi32>, tensor<1x8xi32>
}

// CHECK-LABEL: func.func @embeddings
// CHECK-SAME: (%[[T:.*]]: tensor<10x4xf32>, %[[I:.*]]: tensor<2x3xi64>, %[[J:.*]]: tensor<i32>)
func.func @embeddings(%table: tensor<10x4xf32>, %ids: tensor<2x3xi64>, %id: tensor<i32>) -> (tensor<10x4xf32>, tensor<4xf32>) {
  // CHECK: %[[E:.*]] = mlc.embedding %[[T]], %[[I]] : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %0 = mlc.embedding %table, %ids : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  // CHECK: mlc.embedding %[[T]], %[[J]] : (tensor<10x4xf32>, tensor<i32>) -> tensor<4xf32>
  %1 = mlc.embedding %table, %id : (tensor<10x4xf32>, tensor<i32>) -> tensor<4xf32>
  // CHECK: mlc.embedding_grad %[[E]], %[[I]] : (tensor<2x3x4xf32>, tensor<2x3xi64>) -> tensor<10x4xf32>
  %2 = mlc.embedding_grad %0, %ids : (tensor<2x3x4xf32>, tensor<2x3xi64>) -> tensor<10x4xf32>
  return %2, %1 : tensor<10x4xf32>, tensor<4xf32>
}

// Defaults (eps, approximate) are not printed.
// CHECK-LABEL: func.func @norms_and_activations
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8xf32>, %[[W:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
func.func @norms_and_activations(%x: tensor<2x3x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x3x8xf32> {
  // CHECK: %[[LN:.*]] = mlc.layer_norm %[[X]], %[[W]], %[[B]] : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %0 = mlc.layer_norm %x, %w, %b : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: %[[LN2:.*]] = mlc.layer_norm %[[LN]], %[[W]], %[[B]] eps = 1.000000e-03 : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %1 = mlc.layer_norm %0, %w, %b eps = 1.0e-3 : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: %[[RMS:.*]] = mlc.rms_norm %[[LN2]], %[[W]] : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %2 = mlc.rms_norm %1, %w : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: %[[RMS2:.*]] = mlc.rms_norm %[[RMS]], %[[W]] eps = 1.000000e-05 : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %3 = mlc.rms_norm %2, %w eps = 1.0e-5 : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  // CHECK: %[[G:.*]] = mlc.gelu %[[RMS2]] : tensor<2x3x8xf32>
  %4 = mlc.gelu %3 : tensor<2x3x8xf32>
  // CHECK: %[[GT:.*]] = mlc.gelu %[[G]] approximate = "tanh" : tensor<2x3x8xf32>
  %5 = mlc.gelu %4 approximate = "tanh" : tensor<2x3x8xf32>
  // CHECK: %[[GN:.*]] = mlc.gelu %[[GT]] : tensor<2x3x8xf32>
  %6 = mlc.gelu %5 approximate = "none" : tensor<2x3x8xf32>
  // CHECK: %[[ERF:.*]] = mlc.erf %[[GN]] : tensor<2x3x8xf32>
  %7 = mlc.erf %6 : tensor<2x3x8xf32>
  // CHECK: %[[SILU:.*]] = mlc.silu %[[ERF]] : tensor<2x3x8xf32>
  %8 = mlc.silu %7 : tensor<2x3x8xf32>
  // CHECK: %[[LS:.*]] = mlc.log_softmax %[[SILU]] axis = -1 : tensor<2x3x8xf32>
  %9 = mlc.log_softmax %8 axis = -1 : tensor<2x3x8xf32>
  // CHECK: %[[LS1:.*]] = mlc.log_softmax %[[LS]] axis = 1 : tensor<2x3x8xf32>
  %10 = mlc.log_softmax %9 axis = 1 : tensor<2x3x8xf32>
  // CHECK: return %[[LS1]]
  return %10 : tensor<2x3x8xf32>
}

// Defaults (theta, fill, scale) are not printed.
// CHECK-LABEL: func.func @rope_and_masks
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3x8xf32>, %[[P:.*]]: tensor<3xi64>, %[[P32:.*]]: tensor<3xi32>, %[[S:.*]]: tensor<2x3x5xf64>)
func.func @rope_and_masks(%x: tensor<2x4x3x8xf32>, %p: tensor<3xi64>, %p32: tensor<3xi32>, %s: tensor<2x3x5xf64>) -> (tensor<2x4x3x8xf32>, tensor<2x3x5xf64>) {
  // CHECK: %[[R:.*]] = mlc.rope %[[X]], %[[P]] : (tensor<2x4x3x8xf32>, tensor<3xi64>) -> tensor<2x4x3x8xf32>
  %0 = mlc.rope %x, %p theta = 10000.0 : (tensor<2x4x3x8xf32>, tensor<3xi64>) -> tensor<2x4x3x8xf32>
  // CHECK: %[[R2:.*]] = mlc.rope %[[R]], %[[P32]] theta = 5.000000e+05 inverse : (tensor<2x4x3x8xf32>, tensor<3xi32>) -> tensor<2x4x3x8xf32>
  %1 = mlc.rope %0, %p32 theta = 500000.0 inverse : (tensor<2x4x3x8xf32>, tensor<3xi32>) -> tensor<2x4x3x8xf32>
  // CHECK: %[[M:.*]] = mlc.causal_mask %[[S]] : tensor<2x3x5xf64>
  %2 = mlc.causal_mask %s : tensor<2x3x5xf64>
  // CHECK: %[[M2:.*]] = mlc.causal_mask %[[M]] fill = -1.000000e+09 : tensor<2x3x5xf64>
  %3 = mlc.causal_mask %2 fill = -1.0e9 : tensor<2x3x5xf64>
  // CHECK: return %[[R2]], %[[M2]]
  return %1, %3 : tensor<2x4x3x8xf32>, tensor<2x3x5xf64>
}

// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x3x8xf32>, %[[K:.*]]: tensor<2x2x5x8xf32>, %[[V:.*]]: tensor<2x2x5x8xf32>, %[[D:.*]]: tensor<1x12x1x64xf32>, %[[KC:.*]]: tensor<1x12x1024x64xf32>, %[[POS:.*]]: tensor<i64>)
func.func @attention(%q: tensor<2x4x3x8xf32>, %k: tensor<2x2x5x8xf32>, %v: tensor<2x2x5x8xf32>,
                     %d: tensor<1x12x1x64xf32>, %kc: tensor<1x12x1024x64xf32>, %pos: tensor<i64>)
    -> (tensor<2x4x3x8xf32>, tensor<2x4x3x8xf32>, tensor<1x12x1x64xf32>, tensor<2x2x5x8xf32>) {
  // CHECK: %[[A:.*]] = mlc.attention %[[Q]], %[[K]], %[[V]] causal scale = 1.250000e-01 : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> tensor<2x4x3x8xf32>
  %0 = mlc.attention %q, %k, %v causal scale = 0.125 : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> tensor<2x4x3x8xf32>
  // CHECK: %[[B:.*]] = mlc.attention %[[Q]], %[[K]], %[[V]] : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> tensor<2x4x3x8xf32>
  %1 = mlc.attention %q, %k, %v : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> tensor<2x4x3x8xf32>
  // CHECK: %[[C:.*]] = mlc.attention %[[D]], %[[KC]], %[[KC]] offset %[[POS]] causal : (tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1x64xf32>
  %2 = mlc.attention %d, %kc, %kc offset %pos causal : (tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> tensor<1x12x1x64xf32>
  // CHECK: %[[DQ:[^,]*]], %{{[^,]*}}, %[[DV:[^ ]*]] = mlc.attention_grad %[[A]], %[[Q]], %[[K]], %[[V]] causal scale = 1.250000e-01 : (tensor<2x4x3x8xf32>, tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>)
  %dq, %dk, %dv = mlc.attention_grad %0, %q, %k, %v causal scale = 0.125 : (tensor<2x4x3x8xf32>, tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>)
  // CHECK: = mlc.attention_grad %[[C]], %[[D]], %[[KC]], %[[KC]] offset %[[POS]] causal : (tensor<1x12x1x64xf32>, tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  %eq:3 = mlc.attention_grad %2, %d, %kc, %kc offset %pos causal : (tensor<1x12x1x64xf32>, tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>, tensor<i64>) -> (tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32>)
  // CHECK: return %[[B]], %[[DQ]], %{{.*}}, %[[DV]]
  return %1, %dq, %eq#0, %dv : tensor<2x4x3x8xf32>, tensor<2x4x3x8xf32>, tensor<1x12x1x64xf32>, tensor<2x2x5x8xf32>
}

// CHECK-LABEL: func.func @transpose_3d
func.func @transpose_3d(%x: tensor<2x3x4xi64>) -> tensor<4x2x3xi64> {
  // CHECK: mlc.transpose %{{.*}} perm = [2, 0, 1] : (tensor<2x3x4xi64>) -> tensor<4x2x3xi64>
  %0 = mlc.transpose %x perm = [2, 0, 1] : (tensor<2x3x4xi64>) -> tensor<4x2x3xi64>
  return %0 : tensor<4x2x3xi64>
}

// CHECK-LABEL: func.func @casts
func.func @casts(%x: tensor<4xi32>, %b: tensor<4xi1>) -> (tensor<4xf64>, tensor<4xbf16>, tensor<4xi64>, tensor<4xf32>) {
  // CHECK: mlc.cast %{{.*}} : tensor<4xi32> to tensor<4xf64>
  %0 = mlc.cast %x : tensor<4xi32> to tensor<4xf64>
  // CHECK: mlc.cast %{{.*}} : tensor<4xf64> to tensor<4xbf16>
  %1 = mlc.cast %0 : tensor<4xf64> to tensor<4xbf16>
  // CHECK: mlc.cast %{{.*}} : tensor<4xbf16> to tensor<4xi64>
  %2 = mlc.cast %1 : tensor<4xbf16> to tensor<4xi64>
  // CHECK: mlc.cast %{{.*}} : tensor<4xi1> to tensor<4xf32>
  %3 = mlc.cast %b : tensor<4xi1> to tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xf64>, tensor<4xbf16>, tensor<4xi64>, tensor<4xf32>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<f64>, tensor<2xbf16>, tensor<2xf16>, tensor<3xi32>, tensor<i64>, tensor<2xi1>, tensor<4x3xf32>, tensor<2xi64>, tensor<bf16>, tensor<i32>, tensor<f32>) {
  // CHECK: mlc.constant dense<[1.000000e+00, 2.500000e+00]> : tensor<2xf32>
  %0 = mlc.constant dense<[1.0, 2.5]> : tensor<2xf32>
  // CHECK: mlc.constant dense<-3.000000e+00> : tensor<f64>
  %1 = mlc.constant dense<-3.0> : tensor<f64>
  // CHECK: mlc.constant dense<1.500000e+00> : tensor<2xbf16>
  %2 = mlc.constant dense<1.5> : tensor<2xbf16>
  // CHECK: mlc.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf16>
  %3 = mlc.constant dense<[0.5, 0.25]> : tensor<2xf16>
  // CHECK: mlc.constant dense<[1, -2, 3]> : tensor<3xi32>
  %4 = mlc.constant dense<[1, -2, 3]> : tensor<3xi32>
  // CHECK: mlc.constant dense<7> : tensor<i64>
  %5 = mlc.constant dense<7> : tensor<i64>
  // CHECK: mlc.constant dense<[true, false]> : tensor<2xi1>
  %6 = mlc.constant dense<[true, false]> : tensor<2xi1>
  // CHECK: mlc.full 5.000000e-01 : tensor<4x3xf32>
  %7 = mlc.full 0.5 : tensor<4x3xf32>
  // CHECK: mlc.full -2.000000e+00 : tensor<2xi64>
  %8 = mlc.full -2.0 : tensor<2xi64>
  // CHECK: mlc.full 1.000000e+00 : tensor<bf16>
  %9 = mlc.full 1.0 : tensor<bf16>
  // The lowest i32 (printed as the bits of the double), and -inf.
  // CHECK: mlc.full 0xC1E0000000000000 : tensor<i32>
  %10 = mlc.full -2147483648.0 : tensor<i32>
  // CHECK: mlc.full 0xFFF0000000000000 : tensor<f32>
  %11 = mlc.full 0xFFF0000000000000 : tensor<f32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : tensor<2xf32>, tensor<f64>, tensor<2xbf16>, tensor<2xf16>, tensor<3xi32>, tensor<i64>, tensor<2xi1>, tensor<4x3xf32>, tensor<2xi64>, tensor<bf16>, tensor<i32>, tensor<f32>
}

// CHECK-LABEL: func.func @matmuls
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[AT:.*]]: tensor<3x2xf32>, %[[B:.*]]: tensor<3x4xf32>, %[[BT:.*]]: tensor<4x3xf32>)
func.func @matmuls(%a: tensor<2x3xf32>, %at: tensor<3x2xf32>, %b: tensor<3x4xf32>, %bt: tensor<4x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  // CHECK: mlc.matmul %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %0 = mlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: mlc.matmul %[[AT]], %[[B]] transpose_lhs : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = mlc.matmul %at, %b transpose_lhs : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: mlc.matmul %[[A]], %[[BT]] transpose_rhs : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %2 = mlc.matmul %a, %bt transpose_rhs : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  // CHECK: mlc.matmul %[[AT]], %[[BT]] transpose_lhs transpose_rhs : (tensor<3x2xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %3 = mlc.matmul %at, %bt transpose_lhs transpose_rhs : (tensor<3x2xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  return %0, %1, %2, %3 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @batched_matmuls
func.func @batched_matmuls(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>, %w: tensor<3x4xf64>, %c: tensor<7x1x2x3xf64>) -> (tensor<5x2x4xf64>, tensor<5x2x4xf64>, tensor<7x5x2x4xf64>) {
  // CHECK: mlc.matmul %{{.*}}, %{{.*}} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  %0 = mlc.matmul %a, %b : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  // A rank-2 weight applies to every batch entry.
  // CHECK: mlc.matmul %{{.*}}, %{{.*}} : (tensor<5x2x3xf64>, tensor<3x4xf64>) -> tensor<5x2x4xf64>
  %1 = mlc.matmul %a, %w : (tensor<5x2x3xf64>, tensor<3x4xf64>) -> tensor<5x2x4xf64>
  // Batch dimensions broadcast as in NumPy: [7, 1] with [5] gives [7, 5].
  // CHECK: mlc.matmul %{{.*}}, %{{.*}} : (tensor<7x1x2x3xf64>, tensor<5x3x4xf64>) -> tensor<7x5x2x4xf64>
  %2 = mlc.matmul %c, %b : (tensor<7x1x2x3xf64>, tensor<5x3x4xf64>) -> tensor<7x5x2x4xf64>
  return %0, %1, %2 : tensor<5x2x4xf64>, tensor<5x2x4xf64>, tensor<7x5x2x4xf64>
}

// CHECK-LABEL: func.func @einsums
func.func @einsums(%a: tensor<2x3x4x5xf32>, %w: tensor<6x5xf32>, %x: tensor<3x4xf32>) -> (tensor<2x3x4x6xf32>, tensor<4x3xf32>) {
  // CHECK: mlc.einsum "abcd,ed->abce" %{{.*}}, %{{.*}} : (tensor<2x3x4x5xf32>, tensor<6x5xf32>) -> tensor<2x3x4x6xf32>
  %0 = mlc.einsum "abcd,ed->abce" %a, %w : (tensor<2x3x4x5xf32>, tensor<6x5xf32>) -> tensor<2x3x4x6xf32>
  // CHECK: mlc.einsum "ij->ji" %{{.*}} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %1 = mlc.einsum "ij->ji" %x : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<2x3x4x6xf32>, tensor<4x3xf32>
}

// The verifier infers each result from the ellipsis: what it stands for
// broadcasts across the operands and goes where the output's '...' is, or
// is summed when the output has none.
// CHECK-LABEL: func.func @einsum_ellipses
func.func @einsum_ellipses(%v: tensor<3xf32>, %m: tensor<2x3xf32>, %t: tensor<5x2x3xf32>, %w: tensor<3x4xf32>, %a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> (tensor<4xf32>, tensor<2x4xf32>, tensor<5x2x4xf32>, tensor<2x5x3x6xf32>, tensor<2x3x5xf32>, tensor<f32>, tensor<5xf32>, tensor<f32>) {
  // CHECK: mlc.einsum "...i,ij->...j" %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  %0 = mlc.einsum "...i,ij->...j" %v, %w : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  // CHECK: mlc.einsum "...i,ij->...j" %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = mlc.einsum "...i,ij->...j" %m, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: mlc.einsum "...i,ij->...j" %{{.*}}, %{{.*}} : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  %2 = mlc.einsum "...i,ij->...j" %t, %w : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  // CHECK: mlc.einsum "...ij,...jk->...ik" %{{.*}}, %{{.*}} : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  %3 = mlc.einsum "...ij,...jk->...ik" %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  // CHECK: mlc.einsum "i...->...i" %{{.*}} : (tensor<5x2x3xf32>) -> tensor<2x3x5xf32>
  %4 = mlc.einsum "i...->...i" %t : (tensor<5x2x3xf32>) -> tensor<2x3x5xf32>
  // CHECK: mlc.einsum "...->" %{{.*}} : (tensor<5x2x3xf32>) -> tensor<f32>
  %5 = mlc.einsum "...->" %t : (tensor<5x2x3xf32>) -> tensor<f32>
  // CHECK: mlc.einsum "b...,b...->b" %{{.*}}, %{{.*}} : (tensor<5x2x3xf32>, tensor<5x2x3xf32>) -> tensor<5xf32>
  %6 = mlc.einsum "b...,b...->b" %t, %t : (tensor<5x2x3xf32>, tensor<5x2x3xf32>) -> tensor<5xf32>
  // An output '...' that no operand has stands for no dimension.
  // CHECK: mlc.einsum "i->..." %{{.*}} : (tensor<3xf32>) -> tensor<f32>
  %7 = mlc.einsum "i->..." %v : (tensor<3xf32>) -> tensor<f32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xf32>, tensor<2x4xf32>, tensor<5x2x4xf32>, tensor<2x5x3x6xf32>, tensor<2x3x5xf32>, tensor<f32>, tensor<5xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @classification
// CHECK-SAME: (%[[LOGITS:.*]]: tensor<4x10xf32>, %[[LABELS:.*]]: tensor<4xi64>)
func.func @classification(%logits: tensor<4x10xf32>, %labels: tensor<4xi64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4xi32>, tensor<f32>, tensor<f32>, tensor<10xi64>) {
  // CHECK: mlc.softmax %[[LOGITS]] axis = -1 : tensor<4x10xf32>
  %0 = mlc.softmax %logits axis = -1 : tensor<4x10xf32>
  // CHECK: %[[ONEHOT:.*]] = mlc.one_hot %[[LABELS]] : (tensor<4xi64>) -> tensor<4x10xf32>
  %1 = mlc.one_hot %labels : (tensor<4xi64>) -> tensor<4x10xf32>
  // CHECK: mlc.argmax %[[LOGITS]] axis = 1 : (tensor<4x10xf32>) -> tensor<4xi32>
  %2 = mlc.argmax %logits axis = 1 : (tensor<4x10xf32>) -> tensor<4xi32>
  // CHECK: mlc.argmax %[[LOGITS]] axis = -2 : (tensor<4x10xf32>) -> tensor<10xi64>
  %5 = mlc.argmax %logits axis = -2 : (tensor<4x10xf32>) -> tensor<10xi64>
  // CHECK: mlc.mse_loss %[[LOGITS]], %[[ONEHOT]] : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  %3 = mlc.mse_loss %logits, %1 : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  // CHECK: mlc.softmax_cross_entropy %[[LOGITS]], %[[LABELS]] : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  %4 = mlc.softmax_cross_entropy %logits, %labels : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  // CHECK: mlc.softmax_cross_entropy_with_grad %[[LOGITS]], %[[LABELS]], %{{.*}} : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) -> (tensor<f32>, tensor<4x10xf32>)
  %fused:2 = mlc.softmax_cross_entropy_with_grad %logits, %labels, %4 : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) -> (tensor<f32>, tensor<4x10xf32>)
  return %0, %1, %2, %3, %4, %5 : tensor<4x10xf32>, tensor<4x10xf32>, tensor<4xi32>, tensor<f32>, tensor<f32>, tensor<10xi64>
}

// Each element type through the ops that accept it.
// CHECK-LABEL: func.func @element_types
// CHECK-SAME: %[[I64:[^:]*]]: tensor<2x3xi64>)
func.func @element_types(%f64: tensor<2x2xf64>, %bf16: tensor<2x2xbf16>, %f16: tensor<2x2xf16>, %i32: tensor<2xi32>, %i64: tensor<2x3xi64>) -> (tensor<2x2xf64>, tensor<2x2xbf16>, tensor<2x2xf16>, tensor<2xi32>, tensor<2xi64>, tensor<2x3x4xbf16>, tensor<2xi1>) {
  // CHECK: mlc.matmul %{{.*}}, %{{.*}} : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
  %0 = mlc.matmul %f64, %f64 : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
  // CHECK: mlc.exp %{{.*}} : tensor<2x2xbf16>
  %1 = mlc.exp %bf16 : tensor<2x2xbf16>
  // CHECK: mlc.softmax %{{.*}} axis = 0 : tensor<2x2xf16>
  %2 = mlc.softmax %f16 axis = 0 : tensor<2x2xf16>
  // CHECK: mlc.relu %{{.*}} : tensor<2xi32>
  %3 = mlc.relu %i32 : tensor<2xi32>
  // CHECK: mlc.abs %{{.*}} : tensor<2xi32>
  %4 = mlc.abs %3 : tensor<2xi32>
  // CHECK: mlc.reduce_max %{{.*}} axes = [1] : (tensor<2x3xi64>) -> tensor<2xi64>
  %5 = mlc.reduce_max %i64 axes = [1] : (tensor<2x3xi64>) -> tensor<2xi64>
  // CHECK: mlc.one_hot %[[I64]] : (tensor<2x3xi64>) -> tensor<2x3x4xbf16>
  %6 = mlc.one_hot %i64 : (tensor<2x3xi64>) -> tensor<2x3x4xbf16>
  // CHECK: mlc.compare lt, %{{.*}}, %{{.*}} : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi1>
  %7 = mlc.compare lt, %4, %3 : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi1>
  return %0, %1, %2, %4, %5, %6, %7 : tensor<2x2xf64>, tensor<2x2xbf16>, tensor<2x2xf16>, tensor<2xi32>, tensor<2xi64>, tensor<2x3x4xbf16>, tensor<2xi1>
}

// Every #mlc.init kind, with its keys given, omitted (printed with their
// defaults) or partly given; and every model annotation.
// CHECK-LABEL: func.func @model
// CHECK-SAME: {mlc.input = "x"}
// CHECK-SAME: {mlc.init = #mlc.init<zeros>, mlc.param = "zeros"}
// CHECK-SAME: {mlc.init = #mlc.init<ones>, mlc.param = "ones"}
// CHECK-SAME: {mlc.init = #mlc.init<constant, value = 0.000000e+00>, mlc.param = "constant_default"}
// CHECK-SAME: {mlc.init = #mlc.init<constant, value = -2.500000e-01>, mlc.param = "constant"}
// CHECK-SAME: {mlc.init = #mlc.init<normal, mean = 0.000000e+00, std = 1.000000e+00>, mlc.param = "normal_default"}
// CHECK-SAME: {mlc.init = #mlc.init<normal, mean = 1.000000e+00, std = 2.000000e-02>, mlc.param = "normal"}
// CHECK-SAME: {mlc.init = #mlc.init<uniform, low = 0.000000e+00, high = 1.000000e+00>, mlc.param = "uniform_default"}
// CHECK-SAME: {mlc.init = #mlc.init<uniform, low = -1.000000e-01, high = 1.000000e-01>, mlc.param = "uniform"}
// CHECK-SAME: {mlc.init = #mlc.init<xavier_uniform, gain = 1.000000e+00>, mlc.param = "xavier_default"}
// CHECK-SAME: {mlc.init = #mlc.init<xavier_uniform, gain = 1.4142135623730951>, mlc.param = "xavier"}
// CHECK-SAME: {mlc.init = #mlc.init<kaiming_uniform, a = 2.2360679774997898>, mlc.param = "kaiming_default"}
// CHECK-SAME: {mlc.init = #mlc.init<kaiming_uniform, a = 0.000000e+00>, mlc.param = "kaiming"}
// CHECK-SAME: {mlc.frozen, mlc.init = #mlc.init<ones>, mlc.param = "frozen"}
// CHECK-SAME: {mlc.init = #mlc.init<zeros>, mlc.state = "step"}
// CHECK-SAME: {mlc.param = "no_init"}
// CHECK-SAME: -> (tensor<f32> {mlc.output = "loss"}, tensor<4xf32> {mlc.update = "zeros"}, tensor<4xf32>)
func.func @model(%x: tensor<4xf32> {mlc.input = "x"},
                 %p0: tensor<4xf32> {mlc.param = "zeros", mlc.init = #mlc.init<zeros>},
                 %p1: tensor<4xf32> {mlc.param = "ones", mlc.init = #mlc.init<ones>},
                 %p2: tensor<4xf32> {mlc.param = "constant_default", mlc.init = #mlc.init<constant>},
                 %p3: tensor<4xf32> {mlc.param = "constant", mlc.init = #mlc.init<constant, value = -0.25>},
                 %p4: tensor<4xf32> {mlc.param = "normal_default", mlc.init = #mlc.init<normal>},
                 %p5: tensor<4xf32> {mlc.param = "normal", mlc.init = #mlc.init<normal, std = 0.02, mean = 1.0>},
                 %p6: tensor<4xf32> {mlc.param = "uniform_default", mlc.init = #mlc.init<uniform>},
                 %p7: tensor<4xf32> {mlc.param = "uniform", mlc.init = #mlc.init<uniform, low = -0.1, high = 0.1>},
                 %p8: tensor<4xf32> {mlc.param = "xavier_default", mlc.init = #mlc.init<xavier_uniform>},
                 %p9: tensor<4xf32> {mlc.param = "xavier", mlc.init = #mlc.init<xavier_uniform, gain = 1.4142135623730951>},
                 %p10: tensor<4xf32> {mlc.param = "kaiming_default", mlc.init = #mlc.init<kaiming_uniform>},
                 %p11: tensor<4xf32> {mlc.param = "kaiming", mlc.init = #mlc.init<kaiming_uniform, a = 0.0>},
                 %p12: tensor<4xf32> {mlc.param = "frozen", mlc.frozen, mlc.init = #mlc.init<ones>},
                 %s: tensor<i64> {mlc.state = "step", mlc.init = #mlc.init<zeros>},
                 %p13: tensor<4xf32> {mlc.param = "no_init"})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<4xf32> {mlc.update = "zeros"}, tensor<4xf32>) {
  %0 = mlc.mse_loss %x, %p0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %0, %p0, %x : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}

// Token-window inputs: the window itself and the next-token targets.
// CHECK-LABEL: func.func @token_windows
// CHECK-SAME: {mlc.input = "tokens", mlc.shift = 0 : i64, mlc.vocab = 256 : i64}
// CHECK-SAME: {mlc.input = "targets", mlc.shift = 1 : i64, mlc.vocab = 256 : i64}
func.func @token_windows(%t: tensor<2x8xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
                         %u: tensor<2x8xi64> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256}) {
  return
}

// A memory plan: slices on arguments, results and ops, the arena sizes on
// the module and the workspace peak on the function.
// CHECK-LABEL: func.func @planned
// CHECK-SAME: mlc.slice = #mlc.slice<parameter, 0, 16>
// CHECK-SAME: {mlc.output = "y", mlc.slice = #mlc.slice<io, 0, 16>}
// CHECK-SAME: mlc.workspace = 64 : i64
// CHECK: mlc.neg %{{.*}} {mlc.slices = [#mlc.slice<workspace, 0, 16>]}
// CHECK: mlc.neg %{{.*}} {mlc.slices = [#mlc.slice<io, 0, 16>]}
func.func @planned(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<parameter, 0, 16>})
    -> (tensor<4xf32> {mlc.output = "y", mlc.slice = #mlc.slice<io, 0, 16>}) attributes {mlc.workspace = 64 : i64} {
  %0 = mlc.neg %w {mlc.slices = [#mlc.slice<workspace, 0, 16>]} : tensor<4xf32>
  %1 = mlc.neg %0 {mlc.slices = [#mlc.slice<io, 0, 16>]} : tensor<4xf32>
  return %1 : tensor<4xf32>
}
