#pragma once
// The FHIR read of one group, GET /directory/HealthcareService/{id}, without the transport: the
// resource with its version (ETag) and its source's last confirmation (Last-Modified), or "not
// modified" when the caller's If-None-Match names the current version.
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/groups/group_directory.h"
#include "plugin/groups/source_confirmations.h"

namespace selvhjelp::plugin {

struct ServiceRead {
  bool not_modified = false;   // If-None-Match named this version: answer 304 without a body
  std::string etag;            // W/"<meta.versionId>"
  std::string last_modified;   // an HTTP date (the source's last confirmation); empty when unknown
  fhir::JsonValue resource;    // the HealthcareService (null when not_modified)
};

// Reads group `id` (its HealthcareServiceId). `if_none_match`: the request's If-None-Match
// ("*" or a list of entity tags, compared weakly), empty when absent. `confirmations` may be null
// (no lastUpdated, no Last-Modified). NotFound naming the id when the directory has no such group.
[[nodiscard]] Result<ServiceRead> ReadHealthcareService(const GroupDirectory& directory,
                                                        const SourceConfirmations* confirmations,
                                                        std::string_view id, std::string_view if_none_match);

// "Sun, 29 Nov 2026 04:14:13 GMT" (RFC 9110 IMF-fixdate) for seconds since the epoch.
std::string HttpDate(int64_t seconds);

// True when an If-None-Match value ("*", or entity tags separated by commas, weak or strong)
// names `etag` by weak comparison (W/"x" and "x" are the same).
bool NoneMatchNames(std::string_view if_none_match, std::string_view etag);

}  // namespace selvhjelp::plugin
