#pragma once
// The one place where a Status becomes an HTTP status and an OperationOutcome body.
#include <string>

#include "fhir/base/status.h"

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

}  // namespace selvhjelp::plugin
