#pragma once
// Serialises a JsonValue (compact, or indented for people).
#include <string>

#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

std::string WriteJson(const JsonValue& value);
std::string WritePrettyJson(const JsonValue& value);

}  // namespace selvhjelp::fhir
