#pragma once
// The three parts of a JWS in compact serialisation (RFC 7515 §7.1), decoded but not verified.
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

struct CompactJws {
  fhir::JsonValue header;  // a JSON object
  fhir::JsonValue claims;  // the payload, a JSON object
  std::string signing_input;  // "<header>.<payload>" as sent
  std::string signature;      // raw bytes
};

// Unauthenticated (naming the part, never quoting it) when `token` is not three base64url parts
// whose first two are JSON objects.
[[nodiscard]] Result<CompactJws> DecodeCompactJws(std::string_view token);

}  // namespace selvhjelp::plugin
