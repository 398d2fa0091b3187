#pragma once
// Reading a request target ("/directory/groups?municipality=4601"): its path and its decoded query.
// Pure functions over text, so they are unit-tested without a socket.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

struct RequestTarget {
  std::string_view path;   // as sent (still percent-encoded); "/" when the target has none
  std::string_view query;  // after the first '?', without a '#fragment'; empty when there is none
};

// Splits an origin-form ("/a?b") or absolute-form ("http://host/a?b") target. The views point
// into `target`.
RequestTarget SplitTarget(std::string_view target);

// Decodes %XX escapes ('+' stays '+'); nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

// The query's parameters, decoded; the last of a repeated name wins, a name without '=' has an
// empty value, empty pieces ("a=1&&b=2") are skipped. InvalidArgument
// "<name>: malformed percent-encoding in the query" naming the parameter (as sent, shortened to
// 64 characters, when the name itself is malformed).
[[nodiscard]] Result<std::map<std::string, std::string>> DecodeQuery(std::string_view query);

}  // namespace selvhjelp::plugin
