#pragma once
// Status: the outcome of an operation that can fail, after abseil's canonical codes, with the
// problems it found kept apart as issues (after google/fhir's ErrorHandler), so a caller can name
// every problem in one FHIR OperationOutcome without reading the message text back.
// Library code returns Status or Result<T> and never throws across its API.
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

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

// The FHIR issue-type code that fits a Status code (invalid, login, forbidden, not-found, ...).
std::string_view IssueTypeFor(StatusCode code);

// One problem, as a FHIR OperationOutcome.issue has it. Never patient data.
struct Issue {
  std::string severity = "error";  // fatal | error | warning | information
  std::string code = "invalid";    // FHIR issue-type code: invalid, required, value, login, ...
  std::string expression;          // FHIRPath of the element, e.g. "context.patientId"; may be empty
  std::string diagnostics;         // for people: "context.patientId: not a FHIR id", "file:3: x: ..."
};

// An issue about `field`: expression `field`, diagnostics "<field>: <what>", code `code`.
Issue FieldIssue(std::string_view field, std::string_view what, std::string_view code = "invalid");

class [[nodiscard]] Status {
 public:
  Status() = default;
  // One issue: code IssueTypeFor(code), no expression, diagnostics `message`.
  Status(StatusCode code, std::string message);
  // Several issues (at least one for a non-OK code); message() joins their diagnostics by '\n'.
  Status(StatusCode code, std::vector<Issue> issues);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Never contains patient data: messages name fields, files, lines and ids only.
  const std::string& message() const { return message_; }
  // Every problem found, in the order found; empty when ok().
  const std::vector<Issue>& issues() const { return issues_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<Issue> issues_;
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

// InvalidArgument with one FieldIssue(field, what): "<field>: <what>", expression `field`.
Status FieldError(std::string_view field, std::string_view what);
// InvalidArgument with one issue of code "required": "<field>: required" and, when given,
// " <detail>" ("patient: required", "level: required (written, conversation or brokered)").
Status RequiredFieldError(std::string_view field, std::string_view detail = {});

// Collects the issues of a validation that goes on after the first problem, so that one answer
// names them all. Not thread-safe.
class IssueCollector {
 public:
  void Add(Issue issue) { issues_.push_back(std::move(issue)); }
  // Adds every issue of a non-OK `status`; returns status.ok().
  bool Merge(const Status& status);
  // The value of `result`, or std::nullopt after adding its issues.
  template <typename R>
  auto Take(R&& result) -> std::optional<std::decay_t<decltype(std::forward<R>(result).value())>> {
    if (!Merge(result.status())) return std::nullopt;
    return std::forward<R>(result).value();
  }
  bool empty() const { return issues_.empty(); }
  size_t size() const { return issues_.size(); }
  const std::vector<Issue>& issues() const { return issues_; }
  // OK when empty; otherwise `code` (InvalidArgument by default) with every issue collected.
  Status ToStatus(StatusCode code = StatusCode::kInvalidArgument) const;

 private:
  std::vector<Issue> issues_;
};

}  // namespace selvhjelp
