// The mlc dialect: a small tensor graph language for training models.
#ifndef MLC_DIALECT_TD
#define MLC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Mlc_Dialect : Dialect {
  let name = "mlc";
  let cppNamespace = "::mlc";
  let summary = "Tensor graphs for training and serving models";
  let description = [{
    Ops on statically shaped tensors (`tensor<...>` from the builtin
    dialect). A model is a `func.func` whose arguments are annotated as
    inputs (`mlc.input = "name"`) or parameters (`mlc.param = "name"`, with
    an `mlc.init` initializer) and whose first result is a scalar loss.
    Elementwise binary ops broadcast their operands as NumPy does.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

// Every mlc tensor is non-empty and at most 2^40 bytes (ir/MlcTraits.h).
def Mlc_SupportedTensorSizes : NativeOpTrait<"SupportedTensorSizes"> {
  let cppNamespace = "::mlc::trait";
}

// Each result element is a function of the operand elements at the same
// index, operands broadcasting as in NumPy (ir/MlcTraits.h). What fusion
// groups into loops and what may compute in place over an operand.
def Mlc_Elementwise : NativeOpTrait<"Elementwise"> {
  let cppNamespace = "::mlc::trait";
}

// A pass rewrites the op into others before export, so that no target
// lowers it: einsum (-mlc-lower-einsum), full (folds to a constant).
def Mlc_LoweredBeforeExport : NativeOpTrait<"LoweredBeforeExport"> {
  let cppNamespace = "::mlc::trait";
}

// The op exchanges data between the ranks of a mesh (ir/MlcTraits.h): the
// exporter writes a collective command for it, not a kernel.
def Mlc_Collective : NativeOpTrait<"Collective"> {
  let cppNamespace = "::mlc::trait";
}

class Mlc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mlc_Dialect, mnemonic, [Mlc_SupportedTensorSizes] # traits>;

// Element types a tensor may carry. i1 only appears as the result of
// mlc.compare and the predicate of mlc.select.
def Mlc_FloatElement : AnyTypeOf<[F32, F64, BF16, F16]>;
def Mlc_IntElement : AnyTypeOf<[I32, I64]>;
def Mlc_NumericElement : AnyTypeOf<[F32, F64, BF16, F16, I32, I64]>;

def Mlc_Tensor : StaticShapeTensorOf<[F32, F64, BF16, F16, I32, I64, I1]>;
def Mlc_NumericTensor : StaticShapeTensorOf<[F32, F64, BF16, F16, I32, I64]>;
def Mlc_FloatTensor : StaticShapeTensorOf<[F32, F64, BF16, F16]>;
def Mlc_IntTensor : StaticShapeTensorOf<[I32, I64]>;
def Mlc_BoolTensor : StaticShapeTensorOf<[I1]>;
def Mlc_FloatScalar : 0DTensorOf<[F32, F64, BF16, F16]>;

#endif // MLC_DIALECT_TD
