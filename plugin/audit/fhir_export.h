#pragma once
// Reads what the audit needs from a FHIR server (a department's worth) with paging, into a folder
// of NDJSON files in the Bulk Data layout, so one evaluator serves both inputs.
#include <filesystem>
#include <functional>
#include <string>

#include "fhir/base/status.h"
#include "plugin/auth/access_token_source.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

// GETs Patient, EpisodeOfCare, Encounter, Condition, RelatedPerson and Communication (ours only)
// from `base_url`, following `next` links on the same server, and writes <Type>.ndjson into
// `dir`. `progress` gets the resources read so far. Unavailable / PermissionDenied naming the URL.
// `page_size` is the searches' _count.
Status DownloadForAudit(const HttpSend& send, AccessTokenSource& tokens, const std::string& base_url, int page_size,
                        const std::filesystem::path& dir, const std::function<void(int64_t)>& progress);

}  // namespace selvhjelp::plugin
