#pragma once
// FHIR R4 OperationOutcome: building one for callers, recognising one in received data.
#include <string>
#include <vector>

#include "fhir/base/status.h"
#include "fhir/json/json_value.h"
#include "fhir/json/parsed_json.h"

namespace selvhjelp::fhir {

// One issue of the outcome: the Issue a Status carries (fhir/base/status.h).
using OutcomeIssue = ::selvhjelp::Issue;

// An OperationOutcome with one `issue` per element of `issues`, in order (severity, code,
// diagnostics when not empty, expression as a one-element list when not empty).
JsonValue MakeOperationOutcome(const std::vector<OutcomeIssue>& issues);

// True for an OperationOutcome resource, or a Bundle whose entries include one (CDS Hooks 2.0
// lets a client send either when a prefetch query failed).
bool IsOrContainsOperationOutcome(JsonRef value);

}  // namespace selvhjelp::fhir
