// The mlc dialect: declarations of the dialect, its attributes and enums.
#ifndef MLC_IR_MLCDIALECT_H
#define MLC_IR_MLCDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "ir/MlcDialect.h.inc"
#include "ir/MlcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/MlcAttrs.h.inc"

#endif // MLC_IR_MLCDIALECT_H
