#pragma once
// FHIR Coding / CodeableConcept reading.
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

// Whether `test` (bool(const CodingRef&)) holds for any of those codings (tested in order; stops
// at the first that holds). Copies nothing, and `test` is called directly: for hot paths.
template <typename Test>
bool AnyCoding(JsonRef codeable_concept, const Test& test) {
  for (JsonRef c : codeable_concept.Find("coding").items()) {
    auto code = c.FindString("code");
    if (!code) continue;
    if (test(CodingRef{c.FindString("system").value_or(""), *code, c.FindString("display").value_or("")})) return true;
  }
  return false;
}

// A JSON Coding {"system", "code", "display" (when not empty)}.
JsonValue MakeCoding(std::string_view system, std::string_view code, std::string_view display = {});
// A JSON CodeableConcept with one coding: {"coding": [coding]}.
JsonValue MakeConcept(JsonValue coding);

}  // namespace selvhjelp::fhir
