// Bad data found by kernels while a step runs: the device status word.
//
// A kernel that meets data it cannot compute with (a label outside the
// classes, an id outside the table, a cache position past its end, a
// non-finite loss) does not fail in the middle of a step: it records the
// problem in the status word of its device, computes something harmless in
// its place (a zero row, a NaN loss, no write) without reading or writing
// out of range, and the step goes on. The session reads the word once
// before the first command that updates state (parameters, optimizer state,
// accumulators, caches) and once at the end of the call, so that bad data
// never reaches the state and a GPU needs one small read per step rather
// than one per kernel.
#ifndef MLC_RUNTIME_DATASTATUS_H
#define MLC_RUNTIME_DATASTATUS_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlc::rt {

enum class DataProblem : uint32_t {
  none = 0,
  /// A label outside [0, limit): `index` the row, `value` the label.
  label_out_of_range = 1,
  /// An id outside the table's [0, limit) rows: `index` the flat position
  /// in the ids operand, `value` the id.
  id_out_of_range = 2,
  /// A cache write at `value` of `extra` tokens past the cache's extent
  /// `limit` along axis `index`.
  cache_position_out_of_range = 3,
  /// A causal attention offset `value` that leaves query `index` at
  /// position `extra`, before every key.
  attention_offset_before_keys = 4,
  /// A loss that is NaN (`value` 0) or infinite (`value` 1).
  non_finite_loss = 5,
};

/// The word itself, in device memory: zero while all data was fine. Plain
/// integers, so that a GPU kernel can fill it as well as a CPU one.
struct StatusWord {
  uint32_t problem = 0; // a DataProblem
  uint32_t command = 0; // the command that found it, within its entry point
  uint32_t op = 0;      // the kernel's fb::OpKind
  uint32_t operand = 0; // the operand holding the bad value
  int64_t index = 0, value = 0, limit = 0, extra = 0;

  DataProblem kind() const { return static_cast<DataProblem>(problem); }
};

/// Where a prepared command reports bad data: the word of its device and
/// its position in the entry point. Without a word, a kernel reports the
/// problem as the error of its run().
struct CommandContext {
  StatusWord *status = nullptr;
  uint32_t command = 0;
};

/// Which of two problems a step reports: the earlier command, then the
/// earlier position, so that the message does not depend on threads.
bool reportsBefore(const StatusWord &a, const StatusWord &b);

/// The message for `word` (without the command's name), as in
/// "softmax_cross_entropy: row 3 has label 12, expected a value in [0, 10)";
/// `operandShape` is the shape of operand `word.operand`, which places a
/// flat index.
std::string describeProblem(const StatusWord &word,
                            const std::vector<int64_t> &operandShape);

} // namespace mlc::rt

#endif // MLC_RUNTIME_DATASTATUS_H
