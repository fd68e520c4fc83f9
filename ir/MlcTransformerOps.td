// Ops of the mlc dialect for transformer models: embeddings, norms,
// activations, rotary embeddings, masks and attention. Included from
// MlcOps.td.
#ifndef MLC_TRANSFORMER_OPS_TD
#define MLC_TRANSFORMER_OPS_TD

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

def Mlc_EmbeddingOp : Mlc_Op<"embedding",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
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

def Mlc_EmbeddingGradOp : Mlc_Op<"embedding_grad",
    [Pure, Differentiable, Cost]> {
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
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
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
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
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
                                  Differentiable, CostPerElement,
                                  Mlc_Elementwise]> {
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
                                               Differentiable, Cost]> {
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

//===----------------------------------------------------------------------===//
// Rotary embeddings and masks
//===----------------------------------------------------------------------===//

def Mlc_RopeOp : Mlc_Op<"rope", [Pure, Differentiable, Cost]> {
  let summary = "rotary position embedding (Hugging Face rotate-half form)";
  let description = [{
    `mlc.rope %x, %positions theta = 10000.0 : (tensor<BxHxTxDxf32>,
    tensor<Txi64>) -> tensor<BxHxTxDxf32>`: with `inv_freq[i] =
    theta^(-2i/D)` for i in [0, D/2) and `angle[t, i] = positions[t] *
    inv_freq[i]` (computed in double), cos and sin repeated twice along D,
    `y = x * cos + rotate_half(x) * sin` where `rotate_half(x) =
    cat(-x[..., D/2:], x[..., :D/2])`, as LLaMA's `apply_rotary_pos_emb`.
    x has rank >= 2 with T = dim(-2) and an even D = dim(-1); positions
    are i32 or i64 of shape [T]. `theta` (default 10000) is finite and
    positive. `inverse` rotates by the negative angle: it is the gradient
    with respect to x (the positions get none).
  }];
  let arguments = (ins Mlc_FloatTensor:$input, Mlc_IntTensor:$positions,
                       DefaultValuedAttr<F64Attr, "10000.0">:$theta,
                       UnitAttr:$inverse);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `,` $positions (`theta` `=` $theta^)? "
                       "(`inverse` $inverse^)? attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mlc_CausalMaskOp : Mlc_Op<"causal_mask", [Pure, SameOperandsAndResultType,
                                               Differentiable, CostPerElement]> {
  let summary = "fill the scores a query may not attend to";
  let description = [{
    `mlc.causal_mask %scores fill = -1.0e9 : tensor<BxHxTxSxf32>`: element
    `[..., t, j]` becomes `fill` (default -infinity) where `j > t + (S -
    T)`, the bottom-right aligned mask of `torch.tril(ones(T, S), diagonal
    = S - T)`; the others are copied. Rank >= 2. The gradient zeroes the
    masked positions (a causal_mask with fill 0).
  }];
  let arguments = (ins Mlc_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr,
                           "-std::numeric_limits<double>::infinity()">:$fill);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat =
      "$input (`fill` `=` $fill^)? attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def Mlc_AttentionOp : Mlc_Op<"attention", [Pure, Differentiable, Cost]> {
  let summary = "scaled dot-product attention with grouped kv heads";
  let description = [{
    `mlc.attention %q, %k, %v [offset %pos] [causal] [scale = 0.125] :
    (tensor<BxHxTxDxf32>, tensor<BxKVHxSxDxf32>, tensor<BxKVHxSxDxf32>[,
    tensor<i64>]) -> tensor<BxHxTxDxf32>`: `softmax(q k^T * scale + mask)
    v` per batch and query head. `scale` defaults to 1/sqrt(D). H is a
    multiple of KVH; query head h reads kv head h / (H / KVH) (Hugging
    Face's `repeat_kv`). `causal` lets query t see keys j <= t + (S - T)
    (bottom-right aligned; T <= S). With the i32/i64 scalar `offset`
    (KV-cache decoding, needs `causal`) query t sits at position offset +
    t and sees keys j <= offset + t; an offset that leaves a query no key
    stops the step. A composite op: the CPU kernel keeps one row of S
    scores at a time, never the [B, H, T, S] probabilities, and the
    gradient is one `mlc.attention_grad` that recomputes them per row.
  }];
  let arguments = (ins Mlc_FloatTensor:$q, Mlc_FloatTensor:$k,
                       Mlc_FloatTensor:$v, Optional<Mlc_IntTensor>:$offset,
                       UnitAttr:$causal, OptionalAttr<F64Attr>:$scale);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$q `,` $k `,` $v (`offset` $offset^)? "
                       "(`causal` $causal^)? (`scale` `=` $scale^)? "
                       "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `scale`, or 1/sqrt(D) when it is absent.
    double getScaleOrDefault();
  }];
}

def Mlc_AttentionGradOp : Mlc_Op<"attention_grad", [Pure, NoGradient, Cost]> {
  let summary = "the adjoints of mlc.attention's q, k and v";
  let description = [{
    `%dq, %dk, %dv = mlc.attention_grad %dout, %q, %k, %v [offset %pos]
    [causal] [scale = ...] : (...) -> (Q, K, V)`, with the operands and
    attributes of the `mlc.attention` it differentiates. Each row's
    probabilities are recomputed (no [B, H, T, S] tensor is stored): with
    `dp_j = dout . v_j` and `ds_j = p_j (dp_j - sum_j p_j dp_j)`, `dq +=
    ds_j k_j scale`, `dk_j += ds_j q scale`, `dv_j += p_j dout`. dk and dv
    of a kv head sum over its query group, in a fixed order.
  }];
  let arguments = (ins Mlc_FloatTensor:$dout, Mlc_FloatTensor:$q,
                       Mlc_FloatTensor:$k, Mlc_FloatTensor:$v,
                       Optional<Mlc_IntTensor>:$offset, UnitAttr:$causal,
                       OptionalAttr<F64Attr>:$scale);
  let results = (outs Mlc_FloatTensor:$dq, Mlc_FloatTensor:$dk,
                      Mlc_FloatTensor:$dv);
  let assemblyFormat = "$dout `,` $q `,` $k `,` $v (`offset` $offset^)? "
                       "(`causal` $causal^)? (`scale` `=` $scale^)? "
                       "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `scale`, or 1/sqrt(D) when it is absent.
    double getScaleOrDefault();
  }];
}

#endif // MLC_TRANSFORMER_OPS_TD
