// The ops of the mlc dialect and the interfaces they implement.
#ifndef MLC_IR_MLCOPS_H
#define MLC_IR_MLCOPS_H

#include "ir/MlcDialect.h"
#include "ir/MlcTraits.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/MlcInterfaces.h.inc"

#define GET_OP_CLASSES
#include "ir/MlcOps.h.inc"

namespace mlc {

/// Attaches NoGradientOpInterface to the kernel-region ops (mlc.fusion,
/// mlc.yield), which autodiff never sees; the mlc dialect does it when it
/// loads (ir/MlcGradients.cpp).
void attachNoGradientModels(mlir::MLIRContext &context);

} // namespace mlc

#endif // MLC_IR_MLCOPS_H
