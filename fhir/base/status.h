#pragma once
// Status: the outcome of an operation that can fail, after abseil's canonical codes.
// Library code returns Status or Result<T> and never throws across its API.
#include <string>
#include <string_view>
#include <utility>

namespace selvhjelp {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (HTTP 400)
  kNotFound,            // no such thing (HTTP 404)
  kUnauthenticated,     // credentials missing or wrong (HTTP 401)
  kPermissionDenied,    // authenticated but not allowed (HTTP 403)
  kFailedPrecondition,  // required data cannot be had (HTTP 412 on hook calls)
  kAlreadyExists,       // the id is taken by something different (HTTP 409)
  kResourceExhausted,   // a configured limit was exceeded (HTTP 413)
  kUnavailable,         // a peer could not be reached (retryable)
  kDeadlineExceeded,    // a peer did not answer in time
  kInternal,            // a bug or an environment fault (HTTP 500)
};

// Returns the canonical name ("INVALID_ARGUMENT", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Never contains patient data: messages name fields, files, lines and ids only.
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status UnauthenticatedError(std::string message);
Status PermissionDeniedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AlreadyExistsError(std::string message);
Status ResourceExhaustedError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status InternalError(std::string message);

}  // namespace selvhjelp
