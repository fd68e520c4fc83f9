// Token-window inputs fed from a token file.
#include "runtime/TokenWindows.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt {

StatusOr<TokenWindows> TokenWindows::open(const std::string &path,
                                          const Entry &entry,
                                          WindowLayout layout) {
  StatusOr<TokenFile> file = TokenFile::open(path);
  if (!file.isOk())
    return file.status().withContext("the inputs of entry point '" +
                                     entry.name() +
                                     "' are token windows (mlc.shift)");
  TokenWindows windows(std::move(file).value());
  MLC_RETURN_IF_ERROR(windows.bind(entry, layout));
  return windows;
}

Status TokenWindows::bind(const Entry &entry, WindowLayout layout) {
  std::string label = "entry point '" + entry.name() + "'";
  if (entry.inputs().empty())
    return Status::error(path() + ": " + label + " takes no inputs");
  size_t furthest = 0; // the input that reads furthest into the stream
  for (const BoundBuffer &b : entry.inputs()) {
    // The loader checked that all inputs are [B, T] token windows.
    if (!b.tokenWindow || b.desc->shape.size() != 2)
      return Status::internal(label + " input '" + b.name +
                              "' is not a token window");
    auto length = static_cast<uint64_t>(b.desc->shape[1]);
    if (b.shift + length > span_) {
      span_ = b.shift + length;
      furthest = inputs_.size();
    }
    inputs_.push_back({b.name, b.buffer, b.shift, length, b.desc->dtype});
    length_ = std::max(length_, length);
  }
  if (numTokens() < span_)
    return Status::error(path() + " holds " + std::to_string(numTokens()) +
                         " tokens, fewer than one window: input '" +
                         inputs_[furthest].name + "' of " + label +
                         " reads tokens [start + " +
                         std::to_string(inputs_[furthest].shift) +
                         ", start + " + std::to_string(span_) +
                         "), so a window needs " + std::to_string(span_));
  MLC_RETURN_IF_ERROR(
      file_.checkIds(static_cast<int64_t>(entry.inputs()[0].vocab),
                     "the token inputs of " + label + " (mlc.vocab)"));
  stride_ = layout == WindowLayout::Consecutive ? length_ : 1;
  numWindows_ = (numTokens() - span_) / stride_ + 1;
  return Status::ok();
}

uint64_t TokenWindows::numConsecutiveWindows() const {
  return (numTokens() - span_) / length_ + 1;
}

Status TokenWindows::load(Session &session,
                          const std::vector<uint64_t> &windows) {
  for (uint64_t w : windows)
    if (w >= numWindows_)
      return Status::error("window " + std::to_string(w) + " is outside " +
                           path() + " (" + std::to_string(numWindows_) +
                           " windows)");
  for (const Input &input : inputs_)
    MLC_RETURN_IF_ERROR(fill(session, input, windows));
  return Status::ok();
}

Status TokenWindows::fill(Session &session, const Input &input,
                          const std::vector<uint64_t> &windows) {
  size_t count = windows.size() * input.length;
  MLC_RETURN_IF_ERROR(resizeOrFail(ids_, count, "a batch of " + path()));
  for (size_t row = 0; row < windows.size(); ++row)
    file_.copy(start(windows[row]) + input.shift, input.length,
               ids_.data() + row * input.length);
  if (input.dtype == DType::i32)
    return session.write(input.buffer, ids_.data(), count * sizeof(int32_t));
  MLC_RETURN_IF_ERROR(
      resizeOrFail(staging_, count * sizeof(int64_t), "a batch of " + path()));
  for (size_t i = 0; i < count; ++i) {
    int64_t wide = ids_[i];
    std::memcpy(staging_.data() + i * sizeof(int64_t), &wide, sizeof wide);
  }
  return session.write(input.buffer, staging_.data(), staging_.size());
}

} // namespace mlc::rt
