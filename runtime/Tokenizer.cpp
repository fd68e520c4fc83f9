// The byte-level tokenizer and token files.
#include "runtime/Tokenizer.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt {

std::vector<int32_t> ByteTokenizer::encode(std::string_view text) {
  std::vector<int32_t> ids(text.size());
  for (size_t i = 0; i < text.size(); ++i)
    ids[i] = static_cast<unsigned char>(text[i]);
  return ids;
}

StatusOr<std::string> ByteTokenizer::decode(const int32_t *ids, size_t count) {
  std::string text(count, '\0');
  for (size_t i = 0; i < count; ++i) {
    if (ids[i] < 0 || ids[i] >= kVocab)
      return Status::error("token " + std::to_string(i) + " is " +
                           std::to_string(ids[i]) +
                           ", not a byte (the byte tokenizer's ids are 0 to " +
                           std::to_string(kVocab - 1) + ")");
    text[i] = static_cast<char>(static_cast<unsigned char>(ids[i]));
  }
  return text;
}

Status writeTokenFile(const std::string &path,
                      const std::vector<int32_t> &tokens,
                      const std::string &tokenizer, int64_t vocab) {
  if (tokens.empty())
    return Status::error(path + ": no tokens to write (mlc tensors are "
                                "never empty)");
  TensorDesc desc{DType::i32, {static_cast<int64_t>(tokens.size())}};
  return writeSafetensors(
      path, {{kTokensTensor, desc, tokens.data()}},
      {{kTokenizerKey, tokenizer}, {kVocabKey, std::to_string(vocab)}});
}

StatusOr<TokenFile> TokenFile::open(const std::string &path) {
  StatusOr<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file.isOk())
    return file.status();
  TokenFile tf;
  tf.file_ = std::move(file).value();
  const SafetensorsEntry *t = tf.file_.find(kTokensTensor);
  if (!t)
    return Status::error(
        path + " is not a token file: it has no tensor '" + kTokensTensor +
        "' (a 1-D i32 token stream; mlc-data tokenize writes one). The file "
        "has: " +
        tf.file_.listing());
  if (t->desc.shape.size() != 1 || t->desc.dtype != DType::i32)
    return Status::error(path + ": tensor '" + kTokensTensor + "' is " +
                         t->desc.str() +
                         "; a token stream is a 1-D tensor of i32 [N]");
  if (t->desc.shape[0] == 0)
    return Status::error(path + " holds no tokens");
  tf.bytes_ = t->data;
  tf.numTokens_ = static_cast<uint64_t>(t->desc.shape[0]);
  return tf;
}

std::string TokenFile::tokenizer() const {
  auto it = file_.metadata().find(kTokenizerKey);
  return it == file_.metadata().end() ? "" : it->second;
}

void TokenFile::copy(uint64_t begin, uint64_t count, int32_t *out) const {
  std::memcpy(out, bytes_ + begin * sizeof(int32_t), count * sizeof(int32_t));
}

Status TokenFile::checkIds(int64_t vocab, const std::string &user) const {
  constexpr uint64_t kChunk = 4096;
  int32_t ids[kChunk];
  for (uint64_t begin = 0; begin < numTokens_; begin += kChunk) {
    uint64_t count = std::min(kChunk, numTokens_ - begin);
    copy(begin, count, ids);
    for (uint64_t i = 0; i < count; ++i)
      if (ids[i] < 0 || ids[i] >= vocab)
        return Status::error(path() + ": token " + std::to_string(begin + i) +
                             " is " + std::to_string(ids[i]) +
                             ", outside the vocabulary [0, " +
                             std::to_string(vocab) + ") of " + user);
  }
  return Status::ok();
}

} // namespace mlc::rt
