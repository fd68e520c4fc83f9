// Ops of the mlc dialect for transformer models: embeddings, norms,
// activations, rotary embeddings, masks and attention. Included from
// MlcOps.td.
#ifndef MLC_TRANSFORMER_OPS_TD
#define MLC_TRANSFORMER_OPS_TD

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

def Mlc_EmbeddingOp : Mlc_Op<"embedding",
    [Pure, InferTypeOpAdaptor, Differentiable]> {
  let summary = "rows of a table picked by integer ids";
  let description = [{
    `mlc.embedding %table, %ids : (tensor<VxDxf32>, tensor<BxTxi64>) ->
    tensor<BxTxDxf32>`: `out[idx, :] = table[ids[idx], :]` for every index
    `idx` of the ids (i32 or i64, any rank). An id outside [0, V) stops the
    step with an error naming its position and value. The table's gradient
    is `mlc.embedding_grad`; the ids get none.
  }];
  let arguments = (ins Mlc_FloatTensor:$table, Mlc_IntTensor:$ids);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat =
      "$table `,` $ids attr-dict `:` functional-type(operands, results)";
}

def Mlc_EmbeddingGradOp : Mlc_Op<"embedding_grad", [Pure, Differentiable]> {
  let summary = "the adjoint of an embedding's table: rows summed by id";
  let description = [{
    `mlc.embedding_grad %dout, %ids : (tensor<BxTxDxf32>, tensor<BxTxi64>) ->
    tensor<VxDxf32>`: row `v` of the result is the sum of the rows of
    `dout` whose id is `v` (zero for ids that do not occur), added in the
    ids' row-major order, so the result is the same on every run. The
    table size V comes from the result type. Ids outside [0, V) are an
    error at run time, as for `mlc.embedding`.
  }];
  let arguments = (ins Mlc_FloatTensor:$grad, Mlc_IntTensor:$ids);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat =
      "$grad `,` $ids attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // MLC_TRANSFORMER_OPS_TD
