// Parsing and checking of einsum equations.
#include "ir/Einsum.h"

#include "llvm/ADT/StringMap.h"

#include <cctype>
#include <map>

namespace mlc {

bool parseEinsum(llvm::StringRef equation,
                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> operandShapes,
                 EinsumEquation &parsed,
                 llvm::SmallVectorImpl<int64_t> &outShape, std::string &error) {
  std::string eq;
  for (char c : equation)
    if (!std::isspace(static_cast<unsigned char>(c)))
      eq.push_back(c);
  size_t arrow = eq.find("->");
  if (arrow == std::string::npos) {
    error = "equation '" + equation.str() +
            "' needs an explicit output ('->'), e.g. \"ij,jk->ik\"";
    return false;
  }
  llvm::StringRef lhs = llvm::StringRef(eq).take_front(arrow);
  parsed.output = eq.substr(arrow + 2);
  parsed.inputs.clear();
  llvm::SmallVector<llvm::StringRef> parts;
  lhs.split(parts, ',');
  for (llvm::StringRef p : parts)
    parsed.inputs.push_back(p.str());

  if (parsed.inputs.size() != operandShapes.size()) {
    error = "equation names " + std::to_string(parsed.inputs.size()) +
            " operand(s) but the op has " +
            std::to_string(operandShapes.size());
    return false;
  }
  if (operandShapes.empty() || operandShapes.size() > 2) {
    error = "einsum takes one or two operands, found " +
            std::to_string(operandShapes.size());
    return false;
  }

  std::map<char, int64_t> dims;
  for (size_t i = 0; i < parsed.inputs.size(); ++i) {
    const std::string &labels = parsed.inputs[i];
    if (labels.size() != operandShapes[i].size()) {
      error = "operand " + std::to_string(i) + " has rank " +
              std::to_string(operandShapes[i].size()) + " but its labels '" +
              labels + "' name " + std::to_string(labels.size()) +
              " dimension(s)";
      return false;
    }
    std::string seen;
    for (size_t d = 0; d < labels.size(); ++d) {
      char c = labels[d];
      if (!std::isalpha(static_cast<unsigned char>(c))) {
        error = std::string("invalid label '") + c + "' in operand " +
                std::to_string(i) +
                " (labels are letters; '...' is not "
                "supported)";
        return false;
      }
      if (seen.find(c) != std::string::npos) {
        error = std::string("label '") + c + "' repeats within operand " +
                std::to_string(i) + " (diagonals are not supported)";
        return false;
      }
      seen.push_back(c);
      int64_t size = operandShapes[i][d];
      auto [it, inserted] = dims.emplace(c, size);
      if (!inserted && it->second != size) {
        error = std::string("label '") + c + "' has size " +
                std::to_string(it->second) + " in one operand and " +
                std::to_string(size) + " in operand " + std::to_string(i);
        return false;
      }
    }
  }
  outShape.clear();
  std::string seenOut;
  for (char c : parsed.output) {
    auto it = dims.find(c);
    if (it == dims.end()) {
      error = std::string("output label '") + c +
              "' does not appear in any operand";
      return false;
    }
    if (seenOut.find(c) != std::string::npos) {
      error = std::string("output label '") + c + "' repeats";
      return false;
    }
    seenOut.push_back(c);
    outShape.push_back(it->second);
  }
  return true;
}

} // namespace mlc
