// Errors as values across the runtime API: Status and StatusOr<T>.
#ifndef MLC_RUNTIME_STATUS_H
#define MLC_RUNTIME_STATUS_H

#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mlc::rt {

/// What kind of failure a Status reports, so that a caller can tell a bad
/// file from a machine out of memory without parsing the message.
enum class StatusCode {
  Ok,
  InvalidInput, // a file, an argument or a value the caller passed in
  OutOfMemory,  // an allocation (host or device) failed
  Unavailable,  // a peer or a resource (disk space, file handles) is missing
  Internal,     // an invariant of the runtime itself is broken
};

/// Success, or an error with a message a user can act on.
class [[nodiscard]] Status {
public:
  static Status ok() { return Status(); }
  /// An error in what the caller gave (InvalidInput).
  static Status error(std::string message) {
    return withCode(StatusCode::InvalidInput, std::move(message));
  }
  static Status outOfMemory(std::string message) {
    return withCode(StatusCode::OutOfMemory, std::move(message));
  }
  static Status unavailable(std::string message) {
    return withCode(StatusCode::Unavailable, std::move(message));
  }
  static Status internal(std::string message) {
    return withCode(StatusCode::Internal, std::move(message));
  }

  bool isOk() const { return code_ == StatusCode::Ok; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string &message() const { return message_; }

  /// The same error, with the same code, with "context: " in front of its
  /// message.
  Status withContext(const std::string &context) const {
    if (isOk())
      return *this;
    return withCode(code_, context + ": " + message_);
  }

private:
  static Status withCode(StatusCode code, std::string message) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    return s;
  }

  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

/// A value or the Status that explains why there is none. It holds a value
/// exactly when isOk(): built from an OK status (a bug in the caller), it
/// holds an Internal error instead, in every build type.
template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(T value) : value_(std::move(value)) {}
  StatusOr(Status status) : status_(std::move(status)) {
    if (status_.isOk())
      status_ = Status::internal(
          "a StatusOr was built from an OK status, without a value");
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

/// Resizes `v` to `n` elements. A failed allocation (a hostile or simply
/// too large size) becomes an OutOfMemory Status naming `what`, instead of
/// a std::bad_alloc escaping the runtime.
template <typename T>
Status resizeOrFail(std::vector<T> &v, size_t n, const std::string &what) {
  try {
    v.resize(n);
  } catch (const std::bad_alloc &) {
    return Status::outOfMemory("out of host memory allocating " +
                               std::to_string(n * sizeof(T)) + " bytes for " +
                               what);
  } catch (const std::length_error &) {
    return Status::outOfMemory(what + " is too large (" + std::to_string(n) +
                               " elements)");
  }
  return Status::ok();
}

} // namespace mlc::rt

/// Returns early from the enclosing function if `expr` is an error.
#define MLC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    ::mlc::rt::Status mlcStatus_ = (expr);                                     \
    if (!mlcStatus_.isOk())                                                    \
      return mlcStatus_;                                                       \
  } while (false)

#endif // MLC_RUNTIME_STATUS_H
