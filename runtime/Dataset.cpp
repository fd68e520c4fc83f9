// Data sets bound to a model's inputs, and the samplers that pick rows.
#include "runtime/Dataset.h"

#include "runtime/Init.h"

#include <cstring>
#include <numeric>

namespace mlc::rt {

StatusOr<Dataset> Dataset::open(const std::string &path, const Entry &entry) {
  StatusOr<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file.isOk())
    return file.status();
  Dataset ds;
  ds.file_ = std::move(file).value();
  if (entry.inputs().empty())
    return Status::error(path + ": entry point '" + entry.name() +
                         "' takes no inputs, so it needs no data");
  std::string firstName;
  for (const BoundBuffer &input : entry.inputs()) {
    const SafetensorsEntry *t = ds.file_.find(input.name);
    const TensorDesc &want = *input.desc;
    std::string wanted = "[N";
    for (size_t d = 1; d < want.shape.size(); ++d)
      wanted += "x" + std::to_string(want.shape[d]);
    wanted += "] of " + std::string(dtypeName(want.dtype));
    if (!t)
      return Status::error(path + " has no tensor '" + input.name +
                           "' for the model input '" + input.name + "' (" +
                           want.str() + "; the file needs " + wanted +
                           "). The file has: " + ds.file_.listing());
    bool shapeOk = t->desc.shape.size() == want.shape.size() &&
                   std::equal(want.shape.begin() + 1, want.shape.end(),
                              t->desc.shape.begin() + 1);
    if (!shapeOk || t->desc.dtype != want.dtype)
      return Status::error(path + ": tensor '" + input.name + "' is " +
                           t->desc.str() + ", but the model input '" +
                           input.name + "' (" + want.str() + ") needs " +
                           wanted);
    uint64_t n = static_cast<uint64_t>(t->desc.shape[0]);
    if (ds.columns_.empty()) {
      ds.numSamples_ = n;
      firstName = input.name;
    } else if (n != ds.numSamples_) {
      return Status::error(path + ": tensor '" + input.name + "' has " +
                           std::to_string(n) + " rows but '" + firstName +
                           "' has " + std::to_string(ds.numSamples_));
    }
    if (want.shape[0] <= 0) // the loader refuses empty buffers; stay safe
      return Status::error(path + ": model input '" + input.name +
                           "' has no rows per batch");
    size_t rowBytes = want.byteSize() / static_cast<size_t>(want.shape[0]);
    // Rows of no bytes would let a tiny file claim any number of samples
    // (and samplers size their tables by it).
    if (rowBytes == 0)
      return Status::error(path + ": the model input '" + input.name + "' (" +
                           want.str() + ") has rows of 0 bytes");
    ds.columns_.push_back({t, input.buffer, rowBytes});
  }
  if (ds.numSamples_ == 0)
    return Status::error(path + " holds no samples");
  return ds;
}

Status Dataset::load(Session &session, const std::vector<uint64_t> &indices) {
  for (const Column &c : columns_) {
    MLC_RETURN_IF_ERROR(resizeOrFail(staging_, c.rowBytes * indices.size(),
                                     "a batch of " + path()));
    for (size_t slot = 0; slot < indices.size(); ++slot) {
      if (indices[slot] >= numSamples_)
        return Status::error("row " + std::to_string(indices[slot]) +
                             " is outside the data set");
      std::memcpy(staging_.data() + slot * c.rowBytes,
                  c.tensor->data + indices[slot] * c.rowBytes, c.rowBytes);
    }
    MLC_RETURN_IF_ERROR(
        session.write(c.buffer, staging_.data(), staging_.size()));
  }
  return Status::ok();
}

Sampler::Sampler(Sampling mode, uint64_t numSamples, uint64_t batchSize,
                 uint64_t seed)
    : mode_(mode), numSamples_(numSamples), batchSize_(batchSize),
      seed_(mixBits(seed, 0x5A3D1E)) {
  rows_.resize(batchSize_);
}

uint64_t Sampler::rowAt(uint64_t position) {
  switch (mode_) {
  case Sampling::Sequential:
    return position % numSamples_;
  case Sampling::WithReplacement: {
    // Multiply-shift maps 64 random bits onto [0, N) without modulo bias
    // worth measuring at these N.
    unsigned __int128 wide =
        static_cast<unsigned __int128>(mixBits(seed_, position)) * numSamples_;
    return static_cast<uint64_t>(wide >> 64);
  }
  case Sampling::Shuffle: {
    uint64_t epoch = position / numSamples_;
    if (epoch != permutationEpoch_) {
      permutation_.resize(numSamples_);
      std::iota(permutation_.begin(), permutation_.end(), 0);
      uint64_t key = mixBits(seed_, epoch);
      for (uint64_t i = numSamples_ - 1; i > 0; --i) {
        unsigned __int128 wide =
            static_cast<unsigned __int128>(mixBits(key, i)) * (i + 1);
        std::swap(permutation_[i],
                  permutation_[static_cast<uint64_t>(wide >> 64)]);
      }
      permutationEpoch_ = epoch;
    }
    return permutation_[position % numSamples_];
  }
  }
  return 0;
}

const std::vector<uint64_t> &Sampler::rowsForStep(uint64_t step) {
  for (uint64_t slot = 0; slot < batchSize_; ++slot)
    rows_[slot] = rowAt(step * batchSize_ + slot);
  return rows_;
}

StatusOr<Sampling> parseSampling(const std::string &name) {
  if (name == "replacement")
    return Sampling::WithReplacement;
  if (name == "shuffle")
    return Sampling::Shuffle;
  if (name == "sequential")
    return Sampling::Sequential;
  return Status::error("unknown sampling '" + name +
                       "' (expected replacement, shuffle or sequential)");
}

} // namespace mlc::rt
