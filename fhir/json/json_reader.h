#pragma once
// Parses JSON text into a JsonValue that records the line of every value.
#include <cstddef>
#include <functional>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

// Nesting deeper than this is rejected (protects the stack from hostile input).
constexpr int kMaxJsonDepth = 64;

// Returns the parsed tree, or InvalidArgument "line L, column C: <what is wrong>" for malformed
// text, for nesting deeper than kMaxJsonDepth, for trailing content, or for a string or key holding
// a NUL character (a \u0000 escape), which no FHIR string, PostgreSQL text or C string can hold.
[[nodiscard]] Result<JsonValue> ParseJson(std::string_view text);

// Parses a document whose root is an object, handing each element of the array under the root
// member `array_key` to `on_element` as soon as it is complete, instead of keeping it: memory
// stays at one element for files of any length. The returned root holds the other members (and
// an empty `array_key` array). `on_element` returning false stops the parse (InvalidArgument
// "stopped"). Errors otherwise as ParseJson.
[[nodiscard]] Result<JsonValue> ParseJsonStreamingArray(
    std::string_view text, std::string_view array_key,
    const std::function<bool(JsonValue element)>& on_element);

}  // namespace selvhjelp::fhir
