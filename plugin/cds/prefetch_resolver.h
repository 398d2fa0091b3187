#pragma once
// Resolves the data a hook decision needs: from the request's prefetch where the client sent it,
// otherwise from the client's FHIR server with the token from fhirAuthorization.
#include <functional>
#include <map>
#include <string>

#include "fhir/base/result.h"
#include "fhir/client/fhir_client.h"
#include "plugin/cds/cds_request.h"

namespace selvhjelp::plugin {

// Key -> resource or Bundle; null where there is no data; absent where an optional key could not
// be had (not sent or sent as an error, and not readable from the FHIR server), so a decision
// can tell "none" from "unknown".
using ResolvedData = std::map<std::string, fhir::JsonValue>;

// Fills `query`'s tokens from the request; nullopt when a token has no value here (for example
// {{userPractitionerId}} when the user is not a Practitioner).
std::optional<std::string> ExpandTemplate(const std::string& query, const CdsRequest& request);

// Each prefetch key is in one of four states (CDS Hooks 2.0.1):
//   data (a resource or Bundle)        -> used as it is;
//   null, or a Bundle with no entries  -> no data, and not queried again;
//   an OperationOutcome (or a Bundle holding one), or anything that is not FHIR -> the client
//                                         failed: fetched from the FHIR server when possible;
//   absent                             -> fetched from the FHIR server when possible.
// Fetching needs fhirServer and fhirAuthorization. A required key that cannot be had ends in
// FailedPrecondition (HTTP 412); an optional one is left out of the result. Calls `done` exactly once, possibly
// on another thread, never blocking the caller. Prefetched values are moved out of
// `request.prefetch` (not copied). `client` must outlive the call.
void ResolvePrefetch(CdsRequest& request, const HookService& service,
                     fhir::FhirClient& client, const fhir::FhirReadOptions& options,
                     std::function<void(Result<ResolvedData>)> done);

}  // namespace selvhjelp::plugin
