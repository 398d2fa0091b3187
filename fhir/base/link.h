#pragma once
// Which links outside data may carry: the one rule the config loader and every group source
// apply, so a link accepted in one place is accepted in all.
#include <string_view>

namespace selvhjelp::fhir {

// True for a link that may be republished: an absolute http, https, mailto or tel URL (scheme in
// any case) without spaces or control characters. javascript:, data: and the like are false.
bool IsSafeLink(std::string_view url);
// True for a place to report wrong information: a safe link that is http, https or mailto. tel:
// is not one: the card, the app and the exports show only these.
bool IsReportLink(std::string_view url);

}  // namespace selvhjelp::fhir
