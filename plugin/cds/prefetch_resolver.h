#pragma once
// Resolves the data a hook decision needs: from the request's prefetch where the client sent it,
// otherwise from the client's FHIR server with the token from fhirAuthorization.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/client/fhir_client.h"
#include "plugin/cds/cds_request.h"

namespace selvhjelp::plugin {

// Key -> resource or Bundle; null where there is no data; absent where an optional key could not
// be had (not sent or sent as an error, and not readable from the FHIR server), so a decision
// can tell "none" from "unknown". Values read from the FHIR server are kept here; values from
// the request's prefetch are views into the request's document. Move-only; not thread-safe while
// being set, and safe to read from any thread afterwards.
class ResolvedData {
 public:
  // Sets `key` to `value`, kept here.
  void Set(std::string_view key, fhir::JsonValue value);
  // Sets `key` to a view: what `value` refers to must outlive this.
  void SetView(std::string_view key, fhir::JsonRef value);
  // Sets `key` to null: no data.
  void SetNull(std::string_view key);
  // The value of `key`; absent when it has none.
  fhir::JsonRef Find(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, fhir::JsonRef>> values_;
  std::vector<std::unique_ptr<const fhir::JsonValue>> kept_;  // what Set was given
};

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
// on another thread, never blocking the caller. Prefetched values are views into
// `request.document` (not copied): the request must outlive the data. `client` must outlive the call.
void ResolvePrefetch(CdsRequest& request, const HookService& service,
                     fhir::FhirClient& client, const fhir::FhirReadOptions& options,
                     std::function<void(Result<ResolvedData>)> done);

}  // namespace selvhjelp::plugin
