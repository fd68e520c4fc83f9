// Data sets: safetensors files whose tensors, named after the model's
// inputs, hold one row per sample, or token files whose stream feeds the
// token-window inputs of a language model; and the samplers that pick the
// samples (rows or windows).
#ifndef MLC_RUNTIME_DATASET_H
#define MLC_RUNTIME_DATASET_H

#include "runtime/Safetensors.h"
#include "runtime/Session.h"
#include "runtime/TokenWindows.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::rt {

enum class Sampling {
  WithReplacement, // every slot of every step drawn uniformly at random
  Shuffle,         // a fresh permutation of the data set each epoch
  Sequential,      // samples in order, wrapping around
};

/// The windows training with `mode` picks from: any start for random
/// sampling, consecutive windows for sequential reading.
WindowLayout windowLayoutFor(Sampling mode);

/// A data set bound to the inputs of one entry point. Its samples are the
/// rows of a row data set, or the windows of a token file when the entry's
/// inputs are token windows.
class Dataset {
public:
  /// Opens `path` and checks it against `entry`. Rows: for each input named
  /// `x` of shape [B, d...] the file must hold a tensor `x` of shape
  /// [N, d...] with the same dtype, and every such tensor must have the same
  /// N. Token windows: see TokenWindows::open; `layout` says which windows
  /// are samples (it does not apply to rows).
  static StatusOr<Dataset> open(const std::string &path, const Entry &entry,
                                WindowLayout layout = WindowLayout::EveryStart);

  /// Rows, or windows in the layout given to open().
  uint64_t numSamples() const;
  /// Samples in one pass over the data: rows, or consecutive windows.
  uint64_t samplesPerPass() const;
  const std::string &path() const;
  bool isTokenStream() const { return windows_.has_value(); }
  /// "1000 samples", or "3618956 tokens, 3618892 windows".
  std::string describeSize() const;
  /// "rows 50, 51, ... of PATH" or "windows at tokens 128, 4096, ... of
  /// PATH" for a batch, in error messages.
  std::string describeBatch(const std::vector<uint64_t> &samples) const;

  /// Copies samples `indices` (one per batch slot) into the entry's inputs.
  Status load(Session &session, const std::vector<uint64_t> &indices);

private:
  struct Column {
    const SafetensorsEntry *tensor;
    uint32_t buffer;
    size_t rowBytes;
  };
  Status bindRows(const Entry &entry);

  SafetensorsFile file_;
  std::vector<Column> columns_;
  std::vector<uint8_t> staging_;
  uint64_t numSamples_ = 0;
  std::optional<TokenWindows> windows_;
};

/// Picks the rows of each step. Step `s` depends only on the seed and `s`,
/// so a run resumed from a checkpoint at step s sees the same rows.
class Sampler {
public:
  Sampler(Sampling mode, uint64_t numSamples, uint64_t batchSize,
          uint64_t seed);
  /// The rows of step `step` (0-based), batchSize of them.
  const std::vector<uint64_t> &rowsForStep(uint64_t step);

private:
  uint64_t rowAt(uint64_t position);
  Sampling mode_;
  uint64_t numSamples_, batchSize_, seed_;
  std::vector<uint64_t> rows_;
  std::vector<uint64_t> permutation_;
  uint64_t permutationEpoch_ = UINT64_MAX;
};

/// Parses "replacement", "shuffle" or "sequential".
StatusOr<Sampling> parseSampling(const std::string &name);
/// The name parseSampling() takes for `mode`.
const char *samplingName(Sampling mode);

/// What decides the samples of every step besides the step itself (the
/// batch size is the executable's). Checkpoints record it so that a resumed
/// run sees exactly the samples the uninterrupted run would have.
struct DataOrder {
  uint64_t seed = 0;
  Sampling sampling = Sampling::Shuffle;
  /// Samples the sampler picks from: rows, or windows of a token file.
  uint64_t numSamples = 0;

  /// Checkpoint metadata: mlc.data.seed, mlc.data.sample, mlc.data.samples.
  std::map<std::string, std::string> toMetadata() const;
  /// The order recorded in the metadata of checkpoint `origin`, or nothing
  /// if it records none (a file from before the keys existed). A partial
  /// or malformed record is an error naming the key.
  static StatusOr<std::optional<DataOrder>>
  fromMetadata(const std::map<std::string, std::string> &metadata,
               const std::string &origin);

  /// The order a run resumed from `checkpoint` (which recorded this order)
  /// continues with: this one. A seed or sampling given explicitly must
  /// agree; an error names both values.
  Status checkResumeOptions(const std::string &checkpoint,
                            std::optional<uint64_t> seed,
                            std::optional<Sampling> sampling) const;
  /// Refuses to resume on a data set whose samples differ in number from
  /// those of the recorded run: its steps would see other samples.
  Status checkResumeData(const std::string &checkpoint,
                         const Dataset &data) const;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_DATASET_H
