// Choosing the next token from logits: greedy, temperature, top-k and
// top-p (nucleus) sampling, with reproducible random numbers.
#ifndef MLC_RUNTIME_SAMPLER_H
#define MLC_RUNTIME_SAMPLER_H

#include "runtime/Status.h"

#include <cstdint>
#include <vector>

namespace mlc::rt {

/// How the next token is chosen.
struct SamplingOptions {
  /// 0 is greedy (argmax, the lowest id on ties); otherwise logits are
  /// divided by it before the softmax. Must be >= 0.
  double temperature = 1.0;
  /// Keep only the K most likely tokens; 0 keeps all. Must be >= 0.
  int64_t topK = 0;
  /// Keep the smallest set of most likely tokens whose probability reaches
  /// p (always at least one); 1 keeps all. Must lie in (0, 1].
  double topP = 1.0;
  /// Seed of the draws.
  uint64_t seed = 0;

  /// An error naming the first setting out of range.
  Status validate() const;
};

/// Draws tokens from logits. Draw i uses the counter-based generator of
/// runtime/Init.h (uniformAt) on a stream keyed by the seed, so a fixed
/// seed gives a fixed sequence whatever else the process does.
class TokenSampler {
public:
  static StatusOr<TokenSampler> create(const SamplingOptions &options);

  /// The next token for `logits[0..vocab)`; a NaN logit is an error.
  StatusOr<int64_t> sample(const double *logits, size_t vocab);

  /// The tokens sampling may choose from for these logits (greedy: one),
  /// most likely first, with their probabilities (summing to 1). Exposed
  /// for tests of top-k / top-p.
  void candidates(const double *logits, size_t vocab, std::vector<int64_t> &ids,
                  std::vector<double> &probs) const;

private:
  explicit TokenSampler(const SamplingOptions &options);
  SamplingOptions options_;
  uint64_t key_;
  uint64_t draws_ = 0;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_SAMPLER_H
