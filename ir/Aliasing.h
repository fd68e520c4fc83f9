// When a value may take the memory of another: the one rule the memory plan
// (in-place updates) and the exporter (checking a plan) share.
#ifndef MLC_IR_ALIASING_H
#define MLC_IR_ALIASING_H

#include "ir/MlcModel.h"

#include "mlir/IR/Operation.h"

namespace mlc {

/// Whether the op owning `use` reads that operand only at the indices it
/// writes `result`, so that the result may be computed into the operand's
/// memory: elementwise ops and loop regions on an operand of the result's
/// shape, row and column regions where both have the iteration shape (the
/// result computed at each index) or are both values per output, and a
/// cache write into its cache (operand 0), which it leaves as it is
/// outside the rows it writes. Ops that fuse elementwise work extend the
/// rule here.
bool canWriteOverOperand(mlir::OpOperand &use, mlir::OpResult result);

/// Whether `update`, a result of `func` giving the new value of a
/// parameter, state or cache, may be computed directly into the old
/// value's memory: the op producing it has this one result, is not a
/// constant, and the function returns the value once; every other reader
/// of the old value runs before that op (in the order of the function's
/// block), and the op itself reads it only as canWriteOverOperand allows.
bool canUpdateInPlace(mlir::func::FuncOp func, const ModelSignature &sig,
                      const ModelResult &update);

} // namespace mlc

#endif // MLC_IR_ALIASING_H
