#include "plugin/http/error_response.h"

#include "fhir/json/json_writer.h"
#include "fhir/r4/operation_outcome.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {

namespace {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kFailedPrecondition: return 412;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return 503;
    default: return 500;
  }
}

}  // namespace

HttpError ToHttpError(const Status& status, const std::string& request_id) {
  const int http = HttpStatusFor(status.code());
  std::vector<Issue> issues;
  if (http == 401) {
    // The reason is logged, never sent.
    issues.push_back(Issue{"error", "login", "", "authentication required"});
  } else if (http >= 500) {
    // What is unavailable (a store that is full, a setting that is missing, a peer that does not
    // answer) is the caller's to know: messages name no patient data (status.h). Anything else
    // is a fault of ours, told by its request id only.
    const std::string what = http == 503 ? status.message() + "; " : std::string("internal error; ");
    issues.push_back(Issue{"error", std::string(IssueTypeFor(status.code())), "", what + "request id " + request_id});
  } else {
    issues = status.issues();
  }
  return {http, fhir::WriteJson(fhir::MakeOperationOutcome(issues))};
}

void ReplyWith(HttpExchange& exchange, int status, std::string body, const char* content_type,
               std::vector<HttpHeader> headers) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = content_type;
  reply.body = std::move(body);
  reply.headers = std::move(headers);
  exchange.Reply(std::move(reply));
}

void ReplyWithError(HttpExchange& exchange, const Status& status, std::vector<HttpHeader> headers) {
  HttpError error = ToHttpError(status, exchange.id());
  if (error.status >= 500) {
    Log(LogLevel::kError, "http.failed",
        "request " + exchange.id() + " answered " + std::to_string(error.status) + ": " + status.ToString(),
        exchange.trace().trace_id);
  }
  ReplyWith(exchange, error.status, std::move(error.body), kOperationOutcomeType, std::move(headers));
}

}  // namespace selvhjelp::plugin
