// Parsing and checking of einsum equations ("abcd,ed->abce").
#ifndef MLC_IR_EINSUM_H
#define MLC_IR_EINSUM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace mlc {

/// An einsum equation checked against its operands' shapes: one label per
/// dimension of every operand and of the result.
struct EinsumEquation {
  /// The labels of each operand's dimensions, in order.
  llvm::SmallVector<std::string, 2> inputs;
  /// The labels of the result's dimensions, in order.
  std::string output;
  /// The size of each label.
  std::map<char, int64_t> sizes;
  /// The result shape.
  llvm::SmallVector<int64_t> outShape;
};

/// Parses `equation` for operands of the given shapes: a label in an
/// operand but not in the output is summed over. The output must be
/// explicit (`->`). Fails with a message naming the problem.
llvm::Expected<EinsumEquation>
parseEinsum(llvm::StringRef equation,
            llvm::ArrayRef<llvm::ArrayRef<int64_t>> operandShapes);

} // namespace mlc

#endif // MLC_IR_EINSUM_H
