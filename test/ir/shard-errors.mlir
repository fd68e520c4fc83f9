// What the verifier refuses of #mlc.shard and mlc.all_slice.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

module attributes {mlc.mesh = #mlc.mesh<tp = 2>} {
// expected-error @below {{'mlc.shard' on argument #0: the piece of #mlc.shard<[8, 12], split(1, "tp", 3)> is 'tensor<8x6xf32>', but the argument is 'tensor<8x12xf32>'}}
func.func @wrong_piece(%w: tensor<8x12xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 12], split(1, "tp", 3)>}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<tp = 8>} {
// expected-error @below {{'mlc.shard' on argument #0: shard step #0 splits dim 1 of extent 12 into 3 x 8 ('tp') parts, which do not divide it}}
func.func @indivisible(%w: tensor<8x3xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8, 12], split(1, "tp", 3)>}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{'mlc.shard' on argument #0: shard step #0 runs over axis 'tp', which the module's mesh #mlc.mesh<dp = 2> does not have}}
func.func @unknown_axis(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8], split(0, "tp", 1)>}) {
  return
}
}

// -----

// expected-error @below {{'mlc.shard' on argument #0: shard step #0 runs over axis 'dp', but the module has no mesh (mlc.mesh)}}
func.func @no_mesh(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8], flat("dp")>}) {
  return
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{'mlc.shard' on argument #0 needs 'mlc.param' or 'mlc.state' beside it}}
func.func @input(%x: tensor<4xf32> {mlc.input = "x", mlc.shard = #mlc.shard<[8], flat("dp")>}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{shard step #0 splits dim 2 of a 2-d tensor}}
func.func @dim(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[2, 4], split(2, "dp", 1)>}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{a shard step is split(dim, "axis", blocks) or flat("axis"), found 'chunk'}}
func.func @kind(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = #mlc.shard<[8], chunk("dp")>}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
// expected-error @below {{'mlc.shard' on argument #0 must be a #mlc.shard<...>, found "dp"}}
func.func @not_shard(%w: tensor<4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>, mlc.shard = "dp"}) {
  return
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 4>} {
func.func @slice_indivisible(%a: tensor<2x3xf32>) -> tensor<1xf32> {
  // expected-error @below {{'mlc.all_slice' op slices 'tensor<2x3xf32>' (6 elements) into 4 equal parts, which do not divide it}}
  %0 = mlc.all_slice %a over ["dp"] : (tensor<2x3xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @slice_type(%a: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{'mlc.all_slice' op keeps part of 'tensor<2x4xf32>' on each of 2 ranks as 'tensor<2x2xf32>'; expected 'tensor<4xf32>'}}
  %0 = mlc.all_slice %a over ["dp"] : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
}

// -----

module attributes {mlc.mesh = #mlc.mesh<dp = 2>} {
func.func @slice_axis(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @below {{'mlc.all_slice' op runs over axis 'tp', which the mesh #mlc.mesh<dp = 2> does not have}}
  %0 = mlc.all_slice %a over ["tp"] : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
}
