#pragma once
// Parses JSON text into a JsonValue that records the line of every value.
#include <cstddef>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

// Nesting deeper than this is rejected (protects the stack from hostile input).
constexpr int kMaxJsonDepth = 64;

// Returns the parsed tree, or InvalidArgument "line L, column C: <what is wrong>" for malformed
// text, for nesting deeper than kMaxJsonDepth, or for trailing content.
[[nodiscard]] Result<JsonValue> ParseJson(std::string_view text);

}  // namespace selvhjelp::fhir
