#pragma once
// The one place where a Status becomes an HTTP status and an OperationOutcome body.
#include <string>
#include <vector>

#include "fhir/base/status.h"
#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

struct HttpError {
  int status;
  std::string body;  // an OperationOutcome
};

// InvalidArgument 400, PermissionDenied 403, NotFound 404, FailedPrecondition 412,
// ResourceExhausted 413, AlreadyExists 409: one OperationOutcome issue per issue of `status`
// (its code, expression and diagnostics). Unauthenticated 401 with no detail;
// Unavailable/DeadlineExceeded 503 with the message (what is unavailable: a full store, a missing
// setting) and the request id; anything else 500 with the request id only.
HttpError ToHttpError(const Status& status, const std::string& request_id);

// The media type of every OperationOutcome we answer with.
inline constexpr const char* kOperationOutcomeType = "application/fhir+json; charset=utf-8";

// Answers `exchange` with `body` as `content_type` and `status`, plus `headers`.
void ReplyWith(HttpExchange& exchange, int status, std::string body, const char* content_type,
               std::vector<HttpHeader> headers = {});

// Answers `exchange` with ToHttpError(status) as an OperationOutcome, plus `headers`. A 5xx answer
// is logged with the request id and the status's message, so the operator learns why (a missing
// setting, a full store, a peer down); messages carry no patient data (status.h).
void ReplyWithError(HttpExchange& exchange, const Status& status, std::vector<HttpHeader> headers = {});

}  // namespace selvhjelp::plugin
