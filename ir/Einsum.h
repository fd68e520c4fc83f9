// Parsing and checking of einsum equations ("abcd,ed->abce", "...i,ij->...j").
#ifndef MLC_IR_EINSUM_H
#define MLC_IR_EINSUM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace mlc {

/// An einsum equation checked against its operands' shapes, with one label
/// per dimension of every operand and of the result. Letters label
/// themselves. The dimensions a `...` stands for get the reserved labels
/// ellipsisLabel(0), ellipsisLabel(1), ..., one per dimension of the
/// broadcast of all operands' ellipsis shapes; an operand whose `...`
/// covers fewer dimensions carries the last ones (alignment on the right,
/// as in NumPy).
struct EinsumEquation {
  /// The labels of each operand's dimensions, in order.
  llvm::SmallVector<std::string, 2> inputs;
  /// The labels of the result's dimensions, in order.
  std::string output;
  /// The size of each label. An operand dimension of size 1 whose label is
  /// larger (an ellipsis dimension that broadcasts) is stretched.
  std::map<char, int64_t> sizes;
  /// The result shape.
  llvm::SmallVector<int64_t> outShape;
};

/// How many dimensions one `...` can stand for: the reserved labels are the
/// byte values 0x80 to 0xFF, which are not letters.
constexpr int64_t kMaxEllipsisRank = 128;

/// The label of dimension `dim` of the broadcast ellipsis shape.
char ellipsisLabel(int64_t dim);

/// Whether `label` is one of the reserved ellipsis labels.
bool isEllipsisLabel(char label);

/// "label 'i'", or "dimension 0 of '...'" for an ellipsis label, for
/// diagnostics.
std::string describeLabel(char label);

/// Parses `equation` for operands of the given shapes, with the semantics of
/// torch.einsum: a label in an operand but not in the output is summed over,
/// and so are the ellipsis dimensions when the output has no `...` (NumPy
/// rejects that unless `...` covers no dimension). The output must be explicit
/// (`->`). Fails with a message naming the problem.
llvm::Expected<EinsumEquation>
parseEinsum(llvm::StringRef equation,
            llvm::ArrayRef<llvm::ArrayRef<int64_t>> operandShapes);

} // namespace mlc

#endif // MLC_IR_EINSUM_H
