// Parsing and checking of einsum equations.
#include "ir/Einsum.h"

#include "ir/Broadcast.h"

#include "llvm/ADT/Twine.h"

#include <cctype>
#include <optional>

namespace mlc {

char ellipsisLabel(int64_t dim) {
  return static_cast<char>(static_cast<unsigned char>(0x80 + dim));
}

bool isEllipsisLabel(char label) {
  return static_cast<unsigned char>(label) >= 0x80;
}

std::string describeLabel(char label) {
  if (!isEllipsisLabel(label))
    return std::string("label '") + label + "'";
  return "dimension " +
         std::to_string(static_cast<unsigned char>(label) - 0x80) + " of '...'";
}

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

/// The subscripts of one operand or of the output as written: letters, and
/// where among them the `...` sits, if there is one.
struct Term {
  std::string text;
  std::string letters;
  std::optional<size_t> ellipsisAt;
};

/// Splits `text`, the subscripts of `what` ("operand 0", "the output"),
/// into letters and at most one `...`.
llvm::Expected<Term> parseTerm(llvm::StringRef text, const std::string &what) {
  Term term;
  term.text = text.str();
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '.') {
      if (!text.substr(i).starts_with("..."))
        return failure("'.' in " + what +
                       " is not part of an ellipsis ('...'), in '" + text +
                       "'");
      if (term.ellipsisAt)
        return failure(what + " has more than one '...', in '" + text + "'");
      term.ellipsisAt = term.letters.size();
      i += 3;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c)))
      return failure("invalid label '" + llvm::Twine(c) + "' in " + what +
                     " (labels are letters, plus at most one '...')");
    term.letters.push_back(c);
    ++i;
  }
  return term;
}

/// The dimensions of `shape` that the `...` of operand `index` stands for
/// (none when it has no `...`).
llvm::Expected<llvm::ArrayRef<int64_t>>
ellipsisDims(const Term &term, llvm::ArrayRef<int64_t> shape, size_t index) {
  size_t letters = term.letters.size();
  std::string prefix = "operand " + std::to_string(index) + " has rank " +
                       std::to_string(shape.size()) + " but its labels '" +
                       term.text + "' name ";
  if (!term.ellipsisAt) {
    if (shape.size() != letters)
      return failure(prefix + llvm::Twine(letters) + " dimension(s)");
    return llvm::ArrayRef<int64_t>();
  }
  if (shape.size() < letters)
    return failure(prefix + "at least " + llvm::Twine(letters) +
                   " dimension(s)");
  return shape.slice(*term.ellipsisAt, shape.size() - letters);
}

/// The first pair of sizes, aligned on the right, that do not broadcast.
std::pair<int64_t, int64_t> firstConflict(llvm::ArrayRef<int64_t> a,
                                          llvm::ArrayRef<int64_t> b) {
  for (size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
    int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && x != 1 && y != 1)
      return {x, y};
  }
  return {1, 1};
}

/// The NumPy broadcast of the shapes the operands' `...` stand for.
llvm::Expected<llvm::SmallVector<int64_t>>
broadcastEllipses(llvm::ArrayRef<llvm::ArrayRef<int64_t>> ellipses) {
  // Broadcasting that holds for every pair holds for all operands at once.
  for (size_t i = 0; i < ellipses.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (!broadcastShapes(ellipses[j], ellipses[i])) {
        auto [x, y] = firstConflict(ellipses[j], ellipses[i]);
        return failure("'...' stands for " + formatShape(ellipses[j]) +
                       " in operand " + llvm::Twine(j) + " and " +
                       formatShape(ellipses[i]) + " in operand " +
                       llvm::Twine(i) + ", which do not broadcast: size " +
                       llvm::Twine(x) + " against " + llvm::Twine(y) +
                       " (aligned on the right, sizes must be equal or 1)");
      }
  llvm::SmallVector<int64_t> shape;
  for (llvm::ArrayRef<int64_t> dims : ellipses)
    shape = *broadcastShapes(shape, dims);
  if (static_cast<int64_t>(shape.size()) > kMaxEllipsisRank)
    return failure("'...' stands for " + llvm::Twine(shape.size()) +
                   " dimensions; at most " + llvm::Twine(kMaxEllipsisRank) +
                   " are supported");
  return shape;
}

/// The labels of the dimensions of `term`, its `...` standing for the last
/// `rank` of the `total` ellipsis dimensions.
std::string expand(const Term &term, size_t rank, size_t total) {
  std::string labels = term.letters;
  if (!term.ellipsisAt)
    return labels;
  std::string ellipsis;
  for (size_t d = total - rank; d < total; ++d)
    ellipsis.push_back(ellipsisLabel(static_cast<int64_t>(d)));
  return labels.insert(*term.ellipsisAt, ellipsis);
}

/// Records the size of each letter of operand `index` in `sizes`, checking
/// that a letter has one size everywhere and appears once per operand.
llvm::Error checkLetters(llvm::StringRef labels, llvm::ArrayRef<int64_t> shape,
                         size_t index, std::map<char, int64_t> &sizes) {
  std::string operand = std::to_string(index);
  std::string seen;
  for (auto [c, size] : llvm::zip(labels, shape)) {
    if (isEllipsisLabel(c))
      continue;
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

/// Checks the letters of the output and sets its labels and shape.
llvm::Error checkOutput(const Term &term, size_t ellipsisRank,
                        EinsumEquation &eq) {
  std::string seen;
  for (char c : term.letters) {
    if (!eq.sizes.count(c))
      return failure("output label '" + llvm::Twine(c) +
                     "' does not appear in any operand");
    if (seen.find(c) != std::string::npos)
      return failure("output label '" + llvm::Twine(c) + "' repeats");
    seen.push_back(c);
  }
  eq.output = expand(term, ellipsisRank, ellipsisRank);
  for (char c : eq.output)
    eq.outShape.push_back(eq.sizes.at(c));
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
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).take_front(arrow).split(parts, ',');
  if (parts.size() != operandShapes.size())
    return failure("equation names " + llvm::Twine(parts.size()) +
                   " operand(s) but the op has " +
                   llvm::Twine(operandShapes.size()));
  if (operandShapes.empty() || operandShapes.size() > 2)
    return failure("einsum takes one or two operands, found " +
                   llvm::Twine(operandShapes.size()));

  llvm::SmallVector<Term, 2> terms;
  llvm::SmallVector<llvm::ArrayRef<int64_t>, 2> ellipses;
  for (auto [i, part] : llvm::enumerate(parts)) {
    llvm::Expected<Term> term = parseTerm(part, "operand " + std::to_string(i));
    if (!term)
      return term.takeError();
    llvm::Expected<llvm::ArrayRef<int64_t>> dims =
        ellipsisDims(*term, operandShapes[i], i);
    if (!dims)
      return dims.takeError();
    terms.push_back(std::move(*term));
    ellipses.push_back(*dims);
  }
  llvm::Expected<Term> output =
      parseTerm(llvm::StringRef(text).drop_front(arrow + 2), "the output");
  if (!output)
    return output.takeError();
  llvm::Expected<llvm::SmallVector<int64_t>> ellipsis =
      broadcastEllipses(ellipses);
  if (!ellipsis)
    return ellipsis.takeError();

  EinsumEquation eq;
  for (auto [d, size] : llvm::enumerate(*ellipsis))
    eq.sizes[ellipsisLabel(static_cast<int64_t>(d))] = size;
  for (auto [i, term] : llvm::enumerate(terms)) {
    eq.inputs.push_back(expand(term, ellipses[i].size(), ellipsis->size()));
    if (llvm::Error error =
            checkLetters(eq.inputs.back(), operandShapes[i], i, eq.sizes))
      return std::move(error);
  }
  if (llvm::Error error = checkOutput(*output, ellipsis->size(), eq))
    return std::move(error);
  return eq;
}

} // namespace mlc
