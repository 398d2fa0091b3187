#pragma once
// FHIR Coding / CodeableConcept reading.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/json_value.h"
#include "fhir/json/parsed_json.h"

namespace selvhjelp::fhir {

struct Coding {
  std::string system;
  std::string code;
  std::string display;
};

// A coding as views into the JSON it was read from.
struct CodingRef {
  std::string_view system;  // empty when absent
  std::string_view code;
  std::string_view display;  // empty when absent
};

// The codings of a CodeableConcept (`{"coding": [...]}`); codings without a code are skipped.
std::vector<Coding> CodingsOf(JsonRef codeable_concept);

// Whether `test` holds for any of those codings (tested in order; stops at the first that holds).
// Copies nothing: for hot paths.
bool AnyCoding(JsonRef codeable_concept, const std::function<bool(const CodingRef&)>& test);

// A JSON Coding {"system", "code", "display" (when not empty)}.
JsonValue MakeCoding(std::string_view system, std::string_view code, std::string_view display = {});
// A JSON CodeableConcept with one coding: {"coding": [coding]}.
JsonValue MakeConcept(JsonValue coding);

}  // namespace selvhjelp::fhir
