// Token windows: the inputs of a language model (mlc.shift) fed from one
// token stream, each batch row a window of it at the input's shift.
#ifndef MLC_RUNTIME_TOKENWINDOWS_H
#define MLC_RUNTIME_TOKENWINDOWS_H

#include "runtime/Session.h"
#include "runtime/Tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlc::rt {

/// Which windows of a token stream are the samples that steps pick.
enum class WindowLayout {
  /// A window may start at any token: N - span + 1 overlapping windows, for
  /// random sampling (with replacement or shuffled).
  EveryStart,
  /// Consecutive windows of T tokens that do not overlap: window i starts at
  /// token i * T. For sequential reading and evaluation.
  Consecutive,
};

/// The token-window inputs of one entry point bound to a token file. With
/// inputs of T_j tokens at shifts K_j, a window starting at token s feeds
/// input j the tokens [s + K_j, s + K_j + T_j); it reads `span` = max(K_j +
/// T_j) tokens and is `length` = max(T_j) long.
class TokenWindows {
public:
  /// Opens `path` (see TokenFile::open) for the inputs of `entry`, which
  /// must all be token windows. Refuses a file that is shorter than one
  /// window, or that holds an id outside the inputs' vocabulary (naming the
  /// first such token and its value): every id is checked here, once.
  static StatusOr<TokenWindows> open(const std::string &path,
                                     const Entry &entry, WindowLayout layout);

  const std::string &path() const { return file_.path(); }
  uint64_t numTokens() const { return file_.numTokens(); }
  uint64_t numWindows() const { return numWindows_; }
  uint64_t span() const { return span_; }
  uint64_t length() const { return length_; }
  /// The number of consecutive windows, whatever the layout: how many
  /// samples make one pass over the tokens.
  uint64_t numConsecutiveWindows() const;
  /// The first token of window `window`.
  uint64_t start(uint64_t window) const { return window * stride_; }

  /// Fills each input's batch row b with window `windows[b]`; there must be
  /// one window per batch row.
  Status load(Session &session, const std::vector<uint64_t> &windows);

private:
  struct Input {
    std::string name;
    uint32_t buffer;
    uint64_t shift, length;
    DType dtype;
  };
  TokenWindows(TokenFile file) : file_(std::move(file)) {}
  Status bind(const Entry &entry, WindowLayout layout);
  Status fill(Session &session, const Input &input,
              const std::vector<uint64_t> &windows);

  TokenFile file_;
  std::vector<Input> inputs_;
  std::vector<int32_t> ids_;
  std::vector<uint8_t> staging_;
  uint64_t span_ = 0, length_ = 0, stride_ = 1, numWindows_ = 0;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_TOKENWINDOWS_H
