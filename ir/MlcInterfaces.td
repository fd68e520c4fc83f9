// Op interfaces of the mlc dialect: the properties every op declares
// (test/unit/registered_ops_test.cpp checks that each op has them).
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

def Mlc_NoGradientOpInterface : OpInterface<"NoGradientOpInterface"> {
  let cppNamespace = "::mlc";
  let description = [{
    An op that deliberately has no reverse-mode derivative: its results are
    integers or booleans, it has no operands, it runs only where nothing is
    differentiated, or it is rewritten away before autodiff. Every mlc op
    implements either this or DifferentiableOpInterface, so that a missing
    gradient rule is a decision with a reason, never an omission.
  }];
  let methods = [
    StaticInterfaceMethod<
      "Why the op has no derivative: a clause for messages and docs.",
      "::llvm::StringRef", "getNoGradientReason">,
  ];
}

def Mlc_CostOpInterface : OpInterface<"CostOpInterface"> {
  let cppNamespace = "::mlc";
  let description = [{
    The cost model of an op, as recorded in the executable (FLOPs per step,
    for MFU): 2 FLOPs per multiply-add of a product, one per element of an
    elementwise result, one per input element of a reduction, a handful
    per element for softmax, norms and losses, zero for moving data
    (reshape, transpose, broadcast, cast, slices, constants).
  }];
  let methods = [
    InterfaceMethod<
      "Floating-point operations the op performs (one per result element "
      "unless the op says otherwise).",
      "uint64_t", "getFlops", (ins), [{}], [{
        return static_cast<uint64_t>(
            ::llvm::cast<::mlir::RankedTensorType>(
                $_op->getResult(0).getType()).getNumElements());
      }]>,
  ];
}

#endif // MLC_INTERFACES_TD
