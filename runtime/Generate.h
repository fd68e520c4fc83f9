// Text generation with an executable's prefill and decode entry points:
// the prompt through prefill once, then one decode call per new token,
// the KV caches carrying the sequence between calls.
#ifndef MLC_RUNTIME_GENERATE_H
#define MLC_RUNTIME_GENERATE_H

#include "runtime/Sampler.h"
#include "runtime/Session.h"

#include <functional>
#include <vector>

namespace mlc::rt {

/// The prefill and decode entry points of a session and their bindings.
/// Batch 1: an entry point of another batch size is refused.
class Generator {
public:
  /// Finds the entry points by kind (prefill, decode) and checks that they
  /// can generate: batch 1, decode of one token, one vocabulary.
  static StatusOr<Generator> create(Session &session);

  /// The most prompt tokens prefill takes (its static T; shorter prompts
  /// are padded with id 0, which the causal mask keeps out).
  uint64_t promptCapacity() const { return prefillT_; }
  /// The most tokens a sequence (prompt and new tokens) may have: what the
  /// KV caches hold, or prefill's T and unbounded decode without caches.
  uint64_t context() const { return context_; }
  uint64_t vocab() const { return vocab_; }

  /// Runs prefill on `prompt` (at position 0) and returns the logits of its
  /// last token. The caches are cleared first.
  StatusOr<std::vector<double>> prefill(const std::vector<int64_t> &prompt);
  /// Runs decode on `token` at `position` and returns its logits.
  StatusOr<std::vector<double>> decode(int64_t token, uint64_t position);

  /// Generates up to `maxNewTokens` tokens after `prompt`, calling
  /// `onToken` with each as soon as it is chosen. Errors name what does not
  /// fit: an empty prompt, one longer than the context or than prefill's
  /// T, ids outside the vocabulary, or prompt + new tokens beyond the
  /// context.
  StatusOr<std::vector<int64_t>>
  generate(const std::vector<int64_t> &prompt, uint64_t maxNewTokens,
           TokenSampler &sampler,
           const std::function<void(int64_t)> &onToken = {});

  /// An error if `prompt` and `maxNewTokens` do not fit (see generate).
  Status checkRequest(const std::vector<int64_t> &prompt,
                      uint64_t maxNewTokens) const;

private:
  /// One inference entry point: its token, position and logits buffers.
  struct Call {
    Entry *entry = nullptr;
    const BoundBuffer *tokens = nullptr, *position = nullptr, *logits = nullptr;
    uint64_t t = 0;
  };
  static StatusOr<Call> bind(Entry *entry);
  /// Writes `ids` (padded with 0 to the call's T) and `position`, runs the
  /// entry point and returns the logits of token `row`.
  StatusOr<std::vector<double>> run(const Call &call,
                                    const std::vector<int64_t> &ids,
                                    uint64_t position, uint64_t row);

  explicit Generator(Session &session) : session_(&session) {}
  Session *session_;
  Call prefill_, decode_;
  uint64_t prefillT_ = 0, context_ = 0, vocab_ = 0;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_GENERATE_H
