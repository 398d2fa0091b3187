#pragma once
// ReadBounds: how much one read of a group source over HTTP may take (groups.sources[].maxPages,
// maxItems, maxBytes). A read that reaches a bound stops and fails with ResourceExhausted; the
// source keeps what it had.
#include <cstdint>
#include <string>

#include "fhir/base/status.h"

namespace selvhjelp::plugin {

struct ReadBounds {
  int64_t max_pages = 1000;                 // listing pages (HSDS) or searchset pages (FHIR)
  int64_t max_items = 100000;               // services listed, in all pages together
  int64_t max_bytes = 256LL * 1024 * 1024;  // answers, all together
};

// The error of a read that reached `bound` ("maxPages", "maxItems", "maxBytes") of `value`.
inline Status ReadBoundReached(const std::string& url, const char* bound, int64_t value) {
  return ResourceExhaustedError(url + ": read stopped at " + bound + " (" + std::to_string(value) +
                                "); the previous content is kept");
}

}  // namespace selvhjelp::plugin
