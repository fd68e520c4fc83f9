// Messages for the problems kernels record in the status word.
#include "runtime/DataStatus.h"

#include "runtime/format/Format.h"

#include <tuple>

namespace mlc::rt {

namespace {

/// "[1, 2]": the multi-index of element `flat` of `shape`.
std::string position(int64_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] > 0) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
  std::string out = "[";
  for (size_t d = 0; d < index.size(); ++d)
    out += (d ? ", " : "") + std::to_string(index[d]);
  return out + "]";
}

std::string range(int64_t limit) {
  return "[0, " + std::to_string(limit) + ")";
}

} // namespace

bool reportsBefore(const StatusWord &a, const StatusWord &b) {
  return std::tie(a.command, a.index) < std::tie(b.command, b.index);
}

std::string describeProblem(const StatusWord &word,
                            const std::vector<int64_t> &operandShape) {
  auto op = static_cast<fb::OpKind>(word.op);
  std::string name = op <= fb::OpKind::MAX ? fb::EnumNameOpKind(op) : "";
  if (name.empty())
    name = "op " + std::to_string(word.op);
  std::string value = std::to_string(word.value);
  switch (word.kind()) {
  case DataProblem::none:
    return name + ": no problem";
  case DataProblem::label_out_of_range:
    return name + ": row " + std::to_string(word.index) + " has label " +
           value + ", expected a value in " + range(word.limit);
  case DataProblem::id_out_of_range:
    return name + ": ids" + position(word.index, operandShape) + " is " +
           value + ", expected a value in " + range(word.limit) +
           " (the table's rows)";
  case DataProblem::cache_position_out_of_range:
    return name + ": position " + value + " with " +
           std::to_string(word.extra) +
           " new tokens lies outside the cache of extent " +
           std::to_string(word.limit) + " along axis " +
           std::to_string(word.index) +
           " (positions must satisfy 0 <= position and position + T <= " +
           std::to_string(word.limit) + ")";
  case DataProblem::attention_offset_before_keys:
    return name + ": offset " + value + " puts query " +
           std::to_string(word.index) + " at position " +
           std::to_string(word.extra) + ", before every key";
  case DataProblem::non_finite_loss:
    return name + ": the loss is " +
           std::string(word.value == 0 ? "NaN" : "infinite");
  }
  return name + ": problem " + std::to_string(word.problem) +
         " (unknown to this runtime)";
}

} // namespace mlc::rt
