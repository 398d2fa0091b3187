#pragma once
// FHIR R4 OperationOutcome: building one for callers, recognising one in received data.
#include <string>
#include <vector>

#include "fhir/base/status.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

struct OutcomeIssue {
  std::string severity = "error";  // fatal | error | warning | information
  std::string code = "invalid";    // FHIR issue-type code: invalid, required, value, login, ...
  std::string diagnostics;         // for people; never patient data
  std::string expression;          // FHIRPath-style location such as "context.patientId"; optional
};

JsonValue MakeOperationOutcome(const std::vector<OutcomeIssue>& issues);

// The FHIR issue-type code that fits a Status code (invalid, login, forbidden, not-found, ...).
std::string IssueTypeFor(StatusCode code);

// True for an OperationOutcome resource, or a Bundle whose entries include one (CDS Hooks 2.0
// lets a client send either when a prefetch query failed).
bool IsOrContainsOperationOutcome(const JsonValue& value);

}  // namespace selvhjelp::fhir
