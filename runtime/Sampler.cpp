// Choosing the next token from logits: greedy, temperature, top-k and
// top-p (nucleus) sampling, with reproducible random numbers.
#include "runtime/Sampler.h"

#include "runtime/Init.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace mlc::rt {

Status SamplingOptions::validate() const {
  if (!(temperature >= 0) || !std::isfinite(temperature))
    return Status::error("temperature " + std::to_string(temperature) +
                         " must be a finite number >= 0 (0 is greedy)");
  if (topK < 0)
    return Status::error("top-k " + std::to_string(topK) +
                         " must be >= 0 (0 keeps every token)");
  if (!(topP > 0 && topP <= 1))
    return Status::error("top-p " + std::to_string(topP) +
                         " must lie in (0, 1] (1 keeps every token)");
  return Status::ok();
}

TokenSampler::TokenSampler(const SamplingOptions &options)
    : options_(options), key_(mixBits(options.seed, hashName("sample"))) {}

StatusOr<TokenSampler> TokenSampler::create(const SamplingOptions &options) {
  MLC_RETURN_IF_ERROR(options.validate());
  return TokenSampler(options);
}

void TokenSampler::candidates(const double *logits, size_t vocab,
                              std::vector<int64_t> &ids,
                              std::vector<double> &probs) const {
  ids.resize(vocab);
  std::iota(ids.begin(), ids.end(), int64_t(0));
  // Most likely first; ties keep the lower id first, as argmax does.
  std::stable_sort(ids.begin(), ids.end(),
                   [&](int64_t a, int64_t b) { return logits[a] > logits[b]; });
  size_t keep = vocab;
  if (options_.temperature == 0)
    keep = std::min<size_t>(keep, 1);
  if (options_.topK > 0)
    keep = std::min(keep, static_cast<size_t>(options_.topK));
  ids.resize(keep);
  double temperature = options_.temperature == 0 ? 1 : options_.temperature;
  probs.resize(keep);
  double top = logits[ids[0]], sum = 0;
  for (size_t i = 0; i < keep; ++i)
    sum += probs[i] = std::exp((logits[ids[i]] - top) / temperature);
  for (double &p : probs)
    p /= sum;
  if (options_.topP < 1) {
    double cumulative = 0;
    size_t nucleus = 0;
    // A mass within rounding of p reaches it (0.5 + 0.3 reaches 0.8).
    while (nucleus < keep &&
           (nucleus == 0 || cumulative < options_.topP - 1e-12))
      cumulative += probs[nucleus++];
    ids.resize(nucleus);
    probs.resize(nucleus);
    for (double &p : probs)
      p /= cumulative;
  }
}

StatusOr<int64_t> TokenSampler::sample(const double *logits, size_t vocab) {
  if (vocab == 0)
    return Status::error("cannot sample from an empty vocabulary");
  bool anyFinite = false;
  for (size_t i = 0; i < vocab; ++i) {
    if (std::isnan(logits[i]) || logits[i] == INFINITY)
      return Status::error("the logit of token " + std::to_string(i) + " is " +
                           (std::isnan(logits[i]) ? "NaN" : "infinite"));
    anyFinite |= std::isfinite(logits[i]);
  }
  if (!anyFinite)
    return Status::error("every logit is -infinity");
  std::vector<int64_t> ids;
  std::vector<double> probs;
  candidates(logits, vocab, ids, probs);
  double u = uniformAt(key_, draws_++);
  double cumulative = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    cumulative += probs[i];
    if (u < cumulative)
      return ids[i];
  }
  return ids.back(); // rounding left the cumulative sum just below 1
}

} // namespace mlc::rt
