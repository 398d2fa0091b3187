#pragma once
// The launch user's HPR number (Helsepersonellregisteret) when the launch's claims do not carry
// it: read from the user's Practitioner resource (SMART `fhirUser`) at the EHR, as DIPS Arena
// and no-basis give it in Practitioner.identifier (system urn:oid:2.16.578.1.12.4.1.4.4).
#include <string>
#include <string_view>

#include "fhir/json/json_value.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

// The HPR number among a Practitioner's identifiers (one to nine digits); empty when none.
std::string HprOfPractitioner(const fhir::JsonValue& practitioner);

// GETs `fhir_user` ("Practitioner/<id>", or an absolute URL under `iss`) from the EHR at `iss`
// with the launch's bearer token, and returns its HPR number. Empty, never an error, when the
// user is not a Practitioner, the URL is not under `iss` (the token goes only to the EHR that
// issued it), or the read fails: the launch goes on without an HPR number. Blocks for one call.
std::string ReadPractitionerHpr(const HttpSend& send, std::string_view iss, std::string_view fhir_user,
                                std::string_view access_token);

}  // namespace selvhjelp::plugin
