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

#endif // MLC_IR_MLCOPS_H
