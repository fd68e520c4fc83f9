// -mlc-plan-memory: slices of arenas for every value, workspace memory
// reused by liveness, updates computed in place when safe, peaks recorded.
// RUN: split-file %s %t
// RUN: mlc-opt %t/sgd.mlir -mlc-plan-memory | FileCheck %s --check-prefix=SGD
// RUN: mlc-opt %t/unsafe.mlir -mlc-plan-memory | FileCheck %s --check-prefix=UNSAFE
// RUN: mlc-opt %t/sgd.mlir -mlc-plan-memory -mlc-plan-memory | FileCheck %s --check-prefix=SGD
// RUN: mlc-opt %t/views.mlir -mlc-plan-memory | FileCheck %s --check-prefix=VIEWS
// RUN: mlc-opt %t/errors.mlir -split-input-file -verify-diagnostics -mlc-plan-memory

//--- sgd.mlir
// An SGD step of y = relu(x w) on a mean squared error, and an eval of the
// same model. Workspace values (sizes: h, r, d 256 bytes; g, s 512) live
//   h [0, 1]  r [1, 3]  d [3, 4]  g [4, 6]  s [6, 7]
// and are placed largest first into the lowest gap that fits: g at 0, s
// above it at 512 (they meet at op 6), h at 0 (it dies before g is born),
// r at 256 above h, d at 512 above g. The peak is 1024 bytes where the
// values take 1792 on their own.
// SGD: module attributes {mlc.arenas = {constant = 64 : i64, io = 704 : i64, parameter = 512 : i64, workspace = 1024 : i64}}
// SGD-LABEL: func.func @train_step(
// SGD-SAME: {mlc.init = #mlc.init<zeros>, mlc.param = "w", mlc.slice = #mlc.slice<parameter, 0, 512>}
// SGD-SAME: {mlc.input = "x", mlc.slice = #mlc.slice<io, 0, 128>}
// SGD-SAME: {mlc.input = "y", mlc.slice = #mlc.slice<io, 128, 256>}
// SGD-SAME: -> (tensor<8x16xf32> {mlc.update = "w"}, tensor<f32> {mlc.output = "loss", mlc.slice = #mlc.slice<io, 384, 4>})
// SGD-SAME: mlc.workspace = 1024 : i64
// SGD: %[[H:.*]] = mlc.matmul {{.*}} {mlc.slices = [#mlc.slice<workspace, 0, 256>]}
// SGD: %[[R:.*]] = mlc.relu %[[H]] {mlc.slices = [#mlc.slice<workspace, 256, 256>]}
// The loss is reported: its own slice in io, where nothing else goes.
// SGD: mlc.mse_loss {{.*}} {mlc.slices = [#mlc.slice<io, 384, 4>]}
// SGD: %[[D:.*]] = mlc.sub %[[R]], %{{.*}} {mlc.slices = [#mlc.slice<workspace, 512, 256>]}
// SGD: %[[G:.*]] = mlc.matmul %{{.*}}, %[[D]] transpose_lhs {mlc.slices = [#mlc.slice<workspace, 0, 512>]}
// Constants are written once per session: a slice of their own.
// SGD: mlc.constant {mlc.slices = [#mlc.slice<constant, 0, 4>]}
// SGD: %[[S:.*]] = mlc.mul %[[G]], %{{.*}} {mlc.slices = [#mlc.slice<workspace, 512, 512>]}
// The new w reads the old one elementwise, after every other reader: it is
// computed into w's slice.
// SGD: mlc.sub %{{.*}}, %[[S]] {mlc.slices = [#mlc.slice<parameter, 0, 512>]}
// @eval shares w's slice and the workspace, from offset 0 again.
// SGD-LABEL: func.func @eval(
// SGD-SAME: mlc.slice = #mlc.slice<parameter, 0, 512>
// SGD-SAME: mlc.slice = #mlc.slice<io, 0, 128>
// SGD-SAME: mlc.slice = #mlc.slice<io, 448, 256>
// SGD-SAME: mlc.workspace = 256 : i64
// SGD: mlc.matmul {{.*}} {mlc.slices = [#mlc.slice<workspace, 0, 256>]}
// SGD: mlc.relu {{.*}} {mlc.slices = [#mlc.slice<io, 448, 256>]}
module {
func.func @train_step(%w: tensor<8x16xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                      %x: tensor<4x8xf32> {mlc.input = "x"},
                      %y: tensor<4x16xf32> {mlc.input = "y"})
    -> (tensor<8x16xf32> {mlc.update = "w"}, tensor<f32> {mlc.output = "loss"})
    attributes {mlc.kind = "train"} {
  %h = mlc.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %r = mlc.relu %h : tensor<4x16xf32>
  %loss = mlc.mse_loss %r, %y : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<f32>
  %d = mlc.sub %r, %y : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %g = mlc.matmul %x, %d transpose_lhs : (tensor<4x8xf32>, tensor<4x16xf32>) -> tensor<8x16xf32>
  %lr = mlc.constant dense<0.1> : tensor<f32>
  %s = mlc.mul %g, %lr : (tensor<8x16xf32>, tensor<f32>) -> tensor<8x16xf32>
  %new = mlc.sub %w, %s : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %new, %loss : tensor<8x16xf32>, tensor<f32>
}

// @eval takes the same w and x (one buffer each) and reports its logits.
func.func @eval(%w: tensor<8x16xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>},
                %x: tensor<4x8xf32> {mlc.input = "x"})
    -> (tensor<4x16xf32> {mlc.output = "logits"})
    attributes {mlc.kind = "eval"} {
  %h = mlc.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %r = mlc.relu %h : tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}
}

//--- unsafe.mlir
// Updates that cannot be computed in place stay in the workspace, live to
// the end of the function (the exporter copies them into their state after
// the last op): m's new value is computed before the last reader of the old
// m, q's is a transpose, which reads the old q at other indices. A reported
// parameter that the step updates is copied before the update into an io
// slice of its own, once however often it is reported. Workspace values
// live m2 [0, 8], late [1, 3], q2 [2, 8], r [3, 4], spread [4, 5]: spread
// takes late's place.
// UNSAFE-LABEL: func.func @train_step(
// UNSAFE-SAME: {mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<optimizer_state, 0, 64>, mlc.state = "m"}
// UNSAFE-SAME: {mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<optimizer_state, 64, 64>, mlc.state = "q"}
// UNSAFE-SAME: {mlc.init = #mlc.init<zeros>, mlc.param = "p", mlc.slice = #mlc.slice<parameter, 0, 64>}
// UNSAFE-SAME: {mlc.counter, mlc.init = #mlc.init<zeros>, mlc.slice = #mlc.slice<step_counter, 0, 8>, mlc.state = "step"}
// UNSAFE-SAME: {mlc.output = "loss", mlc.slice = #mlc.slice<io, 0, 64>}
// UNSAFE-SAME: {mlc.output = "again", mlc.slice = #mlc.slice<io, 0, 64>}
// UNSAFE-SAME: mlc.workspace = 256 : i64
// UNSAFE: mlc.mul {{.*}} {mlc.slices = [#mlc.slice<workspace, 0, 64>]}
// UNSAFE: mlc.add {{.*}} {mlc.slices = [#mlc.slice<workspace, 64, 64>]}
// UNSAFE: mlc.transpose {{.*}} {mlc.slices = [#mlc.slice<workspace, 128, 64>]}
// UNSAFE: mlc.reduce_sum {{.*}} {mlc.slices = [#mlc.slice<workspace, 192, 4>]}
// UNSAFE: mlc.add {{.*}} {mlc.slices = [#mlc.slice<workspace, 64, 64>]}
// UNSAFE: mlc.sub {{.*}} {mlc.slices = [#mlc.slice<parameter, 0, 64>]}
// The step counter's increment reads it elementwise: in place.
// UNSAFE: mlc.add {{.*}} {mlc.slices = [#mlc.slice<step_counter, 0, 8>]}
func.func @train_step(%m: tensor<16xf32> {mlc.state = "m", mlc.init = #mlc.init<zeros>},
                      %q: tensor<4x4xf32> {mlc.state = "q", mlc.init = #mlc.init<zeros>},
                      %p: tensor<16xf32> {mlc.param = "p", mlc.init = #mlc.init<zeros>},
                      %step: tensor<i64> {mlc.state = "step", mlc.counter, mlc.init = #mlc.init<zeros>})
    -> (tensor<16xf32> {mlc.update = "m"}, tensor<4x4xf32> {mlc.update = "q"},
        tensor<16xf32> {mlc.update = "p"}, tensor<i64> {mlc.update = "step"},
        tensor<16xf32> {mlc.output = "loss"}, tensor<16xf32> {mlc.output = "again"})
    attributes {mlc.kind = "train"} {
  %m2 = mlc.mul %m, %m : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %late = mlc.add %m, %m2 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %q2 = mlc.transpose %q perm = [1, 0] : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %r = mlc.reduce_sum %late axes = [0] : (tensor<16xf32>) -> tensor<f32>
  %spread = mlc.add %r, %p : (tensor<f32>, tensor<16xf32>) -> tensor<16xf32>
  %p2 = mlc.sub %p, %spread : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %one = mlc.constant dense<1> : tensor<i64>
  %step2 = mlc.add %step, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %m2, %q2, %p2, %step2, %p, %p : tensor<16xf32>, tensor<4x4xf32>, tensor<16xf32>, tensor<i64>, tensor<16xf32>, tensor<16xf32>
}

//--- views.mlir
// A reshape of a workspace value is a view: it takes the operand's slice
// (a reshape of it too), and those bytes stay live until the last reader
// of any of them, so the relu reading the view gets bytes of its own. A
// reshape of an input is a copy into the workspace.
// VIEWS-LABEL: func.func @eval(
// VIEWS-SAME: mlc.workspace = 640 : i64
// VIEWS: mlc.reshape %arg0 {mlc.slices = [#mlc.slice<workspace, [[XR:[0-9]+]], 128>]}
// VIEWS: mlc.matmul {{.*}} {mlc.slices = [#mlc.slice<workspace, [[H:[0-9]+]], 256>]}
// VIEWS: mlc.reshape {{.*}} {mlc.slices = [#mlc.slice<workspace, [[H]], 256>]}
// VIEWS: mlc.reshape {{.*}} {mlc.slices = [#mlc.slice<workspace, [[H]], 256>]}
// VIEWS: mlc.relu {{.*}} {mlc.slices = [#mlc.slice<workspace, 256, 256>]}
module {
func.func @eval(%x: tensor<4x8xf32> {mlc.input = "x"},
                %w: tensor<8x16xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "s"}) attributes {mlc.kind = "eval"} {
  %xr = mlc.reshape %x : (tensor<4x8xf32>) -> tensor<32xf32>
  %h = mlc.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %v = mlc.reshape %h : (tensor<4x16xf32>) -> tensor<64xf32>
  %v2 = mlc.reshape %v : (tensor<64xf32>) -> tensor<8x8xf32>
  %r = mlc.relu %v2 : tensor<8x8xf32>
  %rs = mlc.reduce_sum %r axes = [0, 1] : (tensor<8x8xf32>) -> tensor<f32>
  %xs = mlc.reduce_sum %xr axes = [0] : (tensor<32xf32>) -> tensor<f32>
  %t = mlc.add %rs, %xs : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %t : tensor<f32>
}
}

//--- errors.mlir
// expected-error @+1 {{-mlc-plan-memory plans functions of a single block; @two_blocks has 2}}
func.func @two_blocks(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
  %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
^unreachable:
  return %l : tensor<f32>
}

// -----

module {
  func.func @first(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
  // expected-error @+1 {{argument 'w' of @second is 'tensor<8xf32>' but another entry point uses 'w' as 'tensor<4xf32>'}}
  func.func @second(%w: tensor<8xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<8xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

module {
  func.func @first(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
  // expected-error @+1 {{argument 'w' of @second belongs in the optimizer_state arena but another entry point puts 'w' in the parameter arena}}
  func.func @second(%w: tensor<4xf32> {mlc.state = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// mlc ops and model arguments have static shapes; a call that is not
// inlined may still return another type.
module {
  func.func private @opaque() -> tensor<?x4xf32>
  func.func @calls(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<f32> {
    // expected-error @+1 {{cannot plan memory for a value of type 'tensor<?x4xf32>': the plan needs tensors of static shape with integer or float elements}}
    %v = func.call @opaque() : () -> tensor<?x4xf32>
    %l = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}
