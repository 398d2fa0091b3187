#pragma once
// CdsRequest: a validated CDS Hooks service request (2.0.1; 1.0-shaped requests are accepted).
#include <memory>
#include <optional>
#include <string>

#include "fhir/base/result.h"
#include "fhir/json/parsed_json.h"
#include "plugin/cds/hook_definitions.h"

namespace selvhjelp::plugin {

struct CdsRequest {
  std::string hook;
  std::string hook_instance;
  std::string fhir_server;   // empty when not sent
  std::string access_token;  // from fhirAuthorization; never logged or stored
  std::string user_id;       // "Practitioner/123"
  std::string patient_id;
  std::string encounter_id;  // empty when not sent
  std::shared_ptr<const fhir::ParsedJson> document;  // the request's body, kept for `prefetch`
  fhir::JsonRef prefetch;  // the object as sent (into `document`); absent when not sent
};

// Validates `body` against `service`. InvalidArgument with one issue per problem found
// (expression = the field as a path, e.g. "context.patientId"; diagnostics "<field>: <what>";
// code "required" for a missing field), for: a body that is not an object; hook missing or not the service's
// hook; hookInstance missing; context missing or lacking a field the hook requires; userId not
// "Type/id"; fhirAuthorization without fhirServer or without access_token/token_type Bearer;
// fhirServer not an https URL (http only when `allow_http_fhir_server`); prefetch not an object.
// The request keeps `body`: its prefetch (often most of it) is read in place, not copied.
[[nodiscard]] Result<CdsRequest> ParseCdsRequest(std::shared_ptr<const fhir::ParsedJson> body,
                                                 const HookService& service,
                                                 bool allow_http_fhir_server);

}  // namespace selvhjelp::plugin
