#include "fhir/base/status.h"

namespace selvhjelp {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string_view IssueTypeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "invalid";
    case StatusCode::kUnauthenticated: return "login";
    case StatusCode::kPermissionDenied: return "forbidden";
    case StatusCode::kNotFound: return "not-found";
    case StatusCode::kResourceExhausted: return "too-costly";
    case StatusCode::kAlreadyExists: return "conflict";
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnavailable: return "transient";
    case StatusCode::kDeadlineExceeded: return "timeout";
    default: return "exception";
  }
}

Issue FieldIssue(std::string_view field, std::string_view what, std::string_view code) {
  return Issue{"error", std::string(code), std::string(field), std::string(field) + ": " + std::string(what)};
}

Status::Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
  if (code_ != StatusCode::kOk) issues_.push_back(Issue{"error", std::string(IssueTypeFor(code_)), "", message_});
}

Status::Status(StatusCode code, std::vector<Issue> issues) : code_(code), issues_(std::move(issues)) {
  for (const Issue& issue : issues_) {
    if (!message_.empty()) message_ += '\n';
    message_ += issue.diagnostics;
  }
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

Status FieldError(std::string_view field, std::string_view what) {
  return Status(StatusCode::kInvalidArgument, std::vector<Issue>{FieldIssue(field, what)});
}

Status RequiredFieldError(std::string_view field, std::string_view detail) {
  std::string what = detail.empty() ? "required" : "required " + std::string(detail);
  return Status(StatusCode::kInvalidArgument, std::vector<Issue>{FieldIssue(field, what, "required")});
}

bool IssueCollector::Merge(const Status& status) {
  for (const Issue& issue : status.issues()) issues_.push_back(issue);
  return status.ok();
}

Status IssueCollector::ToStatus(StatusCode code) const {
  if (issues_.empty()) return OkStatus();
  return Status(code, issues_);
}

}  // namespace selvhjelp
