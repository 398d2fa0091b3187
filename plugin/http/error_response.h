#pragma once
// The one place where a Status becomes an HTTP status and an OperationOutcome body.
#include <string>

#include "fhir/base/status.h"

namespace selvhjelp::plugin {

struct HttpError {
  int status;
  std::string body;  // an OperationOutcome
};

// InvalidArgument 400 (expression = the field named before ": "), Unauthenticated 401 (no
// detail), PermissionDenied 403, NotFound 404, FailedPrecondition 412, ResourceExhausted 413,
// Unavailable/DeadlineExceeded 503 (the message says what is unavailable: a full store, a missing
// setting), anything else 500 with the request id only.
HttpError ToHttpError(const Status& status, const std::string& request_id);

}  // namespace selvhjelp::plugin
