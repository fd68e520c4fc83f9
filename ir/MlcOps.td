// Ops of the mlc dialect.
#ifndef MLC_OPS_TD
#define MLC_OPS_TD

include "ir/MlcDialect.td"
include "ir/MlcAttrs.td"
include "ir/MlcInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

// What every op declares (test/unit/registered_ops_test.cpp checks it):
// a gradient rule or the reason it has none, and its cost.
defvar Differentiable = DeclareOpInterfaceMethods<Mlc_DifferentiableOpInterface>;
// No derivative, deliberately: the reason is next to the gradient rules
// (MlcGradients.cpp, MlcTransformerGradients.cpp).
defvar NoGradient = DeclareOpInterfaceMethods<Mlc_NoGradientOpInterface>;
// One FLOP per result element, the cost model's default.
defvar CostPerElement = Mlc_CostOpInterface;
// A cost of its own, defined in ir/Cost.cpp.
defvar Cost = DeclareOpInterfaceMethods<Mlc_CostOpInterface, ["getFlops"]>;

//===----------------------------------------------------------------------===//
// Elementwise binary ops (NumPy broadcasting)
//===----------------------------------------------------------------------===//

class Mlc_BinaryOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Mlc_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor, Differentiable,
                                 CostPerElement, Mlc_Elementwise]> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let description = [{
    Elementwise on operands of the same element type whose shapes broadcast
    as in NumPy: shapes are aligned on their trailing dimensions and a
    dimension of size 1 stretches to match the other operand.
  }];
}

def Mlc_AddOp : Mlc_BinaryOp<"add", Mlc_NumericTensor, [Commutative]> {
  let summary = "elementwise addition";
  let hasFolder = 1;
}
def Mlc_SubOp : Mlc_BinaryOp<"sub", Mlc_NumericTensor> {
  let summary = "elementwise subtraction";
  let hasFolder = 1;
}
def Mlc_MulOp : Mlc_BinaryOp<"mul", Mlc_NumericTensor, [Commutative]> {
  let summary = "elementwise multiplication";
  let hasFolder = 1;
}
def Mlc_DivOp : Mlc_BinaryOp<"div", Mlc_NumericTensor> {
  let summary = "elementwise division";
  let hasFolder = 1;
}
def Mlc_MaxOp : Mlc_BinaryOp<"max", Mlc_NumericTensor, [Commutative]> {
  let summary = "elementwise maximum (the gradient goes to lhs on ties)";
}
def Mlc_MinOp : Mlc_BinaryOp<"min", Mlc_NumericTensor, [Commutative]> {
  let summary = "elementwise minimum (the gradient goes to lhs on ties)";
}
def Mlc_PowOp : Mlc_BinaryOp<"pow", Mlc_FloatTensor> {
  let summary = "elementwise power lhs ^ rhs";
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Mlc_UnaryOp<string mnemonic, Type tensorType, list<Trait> traits = []>
    : Mlc_Op<mnemonic, traits # [Pure, SameOperandsAndResultType,
                                 Differentiable, CostPerElement,
                                 Mlc_Elementwise]> {
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Mlc_NegOp : Mlc_UnaryOp<"neg", Mlc_NumericTensor> {
  let summary = "elementwise negation";
  let hasCanonicalizer = 1;
}
def Mlc_AbsOp : Mlc_UnaryOp<"abs", Mlc_NumericTensor> {
  let summary = "elementwise absolute value (gradient 0 at 0)";
}
def Mlc_ExpOp : Mlc_UnaryOp<"exp", Mlc_FloatTensor> {
  let summary = "elementwise e^x";
}
def Mlc_LogOp : Mlc_UnaryOp<"log", Mlc_FloatTensor> {
  let summary = "elementwise natural logarithm";
}
def Mlc_TanhOp : Mlc_UnaryOp<"tanh", Mlc_FloatTensor> {
  let summary = "elementwise hyperbolic tangent";
}
def Mlc_SqrtOp : Mlc_UnaryOp<"sqrt", Mlc_FloatTensor> {
  let summary = "elementwise square root";
}
def Mlc_RsqrtOp : Mlc_UnaryOp<"rsqrt", Mlc_FloatTensor> {
  let summary = "elementwise 1 / sqrt(x)";
}
def Mlc_ReluOp : Mlc_UnaryOp<"relu", Mlc_NumericTensor> {
  let summary = "elementwise max(x, 0) (gradient 0 at 0, as PyTorch)";
}
def Mlc_SigmoidOp : Mlc_UnaryOp<"sigmoid", Mlc_FloatTensor> {
  let summary = "elementwise 1 / (1 + e^-x)";
}
def Mlc_CosOp : Mlc_UnaryOp<"cos", Mlc_FloatTensor> {
  let summary = "elementwise cosine (radians)";
}
def Mlc_SinOp : Mlc_UnaryOp<"sin", Mlc_FloatTensor> {
  let summary = "elementwise sine (radians)";
}

//===----------------------------------------------------------------------===//
// Compare and select
//===----------------------------------------------------------------------===//

def Mlc_CompareOp : Mlc_Op<"compare", [Pure, InferTypeOpAdaptor, NoGradient,
                                       CostPerElement, Mlc_Elementwise]> {
  let summary = "elementwise comparison producing an i1 tensor";
  let description = [{
    `mlc.compare lt, %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>`.
    Operands broadcast as in NumPy. Not differentiable.
  }];
  let arguments = (ins Mlc_ComparePredicate:$predicate,
                       Mlc_NumericTensor:$lhs, Mlc_NumericTensor:$rhs);
  let results = (outs Mlc_BoolTensor:$result);
  let assemblyFormat = "$predicate `,` $lhs `,` $rhs attr-dict `:` "
                       "functional-type(operands, results)";
}

def Mlc_SelectOp : Mlc_Op<"select", [Pure, InferTypeOpAdaptor, Differentiable,
                                     CostPerElement, Mlc_Elementwise]> {
  let summary = "elementwise choice: pred ? on_true : on_false";
  let description = [{
    All three operands broadcast together as in NumPy. The predicate gets
    no gradient; each branch receives the adjoint where it was chosen.
  }];
  let arguments = (ins Mlc_BoolTensor:$pred, Mlc_NumericTensor:$on_true,
                       Mlc_NumericTensor:$on_false);
  let results = (outs Mlc_NumericTensor:$result);
  let assemblyFormat = "$pred `,` $on_true `,` $on_false attr-dict `:` "
                       "functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Mlc_ReduceOp<string mnemonic, Type tensorType>
    : Mlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keepdims);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input `axes` `=` $axes (`keepdims` $keepdims^)? "
                       "attr-dict `:` functional-type(operands, results)";
  let description = [{
    Reduces over `axes` (each in [-rank, rank), no repeats). With
    `keepdims` the reduced dimensions stay as size 1, otherwise they are
    dropped.
  }];
  let extraClassDeclaration = [{
    /// The reduced axes, made non-negative and sorted.
    ::llvm::SmallVector<int64_t> getNormalizedAxes();
  }];
}

def Mlc_ReduceSumOp : Mlc_ReduceOp<"reduce_sum", Mlc_NumericTensor> {
  let summary = "sum over axes";
  let hasFolder = 1;
}
def Mlc_ReduceMeanOp : Mlc_ReduceOp<"reduce_mean", Mlc_FloatTensor> {
  let summary = "mean over axes";
  let hasFolder = 1;
}
def Mlc_ReduceMaxOp : Mlc_ReduceOp<"reduce_max", Mlc_NumericTensor> {
  let summary = "maximum over axes (the gradient is split evenly on ties)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Mlc_BroadcastToOp : Mlc_Op<"broadcast_to", [Pure, Differentiable, Cost,
                                                 Mlc_Elementwise]> {
  let summary = "broadcast to the result shape, as numpy.broadcast_to";
  let arguments = (ins Mlc_Tensor:$input);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Mlc_ReshapeOp : Mlc_Op<"reshape", [Pure, Differentiable, Cost]> {
  let summary = "reinterpret the elements (row-major) with the result shape";
  let arguments = (ins Mlc_Tensor:$input);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Mlc_TransposeOp : Mlc_Op<"transpose",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let summary = "permute dimensions: result dim i is input dim perm[i]";
  let arguments = (ins Mlc_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$input `perm` `=` $perm attr-dict `:` "
                       "functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Mlc_CastOp : Mlc_Op<"cast", [Pure, Differentiable, Cost,
                                 Mlc_Elementwise]> {
  let summary = "convert the element type, keeping the shape";
  let arguments = (ins Mlc_Tensor:$input);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Slicing: slice, concat, split
//===----------------------------------------------------------------------===//

def Mlc_SliceOp : Mlc_Op<"slice",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let summary = "a contiguous range of indices along one axis";
  let description = [{
    `mlc.slice %x axis = 1 start = 2 size = 3 : (tensor<4x8xf32>) ->
    tensor<4x3xf32>` keeps indices [start, start + size) of `axis` (in
    [-rank, rank)); the range must lie inside the axis. The gradient pads
    the adjoint with zeros back to the input's shape (a concat with zero
    splats). A slice of the whole axis folds to its input.
  }];
  let arguments = (ins Mlc_Tensor:$input, I64Attr:$axis, I64Attr:$start,
                       I64Attr:$size);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis `start` `=` $start `size` `=` "
                       "$size attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The axis made non-negative.
    int64_t getNormalizedAxis();
  }];
}

def Mlc_ConcatOp : Mlc_Op<"concat",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let summary = "join tensors along one axis";
  let description = [{
    `mlc.concat %a, %b axis = 0 : (tensor<2x3xf32>, tensor<4x3xf32>) ->
    tensor<6x3xf32>`: one or more operands of one element type and rank
    whose dimensions agree except along `axis` (in [-rank, rank)). The
    gradient slices the adjoint back into the operands' pieces. A concat of
    one operand folds to it.
  }];
  let arguments = (ins Variadic<Mlc_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "$inputs `axis` `=` $axis attr-dict `:` "
                       "functional-type($inputs, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The axis made non-negative.
    int64_t getNormalizedAxis();
  }];
}

def Mlc_SplitOp : Mlc_Op<"split",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let summary = "cut a tensor into consecutive pieces along one axis";
  let description = [{
    `mlc.split %x axis = 1 sizes = [2, 6] : (tensor<4x8xf32>) ->
    (tensor<4x2xf32>, tensor<4x6xf32>)`: one result per size, in order;
    the sizes are positive and add up to the axis (in [-rank, rank)). The
    gradient concatenates the results' adjoints, with zeros for a result
    that has none. A split into one piece folds to its input.
  }];
  let arguments = (ins Mlc_Tensor:$input, I64Attr:$axis,
                       DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Mlc_Tensor>:$results);
  let assemblyFormat = "$input `axis` `=` $axis `sizes` `=` $sizes attr-dict "
                       "`:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The axis made non-negative.
    int64_t getNormalizedAxis();
  }];
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Mlc_ConstantOp : Mlc_Op<"constant", [ConstantLike, Pure, NoGradient, Cost,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "a tensor literal";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Mlc_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Mlc_FullOp : Mlc_Op<"full", [Pure, NoGradient, Cost,
                                 Mlc_LoweredBeforeExport]> {
  let summary = "a tensor filled with one value";
  let description = [{
    `mlc.full 0.5 : tensor<4x3xf32>`. Folds to a splat `mlc.constant`; it
    exists so that model files can say "a tensor of v" without a literal.
  }];
  let arguments = (ins F64Attr:$value);
  let results = (outs Mlc_NumericTensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Mlc_MatmulOp : Mlc_Op<"matmul",
    [Pure, InferTypeOpAdaptor, Differentiable, Cost]> {
  let summary = "batched matrix product with optional transposed operands";
  let description = [{
    `lhs` is `[..., M, K]` (or `[..., K, M]` with `transpose_lhs`), `rhs` is
    `[..., K, N]` (or `[..., N, K]` with `transpose_rhs`); the result is
    `[..., M, N]`. Leading batch dimensions broadcast as in NumPy, so a
    rank-2 weight applies to every batch entry.
  }];
  let arguments = (ins Mlc_FloatTensor:$lhs, Mlc_FloatTensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs (`transpose_lhs` $transpose_lhs^)? "
                       "(`transpose_rhs` $transpose_rhs^)? attr-dict `:` "
                       "functional-type(operands, results)";
}

def Mlc_EinsumOp : Mlc_Op<"einsum", [Pure, NoGradient, Cost,
                                     Mlc_LoweredBeforeExport]> {
  let summary = "Einstein summation over one or two operands";
  let description = [{
    `mlc.einsum "abcd,ed->abce" %a, %b : (A, B) -> C`, with the semantics
    of `torch.einsum`. Labels are single letters; a label appearing in an
    operand but not in the output is summed over. `...`, at most once per
    operand and in the output, stands for the dimensions the letters do not
    name; the operands' ellipsis shapes broadcast as NumPy, and are summed
    when the output has no `...`. The output must be explicit (`->`). The
    verifier infers the result type. Lowered to matmul / mul / reduce /
    transpose / reshape by `-mlc-lower-einsum` (autodiff runs after that
    lowering).
  }];
  let arguments = (ins StrAttr:$equation, Variadic<Mlc_NumericTensor>:$inputs);
  let results = (outs Mlc_NumericTensor:$result);
  let assemblyFormat = "$equation $inputs attr-dict `:` "
                       "functional-type($inputs, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Softmax, one-hot, argmax and losses
//===----------------------------------------------------------------------===//

def Mlc_SoftmaxOp : Mlc_Op<"softmax", [Pure, SameOperandsAndResultType,
                                        Differentiable, Cost]> {
  let summary = "numerically stable softmax along one axis";
  let arguments = (ins Mlc_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Mlc_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Mlc_OneHotOp : Mlc_Op<"one_hot", [Pure, NoGradient, Cost]> {
  let summary = "one-hot encoding of integer labels along a new last axis";
  let description = [{
    `mlc.one_hot %labels : (tensor<4xi64>) -> tensor<4x10xf32>`: the number
    of classes is the last dimension of the result. Labels outside
    [0, classes) give an all-zero row.
  }];
  let arguments = (ins Mlc_IntTensor:$labels);
  let results = (outs Mlc_NumericTensor:$result);
  let assemblyFormat =
      "$labels attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mlc_ArgmaxOp : Mlc_Op<"argmax", [Pure, NoGradient, Cost]> {
  let summary = "index of the largest element along one axis (first on ties)";
  let arguments = (ins Mlc_NumericTensor:$input, I64Attr:$axis);
  let results = (outs Mlc_IntTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mlc_MseLossOp : Mlc_Op<"mse_loss", [Pure, Differentiable, Cost]> {
  let summary = "mean squared error over all elements (torch MSELoss)";
  let arguments = (ins Mlc_FloatTensor:$prediction, Mlc_FloatTensor:$target);
  let results = (outs Mlc_FloatScalar:$result);
  let assemblyFormat =
      "$prediction `,` $target attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mlc_SoftmaxCrossEntropyOp : Mlc_Op<"softmax_cross_entropy",
    [Pure, Differentiable, Cost]> {
  let summary = "cross entropy of softmax(logits) against integer labels";
  let description = [{
    Logits are `[..., C]` over C classes, labels are the integer class of
    each row, shaped like the logits without their last dimension. The
    result is the mean over all rows, as `torch.nn.CrossEntropyLoss` for
    `[N, C]` logits. Labels outside [0, C) are an error at run time.
  }];
  let arguments = (ins Mlc_FloatTensor:$logits, Mlc_IntTensor:$labels);
  let results = (outs Mlc_FloatScalar:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mlc_SoftmaxCrossEntropyWithGradOp
    : Mlc_Op<"softmax_cross_entropy_with_grad", [Pure, NoGradient, Cost]> {
  let summary = "softmax_cross_entropy and its logits' gradient, in one pass";
  let description = [{
    `%loss, %dlogits = mlc.softmax_cross_entropy_with_grad %logits,
    %labels, %scale : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) ->
    (tensor<f32>, tensor<4x10xf32>)`: the loss of `mlc.softmax_cross_entropy
    %logits, %labels` and `(softmax(logits) - one_hot(labels)) * scale`,
    the gradient that autodiff writes for it, with `scale` the loss's
    upstream gradient divided by the rows. `-mlc-fuse-cross-entropy` forms
    it where a train step computes both, so that a kernel reads the logits
    once for the loss and the gradient. Labels outside [0, C) are an error
    at run time (the loss is then NaN and the gradient zero).
  }];
  let arguments = (ins Mlc_FloatTensor:$logits, Mlc_IntTensor:$labels,
                       Mlc_FloatScalar:$scale);
  let results = (outs Mlc_FloatScalar:$loss, Mlc_FloatTensor:$grad);
  let assemblyFormat = "$logits `,` $labels `,` $scale attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

include "ir/MlcTransformerOps.td"
include "ir/MlcCacheOps.td"
include "ir/MlcFusionOps.td"
include "ir/MlcCollectiveOps.td"

#endif // MLC_OPS_TD
