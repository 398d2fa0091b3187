#include "plugin/http/error_response.h"

#include "fhir/json/json_writer.h"
#include "fhir/r4/operation_outcome.h"

namespace selvhjelp::plugin {

HttpError ToHttpError(const Status& status, const std::string& request_id) {
  int http = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument: http = 400; break;
    case StatusCode::kUnauthenticated: http = 401; break;
    case StatusCode::kPermissionDenied: http = 403; break;
    case StatusCode::kNotFound: http = 404; break;
    case StatusCode::kFailedPrecondition: http = 412; break;
    case StatusCode::kResourceExhausted: http = 413; break;
    case StatusCode::kAlreadyExists: http = 409; break;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: http = 503; break;
    default: http = 500;
  }
  fhir::OutcomeIssue issue;
  issue.code = fhir::IssueTypeFor(status.code());
  if (http == 401) {
    issue.diagnostics = "authentication required";  // the reason is logged, never sent
  } else if (http == 503) {
    // What is unavailable (a store that is full, a setting that is missing, a peer that does not
    // answer) is the caller's to know: messages name no patient data (status.h).
    issue.diagnostics = status.message() + "; request id " + request_id;
  } else if (http >= 500) {
    issue.diagnostics = "internal error; request id " + request_id;
  } else {
    issue.diagnostics = status.message();
    size_t colon = status.message().find(": ");
    std::string field = status.message().substr(0, colon);
    if (colon != std::string::npos && field.find(' ') == std::string::npos && field.front() != '(') {
      issue.expression = field;
    }
    if (status.message().find(": required") != std::string::npos) issue.code = "required";
  }
  return {http, fhir::WriteJson(fhir::MakeOperationOutcome({issue}))};
}

}  // namespace selvhjelp::plugin
