// The verifier of kernel regions (mlc.fusion): each malformed region is
// an error naming what is wrong.
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @bad_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{kind must be "loop", "row" or "column", found "tile"}}
  %0 = mlc.fusion "tile"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @arg_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{body argument #0 is 'tensor<8xf32>' but operand #0 is 'tensor<4xf32>'}}
  %0 = mlc.fusion "loop"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    %1 = mlc.neg %a : tensor<8xf32>
    mlc.yield %1 : tensor<8xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.fusion "loop"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = mlc.compare gt, %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    // expected-error @+1 {{yields 'tensor<4xi1>' but the region returns 'tensor<4xf32>'}}
    mlc.yield %1 : tensor<4xi1>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @not_elementwise(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = mlc.fusion "loop"(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    // expected-error @+1 {{is not elementwise and cannot be part of a "loop" region}}
    %1 = mlc.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    mlc.yield %1 : tensor<4x4xf32>
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @inner_shape(%x: tensor<4xf32>, %y: tensor<1xf32>) -> tensor<4xf32> {
  %0 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<1xf32>):
    // expected-error @+1 {{computes 'tensor<1xf32>' inside a "loop" region whose iteration shape is 4}}
    %1 = mlc.neg %b : tensor<1xf32>
    %2 = mlc.add %a, %1 : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
    mlc.yield %2 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @result_shapes(%x: tensor<4xf32>, %y: tensor<2x4xf32>) -> (tensor<4xf32>, tensor<2x4xf32>) {
  // expected-error @+1 {{result #1 is 'tensor<2x4xf32>': every result of a "loop" region has the iteration shape 4}}
  %0:2 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<2x4xf32>) -> (tensor<4xf32>, tensor<2x4xf32>) {
  ^bb0(%a: tensor<4xf32>, %b: tensor<2x4xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1, %b : tensor<4xf32>, tensor<2x4xf32>
  }
  return %0#0, %0#1 : tensor<4xf32>, tensor<2x4xf32>
}

// -----

func.func @no_broadcast(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #1 ('tensor<3xf32>') does not broadcast to the iteration shape 4}}
  %0 = mlc.fusion "loop"(%x, %y) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<3xf32>):
    %1 = mlc.neg %a : tensor<4xf32>
    mlc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @row_without_reduction(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{a "row" region holds at least one reduction}}
  %0 = mlc.fusion "row"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = mlc.neg %a : tensor<4x8xf32>
    mlc.yield %1 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}

// -----

func.func @row_of_columns(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  %0 = mlc.fusion "row"(%x) : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    // expected-error @+1 {{reduces axes [0] of 4x8, a "column" reduction, inside a "row" region}}
    %1 = mlc.reduce_sum %a axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
    mlc.yield %1 : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

func.func @column_of_rows(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = mlc.fusion "column"(%x) : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    // expected-error @+1 {{reduces axes [1] of 4x8, a "row" reduction, inside a "column" region}}
    %1 = mlc.reduce_sum %a axes = [1] : (tensor<4x8xf32>) -> tensor<4xf32>
    mlc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

// The middle axis of three is neither rows nor columns; a dim of size 1
// does not count.
func.func @middle_axis(%x: tensor<2x3x1x4xf32>) -> tensor<2x1x4xf32> {
  %0 = mlc.fusion "row"(%x) : (tensor<2x3x1x4xf32>) -> tensor<2x1x4xf32> {
  ^bb0(%a: tensor<2x3x1x4xf32>):
    // expected-error @+1 {{reduces axes [1] of 2x3x1x4, neither a row nor a column reduction, inside a "row" region}}
    %1 = mlc.reduce_max %a axes = [1] : (tensor<2x3x1x4xf32>) -> tensor<2x1x4xf32>
    mlc.yield %1 : tensor<2x1x4xf32>
  }
  return %0 : tensor<2x1x4xf32>
}

// -----

func.func @other_axes(%x: tensor<4x8xf32>) -> (tensor<4x1xf32>, tensor<f32>) {
  %0:2 = mlc.fusion "row"(%x) : (tensor<4x8xf32>) -> (tensor<4x1xf32>, tensor<f32>) {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = mlc.reduce_sum %a axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
    // expected-error @+1 {{reduces 'tensor<4x8xf32>' over axes [0, 1], but the region reduces 4x8 over axes [1]}}
    %2 = mlc.reduce_sum %a axes = [0, 1] : (tensor<4x8xf32>) -> tensor<f32>
    mlc.yield %1, %2 : tensor<4x1xf32>, tensor<f32>
  }
  return %0#0, %0#1 : tensor<4x1xf32>, tensor<f32>
}

// -----

func.func @other_input_shape(%x: tensor<4x8xf32>, %y: tensor<1x8xf32>) -> (tensor<4x1xf32>, tensor<1x1xf32>) {
  %0:2 = mlc.fusion "row"(%x, %y) : (tensor<4x8xf32>, tensor<1x8xf32>) -> (tensor<4x1xf32>, tensor<1x1xf32>) {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<1x8xf32>):
    %1 = mlc.reduce_sum %a axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
    // expected-error @+1 {{reduces 'tensor<1x8xf32>' over axes [1], but the region reduces 4x8 over axes [1]}}
    %2 = mlc.reduce_sum %b axes = [1] keepdims : (tensor<1x8xf32>) -> tensor<1x1xf32>
    mlc.yield %1, %2 : tensor<4x1xf32>, tensor<1x1xf32>
  }
  return %0#0, %0#1 : tensor<4x1xf32>, tensor<1x1xf32>
}

// -----

func.func @column_read_inside(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = mlc.fusion "column"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    // expected-error @+1 {{is read inside a "column" region; a column is reduced only after the last row, so its result is only yielded}}
    %1 = mlc.reduce_sum %a axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
    %2 = mlc.sub %a, %1 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    mlc.yield %2 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}

// -----

// Without keepdims a row's sum of 4x4 would broadcast along the other
// axis (NumPy aligns shapes from the right).
func.func @row_without_keepdims(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = mlc.fusion "row"(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    // expected-error @+1 {{is read inside the region without keepdims; values per row keep the reduced dims as 1 (4x1)}}
    %1 = mlc.reduce_sum %a axes = [1] : (tensor<4x4xf32>) -> tensor<4xf32>
    %2 = mlc.sub %a, %1 : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
    mlc.yield %2 : tensor<4x4xf32>
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @row_matmul(%x: tensor<4x4xf32>) -> tensor<4x1xf32> {
  %0 = mlc.fusion "row"(%x) : (tensor<4x4xf32>) -> tensor<4x1xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    // expected-error @+1 {{is neither elementwise nor a reduction and cannot be part of a "row" region}}
    %1 = mlc.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %2 = mlc.reduce_sum %1 axes = [1] keepdims : (tensor<4x4xf32>) -> tensor<4x1xf32>
    mlc.yield %2 : tensor<4x1xf32>
  }
  return %0 : tensor<4x1xf32>
}

// -----

func.func @row_third_shape(%x: tensor<4x8xf32>, %y: tensor<1x8xf32>) -> tensor<4x1xf32> {
  %0 = mlc.fusion "row"(%x, %y) : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x1xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<1x8xf32>):
    // expected-error @+1 {{computes 'tensor<1x8xf32>' inside a "row" region whose iteration shape is 4x8 (values per row are 4x1)}}
    %1 = mlc.neg %b : tensor<1x8xf32>
    %2 = mlc.mul %a, %1 : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
    %3 = mlc.reduce_sum %2 axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
    mlc.yield %3 : tensor<4x1xf32>
  }
  return %0 : tensor<4x1xf32>
}

// -----

func.func @column_epilogue(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  %0 = mlc.fusion "column"(%x, %b) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<4x8xf32>, %c: tensor<8xf32>):
    %1 = mlc.reduce_sum %a axes = [0] : (tensor<4x8xf32>) -> tensor<8xf32>
    // expected-error @+1 {{computes 'tensor<8xf32>' inside a "column" region whose iteration shape is 4x8}}
    %2 = mlc.exp %c : tensor<8xf32>
    mlc.yield %1 : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

func.func @row_operand_shape(%x: tensor<4x8xf32>, %y: tensor<3x1xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{operand #1 ('tensor<3x1xf32>') does not broadcast to the iteration shape 4x8}}
  %0 = mlc.fusion "row"(%x, %y) : (tensor<4x8xf32>, tensor<3x1xf32>) -> tensor<4x1xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<3x1xf32>):
    %1 = mlc.reduce_sum %a axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
    mlc.yield %1 : tensor<4x1xf32>
  }
  return %0 : tensor<4x1xf32>
}
