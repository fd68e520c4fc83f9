// Errors as values across the runtime API: Status and StatusOr<T>.
#ifndef MLC_RUNTIME_STATUS_H
#define MLC_RUNTIME_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace mlc::rt {

/// Success, or an error with a message a user can act on.
class [[nodiscard]] Status {
public:
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.failed_ = true;
    return s;
  }

  bool isOk() const { return !failed_; }
  explicit operator bool() const { return isOk(); }
  const std::string &message() const { return message_; }

  /// The same error with "context: " in front of its message.
  Status withContext(const std::string &context) const {
    if (isOk())
      return *this;
    return error(context + ": " + message_);
  }

private:
  bool failed_ = false;
  std::string message_;
};

/// A value or the Status that explains why there is none.
template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(T value) : value_(std::move(value)) {}
  StatusOr(Status status) : status_(std::move(status)) {
    assert(!status_.isOk() && "StatusOr needs a value or an error");
  }

  bool isOk() const { return status_.isOk(); }
  explicit operator bool() const { return isOk(); }
  const Status &status() const { return status_; }

  T &value() & { return *value_; }
  const T &value() const & { return *value_; }
  T &&value() && { return std::move(*value_); }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T &operator*() & { return *value_; }

private:
  Status status_;
  std::optional<T> value_;
};

} // namespace mlc::rt

/// Returns early from the enclosing function if `expr` is an error.
#define MLC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    ::mlc::rt::Status mlcStatus_ = (expr);                                     \
    if (!mlcStatus_.isOk())                                                    \
      return mlcStatus_;                                                       \
  } while (false)

#endif // MLC_RUNTIME_STATUS_H
