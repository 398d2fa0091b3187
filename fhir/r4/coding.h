#pragma once
// FHIR Coding / CodeableConcept reading.
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

struct Coding {
  std::string system;
  std::string code;
  std::string display;
};

// The codings of a CodeableConcept (`{"coding": [...]}`); codings without a code are skipped.
std::vector<Coding> CodingsOf(const JsonValue& codeable_concept);

// A JSON Coding {"system", "code", "display" (when not empty)}.
JsonValue MakeCoding(std::string_view system, std::string_view code, std::string_view display = {});
// A JSON CodeableConcept with one coding: {"coding": [coding]}.
JsonValue MakeConcept(JsonValue coding);

}  // namespace selvhjelp::fhir
