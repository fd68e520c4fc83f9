// Tokenizers and token files: text to integer ids and back, and the
// safetensors files that hold a data set's token stream for language models.
#ifndef MLC_RUNTIME_TOKENIZER_H
#define MLC_RUNTIME_TOKENIZER_H

#include "runtime/Safetensors.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::rt {

/// The byte-level tokenizer: every byte of the text is one token, so the ids
/// are 0..255 and any text (UTF-8 or not) comes back exactly as it was.
class ByteTokenizer {
public:
  /// Its name in a token file's metadata (kTokenizerKey).
  static constexpr const char *kName = "bytes";
  static constexpr int64_t kVocab = 256;

  static std::vector<int32_t> encode(std::string_view text);
  /// The bytes of `count` ids; an id outside [0, 256) is an error naming its
  /// position and value.
  static StatusOr<std::string> decode(const int32_t *ids, size_t count);
};

/// What a token file holds: one 1-D i32 tensor of this name, the token
/// stream, and string metadata under the two keys below.
inline constexpr const char *kTokensTensor = "tokens";
inline constexpr const char *kTokenizerKey = "mlc.tokenizer";
inline constexpr const char *kVocabKey = "mlc.vocab";

/// Writes `tokens` to `path` as a token file, atomically (see
/// writeSafetensors), with `tokenizer` and `vocab` in its metadata. An
/// empty stream is an error: mlc tensors have no empty dimension.
Status writeTokenFile(const std::string &path,
                      const std::vector<int32_t> &tokens,
                      const std::string &tokenizer, int64_t vocab);

/// A token file, mapped rather than copied.
class TokenFile {
public:
  /// Opens `path` and checks that it holds a 1-D i32 tensor `tokens` with at
  /// least one token. Other tensors are allowed; the metadata is optional.
  static StatusOr<TokenFile> open(const std::string &path);

  const std::string &path() const { return file_.path(); }
  uint64_t numTokens() const { return numTokens_; }
  /// The metadata's mlc.tokenizer, or "" when absent.
  std::string tokenizer() const;
  /// Copies tokens [begin, begin + count), which must lie in the file.
  void copy(uint64_t begin, uint64_t count, int32_t *out) const;
  /// An error naming the first id outside [0, vocab), its position and
  /// value, if there is one; `user` says whose vocabulary it is.
  Status checkIds(int64_t vocab, const std::string &user) const;

private:
  SafetensorsFile file_;
  const uint8_t *bytes_ = nullptr; // not aligned: read with memcpy
  uint64_t numTokens_ = 0;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_TOKENIZER_H
