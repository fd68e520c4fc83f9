// Every verifier and type-inference error of the transformer ops:
// embeddings, norms, activations, rotary embeddings, masks and attention
// (errors.mlir and slicing-errors.mlir have the other ops).
// RUN: mlc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

func.func @embedding_table_rank(%t: tensor<10x4x2xf32>, %i: tensor<3xi64>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'mlc.embedding' table must be [V, D], found 10x4x2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.embedding %t, %i : (tensor<10x4x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @embedding_ids_not_integer(%t: tensor<10x4xf32>, %i: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @embedding_table_not_float(%t: tensor<10x4xi32>, %i: tensor<3xi64>) -> tensor<3x4xi32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xi32>, tensor<3xi64>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// -----

func.func @embedding_wrong_result(%t: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x10xf32> {
  // expected-error @+2 {{'mlc.embedding' op inferred type(s) 'tensor<3x4xf32>' are incompatible with return type(s) of operation 'tensor<3x10xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.embedding %t, %i : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----

func.func @embedding_grad_result_rank(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op result must be the table's [V, D], found 10}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// -----

func.func @embedding_grad_shape(%g: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<10x4xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op gradient shape must be 2x4 (the ids' shape, then D = 4), found 3x4}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

func.func @embedding_grad_width(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10x5xf32> {
  // expected-error @+1 {{'mlc.embedding_grad' op gradient shape must be 3x5 (the ids' shape, then D = 5), found 3x4}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10x5xf32>
  return %0 : tensor<10x5xf32>
}

// -----

func.func @embedding_grad_element_type(%g: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10x4xf64> {
  // expected-error @+1 {{'mlc.embedding_grad' op result element type 'f64' differs from the gradient's 'f32'}}
  %0 = mlc.embedding_grad %g, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10x4xf64>
  return %0 : tensor<10x4xf64>
}
