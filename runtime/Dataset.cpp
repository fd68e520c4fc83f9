// Data sets bound to a model's inputs, and the samplers that pick rows.
#include "runtime/Dataset.h"

#include "runtime/Init.h"

#include <charconv>
#include <cstring>
#include <numeric>

namespace mlc::rt {

WindowLayout windowLayoutFor(Sampling mode) {
  return mode == Sampling::Sequential ? WindowLayout::Consecutive
                                      : WindowLayout::EveryStart;
}

StatusOr<Dataset> Dataset::open(const std::string &path, const Entry &entry,
                                WindowLayout layout) {
  if (entry.inputs().empty())
    return Status::error(path + ": entry point '" + entry.name() +
                         "' takes no inputs, so it needs no data");
  Dataset ds;
  if (entry.takesTokenWindows()) {
    StatusOr<TokenWindows> windows = TokenWindows::open(path, entry, layout);
    if (!windows.isOk())
      return windows.status();
    ds.windows_ = std::move(windows).value();
    return ds;
  }
  StatusOr<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file.isOk())
    return file.status();
  ds.file_ = std::move(file).value();
  MLC_RETURN_IF_ERROR(ds.bindRows(entry));
  return ds;
}

Status Dataset::bindRows(const Entry &entry) {
  const std::string &path = file_.path();
  std::string firstName;
  for (const BoundBuffer &input : entry.inputs()) {
    const SafetensorsEntry *t = file_.find(input.name);
    const TensorDesc &want = *input.desc;
    std::string wanted = "[N";
    for (size_t d = 1; d < want.shape.size(); ++d)
      wanted += "x" + std::to_string(want.shape[d]);
    wanted += "] of " + std::string(dtypeName(want.dtype));
    if (!t)
      return Status::error(path + " has no tensor '" + input.name +
                           "' for the model input '" + input.name + "' (" +
                           want.str() + "; the file needs " + wanted +
                           "). The file has: " + file_.listing());
    bool shapeOk = t->desc.shape.size() == want.shape.size() &&
                   std::equal(want.shape.begin() + 1, want.shape.end(),
                              t->desc.shape.begin() + 1);
    if (!shapeOk || t->desc.dtype != want.dtype)
      return Status::error(path + ": tensor '" + input.name + "' is " +
                           t->desc.str() + ", but the model input '" +
                           input.name + "' (" + want.str() + ") needs " +
                           wanted);
    uint64_t n = static_cast<uint64_t>(t->desc.shape[0]);
    if (columns_.empty()) {
      numSamples_ = n;
      firstName = input.name;
    } else if (n != numSamples_) {
      return Status::error(path + ": tensor '" + input.name + "' has " +
                           std::to_string(n) + " rows but '" + firstName +
                           "' has " + std::to_string(numSamples_));
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
    columns_.push_back({t, input.buffer, rowBytes});
  }
  if (numSamples_ == 0)
    return Status::error(path + " holds no samples");
  return Status::ok();
}

uint64_t Dataset::numSamples() const {
  return windows_ ? windows_->numWindows() : numSamples_;
}

uint64_t Dataset::samplesPerPass() const {
  return windows_ ? windows_->numConsecutiveWindows() : numSamples_;
}

const std::string &Dataset::path() const {
  return windows_ ? windows_->path() : file_.path();
}

std::string Dataset::describeSize() const {
  if (!windows_)
    return std::to_string(numSamples_) + " samples";
  return std::to_string(windows_->numTokens()) + " tokens, " +
         std::to_string(windows_->numWindows()) + " windows";
}

std::string Dataset::describeBatch(const std::vector<uint64_t> &samples) const {
  constexpr size_t kShown = 12;
  std::string s = windows_ ? "windows at tokens " : "rows ";
  for (size_t i = 0; i < samples.size() && i < kShown; ++i)
    s += (i ? ", " : "") +
         std::to_string(windows_ ? windows_->start(samples[i]) : samples[i]);
  if (samples.size() > kShown)
    s += ", ...";
  return s + " of " + path();
}

Status Dataset::load(Session &session, const std::vector<uint64_t> &indices) {
  if (windows_)
    return windows_->load(session, indices);
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

const char *samplingName(Sampling mode) {
  switch (mode) {
  case Sampling::WithReplacement:
    return "replacement";
  case Sampling::Shuffle:
    return "shuffle";
  case Sampling::Sequential:
    return "sequential";
  }
  return "?";
}

namespace {

constexpr const char *kSeedKey = "mlc.data.seed";
constexpr const char *kSampleKey = "mlc.data.sample";
constexpr const char *kSamplesKey = "mlc.data.samples";

/// `text` as decimal digits within 64 bits (no sign, no space, not empty).
std::optional<uint64_t> parseDecimal(const std::string &text) {
  uint64_t value = 0;
  const char *end = text.data() + text.size();
  auto [last, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || last != end)
    return std::nullopt;
  return value;
}

} // namespace

std::map<std::string, std::string> DataOrder::toMetadata() const {
  return {{kSeedKey, std::to_string(seed)},
          {kSampleKey, samplingName(sampling)},
          {kSamplesKey, std::to_string(numSamples)}};
}

StatusOr<std::optional<DataOrder>>
DataOrder::fromMetadata(const std::map<std::string, std::string> &metadata,
                        const std::string &origin) {
  const char *keys[] = {kSeedKey, kSampleKey, kSamplesKey};
  size_t present = 0;
  for (const char *key : keys)
    present += metadata.count(key);
  if (present == 0)
    return std::optional<DataOrder>();
  for (const char *key : keys)
    if (!metadata.count(key))
      return Status::error(
          origin + ": the metadata records the data order but not " + key);
  auto invalid = [&](const char *key, const char *what) {
    return Status::error(origin + ": metadata " + key + " = '" +
                         metadata.at(key) + "' is not " + what);
  };
  DataOrder order;
  std::optional<uint64_t> seed = parseDecimal(metadata.at(kSeedKey));
  if (!seed)
    return invalid(kSeedKey, "a seed");
  std::optional<uint64_t> samples = parseDecimal(metadata.at(kSamplesKey));
  if (!samples || *samples == 0)
    return invalid(kSamplesKey, "a number of samples");
  StatusOr<Sampling> sampling = parseSampling(metadata.at(kSampleKey));
  if (!sampling.isOk())
    return invalid(kSampleKey, "replacement, shuffle or sequential");
  order.seed = *seed;
  order.sampling = *sampling;
  order.numSamples = *samples;
  return std::optional<DataOrder>(order);
}

Status DataOrder::checkResumeOptions(const std::string &checkpoint,
                                     std::optional<uint64_t> givenSeed,
                                     std::optional<Sampling> given) const {
  auto differ = [&](const std::string &option, const std::string &value,
                    const std::string &recorded, const char *key) {
    return Status::error(
        "--" + option + " " + value + " differs from the " + recorded +
        " that " + checkpoint + " was trained with (" + key +
        "); a resumed run keeps its data order: drop --" + option +
        ", or start a new run from the parameters with --init-from");
  };
  if (givenSeed && *givenSeed != seed)
    return differ("seed", std::to_string(*givenSeed),
                  "seed " + std::to_string(seed), kSeedKey);
  if (given && *given != sampling)
    return differ("sample", samplingName(*given),
                  std::string("sampling ") + samplingName(sampling),
                  kSampleKey);
  return Status::ok();
}

Status DataOrder::checkResumeData(const std::string &checkpoint,
                                  const Dataset &data) const {
  if (data.numSamples() == numSamples)
    return Status::ok();
  return Status::error(
      checkpoint + " was trained on " + std::to_string(numSamples) +
      (data.isTokenStream() ? " windows" : " samples") + " (" + kSamplesKey +
      "), but " + data.path() + " has " + data.describeSize() +
      "; resumed on other data, the steps would not see the samples the run "
      "would have (start a new run with --init-from to change the data)");
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
