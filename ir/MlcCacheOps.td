// Ops on KV-cache state: the writes that prefill and decode make at a
// runtime position.
#ifndef MLC_CACHE_OPS_TD
#define MLC_CACHE_OPS_TD

def Mlc_CacheWriteOp : Mlc_Op<"cache_write", [Pure, NoGradient, Cost]> {
  let summary = "a cache with T slices along one axis replaced at a position";
  let description = [{
    `mlc.cache_write %cache, %new, %pos axis = 2 : (tensor<1x12x1024x64xf32>,
    tensor<1x12x7x64xf32>, tensor<i64>) -> tensor<1x12x1024x64xf32>`: the
    result is `%cache` with indices [pos, pos + T) along `axis` replaced by
    `%new`, whose extent T along `axis` is at most the cache's and whose
    other dimensions equal the cache's. A position with pos < 0 or
    pos + T > the cache's extent is an error at run time. When the cache is
    a KV-cache argument (mlc.cache) whose update is this op's result, the
    executable writes the T slices into the cache buffer in place. Not
    differentiable.
  }];
  let arguments = (ins Mlc_FloatTensor:$cache, Mlc_FloatTensor:$value,
                       Mlc_IntTensor:$position, I64Attr:$axis);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$cache `,` $value `,` $position `axis` `=` $axis "
                       "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis();
  }];
}

#endif // MLC_CACHE_OPS_TD
