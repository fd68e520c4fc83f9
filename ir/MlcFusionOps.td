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
    - `"row"`: reductions over the trailing dims of the iteration shape
      (every dim after the first reduced one is reduced, dims of size 1
      aside), so that each row of the iteration space, the elements one
      output of a reduction reads, is contiguous. The body holds
      reductions (mlc.reduce_sum, mlc.reduce_mean, mlc.reduce_max), all of
      values of the iteration shape over the same axes, and elementwise
      ops of either the iteration shape or the reduced shape with the
      reduced dims kept as 1 (a value per row): the producers of the
      reductions, and consumers of their results, which may broadcast back
      to the iteration shape (a norm's or a softmax's second pass over the
      row). A reduction without `keepdims` whose result has more than one
      element is only yielded.
    - `"column"`: reductions over the leading dims (every dim before the
      last reduced one is reduced, and some dim after them is not), so
      that each output is a column of the iteration space. The body holds
      the reductions, all over the same axes of values of the iteration
      shape, and elementwise ops of the iteration shape that produce their
      inputs. A column's reduction ends only after the last row, so its
      result is only yielded.
    The iteration shape of `"row"` and `"column"` regions is the shape of
    the values their reductions reduce; results may be values of either
    shape.

    ```mlir
    %r:2 = mlc.fusion "loop"(%x, %b) : (tensor<4x8xf32>, tensor<8xf32>)
        -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    ^bb0(%x0: tensor<4x8xf32>, %b0: tensor<8xf32>):
      %0 = mlc.add %x0, %b0 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
      %1 = mlc.gelu %0 approximate = "tanh" : tensor<4x8xf32>
      mlc.yield %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
    }
    // x minus its row mean: two passes over each row of 8, in one kernel.
    %c = mlc.fusion "row"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    ^bb0(%x0: tensor<4x8xf32>):
      %0 = mlc.reduce_mean %x0 axes = [1] keepdims : (tensor<4x8xf32>) -> tensor<4x1xf32>
      %1 = mlc.sub %x0, %0 : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
      mlc.yield %1 : tensor<4x8xf32>
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
    /// "loop": the shape every result and body value has; "row" and
    /// "column": the shape of the values the reductions reduce.
    llvm::ArrayRef<int64_t> getIterationShape();
    /// "row" and "column": the axes every reduction of the body reduces,
    /// sorted; empty for "loop".
    llvm::SmallVector<int64_t> getReducedAxes();
    /// Whether the region is a "row" or "column" one.
    bool isReduction();
    /// The reduced axes (sorted, non-negative) of a reduce_sum, reduce_mean
    /// or reduce_max, or nothing for any other op.
    static std::optional<llvm::SmallVector<int64_t>>
    reducedAxesOf(mlir::Operation *op);
    /// The region kind that reducing `axes` (sorted) of `shape` needs:
    /// "row" when the reduced dims are trailing (each output reads a
    /// contiguous run; reducing every dim is one row), "column" when they
    /// are leading and some dim after them is kept, "" otherwise (dims of
    /// size 1 are ignored throughout).
    static llvm::StringRef reductionKind(llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<int64_t> axes);
  }];
}

def Mlc_YieldOp : Mlc_Op<"yield", [Pure, Terminator,
                                   HasParent<"FusionOp">]> {
  let summary = "the results of a kernel region";
  let arguments = (ins Variadic<Mlc_Tensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // MLC_FUSION_OPS_TD
