#pragma once
// Serialises a JsonValue (compact).
#include <string>

#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

std::string WriteJson(const JsonValue& value);

}  // namespace selvhjelp::fhir
