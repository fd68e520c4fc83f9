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

//===----------------------------------------------------------------------===//
// Norms
//===----------------------------------------------------------------------===//

def Mlc_LayerNormOp : Mlc_Op<"layer_norm",
    [Pure, InferTypeOpAdaptor, Differentiable]> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    `mlc.layer_norm %x, %weight, %bias eps = 1.0e-05 : (tensor<BxTxDxf32>,
    tensor<Dxf32>, tensor<Dxf32>) -> tensor<BxTxDxf32>`: `(x - mean) /
    sqrt(var + eps) * weight + bias` over the last dimension, with the
    biased variance (divided by D), as `torch.nn.functional.layer_norm(x,
    [D], weight, bias, eps)`. `eps` (default 1e-5) is finite and
    non-negative. The gradient is a decomposition into primitive ops that
    recomputes the mean and the inverse standard deviation.
  }];
  let arguments = (ins Mlc_FloatTensor:$input, Mlc_FloatTensor:$weight,
                       Mlc_FloatTensor:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `,` $weight `,` $bias (`eps` `=` $eps^)? "
                       "attr-dict `:` functional-type(operands, results)";
}

def Mlc_RmsNormOp : Mlc_Op<"rms_norm",
    [Pure, InferTypeOpAdaptor, Differentiable]> {
  let summary = "root-mean-square normalization over the last dimension";
  let description = [{
    `mlc.rms_norm %x, %weight eps = 1.0e-06 : (tensor<BxTxDxf32>,
    tensor<Dxf32>) -> tensor<BxTxDxf32>`: `x * rsqrt(mean(x^2) + eps) *
    weight` over the last dimension, as Hugging Face's `LlamaRMSNorm`.
    `eps` (default 1e-6) is finite and non-negative. The gradient is a
    decomposition into primitive ops that recomputes the mean square.
  }];
  let arguments = (ins Mlc_FloatTensor:$input, Mlc_FloatTensor:$weight,
                       DefaultValuedAttr<F64Attr, "1e-6">:$eps);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `,` $weight (`eps` `=` $eps^)? attr-dict `:` "
                       "functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def Mlc_GeluOp : Mlc_Op<"gelu", [Pure, SameOperandsAndResultType,
                                  Differentiable]> {
  let summary = "Gaussian error linear unit (torch.nn.functional.gelu)";
  let description = [{
    `mlc.gelu %x approximate = "tanh" : tensor<4xf32>`. With `approximate =
    "none"` (the default) `x * (1 + erf(x / sqrt(2))) / 2`; with `"tanh"`
    (GPT-2's) `x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) / 2`.
  }];
  let arguments = (ins Mlc_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input (`approximate` `=` $approximate^)? attr-dict "
                       "`:` type($input)";
  let hasVerifier = 1;
}

def Mlc_ErfOp : Mlc_UnaryOp<"erf", Mlc_FloatTensor> {
  let summary = "elementwise error function";
}
def Mlc_SiluOp : Mlc_UnaryOp<"silu", Mlc_FloatTensor> {
  let summary = "elementwise x * sigmoid(x) (SiLU, swish)";
}

def Mlc_LogSoftmaxOp : Mlc_Op<"log_softmax", [Pure, SameOperandsAndResultType,
                                               Differentiable]> {
  let summary = "numerically stable log(softmax(x)) along one axis";
  let description = [{
    `mlc.log_softmax %x axis = -1 : tensor<4x10xf32>`: `x - max -
    log(sum(exp(x - max)))` along `axis` (in [-rank, rank)). The gradient
    is `g - softmax(x) * sum(g)`, with softmax(x) = exp(result).
  }];
  let arguments = (ins Mlc_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The axis made non-negative.
    int64_t getNormalizedAxis();
  }];
}

#endif // MLC_TRANSFORMER_OPS_TD
