// Text generation with an executable's prefill and decode entry points.
#include "runtime/Generate.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace mlc::rt {

namespace {

std::string entryLabel(const Entry &entry) {
  return std::string(fb::EnumNameEntryKind(entry.kind())) + " entry point '" +
         entry.name() + "'";
}

/// Values of a scalar or tensor of integers, in the buffer's dtype.
std::vector<uint8_t> integerBytes(DType dtype,
                                  const std::vector<int64_t> &values) {
  std::vector<uint8_t> bytes(values.size() * dtypeSize(dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::i32) {
      int32_t v = static_cast<int32_t>(values[i]);
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    } else {
      std::memcpy(bytes.data() + 8 * i, &values[i], 8);
    }
  }
  return bytes;
}

} // namespace

StatusOr<Generator::Call> Generator::bind(Entry *entry) {
  Call call;
  call.entry = entry;
  // The loader checked the kind's promises: one token input, one position,
  // the logits [B, T, V] first.
  for (const BoundBuffer &b : entry->inputs())
    (b.position ? call.position : call.tokens) = &b;
  call.logits = &entry->outputs()[0];
  const std::vector<int64_t> &shape = call.tokens->desc->shape;
  if (shape[0] != 1)
    return Status::error(entryLabel(*entry) +
                         " has batch size B = " + std::to_string(shape[0]) +
                         "; generation runs one sequence (B = 1)");
  call.t = static_cast<uint64_t>(shape[1]);
  return call;
}

StatusOr<Generator> Generator::create(Session &session) {
  StatusOr<Entry *> prefill = session.entryOfKind(fb::EntryKind::prefill);
  StatusOr<Entry *> decode = session.entryOfKind(fb::EntryKind::decode);
  if ((!prefill.isOk() || !decode.isOk()) &&
      session.executable().root().pipeline())
    return Status::error(
        session.executable().origin() + " is a pipeline of " +
        std::to_string(session.executable().root().pipeline()->stages()) +
        " stages, and generation does not run over pipeline stages (mlc "
        "compile leaves prefill and decode out); compile the model without "
        "a pp axis to generate");
  if (!prefill.isOk() || !decode.isOk())
    return Status::error(
        session.executable().origin() + " has no " +
        (prefill.isOk() ? "decode" : "prefill") +
        " entry point; generation needs both (functions of mlc.kind "
        "\"prefill\" and \"decode\" in the model file)");
  Generator g(session);
  StatusOr<Call> p = bind(*prefill);
  if (!p.isOk())
    return p.status();
  StatusOr<Call> d = bind(*decode);
  if (!d.isOk())
    return d.status();
  g.prefill_ = *p;
  g.decode_ = *d;
  if (g.decode_.t != 1)
    return Status::error(entryLabel(**decode) + " takes " +
                         std::to_string(g.decode_.t) +
                         " tokens per call; generation feeds one (T = 1)");
  if (g.prefill_.tokens->vocab != g.decode_.tokens->vocab)
    return Status::error(entryLabel(**prefill) + " has vocabulary " +
                         std::to_string(g.prefill_.tokens->vocab) + " but " +
                         entryLabel(**decode) + " has " +
                         std::to_string(g.decode_.tokens->vocab));
  g.vocab_ = g.prefill_.tokens->vocab;
  g.prefillT_ = g.prefill_.t;
  g.context_ = std::numeric_limits<uint64_t>::max();
  for (const Entry *e : {*prefill, *decode})
    if (e->context())
      g.context_ = std::min(g.context_, e->context());
  return g;
}

Status Generator::checkRequest(const std::vector<int64_t> &prompt,
                               uint64_t maxNewTokens) const {
  if (prompt.empty())
    return Status::error("the prompt is empty; generation starts from at "
                         "least one token");
  // A prompt longer than the context is named as such, whatever prefill
  // takes (it is never more than the caches hold in a compiled model).
  if (prompt.size() > context_)
    return Status::error("the prompt has " + std::to_string(prompt.size()) +
                         " tokens, longer than the context of " +
                         std::to_string(context_) +
                         " tokens the KV caches hold");
  if (prompt.size() > prefillT_)
    return Status::error("the prompt has " + std::to_string(prompt.size()) +
                         " tokens, more than the " + std::to_string(prefillT_) +
                         " that " + entryLabel(*prefill_.entry) + " takes");
  for (size_t i = 0; i < prompt.size(); ++i)
    if (prompt[i] < 0 || static_cast<uint64_t>(prompt[i]) >= vocab_)
      return Status::error("prompt token " + std::to_string(i) + " is id " +
                           std::to_string(prompt[i]) +
                           ", outside the vocabulary [0, " +
                           std::to_string(vocab_) + ")");
  if (maxNewTokens > 0 && prompt.size() == context_)
    return Status::error("the prompt (" + std::to_string(prompt.size()) +
                         " tokens) fills the context of " +
                         std::to_string(context_) +
                         " tokens the KV caches hold: no new token fits; "
                         "shorten the prompt");
  if (maxNewTokens > context_ - prompt.size())
    return Status::error("the prompt (" + std::to_string(prompt.size()) +
                         " tokens) and " + std::to_string(maxNewTokens) +
                         " new tokens exceed the context of " +
                         std::to_string(context_) +
                         " tokens the KV caches hold; lower "
                         "--max-new-tokens to at most " +
                         std::to_string(context_ - prompt.size()));
  return Status::ok();
}

StatusOr<std::vector<double>> Generator::run(const Call &call,
                                             const std::vector<int64_t> &ids,
                                             uint64_t position, uint64_t row) {
  std::vector<int64_t> padded(ids);
  padded.resize(call.t, 0);
  std::vector<uint8_t> bytes = integerBytes(call.tokens->desc->dtype, padded);
  MLC_RETURN_IF_ERROR(
      session_->write(call.tokens->buffer, bytes.data(), bytes.size()));
  bytes = integerBytes(call.position->desc->dtype,
                       {static_cast<int64_t>(position)});
  MLC_RETURN_IF_ERROR(
      session_->write(call.position->buffer, bytes.data(), bytes.size()));
  MLC_RETURN_IF_ERROR(session_->run(*call.entry));
  const TensorDesc &desc = *call.logits->desc;
  std::vector<uint8_t> host(desc.byteSize());
  MLC_RETURN_IF_ERROR(
      session_->read(call.logits->buffer, host.data(), host.size()));
  size_t v = static_cast<size_t>(desc.shape[2]);
  std::vector<double> logits(v);
  for (size_t i = 0; i < v; ++i) {
    size_t at = row * v + i;
    if (desc.dtype == DType::f64) {
      double x;
      std::memcpy(&x, host.data() + 8 * at, 8);
      logits[i] = x;
    } else {
      float x;
      std::memcpy(&x, host.data() + 4 * at, 4);
      logits[i] = x;
    }
  }
  return logits;
}

StatusOr<std::vector<double>>
Generator::prefill(const std::vector<int64_t> &prompt) {
  MLC_RETURN_IF_ERROR(checkRequest(prompt, 0));
  MLC_RETURN_IF_ERROR(session_->clearCaches());
  return run(prefill_, prompt, 0, prompt.size() - 1);
}

StatusOr<std::vector<double>> Generator::decode(int64_t token,
                                                uint64_t position) {
  return run(decode_, {token}, position, 0);
}

StatusOr<std::vector<int64_t>>
Generator::generate(const std::vector<int64_t> &prompt, uint64_t maxNewTokens,
                    TokenSampler &sampler,
                    const std::function<void(int64_t)> &onToken) {
  MLC_RETURN_IF_ERROR(checkRequest(prompt, maxNewTokens));
  std::vector<int64_t> generated;
  if (maxNewTokens == 0)
    return generated;
  StatusOr<std::vector<double>> logits = prefill(prompt);
  for (uint64_t n = 0;; ++n) {
    if (!logits.isOk())
      return logits.status();
    StatusOr<int64_t> next = sampler.sample(logits->data(), logits->size());
    if (!next.isOk())
      return next.status().withContext("new token " + std::to_string(n + 1));
    generated.push_back(*next);
    if (onToken)
      onToken(*next);
    if (generated.size() == maxNewTokens)
      return generated;
    logits = decode(*next, prompt.size() + n);
  }
}

} // namespace mlc::rt
