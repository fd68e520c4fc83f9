// -mlc-bucket-all-reduce: all-reduces of one reduction, mesh axes and
// element type merge into buckets of at most bucket-mb MiB, in the order
// their values are computed, each placed right after its last value.
// RUN: mlc-opt %s -split-input-file -mlc-bucket-all-reduce=bucket-mb=1 | FileCheck %s
// RUN: mlc-opt %s -split-input-file -mlc-bucket-all-reduce=bucket-mb=0 | FileCheck %s --check-prefix=EACH
// RUN: mlc-opt %s -split-input-file -mlc-bucket-all-reduce | FileCheck %s --check-prefix=DEFAULT

// Three gradients of 512 KiB: the first two fill a bucket of 1 MiB, issued
// as soon as the second exists (before the third is computed); the third
// is a bucket of its own. The mean of the loss is another reduction and
// stays apart.
// CHECK-LABEL: func.func @three
// CHECK: %[[A:.*]] = mlc.exp %arg0
// CHECK-NEXT: %[[B:.*]] = mlc.tanh %arg0
// CHECK-NEXT: %[[AB:.*]]:2 = mlc.all_reduce sum over ["dp"] %[[A]], %[[B]] : tensor<512x256xf32>, tensor<512x256xf32>
// CHECK-NEXT: %[[C:.*]] = mlc.sqrt %arg0
// CHECK-NEXT: %[[RC:.*]] = mlc.all_reduce sum over ["dp"] %[[C]] : tensor<512x256xf32>
// CHECK-NEXT: %[[L:.*]] = mlc.reduce_mean
// CHECK-NEXT: %[[RL:.*]] = mlc.all_reduce mean over ["dp"] %[[L]] : tensor<f32>
// CHECK-NEXT: return %[[RL]], %[[AB]]#0, %[[AB]]#1, %[[RC]]
// EACH-LABEL: func.func @three
// EACH: %[[A:.*]] = mlc.exp %arg0
// EACH-NEXT: mlc.all_reduce sum over ["dp"] %[[A]] : tensor<512x256xf32>
// EACH-NEXT: %[[B:.*]] = mlc.tanh %arg0
// EACH-NEXT: mlc.all_reduce sum over ["dp"] %[[B]] : tensor<512x256xf32>
// EACH-NEXT: %[[C:.*]] = mlc.sqrt %arg0
// EACH-NEXT: mlc.all_reduce sum over ["dp"] %[[C]] : tensor<512x256xf32>
// DEFAULT-LABEL: func.func @three
// DEFAULT: mlc.sqrt
// DEFAULT-NEXT: mlc.all_reduce sum over ["dp"] %{{.*}}, %{{.*}}, %{{.*}} : tensor<512x256xf32>, tensor<512x256xf32>, tensor<512x256xf32>
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @three(%x: tensor<512x256xf32>)
    -> (tensor<f32>, tensor<512x256xf32>, tensor<512x256xf32>, tensor<512x256xf32>) {
  %a = mlc.exp %x : tensor<512x256xf32>
  %b = mlc.tanh %x : tensor<512x256xf32>
  %c = mlc.sqrt %x : tensor<512x256xf32>
  %l = mlc.reduce_mean %x axes = [0, 1] : (tensor<512x256xf32>) -> tensor<f32>
  %rl = mlc.all_reduce mean over ["dp"] %l : tensor<f32>
  %ra = mlc.all_reduce sum over ["dp"] %a : tensor<512x256xf32>
  %rb = mlc.all_reduce sum over ["dp"] %b : tensor<512x256xf32>
  %rc = mlc.all_reduce sum over ["dp"] %c : tensor<512x256xf32>
  return %rl, %ra, %rb, %rc : tensor<f32>, tensor<512x256xf32>, tensor<512x256xf32>, tensor<512x256xf32>
}
}

// -----

// A value whose reduction is read before the next value exists is issued
// alone: a bucket goes after its last value and before any use.
// CHECK-LABEL: func.func @early_use
// CHECK: %[[A:.*]] = mlc.exp %arg0
// CHECK-NEXT: %[[RA:.*]] = mlc.all_reduce sum over ["dp"] %[[A]] : tensor<4xf32>
// CHECK-NEXT: %[[U:.*]] = mlc.neg %[[RA]]
// CHECK-NEXT: %[[B:.*]] = mlc.tanh %[[U]]
// CHECK-NEXT: %[[RB:.*]] = mlc.all_reduce sum over ["dp"] %[[B]] : tensor<4xf32>
// CHECK-NEXT: return %[[RB]]
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @early_use(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = mlc.exp %x : tensor<4xf32>
  %ra = mlc.all_reduce sum over ["dp"] %a : tensor<4xf32>
  %u = mlc.neg %ra : tensor<4xf32>
  %b = mlc.tanh %u : tensor<4xf32>
  %rb = mlc.all_reduce sum over ["dp"] %b : tensor<4xf32>
  return %rb : tensor<4xf32>
}
}

// -----

// Element types do not share a bucket.
// CHECK-LABEL: func.func @types
// CHECK-DAG: mlc.all_reduce sum over ["dp"] %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<2xf32>
// CHECK-DAG: mlc.all_reduce sum over ["dp"] %{{.*}} : tensor<4xf64>
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @types(%x: tensor<4xf32>, %y: tensor<4xf64>, %z: tensor<2xf32>)
    -> (tensor<4xf32>, tensor<4xf64>, tensor<2xf32>) {
  %a = mlc.all_reduce sum over ["dp"] %x : tensor<4xf32>
  %b = mlc.all_reduce sum over ["dp"] %y : tensor<4xf64>
  %c = mlc.all_reduce sum over ["dp"] %z : tensor<2xf32>
  return %a, %b, %c : tensor<4xf32>, tensor<4xf64>, tensor<2xf32>
}
}

// -----

// ZeRO's reduce-scatters bucket the same way, apart from the all-reduces:
// the first two gradients (512 KiB each) fill a bucket of 1 MiB issued
// right after the second, the third is one of its own; the all-reduce of
// the same element type stays an all-reduce.
// CHECK-LABEL: func.func @scatters
// CHECK: %[[A:.*]] = mlc.exp %arg0
// CHECK-NEXT: %[[B:.*]] = mlc.tanh %arg0
// CHECK-NEXT: %[[AB:.*]]:2 = mlc.reduce_scatter sum over ["dp"] %[[A]], %[[B]] : tensor<131072xf32>, tensor<131072xf32> -> tensor<65536xf32>, tensor<65536xf32>
// CHECK-NEXT: %[[C:.*]] = mlc.sqrt %arg0
// CHECK-NEXT: %[[RC:.*]] = mlc.reduce_scatter sum over ["dp"] %[[C]] : tensor<131072xf32> -> tensor<65536xf32>
// CHECK-NEXT: %[[S:.*]] = mlc.reduce_sum
// CHECK-NEXT: %[[RS:.*]] = mlc.all_reduce sum over ["dp"] %[[S]] : tensor<f32>
// CHECK-NEXT: return %[[RS]], %[[AB]]#0, %[[AB]]#1, %[[RC]]
// DEFAULT-LABEL: func.func @scatters
// DEFAULT: mlc.reduce_scatter sum over ["dp"] %{{.*}}, %{{.*}}, %{{.*}} : tensor<131072xf32>, tensor<131072xf32>, tensor<131072xf32> -> tensor<65536xf32>, tensor<65536xf32>, tensor<65536xf32>
module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @scatters(%x: tensor<131072xf32>)
    -> (tensor<f32>, tensor<65536xf32>, tensor<65536xf32>, tensor<65536xf32>) {
  %a = mlc.exp %x : tensor<131072xf32>
  %b = mlc.tanh %x : tensor<131072xf32>
  %c = mlc.sqrt %x : tensor<131072xf32>
  %s = mlc.reduce_sum %x axes = [0] : (tensor<131072xf32>) -> tensor<f32>
  %rs = mlc.all_reduce sum over ["dp"] %s : tensor<f32>
  %ra = mlc.reduce_scatter sum over ["dp"] %a : tensor<131072xf32> -> tensor<65536xf32>
  %rb = mlc.reduce_scatter sum over ["dp"] %b : tensor<131072xf32> -> tensor<65536xf32>
  %rc = mlc.reduce_scatter sum over ["dp"] %c : tensor<131072xf32> -> tensor<65536xf32>
  return %rs, %ra, %rb, %rc : tensor<f32>, tensor<65536xf32>, tensor<65536xf32>, tensor<65536xf32>
}
}
