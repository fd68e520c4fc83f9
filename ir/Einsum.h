// Parsing and checking of einsum equations ("abcd,ed->abce").
#ifndef MLC_IR_EINSUM_H
#define MLC_IR_EINSUM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlc {

/// A parsed einsum equation: one label string per operand and the output.
struct EinsumEquation {
  llvm::SmallVector<std::string, 2> inputs;
  std::string output;
};

/// Parses `equation` for operands of the given shapes. On failure returns
/// false and sets `error` to a message naming the problem. On success
/// `dims` maps each label (a-z, A-Z) to its size.
bool parseEinsum(llvm::StringRef equation,
                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> operandShapes,
                 EinsumEquation &parsed,
                 llvm::SmallVectorImpl<int64_t> &outShape, std::string &error);

} // namespace mlc

#endif // MLC_IR_EINSUM_H
