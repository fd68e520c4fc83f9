// Kernel regions: ops that fusion groups into one future kernel.
#ifndef MLC_FUSION_OPS_TD
#define MLC_FUSION_OPS_TD

def Mlc_FusionOp : Mlc_Op<"fusion", [IsolatedFromAbove, RecursiveMemoryEffects,
                                     RecursivelySpeculatable]> {
  let summary = "graph ops grouped into one kernel";
  let description = [{
    A kernel region: the ops of its body run as one kernel, reading the
    region's operands (the body's block arguments, in order) and writing
    its results (the operands of the body's `mlc.yield`); values computed
    inside and not yielded never reach memory. `-mlc-fuse` forms these;
    targets lower a region, not an op, to a kernel.

    `kind` says how the kernel iterates:
    - `"loop"`: one pass over an iteration space, the shape that every
      result and every value computed in the body has. Body ops are
      elementwise (the `Elementwise` trait: mlc.add ... mlc.select,
      mlc.gelu, mlc.cast, mlc.broadcast_to); operands of a smaller shape
      are read at the broadcast index, as NumPy broadcasting says.

    ```mlir
    %r:2 = mlc.fusion "loop"(%x, %b) : (tensor<4x8xf32>, tensor<8xf32>)
        -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    ^bb0(%x0: tensor<4x8xf32>, %b0: tensor<8xf32>):
      %0 = mlc.add %x0, %b0 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
      %1 = mlc.gelu %0 approximate = "tanh" : tensor<4x8xf32>
      mlc.yield %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<Mlc_Tensor>:$inputs);
  let results = (outs Variadic<Mlc_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind `(` $inputs `)` attr-dict `:` "
                       "functional-type($inputs, $results) $body";
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The ops the region computes, in order (the terminator excluded).
    auto getBodyOps() { return getBody().front().without_terminator(); }
    /// "loop": the shape every result and body value has.
    llvm::ArrayRef<int64_t> getIterationShape();
  }];
}

def Mlc_YieldOp : Mlc_Op<"yield", [Pure, Terminator,
                                   HasParent<"FusionOp">]> {
  let summary = "the results of a kernel region";
  let arguments = (ins Variadic<Mlc_Tensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // MLC_FUSION_OPS_TD
