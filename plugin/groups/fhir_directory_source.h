#pragma once
// Groups from a FHIR R4 directory: HealthcareService resources with their Locations (contained,
// or included with _include=HealthcareService:location).
#include <stop_token>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/client/fhir_client.h"
#include "mappings/category_map.h"
#include "plugin/groups/group.h"
#include "plugin/groups/read_bounds.h"

namespace selvhjelp::plugin {

// What a directory read gave: its groups, and the services left out (one line each naming the
// source, the record and the field: "regional:12: HealthcareService/x1.availableTime[0].
// availableStartTime: expected a FHIR time, HH:MM:SS"). Unsafe links are left out of a service that
// is kept, and reported the same way.
struct SourceContent {
  std::vector<Group> groups;
  std::vector<std::string> rejected;
};

// The groups in a searchset Bundle. Reads what selvhjelp's own export writes (themes, 12-step,
// format and audience in our CodeSystems) and the common R4 elements of any directory: name,
// providedBy.display, communication, telecom, weekly availableTime, the Location's address
// (municipality from the no-basis extension on district), position, and the HTEST tag.
// Other directories' codes in category, type, specialty and characteristic mean what
// `categories` says for "system|code" (may be null). Inactive services are left out. A service
// with a malformed element it needs (id, availableTime, position) is rejected alone and reported
// in `rejected`; the rest of the directory is kept. InvalidArgument when `bundle` is not a Bundle.
[[nodiscard]] Result<SourceContent> GroupsFromFhirBundle(const fhir::JsonValue& bundle,
                                                              const std::string& source,
                                                              const mappings::CategoryMap* categories);

// Reads every active HealthcareService from `base_url` (following next links) and converts it.
// Blocks the calling thread until done: for the refresher and the command line, never a request
// handler. Errors as FhirClient::Read.
// Within `bounds`: pages followed, HealthcareServices in all, the bytes of all pages (a page
// announcing more than is left is not read); past one, ResourceExhausted. Once `stop` is requested
// the wait ends at once (Unavailable "cancelled"); the call itself ends when the client is
// destroyed, which cancels it.
[[nodiscard]] Result<SourceContent> FetchFhirDirectory(fhir::FhirClient& client,
                                                            const std::string& base_url,
                                                            const std::string& bearer_token,
                                                            const std::string& source,
                                                            const mappings::CategoryMap* categories,
                                                            const ReadBounds& bounds = {}, std::stop_token stop = {});

}  // namespace selvhjelp::plugin
