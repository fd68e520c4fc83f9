// Parsing and checking of einsum equations.
#include "ir/Einsum.h"

#include "llvm/ADT/Twine.h"

#include <cctype>

namespace mlc {
namespace {

llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string withoutSpaces(llvm::StringRef text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out.push_back(c);
  return out;
}

/// Checks the labels of operand `index` against its shape and records the
/// size of each label in `sizes`.
llvm::Error checkOperand(const std::string &labels,
                         llvm::ArrayRef<int64_t> shape, size_t index,
                         std::map<char, int64_t> &sizes) {
  std::string operand = std::to_string(index);
  if (labels.size() != shape.size())
    return failure("operand " + operand + " has rank " +
                   llvm::Twine(shape.size()) + " but its labels '" + labels +
                   "' name " + llvm::Twine(labels.size()) + " dimension(s)");
  std::string seen;
  for (auto [c, size] : llvm::zip(labels, shape)) {
    if (!std::isalpha(static_cast<unsigned char>(c)))
      return failure("invalid label '" + llvm::Twine(c) + "' in operand " +
                     operand + " (labels are letters; '...' is not supported)");
    if (seen.find(c) != std::string::npos)
      return failure("label '" + llvm::Twine(c) + "' repeats within operand " +
                     operand + " (diagonals are not supported)");
    seen.push_back(c);
    auto [it, inserted] = sizes.emplace(c, size);
    if (!inserted && it->second != size)
      return failure("label '" + llvm::Twine(c) + "' has size " +
                     llvm::Twine(it->second) + " in one operand and " +
                     llvm::Twine(size) + " in operand " + operand);
  }
  return llvm::Error::success();
}

/// Checks the output labels and computes the result shape.
llvm::Error checkOutput(EinsumEquation &eq) {
  std::string seen;
  for (char c : eq.output) {
    auto it = eq.sizes.find(c);
    if (it == eq.sizes.end())
      return failure("output label '" + llvm::Twine(c) +
                     "' does not appear in any operand");
    if (seen.find(c) != std::string::npos)
      return failure("output label '" + llvm::Twine(c) + "' repeats");
    seen.push_back(c);
    eq.outShape.push_back(it->second);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<EinsumEquation>
parseEinsum(llvm::StringRef equation,
            llvm::ArrayRef<llvm::ArrayRef<int64_t>> operandShapes) {
  std::string text = withoutSpaces(equation);
  size_t arrow = text.find("->");
  if (arrow == std::string::npos)
    return failure("equation '" + equation +
                   "' needs an explicit output ('->'), e.g. \"ij,jk->ik\"");
  EinsumEquation eq;
  eq.output = text.substr(arrow + 2);
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).take_front(arrow).split(parts, ',');
  for (llvm::StringRef part : parts)
    eq.inputs.push_back(part.str());

  if (eq.inputs.size() != operandShapes.size())
    return failure("equation names " + llvm::Twine(eq.inputs.size()) +
                   " operand(s) but the op has " +
                   llvm::Twine(operandShapes.size()));
  if (operandShapes.empty() || operandShapes.size() > 2)
    return failure("einsum takes one or two operands, found " +
                   llvm::Twine(operandShapes.size()));
  for (auto [i, labels] : llvm::enumerate(eq.inputs))
    if (llvm::Error error = checkOperand(labels, operandShapes[i], i, eq.sizes))
      return std::move(error);
  if (llvm::Error error = checkOutput(eq))
    return std::move(error);
  return eq;
}

} // namespace mlc
