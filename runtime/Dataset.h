// Data sets: safetensors files whose tensors, named after the model's
// inputs, hold one row per sample; and the samplers that pick the rows.
#ifndef MLC_RUNTIME_DATASET_H
#define MLC_RUNTIME_DATASET_H

#include "runtime/Safetensors.h"
#include "runtime/Session.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlc::rt {

/// A data set bound to the inputs of one entry point.
class Dataset {
public:
  /// Opens `path` and checks it against `entry`: for each input named `x`
  /// of shape [B, d...] the file must hold a tensor `x` of shape [N, d...]
  /// with the same dtype, and every such tensor must have the same N.
  static StatusOr<Dataset> open(const std::string &path, const Entry &entry);

  uint64_t numSamples() const { return numSamples_; }
  const std::string &path() const { return file_.path(); }

  /// Copies rows `indices` (one per batch slot) into the entry's inputs.
  Status load(Session &session, const std::vector<uint64_t> &indices);

private:
  struct Column {
    const SafetensorsEntry *tensor;
    uint32_t buffer;
    size_t rowBytes;
  };
  SafetensorsFile file_;
  std::vector<Column> columns_;
  std::vector<uint8_t> staging_;
  uint64_t numSamples_ = 0;
};

enum class Sampling {
  WithReplacement, // every slot of every step drawn uniformly at random
  Shuffle,         // a fresh permutation of the data set each epoch
  Sequential,      // rows in order, wrapping around
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

} // namespace mlc::rt

#endif // MLC_RUNTIME_DATASET_H
