// Op interfaces of the mlc dialect.
#ifndef MLC_INTERFACES_TD
#define MLC_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Mlc_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlc";
  let description = [{
    An op that knows its reverse-mode derivative. Given the adjoints of its
    results (null where a result has none), it emits ops at the builder's
    insertion point computing the adjoints of its operands (null where an
    operand gets none, e.g. integer labels or a select predicate).
  }];
  let methods = [
    InterfaceMethod<
      "Emits the adjoints of the operands from the adjoints of the results.",
      "::llvm::LogicalResult", "buildGradients",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>,
  ];
}

#endif // MLC_INTERFACES_TD
